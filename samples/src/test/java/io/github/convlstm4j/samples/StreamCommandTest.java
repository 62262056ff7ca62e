package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convlstm4j stream} on a tiny model with random weights (one ConvLSTM layer, a causal
 * Conv3D head of time kernel 2, so each push also re-runs one frame of the head's window),
 * saved as a checkpoint by the test: replay of an .npy movie, a watched folder the test drops
 * files into, bad frames skipped with the state kept, usage errors, and Ctrl-C in a child JVM.
 */
class StreamCommandTest {

  private static final int SIZE = 8;

  @TempDir
  Path dir;

  private Path checkpoint;

  @BeforeEach
  void tinyCheckpoint() throws IOException {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(new Conv3dHeadSpec(1, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
    checkpoint = dir.resolve("tiny.npz");
    try (Forecaster f = Forecasters.create("reference", spec)) {
      f.save(checkpoint);
    }
  }

  private static float[] frame(long seed) {
    Random r = new Random(seed);
    float[] v = new float[SIZE * SIZE];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  /** Writes frames as one float32 .npy shaped [T, SIZE, SIZE] (NaN allowed). */
  private static Path movie(Path file, float[]... frames) throws IOException {
    float[] all = new float[frames.length * SIZE * SIZE];
    for (int t = 0; t < frames.length; t++) {
      System.arraycopy(frames[t], 0, all, t * SIZE * SIZE, SIZE * SIZE);
    }
    Npy.write(Tensor.of(new int[] {frames.length, SIZE, SIZE}, all), file);
    return file;
  }

  private Cli stream(String... more) {
    List<String> a = new ArrayList<>(List.of("stream", "--checkpoint", checkpoint.toString(),
        "--backend", "reference", "--horizon", "3", "--scale", "2"));
    a.addAll(List.of(more));
    return Cli.run(a.toArray(new String[0]));
  }

  private static float[] forecastNpy(Path out) throws IOException {
    return Npy.read(out.resolve("forecast.npy")).toArray();
  }

  @Test
  @DisplayName("replay: a forecast after every frame; a NaN frame is skipped and the state kept")
  void replaySkipsANanFrameAndKeepsTheState() throws Exception {
    float[] good0 = frame(1);
    float[] good1 = frame(2);
    float[] bad = frame(3);
    bad[2 * SIZE + 3] = Float.NaN;
    Path withBad = movie(dir.resolve("with-bad.npy"), good0, bad, good1);
    Path clean = movie(dir.resolve("clean.npy"), good0, good1);
    Path outA = dir.resolve("a");
    Path outB = dir.resolve("b");

    Cli a = stream("--replay", withBad.toString(), "--rate", "0", "--out", outA.toString());
    Cli b = stream("--replay", clean.toString(), "--rate", "0", "--out", outB.toString());

    assertEquals(0, a.exitCode(), a.err());
    assertEquals(0, b.exitCode(), b.err());
    assertTrue(a.out().contains("frame 2 (with-bad.npy frame 2/3): skipped: expected finite "
        + "values, got 1 non-finite (first NaN at row 2, col 3, channel 0); state kept (1 "
        + "frame(s) pushed)"), a.out());
    assertTrue(a.out().lines().anyMatch(l -> l.startsWith("frame 3 (with-bad.npy frame 3/3): "
        + "pushed in ") && l.contains("3-step forecast in") && l.contains("latency")), a.out());
    assertTrue(a.out().contains("stream: the feed ended after 3 frame(s): 2 pushed, 1 skipped"),
        a.out());
    // The forecast after [good, bad, good] is the one after [good, good]: the bad frame was
    // never pushed.
    assertArrayEquals(forecastNpy(outB), forecastNpy(outA));
    // ... and it is the library's forecast from those two frames.
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      FrameSequence context = FrameSequence.of(2, SIZE, SIZE, 1, concat(good0, good1));
      assertArrayEquals(f.forecast(context, 3).toArray(), forecastNpy(outA), 1e-6f);
    }
    for (int j = 1; j <= 3; j++) {
      assertTrue(Files.isRegularFile(outA.resolve(StreamOutputs.pngName(1, j))));
      assertFalse(Files.exists(outA.resolve(StreamOutputs.pngName(2, j))), "skipped frame");
      assertTrue(Files.isRegularFile(outA.resolve(StreamOutputs.pngName(3, j))));
    }
    BufferedImage png = ImageIO.read(outA.resolve(StreamOutputs.pngName(3, 1)).toFile());
    assertEquals(2 * SIZE, png.getWidth(), "--scale 2");
    assertTrue(Files.size(outA.resolve("forecast.gif")) > 0);
    List<String> csv = Files.readAllLines(outA.resolve("latency.csv"));
    assertEquals(StreamOutputs.CSV_HEADER, csv.get(0));
    assertEquals(4, csv.size(), csv.toString());
    assertTrue(csv.get(2).startsWith("2,\"with-bad.npy frame 2/3\",\"skipped: expected finite"),
        csv.get(2));
    assertTrue(csv.get(3).startsWith("3,\"with-bad.npy frame 3/3\",\"pushed\","), csv.get(3));
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = new float[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  @DisplayName("--max-frames stops the replay after N frames")
  void maxFramesStopsEarly() throws Exception {
    Path m = movie(dir.resolve("m.npy"), frame(1), frame(2), frame(3), frame(4), frame(5));
    Path out = dir.resolve("out");
    Cli r = stream("--replay", m.toString(), "--rate", "1000", "--max-frames", "2", "--out",
        out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("stream: --max-frames 2 reached after 2 frame(s): 2 pushed, "
        + "0 skipped"), r.out());
    assertTrue(Files.exists(out.resolve(StreamOutputs.pngName(2, 3))));
    assertFalse(Files.exists(out.resolve(StreamOutputs.pngName(3, 1))));
  }

  @Test
  @DisplayName("--history N: forecasts come from the last N/2+1 to N frames")
  void historyBoundsTheFramesAForecastComesFrom() throws Exception {
    float[][] g = {frame(1), frame(2), frame(3), frame(4), frame(5)};
    Path m = movie(dir.resolve("m.npy"), g);
    Path out = dir.resolve("out");
    Cli r = stream("--replay", m.toString(), "--rate", "0", "--history", "4", "--out",
        out.toString());
    assertEquals(0, r.exitCode(), r.err());
    // Frames 1-4 in one session; frame 5 in a new one after frames 3 and 4.
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("frame 5 (m.npy frame 5/5): pushed "
        + "in ") && l.contains(" (a new session from the last 2 frame(s)), ")), r.out());
    assertTrue(r.out().lines().noneMatch(l -> l.startsWith("frame 4 ") && l.contains("new")),
        r.out());
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      float[] last3 = concat(concat(g[2], g[3]), g[4]);
      assertArrayEquals(f.forecast(FrameSequence.of(3, SIZE, SIZE, 1, last3), 3).toArray(),
          forecastNpy(out), 1e-6f);
    }
    Cli bad = stream("--replay", m.toString(), "--history", "-1");
    assertEquals(2, bad.exitCode(), bad.err());
  }

  @Test
  @DisplayName("watch: files dropped into a folder are taken in order; bad ones are skipped")
  void watchTakesDroppedFilesAndSkipsBadOnes() throws Exception {
    Path in = folderWithFirstFrame();
    Path out = dir.resolve("out");
    CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> stream("--watch",
        in.toString(), "--poll-ms", "20", "--max-frames", "5", "--out", out.toString()));
    Thread.sleep(200);
    drop(in, "f2.png", p -> png(p, SIZE - 2, BufferedImage.TYPE_BYTE_GRAY));
    drop(in, "f3.png", p -> png(p, SIZE, BufferedImage.TYPE_INT_RGB));
    drop(in, "f4.npy", p -> Npy.write(Tensor.of(new int[] {SIZE, SIZE, 2},
        concat(frame(4), frame(5))), p));
    drop(in, "f5.png", p -> png(p, SIZE, BufferedImage.TYPE_BYTE_GRAY));
    Files.writeString(in.resolve("notes.txt"), "not a frame");
    Cli r = run.get(60, TimeUnit.SECONDS);

    assertEquals(0, r.exitCode(), r.err());
    String o = r.out();
    assertTrue(o.startsWith("stream: watching " + in), o);
    assertTrue(o.lines().anyMatch(l -> l.startsWith("frame 1 (f1.npy): pushed in ")), o);
    assertTrue(o.contains("frame 2 (f2.png): skipped: expected 8x8 pixels like the frames "
        + "before, got 6x6; state kept (1 frame(s) pushed)"), o);
    assertTrue(o.contains("frame 3 (f3.png): skipped: expected 1 channel (grey), got 3 "
        + "channels (colour) (8x8 8-bit RGB); state kept"), o);
    assertTrue(o.contains("frame 4 (f4.npy): skipped: expected 1 channel (grey), got 2 "
        + "channels; state kept"), o);
    assertTrue(o.lines().anyMatch(l -> l.startsWith("frame 5 (f5.png): pushed in ")), o);
    assertTrue(o.contains("--max-frames 5 reached after 5 frame(s): 2 pushed, 3 skipped"), o);
    assertTrue(Files.exists(out.resolve(StreamOutputs.pngName(5, 3))));
    // The PNG's grey levels / 255 were pushed after f1: the same forecast as the library's.
    float[] grey = new float[SIZE * SIZE];
    for (int i = 0; i < grey.length; i++) {
      grey[i] = (i * 7 % 256) / 255f;
    }
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      FrameSequence context = FrameSequence.of(2, SIZE, SIZE, 1, concat(frame(1), grey));
      assertArrayEquals(f.forecast(context, 3).toArray(), forecastNpy(out), 1e-6f);
    }
  }

  /** A folder to watch, holding the frame {@code f1.npy} already. */
  private Path folderWithFirstFrame() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    drop(in, "f1.npy", p -> Npy.write(Tensor.of(new int[] {SIZE, SIZE}, frame(1)), p));
    return in;
  }

  /** Writes {@code name} next to the folder, then moves it in (as a feed should). */
  private static void drop(Path in, String name, Writer w) throws Exception {
    Path tmp = in.resolveSibling("tmp-" + name);
    w.write(tmp);
    Files.move(tmp, in.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(60);
  }

  @FunctionalInterface
  private interface Writer {
    void write(Path p) throws Exception;
  }

  /** A square PNG with grey levels {@code i * 7 % 256} (pixel i in row-major order). */
  private static void png(Path p, int size, int type) throws IOException {
    BufferedImage img = new BufferedImage(size, size, type);
    for (int i = 0; i < size * size; i++) {
      int level = i * 7 % 256;
      if (type == BufferedImage.TYPE_BYTE_GRAY) {
        img.getRaster().setSample(i % size, i / size, 0, level);
      } else {
        img.setRGB(i % size, i / size, level << 16 | level << 8 | level);
      }
    }
    ImageIO.write(img, "png", p.toFile());
  }

  @Test
  @DisplayName("usage errors exit 2 in one line before any work; a missing file exits 1")
  void usageErrors() throws Exception {
    Path m = movie(dir.resolve("m.npy"), frame(1));
    String[][] usage = {
        {"--out", dir.resolve("o").toString()},
        {"--watch", dir.toString(), "--replay", m.toString()},
        {"--watch", dir.toString(), "--rate", "3"},
        {"--replay", m.toString(), "--poll-ms", "10"},
        {"--replay", m.toString(), "--rate", "-1"},
        {"--replay", m.toString(), "--max-frames", "-1"},
        {"--replay", m.toString(), "--horizon", "0"},
        {"--replay", m.toString(), "--movie", "x"},
    };
    for (String[] u : usage) {
      Cli r = stream(u);
      assertEquals(2, r.exitCode(), String.join(" ", u) + ": " + r.err());
      assertEquals(1, r.errLines(), r.err());
      assertTrue(r.err().startsWith("convlstm4j stream: "), r.err());
      assertFalse(Files.exists(dir.resolve("o")), "no work before the check");
    }
    Cli missing = stream("--replay", dir.resolve("none.npy").toString());
    assertEquals(1, missing.exitCode());
    assertEquals(1, missing.errLines(), missing.err());
    assertTrue(missing.err().contains("not found"), missing.err());
    Cli movie = stream("--replay", m.toString(), "--movie", "1", "--out",
        dir.resolve("o").toString());
    assertEquals(1, movie.exitCode());
    assertTrue(movie.err().contains("--movie must be below the 1 movie(s)"), movie.err());
    Cli help = Cli.run("stream", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("Usage: convlstm4j stream "), help.out());
    assertTrue(Cli.run("--help").out().contains("  stream "), "listed in the top-level help");
  }

  @Test
  @DisplayName("Ctrl-C ends a watching stream cleanly: summary printed, exit 0")
  void interruptEndsCleanly() throws Exception {
    Path in = folderWithFirstFrame();
    Path out = dir.resolve("out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "stream", "--checkpoint", checkpoint.toString(), "--backend", "reference", "--watch",
        in.toString(), "--poll-ms", "20", "--horizon", "2", "--out", out.toString())
        .redirectErrorStream(true).start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException e) {
        lines.add("reader: " + e);
      }
    });
    reader.start();
    List<String> seen = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.stream().noneMatch(l -> l.startsWith("frame 1 (f1.npy): pushed"))) {
        String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertTrue(l != null, "no frame line within 60 s: " + seen);
        seen.add(l);
      }
      // SIGINT, as Ctrl-C sends it; a JVM started with SIGINT ignored (a background job of a
      // shell without job control) installs no handler for it, so SIGTERM, which takes the
      // same shutdown path, stands in then.
      String signal = ignores(p.pid(), 2) ? "-TERM" : "-INT";
      new ProcessBuilder("kill", signal, Long.toString(p.pid())).inheritIO().start().waitFor();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the stream did not end: " + seen);
    } finally {
      p.destroyForcibly();
    }
    reader.join(10_000);
    lines.drainTo(seen);
    assertEquals(0, p.exitValue(), String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(l -> l.startsWith("stream: stopped by a signal after 1 "
        + "frame(s): 1 pushed, 0 skipped")), String.join("\n", seen));
    assertTrue(Files.exists(out.resolve(StreamOutputs.pngName(1, 2))));
  }

  /** Whether process {@code pid} ignores signal {@code sig} (SigIgn of /proc/PID/status). */
  private static boolean ignores(long pid, int sig) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(l.substring(7).trim(), 16);
        return (mask >> (sig - 1) & 1) != 0;
      }
    }
    return false;
  }
}

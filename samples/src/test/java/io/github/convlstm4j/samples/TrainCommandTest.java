package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, --resume, generate, forecast and evaluate on a tiny model. */
class TrainCommandTest {

  private static final String[] TINY = {"--samples", "12", "--frames", "8", "--filters", "3",
      "--layers", "1", "--batch-size", "6"};

  private static String[] args(String[] head, String... tail) {
    String[] a = new String[head.length + TINY.length + tail.length];
    System.arraycopy(head, 0, a, 0, head.length);
    System.arraycopy(TINY, 0, a, head.length, TINY.length);
    System.arraycopy(tail, 0, a, head.length + TINY.length, tail.length);
    return a;
  }

  private static final String[] RECIPE = {"--backend", "reference", "--optimizer", "adamw",
      "--weight-decay", "0.02", "--schedule", "onecycle", "--max-lr", "0.01", "--clip-norm",
      "0.5", "--schedule-epochs", "2"};

  private static String[] recipe(String[] head, String... tail) {
    String[] a = args(head, tail);
    String[] b = new String[a.length + RECIPE.length];
    System.arraycopy(a, 0, b, 0, a.length);
    System.arraycopy(RECIPE, 0, b, a.length, RECIPE.length);
    return b;
  }

  @Test
  @DisplayName("the recipe (adamw, onecycle, clipping) resumes exactly: 1 epoch + --resume to 2 "
      + "gives the weights and optimizer state of 2 epochs in one go")
  void recipeResumesExactly(@TempDir Path dir) throws Exception {
    Path straight = dir.resolve("straight.npz");
    Cli a = Cli.run(recipe(new String[] {"train", "--epochs", "2"}, "--checkpoint",
        straight.toString()));
    assertEquals(0, a.exitCode(), a.err());
    Path pieces = dir.resolve("pieces.npz");
    Cli b1 = Cli.run(recipe(new String[] {"train", "--epochs", "1"}, "--checkpoint",
        pieces.toString()));
    assertEquals(0, b1.exitCode(), b1.err());
    Cli b2 = Cli.run(recipe(new String[] {"train", "--epochs", "2", "--resume"}, "--checkpoint",
        pieces.toString()));
    assertEquals(0, b2.exitCode(), b2.err());
    Checkpoint x = Checkpoints.read(straight);
    Checkpoint y = Checkpoints.read(pieces);
    assertEquals(x.weights(), y.weights());
    assertEquals(x.optimizerState(), y.optimizerState());
    assertTrue(x.optimizerState().names().stream().anyMatch(n -> n.startsWith("adamw/m/")),
        x.optimizerState().names().toString());
  }

  @Test
  @DisplayName("bad recipe options are usage errors naming the option and the value")
  void recipeRefusals(@TempDir Path dir) {
    String ck = dir.resolve("ck.npz").toString();
    String[][] cases = {
      {"--optimizer", "adamw", "--weight-decay", "-0.1"},
      {"--weight-decay", "0.1"},
      {"--clip-norm", "0"},
      {"--schedule", "onecycle", "--max-lr", "NaN"},
      {"--max-lr", "0.1"},
      {"--schedule", "warmup"},
    };
    String[] expected = {
      "--weight-decay: weightDecay must be finite and at least 0, got -0.1",
      "--weight-decay: weightDecay must be 0 for ",
      "--clip-norm: clipNorm must be positive (Infinity for no clipping), got 0.0",
      "--max-lr must be positive and finite, got NaN",
      "--max-lr needs --schedule onecycle or cosine, got --schedule constant",
      "must be constant, onecycle or cosine, got 'warmup'",
    };
    for (int i = 0; i < cases.length; i++) {
      String[] head = new String[cases[i].length + 3];
      head[0] = "train";
      head[1] = "--checkpoint";
      head[2] = ck;
      System.arraycopy(cases[i], 0, head, 3, cases[i].length);
      Cli r = Cli.run(args(head));
      assertEquals(Main.USAGE, r.exitCode(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains(expected[i]), r.err());
      assertTrue(!Files.exists(dir.resolve("ck.npz")), "nothing written");
    }
  }

  @Test
  @DisplayName("train saves after every epoch; --resume continues at the next epoch")
  void trainThenResume(@TempDir Path dir) throws Exception {
    Path ck = dir.resolve("ck.npz");
    Cli first = Cli.run(args(new String[] {"train", "--epochs", "1"}, "--checkpoint",
        ck.toString()));
    assertEquals(0, first.exitCode(), first.err());
    Checkpoint one = Checkpoints.read(ck);
    assertEquals(1, one.epochsCompleted());
    assertTrue(one.optimizerState().names().size() > 0, "optimizer state saved");

    Cli again = Cli.run(args(new String[] {"train", "--epochs", "3"}, "--checkpoint",
        ck.toString()));
    assertEquals(1, again.exitCode(), "refuses to overwrite without --resume");
    assertTrue(again.err().contains("--resume"), again.err());

    Cli resumed = Cli.run(args(new String[] {"train", "--epochs", "3", "--resume"},
        "--checkpoint", ck.toString()));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(resumed.out().contains("Trained to epoch 3"), resumed.out());
    assertEquals(3, Checkpoints.read(ck).epochsCompleted());

    Cli done = Cli.run(args(new String[] {"train", "--epochs", "3", "--resume"},
        "--checkpoint", ck.toString()));
    assertEquals(0, done.exitCode(), done.err());
    assertTrue(done.out().contains("nothing to do"), done.out());
  }

  @Test
  @DisplayName("generate writes noisy/clean/shifted; forecast and evaluate read them")
  void generateForecastEvaluate(@TempDir Path dir) throws Exception {
    Path movies = dir.resolve("movies.npz");
    Cli gen = Cli.run("generate", "--samples", "14", "--frames", "8", "--out",
        movies.toString());
    assertEquals(0, gen.exitCode(), gen.err());
    Map<String, Tensor> arrays = Npz.readArrays(movies);
    for (String k : new String[] {"noisy", "clean", "shifted"}) {
      assertEquals(java.util.List.of(14, 8, 40, 40, 1), arrays.get(k).shapeList(), k);
    }

    Path ck = dir.resolve("ck.npz");
    Cli train = Cli.run(args(new String[] {"train", "--epochs", "1"}, "--checkpoint",
        ck.toString(), "--data", movies.toString()));
    assertEquals(0, train.exitCode(), train.err());

    Path out = dir.resolve("fc");
    Cli fc = Cli.run("forecast", "--checkpoint", ck.toString(), "--input", movies.toString(),
        "--movie", "13", "--context", "7", "--horizon", "5", "--out", out.toString());
    assertEquals(0, fc.exitCode(), fc.err());
    Tensor f = Npy.read(out.resolve("forecast.npy"));
    assertEquals(java.util.List.of(5, 40, 40, 1), f.shapeList());
    assertTrue(Files.exists(out.resolve("forecast_05.png")));
    assertTrue(Files.exists(out.resolve("forecast.gif")));

    // PNG folder input: grey PNGs at scale 1 read back as 40x40 frames.
    Cli fromGray = Cli.run("forecast", "--checkpoint", ck.toString(), "--input",
        movies.toString(), "--movie", "12", "--context", "7", "--horizon", "3", "--colormap",
        "gray", "--scale", "1", "--out", dir.resolve("gray").toString());
    assertEquals(0, fromGray.exitCode(), fromGray.err());
    Path pngDir = dir.resolve("gray-in");
    Files.createDirectories(pngDir);
    for (int i = 1; i <= 3; i++) {
      Files.copy(dir.resolve("gray").resolve(String.format("forecast_%02d.png", i)),
          pngDir.resolve(String.format("f%02d.png", i)));
    }
    Cli pngs = Cli.run("forecast", "--checkpoint", ck.toString(), "--input",
        pngDir.toString(), "--horizon", "2", "--out", dir.resolve("fc3").toString());
    assertEquals(0, pngs.exitCode(), pngs.err());
    assertTrue(pngs.out().contains("from 3 context frames"), pngs.out());

    Cli eval = Cli.run("evaluate", "--checkpoint", ck.toString(), "--data", movies.toString(),
        "--from", "12", "--count", "2", "--steps", "1", "--json",
        dir.resolve("eval.json").toString());
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.out().contains("Quality bar"), eval.out());
    JsonNode evalJson = new ObjectMapper().readTree(Files.readString(dir.resolve("eval.json")));
    assertEquals("reference", evalJson.get("backend").asText());
    assertEquals(1, evalJson.get("epochsTrained").asInt());
    assertTrue(evalJson.get("heldOut").get("modelMse").isArray(), evalJson.toString());
  }
}

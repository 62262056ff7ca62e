package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forecast, evaluate and stream with a checkpoint whose normalization is not the identity: every
 * command feeds the model normalized frames and answers in the user's units. The expected values
 * are computed here: the affine map and its inverse written out by hand around the model's own
 * forecast in normalized units, the MSE summed by hand.
 */
class NormalizedCommandsTest {
  @TempDir static Path dir;

  static final int N = 3;
  static final int T = 6;
  static final int S = 8;
  static final int CONTEXT = 4;
  static final int STEPS = 2;
  /** y = 0.05 x + 0.1: user values in [0, 20] become [0.1, 1.1]. */
  static final double SCALE = 0.05;
  static final double OFFSET = 0.1;

  static Path checkpoint;
  static Path data;
  static float[][] sequences = new float[N][];
  /** Per sequence: the model's forecast of the normalized context, inverted by hand. */
  static float[][] expected = new float[N][];
  /** Per sequence: the same model fed the user's units as they are (what must not happen). */
  static float[][] unnormalized = new float[N][];

  static float toModel(float x) {
    return (float) (x * SCALE + OFFSET);
  }

  static float toUser(float y) {
    return (float) ((y - OFFSET) / SCALE);
  }

  @BeforeAll
  static void setUp() throws Exception {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(new Conv3dHeadSpec(1, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(5).build();
    checkpoint = dir.resolve("normalized.npz");
    Random r = new Random(11);
    float[] all = new float[N * T * S * S];
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) (20 * r.nextDouble() * r.nextDouble());
    }
    data = dir.resolve("rain.npy");
    Npy.write(Tensor.of(new int[] {N, T, S, S, 1}, all), data);
    try (Forecaster f = Forecasters.create("reference", spec)) {
      Checkpoints.write(f.checkpoint(), Normalization.affine(SCALE, OFFSET, false), checkpoint);
      for (int n = 0; n < N; n++) {
        sequences[n] = Arrays.copyOfRange(all, n * T * S * S, (n + 1) * T * S * S);
        float[] ctx = Arrays.copyOf(sequences[n], CONTEXT * S * S);
        float[] normalized = new float[ctx.length];
        for (int i = 0; i < ctx.length; i++) {
          normalized[i] = toModel(ctx[i]);
        }
        float[] y = f.forecast(FrameSequence.of(CONTEXT, S, S, 1, normalized), STEPS).toArray();
        expected[n] = new float[y.length];
        for (int i = 0; i < y.length; i++) {
          expected[n][i] = toUser(y[i]);
        }
        unnormalized[n] = f.forecast(FrameSequence.of(CONTEXT, S, S, 1, ctx), STEPS).toArray();
      }
    }
    // not vacuous: the normalization changes the answer by far more than the tolerances below
    double d = 0;
    for (int i = 0; i < expected[1].length; i++) {
      d = Math.max(d, Math.abs(expected[1][i] - unnormalized[1][i]));
    }
    assertTrue(d > 1, "normalized and raw forecasts differ by " + d);
  }

  @Test
  @DisplayName("forecast: normalized context in, inverted forecast out")
  void forecast() throws Exception {
    Path out = dir.resolve("fc");
    Cli fc = Cli.run("forecast", "--checkpoint", checkpoint.toString(), "--backend",
        "reference", "--input", data.toString(), "--layout", "NTHWC", "--movie", "1",
        "--context", Integer.toString(CONTEXT), "--horizon", Integer.toString(STEPS),
        "--out", out.toString(), "--scale", "1");
    assertEquals(0, fc.exitCode(), fc.err());
    assertArrayEquals(expected[1], Npy.read(out.resolve("forecast.npy")).toArray(), 1e-4f);
  }

  @Test
  @DisplayName("stream: each frame normalized before the push, forecast.npy inverted")
  void stream() throws Exception {
    Path feed = dir.resolve("feed.npy");
    Npy.write(Tensor.of(new int[] {CONTEXT, S, S},
        Arrays.copyOf(sequences[2], CONTEXT * S * S)), feed);
    Path out = dir.resolve("stream");
    Cli st = Cli.run("stream", "--checkpoint", checkpoint.toString(), "--backend", "reference",
        "--replay", feed.toString(), "--rate", "0", "--horizon", Integer.toString(STEPS),
        "--scale", "1", "--out", out.toString());
    assertEquals(0, st.exitCode(), st.err());
    assertArrayEquals(expected[2], Npy.read(out.resolve("forecast.npy")).toArray(), 1e-4f);
  }

  @Test
  @DisplayName("evaluate: the model's scores are those of the inverted forecasts, in the "
      + "data's units, next to persistence in the same units")
  void evaluate() throws Exception {
    Path json = dir.resolve("scores.json");
    Cli ev = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--backend",
        "reference", "--data", data.toString(), "--layout", "NTHWC", "--context",
        Integer.toString(CONTEXT), "--steps", Integer.toString(STEPS), "--scores", "mse",
        "--json", json.toString());
    assertEquals(0, ev.exitCode(), ev.err());
    assertTrue(ev.out().contains("scored in the data's units"), ev.out());
    JsonNode mse = new ObjectMapper().readTree(json.toFile()).get("heldOut").get("scores")
        .get("mse");
    int frame = S * S;
    for (int s = 0; s < STEPS; s++) {
      double model = 0;
      double persistence = 0;
      for (int n = 0; n < N; n++) {
        for (int i = 0; i < frame; i++) {
          double truth = sequences[n][(CONTEXT + s) * frame + i];
          double m = expected[n][s * frame + i] - truth;
          double p = sequences[n][(CONTEXT - 1) * frame + i] - truth;
          model += m * m;
          persistence += p * p;
        }
      }
      model /= N * frame;
      persistence /= N * frame;
      assertEquals(model, mse.get("model").get(s).asDouble(), 1e-4 * model, "step " + (s + 1));
      assertEquals(persistence, mse.get("persistence").get(s).asDouble(), 1e-9 * persistence);
    }
  }
}

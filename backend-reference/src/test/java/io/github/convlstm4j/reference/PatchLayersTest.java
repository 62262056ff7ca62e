package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patch layers on the reference backend: the core applies them around the ConvLSTM core, so a
 * patched model trains, rolls out and checkpoints like any other.
 */
class PatchLayersTest {

  /** S2D(2) → ConvLSTM(3) + BN → CAUSAL Conv3D head of 4·C filters → D2S(2). */
  static ModelSpec patched(int channels) {
    return ModelSpec.builder(channels).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(4 * channels, 2, 3, 3, Activation.SIGMOID,
            TimePadding.CAUSAL))
        .addLayer(new DepthToSpaceSpec(2)).seed(9).build();
  }

  private static List<FrameSequence> apply(SpaceToDepthSpec s, List<FrameSequence> l) {
    List<FrameSequence> out = new ArrayList<>();
    l.forEach(x -> out.add(s.apply(x)));
    return out;
  }

  @Test
  @DisplayName("predict is depth-to-space of the core's output on the space-to-depth input")
  void predictAroundCore() {
    ModelSpec spec = patched(2);
    Random r = new Random(1);
    List<FrameSequence> in = TestSupport.randomBatch(r, 2, 3, 6, 4, 2, 0, 1);
    try (ReferenceForecaster full = TestSupport.forecaster(spec);
        ReferenceForecaster core = TestSupport.forecaster(spec.coreSpec())) {
      assertEquals(full.weights(), core.weights(), "same seed, same initial weights");
      List<FrameSequence> a = full.predict(in);
      List<FrameSequence> b = core.predict(apply(new SpaceToDepthSpec(2), in));
      for (int i = 0; i < in.size(); i++) {
        assertEquals("3x6x4x2", a.get(i).shapeString());
        assertEquals(new DepthToSpaceSpec(2).apply(b.get(i)), a.get(i));
      }
    }
  }

  /**
   * Finite differences through the patched model: the patch layers' gradient is the inverse
   * permutation, applied by the core. Tolerances and step are {@link GradientCheckTest}'s.
   */
  @Test
  @DisplayName("gradients through a patched model match central differences")
  void gradientCheck() {
    ModelSpec spec = patched(1);
    Random r = new Random(4);
    List<FrameSequence> inputs = TestSupport.randomBatch(r, 2, 3, 4, 6, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      List<FrameSequence> targets = TestSupport.randomBatch(r, 2, 3, 4, 6, 1, 0, 1);
      ReferenceForecaster.Gradients g = fc.gradients(inputs, targets, Loss.BINARY_CROSSENTROPY);
      List<String> failures = new ArrayList<>();
      for (Map.Entry<String, float[]> e : g.parameters().entrySet()) {
        float[] v = fc.parameter(e.getKey());
        for (int i = 0; i < v.length; i++) {
          int at = i;
          check(e.getKey() + "[" + i + "]", e.getValue()[i], value -> {
            v[at] = value;
            return fc.trainingLoss(inputs, targets, Loss.BINARY_CROSSENTROPY);
          }, v[i], failures);
        }
      }
      for (int b = 0; b < inputs.size(); b++) {
        float[] x = inputs.get(b).toArray();
        float[] gx = g.inputs().get(b).toArray();
        assertEquals(inputs.get(b).shapeString(), g.inputs().get(b).shapeString());
        for (int i = 0; i < x.length; i++) {
          int at = i;
          int sample = b;
          check("input" + b + "[" + i + "]", gx[i], value -> {
            x[at] = value;
            List<FrameSequence> c = new ArrayList<>(inputs);
            c.set(sample, FrameSequence.of(3, inputs.get(sample).frameShape(), x));
            return fc.trainingLoss(c, targets, Loss.BINARY_CROSSENTROPY);
          }, x[i], failures);
        }
      }
      assertTrue(failures.isEmpty(), failures.size() + " elements differ, first: "
          + failures.subList(0, Math.min(10, failures.size())));
    }
  }

  private static void check(String what, double analytic, GradientCheckTest.LossAt f,
      float keep, List<String> failures) {
    double numeric = GradientCheckTest.centralDifference(f, keep, GradientCheckTest.STEP);
    double tol = GradientCheckTest.ATOL
        + GradientCheckTest.RTOL * Math.max(Math.abs(analytic), Math.abs(numeric));
    if (Math.abs(analytic - numeric) > tol) {
      failures.add(what + ": analytic " + analytic + ", numeric " + numeric);
    }
  }

  @Test
  @DisplayName("training a patched model equals training its core on permuted data")
  void trainsLikeItsCore() {
    ModelSpec spec = patched(1);
    Random r = new Random(7);
    List<FrameSequence> in = TestSupport.randomBatch(r, 4, 3, 4, 4, 1, 0, 1);
    List<FrameSequence> out = TestSupport.randomBatch(r, 4, 3, 4, 4, 1, 0, 1);
    SpaceToDepthSpec s2d = new SpaceToDepthSpec(2);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2).withEpochs(2)
        .withOptimizer(OptimizerSpec.adam()).withLoss(Loss.BINARY_CROSSENTROPY);
    try (ReferenceForecaster full = TestSupport.forecaster(spec);
        ReferenceForecaster core = TestSupport.forecaster(spec.coreSpec())) {
      var before = full.weights();
      var h1 = full.fit(SequenceDataset.of(in, out), cfg, TrainingListener.NONE);
      var h2 = core.fit(SequenceDataset.of(apply(s2d, in), apply(s2d, out)), cfg,
          TrainingListener.NONE);
      assertNotEquals(before, full.weights(), "the weights moved");
      assertEquals(h2.epochs().get(1).loss(), h1.epochs().get(1).loss());
      assertEquals(core.weights(), full.weights());
      assertEquals(core.evaluate(SequenceDataset.of(apply(s2d, in), apply(s2d, out)),
          Loss.MSE), full.evaluate(SequenceDataset.of(in, out), Loss.MSE));
    }
  }

  @Test
  @DisplayName("forecast and sessions of a patched model carry the core's state")
  void forecastCarriesState(@TempDir Path dir) throws Exception {
    ModelSpec spec = patched(1);
    Random r = new Random(8);
    FrameSequence context = TestSupport.random(r, 4, 6, 6, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      FrameSequence rolled = fc.forecast(context, 2);
      assertEquals("2x6x6x1", rolled.shapeString());
      // CAUSAL head: output t sees inputs up to t, so each step is the last output frame of
      // a predict over the sequence so far.
      FrameSequence first = fc.predict(context).lastFrame();
      FrameSequence second = fc.predict(context.append(first)).lastFrame();
      assertTrue(rolled.frame(0).maxAbsDifference(first) <= 1e-6);
      assertTrue(rolled.frame(1).maxAbsDifference(second) <= 1e-5);
      Path file = dir.resolve("patched.npz");
      fc.save(file);
      try (Forecaster loaded = Checkpoints.load("reference", file)) {
        assertEquals(spec, loaded.spec().withSeed(spec.seed()));
        assertArrayEquals(fc.predict(context).toArray(), loaded.predict(context).toArray());
      }
    }
  }
}

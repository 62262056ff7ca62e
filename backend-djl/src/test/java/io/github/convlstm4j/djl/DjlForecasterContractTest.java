package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Forecaster} contract on the PyTorch engine. */
class DjlForecasterContractTest {

  private static final ModelSpec SPEC = ModelSpec.builder(1)
      .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
      .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build();

  @Test
  @DisplayName("close is idempotent and every other call afterwards throws IllegalStateException")
  void closeContract() {
    Forecaster f = TestModels.pytorch(SPEC);
    FrameSequence x = TestModels.randomSequence(new Random(1), 2, 4, 4, 1);
    f.close();
    f.close();
    assertThrows(IllegalStateException.class, () -> f.predict(x));
    assertThrows(IllegalStateException.class, () -> f.predict(List.of(x)));
    assertThrows(IllegalStateException.class, () -> f.forecast(x, 1));
    assertThrows(IllegalStateException.class, f::weights);
    assertThrows(IllegalStateException.class, f::checkpoint);
    assertThrows(IllegalStateException.class, () -> f.evaluate(
        SequenceDataset.of(List.of(x), List.of(x)), Loss.MSE));
  }

  @Test
  @DisplayName("bad inputs are rejected naming expected and actual, and the forecaster stays usable")
  void validation() {
    try (Forecaster f = TestModels.pytorch(SPEC)) {
      Random r = new Random(2);
      FrameSequence good = TestModels.randomSequence(r, 3, 5, 5, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.predict(TestModels.randomSequence(r, 3, 5, 5, 2)));
      assertTrue(e.getMessage().contains("1") && e.getMessage().contains("2"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.predict(List.of()));
      assertTrue(e.getMessage().contains("got 0"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> f.predict(List.of(good, TestModels.randomSequence(r, 3, 6, 5, 1))));
      assertTrue(e.getMessage().contains("3x5x5x1") || e.getMessage().contains("inputs[1]"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.forecast(good, 0));
      assertTrue(e.getMessage().contains("got 0"), e.getMessage());
      SequenceDataset wrongTargets = SequenceDataset.of(List.of(good),
          List.of(TestModels.randomSequence(r, 2, 5, 5, 1)));
      e = assertThrows(IllegalArgumentException.class,
          () -> f.fit(wrongTargets, TrainingConfig.defaults(), TrainingListener.NONE));
      assertTrue(e.getMessage().contains("targets must be"), e.getMessage());
      ModelWeights w = f.weights();
      ModelWeights missing = ModelWeights.of(Map.of(ModelSpec.HEAD_BIAS, w.get(ModelSpec.HEAD_BIAS)));
      e = assertThrows(IllegalArgumentException.class, () -> f.setWeights(missing));
      assertTrue(e.getMessage().contains("missing conv_lstm2d_0/kernel"), e.getMessage());
      assertEquals(w, f.weights(), "a rejected setWeights changes nothing");
      assertEquals(3, f.predict(good).frames(), "still usable");
    }
  }

  @Test
  @DisplayName("forecast is h rounds of predict, each appending the last output frame")
  void forecastRollsOut() {
    try (Forecaster f = TestModels.pytorch(SPEC)) {
      f.setWeights(TestModels.randomWeights(SPEC, 3, 0.5));
      FrameSequence ctx = TestModels.randomSequence(new Random(4), 3, 5, 5, 1);
      FrameSequence out = f.forecast(ctx, 3);
      assertEquals(3, out.frames());
      FrameSequence seq = ctx;
      for (int k = 0; k < 3; k++) {
        FrameSequence next = f.predict(seq).lastFrame();
        assertEquals(next, out.frame(k), "frame " + k);
        seq = seq.append(next);
      }
    }
  }

  @Test
  @DisplayName("evaluate is the mean loss over all elements (closed form for a constant output)")
  void evaluateClosedForm() {
    // A zero head kernel with bias b makes every output sigmoid(b): the MSE against targets y
    // is mean((sigmoid(b) - y)^2) and the BCE is mean(-(y log p + (1-y) log(1-p))).
    try (Forecaster f = TestModels.pytorch(SPEC)) {
      Map<String, Tensor> m = new java.util.LinkedHashMap<>(f.weights().asMap());
      m.put(ModelSpec.HEAD_KERNEL, Tensor.zeros(3, 3, 3, 3, 1));
      m.put(ModelSpec.HEAD_BIAS, Tensor.of(new int[] {1}, new float[] {0.4f}));
      f.setWeights(ModelWeights.of(m));
      Random r = new Random(5);
      List<FrameSequence> in = new ArrayList<>();
      List<FrameSequence> tg = new ArrayList<>();
      double mse = 0;
      double bce = 0;
      double p = 1 / (1 + Math.exp(-0.4));
      for (int s = 0; s < 20; s++) {
        in.add(TestModels.randomSequence(r, 2, 3, 3, 1));
        float[] y = new float[18];
        for (int k = 0; k < y.length; k++) {
          y[k] = r.nextFloat();
          mse += (p - y[k]) * (p - y[k]);
          bce += -(y[k] * Math.log(p) + (1 - y[k]) * Math.log(1 - p));
        }
        tg.add(FrameSequence.of(2, 3, 3, 1, y));
      }
      SequenceDataset data = SequenceDataset.of(in, tg);
      assertEquals(mse / 360, f.evaluate(data, Loss.MSE), 1e-6);
      assertEquals(bce / 360, f.evaluate(data, Loss.BINARY_CROSSENTROPY), 1e-6);
    }
  }

  @Test
  @DisplayName("fit reports every batch and epoch, counts epochs across calls, and a checkpoint "
      + "resumes exactly")
  void fitAndCheckpoint(@TempDir Path dir) throws Exception {
    SequenceDataset data = ReferenceAgreementTest.dataset(SPEC, 7, 3, 5, 5, 6);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withValidationSplit(0.3)
        .withOptimizer(OptimizerSpec.adam()).withEpochs(2);
    List<BatchEvent> batches = new ArrayList<>();
    List<EpochEvent> epochs = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onBatch(BatchEvent e) {
        batches.add(e);
      }

      @Override
      public void onEpoch(EpochEvent e) {
        epochs.add(e);
      }
    };
    try (Forecaster a = TestModels.pytorch(SPEC); Forecaster b = TestModels.pytorch(SPEC)) {
      TrainingHistory h = a.fit(data, cfg, l);
      // 7 samples, split 0.3: (int) (7 * 0.7) = 4 training samples, batches of 3 -> 2 batches.
      assertEquals(4, batches.size());
      assertEquals(2, batches.get(1).batchesPerEpoch());
      assertEquals(List.of(1, 2), epochs.stream().map(EpochEvent::epoch).toList());
      assertEquals(2, epochs.get(0).lastEpoch());
      assertTrue(epochs.get(1).hasValidation());
      assertEquals(h.epochs(), epochs);
      Path file = dir.resolve("ckpt.npz");
      a.save(file);
      assertTrue(Files.size(file) > 0);
      Checkpoint c = a.checkpoint();
      assertEquals(2, c.epochsCompleted());
      assertTrue(c.optimizerState().contains("adam/m/conv3d/kernel"));
      assertTrue(c.optimizerState().contains("optimizer/iterations"));
      assertEquals(4f, c.optimizerState().get("optimizer/iterations").get(0));
      b.restore(c);
      TrainingHistory ha = a.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      TrainingHistory hb = b.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      assertEquals(3, ha.epochs().get(0).epoch());
      assertEquals(3, hb.epochs().get(0).epoch());
      assertEquals(a.weights(), b.weights(), "restored training continues identically");
      try (Forecaster loaded = Checkpoints.load("djl-pytorch", file)) {
        assertEquals(c.weights(), loaded.weights());
      }
    }
  }
  @Test
  @DisplayName("two PyTorch forecasters train on two threads at once, each as it would alone")
  void concurrentTrainingOnTwoThreads() throws Exception {
    ModelSpec spec = ReferenceAgreementTest.trainingSpec();
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 6, 3, 6, 6, 44);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2).withEpochs(3)
        .withShuffle(false);
    ModelWeights alone;
    try (Forecaster f = TestModels.pytorch(spec)) {
      f.fit(data, cfg, TrainingListener.NONE);
      alone = f.weights();
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<ModelWeights>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(pool.submit(() -> {
          try (Forecaster f = TestModels.pytorch(spec)) {
            f.fit(data, cfg, TrainingListener.NONE);
            return f.weights();
          }
        }));
      }
      for (java.util.concurrent.Future<ModelWeights> run : runs) {
        ModelWeights w = run.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertTrue(w.maxAbsDifference(alone) <= 1e-6,
            "concurrent run differs from the run alone by " + w.maxAbsDifference(alone));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The Forecaster contract on small models: inference, training bookkeeping, errors. */
class ForecasterBehaviourTest {

  /** Two layers with BN, a CAUSAL sigmoid head: output frames shaped like the input. */
  static final ModelSpec SMALL = ModelSpec.builder(1)
      .addLayer(ConvLstmLayerSpec.of(4)).addLayer(BatchNormSpec.keras())
      .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 2)).addLayer(BatchNormSpec.keras())
      .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
      .seed(9).build();

  private static final Random R = new Random(5);

  private static SequenceDataset data(int n, long seed) {
    Random r = new Random(seed);
    return SequenceDataset.of(TestSupport.randomBatch(r, n, 4, 6, 7, 1, 0, 1),
        TestSupport.randomBatch(r, n, 4, 6, 7, 1, 0, 1));
  }

  private static TrainingConfig config(int epochs) {
    return TrainingConfig.defaults().withEpochs(epochs).withBatchSize(3)
        .withOptimizer(OptimizerSpec.adam()).withValidationSplit(0.25).withSeed(4);
  }

  @Test
  @DisplayName("a batched predict equals single predicts")
  void batchedEqualsSingle() {
    List<FrameSequence> in = TestSupport.randomBatch(R, 3, 5, 6, 7, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      List<FrameSequence> batched = fc.predict(in);
      for (int i = 0; i < in.size(); i++) {
        assertEquals(0.0, batched.get(i).maxAbsDifference(fc.predict(in.get(i))), 1e-6);
      }
    }
  }

  @Test
  @DisplayName("1 and 2 threads give bitwise identical predictions and weights after training")
  void threadCountDoesNotMatter() {
    List<FrameSequence> in = TestSupport.randomBatch(R, 2, 5, 6, 7, 1, 0, 1);
    try (ReferenceForecaster one = TestSupport.forecaster(SMALL, 1);
        ReferenceForecaster two = TestSupport.forecaster(SMALL, 2)) {
      assertEquals(one.predict(in), two.predict(in));
      one.fit(data(6, 1), config(1), TrainingListener.NONE);
      two.fit(data(6, 1), config(1), TrainingListener.NONE);
      assertEquals(one.weights(), two.weights());
      assertEquals(one.predict(in), two.predict(in));
    }
  }

  @Test
  @DisplayName("thread counts 1 and 2 agree bitwise on a model large enough to split work")
  void threadCountDoesNotMatterWhenSplit() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(8).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(8)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
    Random r = new Random(12);
    // 4 samples x 24x24 = 2304 positions per step: element-wise loops, reductions and the
    // matrix kernels all split their work at this size.
    SequenceDataset d = SequenceDataset.of(TestSupport.randomBatch(r, 4, 3, 24, 24, 1, 0, 1),
        TestSupport.randomBatch(r, 4, 3, 24, 24, 1, 0, 1));
    TrainingConfig c = TrainingConfig.defaults().withBatchSize(4);
    try (ReferenceForecaster one = TestSupport.forecaster(spec, 1);
        ReferenceForecaster two = TestSupport.forecaster(spec, 2)) {
      assertEquals(one.predict(d.inputs()), two.predict(d.inputs()));
      one.fit(d, c, TrainingListener.NONE);
      two.fit(d, c, TrainingListener.NONE);
      assertEquals(one.weights(), two.weights());
      assertEquals(one.predict(d.inputs()), two.predict(d.inputs()));
    }
  }

  @Test
  @DisplayName("weights() into setWeights() of a differently seeded model reproduces outputs")
  void weightsRoundTrip() {
    FrameSequence in = TestSupport.random(R, 5, 6, 7, 1, 0, 1);
    try (ReferenceForecaster a = TestSupport.forecaster(SMALL);
        ReferenceForecaster b = TestSupport.forecaster(SMALL.withSeed(77))) {
      a.fit(data(4, 2), config(1).withValidationSplit(0), TrainingListener.NONE);
      assertNotEquals(a.predict(in), b.predict(in));
      b.setWeights(a.weights());
      assertEquals(a.predict(in), b.predict(in));
      assertEquals(List.copyOf(SMALL.weightShapes().keySet()),
          List.copyOf(a.weights().names()));
    }
  }

  @Test
  @DisplayName("two fits of one epoch equal one fit of two; restore resumes exactly")
  void trainingResumes(@TempDir Path dir) throws Exception {
    SequenceDataset d = data(7, 3);
    try (ReferenceForecaster once = TestSupport.forecaster(SMALL);
        ReferenceForecaster twice = TestSupport.forecaster(SMALL)) {
      once.fit(d, config(2), TrainingListener.NONE);
      twice.fit(d, config(1), TrainingListener.NONE);
      Checkpoint mid = twice.checkpoint();
      assertEquals(1, mid.epochsCompleted());
      assertTrue(mid.optimizerState().contains("adam/m/conv3d/kernel"),
          mid.optimizerState().names().toString());
      assertTrue(mid.optimizerState().contains("optimizer/iterations"));
      twice.fit(d, config(1), TrainingListener.NONE);
      assertEquals(once.weights(), twice.weights());
      assertEquals(2, twice.checkpoint().epochsCompleted());
      try (ReferenceForecaster resumed = TestSupport.forecaster(SMALL.withSeed(1))) {
        resumed.restore(mid);
        resumed.fit(d, config(1), TrainingListener.NONE);
        assertEquals(once.weights(), resumed.weights());
      }
      Path file = dir.resolve("model.npz");
      once.save(file);
      FrameSequence in = TestSupport.random(R, 5, 6, 7, 1, 0, 1);
      try (Forecaster loaded = Checkpoints.load("reference", file)) {
        assertEquals(once.predict(in), loaded.predict(in));
        assertEquals(once.checkpoint().optimizerState(), loaded.checkpoint().optimizerState());
        assertEquals(2, loaded.checkpoint().epochsCompleted());
      }
    }
  }

  @Test
  @DisplayName("fit reports every batch and epoch, counts epochs across calls, validates")
  void fitReports() {
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
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      SequenceDataset d = data(8, 4); // 6 training (2 batches of 3), 2 validation
      fc.fit(d, config(1), l);
      TrainingHistory h = fc.fit(d, config(2), l);
      assertEquals(6, batches.size());
      assertEquals(2, batches.get(0).batchesPerEpoch());
      assertEquals(List.of(1, 2, 3), epochs.stream().map(EpochEvent::epoch).toList());
      assertEquals(3, epochs.get(2).lastEpoch());
      assertEquals(2, h.epochs().size());
      assertTrue(h.epochs().get(1).hasValidation());
      double val = fc.evaluate(d.split(0.25).validation(), Loss.BINARY_CROSSENTROPY);
      assertEquals(val, h.finalValidationLoss(), 1e-12);
      TrainingHistory noVal = fc.fit(d, config(1).withValidationSplit(0), l);
      assertTrue(Double.isNaN(noVal.finalValidationLoss()));
    }
  }

  @Test
  @DisplayName("evaluate is the mean element loss of the inference outputs")
  void evaluateIsMeanLoss() {
    SequenceDataset d = data(20, 6); // more than one evaluation batch of 16
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      double bce = 0;
      double mse = 0;
      long n = 0;
      for (SequenceDataset.Sample s : d.samples()) {
        float[] p = fc.predict(s.input()).toArray();
        float[] y = s.target().toArray();
        for (int i = 0; i < p.length; i++) {
          double pc = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
          bce -= y[i] * Math.log(pc) + (1 - y[i]) * Math.log(1 - pc);
          mse += (p[i] - y[i]) * (double) (p[i] - y[i]);
          n++;
        }
      }
      assertEquals(bce / n, fc.evaluate(d, Loss.BINARY_CROSSENTROPY), 1e-6);
      assertEquals(mse / n, fc.evaluate(d, Loss.MSE), 1e-7);
    }
  }

  @Test
  @DisplayName("forecast appends the last output frame each round")
  void forecastRollsOut() {
    FrameSequence ctx = TestSupport.random(R, 4, 6, 7, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      FrameSequence f = fc.forecast(ctx, 3);
      assertEquals(3, f.frames());
      FrameSequence first = fc.predict(ctx).lastFrame();
      assertEquals(first, f.frame(0));
      FrameSequence second = fc.predict(ctx.append(first)).lastFrame();
      assertEquals(second, f.frame(1));
    }
    ModelSpec shrinking = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(1).withPadding(Padding.VALID)).build();
    try (ReferenceForecaster fc = TestSupport.forecaster(shrinking)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fc.forecast(ctx, 1));
      assertTrue(e.getMessage().contains("6x7x1") && e.getMessage().contains("4x5x1"),
          e.getMessage());
    }
  }

  @Test
  @DisplayName("bad input is refused naming expected and actual, and the model stays usable")
  void badInput() {
    FrameSequence ok = TestSupport.random(R, 3, 6, 7, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      FrameSequence before = fc.predict(ok);
      refused(() -> fc.predict(TestSupport.random(R, 3, 6, 7, 2, 0, 1)), "1", "2");
      refused(() -> fc.predict(List.of()), "at least 1", "0");
      refused(() -> fc.predict(List.of(ok, TestSupport.random(R, 4, 6, 7, 1, 0, 1))),
          "3x6x7x1", "4x6x7x1");
      refused(() -> fc.forecast(ok, 0), "at least 1", "0");
      SequenceDataset wrongTargets = SequenceDataset.of(List.of(ok),
          List.of(TestSupport.random(R, 3, 6, 7, 2, 0, 1)));
      refused(() -> fc.fit(wrongTargets, config(1), TrainingListener.NONE), "3x6x7x1",
          "3x6x7x2");
      refused(() -> fc.evaluate(wrongTargets, Loss.MSE), "3x6x7x1", "3x6x7x2");
      refused(() -> fc.fit(SequenceDataset.of(List.of()), config(1), TrainingListener.NONE),
          "at least 1", "0");
      Map<String, Tensor> m = new LinkedHashMap<>(fc.weights().asMap());
      m.remove(ModelSpec.HEAD_BIAS);
      refused(() -> fc.setWeights(ModelWeights.of(m)), "missing conv3d/bias", "1 problems");
      Map<String, Tensor> nan = new LinkedHashMap<>(fc.weights().asMap());
      nan.put(ModelSpec.HEAD_BIAS, Tensor.of(List.of(1), new float[] {Float.NaN}));
      refused(() -> fc.setWeights(ModelWeights.of(nan)), "finite", "NaN");
      ModelSpec.Builder other = ModelSpec.builder(SMALL.inputChannels()).seed(SMALL.seed());
      SMALL.layers().forEach(l -> other.addLayer(l instanceof BatchNormSpec
          ? new BatchNormSpec(0.99, 0.1) : l));
      refused(() -> fc.restore(new Checkpoint(other.build(), fc.weights(), ModelWeights.empty(),
          0)), "epsilon=0.001", "epsilon=0.1");
      assertEquals(before, fc.predict(ok));
    }
    ModelSpec valid = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(1).withKernel(4, 4).withPadding(Padding.VALID)).build();
    try (ReferenceForecaster fc = TestSupport.forecaster(valid)) {
      refused(() -> fc.predict(TestSupport.random(R, 2, 3, 6, 1, 0, 1)), "4x4", "3x6");
    }
  }

  private static void refused(Executable call, String expected, String actual) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(actual),
        "message should name '" + expected + "' and '" + actual + "': " + e.getMessage());
  }

  @Test
  @DisplayName("a diverging fit stops naming the epoch, the batch and the tensor")
  void divergenceIsReported() {
    try (ReferenceForecaster fc = TestSupport.forecaster(SMALL)) {
      // A finite but absurd gamma overflows the head's sums to inf - inf = NaN.
      Map<String, Tensor> m = new LinkedHashMap<>(fc.weights().asMap());
      m.put(ModelSpec.batchNormName(1, "gamma"),
          Tensor.of(List.of(3), new float[] {3e38f, -3e38f, 3e38f}));
      fc.setWeights(ModelWeights.of(m));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> fc.fit(data(6, 8), config(2), TrainingListener.NONE));
      assertTrue(e.getMessage().contains("epoch 1, batch 1") && e.getMessage().contains("loss"),
          e.getMessage());
      assertEquals(0, fc.epochsCompleted());
    }
  }

  @Test
  @DisplayName("recalibration sets moving statistics to the averaged batch statistics")
  void recalibration() {
    ModelSpec bn = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2)).addLayer(BatchNormSpec.keras()).seed(3).build();
    ModelSpec plain = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    Random r = new Random(9);
    SequenceDataset d = SequenceDataset.of(TestSupport.randomBatch(r, 5, 4, 6, 7, 1, 0, 1),
        TestSupport.randomBatch(r, 5, 4, 6, 7, 2, 0, 1));
    try (ReferenceForecaster fc = TestSupport.forecaster(bn);
        ReferenceForecaster raw = TestSupport.forecaster(plain)) {
      // Batch size 5 = one batch holding all samples: the average is the plain statistic.
      fc.fit(d, TrainingConfig.defaults().withBatchSize(5).withRecalibrateBatchNorm(true)
          .withLoss(Loss.MSE), TrainingListener.NONE);
      ModelWeights w = fc.weights();
      Map<String, Tensor> m = new LinkedHashMap<>();
      for (String name : plain.weightShapes().keySet()) {
        m.put(name, w.get(name));
      }
      raw.setWeights(ModelWeights.of(m));
      double[] sum = new double[2];
      double[] sq = new double[2];
      long n = 0;
      for (FrameSequence in : d.inputs()) {
        float[] h = raw.predict(in).toArray();
        for (int i = 0; i < h.length; i += 2) {
          for (int c = 0; c < 2; c++) {
            sum[c] += h[i + c];
            sq[c] += h[i + c] * (double) h[i + c];
          }
          n++;
        }
      }
      for (int c = 0; c < 2; c++) {
        double mean = sum[c] / n;
        assertEquals(mean, w.get(ModelSpec.batchNormName(0, "moving_mean")).get(c), 1e-6);
        assertEquals(sq[c] / n - mean * mean,
            w.get(ModelSpec.batchNormName(0, "moving_variance")).get(c), 1e-6);
      }
    }
  }

  @Test
  @DisplayName("after close every call but close throws IllegalStateException")
  void closed() {
    ReferenceForecaster fc = TestSupport.forecaster(SMALL);
    FrameSequence in = TestSupport.random(R, 2, 6, 7, 1, 0, 1);
    fc.close();
    fc.close();
    List<Executable> calls = List.of(() -> fc.predict(in), () -> fc.predict(List.of(in)),
        () -> fc.forecast(in, 1), fc::weights, fc::checkpoint, fc::spec, fc::backendName,
        () -> fc.evaluate(data(1, 1), Loss.MSE),
        () -> fc.fit(data(2, 1), config(1), TrainingListener.NONE),
        () -> fc.setWeights(ModelWeights.empty()));
    for (Executable c : calls) {
      assertThrows(IllegalStateException.class, c);
    }
  }

  @Test
  @DisplayName("returnSequences=false outputs one frame; without a head the last layer's H")
  void lastStepOnly() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withReturnSequences(false)).build();
    ModelSpec seq = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    FrameSequence in = TestSupport.random(R, 4, 3, 3, 1, 0, 1);
    try (ReferenceForecaster last = TestSupport.forecaster(spec);
        ReferenceForecaster all = TestSupport.forecaster(seq)) {
      FrameSequence o = last.predict(in);
      assertEquals(1, o.frames());
      assertArrayEquals(all.predict(in).lastFrame().toArray(), o.toArray());
    }
  }
}

package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The encoder–forecaster of Shi et al. 2015 ({@link io.github.convlstm4j.api.EncoderForecasterSpec})
 * on a backend that declares {@link Capability#ENCODER_FORECASTER}: forward and forecasts past
 * the horizon against an independent double-precision implementation
 * ({@link PlainEncoderForecaster}), one training step against the reference backend, sessions
 * against re-running, bad input, and the parameter counts of the paper's Table 1 on
 * backend-built models.
 */
abstract class EncoderForecasterContract extends Contract {

  private static final FrameShape FRAME = FrameShape.of(6, 4, 1);

  private static Map<String, ModelSpec> models() {
    Map<String, ModelSpec> m = new LinkedHashMap<>();
    m.put("1 layer of 2, 3x3, sigmoid out", ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2)).encoderForecaster(2, Activation.SIGMOID).seed(401)
        .build());
    m.put("peepholes 3x3 / state 1x1, then 2x2 hard sigmoid, linear out", ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3).withPeephole(true).withRecurrentKernel(1, 1))
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .encoderForecaster(3, Activation.LINEAR).seed(402).build());
    m.put("patch 2, peepholes 5x5 / state 3x3, sigmoid out", ModelSpec.builder(1)
        .addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(4).withKernel(5, 5).withRecurrentKernel(3, 3)
            .withPeephole(true))
        .addLayer(new DepthToSpaceSpec(2)).encoderForecaster(2, Activation.SIGMOID).seed(403)
        .build());
    return m;
  }

  private Forecaster create(ModelSpec spec, ModelWeights w) {
    kit().assumeDeclared(Capability.ENCODER_FORECASTER);
    return kit().create(spec, w);
  }

  @TestFactory
  @DisplayName("predict and forecast past K equal an independent double-precision encoder-forecaster")
  List<DynamicTest> forwardMatchesThePlainModel() {
    List<DynamicTest> tests = new ArrayList<>();
    models().forEach((name, spec) -> tests.add(KitSupport.dynamicTest(name, () -> {
      ModelWeights w = RandomCase.randomWeights(spec, spec.seed());
      FrameSequence in = RandomCase.randomSequence(3, FRAME, spec.seed() + 1);
      int k = spec.encoderForecaster().orElseThrow().horizon();
      try (Forecaster f = create(spec, w)) {
        kit().assertForwardClose(PlainEncoderForecaster.forecast(spec, w, in, k),
            f.predict(in), "predict");
        kit().assertForwardClose(PlainEncoderForecaster.forecast(spec, w, in, k + 3),
            f.forecast(in, k + 3), "forecast(context, K + 3)");
      }
    })));
    return tests;
  }

  @TestFactory
  @DisplayName("one training step on (T input, K target) pairs agrees with the reference backend")
  List<DynamicTest> oneStepAgreesWithReference() {
    List<DynamicTest> tests = new ArrayList<>();
    models().forEach((name, spec) -> tests.add(KitSupport.dynamicTest(name, () -> {
      kit().assumeDeclared(Capability.TRAINING);
      ModelWeights w = RandomCase.randomWeights(spec, spec.seed() + 2);
      int k = spec.encoderForecaster().orElseThrow().horizon();
      List<FrameSequence> in = new ArrayList<>();
      List<FrameSequence> out = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        in.add(RandomCase.randomSequence(3, FRAME, spec.seed() + 10 + i));
        out.add(RandomCase.randomSequence(k, FRAME, spec.seed() + 20 + i));
      }
      SequenceDataset data = SequenceDataset.of(in, out);
      Loss loss = spec.encoderForecaster().orElseThrow().outputActivation() == Activation.SIGMOID
          ? Loss.BINARY_CROSSENTROPY : Loss.MSE;
      TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
          .withValidationSplit(0).withLoss(loss)
          .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5));
      try (Forecaster f = create(spec, w); Forecaster r = KitSupport.reference(spec, w)) {
        kit().assertLossClose(r.evaluate(data, loss), f.evaluate(data, loss), "loss");
        f.fit(data, cfg, TrainingListener.NONE);
        r.fit(data, cfg, TrainingListener.NONE);
        kit().assertStepClose(r.weights(), f.weights(), "weights after one SGD step");
      }
    })));
    return tests;
  }

  @Test
  @DisplayName("sessions: each push answers as predict on everything so far; forecast(h) leaves the state; states export and import")
  void sessionsEqualRerunning() {
    ModelSpec spec = models().get("peepholes 3x3 / state 1x1, then 2x2 hard sigmoid, linear out");
    ModelWeights w = RandomCase.randomWeights(spec, 410);
    FrameSequence movie = RandomCase.randomSequence(5, FRAME, 411);
    try (Forecaster f = create(spec, w); ForecastSession s = f.openSession(1)) {
      for (int t = 0; t < movie.frames(); t++) {
        FrameSequence got = s.push(List.of(movie.frame(t))).get(0);
        FrameSequence prefix = movie.slice(0, t + 1);
        kit().assertForwardClose(f.predict(prefix).frame(0), got, "push " + t);
      }
      FrameSequence expected = f.forecast(movie, 6);
      kit().assertForwardClose(expected, s.forecast(6).get(0), "session forecast(6)");
      kit().assertForwardClose(expected, s.forecast(6).get(0), "forecast again: unchanged");
      SessionState state = s.state();
      assertEquals(List.of("conv_lstm2d_0/h", "conv_lstm2d_0/c", "conv_lstm2d_1/h",
          "conv_lstm2d_1/c", "output"), new ArrayList<>(state.tensors().keySet()));
      try (ForecastSession back = f.openSession(state)) {
        kit().assertForwardClose(expected, back.forecast(6).get(0), "imported state");
      }
    }
  }

  @Test
  @DisplayName("bad input is refused naming expected and actual; the forecaster stays usable")
  void badInput() {
    ModelSpec spec = models().get("1 layer of 2, 3x3, sigmoid out");
    ModelWeights w = RandomCase.randomWeights(spec, 420);
    FrameSequence in = RandomCase.randomSequence(3, FRAME, 421);
    try (Forecaster f = create(spec, w)) {
      FrameSequence before = f.predict(in);
      // Targets of the input's length instead of K = 2 frames.
      SequenceDataset wrong = SequenceDataset.of(List.of(in), List.of(in));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.evaluate(wrong, Loss.MSE));
      KitSupport.assertNames(e, "2x6x4x1", "3x6x4x1");
      e = assertThrows(IllegalArgumentException.class,
          () -> f.predict(RandomCase.randomSequence(3, FrameShape.of(6, 4, 2), 422)));
      KitSupport.assertNames(e, "1", "2");
      e = assertThrows(IllegalArgumentException.class, () -> f.forecast(in, 0));
      KitSupport.assertNames(e, "1", "0");
      kit().assertRepeatClose(before, f.predict(in), "predict after refused calls");
    }
  }

  /** A Table 1 model (Shi et al. 2015): 64×64×1 frames in 4×4 patches, 10 -> 10. */
  static ModelSpec table1(int inputKernel, int stateKernel, int... filters) {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(4));
    for (int f : filters) {
      b.addLayer(ConvLstmLayerSpec.of(f).withKernel(inputKernel, inputKernel)
          .withRecurrentKernel(stateKernel, stateKernel).withPeephole(true));
    }
    return b.addLayer(new DepthToSpaceSpec(4)).encoderForecaster(10, Activation.SIGMOID)
        .build();
  }

  @TestFactory
  @DisplayName("the five ConvLSTM models of Shi et al. 2015, Table 1, hold the paper's parameter counts on this backend")
  List<DynamicTest> table1Counts() {
    Map<String, Object[]> m = new LinkedHashMap<>();
    // (input kernel, state kernel, filters...) and the count printed in Table 1.
    m.put("(5x5)-5x5-256", new Object[] {table1(5, 5, 256), 13_524_496L});
    m.put("(5x5)-5x5-128-5x5-128", new Object[] {table1(5, 5, 128, 128), 10_042_896L});
    m.put("(5x5)-5x5-128-5x5-64-5x5-64", new Object[] {table1(5, 5, 128, 64, 64), 7_585_296L});
    m.put("(9x9)-1x1-128-1x1-128", new Object[] {table1(9, 1, 128, 128), 11_550_224L});
    m.put("(9x9)-1x1-128-1x1-64-1x1-64", new Object[] {table1(9, 1, 128, 64, 64), 8_830_480L});
    List<DynamicTest> tests = new ArrayList<>();
    m.forEach((name, v) -> tests.add(KitSupport.dynamicTest(name, () -> {
      ModelSpec spec = (ModelSpec) v[0];
      kit().assumeDeclared(Capability.ENCODER_FORECASTER);
      try (Forecaster f = kit().create(spec)) {
        ModelWeights got = f.weights();
        assertEquals(spec.weightShapes().keySet(), got.asMap().keySet(), "weight names");
        long n = 0;
        for (Tensor t : got.asMap().values()) {
          n += t.size();
        }
        assertEquals((long) v[1], n, name + ": weights the backend holds");
        assertEquals((long) v[1], spec.parameterCount(), name + ": the spec's count");
      }
    })));
    return tests;
  }
}

package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the DJL backend keeps on the engine between streaming calls ({@link EngineStates},
 * {@link InferenceKernels}) is bounded, owned and never changes a result: however many pushes
 * and forks, the engine holds at most {@value EngineStates#KEPT_CALLS} calls' states and one
 * set of prepared kernels, and the forecaster's managers hold the same number of arrays after
 * 10 pushes as after 60; a state whose engine arrays were let go (copied to the heap first)
 * exports and continues exactly as one still on the engine; a state read after the forecaster
 * closed still has its values.
 */
class DjlKeptStateTest {

  /** Hard-sigmoid gates (the folded kernels) and a SAME head (head features in the state). */
  private static ModelSpec spec() {
    return ModelSpec.builder(1).seed(41)
        .addLayer(ConvLstmLayerSpec.of(4).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(3).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
        .build();
  }

  private static Forecaster create(String engine, ModelSpec spec) {
    Function<ModelSpec, Forecaster> make = engine.equals("pytorch") ? TestModels::pytorch
        : TestModels::mxnet;
    Forecaster f = make.apply(spec);
    f.setWeights(TestModels.randomWeights(spec, 42, 0.4));
    return f;
  }

  private static DjlForecaster djl(Forecaster f) {
    return (DjlForecaster) f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void keptArraysAreBoundedAndNothingAccumulates(String engine) {
    ModelSpec spec = spec();
    FrameSequence movie = TestModels.randomSequence(new Random(43), 8, 6, 5, 1);
    try (Forecaster f = create(engine, spec); ForecastSession s = f.openSession(1)) {
      s.pushAll(List.of(movie.slice(0, 3)));
      int[] after10 = null;
      for (int k = 1; k <= 60; k++) {
        s.push(List.of(movie.frame(k % 8)));
        if (k % 7 == 0) {
          try (ForecastSession fork = s.fork()) {
            fork.push(List.of(movie.frame(0)));
            fork.forecast(3);
          }
        }
        if (k == 10) {
          after10 = djl(f).keptArrays();
        }
      }
      int[] after60 = djl(f).keptArrays();
      // per call: h and c of 2 layers and the head features
      int perCall = 2 * 2 + 1;
      assertTrue(after60[0] <= EngineStates.KEPT_CALLS * perCall,
          "kept state arrays " + after60[0] + " > " + EngineStates.KEPT_CALLS + " calls x "
              + perCall);
      assertEquals(after10[0], after60[0], "kept state arrays after 10 and 60 pushes");
      assertEquals(after10[1], after60[1], "kept kernel arrays after 10 and 60 pushes");
      assertEquals(after10[2], after60[2], "all arrays of the forecaster after 10 and 60 pushes");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aStateLetGoFromTheEngineContinuesExactly(String engine) {
    ModelSpec spec = spec();
    FrameSequence movie = TestModels.randomSequence(new Random(44), 7, 6, 5, 1);
    try (Forecaster f = create(engine, spec); ForecastSession s = f.openSession(1);
        ForecastSession fresh = f.openSession(1)) {
      s.pushAll(List.of(movie.slice(0, 3)));
      try (ForecastSession left = s.fork()) {
        SessionState onEngine = s.state(); // read while kept on the engine
        for (int t = 3; t < 7; t++) {
          s.push(List.of(movie.frame(t))); // lets go of the fork's state (heap copy)
        }
        assertStatesEqual(onEngine, left.state(), "export of a state let go");
        fresh.pushAll(List.of(movie.slice(0, 3)));
        FrameSequence expected = fresh.push(List.of(movie.frame(3))).get(0);
        // the fork uploads its heap copy; fresh used the state on the engine: same values
        assertEquals(0.0, expected.maxAbsDifference(left.push(List.of(movie.frame(3))).get(0)),
            1e-6, "a push from a state let go");
      }
    }
  }

  /**
   * A 1x2 kernel pads the state asymmetrically in every recurrent convolution; the padding
   * once wrote into MXNet's cached shape of the state it padded, so a kept state reported a
   * width of 1 from then on (and its copy to the heap failed).
   */
  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aKeptStatePaddedAsymmetricallyKeepsItsShape(String engine) {
    ModelSpec spec = ModelSpec.builder(1).seed(46)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(1, 2)).build();
    FrameSequence movie = TestModels.randomSequence(new Random(47), 5, 4, 6, 1);
    Forecaster f = create(engine, spec);
    SessionState before;
    try (ForecastSession other = f.openSession(1)) {
      other.pushAll(List.of(movie.slice(0, 2)));
      before = other.state(); // read at once, from the engine
    }
    ForecastSession s = f.openSession(1);
    s.pushAll(List.of(movie.slice(0, 2)));
    ForecastSession left = s.fork(); // not read until its engine arrays were let go
    for (int t = 2; t < 5; t++) {
      s.push(List.of(movie.frame(t))); // reads the kept state, then lets go of it
    }
    assertStatesEqual(before, left.state(), "export of a state let go");
    f.close();
    assertEquals(List.of(1, 4, 6, 3), left.state().tensors().get("conv_lstm2d_0/h").shapeList(),
        "h after the forecaster closed");
    s.close();
    left.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aStateOutlivesItsForecaster(String engine) {
    ModelSpec spec = spec();
    FrameSequence movie = TestModels.randomSequence(new Random(45), 3, 6, 5, 1);
    Forecaster f = create(engine, spec);
    ForecastSession s = f.openSession(1);
    s.pushAll(List.of(movie));
    ForecastSession copy = s.fork();
    SessionState before = s.state();
    f.close(); // lets go of the engine arrays; the states keep heap copies
    assertStatesEqual(before, copy.state(), "export after the forecaster closed");
    s.close();
    copy.close();
  }

  private static void assertStatesEqual(SessionState expected, SessionState actual,
      String what) {
    assertEquals(expected.framesSeen(), actual.framesSeen(), what + ": framesSeen");
    assertEquals(expected.tensors().keySet(), actual.tensors().keySet(), what + ": names");
    for (Map.Entry<String, Tensor> e : expected.tensors().entrySet()) {
      assertEquals(e.getValue(), actual.tensors().get(e.getKey()), what + ": " + e.getKey());
    }
  }
}

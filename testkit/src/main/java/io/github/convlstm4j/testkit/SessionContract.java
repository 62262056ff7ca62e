package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
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
 * Streaming sessions: every pushed step's output is the definition's (the last output frame of
 * predict on everything pushed so far) for every head kind; a session's forecast is the
 * predict-and-append rollout and leaves the session unchanged; forks are independent; a batch
 * of streams equals the streams alone; states export and import; bad input is refused.
 */
abstract class SessionContract extends Contract {

  private static final FrameShape FRAME = FrameShape.of(5, 4, 1);

  /** Two layers (BN after the first) and the given head, or none. */
  private static ModelSpec model(Conv3dHeadSpec head, long seed) {
    ModelSpec.Builder b = ModelSpec.builder(1).seed(seed)
        .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2));
    if (head != null) {
      b.addLayer(head);
    }
    return b.build();
  }

  private Forecaster create(ModelSpec spec, long seed) {
    kit().assumeDeclared(Capability.BATCH_NORM);
    return kit().create(spec, RandomCase.randomWeights(spec, seed));
  }

  private static Map<String, ModelSpec> heads() {
    Map<String, ModelSpec> m = new LinkedHashMap<>();
    m.put("no head", model(null, 301));
    m.put("SAME head 3x3x3", model(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID,
        TimePadding.SAME), 302));
    m.put("CAUSAL head 3x3x3", model(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID,
        TimePadding.CAUSAL), 303));
    m.put("SAME head kt=4 (even)", model(new Conv3dHeadSpec(1, 4, 1, 1, Activation.LINEAR,
        TimePadding.SAME), 304));
    return m;
  }

  @TestFactory
  @DisplayName("each pushed step's output is the last output of predict on everything so far")
  List<DynamicTest> pushIsTheDefinition() {
    List<DynamicTest> tests = new ArrayList<>();
    heads().forEach((name, spec) -> tests.add(KitSupport.dynamicTest(name, () -> {
      if (spec.head().isPresent()) {
        kit().assumeDeclared(Capability.CONV3D_HEAD);
      }
      FrameSequence movie = RandomCase.randomSequence(6, FRAME, 305);
      try (Forecaster f = create(spec, 306); ForecastSession s = f.openSession(1)) {
        for (int t = 0; t < movie.frames(); t++) {
          FrameSequence out = s.push(List.of(movie.frame(t))).get(0);
          kit().assertForwardClose(f.predict(movie.slice(0, t + 1)).lastFrame(), out,
              name + ", step " + t);
        }
        assertEquals(6, s.framesSeen(), "framesSeen");
      }
    })));
    return tests;
  }

  @TestFactory
  @DisplayName("a session's forecast is the predict-and-append rollout and changes nothing")
  List<DynamicTest> forecastIsTheRollout() {
    List<DynamicTest> tests = new ArrayList<>();
    heads().forEach((name, spec) -> tests.add(KitSupport.dynamicTest(name, () -> {
      if (spec.head().isPresent()) {
        kit().assumeDeclared(Capability.CONV3D_HEAD);
      }
      if (spec.outputChannels() != 1) {
        return; // the headless model outputs 2 channels: no rollout
      }
      FrameSequence context = RandomCase.randomSequence(4, FRAME, 307);
      try (Forecaster f = create(spec, 308); ForecastSession s = f.openSession(1)) {
        s.pushAll(List.of(context));
        FrameSequence expected = ForecastContract.rollout(f, context, 5);
        FrameSequence first = s.forecast(5).get(0);
        kit().assertForwardClose(expected, first, name + ": session forecast");
        kit().assertForwardClose(expected, f.forecast(context, 5), name + ": Forecaster.forecast");
        kit().assertRepeatClose(first, s.forecast(5).get(0),
            name + ": a second forecast (the first changed nothing)");
        assertEquals(4, s.framesSeen(), "framesSeen after forecasts");
      }
    })));
    return tests;
  }

  @Test
  @DisplayName("a fork is independent, a batch of streams equals each stream alone")
  void forksAndBatches() {
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    ModelSpec spec = heads().get("CAUSAL head 3x3x3");
    FrameSequence a = RandomCase.randomSequence(5, FRAME, 309);
    FrameSequence b = RandomCase.randomSequence(5, FRAME, 310);
    try (Forecaster f = create(spec, 311); ForecastSession both = f.openSession(2);
        ForecastSession alone = f.openSession(1)) {
      both.pushAll(List.of(a.slice(0, 3), b.slice(0, 3)));
      alone.pushAll(List.of(b.slice(0, 3)));
      try (ForecastSession fork = both.fork()) {
        fork.push(List.of(a.frame(3), b.frame(3)));
        fork.push(List.of(a.frame(4), b.frame(4)));
        assertEquals(3, both.framesSeen(), "the original after pushes into its fork");
        List<FrameSequence> out = both.push(List.of(a.frame(3), b.frame(3)));
        kit().assertForwardClose(f.predict(a.slice(0, 4)).lastFrame(), out.get(0),
            "stream 0 after the fork moved on");
        kit().assertForwardClose(alone.push(List.of(b.frame(3))).get(0), out.get(1),
            "stream 1 of the batch against the stream alone");
      }
    }
  }

  /**
   * Backends may keep work across calls (prepared kernels, the state a push returned, on the
   * engine); the cache must follow the weights and never lose a state. The model has 8 and 4
   * filters, enough channels for the reference backend's Winograd kernels.
   */
  @Test
  @DisplayName("kept work follows the weights: after setWeights or training, predict and push "
      + "use the new weights; a fork left behind by many pushes stays exact")
  void keptWorkFollowsTheWeights() {
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    FrameShape frame = FrameShape.of(8, 8, 1);
    ModelSpec spec = ModelSpec.builder(1).seed(320)
        .addLayer(ConvLstmLayerSpec.of(8)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(4))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
    FrameSequence movie = RandomCase.randomSequence(9, frame, 321);
    try (Forecaster f = create(spec, 322); ForecastSession s = f.openSession(1)) {
      s.pushAll(List.of(movie.slice(0, 3)));
      try (ForecastSession left = s.fork()) {
        FrameSequence last = null;
        for (int t = 3; t < 9; t++) {
          last = s.push(List.of(movie.frame(t))).get(0);
        }
        kit().assertForwardClose(f.predict(movie).lastFrame(), last, "the session, 9 frames");
        kit().assertForwardClose(f.predict(movie.slice(0, 4)).lastFrame(),
            left.push(List.of(movie.frame(3))).get(0), "the fork left at 3 frames, 6 pushes later");
      }
      ModelWeights other = RandomCase.randomWeights(spec, 323);
      f.setWeights(other);
      try (Forecaster g = kit().create(spec, other); ForecastSession a = f.openSession(1);
          ForecastSession b = g.openSession(1)) {
        kit().assertRepeatClose(g.predict(movie), f.predict(movie), "predict after setWeights");
        a.pushAll(List.of(movie.slice(0, 4)));
        b.pushAll(List.of(movie.slice(0, 4)));
        kit().assertRepeatClose(b.push(List.of(movie.frame(4))).get(0),
            a.push(List.of(movie.frame(4))).get(0), "push after setWeights");
      }
      if (kit().declares(Capability.TRAINING)) {
        SequenceDataset data = TrainingContract.movingSquares(4, 3, 324);
        f.fit(data, TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
            .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5)).withSeed(325),
            TrainingListener.NONE);
        try (Forecaster g = kit().create(spec, f.weights())) {
          kit().assertRepeatClose(g.predict(movie), f.predict(movie), "predict after training");
        }
      }
    }
  }

  @Test
  @DisplayName("an exported state opens a session that continues exactly (forecast before any push too)")
  void stateRoundTrip() {
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    ModelSpec spec = heads().get("SAME head 3x3x3");
    FrameSequence movie = RandomCase.randomSequence(5, FRAME, 312);
    try (Forecaster f = create(spec, 313); ForecastSession s = f.openSession(1)) {
      s.pushAll(List.of(movie.slice(0, 3)));
      SessionState st = s.state();
      assertEquals(3, st.framesSeen(), "framesSeen in the state");
      assertEquals(List.of(1, 5, 4, 3), st.tensors().get("conv_lstm2d_0/h").shapeList(),
          "conv_lstm2d_0/h [N, H, W, F]");
      assertEquals(List.of(1, 1, 5, 4, 2), st.tensors().get("head/features").shapeList(),
          "the SAME 3-frame head keeps the features of 1 frame of the 2-filter last layer");
      try (ForecastSession t = f.openSession(st)) {
        kit().assertRepeatClose(s.forecast(3).get(0), t.forecast(3).get(0),
            "a forecast straight after import, before any push");
      }
      try (ForecastSession t = f.openSession(st)) {
        kit().assertRepeatClose(s.push(List.of(movie.frame(3))).get(0),
            t.push(List.of(movie.frame(3))).get(0), "after import, the next step");
      }
      try (Forecaster oracle = KitSupport.reference(spec, RandomCase.randomWeights(spec, 313));
          ForecastSession r = oracle.openSession(st)) {
        kit().assertForwardClose(f.predict(movie.slice(0, 4)).lastFrame(),
            r.push(List.of(movie.frame(3))).get(0),
            "the state continued on the reference backend");
      }
    }
  }

  @Test
  @DisplayName("bad pushes and states are refused naming expected and actual; the session goes on")
  void badInputIsRefused() {
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    ModelSpec spec = heads().get("CAUSAL head 3x3x3");
    FrameSequence movie = RandomCase.randomSequence(4, FRAME, 314);
    try (Forecaster f = create(spec, 315); ForecastSession s = f.openSession(1)) {
      s.push(List.of(movie.frame(0)));
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> s.push(List.of(RandomCase.randomSequence(1, FrameShape.of(5, 4, 2), 316)))),
          "1", "2");
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> s.push(List.of(RandomCase.randomSequence(1, FrameShape.of(6, 4, 1), 317)))),
          "5x4x1", "6x4x1");
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> s.push(List.of(movie.frame(1), movie.frame(2)))), "1 streams", "got 2");
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> s.push(List.of(movie.slice(1, 3)))), "1 frame", "got 2");
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> s.forecast(0)), "at least 1", "0");
      SessionState st = s.state();
      Map<String, Tensor> bad = new LinkedHashMap<>(st.tensors());
      bad.remove("conv_lstm2d_1/c");
      KitSupport.assertNames(assertThrows(IllegalArgumentException.class,
          () -> f.openSession(new SessionState(1, bad))), "conv_lstm2d_1/c", "missing");
      Map<String, Tensor> shaped = new LinkedHashMap<>(st.tensors());
      shaped.put("conv_lstm2d_1/h", Tensor.zeros(1, 5, 4, 7));
      shaped.put("conv_lstm2d_1/c", Tensor.zeros(1, 5, 4, 7));
      assertThrows(IllegalArgumentException.class, () -> {
        try (ForecastSession t = f.openSession(new SessionState(1, shaped))) {
          t.push(List.of(movie.frame(1)));
        }
      }, "a state of 7 filters for a 2-filter layer");
      kit().assertForwardClose(f.predict(movie.slice(0, 2)).lastFrame(),
          s.push(List.of(movie.frame(1))).get(0), "the session after the refusals");
    }
  }

  @Test
  @DisplayName("a closed session refuses every call; closing twice is harmless")
  void closedSession() {
    ModelSpec spec = heads().get("no head");
    FrameSequence frame = RandomCase.randomSequence(1, FRAME, 318);
    try (Forecaster f = create(spec, 319)) {
      ForecastSession s = f.openSession(1);
      s.push(List.of(frame));
      closeTwice(s);
      assertThrows(IllegalStateException.class, () -> s.push(List.of(frame)), "push");
      assertThrows(IllegalStateException.class, () -> s.forecast(1), "forecast");
      assertThrows(IllegalStateException.class, s::state, "state");
      assertThrows(IllegalStateException.class, s::fork, "fork");
    }
  }

  private static void closeTwice(AutoCloseable c) {
    try {
      c.close();
      c.close();
    } catch (Exception e) {
      throw new AssertionError("close must not throw", e);
    }
  }
}

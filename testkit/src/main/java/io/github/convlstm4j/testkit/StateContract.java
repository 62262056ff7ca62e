package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.spi.AbstractForecaster;
import io.github.convlstm4j.spi.AbstractForecaster.StatefulOutput;
import io.github.convlstm4j.spi.Capability;
import io.github.convlstm4j.spi.LayerState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Recurrent state in and out ({@link AbstractForecaster#forwardWithState}): a run from zero
 * states is {@code predict}; a sequence run in two parts, the second from the first part's
 * states, equals one run over the whole; the states have the layers' shapes, equal the
 * reference backend's, and bad states are refused.
 */
abstract class StateContract extends Contract {

  /** Two SAME layers with batch normalization after the first, no head. */
  private static ModelSpec twoLayers() {
    return ModelSpec.builder(2).seed(191)
        .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2)).build();
  }

  /** The forecaster as the core; skips a backend not built on it (state is the core's). */
  private static AbstractForecaster core(Forecaster f) {
    Assumptions.assumeTrue(f instanceof AbstractForecaster, () -> f.getClass().getName()
        + " is not built on spi.AbstractForecaster, whose forwardWithState this group tests");
    return (AbstractForecaster) f;
  }

  private Forecaster create(ModelSpec spec, long seed) {
    return kit().create(spec, RandomCase.randomWeights(spec, seed));
  }

  @Test
  @DisplayName("a run from zero states gives predict's outputs")
  void zeroStatesArePredict() {
    FrameSequence in = RandomCase.randomSequence(3, FrameShape.of(5, 4, 2), 192);
    try (Forecaster f = create(twoLayers(), 193)) {
      kit().assertRepeatClose(f.predict(in),
          core(f).forwardWithState(List.of(in), null).outputs().get(0),
          "output from zero states");
      StatefulOutput out = core(f).forwardWithState(List.of(in, in), null);
      kit().assertForwardClose(f.predict(in), out.outputs().get(1), "second of a batch of two");
      assertEquals(2, out.state().size(), "one state per ConvLSTM layer");
      assertEquals(List.of(2, 5, 4, 3), out.state().get(0).h().shapeList(), "layer 0 h");
      assertEquals(List.of(2, 5, 4, 2), out.state().get(1).c().shapeList(), "layer 1 c");
    }
  }

  @Test
  @DisplayName("two parts, the second from the first's states, equal one run over the whole")
  void partsEqualTheWhole() {
    FrameSequence in = RandomCase.randomSequence(5, FrameShape.of(4, 6, 2), 194);
    try (Forecaster f = create(twoLayers(), 195)) {
      AbstractForecaster core = core(f);
      StatefulOutput whole = core.forwardWithState(List.of(in), null);
      StatefulOutput first = core.forwardWithState(List.of(in.slice(0, 2)), null);
      StatefulOutput rest = core.forwardWithState(List.of(in.slice(2, 5)), first.state());
      kit().assertForwardClose(whole.outputs().get(0),
          first.outputs().get(0).append(rest.outputs().get(0)), "outputs of the two parts");
      for (int i = 0; i < 2; i++) {
        assertTensorClose(whole.state().get(i).h(), rest.state().get(i).h(), "layer " + i + " h");
        assertTensorClose(whole.state().get(i).c(), rest.state().get(i).c(), "layer " + i + " c");
      }
      // One frame at a time, as a live feed would push it.
      List<LayerState> state = null;
      List<FrameSequence> stepped = new ArrayList<>();
      for (int t = 0; t < in.frames(); t++) {
        StatefulOutput step = core.forwardWithState(List.of(in.frame(t)), state);
        stepped.add(step.outputs().get(0));
        state = step.state();
      }
      kit().assertForwardClose(whole.outputs().get(0), FrameSequence.concat(stepped),
          "outputs pushed one frame at a time");
    }
  }

  @Test
  @DisplayName("the last layer's h is its last output, and VALID layers shrink the state")
  void stateIsTheLastOutput() {
    kit().assumeDeclared(Capability.VALID_PADDING);
    ModelSpec spec = ModelSpec.builder(1).seed(196)
        .addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID)).build();
    FrameSequence in = RandomCase.randomSequence(3, FrameShape.of(6, 5, 1), 197);
    try (Forecaster f = create(spec, 198)) {
      StatefulOutput out = core(f).forwardWithState(List.of(in), null);
      Tensor h = out.state().get(0).h();
      assertEquals(List.of(1, 4, 3, 2), h.shapeList(), "state of a VALID 3x3 layer on 6x5");
      FrameSequence last = out.outputs().get(0).lastFrame();
      kit().assertRepeatClose(last, FrameSequence.of(1, FrameShape.of(4, 3, 2), h.toArray()),
          "h after the last frame against the last output frame");
    }
  }

  @Test
  @DisplayName("states agree with the reference backend's")
  void statesAgreeWithTheReference() {
    ModelSpec spec = twoLayers();
    FrameSequence in = RandomCase.randomSequence(4, FrameShape.of(5, 5, 2), 199);
    try (Forecaster f = create(spec, 200);
        Forecaster oracle = KitSupport.reference(spec, RandomCase.randomWeights(spec, 200))) {
      StatefulOutput start = core(oracle).forwardWithState(List.of(in.slice(0, 2)), null);
      StatefulOutput expected = core(oracle).forwardWithState(List.of(in.slice(2, 4)),
          start.state());
      StatefulOutput actual = core(f).forwardWithState(List.of(in.slice(2, 4)), start.state());
      kit().assertForwardClose(expected.outputs().get(0), actual.outputs().get(0),
          "outputs from the reference's states");
      for (int i = 0; i < 2; i++) {
        assertTensorClose(expected.state().get(i).h(), actual.state().get(i).h(),
            "layer " + i + " h");
        assertTensorClose(expected.state().get(i).c(), actual.state().get(i).c(),
            "layer " + i + " c");
      }
    }
  }

  @Test
  @DisplayName("a state of the wrong count or shape is refused, naming expected and actual")
  void badStatesAreRefused() {
    FrameSequence in = RandomCase.randomSequence(2, FrameShape.of(5, 4, 2), 201);
    try (Forecaster f = create(twoLayers(), 202)) {
      AbstractForecaster core = core(f);
      List<LayerState> good = core.forwardWithState(List.of(in), null).state();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> core.forwardWithState(List.of(in), good.subList(0, 1)));
      KitSupport.assertNames(e, "2 layers", "1 states");
      LayerState wrong = new LayerState(Tensor.zeros(1, 5, 4, 3), Tensor.zeros(1, 5, 4, 3));
      e = assertThrows(IllegalArgumentException.class,
          () -> core.forwardWithState(List.of(in), List.of(good.get(0), wrong)));
      KitSupport.assertNames(e, "[1, 5, 4, 2]", "[1, 5, 4, 3]");
      kit().assertRepeatClose(f.predict(in), core.forwardWithState(List.of(in), null)
          .outputs().get(0), "outputs after the refusals");
    }
  }

  private void assertTensorClose(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.shapeList(), actual.shapeList(), what + " shape");
    int[] s = expected.shape();
    FrameShape frame = FrameShape.of(s[1], s[2], s[3]);
    kit().assertForwardClose(FrameSequence.of(s[0], frame, expected.toArray()),
        FrameSequence.of(s[0], frame, actual.toArray()), what);
  }
}

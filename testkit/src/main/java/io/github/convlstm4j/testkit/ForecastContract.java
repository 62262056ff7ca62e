package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forecast semantics: {@code forecast(context, h)} is h rounds of "predict on the sequence so
 * far, append its last output frame", computed here from the backend's own {@code predict}.
 */
abstract class ForecastContract extends Contract {

  /** The rollout of the contract, from predict alone. */
  static FrameSequence rollout(Forecaster f, FrameSequence context, int horizon) {
    FrameSequence seq = context;
    List<FrameSequence> generated = new ArrayList<>();
    for (int i = 0; i < horizon; i++) {
      FrameSequence next = f.predict(seq).lastFrame();
      generated.add(next);
      seq = seq.append(next);
    }
    return FrameSequence.concat(generated);
  }

  @TestFactory
  @DisplayName("forecast(context, h) equals h rounds of predict and append")
  List<DynamicTest> forecastIsPredictAndAppend() {
    List<DynamicTest> tests = new ArrayList<>();
    int found = 0;
    for (long seed = 800; found < kit().seeds().length && seed < 900; seed++) {
      RandomCase c = RandomCase.of(seed, kit().declared());
      if (!c.canForecast()) {
        continue;
      }
      found++;
      int horizon = 1 + (int) (seed % 3);
      tests.add(dynamicTest(c.describe() + ", horizon " + horizon, () -> {
        FrameSequence context = c.randomInput(9);
        try (Forecaster f = kit().create(c.spec(), c.randomWeights(9))) {
          FrameSequence expected = rollout(f, context, horizon);
          FrameSequence actual = f.forecast(context, horizon);
          kit().assertForwardClose(expected, actual, "forecast against predict-and-append");
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("forecast with a last-step-only model equals predict and append too")
  void forecastLastStepOnly() {
    kit().assumeDeclared(Capability.LAST_STEP_ONLY);
    ModelSpec spec = ModelSpec.builder(1).seed(181)
        .addLayer(ConvLstmLayerSpec.of(1).withReturnSequences(false)).build();
    FrameSequence context = RandomCase.randomSequence(3, FrameShape.of(4, 5, 1), 182);
    try (Forecaster f = kit().create(spec, RandomCase.randomWeights(spec, 183))) {
      kit().assertForwardClose(rollout(f, context, 3), f.forecast(context, 3),
          "forecast against predict-and-append");
    }
  }

  @Test
  @DisplayName("forecast leaves no state behind: predict before and after are identical")
  void forecastLeavesNoState() {
    ModelSpec spec = ModelSpec.builder(2).seed(184).addLayer(ConvLstmLayerSpec.of(2)
        .withActivation(Activation.TANH)).build();
    FrameSequence context = RandomCase.randomSequence(3, FrameShape.of(4, 4, 2), 185);
    try (Forecaster f = kit().create(spec, RandomCase.randomWeights(spec, 186))) {
      FrameSequence before = f.predict(context);
      FrameSequence out = f.forecast(context, 2);
      assertEquals(2, out.frames(), "forecast frames");
      kit().assertRepeatClose(before, f.predict(context), "predict after forecast");
    }
  }
}

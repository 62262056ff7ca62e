package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Dropout is the identity at inference; training with it is refused (not implemented yet). */
class DropoutInferenceTest {

  static ModelSpec spec(double dropout, double recurrent) {
    return ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3).withDropout(dropout, recurrent))
        .addLayer(ConvLstmLayerSpec.of(2)).seed(6).build();
  }

  @Test
  @DisplayName("predict, forecast and evaluate do not depend on the dropout rates")
  void identityAtInference() {
    Random r = new Random(2);
    FrameSequence x = TestSupport.random(r, 4, 5, 5, 1, 0, 1);
    try (ReferenceForecaster plain = TestSupport.forecaster(spec(0, 0));
        ReferenceForecaster dropped = TestSupport.forecaster(spec(0.5, 0.3))) {
      assertEquals(plain.weights(), dropped.weights(), "rates do not change initialization");
      assertEquals(plain.predict(x), dropped.predict(x));
      SequenceDataset data = SequenceDataset.of(List.of(x), List.of(plain.predict(x)));
      assertEquals(plain.evaluate(data, io.github.convlstm4j.api.Loss.MSE),
          dropped.evaluate(data, io.github.convlstm4j.api.Loss.MSE));
    }
  }

  @Test
  @DisplayName("fit with dropout is refused, naming the layer and rates; the forecaster stays "
      + "usable")
  void fitRefused() {
    Random r = new Random(3);
    FrameSequence x = TestSupport.random(r, 3, 4, 4, 1, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec(0.5, 0.3))) {
      var before = fc.weights();
      SequenceDataset data = SequenceDataset.of(List.of(x), List.of(fc.predict(x)));
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> fc.fit(data, TrainingConfig.defaults(), TrainingListener.NONE));
      assertTrue(e.getMessage().contains("layer 0 has dropout 0.5 and recurrentDropout 0.3"),
          e.getMessage());
      assertEquals(before, fc.weights());
      assertEquals("3x4x4x2", fc.predict(x).shapeString());
    }
  }
}

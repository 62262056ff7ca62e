package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

/** Dropout is the identity at inference and trains reproducibly. */
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
  @DisplayName("fit with dropout trains, reproducibly from the training seed; other seeds and "
      + "rate 0 give other weights")
  void fitWithDropout() {
    Random r = new Random(3);
    List<FrameSequence> xs = TestSupport.randomBatch(r, 4, 3, 4, 4, 1, 0, 1);
    List<FrameSequence> ys = TestSupport.randomBatch(r, 4, 3, 4, 4, 2, 0, 1);
    SequenceDataset data = SequenceDataset.of(xs, ys);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(2).withBatchSize(2).withSeed(7);
    try (ReferenceForecaster a = TestSupport.forecaster(spec(0.5, 0.3));
        ReferenceForecaster b = TestSupport.forecaster(spec(0.5, 0.3));
        ReferenceForecaster c = TestSupport.forecaster(spec(0.5, 0.3));
        ReferenceForecaster plain = TestSupport.forecaster(spec(0, 0))) {
      a.fit(data, cfg, TrainingListener.NONE);
      b.fit(data, cfg, TrainingListener.NONE);
      c.fit(data, cfg.withSeed(8), TrainingListener.NONE);
      plain.fit(data, cfg, TrainingListener.NONE);
      assertEquals(a.weights(), b.weights(), "same seed, same masks, same weights");
      assertNotEquals(a.weights(), c.weights(), "another seed draws other masks");
      assertNotEquals(a.weights(), plain.weights(), "dropout changes training");
      assertEquals("3x4x4x2", a.predict(xs.get(0)).shapeString());
    }
  }
}

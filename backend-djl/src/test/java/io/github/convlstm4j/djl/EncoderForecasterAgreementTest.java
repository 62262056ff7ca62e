package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Shi et al. 2015 encoder–forecaster on PyTorch agrees with the reference. */
class EncoderForecasterAgreementTest {

  static ModelSpec model() {
    return ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(3).withPeephole(true).withRecurrentKernel(1, 1))
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new DepthToSpaceSpec(2)).encoderForecaster(2, Activation.SIGMOID).seed(4)
        .build();
  }

  @Test
  @DisplayName("forward, forecast past K and sessions within 1e-5, one training step within 1e-4")
  void agrees() {
    ModelSpec spec = model();
    Random rnd = new Random(13);
    ModelWeights w = TestModels.randomWeights(spec, 17, 0.5);
    List<FrameSequence> in = List.of(TestModels.randomSequence(rnd, 3, 6, 4, 1),
        TestModels.randomSequence(rnd, 3, 6, 4, 1));
    try (Forecaster d = TestModels.pytorch(spec);
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      assertEquals(r.weights(), d.weights(), "identical initial weights");
      d.setWeights(w);
      r.setWeights(w);
      List<FrameSequence> a = d.predict(in);
      List<FrameSequence> b = r.predict(in);
      for (int i = 0; i < in.size(); i++) {
        assertEquals("2x6x4x1", a.get(i).shapeString());
        double diff = a.get(i).maxAbsDifference(b.get(i));
        assertTrue(diff <= 1e-5, "max |djl - reference| = " + diff);
      }
      double roll = d.forecast(in.get(0), 5).maxAbsDifference(r.forecast(in.get(0), 5));
      assertTrue(roll <= 1e-5, "forecast past K differs by " + roll);
      try (ForecastSession s = d.openSession(2)) {
        s.pushAll(in);
        List<FrameSequence> f = s.forecast(4);
        for (int i = 0; i < in.size(); i++) {
          double diff = f.get(i).maxAbsDifference(r.forecast(in.get(i), 4));
          assertTrue(diff <= 1e-5, "session forecast differs by " + diff);
        }
      }
    }
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 3, 3, 6, 4, 21);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
        .withLoss(Loss.BINARY_CROSSENTROPY)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5));
    try (Forecaster d = TestModels.pytorch(spec);
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      ModelWeights before = d.weights();
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      double rel = ReferenceAgreementTest.relativeUpdateDifference(before, d.weights(),
          r.weights());
      assertTrue(rel <= 1e-4, "relative update difference " + rel);
    }
  }

  /**
   * Training with dropout: both backends apply the core's masks ({@code DropoutMasks}: the
   * encoder's and the forecasting layers' mirrored ones) to the same batch, so one SGD step
   * must update alike; the same step without dropout must update differently (the masks are
   * applied at all).
   */
  @Test
  @DisplayName("one training step with dropout and recurrent dropout agrees within 1e-4")
  void dropoutTrainingStep() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(3).withPeephole(true).withRecurrentKernel(1, 1)
            .withDropout(0.3, 0.4))
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2)
            .withRecurrentActivation(Activation.HARD_SIGMOID).withDropout(0.5, 0.25))
        .addLayer(new DepthToSpaceSpec(2)).encoderForecaster(2, Activation.SIGMOID).seed(4)
        .build();
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 3, 3, 6, 4, 21);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
        .withLoss(Loss.BINARY_CROSSENTROPY)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5));
    ModelWeights w = TestModels.randomWeights(spec, 17, 0.5);
    ModelWeights plainUpdate;
    try (Forecaster p = ReferenceAgreementTest.reference(model())) {
      p.setWeights(w);
      p.fit(data, cfg, TrainingListener.NONE);
      plainUpdate = p.weights();
    }
    try (Forecaster d = TestModels.pytorch(spec);
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      d.setWeights(w);
      r.setWeights(w);
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      double rel = ReferenceAgreementTest.relativeUpdateDifference(w, d.weights(),
          r.weights());
      assertTrue(rel <= 1e-4, "relative update difference " + rel);
      double off = ReferenceAgreementTest.relativeUpdateDifference(w, plainUpdate,
          r.weights());
      assertTrue(off > 1e-2, "dropout changes the update, relative difference " + off);
    }
  }
}

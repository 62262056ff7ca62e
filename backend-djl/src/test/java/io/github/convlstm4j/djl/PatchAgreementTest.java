package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A patched model (space-to-depth … depth-to-space) on PyTorch agrees with the reference. */
class PatchAgreementTest {

  static ModelSpec patched() {
    return ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(4, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
        .addLayer(new DepthToSpaceSpec(2)).seed(4).build();
  }

  @Test
  @DisplayName("forward within 1e-5, rollout within 1e-5, one training step within 1e-4")
  void agrees() {
    ModelSpec spec = patched();
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
        assertEquals("3x6x4x1", a.get(i).shapeString());
        double diff = a.get(i).maxAbsDifference(b.get(i));
        assertTrue(diff <= 1e-5, "max |djl - reference| = " + diff);
      }
      double roll = d.forecast(in.get(0), 3).maxAbsDifference(r.forecast(in.get(0), 3));
      assertTrue(roll <= 1e-5, "rollout differs by " + roll);
    }
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 3, 3, 6, 4, 21);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
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
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Training a model whose ConvLSTM layers feed trainable frame-wise layers (a chain). */
class HeadTrainingTest {

  /**
   * Batch-norm recalibration in a chain: after one epoch, the moving mean and variance of the
   * batch norm before a Conv2D head are the mean and biased variance, over all samples,
   * frames, positions, of the ConvLSTM layer's output, computed here in double from
   * {@code predict} of a model of that ConvLSTM layer alone with the trained weights (one
   * batch holds every sample, so the batch-size-weighted average is the plain one).
   */
  @Test
  @DisplayName("batch-norm recalibration reaches a batch norm inside a chain")
  void recalibrationInChain() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv2dSpec(1, 3, 3, 1, 1, Padding.SAME, Activation.SIGMOID, true))
        .seed(5).build();
    ModelSpec alone = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3)).seed(5).build();
    Random r = new Random(6);
    List<FrameSequence> in = TestSupport.randomBatch(r, 3, 4, 5, 6, 1, 0, 1);
    List<FrameSequence> out = TestSupport.randomBatch(r, 3, 4, 5, 6, 1, 0, 1);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(3)
        .withLoss(Loss.BINARY_CROSSENTROPY).withOptimizer(OptimizerSpec.adam())
        .withRecalibrateBatchNorm(true);
    try (ReferenceForecaster f = TestSupport.forecaster(spec);
        Forecaster a = TestSupport.forecaster(alone)) {
      ModelWeights before = f.weights();
      f.fit(SequenceDataset.of(in, out), cfg, TrainingListener.NONE);
      ModelWeights trained = f.weights();
      assertNotEquals(before.get("conv2d_0/kernel"), trained.get("conv2d_0/kernel"),
          "the head trains");
      Map<String, Tensor> w = new LinkedHashMap<>();
      for (String name : alone.weightShapes().keySet()) {
        w.put(name, trained.get(name));
      }
      a.setWeights(ModelWeights.of(w));
      double[] sum = new double[3];
      double[] sq = new double[3];
      long count = 0;
      for (FrameSequence x : in) {
        float[] h = a.predict(x).toArray();
        for (int i = 0; i < h.length; i++) {
          sum[i % 3] += h[i];
        }
        count += h.length / 3;
      }
      for (FrameSequence x : in) {
        float[] h = a.predict(x).toArray();
        for (int i = 0; i < h.length; i++) {
          double d = h[i] - sum[i % 3] / count;
          sq[i % 3] += d * d;
        }
      }
      float[] mean = trained.get("batch_normalization_0/moving_mean").toArray();
      float[] var = trained.get("batch_normalization_0/moving_variance").toArray();
      for (int c = 0; c < 3; c++) {
        assertEquals(sum[c] / count, mean[c], 1e-5, "moving mean " + c);
        assertEquals(sq[c] / count, var[c], 1e-5, "moving variance " + c);
      }
    }
  }
}

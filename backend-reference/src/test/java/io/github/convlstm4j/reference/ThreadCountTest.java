package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only the reference backend promises: results do not depend on its thread count. The
 * {@link io.github.convlstm4j.api.Forecaster} contract itself is the forecaster core's and the
 * conformance kit's ({@code ReferenceBackendConformanceTest} in the testkit module).
 */
class ThreadCountTest {

  /** Two layers with BN, a CAUSAL sigmoid head: output frames shaped like the input. */
  private static final ModelSpec SMALL = ModelSpec.builder(1)
      .addLayer(ConvLstmLayerSpec.of(4)).addLayer(BatchNormSpec.keras())
      .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 2)).addLayer(BatchNormSpec.keras())
      .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
      .seed(9).build();

  private static final Random R = new Random(5);

  private static SequenceDataset data(int n, long seed) {
    Random r = new Random(seed);
    return SequenceDataset.of(TestSupport.randomBatch(r, n, 4, 6, 7, 1, 0, 1),
        TestSupport.randomBatch(r, n, 4, 6, 7, 1, 0, 1));
  }

  private static TrainingConfig config(int epochs) {
    return TrainingConfig.defaults().withEpochs(epochs).withBatchSize(3)
        .withOptimizer(OptimizerSpec.adam()).withValidationSplit(0.25).withSeed(4);
  }

  @Test
  @DisplayName("1 and 2 threads give bitwise identical predictions and weights after training")
  void threadCountDoesNotMatter() {
    List<FrameSequence> in = TestSupport.randomBatch(R, 2, 5, 6, 7, 1, 0, 1);
    try (ReferenceForecaster one = TestSupport.forecaster(SMALL, 1);
        ReferenceForecaster two = TestSupport.forecaster(SMALL, 2)) {
      assertEquals(one.predict(in), two.predict(in));
      one.fit(data(6, 1), config(1), TrainingListener.NONE);
      two.fit(data(6, 1), config(1), TrainingListener.NONE);
      assertEquals(one.weights(), two.weights());
      assertEquals(one.predict(in), two.predict(in));
    }
  }

  @Test
  @DisplayName("thread counts 1 and 2 agree bitwise on a model large enough to split work")
  void threadCountDoesNotMatterWhenSplit() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(8).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(8)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
    Random r = new Random(12);
    // 4 samples x 24x24 = 2304 positions per step: element-wise loops, reductions and the
    // matrix kernels all split their work at this size.
    SequenceDataset d = SequenceDataset.of(TestSupport.randomBatch(r, 4, 3, 24, 24, 1, 0, 1),
        TestSupport.randomBatch(r, 4, 3, 24, 24, 1, 0, 1));
    TrainingConfig c = TrainingConfig.defaults().withBatchSize(4);
    try (ReferenceForecaster one = TestSupport.forecaster(spec, 1);
        ReferenceForecaster two = TestSupport.forecaster(spec, 2)) {
      assertEquals(one.predict(d.inputs()), two.predict(d.inputs()));
      one.fit(d, c, TrainingListener.NONE);
      two.fit(d, c, TrainingListener.NONE);
      assertEquals(one.weights(), two.weights());
      assertEquals(one.predict(d.inputs()), two.predict(d.inputs()));
    }
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 3×3 convolution algorithms give the same network: predictions, loss and every gradient
 * of a seed-shaped model (3×3 kernels, 16 filters, SAME and VALID layers) agree with the
 * direct sum to float rounding, F(2×2) and F(4×4) alike. Each algorithm is checked against
 * finite differences on its own in {@link GradientCheckTest}; this pins the Winograd
 * algorithms to the direct sum at a size where they serve every forward and backward
 * convolution but the first layer's input convolution.
 */
class ConvolutionAlgorithmTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // F(2×2): float rounding of the same sums. Measured: predictions 3.7e-8, loss 3.7e-9
      // relative, gradients up to 1.4e-6 of their scale, input gradients 4.1e-10.
      "WINOGRAD, 1e-5, 1e-6, 1e-4, 1e-6",
      // F(4×4) in every convolution, forward and backward: 5× F(2×2)'s tolerances, as its
      // convolution bound (Winograd4x4Test.RTOL, 1e-5 of Σ|terms|) is 5× F(2×2)'s (2e-6).
      // Measured: predictions 5.6e-8, loss 5.9e-10 relative, gradients up to 1.4e-6 of their
      // scale, input gradients 1.6e-9 (16 channels: both round far below their bounds here).
      "WINOGRAD4, 5e-5, 5e-6, 5e-4, 5e-6"
  })
  @DisplayName("direct and Winograd agree on predictions, loss and gradients")
  void directAndWinogradAgree(ConvolutionAlgorithm algorithm, double predictionTol,
      double lossTol, double gradientTol, double inputGradientTol) {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(16)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(16).withPadding(Padding.VALID))
        .seed(11).build();
    Random r = new Random(17);
    List<FrameSequence> inputs = TestSupport.randomBatch(r, 2, 4, 9, 10, 1, 0, 1);
    try (ReferenceForecaster direct = TestSupport.forecaster(spec, ConvolutionAlgorithm.DIRECT);
        ReferenceForecaster winograd = TestSupport.forecaster(spec, algorithm)) {
      assertTrue(direct.toString().contains("convolution=direct"), direct.toString());
      assertTrue(winograd.toString().contains("convolution=" + algorithm.settingValue()),
          winograd.toString());
      FrameSequence pd = direct.predict(inputs.get(0));
      FrameSequence pw = winograd.predict(inputs.get(0));
      assertTrue(pd.maxAbsDifference(pw) < predictionTol, "predictions differ by "
          + pd.maxAbsDifference(pw));
      List<FrameSequence> targets = TestSupport.randomBatch(r, 2, pd.frames(), pd.height(),
          pd.width(), pd.channels(), 0, 1);
      ReferenceForecaster.Gradients gd = direct.gradients(inputs, targets, Loss.MSE);
      ReferenceForecaster.Gradients gw = winograd.gradients(inputs, targets, Loss.MSE);
      assertEquals(gd.loss(), gw.loss(), lossTol * Math.abs(gd.loss()), "loss");
      for (Map.Entry<String, float[]> e : gd.parameters().entrySet()) {
        float[] a = e.getValue();
        float[] b = gw.parameters().get(e.getKey());
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
          scale = Math.max(scale, Math.abs(a[i]));
          diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(scale > 0, e.getKey() + " has an all-zero gradient");
        assertTrue(diff <= gradientTol * scale, e.getKey() + ": gradients differ by " + diff
            + " at scale " + scale);
      }
      for (int s = 0; s < inputs.size(); s++) {
        double d = gd.inputs().get(s).maxAbsDifference(gw.inputs().get(s));
        assertTrue(d < inputGradientTol, "input gradient " + s + " differs by " + d);
      }
    }
  }

  @Test
  @DisplayName("direct and Winograd training steps (no input gradient wanted) give the same weights")
  void trainingStepsAgree() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(12))
        .addLayer(ConvLstmLayerSpec.of(12))
        .seed(5).build();
    Random r = new Random(23);
    List<FrameSequence> x = TestSupport.randomBatch(r, 4, 3, 8, 7, 1, 0, 1);
    List<FrameSequence> y = TestSupport.randomBatch(r, 4, 3, 8, 7, 12, 0, 1);
    TrainingConfig two = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withLoss(Loss.MSE).withOptimizer(OptimizerSpec.sgd()).withShuffle(false)
        .withValidationSplit(0);
    try (ReferenceForecaster direct = TestSupport.forecaster(spec, ConvolutionAlgorithm.DIRECT);
        ReferenceForecaster winograd =
            TestSupport.forecaster(spec, ConvolutionAlgorithm.WINOGRAD)) {
      io.github.convlstm4j.api.ModelWeights initial = direct.weights();
      assertEquals(0.0, initial.maxAbsDifference(winograd.weights()),
          "same seed, same initial weights");
      direct.fit(SequenceDataset.of(x, y), two, TrainingListener.NONE);
      winograd.fit(SequenceDataset.of(x, y), two, TrainingListener.NONE);
      double moved = direct.weights().maxAbsDifference(initial);
      double apart = direct.weights().maxAbsDifference(winograd.weights());
      assertTrue(moved > 1e-4, "the steps moved the weights by " + moved);
      assertTrue(apart < 1e-3 * moved, "direct and Winograd weights differ by " + apart
          + " after steps of " + moved);
    }
  }

  @Test
  @DisplayName("winograd4 runs F(4x4) in prediction and in every training convolution")
  void winograd4IsNeitherDirectNorF2() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(16)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(16).withPadding(Padding.VALID))
        .seed(11).build();
    Random r = new Random(17);
    List<FrameSequence> inputs = TestSupport.randomBatch(r, 2, 4, 9, 10, 1, 0, 1);
    try (ReferenceForecaster direct = TestSupport.forecaster(spec, ConvolutionAlgorithm.DIRECT);
        ReferenceForecaster winograd =
            TestSupport.forecaster(spec, ConvolutionAlgorithm.WINOGRAD);
        ReferenceForecaster winograd4 =
            TestSupport.forecaster(spec, ConvolutionAlgorithm.WINOGRAD4)) {
      assertEquals("winograd4", winograd4.runtimeInfo().get("convolution"));
      FrameSequence pd = direct.predict(inputs.get(0));
      FrameSequence p2 = winograd.predict(inputs.get(0));
      FrameSequence p4 = winograd4.predict(inputs.get(0));
      assertTrue(pd.maxAbsDifference(p4) > 0, "winograd4 must not be the direct sum");
      assertTrue(p2.maxAbsDifference(p4) > 0, "winograd4 predictions must not be F(2x2)'s");
      // Every convolution of the training step differs from F(2×2)'s rounding: the second
      // layer's kernels get their gradient only from its weight gradient (F(4×4) there), the
      // first layer's input kernel only through the input gradients of the second (F(4×4)).
      List<FrameSequence> targets = TestSupport.randomBatch(r, 2, pd.frames(), pd.height(),
          pd.width(), pd.channels(), 0, 1);
      ReferenceForecaster.Gradients g2 = winograd.gradients(inputs, targets, Loss.MSE);
      ReferenceForecaster.Gradients g4 = winograd4.gradients(inputs, targets, Loss.MSE);
      assertTrue(g2.loss() != g4.loss(), "the training forward pass must not be F(2x2)'s");
      for (Map.Entry<String, float[]> e : g2.parameters().entrySet()) {
        assertTrue(!Arrays.equals(e.getValue(), g4.parameters().get(e.getKey())),
            e.getKey() + ": F(2x2)'s gradient");
      }
    }
  }
}

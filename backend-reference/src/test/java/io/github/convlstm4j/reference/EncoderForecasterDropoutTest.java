package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.spi.DropoutMasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Dropout in the encoder–forecaster on the reference: the encoder's masks and the forecasting
 * layers' mirrored ones ({@link DropoutMasks}) in the forward and backward pass.
 */
class EncoderForecasterDropoutTest {

  private static ModelSpec twoLayers(double in0, double rec0, double in1, double rec1) {
    return ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(2).withPeephole(true).withDropout(in0, rec0))
        .addLayer(ConvLstmLayerSpec.of(3).withRecurrentKernel(1, 1).withDropout(in1, rec1))
        .encoderForecaster(2, Activation.SIGMOID).seed(31).build();
  }

  /**
   * Backpropagation with fixed masks against central finite differences of the masked
   * training loss ({@link GradientCheckTest}'s step and tolerances) for every weight: both
   * layers with input and recurrent dropout, so every masked path of the encoder and the
   * forecaster (P_1 recurrent only, P_2 both) is checked.
   */
  @Test
  @DisplayName("gradients with fixed masks match finite differences for every weight")
  void gradientCheck() {
    ModelSpec spec = twoLayers(0.3, 0.4, 0.5, 0.25);
    Random r = new Random(spec.seed());
    List<FrameSequence> xs = TestSupport.randomBatch(r, 2, 3, 4, 5, 2, 0, 1);
    DropoutMasks masks = DropoutMasks.of(spec, 2, new SequenceShape(3, xs.get(0).frameShape()),
        9);
    assertNull(masks.input(2, 0), "P_1 reads no input");
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      for (String p : spec.weightShapes().keySet()) {
        if (p.contains("/peephole_") || p.endsWith("/bias")) {
          float[] v = fc.parameter(p);
          for (int i = 0; i < v.length; i++) {
            v[i] += (float) (r.nextDouble() - 0.5);
          }
        }
      }
      FrameSequence out0 = fc.predict(xs.get(0));
      List<FrameSequence> ys = TestSupport.randomBatch(r, 2, out0.frames(), out0.height(),
          out0.width(), out0.channels(), 0, 1);
      fc.fixDropout(masks);
      ReferenceForecaster.Gradients g = fc.encoderForecasterGradients(xs, ys,
          Loss.BINARY_CROSSENTROPY);
      assertEquals(fc.trainingLoss(xs, ys, Loss.BINARY_CROSSENTROPY), g.loss(), 1e-6);
      List<String> failures = new ArrayList<>();
      int checked = 0;
      for (Map.Entry<String, float[]> e : g.parameters().entrySet()) {
        float[] v = fc.parameter(e.getKey());
        for (int i = 0; i < v.length; i++) {
          int at = i;
          GradientCheckTest.LossAt f = value -> {
            v[at] = value;
            return fc.trainingLoss(xs, ys, Loss.BINARY_CROSSENTROPY);
          };
          double analytic = e.getValue()[i];
          double numeric = GradientCheckTest.centralDifference(f, v[i], GradientCheckTest.STEP);
          if (!close(analytic, numeric, GradientCheckTest.ATOL)) {
            double fine = GradientCheckTest.centralDifference(f, v[i],
                GradientCheckTest.STEP / 10);
            if (!close(analytic, fine, GradientCheckTest.ATOL_FINE)) {
              failures.add(e.getKey() + "[" + i + "]: analytic " + analytic + ", numeric "
                  + numeric + " / " + fine);
            }
          }
          checked++;
        }
      }
      assertTrue(failures.isEmpty(), failures.size() + " of " + checked + " differ, first: "
          + failures.subList(0, Math.min(10, failures.size())));
    }
  }

  /**
   * Masks that keep everything (rate 1e-12: every value is {@code 1/(1 - 1e-12)} = 1.0f) take
   * the per-gate path and must give the plain path's loss and gradients (same weights).
   */
  @Test
  @DisplayName("the masked path with all-ones masks gives the plain path's loss and gradients")
  void allOnesMasks() {
    ModelSpec plain = twoLayers(0, 0, 0, 0);
    ModelSpec ones = twoLayers(1e-12, 1e-12, 1e-12, 1e-12);
    Random r = new Random(4);
    List<FrameSequence> xs = TestSupport.randomBatch(r, 2, 3, 4, 5, 2, 0, 1);
    List<FrameSequence> ys = TestSupport.randomBatch(r, 2, 2, 4, 5, 2, 0, 1);
    DropoutMasks masks = DropoutMasks.of(ones, 2, new SequenceShape(3, xs.get(0).frameShape()),
        1);
    assertEquals(1.0f, masks.recurrent(3, 2)[7]);
    try (ReferenceForecaster a = TestSupport.forecaster(plain);
        ReferenceForecaster b = TestSupport.forecaster(ones)) {
      b.setWeights(a.weights());
      b.fixDropout(masks);
      ReferenceForecaster.Gradients ga = a.encoderForecasterGradients(xs, ys, Loss.MSE);
      ReferenceForecaster.Gradients gb = b.encoderForecasterGradients(xs, ys, Loss.MSE);
      assertEquals(ga.loss(), gb.loss(), 1e-7);
      for (Map.Entry<String, float[]> e : ga.parameters().entrySet()) {
        float[] x = e.getValue();
        float[] y = gb.parameters().get(e.getKey());
        for (int i = 0; i < x.length; i++) {
          assertEquals(x[i], y[i], 1e-6 + 1e-5 * Math.abs(x[i]), e.getKey() + "[" + i + "]");
        }
      }
    }
  }

  /**
   * The masks change the training loss; inference ignores the rates (a model with dropout
   * predicts exactly as the same weights without), and the hooks leave no masks behind.
   */
  @Test
  @DisplayName("masks change the training loss; predictions ignore dropout")
  void trainingOnly() {
    ModelSpec plain = twoLayers(0, 0, 0, 0);
    ModelSpec drop = twoLayers(0.5, 0.5, 0.5, 0.5);
    Random r = new Random(5);
    List<FrameSequence> xs = TestSupport.randomBatch(r, 2, 3, 4, 5, 2, 0, 1);
    List<FrameSequence> ys = TestSupport.randomBatch(r, 2, 2, 4, 5, 2, 0, 1);
    try (ReferenceForecaster a = TestSupport.forecaster(plain);
        ReferenceForecaster b = TestSupport.forecaster(drop)) {
      b.setWeights(a.weights());
      double plainLoss = a.trainingLoss(xs, ys, Loss.MSE);
      assertEquals(plainLoss, b.trainingLoss(xs, ys, Loss.MSE), 0.0, "no masks fixed");
      b.fixDropout(DropoutMasks.of(drop, 2, new SequenceShape(3, xs.get(0).frameShape()), 3));
      assertTrue(Math.abs(plainLoss - b.trainingLoss(xs, ys, Loss.MSE)) > 1e-4,
          "the masks change the loss");
      for (int s = 0; s < 2; s++) {
        assertArrayEquals(a.predict(xs.get(s)).toArray(), b.predict(xs.get(s)).toArray(), 0f);
      }
    }
  }

  private static boolean close(double analytic, double numeric, double atol) {
    return Math.abs(analytic - numeric)
        <= atol + GradientCheckTest.RTOL * Math.max(Math.abs(analytic), Math.abs(numeric));
  }
}

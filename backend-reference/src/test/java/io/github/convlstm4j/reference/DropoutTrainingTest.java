package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.spi.DropoutMasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Training with ConvLSTM dropout and recurrent dropout (Keras semantics) on the reference. */
class DropoutTrainingTest {

  /**
   * The semantics, against an independent plain implementation written here: a 1×1 kernel
   * makes each position a scalar LSTM whose gate g reads {@code Σ_c x_c·m_g[c]·W[c, g] + b_g +
   * Σ_j h_j·r_g[j]·U[j, g]}, with the same masks {@code m_g}, {@code r_g} (per sample, position
   * and channel) at every step. The training-mode MSE against zero targets must match.
   */
  @Test
  @DisplayName("per-gate input and recurrent masks, the same at every step, match a plain LSTM")
  void masksByHand() {
    ModelSpec spec = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(2).withKernel(1, 1)
        .withDropout(0.4, 0.5)).seed(3).build();
    int n = 2;
    int t = 4;
    int h = 2;
    int w = 3;
    Random r = new Random(4);
    List<FrameSequence> xs = TestSupport.randomBatch(r, n, t, h, w, 2, -1, 1);
    List<FrameSequence> zeros = TestSupport.randomBatch(r, n, t, h, w, 2, 0, 0);
    DropoutMasks masks = DropoutMasks.of(spec, n, new SequenceShape(t, xs.get(0).frameShape()),
        11);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      for (String p : spec.weightShapes().keySet()) {
        float[] v = fc.parameter(p);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (r.nextDouble() - 0.5);
        }
      }
      float[] kernel = fc.parameter("conv_lstm2d_0/kernel"); // [1, 1, 2, 8]
      float[] rec = fc.parameter("conv_lstm2d_0/recurrent_kernel"); // [1, 1, 2, 8]
      float[] bias = fc.parameter("conv_lstm2d_0/bias");
      double sum = 0;
      int count = 0;
      for (int b = 0; b < n; b++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double[] hh = new double[2];
            double[] cc = new double[2];
            for (int s = 0; s < t; s++) {
              double[] z = new double[8];
              for (int g = 0; g < 4; g++) {
                float[] mi = masks.input(0, g);
                float[] mr = masks.recurrent(0, g);
                for (int j = 0; j < 2; j++) {
                  double v = bias[g * 2 + j];
                  for (int c = 0; c < 2; c++) {
                    int at = ((b * h + y) * w + x) * 2 + c;
                    v += xs.get(b).get(s, y, x, c) * mi[at] * kernel[c * 8 + g * 2 + j];
                    v += hh[c] * mr[at] * rec[c * 8 + g * 2 + j];
                  }
                  z[g * 2 + j] = v;
                }
              }
              double[] nh = new double[2];
              for (int j = 0; j < 2; j++) {
                double i = Activation.SIGMOID.apply(z[j]);
                double f = Activation.SIGMOID.apply(z[2 + j]);
                double o = Activation.SIGMOID.apply(z[6 + j]);
                cc[j] = f * cc[j] + i * Math.tanh(z[4 + j]);
                nh[j] = o * Math.tanh(cc[j]);
                sum += nh[j] * nh[j];
                count++;
              }
              hh = nh;
            }
          }
        }
      }
      fc.fixDropout(masks);
      assertEquals(sum / count, fc.trainingLoss(xs, zeros, Loss.MSE), 1e-6);
      fc.fixDropout(DropoutMasks.none());
      assertTrue(Math.abs(sum / count - fc.trainingLoss(xs, zeros, Loss.MSE)) > 1e-3,
          "without the masks the loss differs");
    }
  }

  /**
   * Masks that keep everything (rate 1e-12: every value is {@code 1/(1 - 1e-12)}, which is
   * 1.0f) take the per-gate path and must give the usual path's loss and gradients.
   */
  @Test
  @DisplayName("the masked path with all-ones masks gives the plain path's gradients")
  void allOnesMasks() {
    ModelSpec plain = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3).withPeephole(true))
        .addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID)).seed(5).build();
    ModelSpec ones = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3).withPeephole(true)
        .withDropout(1e-12, 1e-12)).addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID)
        .withDropout(0, 1e-12)).seed(5).build();
    Random r = new Random(6);
    List<FrameSequence> xs = TestSupport.randomBatch(r, 2, 3, 4, 5, 1, 0, 1);
    List<FrameSequence> ys = TestSupport.randomBatch(r, 2, 3, 2, 3, 2, 0, 1);
    DropoutMasks masks = DropoutMasks.of(ones, 2, new SequenceShape(3, xs.get(0).frameShape()),
        1);
    assertEquals(1.0f, masks.input(0, 2)[7]);
    try (ReferenceForecaster a = TestSupport.forecaster(plain, ConvolutionAlgorithm.DIRECT);
        ReferenceForecaster b = TestSupport.forecaster(ones, ConvolutionAlgorithm.DIRECT)) {
      b.setWeights(a.weights());
      b.fixDropout(masks);
      ReferenceForecaster.Gradients ga = a.gradients(xs, ys, Loss.MSE);
      ReferenceForecaster.Gradients gb = b.gradients(xs, ys, Loss.MSE);
      assertEquals(ga.loss(), gb.loss(), 1e-7);
      for (Map.Entry<String, float[]> e : ga.parameters().entrySet()) {
        float[] x = e.getValue();
        float[] y = gb.parameters().get(e.getKey());
        for (int i = 0; i < x.length; i++) {
          assertEquals(x[i], y[i], 1e-6 + 1e-5 * Math.abs(x[i]), e.getKey() + "[" + i + "]");
        }
      }
      for (int s = 0; s < 2; s++) {
        assertTrue(ga.inputs().get(s).maxAbsDifference(gb.inputs().get(s)) < 1e-6, "input");
      }
    }
  }

  /**
   * Backpropagation with fixed masks against central finite differences of the masked
   * training loss, with {@link GradientCheckTest}'s step and tolerances, for every element of
   * every trainable tensor and of the input: two layers (input and recurrent dropout, then
   * recurrent dropout only, last step only) and a peephole layer with both.
   */
  @Test
  @DisplayName("gradients with fixed masks match finite differences")
  void gradientCheck() {
    ModelSpec[] specs = {
      ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(3).withDropout(0.3, 0.4))
          .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2).withDropout(0, 0.5)
              .withReturnSequences(false)).seed(7).build(),
      ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2).withPeephole(true)
          .withRecurrentActivation(Activation.HARD_SIGMOID).withDropout(0.5, 0.25)).seed(8)
          .build()};
    for (ModelSpec spec : specs) {
      Random r = new Random(spec.seed());
      List<FrameSequence> xs = TestSupport.randomBatch(r, 2, 3, 4, 5, spec.inputChannels(), 0,
          1);
      DropoutMasks masks = DropoutMasks.of(spec, 2,
          new SequenceShape(3, xs.get(0).frameShape()), spec.seed());
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
        ReferenceForecaster.Gradients g = fc.gradients(xs, ys, Loss.MSE);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, float[]> e : g.parameters().entrySet()) {
          float[] v = fc.parameter(e.getKey());
          for (int i = 0; i < v.length; i++) {
            int at = i;
            check(e.getKey() + "[" + i + "]", e.getValue()[i], value -> {
              v[at] = value;
              return fc.trainingLoss(xs, ys, Loss.MSE);
            }, v[i], failures);
            checked++;
          }
        }
        for (int b = 0; b < 2; b++) {
          float[] x = xs.get(b).toArray();
          float[] gx = g.inputs().get(b).toArray();
          for (int i = 0; i < x.length; i++) {
            int at = i;
            int sample = b;
            check("input" + b + "[" + i + "]", gx[i], value -> {
              x[at] = value;
              List<FrameSequence> c = new ArrayList<>(xs);
              c.set(sample, FrameSequence.of(3, xs.get(sample).frameShape(), x));
              return fc.trainingLoss(c, ys, Loss.MSE);
            }, x[i], failures);
            checked++;
          }
        }
        assertTrue(failures.isEmpty(), spec + ": " + failures.size() + " of " + checked
            + " differ, first: " + failures.subList(0, Math.min(8, failures.size())));
      }
    }
  }

  private static void check(String what, double analytic, GradientCheckTest.LossAt f,
      float keep, List<String> failures) {
    double numeric = GradientCheckTest.centralDifference(f, keep, GradientCheckTest.STEP);
    if (close(analytic, numeric, GradientCheckTest.ATOL)) {
      return;
    }
    double fine = GradientCheckTest.centralDifference(f, keep, GradientCheckTest.STEP / 10);
    if (!close(analytic, fine, GradientCheckTest.ATOL_FINE)) {
      failures.add(what + ": analytic " + analytic + ", numeric " + numeric + ", fine " + fine);
    }
  }

  private static boolean close(double analytic, double numeric, double atol) {
    double tol = atol + GradientCheckTest.RTOL * Math.max(Math.abs(analytic),
        Math.abs(numeric));
    return Math.abs(analytic - numeric) <= tol;
  }
}

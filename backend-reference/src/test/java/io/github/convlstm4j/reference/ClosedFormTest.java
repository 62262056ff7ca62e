package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Forward values against closed forms and hand calculations. */
class ClosedFormTest {

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * A 1×1 kernel on a 1×1 frame is the textbook LSTM: z = x·W + b + h·U with W [C_in, 4F],
   * U [F, 4F], gates i, f, c, o. The expectation is an independent scalar double loop.
   */
  @Test
  @DisplayName("a 1x1 kernel on a 1x1 frame reduces to the scalar LSTM equations")
  void oneByOneIsScalarLstm() {
    int cin = 3;
    int f = 2;
    int frames = 5;
    ModelSpec spec = ModelSpec.builder(cin)
        .addLayer(ConvLstmLayerSpec.of(f).withKernel(1, 1)).seed(7).build();
    Random r = new Random(11);
    FrameSequence x = TestSupport.random(r, frames, 1, 1, cin, -1, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      float[] w = fc.parameter(ModelSpec.kernelName(0)); // [1,1,cin,4f]
      float[] u = fc.parameter(ModelSpec.recurrentKernelName(0)); // [1,1,f,4f]
      float[] b = fc.parameter(ModelSpec.biasName(0));
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (0.3 * Math.sin(i + 1)); // non-trivial bias in every gate
      }
      FrameSequence out = fc.predict(x);
      double[] h = new double[f];
      double[] c = new double[f];
      for (int t = 0; t < frames; t++) {
        double[] hn = new double[f];
        for (int j = 0; j < f; j++) {
          double[] z = new double[4];
          for (int gate = 0; gate < 4; gate++) {
            int col = gate * f + j;
            double s = b[col];
            for (int k = 0; k < cin; k++) {
              s += x.get(t, 0, 0, k) * (double) w[k * 4 * f + col];
            }
            for (int k = 0; k < f; k++) {
              s += h[k] * u[k * 4 * f + col];
            }
            z[gate] = s;
          }
          double ig = sigmoid(z[0]);
          double fg = sigmoid(z[1]);
          double cc = Math.tanh(z[2]);
          double og = sigmoid(z[3]);
          c[j] = fg * c[j] + ig * cc;
          hn[j] = og * Math.tanh(c[j]);
        }
        h = hn;
        for (int j = 0; j < f; j++) {
          assertEquals(h[j], out.get(t, 0, 0, j), 2e-6, "t=" + t + " filter " + j);
        }
      }
    }
  }

  /**
   * One step, C_in = F = 1, LINEAR cell activation, HARD_SIGMOID gates. The i and o gates get
   * bias 3 and zero kernel (hard sigmoid clip(0.2·3+0.5) = 1 exactly), so H = C = z_c. The
   * c̃ kernel is k[dy][dx] = 0.1·(3·dy + dx + 1) (0.1 … 0.9), bias 0.3, input [[1,2],[3,4]].
   * A 3×3 SAME window centred on any pixel of a 2×2 frame covers the whole frame; tap (dy,dx)
   * at output (y,x) reads input (y+dy-1, x+dx-1):
   * (0,0): 1·.5 + 2·.6 + 3·.8 + 4·.9 + .3 = 8.0; (0,1): 1·.4 + 2·.5 + 3·.7 + 4·.8 + .3 = 7.0;
   * (1,0): 1·.2 + 2·.3 + 3·.5 + 4·.6 + .3 = 5.0; (1,1): 1·.1 + 2·.2 + 3·.4 + 4·.5 + .3 = 4.0.
   */
  @Test
  @DisplayName("a 3x3 SAME kernel on a 2x2 frame gives the hand-computed values")
  void threeByThreeSameByHand() {
    FrameSequence out = oneStepLinear(3, 3, Padding.SAME,
        new float[] {.1f, .2f, .3f, .4f, .5f, .6f, .7f, .8f, .9f});
    assertEquals(8.0, out.get(0, 0, 0, 0), 1e-5);
    assertEquals(7.0, out.get(0, 0, 1, 0), 1e-5);
    assertEquals(5.0, out.get(0, 1, 0, 0), 1e-5);
    assertEquals(4.0, out.get(0, 1, 1, 0), 1e-5);
  }

  /**
   * Even kernel 2×2 SAME: total padding 1, 0 before and 1 after, so output (y,x) reads inputs
   * (y..y+1, x..x+1). Kernel [[.1,.2],[.3,.4]], bias .3, input [[1,2],[3,4]]:
   * (0,0): .1+.4+.9+1.6+.3 = 3.3; (0,1): 2·.1 + 4·.3 + .3 = 1.7; (1,0): 3·.1 + 4·.2 + .3 = 1.4;
   * (1,1): 4·.1 + .3 = 0.7.
   */
  @Test
  @DisplayName("an even 2x2 SAME kernel pads after, not before")
  void evenKernelPadsAfter() {
    FrameSequence out = oneStepLinear(2, 2, Padding.SAME, new float[] {.1f, .2f, .3f, .4f});
    assertEquals(3.3, out.get(0, 0, 0, 0), 1e-5);
    assertEquals(1.7, out.get(0, 0, 1, 0), 1e-5);
    assertEquals(1.4, out.get(0, 1, 0, 0), 1e-5);
    assertEquals(0.7, out.get(0, 1, 1, 0), 1e-5);
  }

  /** VALID 2×2 on a 2×2 frame: a single output, Σ input·kernel + bias = 3.0 + .3 = 3.3. */
  @Test
  @DisplayName("a VALID kernel shrinks the frame")
  void validShrinks() {
    FrameSequence out = oneStepLinear(2, 2, Padding.VALID, new float[] {.1f, .2f, .3f, .4f});
    assertEquals(1, out.height());
    assertEquals(1, out.width());
    assertEquals(3.3, out.get(0, 0, 0, 0), 1e-5);
  }

  private static FrameSequence oneStepLinear(int kh, int kw, Padding padding, float[] taps) {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(1).withKernel(kh, kw).withPadding(padding)
            .withActivation(Activation.LINEAR)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .build();
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      float[] w = fc.parameter(ModelSpec.kernelName(0)); // [kh, kw, 1, 4]
      java.util.Arrays.fill(w, 0f);
      for (int tap = 0; tap < kh * kw; tap++) {
        w[tap * 4 + 2] = taps[tap]; // gate c
      }
      java.util.Arrays.fill(fc.parameter(ModelSpec.recurrentKernelName(0)), 0f);
      float[] b = fc.parameter(ModelSpec.biasName(0));
      b[0] = 3f; // i = 1
      b[1] = 0f;
      b[2] = 0.3f;
      b[3] = 3f; // o = 1
      return fc.predict(FrameSequence.of(1, 2, 2, 1, new float[] {1, 2, 3, 4}));
    }
  }

  /** Hard sigmoid is clip(0.2x + 0.5, 0, 1): beyond ±2.5 a gate is exactly 0 or 1. */
  @Test
  @DisplayName("HARD_SIGMOID gates clip to exactly 0 and 1 beyond +-2.5")
  void hardSigmoidClips() {
    assertEquals(0.5f, outputWithOutputGateBias(2.6f)); // o = 1 exactly: H = C = 0.5
    assertEquals(0.0f, outputWithOutputGateBias(-2.6f)); // o = 0 exactly
    assertEquals(0.5 * (0.2 * 2.4 + 0.5), outputWithOutputGateBias(2.4f), 1e-6); // inside
  }

  private static float outputWithOutputGateBias(float o) {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1).withActivation(Activation.LINEAR)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .build();
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      java.util.Arrays.fill(fc.parameter(ModelSpec.kernelName(0)), 0f);
      java.util.Arrays.fill(fc.parameter(ModelSpec.recurrentKernelName(0)), 0f);
      float[] b = fc.parameter(ModelSpec.biasName(0));
      b[0] = 2.6f; // i = clip(0.2·2.6 + 0.5) = 1 exactly
      b[1] = -2.6f; // f = 0 exactly
      b[2] = 0.5f; // c̃ = 0.5 (LINEAR), so C = 0.5
      b[3] = o;
      return fc.predict(FrameSequence.of(1, 1, 1, 1, new float[] {0.7f})).get(0, 0, 0, 0);
    }
  }
}

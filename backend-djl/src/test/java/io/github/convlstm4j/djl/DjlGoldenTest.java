package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.TimePadding;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Closed-form and naive-oracle checks of the PyTorch forward pass, independent of the reference
 * backend: the scalar LSTM equations (1×1 kernel on a 1×1 frame), batch norm in inference, the
 * Conv3D head with SAME and CAUSAL time padding, and general layers against
 * {@link NaiveConvLstm}.
 */
class DjlGoldenTest {

  private static final float[] K = {0.5f, -0.3f, 0.8f, 0.2f};
  private static final float[] U = {-0.4f, 0.6f, 0.3f, -0.7f};
  private static final float[] B = {0.1f, 1.0f, -0.2f, 0.05f};
  private static final float[] XS = {0.9f, -0.5f, 0.3f, 1.2f};

  /** Scalar LSTM, Keras gate order i, f, c, o, written out in double. */
  private static double[] scalarLstm(Activation ra, boolean bias) {
    double h = 0;
    double c = 0;
    double[] out = new double[XS.length];
    for (int t = 0; t < XS.length; t++) {
      double[] z = new double[4];
      for (int g = 0; g < 4; g++) {
        z[g] = K[g] * XS[t] + U[g] * h + (bias ? B[g] : 0);
      }
      double i = ra.apply(z[0]);
      double f = ra.apply(z[1]);
      double cc = Math.tanh(z[2]);
      double o = ra.apply(z[3]);
      c = f * c + i * cc;
      h = o * Math.tanh(c);
      out[t] = h;
    }
    return out;
  }

  private static FrameSequence scalarInput() {
    return FrameSequence.of(XS.length, 1, 1, 1, XS);
  }

  @Test
  @DisplayName("a 1x1 kernel on 1x1 frames is the scalar LSTM (sigmoid gates, bias)")
  void scalarLstmSigmoid() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1))
        .build();
    try (Forecaster f = TestModels.pytorch(spec)) {
      f.setWeights(TestModels.weights(spec, Map.of("conv_lstm2d_0/kernel", K,
          "conv_lstm2d_0/recurrent_kernel", U, "conv_lstm2d_0/bias", B)));
      FrameSequence out = f.predict(scalarInput());
      double[] expected = scalarLstm(Activation.SIGMOID, true);
      assertEquals(XS.length, out.frames());
      for (int t = 0; t < XS.length; t++) {
        assertEquals(expected[t], out.get(t, 0, 0, 0), 1e-6, "step " + t);
      }
    }
  }

  @Test
  @DisplayName("hard sigmoid gates, no bias, last step only")
  void scalarLstmHardSigmoidLastStep() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)
        .withRecurrentActivation(Activation.HARD_SIGMOID).withBias(false, false)
        .withReturnSequences(false)).build();
    try (Forecaster f = TestModels.pytorch(spec)) {
      f.setWeights(TestModels.weights(spec, Map.of("conv_lstm2d_0/kernel", K,
          "conv_lstm2d_0/recurrent_kernel", U)));
      FrameSequence out = f.predict(scalarInput());
      assertEquals(1, out.frames());
      double[] expected = scalarLstm(Activation.HARD_SIGMOID, false);
      assertEquals(expected[XS.length - 1], out.get(0, 0, 0, 0), 1e-6);
    }
  }

  @Test
  @DisplayName("batch norm in inference and a CAUSAL or SAME Conv3D head follow their formulas")
  void batchNormAndHead() {
    float[] bn = {1.5f, -0.25f, 0.1f, 0.4f}; // gamma, beta, moving mean, moving variance
    float[] headKernel = {0.7f, -1.1f}; // kt = 2, applied to frames (t-1, t) or (t, t+1)
    float headBias = 0.05f;
    double eps = 1e-3;
    for (TimePadding tp : TimePadding.values()) {
      ModelSpec spec = ModelSpec.builder(1)
          .addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)).addLayer(BatchNormSpec.keras())
          .addLayer(new Conv3dHeadSpec(1, 2, 1, 1, Activation.LINEAR, tp)).build();
      try (Forecaster f = TestModels.pytorch(spec)) {
        f.setWeights(TestModels.weights(spec, Map.of("conv_lstm2d_0/kernel", K,
            "conv_lstm2d_0/recurrent_kernel", U, "conv_lstm2d_0/bias", B,
            "batch_normalization_0/gamma", new float[] {bn[0]},
            "batch_normalization_0/beta", new float[] {bn[1]},
            "batch_normalization_0/moving_mean", new float[] {bn[2]},
            "batch_normalization_0/moving_variance", new float[] {bn[3]},
            "conv3d/kernel", headKernel, "conv3d/bias", new float[] {headBias})));
        double[] h = scalarLstm(Activation.SIGMOID, true);
        double[] z = new double[h.length];
        for (int t = 0; t < h.length; t++) {
          z[t] = bn[0] * (h[t] - bn[2]) / Math.sqrt(bn[3] + eps) + bn[1];
        }
        FrameSequence out = f.predict(scalarInput());
        for (int t = 0; t < h.length; t++) {
          double expected;
          if (tp == TimePadding.CAUSAL) {
            expected = headBias + headKernel[0] * (t > 0 ? z[t - 1] : 0) + headKernel[1] * z[t];
          } else {
            expected = headBias + headKernel[0] * z[t]
                + headKernel[1] * (t + 1 < h.length ? z[t + 1] : 0);
          }
          assertEquals(expected, out.get(t, 0, 0, 0), 1e-5, tp + " step " + t);
        }
      }
    }
  }

  @Test
  @DisplayName("odd, even and VALID layers equal a naive double-precision ConvLSTM")
  void layersMatchNaiveOracle() {
    ConvLstmLayerSpec[] layers = {
      ConvLstmLayerSpec.of(3),
      ConvLstmLayerSpec.of(2).withKernel(2, 2),
      ConvLstmLayerSpec.of(2).withKernel(4, 3).withRecurrentActivation(Activation.HARD_SIGMOID),
      ConvLstmLayerSpec.of(2).withKernel(3, 2).withPadding(Padding.VALID)
          .withReturnSequences(false),
      ConvLstmLayerSpec.of(3).withActivation(Activation.RELU).withBias(false, false),
    };
    Random r = new Random(7);
    for (ConvLstmLayerSpec l : layers) {
      ModelSpec spec = ModelSpec.builder(2).addLayer(l).build();
      ModelWeights w = TestModels.randomWeights(spec, r.nextLong(), 0.6);
      FrameSequence x = TestModels.randomSequence(r, 3, 5, 6, 2);
      double[][][][] expected = NaiveConvLstm.run(l, w, x);
      try (Forecaster f = TestModels.pytorch(spec)) {
        f.setWeights(w);
        FrameSequence out = f.predict(x);
        assertEquals(expected.length, out.frames(), l.toString());
        double max = 0;
        for (int t = 0; t < expected.length; t++) {
          for (int i = 0; i < expected[t].length; i++) {
            for (int j = 0; j < expected[t][i].length; j++) {
              for (int c = 0; c < expected[t][i][j].length; c++) {
                max = Math.max(max, Math.abs(expected[t][i][j][c] - out.get(t, i, j, c)));
              }
            }
          }
        }
        assertEquals(0, max, 1e-5, l.toString());
        assertEquals(expected[0].length, out.height(), l.toString());
        assertEquals(expected[0][0].length, out.width(), l.toString());
      }
    }
  }
}

package io.github.convlstm4j.djl;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;

/**
 * A test oracle written straight from the design's equations: one ConvLSTM layer in double
 * precision with naive loops on channels-last data and Keras-layout weights. Independent of
 * both backends.
 */
final class NaiveConvLstm {

  private NaiveConvLstm() {}

  /** Output of layer 0 of a one-layer spec (no batch norm, no head), channels-last. */
  static double[][][][] run(ConvLstmLayerSpec l, ModelWeights w, FrameSequence x) {
    int t = x.frames();
    int h = x.height();
    int wd = x.width();
    int c = x.channels();
    int f = l.filters();
    int kh = l.kernelHeight();
    int kw = l.kernelWidth();
    int oh = l.padding().outputSize(h, kh);
    int ow = l.padding().outputSize(wd, kw);
    float[] k = w.get("conv_lstm2d_0/kernel").toArray();
    float[] u = w.get("conv_lstm2d_0/recurrent_kernel").toArray();
    float[] b = l.useBias() ? w.get("conv_lstm2d_0/bias").toArray() : new float[4 * f];
    double[][][] hid = new double[oh][ow][f];
    double[][][] cell = new double[oh][ow][f];
    double[][][][] out = new double[t][][][];
    for (int s = 0; s < t; s++) {
      double[][][] z = new double[oh][ow][4 * f];
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          for (int g = 0; g < 4 * f; g++) {
            double acc = b[g];
            for (int a = 0; a < kh; a++) {
              for (int bb = 0; bb < kw; bb++) {
                int ir = r + a - l.padding().before(kh);
                int iq = q + bb - l.padding().before(kw);
                if (ir >= 0 && ir < h && iq >= 0 && iq < wd) {
                  for (int ch = 0; ch < c; ch++) {
                    acc += k[((a * kw + bb) * c + ch) * 4 * f + g] * x.get(s, ir, iq, ch);
                  }
                }
                int hr = r + a - Padding.SAME.before(kh);
                int hq = q + bb - Padding.SAME.before(kw);
                if (hr >= 0 && hr < oh && hq >= 0 && hq < ow) {
                  for (int ch = 0; ch < f; ch++) {
                    acc += u[((a * kw + bb) * f + ch) * 4 * f + g] * hid[hr][hq][ch];
                  }
                }
              }
            }
            z[r][q][g] = acc;
          }
        }
      }
      double[][][] nh = new double[oh][ow][f];
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          for (int ch = 0; ch < f; ch++) {
            Activation ra = l.recurrentActivation();
            double i = ra.apply(z[r][q][ch]);
            double fg = ra.apply(z[r][q][f + ch]);
            double cc = l.activation().apply(z[r][q][2 * f + ch]);
            double o = ra.apply(z[r][q][3 * f + ch]);
            cell[r][q][ch] = fg * cell[r][q][ch] + i * cc;
            nh[r][q][ch] = o * l.activation().apply(cell[r][q][ch]);
          }
        }
      }
      hid = nh;
      out[s] = nh;
    }
    return l.returnSequences() ? out : new double[][][][] {out[t - 1]};
  }
}

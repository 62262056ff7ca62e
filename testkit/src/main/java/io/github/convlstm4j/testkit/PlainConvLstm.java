package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import java.util.List;

/**
 * An independent, deliberately plain inference forward pass in double precision, written
 * directly from the equations in the design (Keras {@code ConvLSTM2D} semantics): nested
 * loops, no im2col, no reuse of backend code. Slow, and only meant for the kit's tiny models.
 *
 * <pre>
 *   z = conv(X_t, W; layer padding) + b + conv(H_{t-1}, U; SAME)     (4F channels, i f c o)
 *   C_t = ra(f) * C_{t-1} + ra(i) * act(c)
 *   H_t = ra(o) * act(C_t)
 * </pre>
 *
 * Batch normalization uses its moving statistics; the Conv3D head pads SAME in space and
 * {@link io.github.convlstm4j.api.TimePadding} in time; the frame-wise layers are
 * {@link PlainFrameLayers}.
 */
final class PlainConvLstm {

  private PlainConvLstm() {}

  /** A dense {@code T × H × W × C} block of doubles, C-order. */
  record Block(int frames, int height, int width, int channels, double[] data) {
    double get(int t, int r, int c, int ch) {
      return data[((t * height + r) * width + c) * channels + ch];
    }

    FrameSequence toSequence() {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      return FrameSequence.of(frames, new FrameShape(height, width, channels), f);
    }
  }

  /**
   * Runs the network.
   *
   * @param spec the model
   * @param weights weights that fit the spec
   * @param input the input sequence
   * @return the network output in double precision
   */
  static Block predict(ModelSpec spec, ModelWeights weights, FrameSequence input) {
    weights.requireCompatible(spec);
    float[] in = input.toArray();
    double[] x = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      x[i] = in[i];
    }
    Block cur = new Block(input.frames(), input.height(), input.width(), input.channels(), x);
    List<LayerSpec> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String n = spec.layerName(i) + "/";
      if (l instanceof ConvLstmLayerSpec) {
        ConvLstmLayerSpec c = (ConvLstmLayerSpec) l;
        cur = convLstm(c, weights.get(n + "kernel").toArray(),
            weights.get(n + "recurrent_kernel").toArray(),
            c.useBias() ? weights.get(n + "bias").toArray() : null, cur);
      } else if (l instanceof BatchNormSpec) {
        cur = batchNorm(cur, weights.get(n + "gamma").toArray(),
            weights.get(n + "beta").toArray(), weights.get(n + "moving_mean").toArray(),
            weights.get(n + "moving_variance").toArray(), ((BatchNormSpec) l).epsilon());
      } else if (l instanceof Conv3dHeadSpec) {
        cur = head((Conv3dHeadSpec) l, weights.get(n + "kernel").toArray(),
            weights.get(n + "bias").toArray(), cur);
      } else {
        cur = PlainFrameLayers.apply(l, n, weights, cur);
      }
    }
    return cur;
  }

  private static Block convLstm(ConvLstmLayerSpec l, float[] kernel, float[] recurrent,
      float[] bias, Block x) {
    int kh = l.kernelHeight();
    int kw = l.kernelWidth();
    int cin = x.channels();
    int f = l.filters();
    int g4 = 4 * f;
    Padding p = l.padding();
    int oh = p.outputSize(x.height(), kh);
    int ow = p.outputSize(x.width(), kw);
    int padTop = p.before(kh);
    int padLeft = p.before(kw);
    int recTop = Padding.SAME.before(kh);
    int recLeft = Padding.SAME.before(kw);
    double[] h = new double[oh * ow * f];
    double[] c = new double[oh * ow * f];
    int outFrames = l.returnSequences() ? x.frames() : 1;
    double[] out = new double[outFrames * oh * ow * f];
    double[] z = new double[g4];
    double[] nextH = new double[h.length];
    for (int t = 0; t < x.frames(); t++) {
      for (int r = 0; r < oh; r++) {
        for (int col = 0; col < ow; col++) {
          for (int g = 0; g < g4; g++) {
            z[g] = bias == null ? 0 : bias[g];
          }
          for (int dy = 0; dy < kh; dy++) {
            for (int dx = 0; dx < kw; dx++) {
              int ir = r + dy - padTop;
              int ic = col + dx - padLeft;
              if (ir >= 0 && ir < x.height() && ic >= 0 && ic < x.width()) {
                for (int ch = 0; ch < cin; ch++) {
                  double v = x.get(t, ir, ic, ch);
                  int base = ((dy * kw + dx) * cin + ch) * g4;
                  for (int g = 0; g < g4; g++) {
                    z[g] += v * kernel[base + g];
                  }
                }
              }
              int hr = r + dy - recTop;
              int hc = col + dx - recLeft;
              if (hr >= 0 && hr < oh && hc >= 0 && hc < ow) {
                for (int ch = 0; ch < f; ch++) {
                  double v = h[(hr * ow + hc) * f + ch];
                  int base = ((dy * kw + dx) * f + ch) * g4;
                  for (int g = 0; g < g4; g++) {
                    z[g] += v * recurrent[base + g];
                  }
                }
              }
            }
          }
          for (int k = 0; k < f; k++) {
            int at = (r * ow + col) * f + k;
            double gi = l.recurrentActivation().apply(z[k]);
            double gf = l.recurrentActivation().apply(z[f + k]);
            double cand = l.activation().apply(z[2 * f + k]);
            double go = l.recurrentActivation().apply(z[3 * f + k]);
            c[at] = gf * c[at] + gi * cand;
            nextH[at] = go * l.activation().apply(c[at]);
          }
        }
      }
      System.arraycopy(nextH, 0, h, 0, h.length);
      if (l.returnSequences()) {
        System.arraycopy(h, 0, out, t * h.length, h.length);
      }
    }
    if (!l.returnSequences()) {
      System.arraycopy(h, 0, out, 0, h.length);
    }
    return new Block(outFrames, oh, ow, f, out);
  }

  private static Block batchNorm(Block x, float[] gamma, float[] beta, float[] mean,
      float[] variance, double epsilon) {
    double[] out = x.data().clone();
    int ch = x.channels();
    for (int i = 0; i < out.length; i++) {
      int k = i % ch;
      out[i] = gamma[k] * (out[i] - mean[k]) / Math.sqrt(variance[k] + epsilon) + beta[k];
    }
    return new Block(x.frames(), x.height(), x.width(), ch, out);
  }

  private static Block head(Conv3dHeadSpec hs, float[] kernel, float[] bias, Block x) {
    int kt = hs.kernelTime();
    int kh = hs.kernelHeight();
    int kw = hs.kernelWidth();
    int cin = x.channels();
    int cout = hs.filters();
    int padT = hs.timePadding().before(kt);
    int padTop = Padding.SAME.before(kh);
    int padLeft = Padding.SAME.before(kw);
    double[] out = new double[x.frames() * x.height() * x.width() * cout];
    Activation act = hs.activation();
    for (int t = 0; t < x.frames(); t++) {
      for (int r = 0; r < x.height(); r++) {
        for (int col = 0; col < x.width(); col++) {
          for (int o = 0; o < cout; o++) {
            double s = bias[o];
            for (int dt = 0; dt < kt; dt++) {
              int it = t + dt - padT;
              if (it < 0 || it >= x.frames()) {
                continue;
              }
              for (int dy = 0; dy < kh; dy++) {
                int ir = r + dy - padTop;
                if (ir < 0 || ir >= x.height()) {
                  continue;
                }
                for (int dx = 0; dx < kw; dx++) {
                  int ic = col + dx - padLeft;
                  if (ic < 0 || ic >= x.width()) {
                    continue;
                  }
                  for (int ch = 0; ch < cin; ch++) {
                    s += x.get(it, ir, ic, ch)
                        * kernel[(((dt * kh + dy) * kw + dx) * cin + ch) * cout + o];
                  }
                }
              }
            }
            out[((t * x.height() + r) * x.width() + col) * cout + o] = act.apply(s);
          }
        }
      }
    }
    return new Block(x.frames(), x.height(), x.width(), cout, out);
  }

  /**
   * The mean loss over all elements, Keras semantics (binary cross-entropy clips predictions
   * to {@code [1e-7, 1 - 1e-7]}).
   *
   * @param loss the loss
   * @param predictions network outputs
   * @param targets targets of the same length
   * @return the sum of the per-element losses (divide by the element count for the mean)
   */
  static double lossSum(Loss loss, double[] predictions, float[] targets) {
    double s = 0;
    for (int i = 0; i < predictions.length; i++) {
      double y = targets[i];
      if (loss == Loss.MSE) {
        double d = predictions[i] - y;
        s += d * d;
      } else {
        double p = Math.min(1 - Loss.BCE_EPSILON, Math.max(Loss.BCE_EPSILON, predictions[i]));
        s += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      }
    }
    return s;
  }
}

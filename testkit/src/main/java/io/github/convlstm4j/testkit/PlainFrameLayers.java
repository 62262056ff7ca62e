package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.testkit.PlainConvLstm.Block;

/**
 * The frame-wise layers in plain double precision, from their definitions: a strided
 * convolution as a padded window sum, the transposed convolution the other way round from a
 * backend's scatter (insert {@code s - 1} zeros between input cells, pad by {@code k - 1 -
 * before}, correlate with the kernel flipped in space, keep the output size), pooling over the
 * cells inside the frame, normalizations and softmax by their formulas.
 */
final class PlainFrameLayers {
  private PlainFrameLayers() {}

  static Block apply(LayerSpec l, String name, ModelWeights w, Block x) {
    if (l instanceof SpaceToDepthSpec || l instanceof DepthToSpaceSpec) {
      return patches(l, x);
    } else if (l instanceof DenseSpec) {
      DenseSpec d = (DenseSpec) l;
      float[] k = w.get(name + "kernel").toArray();
      float[] b = d.useBias() ? w.get(name + "bias").toArray() : null;
      int cin = x.channels();
      int positions = x.data().length / cin;
      double[] out = new double[positions * d.units()];
      for (int p = 0; p < positions; p++) {
        for (int u = 0; u < d.units(); u++) {
          double s = b == null ? 0 : b[u];
          for (int c = 0; c < cin; c++) {
            s += x.data()[p * cin + c] * k[c * d.units() + u];
          }
          out[p * d.units() + u] = d.activation().apply(s);
        }
      }
      return new Block(x.frames(), x.height(), x.width(), d.units(), out);
    } else if (l instanceof FlattenSpec) {
      return new Block(1, 1, 1, x.data().length, x.data().clone());
    } else if (l instanceof Conv2dSpec) {
      Conv2dSpec c = (Conv2dSpec) l;
      return conv(x, c.kernelHeight(), c.kernelWidth(), c.strideHeight(), c.strideWidth(),
          c.padding(), c.filters(), w.get(name + "kernel").toArray(),
          c.useBias() ? w.get(name + "bias").toArray() : null, c.activation(), false);
    } else if (l instanceof Conv2dTransposeSpec) {
      return transpose((Conv2dTransposeSpec) l, x, w.get(name + "kernel").toArray(),
          ((Conv2dTransposeSpec) l).useBias() ? w.get(name + "bias").toArray() : null);
    } else if (l instanceof MaxPoolingSpec) {
      MaxPoolingSpec m = (MaxPoolingSpec) l;
      int oh = m.padding().outputSize(x.height(), m.poolHeight(), m.strideHeight());
      int ow = m.padding().outputSize(x.width(), m.poolWidth(), m.strideWidth());
      int top = m.padding().before(x.height(), m.poolHeight(), m.strideHeight());
      int left = m.padding().before(x.width(), m.poolWidth(), m.strideWidth());
      double[] out = new double[x.frames() * oh * ow * x.channels()];
      int i = 0;
      for (int t = 0; t < x.frames(); t++) {
        for (int r = 0; r < oh; r++) {
          for (int q = 0; q < ow; q++) {
            for (int ch = 0; ch < x.channels(); ch++) {
              double best = Double.NEGATIVE_INFINITY;
              for (int a = r * m.strideHeight() - top;
                  a < r * m.strideHeight() - top + m.poolHeight(); a++) {
                for (int b = q * m.strideWidth() - left;
                    b < q * m.strideWidth() - left + m.poolWidth(); b++) {
                  if (a >= 0 && a < x.height() && b >= 0 && b < x.width()) {
                    best = Math.max(best, x.get(t, a, b, ch));
                  }
                }
              }
              out[i++] = best;
            }
          }
        }
      }
      return new Block(x.frames(), oh, ow, x.channels(), out);
    } else if (l instanceof LayerNormSpec) {
      LayerNormSpec n = (LayerNormSpec) l;
      float[] g = n.scale() ? w.get(name + "gamma").toArray() : null;
      float[] b = n.center() ? w.get(name + "beta").toArray() : null;
      int c = x.channels();
      double[] out = x.data().clone();
      for (int p = 0; p < out.length / c; p++) {
        double mean = 0;
        for (int j = 0; j < c; j++) {
          mean += out[p * c + j] / c;
        }
        double var = 0;
        for (int j = 0; j < c; j++) {
          var += (out[p * c + j] - mean) * (out[p * c + j] - mean) / c;
        }
        for (int j = 0; j < c; j++) {
          double v = (out[p * c + j] - mean) / Math.sqrt(var + n.epsilon());
          out[p * c + j] = v * (g == null ? 1 : g[j]) + (b == null ? 0 : b[j]);
        }
      }
      return new Block(x.frames(), x.height(), x.width(), c, out);
    } else if (l instanceof SoftmaxSpec) {
      int c = x.channels();
      double[] out = x.data().clone();
      for (int p = 0; p < out.length / c; p++) {
        double sum = 0;
        for (int j = 0; j < c; j++) {
          sum += Math.exp(out[p * c + j]);
        }
        for (int j = 0; j < c; j++) {
          out[p * c + j] = Math.exp(out[p * c + j]) / sum;
        }
      }
      return new Block(x.frames(), x.height(), x.width(), c, out);
    } else if (l instanceof ActivationSpec) {
      double[] out = x.data().clone();
      for (int i = 0; i < out.length; i++) {
        out[i] = ((ActivationSpec) l).activation().apply(out[i]);
      }
      return new Block(x.frames(), x.height(), x.width(), x.channels(), out);
    } else if (l instanceof BatchNormSpec) {
      throw new AssertionError("batch normalization is PlainConvLstm's");
    }
    throw new IllegalArgumentException("no plain forward for " + l.kind());
  }

  /**
   * A strided correlation of every frame; with {@code flipped} the kernel is read mirrored in
   * space and with its channel axes as a transpose kernel stores them ({@code [kh, kw, out,
   * in]}: here "out" are this correlation's input channels).
   */
  private static Block conv(Block x, int kh, int kw, int sh, int sw, Padding padding, int f,
      float[] k, float[] bias, io.github.convlstm4j.api.Activation act, boolean flipped) {
    int oh = padding.outputSize(x.height(), kh, sh);
    int ow = padding.outputSize(x.width(), kw, sw);
    int top = padding.before(x.height(), kh, sh);
    int left = padding.before(x.width(), kw, sw);
    return window(x, kh, kw, sh, sw, oh, ow, top, left, f, k, bias, act, flipped);
  }

  private static Block window(Block x, int kh, int kw, int sh, int sw, int oh, int ow, int top,
      int left, int f, float[] k, float[] bias, io.github.convlstm4j.api.Activation act,
      boolean flipped) {
    int cin = x.channels();
    double[] out = new double[x.frames() * oh * ow * f];
    int i = 0;
    for (int t = 0; t < x.frames(); t++) {
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          for (int o = 0; o < f; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int a = 0; a < kh; a++) {
              for (int b = 0; b < kw; b++) {
                int y = r * sh + a - top;
                int z = q * sw + b - left;
                if (y < 0 || y >= x.height() || z < 0 || z >= x.width()) {
                  continue;
                }
                for (int c = 0; c < cin; c++) {
                  double kv = flipped
                      ? k[(((kh - 1 - a) * kw + (kw - 1 - b)) * f + o) * cin + c]
                      : k[((a * kw + b) * cin + c) * f + o];
                  s += x.get(t, y, z, c) * kv;
                }
              }
            }
            out[i++] = act.apply(s);
          }
        }
      }
    }
    return new Block(x.frames(), oh, ow, f, out);
  }

  private static Block transpose(Conv2dTransposeSpec s, Block x, float[] k, float[] bias) {
    int kh = s.kernelHeight();
    int kw = s.kernelWidth();
    int sh = s.strideHeight();
    int sw = s.strideWidth();
    // zero insertion: input cell (y, z) moves to (y·s, z·s) of a (n-1)·s + 1 grid
    int dh = (x.height() - 1) * sh + 1;
    int dw = (x.width() - 1) * sw + 1;
    double[] d = new double[x.frames() * dh * dw * x.channels()];
    for (int t = 0; t < x.frames(); t++) {
      for (int y = 0; y < x.height(); y++) {
        for (int z = 0; z < x.width(); z++) {
          for (int c = 0; c < x.channels(); c++) {
            d[((t * dh + y * sh) * dw + z * sw) * x.channels() + c] = x.get(t, y, z, c);
          }
        }
      }
    }
    Block dilated = new Block(x.frames(), dh, dw, x.channels(), d);
    int oh = (int) s.outputSize(x.height(), kh, sh);
    int ow = (int) s.outputSize(x.width(), kw, sw);
    // output o reads dilated cells o - (k - 1 - before) .. o + before with the flipped kernel
    int top = kh - 1 - s.before(kh, sh);
    int left = kw - 1 - s.before(kw, sw);
    return window(dilated, kh, kw, 1, 1, oh, ow, top, left, s.filters(), k, bias,
        s.activation(), true);
  }

  /**
   * Space-to-depth or depth-to-space element by element: output pixel (Y, X), channel
   * (dy·p + dx)·C + c of the patched frame is pixel (Y·p + dy, X·p + dx), channel c of the
   * spatial one (OpenSTL's {@code reshape_patch}).
   */
  private static Block patches(LayerSpec l, Block x) {
    boolean toDepth = l instanceof SpaceToDepthSpec;
    int p = toDepth ? ((SpaceToDepthSpec) l).patch() : ((DepthToSpaceSpec) l).patch();
    int h = toDepth ? x.height() : x.height() * p;
    int w = toDepth ? x.width() : x.width() * p;
    int c = toDepth ? x.channels() : x.channels() / (p * p);
    double[] out = new double[x.data().length];
    for (int t = 0; t < x.frames(); t++) {
      for (int r = 0; r < h; r++) {
        for (int col = 0; col < w; col++) {
          for (int ch = 0; ch < c; ch++) {
            int spatial = ((t * h + r) * w + col) * c + ch;
            int depth = ((t * (h / p) + r / p) * (w / p) + col / p) * (p * p * c)
                + ((r % p) * p + col % p) * c + ch;
            if (toDepth) {
              out[depth] = x.data()[spatial];
            } else {
              out[spatial] = x.data()[depth];
            }
          }
        }
      }
    }
    return toDepth ? new Block(x.frames(), h / p, w / p, p * p * c, out)
        : new Block(x.frames(), h, w, c, out);
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.MaxPoolingSpec;

/**
 * The frame-wise layers' kernels, written from their definitions (see each spec's Javadoc) on
 * channels-last frames {@code [frames, H, W, C]}, sums in double then rounded to float once:
 * plain loops, the reference's exact answer rather than its fast one.
 *
 * <p>The backward kernels ({@code ...Backward}) take the layer's input {@code x}, its output
 * {@code y} (activation derivatives are taken from the output, as in {@link Act}) and the
 * output gradient {@code dy}; they overwrite the weight gradients they are given and return
 * the input gradient.
 */
final class FrameKernels {
  private FrameKernels() {}

  /** {@code y[p, u] = act(Σ_c x[p, c]·W[c, u] + b[u])} for {@code rows} positions. */
  static float[] dense(float[] x, int rows, int cin, float[] kernel, float[] bias, int units,
      Activation act) {
    float[] y = new float[Math.multiplyExact(rows, units)];
    double[] acc = new double[units];
    for (int p = 0; p < rows; p++) {
      for (int u = 0; u < units; u++) {
        acc[u] = bias == null ? 0 : bias[u];
      }
      int xo = p * cin;
      for (int c = 0; c < cin; c++) {
        double v = x[xo + c];
        int ko = c * units;
        for (int u = 0; u < units; u++) {
          acc[u] += v * kernel[ko + u];
        }
      }
      for (int u = 0; u < units; u++) {
        y[p * units + u] = Act.apply(act, (float) acc[u]);
      }
    }
    return y;
  }

  /** A strided 2-D cross-correlation of each of {@code frames} frames, then bias and act. */
  static float[] conv2d(float[] x, int frames, FrameShape in, Conv2dSpec s, float[] kernel,
      float[] bias) {
    int h = in.height();
    int w = in.width();
    int cin = in.channels();
    int f = s.filters();
    int ho = s.padding().outputSize(h, s.kernelHeight(), s.strideHeight());
    int wo = s.padding().outputSize(w, s.kernelWidth(), s.strideWidth());
    int top = s.padding().before(h, s.kernelHeight(), s.strideHeight());
    int left = s.padding().before(w, s.kernelWidth(), s.strideWidth());
    float[] y = new float[Math.multiplyExact(Math.multiplyExact(frames, ho * wo), f)];
    double[] acc = new double[f];
    for (int n = 0; n < frames; n++) {
      int xf = n * h * w * cin;
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          for (int o = 0; o < f; o++) {
            acc[o] = bias == null ? 0 : bias[o];
          }
          for (int ky = 0; ky < s.kernelHeight(); ky++) {
            int iy = oy * s.strideHeight() + ky - top;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < s.kernelWidth(); kx++) {
              int ix = ox * s.strideWidth() + kx - left;
              if (ix < 0 || ix >= w) {
                continue;
              }
              int xo = xf + (iy * w + ix) * cin;
              int ko = (ky * s.kernelWidth() + kx) * cin * f;
              for (int c = 0; c < cin; c++) {
                double v = x[xo + c];
                int kc = ko + c * f;
                for (int o = 0; o < f; o++) {
                  acc[o] += v * kernel[kc + o];
                }
              }
            }
          }
          int yo = ((n * ho + oy) * wo + ox) * f;
          for (int o = 0; o < f; o++) {
            y[yo + o] = Act.apply(s.activation(), (float) acc[o]);
          }
        }
      }
    }
    return y;
  }

  /**
   * The transposed convolution of each frame: input position {@code (iy, ix)} adds
   * {@code x·W[ky, kx, o, c]} to output {@code (iy·sh + ky - top, ix·sw + kx - left)}; then
   * bias and act.
   */
  static float[] conv2dTranspose(float[] x, int frames, FrameShape in, Conv2dTransposeSpec s,
      float[] kernel, float[] bias) {
    int h = in.height();
    int w = in.width();
    int cin = in.channels();
    int f = s.filters();
    int kh = s.kernelHeight();
    int kw = s.kernelWidth();
    int ho = (int) s.outputSize(h, kh, s.strideHeight());
    int wo = (int) s.outputSize(w, kw, s.strideWidth());
    int top = s.before(kh, s.strideHeight());
    int left = s.before(kw, s.strideWidth());
    int outFrame = ho * wo * f;
    double[] acc = new double[outFrame];
    float[] y = new float[Math.multiplyExact(frames, outFrame)];
    for (int n = 0; n < frames; n++) {
      for (int i = 0; i < outFrame; i++) {
        acc[i] = bias == null ? 0 : bias[i % f];
      }
      int xf = n * h * w * cin;
      for (int iy = 0; iy < h; iy++) {
        for (int ix = 0; ix < w; ix++) {
          int xo = xf + (iy * w + ix) * cin;
          for (int ky = 0; ky < kh; ky++) {
            int oy = iy * s.strideHeight() + ky - top;
            if (oy < 0 || oy >= ho) {
              continue;
            }
            for (int kx = 0; kx < kw; kx++) {
              int ox = ix * s.strideWidth() + kx - left;
              if (ox < 0 || ox >= wo) {
                continue;
              }
              int ao = (oy * wo + ox) * f;
              int ko = (ky * kw + kx) * f * cin; // kernel [kh, kw, f, cin]
              for (int o = 0; o < f; o++) {
                double sum = 0;
                int kc = ko + o * cin;
                for (int c = 0; c < cin; c++) {
                  sum += (double) x[xo + c] * kernel[kc + c];
                }
                acc[ao + o] += sum;
              }
            }
          }
        }
      }
      for (int i = 0; i < outFrame; i++) {
        y[n * outFrame + i] = Act.apply(s.activation(), (float) acc[i]);
      }
    }
    return y;
  }

  /** Max over each window of each frame and channel; padded cells never count. */
  static float[] maxPool(float[] x, int frames, FrameShape in, MaxPoolingSpec s) {
    int h = in.height();
    int w = in.width();
    int c = in.channels();
    int ho = s.padding().outputSize(h, s.poolHeight(), s.strideHeight());
    int wo = s.padding().outputSize(w, s.poolWidth(), s.strideWidth());
    int top = s.padding().before(h, s.poolHeight(), s.strideHeight());
    int left = s.padding().before(w, s.poolWidth(), s.strideWidth());
    float[] y = new float[Math.multiplyExact(Math.multiplyExact(frames, ho * wo), c)];
    for (int n = 0; n < frames; n++) {
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int yo = ((n * ho + oy) * wo + ox) * c;
          for (int ch = 0; ch < c; ch++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int ky = 0; ky < s.poolHeight(); ky++) {
              int iy = oy * s.strideHeight() + ky - top;
              if (iy < 0 || iy >= h) {
                continue;
              }
              for (int kx = 0; kx < s.poolWidth(); kx++) {
                int ix = ox * s.strideWidth() + kx - left;
                if (ix >= 0 && ix < w) {
                  m = Math.max(m, x[((n * h + iy) * w + ix) * c + ch]);
                }
              }
            }
            y[yo + ch] = m;
          }
        }
      }
    }
    return y;
  }

  /**
   * Layer normalization over the {@code c} channels of each of {@code rows} positions: mean
   * and biased variance in double.
   */
  static float[] layerNorm(float[] x, int rows, int c, double epsilon, float[] gamma,
      float[] beta) {
    float[] y = new float[x.length];
    for (int p = 0; p < rows; p++) {
      int o = p * c;
      double mean = 0;
      for (int j = 0; j < c; j++) {
        mean += x[o + j];
      }
      mean /= c;
      double var = 0;
      for (int j = 0; j < c; j++) {
        double d = x[o + j] - mean;
        var += d * d;
      }
      var /= c;
      double inv = 1 / Math.sqrt(var + epsilon);
      for (int j = 0; j < c; j++) {
        double v = (x[o + j] - mean) * inv;
        if (gamma != null) {
          v *= gamma[j];
        }
        if (beta != null) {
          v += beta[j];
        }
        y[o + j] = (float) v;
      }
    }
    return y;
  }

  /** Batch normalization in inference: moving statistics, per channel. */
  static float[] batchNorm(float[] x, int rows, int c, double epsilon, float[] gamma,
      float[] beta, float[] mean, float[] variance) {
    float[] y = new float[x.length];
    for (int p = 0; p < rows; p++) {
      int o = p * c;
      for (int j = 0; j < c; j++) {
        double v = (x[o + j] - (double) mean[j]) / Math.sqrt(variance[j] + epsilon);
        y[o + j] = (float) (v * gamma[j] + beta[j]);
      }
    }
    return y;
  }

  /** Softmax over the {@code c} channels of each position, shifted by the maximum. */
  static float[] softmax(float[] x, int rows, int c) {
    float[] y = new float[x.length];
    for (int p = 0; p < rows; p++) {
      int o = p * c;
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        m = Math.max(m, x[o + j]);
      }
      double sum = 0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(x[o + j] - m);
      }
      for (int j = 0; j < c; j++) {
        y[o + j] = (float) (Math.exp(x[o + j] - m) / sum);
      }
    }
    return y;
  }

  /** An element-wise activation of every value. */
  static float[] activation(float[] x, Activation act) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Act.apply(act, x[i]);
    }
    return y;
  }

  // ---------------------------------------------------------------- backward

  /** {@code dy ⊙ act'(y)}: the gradient before an element-wise activation. */
  static float[] activationBackward(float[] y, float[] dy, Activation act) {
    float[] d = new float[dy.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = dy[i] * Act.derivativeFromOutput(act, y[i]);
    }
    return d;
  }

  /**
   * Backward of {@link #dense}: with {@code dz = dy ⊙ act'(y)}, {@code dW[c, u] = Σ_p x[p, c]·
   * dz[p, u]}, {@code db[u] = Σ_p dz[p, u]} (when {@code dBias} is non-null) and
   * {@code dx[p, c] = Σ_u dz[p, u]·W[c, u]}.
   */
  static float[] denseBackward(float[] x, float[] y, float[] dy, int rows, int cin,
      float[] kernel, int units, Activation act, float[] dKernel, float[] dBias) {
    float[] dz = activationBackward(y, dy, act);
    double[] dw = new double[cin * units];
    double[] db = new double[units];
    float[] dx = new float[Math.multiplyExact(rows, cin)];
    for (int p = 0; p < rows; p++) {
      int xo = p * cin;
      int zo = p * units;
      for (int u = 0; u < units; u++) {
        db[u] += dz[zo + u];
      }
      for (int c = 0; c < cin; c++) {
        double v = x[xo + c];
        int ko = c * units;
        double acc = 0;
        for (int u = 0; u < units; u++) {
          double g = dz[zo + u];
          dw[ko + u] += v * g;
          acc += g * kernel[ko + u];
        }
        dx[xo + c] = (float) acc;
      }
    }
    store(dw, dKernel);
    if (dBias != null) {
      store(db, dBias);
    }
    return dx;
  }

  /**
   * Backward of {@link #conv2d}: with {@code dz = dy ⊙ act'(y)}, every tap of every output
   * position adds {@code x·dz} to the kernel gradient and {@code W·dz} to the input gradient
   * of the input position it read; padded positions receive nothing.
   */
  static float[] conv2dBackward(float[] x, float[] y, float[] dy, int frames, FrameShape in,
      Conv2dSpec s, float[] kernel, float[] dKernel, float[] dBias) {
    int h = in.height();
    int w = in.width();
    int cin = in.channels();
    int f = s.filters();
    int ho = s.padding().outputSize(h, s.kernelHeight(), s.strideHeight());
    int wo = s.padding().outputSize(w, s.kernelWidth(), s.strideWidth());
    int top = s.padding().before(h, s.kernelHeight(), s.strideHeight());
    int left = s.padding().before(w, s.kernelWidth(), s.strideWidth());
    float[] dz = activationBackward(y, dy, s.activation());
    double[] dw = new double[kernel.length];
    double[] db = new double[f];
    double[] dx = new double[Math.multiplyExact(frames, h * w * cin)];
    for (int n = 0; n < frames; n++) {
      int xf = n * h * w * cin;
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int zo = ((n * ho + oy) * wo + ox) * f;
          for (int o = 0; o < f; o++) {
            db[o] += dz[zo + o];
          }
          for (int ky = 0; ky < s.kernelHeight(); ky++) {
            int iy = oy * s.strideHeight() + ky - top;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < s.kernelWidth(); kx++) {
              int ix = ox * s.strideWidth() + kx - left;
              if (ix < 0 || ix >= w) {
                continue;
              }
              int xo = xf + (iy * w + ix) * cin;
              int ko = (ky * s.kernelWidth() + kx) * cin * f;
              for (int c = 0; c < cin; c++) {
                double v = x[xo + c];
                int kc = ko + c * f;
                double acc = 0;
                for (int o = 0; o < f; o++) {
                  double g = dz[zo + o];
                  dw[kc + o] += v * g;
                  acc += g * kernel[kc + o];
                }
                dx[xo + c] += acc;
              }
            }
          }
        }
      }
    }
    store(dw, dKernel);
    if (dBias != null) {
      store(db, dBias);
    }
    float[] r = new float[dx.length];
    store(dx, r);
    return r;
  }

  /**
   * Backward of {@link #maxPool}: each output's gradient goes to the first input cell of its
   * window (row-major window order) holding the window's maximum, the cell
   * {@link #maxPool} took; cells in several windows add up.
   */
  static float[] maxPoolBackward(float[] x, float[] dy, int frames, FrameShape in,
      MaxPoolingSpec s) {
    int h = in.height();
    int w = in.width();
    int c = in.channels();
    int ho = s.padding().outputSize(h, s.poolHeight(), s.strideHeight());
    int wo = s.padding().outputSize(w, s.poolWidth(), s.strideWidth());
    int top = s.padding().before(h, s.poolHeight(), s.strideHeight());
    int left = s.padding().before(w, s.poolWidth(), s.strideWidth());
    double[] dx = new double[x.length];
    for (int n = 0; n < frames; n++) {
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int yo = ((n * ho + oy) * wo + ox) * c;
          for (int ch = 0; ch < c; ch++) {
            float m = Float.NEGATIVE_INFINITY;
            int at = -1;
            for (int ky = 0; ky < s.poolHeight(); ky++) {
              int iy = oy * s.strideHeight() + ky - top;
              if (iy < 0 || iy >= h) {
                continue;
              }
              for (int kx = 0; kx < s.poolWidth(); kx++) {
                int ix = ox * s.strideWidth() + kx - left;
                if (ix >= 0 && ix < w) {
                  int i = ((n * h + iy) * w + ix) * c + ch;
                  if (at < 0 || x[i] > m) {
                    m = x[i];
                    at = i;
                  }
                }
              }
            }
            if (at >= 0) {
              dx[at] += dy[yo + ch];
            }
          }
        }
      }
    }
    float[] r = new float[dx.length];
    store(dx, r);
    return r;
  }

  /**
   * Backward of {@link #softmax} over the {@code c} channels of each position:
   * {@code dx = y ⊙ (dy - Σ_j dy_j·y_j)}.
   */
  static float[] softmaxBackward(float[] y, float[] dy, int rows, int c) {
    float[] dx = new float[y.length];
    for (int p = 0; p < rows; p++) {
      int o = p * c;
      double dot = 0;
      for (int j = 0; j < c; j++) {
        dot += (double) dy[o + j] * y[o + j];
      }
      for (int j = 0; j < c; j++) {
        dx[o + j] = (float) (y[o + j] * (dy[o + j] - dot));
      }
    }
    return dx;
  }

  private static void store(double[] from, float[] to) {
    for (int i = 0; i < from.length; i++) {
      to[i] = (float) from[i];
    }
  }
}

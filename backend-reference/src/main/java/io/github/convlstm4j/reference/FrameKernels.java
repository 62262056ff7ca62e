package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.MaxPoolingSpec;

/**
 * The frame-wise layers' inference kernels, written from their definitions (see each spec's
 * Javadoc) on channels-last frames {@code [frames, H, W, C]}, sums in double then rounded to
 * float once: plain loops, the reference's exact answer rather than its fast one.
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
}

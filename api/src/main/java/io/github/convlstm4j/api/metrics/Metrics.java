package io.github.convlstm4j.api.metrics;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import java.util.Objects;

/**
 * Error and similarity scores of a prediction against a target sequence of the same shape
 * ({@code T × H × W × C}). All arithmetic is in {@code double}; every method throws an
 * {@link IllegalArgumentException} naming both shapes if they differ.
 *
 * <ul>
 *   <li>{@link #mse}, {@link #mae}, {@link #bce}: means over every value (per pixel and
 *       channel), as Keras reports its losses and metrics.
 *   <li>{@link #mseFrameSum}, {@link #maeFrameSum}: the error summed over one frame's pixels
 *       and channels, averaged over frames (the OpenSTL / PredRNN convention, e.g. the "MSE
 *       per frame" of Moving MNIST tables). They equal the per-pixel means times {@code H·W·C}.
 *   <li>{@link #psnr}: per frame {@code 10·log10(dataRange² / mse_t)}, then the mean over
 *       frames; a frame without error gives {@code +Infinity} (as scikit-image does), and so
 *       does the mean.
 *   <li>{@link #ssim}: scikit-image's {@code structural_similarity} with its defaults, per frame
 *       and channel, averaged (see {@link #ssimPerFrame(FrameSequence, FrameSequence, double)}).
 * </ul>
 */
public final class Metrics {

  /** Clipping of predictions in {@link #bce}: {@code [BCE_EPSILON, 1 - BCE_EPSILON]}. */
  public static final double BCE_EPSILON = Loss.BCE_EPSILON;
  /** Side of the SSIM window (scikit-image's default {@code win_size}). */
  public static final int SSIM_WINDOW = 7;
  /** SSIM constant {@code K1} (scikit-image default). */
  public static final double SSIM_K1 = 0.01;
  /** SSIM constant {@code K2} (scikit-image default). */
  public static final double SSIM_K2 = 0.03;
  /** Data range used when none is given: our frames hold values in [0, 1]. */
  public static final double DEFAULT_DATA_RANGE = 1.0;

  private Metrics() {}

  /**
   * Mean squared error over all values.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return {@code mean((p - y)²)}
   */
  public static double mse(FrameSequence prediction, FrameSequence target) {
    return mean(msePerFrame(prediction, target));
  }

  /**
   * Mean absolute error over all values.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return {@code mean(|p - y|)}
   */
  public static double mae(FrameSequence prediction, FrameSequence target) {
    return mean(maePerFrame(prediction, target));
  }

  /**
   * Binary cross-entropy over all values, Keras style: predictions clipped to {@code
   * [BCE_EPSILON, 1 - BCE_EPSILON]}, then {@code mean(-(y·ln p + (1 - y)·ln(1 - p)))}. (Keras 3
   * form; tf.keras 2 also added the epsilon inside the logarithms, a difference below 1e-6 for
   * unclipped values.)
   *
   * @param prediction probabilities
   * @param target targets, usually in [0, 1]
   * @return the mean cross-entropy
   */
  public static double bce(FrameSequence prediction, FrameSequence target) {
    return mean(bcePerFrame(prediction, target));
  }

  /**
   * Squared error summed over each frame, averaged over frames.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return {@code mean_t(sum_{h,w,c} (p - y)²)}
   */
  public static double mseFrameSum(FrameSequence prediction, FrameSequence target) {
    return mse(prediction, target) * prediction.frameShape().size();
  }

  /**
   * Absolute error summed over each frame, averaged over frames.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return {@code mean_t(sum_{h,w,c} |p - y|)}
   */
  public static double maeFrameSum(FrameSequence prediction, FrameSequence target) {
    return mae(prediction, target) * prediction.frameShape().size();
  }

  /**
   * Peak signal-to-noise ratio per frame, averaged over frames.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @param dataRange the span of possible values (1 for [0, 1] frames, 255 for bytes)
   * @return {@code mean_t(10·log10(dataRange² / mse_t))} in dB, {@code +Infinity} if some frame
   *     is exact
   */
  public static double psnr(FrameSequence prediction, FrameSequence target, double dataRange) {
    return mean(psnrPerFrame(prediction, target, dataRange));
  }

  /**
   * PSNR with {@link #DEFAULT_DATA_RANGE} 1.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return the mean PSNR in dB
   */
  public static double psnr(FrameSequence prediction, FrameSequence target) {
    return psnr(prediction, target, DEFAULT_DATA_RANGE);
  }

  /**
   * SSIM with {@link #DEFAULT_DATA_RANGE} 1, averaged over frames and channels.
   *
   * @param prediction the prediction
   * @param target the target, same shape, frames at least 7×7
   * @return the mean SSIM, 1 for identical sequences
   */
  public static double ssim(FrameSequence prediction, FrameSequence target) {
    return ssim(prediction, target, DEFAULT_DATA_RANGE);
  }

  /**
   * SSIM averaged over frames and channels; see {@link #ssimPerFrame(FrameSequence,
   * FrameSequence, double)}.
   *
   * @param prediction the prediction
   * @param target the target, same shape, frames at least 7×7
   * @param dataRange the span of possible values
   * @return the mean SSIM
   */
  public static double ssim(FrameSequence prediction, FrameSequence target, double dataRange) {
    return mean(ssimPerFrame(prediction, target, dataRange));
  }

  /**
   * Mean squared error of each frame.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return a new array of T values
   */
  public static double[] msePerFrame(FrameSequence prediction, FrameSequence target) {
    return perFrame(prediction, target, ErrorKind.SQUARED);
  }

  /**
   * Mean absolute error of each frame.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @return a new array of T values
   */
  public static double[] maePerFrame(FrameSequence prediction, FrameSequence target) {
    return perFrame(prediction, target, ErrorKind.ABSOLUTE);
  }

  /**
   * Binary cross-entropy of each frame (see {@link #bce}).
   *
   * @param prediction probabilities
   * @param target targets
   * @return a new array of T values
   */
  public static double[] bcePerFrame(FrameSequence prediction, FrameSequence target) {
    return perFrame(prediction, target, ErrorKind.CROSS_ENTROPY);
  }

  /**
   * PSNR of each frame, {@code 10·log10(dataRange² / mse_t)}.
   *
   * @param prediction the prediction
   * @param target the target, same shape
   * @param dataRange the span of possible values, positive
   * @return a new array of T values in dB ({@code +Infinity} for an exact frame)
   */
  public static double[] psnrPerFrame(
      FrameSequence prediction, FrameSequence target, double dataRange) {
    requireRange(dataRange);
    double[] mse = msePerFrame(prediction, target);
    double[] out = new double[mse.length];
    for (int t = 0; t < mse.length; t++) {
      out[t] = mse[t] == 0 ? Double.POSITIVE_INFINITY
          : 10 * Math.log10(dataRange * dataRange / mse[t]);
    }
    return out;
  }

  /**
   * SSIM of each frame with {@link #DEFAULT_DATA_RANGE} 1.
   *
   * @param prediction the prediction
   * @param target the target, same shape, frames at least 7×7
   * @return a new array of T values
   */
  public static double[] ssimPerFrame(FrameSequence prediction, FrameSequence target) {
    return ssimPerFrame(prediction, target, DEFAULT_DATA_RANGE);
  }

  /**
   * SSIM of each frame, as scikit-image's {@code structural_similarity(p, y,
   * data_range=dataRange, channel_axis=-1)} with its defaults: a 7×7 uniform window ({@code
   * gaussian_weights=False}), {@code K1 = 0.01}, {@code K2 = 0.03}, sample covariances ({@code
   * use_sample_covariance=True}, factor {@code N/(N-1)} with {@code N = 49}). Per window:
   * {@code S = (2·ux·uy + C1)(2·vxy + C2) / ((ux² + uy² + C1)(vx + vy + C2))} with {@code C1 =
   * (K1·dataRange)²}, {@code C2 = (K2·dataRange)²}; the frame's value is the mean of S over the
   * windows lying wholly inside the frame (scikit-image's crop of {@code (7-1)/2} pixels per
   * side), averaged over channels. Computed in double (scikit-image keeps float32 input in
   * float32, a difference around 1e-6).
   *
   * @param prediction the prediction
   * @param target the target, same shape, frames at least 7×7
   * @param dataRange the span of possible values, positive
   * @return a new array of T values, each 1 for identical frames
   * @throws IllegalArgumentException if frames are smaller than 7×7 or the range is not
   *     positive
   */
  public static double[] ssimPerFrame(
      FrameSequence prediction, FrameSequence target, double dataRange) {
    requireSameShape(prediction, target);
    requireRange(dataRange);
    int h = prediction.height();
    int w = prediction.width();
    if (h < SSIM_WINDOW || w < SSIM_WINDOW) {
      throw new IllegalArgumentException("SSIM needs frames of at least " + SSIM_WINDOW + "x"
          + SSIM_WINDOW + ", got " + h + "x" + w);
    }
    int ch = prediction.channels();
    int frameSize = prediction.frameShape().size();
    float[] p = prediction.toArray();
    float[] y = target.toArray();
    double c1 = SSIM_K1 * dataRange * SSIM_K1 * dataRange;
    double c2 = SSIM_K2 * dataRange * SSIM_K2 * dataRange;
    int n = SSIM_WINDOW * SSIM_WINDOW;
    double covNorm = n / (n - 1.0);
    int stride = w + 1;
    double[] sx = new double[(h + 1) * stride];
    double[] sy = new double[sx.length];
    double[] sxx = new double[sx.length];
    double[] syy = new double[sx.length];
    double[] sxy = new double[sx.length];
    double[] out = new double[prediction.frames()];
    for (int t = 0; t < out.length; t++) {
      double frameSum = 0;
      for (int c = 0; c < ch; c++) {
        integrals(p, y, t * frameSize, c, ch, h, w, sx, sy, sxx, syy, sxy);
        double sum = 0;
        for (int r = 0; r + SSIM_WINDOW <= h; r++) {
          for (int col = 0; col + SSIM_WINDOW <= w; col++) {
            double ux = window(sx, r, col, stride) / n;
            double uy = window(sy, r, col, stride) / n;
            double uxx = window(sxx, r, col, stride) / n;
            double uyy = window(syy, r, col, stride) / n;
            double uxy = window(sxy, r, col, stride) / n;
            double vx = covNorm * (uxx - ux * ux);
            double vy = covNorm * (uyy - uy * uy);
            double vxy = covNorm * (uxy - ux * uy);
            double a1 = 2 * ux * uy + c1;
            double a2 = 2 * vxy + c2;
            double b1 = ux * ux + uy * uy + c1;
            double b2 = vx + vy + c2;
            sum += (a1 * a2) / (b1 * b2);
          }
        }
        frameSum += sum / ((h - SSIM_WINDOW + 1) * (double) (w - SSIM_WINDOW + 1));
      }
      out[t] = frameSum / ch;
    }
    return out;
  }

  /** Summed-area tables of x, y, x², y², xy for one channel of one frame. */
  private static void integrals(float[] p, float[] y, int base, int c, int ch, int h, int w,
      double[] sx, double[] sy, double[] sxx, double[] syy, double[] sxy) {
    int stride = w + 1;
    for (int r = 0; r < h; r++) {
      double rx = 0;
      double ry = 0;
      double rxx = 0;
      double ryy = 0;
      double rxy = 0;
      for (int col = 0; col < w; col++) {
        int k = base + (r * w + col) * ch + c;
        double a = p[k];
        double b = y[k];
        rx += a;
        ry += b;
        rxx += a * a;
        ryy += b * b;
        rxy += a * b;
        int o = (r + 1) * stride + col + 1;
        int above = r * stride + col + 1;
        sx[o] = sx[above] + rx;
        sy[o] = sy[above] + ry;
        sxx[o] = sxx[above] + rxx;
        syy[o] = syy[above] + ryy;
        sxy[o] = sxy[above] + rxy;
      }
    }
  }

  private static double window(double[] s, int r, int c, int stride) {
    int r1 = r + SSIM_WINDOW;
    int c1 = c + SSIM_WINDOW;
    return s[r1 * stride + c1] - s[r * stride + c1] - s[r1 * stride + c] + s[r * stride + c];
  }

  private enum ErrorKind {
    SQUARED,
    ABSOLUTE,
    CROSS_ENTROPY
  }

  private static double[] perFrame(FrameSequence prediction, FrameSequence target,
      ErrorKind kind) {
    requireSameShape(prediction, target);
    int frames = prediction.frames();
    int n = prediction.frameShape().size();
    float[] p = prediction.toArray();
    float[] y = target.toArray();
    double[] out = new double[frames];
    for (int t = 0; t < frames; t++) {
      double sum = 0;
      for (int i = t * n, end = i + n; i < end; i++) {
        sum += error(kind, p[i], y[i]);
      }
      out[t] = sum / n;
    }
    return out;
  }

  private static double error(ErrorKind kind, double p, double y) {
    switch (kind) {
      case SQUARED:
        return (p - y) * (p - y);
      case ABSOLUTE:
        return Math.abs(p - y);
      case CROSS_ENTROPY:
        double q = Math.min(Math.max(p, BCE_EPSILON), 1 - BCE_EPSILON);
        return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
      default:
        throw new AssertionError(kind);
    }
  }

  private static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s / values.length;
  }

  private static void requireRange(double dataRange) {
    if (!(dataRange > 0) || !Double.isFinite(dataRange)) {
      throw new IllegalArgumentException(
          "dataRange must be positive and finite, got " + dataRange);
    }
  }

  static void requireSameShape(FrameSequence prediction, FrameSequence target) {
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(target, "target");
    if (prediction.frames() != target.frames()
        || !prediction.frameShape().equals(target.frameShape())) {
      throw new IllegalArgumentException("prediction and target must have the same shape, got "
          + "prediction " + prediction.shapeString() + " and target " + target.shapeString());
    }
  }
}

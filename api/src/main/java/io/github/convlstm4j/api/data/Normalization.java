package io.github.convlstm4j.api.data;

import io.github.convlstm4j.api.FrameSequence;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * How frame values in the user's units become the values a model trains on, and back: an
 * optional {@code log1p} (for rain rates and other heavy-tailed non-negative values) followed
 * by an affine map, one for all pixels and channels:
 *
 * <pre>
 *   apply(x)  = f(x) · scale + offset          f = log1p, or the identity
 *   invert(y) = f⁻¹((y − offset) / scale)      f⁻¹ = expm1, or the identity
 * </pre>
 *
 * computed in double and rounded to float once. {@link Method#STANDARD} has {@code scale =
 * 1/std}, {@code offset = −mean/std} (mean and population standard deviation of f(x)),
 * {@link Method#MINMAX} maps f's minimum to 0 and maximum to 1, {@link Method#AFFINE} is a
 * given scale and offset, {@link Method#NONE} the identity. {@link #fitter} estimates the
 * statistics in one streaming pass with double accumulators; fit it on the training part only
 * ({@link FrameWindows#fitNormalization}).
 *
 * <p>Stored in checkpoints as {@link #toProperties()} (see
 * {@link io.github.convlstm4j.api.io.Checkpoints}), so {@code forecast} answers in the user's
 * units.
 *
 * @param method how the scale and offset were chosen
 * @param log1p whether {@code log1p} is applied before the affine map
 * @param scale the factor, finite and not 0
 * @param offset the shift, finite
 */
public record Normalization(Method method, boolean log1p, double scale, double offset) {

  /** The identity. */
  public static final Normalization NONE = new Normalization(Method.NONE, false, 1, 0);

  /** How a normalization was chosen. */
  public enum Method {
    /** The identity (with {@code log1p}: log1p alone). */
    NONE,
    /** A given scale and offset. */
    AFFINE,
    /** Zero mean and unit (population) standard deviation on the data it was fitted on. */
    STANDARD,
    /** Minimum to 0 and maximum to 1 on the data it was fitted on. */
    MINMAX;

    /**
     * The lower-case name used on the command line and in checkpoints.
     *
     * @return for example {@code minmax}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the scale is 0 or not finite or the offset is not
   *     finite, or a NONE method has another scale or offset than 1 and 0
   */
  public Normalization {
    Objects.requireNonNull(method, "method");
    if (!(Double.isFinite(scale) && scale != 0)) {
      throw new IllegalArgumentException("scale must be finite and not 0, got " + scale);
    }
    if (!Double.isFinite(offset)) {
      throw new IllegalArgumentException("offset must be finite, got " + offset);
    }
    if (method == Method.NONE && (scale != 1 || offset != 0)) {
      throw new IllegalArgumentException("method none needs scale 1 and offset 0, got scale "
          + scale + " and offset " + offset);
    }
  }

  /**
   * A given affine map.
   *
   * @param scale finite, not 0
   * @param offset finite
   * @param log1p whether {@code log1p} comes first
   * @return the normalization
   */
  public static Normalization affine(double scale, double offset, boolean log1p) {
    return new Normalization(Method.AFFINE, log1p, scale, offset);
  }

  /**
   * Standardization with known statistics of f(x).
   *
   * @param mean the mean
   * @param std the standard deviation, positive
   * @param log1p whether f is log1p
   * @return {@code scale = 1/std, offset = -mean/std}
   */
  public static Normalization standard(double mean, double std, boolean log1p) {
    if (!(std > 0) || !Double.isFinite(std)) {
      throw new IllegalArgumentException("std must be positive and finite, got " + std
          + " (constant data cannot be standardized)");
    }
    return new Normalization(Method.STANDARD, log1p, 1 / std, -mean / std);
  }

  /**
   * Min-max scaling with known extremes of f(x).
   *
   * @param min the minimum
   * @param max the maximum, above {@code min}
   * @param log1p whether f is log1p
   * @return {@code scale = 1/(max-min), offset = -min/(max-min)}
   */
  public static Normalization minMax(double min, double max, boolean log1p) {
    if (!(max > min) || !Double.isFinite(max - min)) {
      throw new IllegalArgumentException("max must exceed min, got min " + min + " and max "
          + max + " (constant data cannot be min-max scaled)");
    }
    return new Normalization(Method.MINMAX, log1p, 1 / (max - min), -min / (max - min));
  }

  /**
   * Whether this changes no value.
   *
   * @return true for NONE without log1p
   */
  public boolean isIdentity() {
    return !log1p && scale == 1 && offset == 0;
  }

  /**
   * One value in user units to model units.
   *
   * @param x the value
   * @return {@code f(x) · scale + offset}, as float
   */
  public float apply(float x) {
    double v = log1p ? Math.log1p(x) : x;
    return (float) (v * scale + offset);
  }

  /**
   * One value in model units back to user units.
   *
   * @param y the value
   * @return {@code f⁻¹((y − offset) / scale)}, as float
   */
  public float invert(float y) {
    double v = (y - offset) / scale;
    return (float) (log1p ? Math.expm1(v) : v);
  }

  /**
   * Applies in place to a range.
   *
   * @param values the array
   * @param from first index
   * @param count number of values
   */
  public void apply(float[] values, int from, int count) {
    Objects.checkFromIndexSize(from, count, values.length);
    if (isIdentity()) {
      return;
    }
    for (int i = from; i < from + count; i++) {
      values[i] = apply(values[i]);
    }
  }

  /**
   * Inverts in place over a range.
   *
   * @param values the array
   * @param from first index
   * @param count number of values
   */
  public void invert(float[] values, int from, int count) {
    Objects.checkFromIndexSize(from, count, values.length);
    if (isIdentity()) {
      return;
    }
    for (int i = from; i < from + count; i++) {
      values[i] = invert(values[i]);
    }
  }

  /**
   * A sequence in user units to model units.
   *
   * @param s the sequence
   * @return a new sequence of the same shape
   */
  public FrameSequence apply(FrameSequence s) {
    float[] d = s.toArray();
    apply(d, 0, d.length);
    return FrameSequence.of(s.frames(), s.frameShape(), d);
  }

  /**
   * A sequence in model units (for example a forecast) back to user units.
   *
   * @param s the sequence
   * @return a new sequence of the same shape
   */
  public FrameSequence invert(FrameSequence s) {
    float[] d = s.toArray();
    invert(d, 0, d.length);
    return FrameSequence.of(s.frames(), s.frameShape(), d);
  }

  /**
   * As {@code key=value} text: {@code method}, {@code log1p}, {@code scale}, {@code offset}
   * (doubles in Java's shortest round-trip form, so reading gives back equal values).
   *
   * @return new properties
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("method", method.label());
    p.setProperty("log1p", Boolean.toString(log1p));
    p.setProperty("scale", Double.toString(scale));
    p.setProperty("offset", Double.toString(offset));
    return p;
  }

  /**
   * Reads {@link #toProperties()}.
   *
   * @param p the properties
   * @return the normalization
   * @throws IllegalArgumentException naming the key, the expected and the actual value
   */
  public static Normalization fromProperties(Properties p) {
    String m = require(p, "method");
    Method method;
    try {
      method = Method.valueOf(m.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("method must be none, affine, standard or minmax, got "
          + m, e);
    }
    String l = require(p, "log1p").trim();
    if (!l.equals("true") && !l.equals("false")) {
      throw new IllegalArgumentException("log1p must be true or false, got " + l);
    }
    return new Normalization(method, Boolean.parseBoolean(l), number(p, "scale"),
        number(p, "offset"));
  }

  private static String require(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("expected a key " + key + ", got keys "
          + p.stringPropertyNames());
    }
    return v;
  }

  private static double number(Properties p, String key) {
    String v = require(p, key);
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got " + v, e);
    }
  }

  /**
   * A one-pass estimator of a normalization.
   *
   * @param method STANDARD, MINMAX or NONE (NONE only checks the values)
   * @param log1p whether log1p comes first (values must then be above -1)
   * @return a fresh fitter
   */
  public static Fitter fitter(Method method, boolean log1p) {
    if (method == Method.AFFINE) {
      throw new IllegalArgumentException("an affine normalization is given, not fitted: use "
          + "Normalization.affine");
    }
    return new Fitter(Objects.requireNonNull(method, "method"), log1p);
  }

  /**
   * Streams values once and gives the normalization fitted on them: count, mean and the sum of
   * squared deviations merged block by block in double (Chan et al.), minimum and maximum.
   * Not thread-safe.
   */
  public static final class Fitter {
    private final Method method;
    private final boolean log1p;
    private long count;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    private Fitter(Method method, boolean log1p) {
      this.method = method;
      this.log1p = log1p;
    }

    /**
     * Adds values in user units.
     *
     * @param values the array
     * @param from first index
     * @param n number of values
     * @throws IllegalArgumentException naming the index of a NaN or infinite value, or of a
     *     value at or below -1 with log1p
     */
    public void accept(float[] values, int from, int n) {
      Objects.checkFromIndexSize(from, n, values.length);
      if (n == 0) {
        return;
      }
      double sum = 0;
      for (int i = from; i < from + n; i++) {
        float x = values[i];
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("value " + x + " at index " + (i - from)
              + ": expected finite values");
        }
        if (log1p && x <= -1) {
          throw new IllegalArgumentException("value " + x + " at index " + (i - from)
              + ": log1p needs values above -1");
        }
        double v = log1p ? Math.log1p(x) : x;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double blockMean = sum / n;
      double blockM2 = 0;
      for (int i = from; i < from + n; i++) {
        double v = log1p ? Math.log1p(values[i]) : values[i];
        blockM2 += (v - blockMean) * (v - blockMean);
      }
      long total = count + n;
      double delta = blockMean - mean;
      mean += delta * n / total;
      m2 += blockM2 + delta * delta * ((double) count * n / total);
      count = total;
    }

    /**
     * Values seen so far.
     *
     * @return the count
     */
    public long count() {
      return count;
    }

    /**
     * The normalization of the values seen.
     *
     * @return the fitted normalization
     * @throws IllegalStateException if no value was seen, or all were equal (nothing to scale)
     */
    public Normalization result() {
      if (count == 0) {
        throw new IllegalStateException("no values to fit a normalization on");
      }
      try {
        switch (method) {
          case NONE:
            return log1p ? new Normalization(Method.NONE, true, 1, 0) : NONE;
          case STANDARD:
            return standard(mean, Math.sqrt(m2 / count), log1p);
          case MINMAX:
            return minMax(min, max, log1p);
          default:
            throw new IllegalStateException("unhandled method " + method);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("cannot fit " + method.label() + " on " + count
            + " values: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s%s (scale %s, offset %s)", method.label(),
        log1p ? "+log1p" : "", scale, offset);
  }
}

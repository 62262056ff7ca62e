package io.github.convlstm4j.api.metrics;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An exact sum of finite doubles: Shewchuk's non-overlapping partials ("Adaptive precision
 * floating-point arithmetic", 1997), the algorithm of Python's {@code math.fsum}. The partials
 * represent the sum of everything added without any rounding, so the order in which values (or
 * other sums, by {@link #add(ExactSum)}) arrive does not change the represented value, and
 * {@link #value()} rounds that value once, correctly (half-even, as {@code math.fsum}'s final
 * step). Hence two sums built from the same multiset of values in any order and any grouping
 * give bitwise the same {@link #value()}.
 *
 * <p>Only finite values are accepted; a sum whose exact value overflows the double range is an
 * {@link ArithmeticException}. Mutable and not thread-safe, like the accumulators that own it.
 */
final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] partials = new double[4];
  private int size;

  /** Adds one finite value exactly. */
  void add(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("an exact sum accepts finite values only, got " + x);
    }
    int i = 0;
    for (int j = 0; j < size; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    if (!Double.isFinite(x)) {
      throw new ArithmeticException("exact sum overflows the double range");
    }
    if (i == partials.length) {
      partials = Arrays.copyOf(partials, 2 * partials.length);
    }
    partials[i++] = x;
    size = i;
  }

  /** Adds every partial of another sum; exact, so equal to adding its values one by one. */
  void add(ExactSum other) {
    // Copy first: other may be this.
    double[] p = Arrays.copyOf(other.partials, other.size);
    for (double v : p) {
      add(v);
    }
  }

  /** The exact sum rounded once to the nearest double (ties to even). */
  double value() {
    int n = size;
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    // Correct a half-way case the loop rounded the wrong way (math.fsum's last step).
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }

  /** A copy with its own partials. */
  ExactSum copy() {
    ExactSum c = new ExactSum();
    c.partials = Arrays.copyOf(partials, Math.max(4, size));
    c.size = size;
    return c;
  }
}

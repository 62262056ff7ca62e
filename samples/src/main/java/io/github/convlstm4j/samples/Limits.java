package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.MovingSquares;
import java.util.Locale;

/**
 * Bounds on the work one option can ask for, checked before the work starts: fixed caps on
 * the options that have no natural bound, and the memory that data of a known size needs
 * against the most the JVM may use. Sizes are computed in {@code long}, saturating, so a
 * message shows the values the user typed, never an overflowed one.
 */
final class Limits {

  /** Most frames {@code forecast --horizon} rolls out (each is also a PNG and a GIF frame). */
  static final int MAX_HORIZON = 1000;
  /** Most ConvLSTM layers {@code --layers} builds (the seed has 4). */
  static final int MAX_LAYERS = 100;
  /** Most elements of one Java array (what the JVMs in use allow). */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Bytes of one float. */
  static final long FLOAT = Float.BYTES;

  private Limits() {}

  /** {@code value} if it is in {@code 1..max}; a usage error naming the option otherwise. */
  static int atMost(String option, int value, int max) {
    if (value < 1 || value > max) {
      throw new UsageException(option + " must be between 1 and " + max + ", got " + value);
    }
    return value;
  }

  /** The product of non-negative factors, {@link Long#MAX_VALUE} if it overflows. */
  static long product(long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f != 0 && p > Long.MAX_VALUE / f) {
        return Long.MAX_VALUE;
      }
      p *= f;
    }
    return p;
  }

  /** The sum of non-negative terms, {@link Long#MAX_VALUE} if it overflows. */
  static long sum(long... terms) {
    long s = 0;
    for (long t : terms) {
      if (s > Long.MAX_VALUE - t) {
        return Long.MAX_VALUE;
      }
      s += t;
    }
    return s;
  }

  /** The frame shape of the moving-squares movies the commands generate. */
  static FrameShape movieFrame() {
    return MovingSquares.keras().settings().frameShape();
  }

  /**
   * Bytes of {@code movies} generated moving-squares movies of {@code frames} frames: three
   * float arrays per movie (noisy, clean, shifted).
   */
  static long movieBytes(long movies, long frames) {
    FrameShape s = movieFrame();
    return product(3, movies, frames, s.height(), s.width(), s.channels(), FLOAT);
  }

  /**
   * Fails with a usage error (exit 2) when {@code bytes}, a lower bound of what the options
   * ask for, exceeds the most memory this JVM may use.
   *
   * @param what the work and the options that size it, e.g. "--samples 9000000 movies of 15
   *     frames"
   */
  static void requireMemoryForOptions(String what, long bytes) {
    if (bytes > maxMemory()) {
      throw new UsageException(memoryMessage(what, bytes));
    }
  }

  /**
   * Fails with a one-line failure (exit 1) when {@code bytes}, a lower bound of what the
   * options ask for on data read from a file, exceeds the most memory this JVM may use.
   */
  static void requireMemoryForData(String what, long bytes) {
    if (bytes > maxMemory()) {
      throw new UserException(memoryMessage(what, bytes));
    }
  }

  /**
   * Fails with a usage error when one array of {@code elements} values cannot exist in Java.
   *
   * @param what the array and the options that size it
   */
  static void requireArray(String what, long elements) {
    if (elements > MAX_ARRAY) {
      throw new UsageException(what + " would be " + count(elements) + " values, more than "
          + "one Java array holds (" + count(MAX_ARRAY) + ")");
    }
  }

  private static String memoryMessage(String what, long bytes) {
    return what + " needs at least " + size(bytes) + " of memory, more than the "
        + size(maxMemory()) + " this JVM may use (raise it with -Xmx, e.g. "
        + "CONVLSTM4J_JAVA_OPTS=-Xmx16g for the launcher)";
  }

  private static long maxMemory() {
    return Runtime.getRuntime().maxMemory();
  }

  /** {@code 12.3 GiB}, {@code 512.0 MiB}; "more than 8 EiB" once saturated. */
  static String size(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code 48,000,000,000}; "more than 9.2e18" once saturated. */
  static String count(long n) {
    return n == Long.MAX_VALUE ? "more than 9.2e18" : String.format(Locale.ROOT, "%,d", n);
  }
}

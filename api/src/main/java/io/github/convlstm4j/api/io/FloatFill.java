package io.github.convlstm4j.api.io;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A float array being filled from a {@link FloatSource}, its length taken from a file header.
 * The length is never trusted on its own: if the bytes behind it are known to exist
 * ({@link NpyExtent#backed()}) the array is allocated at full length, otherwise it starts empty
 * and grows (doubling) as data actually arrives, never more than 64 Ki elements or the data
 * already read ahead of it, so a header that claims a billion elements in front of a few bytes
 * of data costs a few kilobytes of memory and ends in "truncated".
 *
 * <p>Every allocation is checked against the JVM's maximum heap first and an
 * {@link OutOfMemoryError} of the allocation itself becomes an {@link IOException} naming the
 * source: a valid file too large for the heap is a clear error, not a crash.
 */
final class FloatFill {
  /** Phrase every out-of-memory message of this package contains. */
  static final String NO_MEMORY = "does not fit in memory";

  private static final int FIRST_CAPACITY = 1 << 16;

  private final int length;
  private final String source;
  private float[] data;
  private int filled;

  /**
   * Starts an array.
   *
   * @param length final number of elements, from a header already checked against the extent
   * @param backed whether the data behind {@code length} is known to exist
   * @param source names the array in messages
   * @throws IOException if even the first allocation does not fit in memory
   */
  FloatFill(int length, boolean backed, String source) throws IOException {
    requireHeap(source, 4L * length, "an array of " + length + " floats");
    this.length = length;
    this.source = source;
    int first = backed ? length : 0;
    this.data = withinHeap(source, 4L * first, "an array of " + length + " floats",
        () -> new float[first]);
  }

  /**
   * Reads the next {@code count} elements into the array.
   *
   * @param src the elements
   * @param count how many; at most what is left to fill
   * @throws IOException if the source ends early or memory runs out
   */
  void append(FloatSource src, int count) throws IOException {
    if (count > length - filled) {
      throw new IllegalStateException("append of " + count + " past length " + length);
    }
    int end = filled + count;
    while (filled < end) {
      if (filled == data.length) {
        // At most FIRST_CAPACITY elements, or as many as already read, ahead of the data.
        int grown = (int) Math.min(length,
            Math.max(2L * data.length, Math.min(end - filled, FIRST_CAPACITY)));
        float[] old = data;
        data = withinHeap(source, 4L * grown, "an array of " + length + " floats",
            () -> Arrays.copyOf(old, grown));
      }
      int n = Math.min(end - filled, data.length - filled);
      src.read(data, filled, n);
      filled += n;
    }
  }

  /**
   * The filled array.
   *
   * @return the array, {@code length} elements
   * @throws IllegalStateException if not all elements were appended
   */
  float[] array() {
    if (filled != length) {
      throw new IllegalStateException("filled " + filled + " of " + length);
    }
    return data;
  }

  /**
   * Reads {@code count} elements into a new array.
   *
   * @param src the elements
   * @param count how many, from a header already checked against the extent
   * @param backed whether the data behind {@code count} is known to exist
   * @param source names the array in messages
   * @return the elements
   * @throws IOException if the source ends early or memory runs out
   */
  static float[] read(FloatSource src, int count, boolean backed, String source)
      throws IOException {
    FloatFill f = new FloatFill(count, backed, source);
    f.append(src, count);
    return f.array();
  }

  /**
   * Refuses a need larger than the JVM's maximum heap, before anything is allocated or read.
   *
   * @param source names the file (and entry)
   * @param bytes what is needed
   * @param what what it is needed for, for the message
   * @throws IOException naming the source if {@code bytes} exceeds the maximum heap
   */
  static void requireHeap(String source, long bytes, String what) throws IOException {
    long max = Runtime.getRuntime().maxMemory();
    if (bytes > max) {
      throw new IOException(source + ": " + what + " needs " + bytes + " bytes and "
          + NO_MEMORY + ": the JVM's maximum heap is " + max + " bytes (raise -Xmx)");
    }
  }

  /**
   * Runs an allocation of {@code bytes} bytes, turning a lack of memory into an exception
   * naming the source instead of an {@link OutOfMemoryError}.
   *
   * @param source names the file (and entry)
   * @param bytes the size of the allocation
   * @param what what is allocated, for the message
   * @param allocation allocates
   * @return what {@code allocation} returns
   * @throws IOException if {@code bytes} exceeds the maximum heap or the allocation fails for
   *     lack of memory
   */
  static <T> T withinHeap(String source, long bytes, String what, Supplier<T> allocation)
      throws IOException {
    requireHeap(source, bytes, what);
    long max = Runtime.getRuntime().maxMemory();
    try {
      return allocation.get();
    } catch (OutOfMemoryError e) {
      throw new IOException(source + ": " + what + " needs " + bytes + " bytes and "
          + NO_MEMORY + " (the JVM's maximum heap is " + max + " bytes; raise -Xmx)", e);
    }
  }
}

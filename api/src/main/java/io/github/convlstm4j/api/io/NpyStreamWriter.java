package io.github.convlstm4j.api.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a float32 {@code .npy} of a known shape piece by piece, so an array larger than the
 * heap (for example a long series of frames, generated frame by frame) is never held in
 * memory. Atomic like {@link PendingFile}: the content goes to a temporary file in the target's
 * folder, which {@link #commit()} moves over the target once exactly the shape's number of
 * values has been written; {@link #close()} without a commit deletes it and leaves an existing
 * target unchanged. Not thread-safe.
 *
 * <pre>{@code
 * try (NpyStreamWriter w = NpyStreamWriter.create(path, frames, 64, 64, 1)) {
 *   for (int t = 0; t < frames; t++) {
 *     w.write(nextFrame(), 0, 64 * 64);
 *   }
 *   w.commit();
 * }
 * }</pre>
 */
public final class NpyStreamWriter implements Closeable {
  private final PendingFile file;
  private final OutputStream out;
  private final int[] shape;
  private final long expected;
  private long written;
  private boolean committed;

  private NpyStreamWriter(PendingFile file, int[] shape, long expected) throws IOException {
    this.file = file;
    this.out = file.out();
    this.shape = shape;
    this.expected = expected;
    out.write(Npy.header(shape));
  }

  /**
   * Starts a C-order little-endian float32 array ({@code '<f4'}) as numpy writes it.
   *
   * @param target the file to create or replace on {@link #commit()}
   * @param shape sizes per axis, each at least 0
   * @return the writer
   * @throws IllegalArgumentException on a negative size or more than {@code Long.MAX_VALUE}
   *     bytes
   * @throws IOException if the temporary file cannot be created
   */
  public static NpyStreamWriter create(Path target, int... shape) throws IOException {
    Objects.requireNonNull(target, "target");
    int[] s = shape.clone();
    long n = 1;
    for (int d : s) {
      if (d < 0) {
        throw new IllegalArgumentException("shape sizes must be >= 0, got " + Arrays.toString(s));
      }
      n = Math.multiplyExact(n, (long) d);
    }
    Math.multiplyExact(n, 4L);
    PendingFile f = PendingFile.create(target);
    try {
      return new NpyStreamWriter(f, s, n);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /**
   * Appends values in C order.
   *
   * @param data source
   * @param offset first value
   * @param count number of values
   * @throws IllegalStateException if this would write more values than the shape holds, or
   *     after commit
   * @throws IOException on write failure
   */
  public void write(float[] data, int offset, int count) throws IOException {
    Objects.checkFromIndexSize(offset, count, data.length);
    if (committed) {
      throw new IllegalStateException("already committed");
    }
    if (count > expected - written) {
      throw new IllegalStateException("shape " + Arrays.toString(shape) + " holds " + expected
          + " values, got " + (written + count));
    }
    Npy.writeFloats(data, offset, count, out);
    written += count;
  }

  /**
   * Values still to write.
   *
   * @return the shape's count minus the values written
   */
  public long remaining() {
    return expected - written;
  }

  /**
   * Finishes: flushes, syncs and moves the file over the target.
   *
   * @throws IllegalStateException if fewer values than the shape holds were written
   * @throws IOException on failure; an existing target is then unchanged
   */
  public void commit() throws IOException {
    if (written != expected) {
      throw new IllegalStateException("shape " + Arrays.toString(shape) + " holds " + expected
          + " values, got " + written + "; nothing was written");
    }
    file.commit();
    committed = true;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    file.close();
  }
}

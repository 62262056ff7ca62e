package io.github.convlstm4j.api.io;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * The parsed header of a {@code .npy} array: what the data bytes that follow it hold.
 *
 * @param majorVersion format major version, 1, 2 or 3
 * @param descr the raw dtype text, for example {@code <f4}
 * @param dtype the element type
 * @param byteOrder the byte order of multi-byte elements (little endian for one-byte types)
 * @param fortranOrder whether the data is in Fortran (first axis fastest) order
 * @param shape sizes per axis; empty for a scalar
 * @param dataOffset bytes from the start of the array (the magic) to its first data byte
 */
public record NpyHeader(
    int majorVersion,
    String descr,
    NpyDtype dtype,
    ByteOrder byteOrder,
    boolean fortranOrder,
    List<Integer> shape,
    long dataOffset) {

  /**
   * Validates and copies the parts.
   *
   * @param majorVersion see the record description
   * @param descr see the record description
   * @param dtype see the record description
   * @param byteOrder see the record description
   * @param fortranOrder see the record description
   * @param shape see the record description
   * @param dataOffset see the record description
   * @throws IllegalArgumentException on a negative size or more than {@code Long.MAX_VALUE}
   *     bytes
   */
  public NpyHeader {
    Objects.requireNonNull(descr, "descr");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(byteOrder, "byteOrder");
    shape = List.copyOf(shape);
    long n = 1;
    for (int i = 0; i < shape.size(); i++) {
      int s = shape.get(i);
      if (s < 0) {
        throw new IllegalArgumentException(
            "shape sizes must be >= 0, got " + s + " at axis " + i + " of " + shape);
      }
      n = Math.multiplyExact(n, (long) s);
    }
    Math.multiplyExact(n, (long) dtype.itemSize());
  }

  /**
   * The shape as an array.
   *
   * @return a new array of sizes per axis
   */
  public int[] shapeArray() {
    return shape.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Number of axes.
   *
   * @return the rank, 0 for a scalar
   */
  public int rank() {
    return shape.size();
  }

  /**
   * Number of elements.
   *
   * @return the product of the sizes (1 for a scalar)
   */
  public long elementCount() {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    return n;
  }

  /**
   * Number of data bytes after the header.
   *
   * @return {@code elementCount() * dtype().itemSize()}
   */
  public long dataByteCount() {
    return elementCount() * dtype.itemSize();
  }
}

package io.github.convlstm4j.api.io;

import java.util.Locale;

/**
 * The element types this package reads from {@code .npy} files. The byte order is kept
 * separately in {@link NpyHeader#byteOrder()}; a descr such as {@code '<f4'} is the byte-order
 * character followed by {@link #kind()} and {@link #itemSize()}.
 *
 * <p>All values are converted to {@code float} on reading: {@link #FLOAT64} values outside the
 * float range become infinities, and integers above 2^24 in magnitude are rounded to the
 * nearest float.
 */
public enum NpyDtype {
  /** 32-bit IEEE float, {@code f4}. */
  FLOAT32('f', 4),
  /** 64-bit IEEE float, {@code f8}. */
  FLOAT64('f', 8),
  /** Unsigned byte, {@code u1}. */
  UINT8('u', 1),
  /** Signed byte, {@code i1}. */
  INT8('i', 1),
  /** Unsigned 16-bit integer, {@code u2}. */
  UINT16('u', 2),
  /** Signed 16-bit integer, {@code i2}. */
  INT16('i', 2),
  /** Signed 32-bit integer, {@code i4}. */
  INT32('i', 4),
  /** Signed 64-bit integer, {@code i8}. */
  INT64('i', 8),
  /** Boolean, one byte, {@code b1}; read as 0 or 1. */
  BOOL('b', 1);

  private final char kind;
  private final int itemSize;

  NpyDtype(char kind, int itemSize) {
    this.kind = kind;
    this.itemSize = itemSize;
  }

  /**
   * The NumPy kind character.
   *
   * @return {@code f}, {@code u}, {@code i} or {@code b}
   */
  public char kind() {
    return kind;
  }

  /**
   * Bytes per element.
   *
   * @return 1, 2, 4 or 8
   */
  public int itemSize() {
    return itemSize;
  }

  /**
   * Whether this is an integer or boolean type (as opposed to a float type).
   *
   * @return true for integer and boolean types
   */
  public boolean isInteger() {
    return kind != 'f';
  }

  /**
   * Finds the type of a descr without its byte-order character.
   *
   * @param kindAndSize for example {@code f4} or {@code u1}
   * @return the type, or {@code null} if unsupported
   */
  static NpyDtype fromKindAndSize(String kindAndSize) {
    for (NpyDtype d : values()) {
      if ((Character.toString(d.kind) + d.itemSize).equals(kindAndSize)) {
        return d;
      }
    }
    return null;
  }

  /**
   * The descr texts this package reads, for error messages.
   *
   * @return for example {@code <f4, >f4, <f8, ...}
   */
  static String supportedDescrs() {
    StringBuilder sb = new StringBuilder();
    for (NpyDtype d : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String ks = Character.toString(d.kind) + d.itemSize;
      sb.append(d.itemSize == 1 ? "|" + ks : "<" + ks + ", >" + ks);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

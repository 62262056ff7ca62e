package io.github.convlstm4j.api.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An {@link InputStream} defined by one block read: the single-byte {@link #read()} and the
 * empty read are derived from {@link #readSome}, so that the streams of this package count,
 * limit and check every byte in one place.
 */
abstract class BlockInputStream extends InputStream {
  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = readSome(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    return len == 0 ? 0 : readSome(b, off, len);
  }

  /**
   * Reads at least one byte, unless the stream has ended.
   *
   * @param b destination
   * @param off first index written
   * @param len at least 1
   * @return the number of bytes read, or -1 at the end of the stream
   * @throws IOException on failure
   */
  protected abstract int readSome(byte[] b, int off, int len) throws IOException;
}

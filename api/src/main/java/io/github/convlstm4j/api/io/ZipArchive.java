package io.github.convlstm4j.api.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A zip archive as {@link Npz} reads it, trusting none of its numbers.
 *
 * <p>{@link #open} reads the central directory (zip64 included) and checks every entry against
 * the file before anything is inflated: its local header is where the directory says, carries
 * the same name, and its data lies between that header and the directory; no two entries
 * overlap or share a name; a STORED entry's size equals its compressed size and a DEFLATED
 * entry declares no more than deflate can produce from its compressed bytes (1032:1); entries
 * are neither encrypted nor compressed with another method. {@link #open(Entry)} then yields
 * exactly the declared bytes, refuses to inflate past them and checks the CRC-32 when the last
 * byte is read, before that byte is handed out.
 *
 * <p>Damage to the directory itself (no end record, offsets that do not add up) is reported as
 * a {@link ZipException} so that the caller can diagnose it from the local headers; damage to
 * an entry is an {@link NpyFormatException} naming the file and the entry. Not thread-safe.
 */
final class ZipArchive implements Closeable {
  /** Compression method STORED. */
  static final int STORED = 0;
  /** Compression method DEFLATED. */
  static final int DEFLATED = 8;
  /** The largest expansion deflate can encode: a 258-byte match in two bits. */
  static final long MAX_DEFLATE_RATIO = 1032;

  private static final int EOCD_SIG = 0x06054b50;
  private static final int EOCD_LEN = 22;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_LOCATOR_LEN = 20;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int ZIP64_EOCD_LEN = 56;
  private static final int CEN_SIG = 0x02014b50;
  private static final int CEN_LEN = 46;
  private static final int LOC_SIG = 0x04034b50;
  private static final int LOC_LEN = 30;
  private static final int ZIP64_EXTRA_ID = 1;
  private static final long U16_MAX = 0xFFFF;
  private static final long U32_MAX = 0xFFFFFFFFL;
  private static final int BUFFER = 1 << 16;

  /**
   * One checked entry.
   *
   * @param name the entry name (UTF-8)
   * @param method {@link #STORED} or {@link #DEFLATED}
   * @param crc the CRC-32 the directory declares
   * @param compressedSize bytes in the file
   * @param size bytes after inflating
   * @param headerOffset where the local header starts
   * @param dataOffset where the (compressed) data starts
   */
  record Entry(String name, int method, long crc, long compressedSize, long size,
      long headerOffset, long dataOffset) {
    /**
     * Whether this is a folder entry (name ending in {@code '/'}).
     *
     * @return true for a folder
     */
    boolean isDirectory() {
      return name.endsWith("/");
    }
  }

  private final Path path;
  private final FileChannel channel;
  private final List<Entry> entries;

  private ZipArchive(Path path, FileChannel channel, List<Entry> entries) {
    this.path = path;
    this.channel = channel;
    this.entries = entries;
  }

  /**
   * Opens and checks an archive.
   *
   * @param path the file
   * @return the archive, to be closed
   * @throws ZipException if the end record or the central directory is missing or damaged
   * @throws NpyFormatException naming the entry if an entry fails a check
   * @throws IOException on read failures
   */
  static ZipArchive open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new ZipArchive(path, ch, new Reader(path, ch).entries());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The entries, in central-directory order.
   *
   * @return an unmodifiable list
   */
  List<Entry> entries() {
    return entries;
  }

  /**
   * The sum of the declared sizes of all entries.
   *
   * @return bytes after inflating
   */
  long totalSize() {
    long total = 0;
    for (Entry e : entries) {
      total += e.size();
    }
    return total;
  }

  /**
   * A stream of an entry's bytes: exactly {@link Entry#size()} of them, CRC-checked.
   *
   * @param e an entry of this archive
   * @return the stream; it throws {@link NpyFormatException} naming the entry on truncated or
   *     damaged data, on data inflating past the declared size, and on a CRC-32 mismatch, which
   *     is detected before the last byte is returned
   */
  InputStream open(Entry e) {
    String source = path + ": entry " + e.name();
    InputStream raw = new RangeStream(e.dataOffset(), e.compressedSize(), source);
    InputStream data = e.method() == STORED ? raw : new InflatingStream(raw, source);
    return new VerifiedStream(data, e, source);
  }

  /**
   * Reads what is left of an entry's stream, so that its size and CRC-32 are checked even when
   * the caller needed only its beginning.
   *
   * @param in a stream from {@link #open(Entry)}, possibly wrapped
   * @throws IOException as the stream throws
   */
  static void verifyRest(InputStream in) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Parses and checks the central directory. */
  private static final class Reader {
    private final Path path;
    private final FileChannel ch;
    private final long fileSize;

    Reader(Path path, FileChannel ch) throws IOException {
      this.path = path;
      this.ch = ch;
      this.fileSize = ch.size();
    }

    List<Entry> entries() throws IOException {
      if (fileSize < EOCD_LEN) {
        throw new ZipException("the file has " + fileSize + " bytes, too few for a zip archive");
      }
      int tailLen = (int) Math.min(fileSize, EOCD_LEN + U16_MAX);
      ByteBuffer tail = readAt(fileSize - tailLen, tailLen);
      int eocd = -1;
      for (int i = tailLen - EOCD_LEN; i >= 0 && eocd < 0; i--) {
        if (tail.getInt(i) == EOCD_SIG && i + EOCD_LEN + u16(tail, i + 20) == tailLen) {
          eocd = i;
        }
      }
      if (eocd < 0) {
        throw new ZipException("no end-of-central-directory record");
      }
      long cdEnd = fileSize - tailLen + eocd;
      long count = u16(tail, eocd + 10);
      long cdSize = u32(tail, eocd + 12);
      long cdOffset = u32(tail, eocd + 16);
      // Like Python's zipfile: a zip64 locator just before the end record is authoritative
      // (Python writes one with unsaturated fields when only its count limit is exceeded).
      long locator = cdEnd - ZIP64_LOCATOR_LEN;
      ByteBuffer loc = locator < 0 ? null : readAt(locator, ZIP64_LOCATOR_LEN);
      boolean zip64 = loc != null && loc.getInt(0) == ZIP64_LOCATOR_SIG;
      if (!zip64 && (count == U16_MAX || cdSize == U32_MAX || cdOffset == U32_MAX)) {
        throw new ZipException("the end record needs a zip64 record, but there is none");
      }
      if (zip64) {
        long record = loc.getLong(8);
        if (record < 0 || record > locator - ZIP64_EOCD_LEN) {
          throw new ZipException("the zip64 locator points to offset " + record
              + ", outside the file");
        }
        ByteBuffer z = readAt(record, ZIP64_EOCD_LEN);
        if (z.getInt(0) != ZIP64_EOCD_SIG || z.getLong(4) != locator - record - 12) {
          throw new ZipException("damaged zip64 end record at offset " + record);
        }
        count = z.getLong(32);
        cdSize = z.getLong(40);
        cdOffset = z.getLong(48);
        cdEnd = record;
      }
      if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize != cdEnd - cdOffset) {
        throw new ZipException("the central directory (" + cdSize + " bytes at offset "
            + cdOffset + ") does not end where the end record starts (" + cdEnd + ")");
      }
      if (count < 0 || count > cdSize / CEN_LEN) {
        throw new ZipException("the end record counts " + count + " entries, more than "
            + cdSize + " bytes of central directory can hold");
      }
      if (cdSize > Integer.MAX_VALUE - 8) {
        throw new ZipException("the central directory has " + cdSize + " bytes, too many");
      }
      ByteBuffer cd = readAt(cdOffset, (int) cdSize);
      List<Entry> out = new ArrayList<>((int) count);
      int p = 0;
      for (long i = 0; i < count; i++) {
        if (p + CEN_LEN > cdSize || cd.getInt(p) != CEN_SIG) {
          throw new ZipException("central directory entry " + i + " at offset "
              + (cdOffset + p) + " is damaged (no signature)");
        }
        int nameLen = u16(cd, p + 28);
        int extraLen = u16(cd, p + 30);
        int end = p + CEN_LEN + nameLen + extraLen + u16(cd, p + 32);
        if (end > cdSize) {
          throw new ZipException("central directory entry " + i + " at offset "
              + (cdOffset + p) + " runs past the end of the directory");
        }
        out.add(entry(cd, p, nameLen, extraLen, cdOffset));
        p = end;
      }
      if (p != cdSize) {
        throw new ZipException("the central directory has " + (cdSize - p)
            + " bytes after its " + count + " entries");
      }
      requireDistinctNames(out);
      requireNoOverlap(out);
      return List.copyOf(out);
    }

    /** One directory record, checked against its local header. */
    private Entry entry(ByteBuffer cd, int p, int nameLen, int extraLen, long cdOffset)
        throws IOException {
      byte[] nameBytes = new byte[nameLen];
      cd.get(p + CEN_LEN, nameBytes);
      String name;
      try {
        name = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(nameBytes)).toString();
      } catch (CharacterCodingException e) {
        throw new NpyFormatException(path + ": the entry at directory offset " + (cdOffset + p)
            + " has a name that is not UTF-8 (damaged directory?)", e);
      }
      String source = path + ": entry " + name;
      int flags = u16(cd, p + 8);
      int method = u16(cd, p + 10);
      long crc = u32(cd, p + 16);
      long csize = u32(cd, p + 20);
      long size = u32(cd, p + 24);
      long offset = u32(cd, p + 42);
      if (size == U32_MAX || csize == U32_MAX || offset == U32_MAX) {
        long[] z = zip64(cd, p + CEN_LEN + nameLen, extraLen, size == U32_MAX,
            csize == U32_MAX, offset == U32_MAX, source);
        size = size == U32_MAX ? z[0] : size;
        csize = csize == U32_MAX ? z[1] : csize;
        offset = offset == U32_MAX ? z[2] : offset;
      }
      if ((flags & 1) != 0) {
        throw new NpyFormatException(source + ": encrypted, which an .npz never is");
      }
      if (method != STORED && method != DEFLATED) {
        throw new NpyFormatException(source + ": compression method " + method
            + " is not supported (expected 0, stored, or 8, deflated)");
      }
      if (offset < 0 || offset > cdOffset - LOC_LEN) {
        throw new NpyFormatException(source + ": its local header offset " + offset
            + " is outside the " + cdOffset + " bytes before the central directory");
      }
      ByteBuffer loc = readAt(offset, LOC_LEN);
      if (loc.getInt(0) != LOC_SIG) {
        throw new NpyFormatException(source + ": no local header at offset " + offset
            + " (damaged directory)");
      }
      int locNameLen = u16(loc, 26);
      long dataOffset = offset + LOC_LEN + locNameLen + u16(loc, 28);
      if (locNameLen != nameLen || dataOffset > cdOffset
          || !Arrays.equals(readAt(offset + LOC_LEN, nameLen).array(), nameBytes)) {
        throw new NpyFormatException(source + ": the local header at offset " + offset
            + " names another entry (damaged archive)");
      }
      if (csize < 0 || csize > cdOffset - dataOffset) {
        throw new NpyFormatException(source + ": declares " + csize + " bytes of data at offset "
            + dataOffset + ", but the central directory starts at " + cdOffset
            + " (truncated or damaged archive)");
      }
      if (method == STORED && size != csize) {
        throw new NpyFormatException(source + ": a stored entry must be as long as its data, "
            + "but declares " + size + " bytes for " + csize + " stored bytes");
      }
      if (method == DEFLATED && (size < 0 || size > csize * MAX_DEFLATE_RATIO)) {
        throw new NpyFormatException(source + ": declares " + size + " bytes from " + csize
            + " compressed bytes, more than deflate can produce (" + MAX_DEFLATE_RATIO
            + ":1): damaged archive or zip bomb");
      }
      return new Entry(name, method, crc, csize, size, offset, dataOffset);
    }

    /** The zip64 values of the fields the fixed record marks as too large, in spec order. */
    private long[] zip64(ByteBuffer cd, int start, int len, boolean needSize,
        boolean needCsize, boolean needOffset, String source) throws NpyFormatException {
      int p = start;
      int end = start + len;
      while (p + 4 <= end) {
        int id = u16(cd, p);
        int size = u16(cd, p + 2);
        if (p + 4 + size > end) {
          break;
        }
        if (id == ZIP64_EXTRA_ID) {
          long[] values = new long[3];
          int q = p + 4;
          boolean[] need = {needSize, needCsize, needOffset};
          for (int k = 0; k < 3; k++) {
            if (need[k]) {
              if (q + 8 > p + 4 + size) {
                throw new NpyFormatException(source + ": its zip64 extra field is too short");
              }
              values[k] = cd.getLong(q);
              q += 8;
            }
          }
          return values;
        }
        p += 4 + size;
      }
      throw new NpyFormatException(source + ": its sizes need a zip64 extra field, but there "
          + "is none");
    }

    private void requireDistinctNames(List<Entry> list) throws NpyFormatException {
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        Integer first = seen.putIfAbsent(list.get(i).name(), i);
        if (first != null) {
          throw new NpyFormatException(path + ": entry " + list.get(i).name()
              + " appears twice in the zip directory (entries " + first + " and " + i
              + "); refusing to choose one");
        }
      }
    }

    private void requireNoOverlap(List<Entry> list) throws NpyFormatException {
      List<Entry> byOffset = new ArrayList<>(list);
      byOffset.sort(Comparator.comparingLong(Entry::headerOffset));
      for (int i = 1; i < byOffset.size(); i++) {
        Entry a = byOffset.get(i - 1);
        Entry b = byOffset.get(i);
        if (a.dataOffset() + a.compressedSize() > b.headerOffset()) {
          throw new NpyFormatException(path + ": entries " + a.name() + " and " + b.name()
              + " overlap in the file (damaged archive or zip bomb)");
        }
      }
    }

    private ByteBuffer readAt(long position, int length) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        int r = ch.read(b, position + b.position());
        if (r < 0) {
          throw new ZipException("unexpected end of file at offset " + (position + b.position()));
        }
      }
      return b.clear();
    }
  }

  private static int u16(ByteBuffer b, int i) {
    return b.getShort(i) & 0xFFFF;
  }

  private static long u32(ByteBuffer b, int i) {
    return b.getInt(i) & U32_MAX;
  }

  /** The bytes of a range of the file. */
  private final class RangeStream extends BlockInputStream {
    private final String source;
    private long position;
    private long remaining;

    RangeStream(long start, long length, String source) {
      this.position = start;
      this.remaining = length;
      this.source = source;
    }

    @Override
    protected int readSome(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int r;
      try {
        r = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
      } catch (IOException e) {
        throw new IOException(source + ": read failed: " + e, e);
      }
      if (r > 0) {
        position += r;
        remaining -= r;
      }
      return r;
    }
  }

  /** Raw deflate data inflated, never more than the caller asks for. */
  private static final class InflatingStream extends BlockInputStream {
    private final InputStream raw;
    private final String source;
    private final Inflater inflater = new Inflater(true);
    private final byte[] input = new byte[BUFFER];
    private boolean padded;

    InflatingStream(InputStream raw, String source) {
      this.raw = raw;
      this.source = source;
    }

    @Override
    protected int readSome(byte[] b, int off, int len) throws IOException {
      while (true) {
        int n;
        try {
          n = inflater.inflate(b, off, len);
        } catch (DataFormatException e) {
          throw new NpyFormatException(source + ": damaged compressed data: " + e.getMessage(),
              e);
        }
        if (n > 0) {
          return n;
        }
        if (inflater.finished()) {
          return -1;
        }
        if (inflater.needsDictionary() || !inflater.needsInput()) {
          throw new NpyFormatException(source + ": damaged compressed data");
        }
        int r = raw.read(input, 0, input.length);
        if (r > 0) {
          inflater.setInput(input, 0, r);
        } else if (!padded) {
          // Raw inflate may need one byte past the end of the data to finish.
          padded = true;
          inflater.setInput(new byte[1], 0, 1);
        } else {
          throw new NpyFormatException(source + ": the compressed data ends before its deflate "
              + "stream does (truncated or damaged)");
        }
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }

  /** Exactly the declared bytes of an entry, CRC-checked before the last one is returned. */
  private static final class VerifiedStream extends BlockInputStream {
    private final InputStream data;
    private final Entry entry;
    private final String source;
    private final CRC32 crc = new CRC32();
    private long remaining;
    private boolean verified;

    VerifiedStream(InputStream data, Entry entry, String source) {
      this.data = data;
      this.entry = entry;
      this.source = source;
      this.remaining = entry.size();
    }

    @Override
    protected int readSome(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        verify();
        return -1;
      }
      int n = data.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new NpyFormatException(source + ": expected " + entry.size() + " bytes, got "
            + (entry.size() - remaining) + " (truncated or damaged entry)");
      }
      crc.update(b, off, n);
      remaining -= n;
      if (remaining == 0) {
        verify();
      }
      return n;
    }

    private void verify() throws IOException {
      if (verified) {
        return;
      }
      if (data.read() >= 0) {
        throw new NpyFormatException(source + ": inflates to more than the " + entry.size()
            + " bytes the zip directory declares (damaged archive or zip bomb)");
      }
      if (crc.getValue() != entry.crc()) {
        throw new NpyFormatException(String.format("%s: bad CRC-32: the zip directory says "
            + "%08x, the data gives %08x (the file is corrupted)", source, entry.crc(),
            crc.getValue()));
      }
      verified = true;
    }

    @Override
    public void close() throws IOException {
      data.close();
    }
  }
}

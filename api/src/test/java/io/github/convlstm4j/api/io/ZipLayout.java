package io.github.convlstm4j.api.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where the fields of a small, valid zip archive (no zip64, no comment) are, so that tests can
 * damage exactly one of them. Written from the zip specification (APPNOTE 4.3.7, 4.3.12,
 * 4.3.16), independently of the reader under test.
 */
final class ZipLayout {
  /** One entry: offsets of its records and its data. */
  record Entry(String name, int method, int centralOffset, int localOffset, int dataOffset,
      int compressedSize, int size) {}

  /** Field offsets within a central directory record: name, offset, length. */
  static final List<Field> CENTRAL_FIELDS = List.of(
      new Field("central signature", 0, 4), new Field("central version made by", 4, 2),
      new Field("central version needed", 6, 2), new Field("central flags", 8, 2),
      new Field("central method", 10, 2), new Field("central time", 12, 2),
      new Field("central date", 14, 2), new Field("central crc", 16, 4),
      new Field("central compressed size", 20, 4), new Field("central size", 24, 4),
      new Field("central name length", 28, 2), new Field("central extra length", 30, 2),
      new Field("central comment length", 32, 2), new Field("central disk", 34, 2),
      new Field("central internal attributes", 36, 2),
      new Field("central external attributes", 38, 4),
      new Field("central local header offset", 42, 4));

  /** Field offsets within a local header. */
  static final List<Field> LOCAL_FIELDS = List.of(
      new Field("local signature", 0, 4), new Field("local version needed", 4, 2),
      new Field("local flags", 6, 2), new Field("local method", 8, 2),
      new Field("local time", 10, 2), new Field("local date", 12, 2),
      new Field("local crc", 14, 4), new Field("local compressed size", 18, 4),
      new Field("local size", 22, 4), new Field("local name length", 26, 2),
      new Field("local extra length", 28, 2));

  /** Field offsets within the end record. */
  static final List<Field> END_FIELDS = List.of(
      new Field("end signature", 0, 4), new Field("end disk", 4, 2),
      new Field("end directory disk", 6, 2), new Field("end entries on disk", 8, 2),
      new Field("end entries", 10, 2), new Field("end directory size", 12, 4),
      new Field("end directory offset", 16, 4), new Field("end comment length", 20, 2));

  /**
   * A fixed-size field of a record.
   *
   * @param name what it is
   * @param offset from the record's start
   * @param length 2 or 4 bytes
   */
  record Field(String name, int offset, int length) {}

  final List<Entry> entries;
  final int endOffset;

  private ZipLayout(List<Entry> entries, int endOffset) {
    this.entries = entries;
    this.endOffset = endOffset;
  }

  static ZipLayout of(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int end = zip.length - 22;
    if (b.getInt(end) != 0x06054b50) {
      throw new IllegalArgumentException("expected an end record without comment");
    }
    int count = b.getShort(end + 10) & 0xFFFF;
    int p = b.getInt(end + 16);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int nameLen = b.getShort(p + 28) & 0xFFFF;
      String name = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
      int local = b.getInt(p + 42);
      int data = local + 30 + (b.getShort(local + 26) & 0xFFFF) + (b.getShort(local + 28) & 0xFFFF);
      out.add(new Entry(name, b.getShort(p + 10), p, local, data, b.getInt(p + 20),
          b.getInt(p + 24)));
      p += 46 + nameLen + (b.getShort(p + 30) & 0xFFFF) + (b.getShort(p + 32) & 0xFFFF);
    }
    return new ZipLayout(List.copyOf(out), end);
  }

  Entry entry(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no entry " + name));
  }

  /** Writes a little-endian value into a field. */
  static void put(byte[] zip, int offset, int length, long value) {
    for (int i = 0; i < length; i++) {
      zip[offset + i] = (byte) (value >>> (8 * i));
    }
  }

  /** Reads a little-endian unsigned field. */
  static long get(byte[] zip, int offset, int length) {
    long v = 0;
    for (int i = 0; i < length; i++) {
      v |= (zip[offset + i] & 0xFFL) << (8 * i);
    }
    return v;
  }

  static long crc(byte[] data, int offset, int length) {
    CRC32 c = new CRC32();
    c.update(data, offset, length);
    return c.getValue();
  }
}

package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.FrameSequence;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * PNG frames without AWT: a decoder and an encoder for the images a frame is (PNG
 * specification, ISO/IEC 15948): bit depth 8 or 16; colour type grey (0), grey + alpha (4),
 * RGB (2) or RGBA (6); not interlaced. Channels, in this order: grey → 1 channel; grey + alpha
 * → 2 (grey, alpha); RGB → 3 (red, green, blue); RGBA → 4 (red, green, blue, alpha). Nothing is
 * mixed or dropped (no grey conversion, alpha is a channel like the others); gamma, colour
 * profile and other ancillary chunks are ignored, so samples are read exactly as stored.
 *
 * <p>Values: a sample {@code s} becomes {@code s · scale} as a float; with
 * {@link NpyFrames.Scaling#AUTO} (like a uint8 / uint16 {@code .npy}) an 8-bit sample is
 * multiplied by {@code 1f / 255f} and a 16-bit one kept as it is (0 … 65535, exact in a float).
 * Writing inverts this: {@code round(v / scale)}, clipped to {@code [0, 255]} or
 * {@code [0, 65535]}, so a frame read from a PNG is written back to the same samples.
 *
 * <p>Refused, with an {@link NpyFormatException} naming the file, the expected and the actual
 * value: a file that is not a PNG (signature), a truncated file (a chunk that runs past the end,
 * no {@code IEND}), a CRC-32 mismatch in any chunk, compressed data that does not inflate or
 * inflates to fewer bytes than the header needs, an unknown row filter, palette images and bit
 * depths 1, 2 and 4 (convert them to 8-bit grey or RGB), interlaced images.
 */
public final class Png {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  /** Signature, IHDR length and type, 13 bytes of IHDR data, its CRC. */
  private static final int HEADER_BYTES = 8 + 8 + 13 + 4;
  /** Largest decoded image accepted (bytes of filtered rows), so that one frame fits an array. */
  private static final long MAX_RAW_BYTES = Integer.MAX_VALUE - 8;

  private Png() {}

  /**
   * What the {@code IHDR} chunk of a PNG says.
   *
   * @param width pixels per row, at least 1
   * @param height rows, at least 1
   * @param bitDepth 8 or 16
   * @param colorType 0 (grey), 2 (RGB), 4 (grey + alpha) or 6 (RGBA)
   */
  public record Header(int width, int height, int bitDepth, int colorType) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming a field outside what this class reads
     */
    public Header {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException("PNG width and height must be at least 1, got "
            + width + "x" + height);
      }
      if (bitDepth != 8 && bitDepth != 16) {
        throw new IllegalArgumentException("PNG bit depth must be 8 or 16, got " + bitDepth);
      }
      if (colorType != 0 && colorType != 2 && colorType != 4 && colorType != 6) {
        throw new IllegalArgumentException("PNG colour type must be 0 (grey), 2 (RGB), 4 "
            + "(grey + alpha) or 6 (RGBA), got " + colorType);
      }
    }

    /**
     * The header of a frame with {@code channels} channels (1 grey, 2 grey + alpha, 3 RGB, 4
     * RGBA).
     *
     * @param width pixels per row
     * @param height rows
     * @param channels 1 to 4
     * @param bitDepth 8 or 16
     * @return the header
     * @throws IllegalArgumentException naming the channel count or another bad field
     */
    public static Header of(int width, int height, int channels, int bitDepth) {
      int type;
      switch (channels) {
        case 1:
          type = 0;
          break;
        case 2:
          type = 4;
          break;
        case 3:
          type = 2;
          break;
        case 4:
          type = 6;
          break;
        default:
          throw new IllegalArgumentException("a PNG holds 1 to 4 channels (grey, grey + alpha, "
              + "RGB, RGBA), got " + channels);
      }
      return new Header(width, height, bitDepth, type);
    }

    /**
     * Channels per pixel.
     *
     * @return 1 (grey), 2 (grey, alpha), 3 (R, G, B) or 4 (R, G, B, A)
     */
    public int channels() {
      switch (colorType) {
        case 0:
          return 1;
        case 4:
          return 2;
        case 2:
          return 3;
        default:
          return 4;
      }
    }

    /**
     * The largest sample.
     *
     * @return 255 or 65535
     */
    public int maxSample() {
      return bitDepth == 16 ? 65535 : 255;
    }

    /**
     * The factor {@code scaling} multiplies samples by.
     *
     * @param scaling AUTO: 1/255 for 8 bits, 1 for 16; NONE: 1; DIVIDE_BY_255: 1/255
     * @return the factor
     */
    public float scale(NpyFrames.Scaling scaling) {
      return NpyFrames.scaleFactor(scaling, bitDepth == 8 ? NpyDtype.UINT8 : NpyDtype.UINT16);
    }

    /**
     * A short description, e.g. {@code 64x64 8-bit grey}.
     *
     * @return the description
     */
    public String describe() {
      String[] kinds = {"grey", "", "RGB", "", "grey+alpha", "", "RGBA"};
      return width + "x" + height + " " + bitDepth + "-bit " + kinds[colorType];
    }
  }

  /**
   * Reads and checks the signature and {@code IHDR} chunk only (33 bytes), without decoding.
   *
   * @param file a PNG
   * @return its header
   * @throws NoSuchFileException if the file does not exist
   * @throws NpyFormatException naming the file: not a PNG, truncated header, CRC mismatch, or
   *     a kind of PNG this class does not read (with the kind)
   * @throws IOException on read failures
   */
  public static Header readHeader(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    byte[] b = new byte[HEADER_BYTES];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(b, 0, b.length);
    }
    return parseHeader(file, b, n);
  }

  private static Header parseHeader(Path file, byte[] b, int n) throws NpyFormatException {
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (i >= n || b[i] != SIGNATURE[i]) {
        throw new NpyFormatException(file + ": not a PNG: expected the 8-byte PNG signature "
            + "89 50 4E 47 0D 0A 1A 0A, got " + hex(b, Math.min(n, SIGNATURE.length)));
      }
    }
    if (n < HEADER_BYTES) {
      throw new NpyFormatException(file + ": truncated PNG: expected at least " + HEADER_BYTES
          + " bytes (signature and IHDR chunk), got " + n);
    }
    int length = intAt(b, 8);
    String type = new String(b, 12, 4, StandardCharsets.ISO_8859_1);
    if (length != 13 || !type.equals("IHDR")) {
      throw new NpyFormatException(file + ": expected an IHDR chunk of 13 bytes first, got "
          + "chunk '" + printable(type) + "' of " + Integer.toUnsignedString(length) + " bytes");
    }
    checkCrc(file, b, 12, 17, intAt(b, 29), "IHDR", 8);
    int width = intAt(b, 16);
    int height = intAt(b, 20);
    int depth = b[24] & 0xFF;
    int color = b[25] & 0xFF;
    int compression = b[26] & 0xFF;
    int filter = b[27] & 0xFF;
    int interlace = b[28] & 0xFF;
    if (width <= 0 || height <= 0) {
      throw new NpyFormatException(file + ": expected a PNG width and height of 1 to "
          + Integer.MAX_VALUE + ", got " + Integer.toUnsignedString(width) + "x"
          + Integer.toUnsignedString(height));
    }
    if (color == 3) {
      throw new NpyFormatException(file + ": expected a grey, grey+alpha, RGB or RGBA PNG, "
          + "got a palette image (colour type 3); save it as RGB or grey");
    }
    if (color != 0 && color != 2 && color != 4 && color != 6) {
      throw new NpyFormatException(file + ": expected PNG colour type 0, 2, 4 or 6, got "
          + color);
    }
    if (depth != 8 && depth != 16) {
      throw new NpyFormatException(file + ": expected a PNG bit depth of 8 or 16, got "
          + depth + "; save it with 8 or 16 bits per sample");
    }
    if (compression != 0 || filter != 0) {
      throw new NpyFormatException(file + ": expected PNG compression method 0 and filter "
          + "method 0, got " + compression + " and " + filter);
    }
    if (interlace != 0) {
      throw new NpyFormatException(file + ": expected a PNG without interlacing, got "
          + "interlace method " + interlace + " (Adam7); save it without interlacing");
    }
    Header h = new Header(width, height, depth, color);
    if (rawBytes(h) > MAX_RAW_BYTES) {
      throw new NpyFormatException(file + ": a " + h.describe() + " PNG of "
          + rawBytes(h) + " bytes decoded exceeds " + MAX_RAW_BYTES + " bytes");
    }
    return h;
  }

  /**
   * Decodes a PNG into floats, channels-last ({@code height × width × channels}, row by row).
   *
   * @param file a PNG
   * @param scaling how samples become values (see the class description)
   * @param dest destination
   * @param offset where the first value goes; {@code width · height · channels} follow
   * @return the file's header
   * @throws NoSuchFileException if the file does not exist
   * @throws NpyFormatException naming the file for every refusal of the class description
   * @throws IndexOutOfBoundsException if {@code dest} is too short from {@code offset}
   * @throws IOException on read failures
   */
  public static Header read(Path file, NpyFrames.Scaling scaling, float[] dest, int offset)
      throws IOException {
    return read(file, null, scaling, dest, offset);
  }

  /**
   * {@link #read(Path, NpyFrames.Scaling, float[], int)} of a file that must have the given
   * header (size, bit depth and colour type).
   *
   * @param file a PNG
   * @param expected the header it must have, or {@code null} for any
   * @param scaling how samples become values
   * @param dest destination
   * @param offset where the first value goes
   * @return the file's header
   * @throws NpyFormatException naming the file, the expected and the actual header when they
   *     differ, and for every refusal of the class description
   * @throws IOException on read failures
   */
  public static Header read(Path file, Header expected, NpyFrames.Scaling scaling, float[] dest,
      int offset) throws IOException {
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(dest, "dest");
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such PNG file");
    }
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) {
      throw new NpyFormatException(file + ": a PNG of at most " + (Integer.MAX_VALUE - 8)
          + " bytes is read, got " + size);
    }
    byte[] b = Files.readAllBytes(file);
    Header h = parseHeader(file, b, b.length);
    if (expected != null && !expected.equals(h)) {
      throw new NpyFormatException(file + ": expected a " + expected.describe() + " PNG like "
          + "the frames before it, got " + h.describe());
    }
    int values = h.width() * h.height() * h.channels();
    Objects.checkFromIndexSize(offset, values, dest.length);
    byte[] raw = inflate(file, b, h);
    unfilter(file, raw, h);
    float scale = h.scale(scaling);
    int rowBytes = rowBytes(h);
    int perRow = h.width() * h.channels();
    int at = offset;
    for (int y = 0; y < h.height(); y++) {
      int p = y * (rowBytes + 1) + 1;
      if (h.bitDepth() == 8) {
        for (int i = 0; i < perRow; i++) {
          dest[at++] = (raw[p + i] & 0xFF) * scale;
        }
      } else {
        for (int i = 0; i < perRow; i++) {
          int s = (raw[p + 2 * i] & 0xFF) << 8 | (raw[p + 2 * i + 1] & 0xFF);
          dest[at++] = s * scale;
        }
      }
    }
    return h;
  }

  /** Walks the chunks after IHDR, checking each CRC, and inflates the IDAT chunks. */
  private static byte[] inflate(Path file, byte[] b, Header h) throws NpyFormatException {
    long need = rawBytes(h);
    byte[] raw = new byte[(int) need];
    Inflater inflater = new Inflater();
    int produced = 0;
    boolean sawData = false;
    boolean dataEnded = false;
    try {
      int pos = HEADER_BYTES;
      while (true) {
        if (pos + 8 > b.length) {
          throw new NpyFormatException(file + ": truncated PNG: expected a chunk or IEND at "
              + "byte " + pos + ", the file ends at byte " + b.length);
        }
        long length = Integer.toUnsignedLong(intAt(b, pos));
        String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
        if (pos + 12 + length > b.length) {
          throw new NpyFormatException(file + ": truncated PNG: chunk '" + printable(type)
              + "' at byte " + pos + " needs " + (12 + length) + " bytes, the file ends "
              + (b.length - pos) + " bytes later");
        }
        int len = (int) length;
        checkCrc(file, b, pos + 4, len + 4, intAt(b, pos + 8 + len), type, pos);
        if (type.equals("IEND")) {
          break;
        }
        if (type.equals("IDAT")) {
          if (dataEnded) {
            throw new NpyFormatException(file + ": expected consecutive IDAT chunks, got "
                + "another IDAT at byte " + pos + " after other chunks");
          }
          sawData = true;
          inflater.setInput(b, pos + 8, len);
          while (!inflater.needsInput() && !inflater.finished() && produced < need) {
            int got = inflater.inflate(raw, produced, (int) need - produced);
            produced += got;
            if (got == 0 && inflater.needsDictionary()) {
              throw new NpyFormatException(file + ": corrupt PNG image data: expected zlib "
                  + "data without a preset dictionary");
            }
          }
        } else {
          if (sawData) {
            dataEnded = true;
          }
          boolean critical = Character.isUpperCase(type.charAt(0));
          if (critical && !type.equals("PLTE")) {
            throw new NpyFormatException(file + ": expected only IHDR, PLTE, IDAT and IEND "
                + "as critical chunks, got '" + printable(type) + "' at byte " + pos);
          }
        }
        pos += 12 + len;
      }
    } catch (DataFormatException e) {
      throw new NpyFormatException(file + ": corrupt PNG image data (zlib): "
          + e.getMessage(), e);
    } finally {
      inflater.end();
    }
    if (!sawData) {
      throw new NpyFormatException(file + ": expected IDAT image data before IEND, got none");
    }
    if (produced < need) {
      throw new NpyFormatException(file + ": PNG image data too short: expected " + need
          + " bytes after inflating (" + h.describe() + "), got " + produced);
    }
    return raw;
  }

  /** Undoes the per-row filters in place (PNG filter method 0, types 0 to 4). */
  private static void unfilter(Path file, byte[] raw, Header h) throws NpyFormatException {
    int rowBytes = rowBytes(h);
    int bpp = h.channels() * (h.bitDepth() / 8);
    for (int y = 0; y < h.height(); y++) {
      int start = y * (rowBytes + 1);
      int type = raw[start] & 0xFF;
      int p = start + 1;
      int up = p - rowBytes - 1;
      switch (type) {
        case 0:
          break;
        case 1:
          for (int i = bpp; i < rowBytes; i++) {
            raw[p + i] += raw[p + i - bpp];
          }
          break;
        case 2:
          if (y > 0) {
            for (int i = 0; i < rowBytes; i++) {
              raw[p + i] += raw[up + i];
            }
          }
          break;
        case 3:
          for (int i = 0; i < rowBytes; i++) {
            int left = i >= bpp ? raw[p + i - bpp] & 0xFF : 0;
            int above = y > 0 ? raw[up + i] & 0xFF : 0;
            raw[p + i] += (byte) ((left + above) >>> 1);
          }
          break;
        case 4:
          for (int i = 0; i < rowBytes; i++) {
            int a = i >= bpp ? raw[p + i - bpp] & 0xFF : 0;
            int bb = y > 0 ? raw[up + i] & 0xFF : 0;
            int c = i >= bpp && y > 0 ? raw[up + i - bpp] & 0xFF : 0;
            raw[p + i] += (byte) paeth(a, bb, c);
          }
          break;
        default:
          throw new NpyFormatException(file + ": expected PNG row filter 0 to 4, got " + type
              + " on row " + y);
      }
    }
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  /**
   * Writes one frame of a sequence as a PNG, atomically ({@link PendingFile}): samples
   * {@code round(v / scale)} clipped to the bit depth's range, where {@code scale} is what
   * {@code scaling} gives for that depth (see the class description); rows unfiltered,
   * deflated.
   *
   * @param frames the sequence (1 to 4 channels)
   * @param frame the frame to write
   * @param bitDepth 8 or 16
   * @param scaling the scaling the values were read with
   * @param file the PNG to create or replace (its folder must exist)
   * @return the header written
   * @throws IllegalArgumentException naming the channel count or the bit depth
   * @throws IOException naming the file if writing fails (it is then unchanged)
   */
  public static Header write(FrameSequence frames, int frame, int bitDepth,
      NpyFrames.Scaling scaling, Path file) throws IOException {
    Objects.requireNonNull(frames, "frames");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(file, "file");
    Objects.checkIndex(frame, frames.frames());
    Header h = Header.of(frames.width(), frames.height(), frames.channels(), bitDepth);
    if (rawBytes(h) > MAX_RAW_BYTES) {
      throw new IllegalArgumentException("a PNG of " + h.describe() + " exceeds "
          + MAX_RAW_BYTES + " bytes");
    }
    float[] v = new float[frames.frameShape().size()];
    frames.frame(frame).copyTo(v, 0);
    float scale = h.scale(scaling);
    int rowBytes = rowBytes(h);
    byte[] raw = new byte[(int) rawBytes(h)];
    int perRow = h.width() * h.channels();
    int max = h.maxSample();
    int at = 0;
    for (int y = 0; y < h.height(); y++) {
      int p = y * (rowBytes + 1) + 1; // filter byte 0: none
      for (int i = 0; i < perRow; i++, at++) {
        long s = Math.round((double) v[at] / scale); // finite: FrameSequence holds no NaN
        int q = (int) Math.max(0, Math.min(max, s));
        if (bitDepth == 8) {
          raw[p + i] = (byte) q;
        } else {
          raw[p + 2 * i] = (byte) (q >>> 8);
          raw[p + 2 * i + 1] = (byte) q;
        }
      }
    }
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try (DeflaterOutputStream z = new DeflaterOutputStream(zipped, deflater)) {
      z.write(raw);
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(ihdr);
    d.writeInt(h.width());
    d.writeInt(h.height());
    d.writeByte(h.bitDepth());
    d.writeByte(h.colorType());
    d.writeByte(0);
    d.writeByte(0);
    d.writeByte(0);
    byte[] idat = zipped.toByteArray();
    PendingFile.write(file, out -> {
      out.write(SIGNATURE);
      chunk(out, "IHDR", ihdr.toByteArray());
      chunk(out, "IDAT", idat);
      chunk(out, "IEND", new byte[0]);
    });
    return h;
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    d.writeInt((int) crc.getValue());
    d.flush();
  }

  private static void checkCrc(Path file, byte[] b, int from, int length, int stored,
      String type, int chunkAt) throws NpyFormatException {
    CRC32 crc = new CRC32();
    crc.update(b, from, length);
    int actual = (int) crc.getValue();
    if (actual != stored) {
      throw new NpyFormatException(String.format("%s: CRC-32 mismatch in PNG chunk '%s' at "
          + "byte %d: expected %08x (stored), got %08x (computed); the file is damaged",
          file, printable(type), chunkAt, stored, actual));
    }
  }

  private static long rawBytes(Header h) {
    return (long) h.height() * (rowBytes(h) + 1L);
  }

  private static int rowBytes(Header h) {
    long r = (long) h.width() * h.channels() * (h.bitDepth() / 8);
    return (int) Math.min(r, Integer.MAX_VALUE);
  }

  private static int intAt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
        | (b[at + 3] & 0xFF);
  }

  private static String hex(byte[] b, int n) {
    if (n == 0) {
      return "an empty file";
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
    }
    return s.toString();
  }

  private static String printable(String type) {
    StringBuilder s = new StringBuilder();
    for (char c : type.toCharArray()) {
      s.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return s.toString();
  }
}

package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  /**
   * Golden bytes written by hand from the NPY format spec (and numpy's format.py): magic
   * \x93NUMPY, version 1.0, little-endian uint16 header length, the dict with sorted keys, 21 -
   * len("2") = 20 growth spaces, then spaces so that 10 + len(header) is a multiple of 64, and
   * a final '\n'. The dict is 57 characters, + 20 growth spaces = 77, + 1 newline = 78; 10 + 78
   * = 88, so 40 padding spaces bring the whole header to 128 bytes and the length field to 118.
   */
  @Test
  void writesTheExactBytesNumpyWritesForAFloat32Vector() {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    assertEquals(57, dict.length());
    expected.writeBytes(dict.getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(" ".repeat(20 + 40).getBytes(StandardCharsets.US_ASCII));
    expected.write('\n');
    // 1.0f = 0x3f800000 and -2.0f = 0xc0000000, little endian.
    expected.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});

    byte[] actual = Npy.toBytes(Tensor.of(new int[] {2}, new float[] {1.0f, -2.0f}));

    assertArrayEquals(expected.toByteArray(), actual);
    assertEquals(128 + 8, actual.length);
  }

  @Test
  void scalarHeaderHasEmptyTupleAndNoGrowthSpace() {
    // The dict is 55 characters, + '\n' = 56; 10 + 56 = 66, so 62 padding spaces make 128.
    byte[] b = Npy.toBytes(Tensor.of(new int[0], new float[] {3.5f}));
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
    assertEquals(55, dict.length());
    String header = new String(b, 10, 128 - 10, StandardCharsets.US_ASCII);
    assertEquals(dict + " ".repeat(62) + "\n", header);
    assertEquals(118, b[8]);
    assertEquals(128 + 4, b.length);
  }

  @Test
  void headersAreAlignedTo64Bytes() {
    for (int[] shape : new int[][] {{}, {1}, {2, 3}, {15, 40, 40, 1}, {123456789, 0, 7}}) {
      byte[] h = Npy.header(shape);
      assertEquals(0, h.length % 64, "header length for " + List.of(shape.length));
      assertEquals('\n', h[h.length - 1]);
    }
  }

  @Test
  void roundTripsThroughAFile() throws Exception {
    float[] data = new float[2 * 3 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.25f - 3;
    }
    Tensor t = Tensor.of(new int[] {2, 3, 4}, data);
    Path p = dir.resolve("t.npy");
    Npy.write(t, p);
    assertEquals(t, Npy.read(p));
  }

  @Test
  void readsFortranOrder2x3() throws Exception {
    // C order [[1, 2, 3], [4, 5, 6]]; Fortran order stores columns first: 1 4 2 5 3 6.
    byte[] npy = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
        le32(1, 4, 2, 5, 3, 6));
    Tensor t = Npy.read(npy, "f.npy");
    assertEquals(List.of(2, 3), t.shapeList());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
  }

  @Test
  void readsFortranOrderRank3() throws Exception {
    int a = 2;
    int b = 3;
    int c = 4;
    // Fortran order: the first index varies fastest. Value at (i, j, k) is 100i + 10j + k.
    float[] fortran = new float[a * b * c];
    int n = 0;
    for (int k = 0; k < c; k++) {
      for (int j = 0; j < b; j++) {
        for (int i = 0; i < a; i++) {
          fortran[n++] = 100 * i + 10 * j + k;
        }
      }
    }
    byte[] npy = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }",
        le32(fortran));
    Tensor t = Npy.read(npy, "f3.npy");
    for (int i = 0; i < a; i++) {
      for (int j = 0; j < b; j++) {
        for (int k = 0; k < c; k++) {
          assertEquals(100 * i + 10 * j + k, t.get((i * b + j) * c + k), 0f);
        }
      }
    }
  }

  @Test
  void readsBigEndianFloat64() throws Exception {
    ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
    bb.putDouble(0.5).putDouble(-3.25);
    Tensor t = Npy.read(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
        bb.array()), "d.npy");
    assertArrayEquals(new float[] {0.5f, -3.25f}, t.toArray());
  }

  @Test
  void readsLittleEndianFloat64AndBigEndianFloat32() throws Exception {
    ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e-3);
    assertEquals(1e-3f, Npy.read(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
        le.array()), "s").get(0), 0f);
    ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(-7.5f);
    assertEquals(-7.5f, Npy.read(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
        be.array()), "s").get(0), 0f);
  }

  @Test
  void readsUint8AndSignedIntegers() throws Exception {
    Tensor u = Npy.read(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }",
        new byte[] {0, (byte) 255, (byte) 128, 7}), "u.npy");
    assertArrayEquals(new float[] {0, 255, 128, 7}, u.toArray());
    Tensor u2 = Npy.read(npy("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), }",
        new byte[] {(byte) 200}), "u.npy");
    assertEquals(200f, u2.get(0));
    Tensor i1 = Npy.read(npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }",
        new byte[] {(byte) 255, 5}), "i1.npy");
    assertArrayEquals(new float[] {-1, 5}, i1.toArray());
    ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(9);
    assertArrayEquals(new float[] {-7, 9}, Npy.read(npy(
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4.array()), "i4")
        .toArray());
    ByteBuffer i8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-123456L);
    assertEquals(-123456f, Npy.read(npy(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", i8.array()), "i8").get(0));
  }

  @Test
  void readsVersion2HeaderAndToleratesSpacingAndKeyOrder() throws Exception {
    String dict = "{ \"shape\" : (3L,) ,'fortran_order':False,'descr':'<f4'}";
    byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length)
        .array());
    out.writeBytes(text);
    out.writeBytes(le32(1, 2, 3));
    Tensor t = Npy.read(out.toByteArray(), "v2.npy");
    assertArrayEquals(new float[] {1, 2, 3}, t.toArray());
  }

  @Test
  void readsEmptyArrays() throws Exception {
    Tensor t = Npy.read(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (0, 3), }",
        new byte[0]), "e.npy");
    assertEquals(List.of(0, 3), t.shapeList());
    assertEquals(0, t.size());
  }

  @Test
  void truncatedDataNamesExpectedAndActualByteCounts() {
    byte[] full = Npy.toBytes(Tensor.of(new int[] {2}, new float[] {1, 2}));
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> Npy.read(cut, "cut.npy"));
    assertTrue(e.getMessage().contains("cut.npy: expected 8 bytes of data, got 5"),
        e.getMessage());
  }

  @Test
  void truncatedHeaderIsReported() {
    byte[] full = Npy.toBytes(Tensor.of(new int[] {2}, new float[] {1, 2}));
    byte[] cut = java.util.Arrays.copyOf(full, 40);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(cut, "h.npy"));
    assertTrue(e.getMessage().contains("expected a header of 118 bytes, got 30"),
        e.getMessage());
  }

  @Test
  void badMagicIsReported() {
    byte[] bytes = "NOTNPY and more".getBytes(StandardCharsets.US_ASCII);
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> Npy.read(bytes, "bad.npy"));
    assertTrue(e.getMessage().contains("bad.npy: expected the NPY magic \\x93NUMPY, got "
        + "\"NOTNPY\""), e.getMessage());
    NpyFormatException zip = assertThrows(NpyFormatException.class,
        () -> Npy.read(new byte[] {'P', 'K', 3, 4, 0, 0}, "x.npz"));
    assertTrue(zip.getMessage().contains("zip"), zip.getMessage());
    NpyFormatException empty = assertThrows(NpyFormatException.class,
        () -> Npy.read(new byte[0], "empty.npy"));
    assertTrue(empty.getMessage().contains("an empty input"), empty.getMessage());
  }

  @Test
  void unsupportedVersionIsReported() {
    byte[] b = Npy.toBytes(Tensor.of(new int[] {1}, new float[] {1}));
    b[6] = 4;
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(b, "v.npy"));
    assertTrue(e.getMessage().contains("expected NPY format version 1.0, 2.0 or 3.0, got 4.0"),
        e.getMessage());
  }

  @Test
  void unsupportedDtypeNamesItAndTheSupportedOnes() {
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(npy(
        "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "c.npy"));
    assertTrue(e.getMessage().contains("unsupported dtype '<c8'"), e.getMessage());
    assertTrue(e.getMessage().contains("<f4"), e.getMessage());
    NpyFormatException structured = assertThrows(NpyFormatException.class, () -> Npy.read(npy(
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]),
        "s.npy"));
    assertTrue(structured.getMessage().contains("s.npy: "), structured.getMessage());
  }

  @Test
  void headerGarbageNamesPositionAndFoundText() {
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(npy(
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", new byte[4]), "g.npy"));
    assertTrue(e.getMessage().contains("g.npy: expected a string, True, False or a tuple at "
        + "position 34, found 'M'"), e.getMessage());
    NpyFormatException missing = assertThrows(NpyFormatException.class, () -> Npy.read(npy(
        "{'descr': '<f4', 'shape': (1,), }", new byte[4]), "m.npy"));
    assertTrue(missing.getMessage().contains("descr, fortran_order and shape, got [descr, "
        + "shape]"), missing.getMessage());
    NpyFormatException negative = assertThrows(NpyFormatException.class, () -> Npy.read(npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[4]), "n.npy"));
    assertTrue(negative.getMessage().contains("a non-negative integer"),
        negative.getMessage());
  }

  @Test
  void missingFileNamesThePath() {
    Path p = dir.resolve("nope.npy");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().contains("nope.npy"), e.getMessage());
  }

  @Test
  void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
    Path p = dir.resolve("w.npy");
    Npy.write(Tensor.of(new int[] {1}, new float[] {1}), p);
    Npy.write(Tensor.of(new int[] {2}, new float[] {2, 3}), p);
    assertArrayEquals(new float[] {2, 3}, Npy.read(p).toArray());
    try (var s = Files.list(dir)) {
      assertEquals(List.of(p), s.toList());
    }
  }

  /**
   * Reliability issue, item 2: a 144-byte file whose header claims 10^9 float32 values made the
   * JVM allocate 4 GB before reporting "truncated". The claim is now compared with the bytes
   * actually there before anything is allocated, by every way of reading it.
   */
  @Test
  void aHeaderClaimingABillionFloatsIn144BytesIsRefusedWithoutAllocatingThem() throws Exception {
    byte[] bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }",
        le32(1, 2, 3, 4));
    assertEquals(144, bytes.length);
    Path p = dir.resolve("claims.npy");
    Files.write(p, bytes);
    String expected = "claims.npy: expected 4000000000 bytes of data, got 16";
    assertRefusedCheaply(() -> Npy.read(p), expected);
    assertRefusedCheaply(() -> Npy.readHeader(p), expected);
    assertRefusedCheaply(() -> Npy.read(bytes, "claims.npy"), expected);
    // A stream's length is unknown: memory grows with the data read, so it ends in truncated.
    assertRefusedCheaply(() -> Npy.read(new java.io.ByteArrayInputStream(bytes), "claims.npy"),
        expected);
  }

  static void assertRefusedCheaply(org.junit.jupiter.api.function.Executable read,
      String messagePart) {
    long allocated = Allocations.during(() -> {
      Exception e = assertThrows(java.io.IOException.class, read);
      assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    });
    assertTrue(allocated < (8 << 20), "allocated " + allocated + " bytes");
  }

  @Test
  void bytesAfterTheDataAreRefusedInAFile() throws Exception {
    // A header edited from (3,) to (2,) would otherwise read as a different, shorter array.
    Path p = dir.resolve("long.npy");
    Files.write(p, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
        le32(1, 2, 3)));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().contains("long.npy: expected 8 bytes of data, got 12 (shape [2], "
        + "dtype <f4; 4 bytes too many: damaged header)"), e.getMessage());
    assertThrows(NpyFormatException.class, () -> Npy.readHeader(p));
    // A stream may hold several arrays one after the other: there the rest is left unread.
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(Files.readAllBytes(p));
    assertArrayEquals(new float[] {1, 2}, Npy.read(in, "stream").toArray());
    assertEquals(4, in.available());
  }

  @Test
  void aHeaderLengthPastTheEndOfTheFileIsReportedAsTruncated() throws Exception {
    byte[] b = Npy.toBytes(Tensor.of(new int[] {2}, new float[] {1, 2}));
    b[8] = (byte) 0xF0;
    b[9] = (byte) 0xFF;
    Path p = dir.resolve("len.npy");
    Files.write(p, b);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().contains("len.npy: expected a header of 65520 bytes, got 126"),
        e.getMessage());
  }

  @Test
  void boolBytesReadAsZeroOrOneLikeNumpy() throws Exception {
    // numpy: np.frombuffer(b'\x03\x00\x80', bool).astype(np.float32) == [1, 0, 1]
    Tensor t = Npy.read(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
        new byte[] {3, 0, (byte) 0x80}), "b.npy");
    assertArrayEquals(new float[] {1, 0, 1}, t.toArray());
  }

  /** A version 1.0 file with the given dict, padded like numpy pads it. */
  static byte[] npy(String dict, byte[] data) {
    int hlen = dict.length() + 1;
    int pad = 64 - (10 + hlen) % 64;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write((hlen + pad) & 0xFF);
    out.write((hlen + pad) >> 8);
    out.writeBytes(dict.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
    out.write('\n');
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] le32(float... values) {
    ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bb.putFloat(v);
    }
    return bb.array();
  }
}

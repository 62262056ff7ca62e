package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NpzTest {
  @TempDir Path dir;

  static Map<String, Tensor> sampleArrays() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("conv_lstm2d_0/kernel", ramp(3, 3, 1, 8));
    m.put("conv_lstm2d_0/bias", ramp(8));
    m.put("scalar", Tensor.of(new int[0], new float[] {42.5f}));
    m.put("a", ramp(2, 3));
    return m;
  }

  static Tensor ramp(int... shape) {
    float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
    for (int i = 0; i < d.length; i++) {
      d[i] = (i % 7) * 0.5f - 1;
    }
    return Tensor.of(shape, d);
  }

  @ParameterizedTest
  @EnumSource(Npz.Compression.class)
  void roundTripsArraysAndRawEntriesInOrder(Npz.Compression c) throws Exception {
    Path p = dir.resolve("m.npz");
    byte[] spec = "format=x\n".getBytes(StandardCharsets.UTF_8);
    Npz.write(p, sampleArrays(), Map.of("spec.properties", spec), c);
    NpzContents back = Npz.read(p);
    assertEquals(List.copyOf(sampleArrays().keySet()), List.copyOf(back.arrays().keySet()));
    assertEquals(sampleArrays(), back.arrays());
    assertArrayEquals(spec, back.otherEntry("spec.properties"));
    try (ZipFile z = new ZipFile(p.toFile())) {
      ZipEntry e = z.getEntry("conv_lstm2d_0/kernel.npy");
      assertEquals(c == Npz.Compression.STORED ? ZipEntry.STORED : ZipEntry.DEFLATED,
          e.getMethod());
    }
  }

  @Test
  void sameContentGivesSameBytes() throws Exception {
    Path a = dir.resolve("a.npz");
    Path b = dir.resolve("b.npz");
    Npz.write(a, sampleArrays());
    Npz.write(b, sampleArrays());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void missingFileNamesThePath() {
    Path p = dir.resolve("absent.npz");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().contains("absent.npz"), e.getMessage());
  }

  @Test
  void truncatedArchiveNamesTheFileAndTheDamagedEntry() throws Exception {
    Path p = dir.resolve("t.npz");
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("first", ramp(10));
    m.put("conv3d/kernel", ramp(3, 3, 3, 40, 1));
    Npz.write(p, m);
    byte[] all = Files.readAllBytes(p);
    // Keep the first entry whole and cut into the second entry's data.
    // Local header: 30 fixed bytes, then the name, then the extra field (length at 28..29).
    int name = indexOf(all, "conv3d/kernel.npy".getBytes(StandardCharsets.US_ASCII));
    int extra = (all[name - 30 + 28] & 0xFF) | (all[name - 30 + 29] & 0xFF) << 8;
    int cut = name + 17 + extra + 128 + 100;
    Files.write(p, Arrays.copyOf(all, cut));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().contains("t.npz"), e.getMessage());
    assertTrue(e.getMessage().contains("entry conv3d/kernel.npy: expected 4320 bytes of data, "
        + "got 100"), e.getMessage());
  }

  @Test
  void archiveMissingOnlyItsDirectoryIsReportedAsTruncated() throws Exception {
    Path p = dir.resolve("d.npz");
    Npz.write(p, sampleArrays());
    byte[] all = Files.readAllBytes(p);
    int central = indexOf(all, new byte[] {'P', 'K', 1, 2});
    Files.write(p, Arrays.copyOf(all, central + 10));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().contains("d.npz: damaged zip archive"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void corruptNpyInsideAValidZipNamesTheEntry() throws Exception {
    Path p = dir.resolve("c.npz");
    byte[] good = Npy.toBytes(ramp(3, 3, 3, 40, 1));
    byte[] cut = Arrays.copyOf(good, 128 + 100);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      z.putNextEntry(new ZipEntry("conv3d/kernel.npy"));
      z.write(cut);
      z.closeEntry();
    }
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().contains("c.npz: entry conv3d/kernel.npy: expected 4320 bytes of "
        + "data, got 100"), e.getMessage());
  }

  @Test
  void anNpyFileIsNotTakenForAnNpz() throws Exception {
    Path p = dir.resolve("x.npz");
    Npy.write(ramp(2), p);
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().contains("expected an .npz (zip) archive, got an .npy"),
        e.getMessage());
    Files.writeString(p, "hello");
    NpyFormatException g = assertThrows(NpyFormatException.class, () -> Npz.read(p));
    assertTrue(g.getMessage().contains("x.npz: expected an .npz (zip) archive"),
        g.getMessage());
  }

  @Test
  void failedWriteLeavesTheExistingFileUntouchedAndNoTemporaryFile() throws Exception {
    Path p = dir.resolve("keep.npz");
    Npz.write(p, sampleArrays());
    byte[] before = Files.readAllBytes(p);

    Map<String, Tensor> broken = new LinkedHashMap<>();
    broken.put("ok", ramp(1000));
    broken.put("bad", null); // fails after the first entry has been written
    assertThrows(NullPointerException.class, () -> Npz.write(p, broken));

    assertThrows(IllegalStateException.class, () -> {
      try (NpzWriter w = NpzWriter.open(p, Npz.Compression.DEFLATED)) {
        w.putArray("x", ramp(100));
        throw new IllegalStateException("simulated failure midway");
      }
    });

    assertArrayEquals(before, Files.readAllBytes(p));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(p), s.toList());
    }
  }

  @Test
  void writingOverADirectoryFailsAndKeepsIt() throws Exception {
    Path d = Files.createDirectory(dir.resolve("sub.npz"));
    IOException e = assertThrows(IOException.class, () -> Npz.write(d, sampleArrays()));
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
    assertTrue(Files.isDirectory(d));
  }

  @Test
  void writingIntoAMissingFolderNamesIt() {
    Path p = dir.resolve("no/such/folder/m.npz");
    IOException e = assertThrows(IOException.class, () -> Npz.write(p, sampleArrays()));
    assertTrue(e.getMessage().contains("folder"), e.getMessage());
  }

  @Test
  void rejectsBadAndDuplicateNames() throws Exception {
    Path p = dir.resolve("n.npz");
    try (NpzWriter w = NpzWriter.open(p, Npz.Compression.STORED)) {
      w.putArray("a", ramp(1));
      IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
          () -> w.putArray("a", ramp(1)));
      assertTrue(dup.getMessage().contains("duplicate entry name 'a.npy'"), dup.getMessage());
      for (String bad : List.of("", "/abs", "../up", "a//b", "x/../y")) {
        assertThrows(IllegalArgumentException.class, () -> w.putArray(bad, ramp(1)), bad);
      }
    }
    assertTrue(Files.notExists(p));
  }

  @Test
  void writerCommitsOnlyOnce() throws Exception {
    Path p = dir.resolve("once.npz");
    try (NpzWriter w = NpzWriter.open(p, Npz.Compression.STORED)) {
      w.putArray("a", ramp(2));
      w.commit();
      assertThrows(IllegalStateException.class, w::commit);
    }
    assertEquals(ramp(2), Npz.read(p).array("a"));
  }

  @Test
  void writesToAStream() throws IOException {
    OutputStream out = new ByteArrayOutputStream();
    Npy.write(ramp(1), out);
    assertEquals(132, ((ByteArrayOutputStream) out).size());
  }

  /**
   * Reliability issue, item 3: STORED entries were read without checking their CRC-32, so one
   * flipped bit in an array loaded silently. numpy.load refuses the same file ("Bad CRC-32",
   * NumpyInteropTest). Now every entry read is verified, in every reading path.
   */
  @Test
  void aFlippedBitInStoredDataIsRefusedByItsCrc() throws Exception {
    Path p = dir.resolve("flip.npz");
    Npz.write(p, sampleArrays());
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry e = ZipLayout.of(b).entry("conv_lstm2d_0/kernel.npy");
    b[e.dataOffset() + 128 + 4 * 17 + 2] ^= 0x10; // one bit of value 17
    Files.write(p, b);
    String expected = "flip.npz: entry conv_lstm2d_0/kernel.npy: bad CRC-32";
    assertMessage(() -> Npz.read(p), expected);
    assertMessage(() -> Npz.headers(p), expected);
    assertMessage(() -> NpyFrames.read(p, NpyFrames.Options.of(NpyFrames.Layout.THWC)
        .withArrayName("conv_lstm2d_0/kernel").withMaxSequences(1)), expected);
  }

  @Test
  void aFlippedBitInDeflatedDataIsRefused() throws Exception {
    Path p = dir.resolve("dflip.npz");
    Npz.write(p, sampleArrays(), Map.of(), Npz.Compression.DEFLATED);
    byte[] good = Files.readAllBytes(p);
    ZipLayout.Entry e = ZipLayout.of(good).entry("conv_lstm2d_0/kernel.npy");
    // Every 7th bit, but not in the last byte: its unused high bits do not change the output.
    for (int bit = 0; bit < 8 * (e.compressedSize() - 1); bit += 7) {
      byte[] b = good.clone();
      b[e.dataOffset() + bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(p, b);
      NpyFormatException x = assertThrows(NpyFormatException.class, () -> Npz.read(p),
          "bit " + bit);
      assertTrue(x.getMessage().contains("dflip.npz: entry conv_lstm2d_0/kernel.npy: "),
          x.getMessage());
    }
  }

  @Test
  void duplicateEntryNamesAreRefused() throws Exception {
    // ZipFile used to return one of the two silently. Rename "a.npy" to "b.npy" in both
    // headers: the names are not covered by the CRC, so the archive is otherwise valid.
    Path p = twoArrays("dup.npz");
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry a = ZipLayout.of(b).entry("a.npy");
    b[a.localOffset() + 30] = 'b';
    b[a.centralOffset() + 46] = 'b';
    Files.write(p, b);
    assertMessage(() -> Npz.read(p), "dup.npz: entry b.npy appears twice in the zip directory");
    assertMessage(() -> Npz.headers(p), "appears twice");
  }

  @Test
  void aDirectoryNameThatDiffersFromTheLocalHeaderIsRefused() throws Exception {
    Path p = dir.resolve("name.npz");
    Npz.write(p, sampleArrays());
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry a = ZipLayout.of(b).entry("a.npy");
    b[a.centralOffset() + 46] = 'z';
    Files.write(p, b);
    assertMessage(() -> Npz.read(p), "name.npz: entry z.npy: the local header at offset "
        + a.localOffset() + " names another entry");
  }

  @Test
  void overlappingEntriesAreRefused() throws Exception {
    // The non-recursive zip bomb makes many entries share data; here the first entry's stored
    // data is declared long enough to cover the second entry's header.
    Path p = twoArrays("overlap.npz");
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry a = ZipLayout.of(b).entry("a.npy");
    int longer = a.compressedSize() + 40;
    ZipLayout.put(b, a.centralOffset() + 20, 4, longer);
    ZipLayout.put(b, a.centralOffset() + 24, 4, longer);
    Files.write(p, b);
    assertMessage(() -> Npz.read(p), "overlap.npz: entries a.npy and b.npy overlap in the file");
  }

  /** A STORED archive of arrays a [2] and b [3], to damage. */
  private Path twoArrays(String name) throws IOException {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("a", ramp(2));
    m.put("b", ramp(3));
    Path p = dir.resolve(name);
    Npz.write(p, m);
    return p;
  }

  @Test
  void anEntryDeclaringMoreThanDeflateCanProduceIsRefused() throws Exception {
    Path p = dir.resolve("ratio.npz");
    Npz.write(p, sampleArrays(), Map.of(), Npz.Compression.DEFLATED);
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry a = ZipLayout.of(b).entry("a.npy");
    ZipLayout.put(b, a.centralOffset() + 24, 4, 0xFFFF0000L);
    Files.write(p, b);
    assertMessage(() -> Npz.read(p), "ratio.npz: entry a.npy: declares 4294901760 bytes from "
        + a.compressedSize() + " compressed bytes, more than deflate can produce (1032:1)");
  }

  @Test
  void anEntryInflatingPastItsDeclaredSizeIsRefused() throws Exception {
    Path p = dir.resolve("past.npz");
    byte[] text = "k=v\n".repeat(50).getBytes(StandardCharsets.UTF_8);
    Npz.write(p, Map.of(), Map.of("spec.properties", text), Npz.Compression.DEFLATED);
    byte[] b = Files.readAllBytes(p);
    ZipLayout.Entry e = ZipLayout.of(b).entry("spec.properties");
    ZipLayout.put(b, e.centralOffset() + 24, 4, text.length - 1);
    // The CRC of the shorter content, so that only the size check can catch it.
    ZipLayout.put(b, e.centralOffset() + 16, 4, ZipLayout.crc(text, 0, text.length - 1));
    Files.write(p, b);
    assertMessage(() -> Npz.read(p), "past.npz: entry spec.properties: inflates to more than "
        + "the 199 bytes the zip directory declares");
  }

  @Test
  void aStoredNpyWhoseHeaderClaimsMoreThanItsEntryIsRefusedWithoutAllocating() throws Exception {
    byte[] npy = NpyTest.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }",
        NpyTest.le32(1, 2, 3, 4));
    Path p = dir.resolve("claim.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      ZipEntry e = new ZipEntry("big.npy");
      e.setMethod(ZipEntry.STORED);
      e.setSize(npy.length);
      e.setCrc(ZipLayout.crc(npy, 0, npy.length));
      z.putNextEntry(e);
      z.write(npy);
      z.closeEntry();
    }
    NpyTest.assertRefusedCheaply(() -> Npz.read(p),
        "claim.npz: entry big.npy: expected 4000000000 bytes of data, got 16");
  }

  /**
   * Reliability issue, item 2: a 2.4 MB zip bomb was inflated without limit. This one is a
   * real deflate stream of a valid .npy of zeros, larger than the heap (a few MB of repeated
   * deflate blocks, each 1 MiB of zeros): it is refused from its declared sizes, before any
   * inflating, in well under a second.
   */
  @Test
  void aZipBombLargerThanTheHeapIsRefusedBeforeInflating() throws Exception {
    long mib = 1 << 20;
    long blocks = Runtime.getRuntime().maxMemory() / mib + 64;
    int rows = Math.toIntExact(blocks * 256);
    byte[] header = Npy.header(new int[] {1, rows, 1, 1024});
    Deflater d = new Deflater(9, true);
    byte[] zeros = new byte[(int) mib];
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.writeBytes(deflate(d, header, Deflater.NO_FLUSH));
    first.writeBytes(deflate(d, zeros, Deflater.SYNC_FLUSH));
    byte[] middle = deflate(d, zeros, Deflater.SYNC_FLUSH);
    byte[] last = deflate(d, zeros, -1);
    d.end();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(first.toByteArray());
    for (long i = 2; i < blocks; i++) {
      data.writeBytes(middle);
    }
    data.writeBytes(last);
    long size = header.length + blocks * mib;
    Path p = dir.resolve("bomb.npz");
    Files.write(p, zip64Deflated("movies.npy", data.toByteArray(), size));
    assertTrue(Files.size(p) < size / 1000, "a " + Files.size(p) + "-byte bomb");

    long allocated = Allocations.during(() -> {
      IOException e = assertThrows(IOException.class, () -> Npz.read(p));
      assertTrue(e.getMessage().contains("bomb.npz: its entries declare " + size
          + " bytes in all and does not fit in memory"), e.getMessage());
      IOException f = assertThrows(IOException.class,
          () -> NpyFrames.read(p, NpyFrames.Layout.TNHW));
      assertTrue(f.getMessage().contains("bomb.npz: entry movies.npy: " + rows
          + " sequences of 1 frames of "), f.getMessage());
      assertTrue(f.getMessage().contains("does not fit in memory"), f.getMessage());
    });
    assertTrue(allocated < Files.size(p) + (32 << 20), "allocated " + allocated);
  }

  /** Deflates {@code input} with a flush mode, or to the end of the stream if it is -1. */
  private static byte[] deflate(Deflater d, byte[] input, int flush) {
    d.setInput(input);
    if (flush < 0) {
      d.finish();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    while (true) {
      int n = d.deflate(buf, 0, buf.length, flush < 0 ? Deflater.NO_FLUSH : flush);
      out.write(buf, 0, n);
      if (flush < 0 ? d.finished() : n < buf.length && d.needsInput()) {
        return out.toByteArray();
      }
    }
  }

  /**
   * One DEFLATED entry whose size needs zip64 (APPNOTE 4.5.3): the fixed size fields hold
   * 0xFFFFFFFF and a zip64 extra field holds the real value. The CRC is left 0: the bomb must
   * be refused before it would be checked.
   */
  private static byte[] zip64Deflated(String name, byte[] data, long size) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(30 + n.length + 20 + data.length + 46 + n.length + 12 + 22)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 8)
        .putShort((short) 0).putShort((short) 0x21).putInt(0).putInt(-1).putInt(-1)
        .putShort((short) n.length).putShort((short) 20).put(n)
        .putShort((short) 1).putShort((short) 16).putLong(size).putLong(data.length).put(data);
    int central = b.position();
    b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
        .putShort((short) 8).putShort((short) 0).putShort((short) 0x21).putInt(0)
        .putInt(data.length).putInt(-1).putShort((short) n.length).putShort((short) 12)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(n)
        .putShort((short) 1).putShort((short) 8).putLong(size);
    int centralSize = b.position() - central;
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1)
        .putShort((short) 1).putInt(centralSize).putInt(central).putShort((short) 0);
    return b.array();
  }

  /** Asserts that {@code read} throws an NpyFormatException whose message contains {@code part}. */
  static void assertMessage(org.junit.jupiter.api.function.Executable read, String part) {
    NpyFormatException e = assertThrows(NpyFormatException.class, read);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}

package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

package io.github.convlstm4j.api.io;

import static io.github.convlstm4j.api.io.NpyTest.le32;
import static io.github.convlstm4j.api.io.NpyTest.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.NpyFrames.Layout;
import io.github.convlstm4j.api.io.NpyFrames.Options;
import io.github.convlstm4j.api.io.NpyFrames.Scaling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFramesTest {
  @TempDir Path dir;

  static final int T = 3;
  static final int N = 4;

  /** Moving-MNIST-like uint8 (T=3, N=4, H=2, W=2): value t*40 + n*10 + pixel. */
  static byte[] mnistLike() {
    byte[] data = new byte[T * N * 4];
    int i = 0;
    for (int t = 0; t < T; t++) {
      for (int n = 0; n < N; n++) {
        for (int p = 0; p < 4; p++) {
          data[i++] = (byte) (t * 40 + n * 10 + p);
        }
      }
    }
    return npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4, 2, 2), }", data);
  }

  static float expectedMnist(int n, int t, int p) {
    return (t * 40 + n * 10 + p) / 255f;
  }

  @Test
  void readsTnhwUint8ScaledBy255() throws Exception {
    Path p = dir.resolve("mnist_test_seq.npy");
    Files.write(p, mnistLike());
    List<FrameSequence> seqs = NpyFrames.read(p, Layout.TNHW);
    assertEquals(N, seqs.size());
    for (int n = 0; n < N; n++) {
      FrameSequence s = seqs.get(n);
      assertEquals("3x2x2x1", s.shapeString());
      for (int t = 0; t < T; t++) {
        for (int px = 0; px < 4; px++) {
          assertEquals(expectedMnist(n, t, px), s.get(t, px / 2, px % 2, 0), 1e-7f);
        }
      }
    }
  }

  @Test
  void maxSequencesKeepsTheFirstOnes() throws Exception {
    Path p = dir.resolve("m.npy");
    Files.write(p, mnistLike());
    List<FrameSequence> all = NpyFrames.read(p, Layout.TNHW);
    List<FrameSequence> two = NpyFrames.read(p, Options.of(Layout.TNHW).withMaxSequences(2));
    assertEquals(all.subList(0, 2), two);
  }

  @Test
  void scalingIsExplicit() throws Exception {
    Path p = dir.resolve("m.npy");
    Files.write(p, mnistLike());
    FrameSequence raw = NpyFrames.read(p, Options.of(Layout.TNHW).withScaling(Scaling.NONE))
        .get(3);
    assertEquals(2 * 40 + 3 * 10 + 1, raw.get(2, 0, 1, 0));
    Path f = dir.resolve("f.npy");
    Files.write(f, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }",
        le32(51, 255)));
    assertArrayEquals(new float[] {51, 255}, NpyFrames.read(f, Layout.THW).get(0).toArray());
    assertArrayEquals(new float[] {0.2f, 1f},
        NpyFrames.read(f, Options.of(Layout.THW).withScaling(Scaling.DIVIDE_BY_255)).get(0)
            .toArray(), 1e-7f);
  }

  @Test
  void rankMismatchNamesLayoutRankAndShape() throws Exception {
    Path p = dir.resolve("big.npy");
    // Header only: the rank check must come before any data is read.
    Files.write(p, npy("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 10000, 64, 64), }",
        new byte[0]));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(p, Layout.NTHWC));
    assertTrue(e.getMessage().endsWith("layout NTHWC needs rank 5, got shape [20, 10000, 64, 64]"),
        e.getMessage());
    NpyFormatException e2 = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(p, Layout.THW));
    assertTrue(e2.getMessage().contains("layout THW needs rank 3"), e2.getMessage());
  }

  @Test
  void truncatedFramesAreReported() throws Exception {
    Path p = dir.resolve("t.npy");
    byte[] all = mnistLike();
    Files.write(p, Arrays.copyOf(all, all.length - 5));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(p, Layout.TNHW));
    assertTrue(e.getMessage().contains("expected 48 bytes of data, got 43"), e.getMessage());
  }

  @Test
  void nanIsAClearError() throws Exception {
    Path p = dir.resolve("nan.npy");
    Files.write(p, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2), }",
        le32(0, 1, Float.NaN, 0)));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(p, Layout.THW));
    assertTrue(e.getMessage().contains("nan.npy: sequence 0: values must be finite, got NaN at "
        + "index 2 (t=1, row=0, col=0"), e.getMessage());
  }

  @Test
  void writesAndReadsNthwcAndThwc() throws Exception {
    FrameShape shape = new FrameShape(3, 2, 2);
    float[] a = new float[4 * shape.size()];
    float[] b = new float[4 * shape.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = i / 100f;
      b[i] = -i / 7f;
    }
    List<FrameSequence> seqs = List.of(FrameSequence.of(4, shape, a),
        FrameSequence.of(4, shape, b));
    Path p = dir.resolve("batch.npy");
    NpyFrames.write(seqs, p);
    assertEquals(List.of(2, 4, 3, 2, 2), Npy.readHeader(p).shape());
    assertEquals(seqs, NpyFrames.read(p, Layout.NTHWC));
    // The bytes are plain float32 C order: compare with an independent Tensor write.
    float[] both = new float[a.length * 2];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertArrayEquals(Npy.toBytes(Tensor.of(new int[] {2, 4, 3, 2, 2}, both)),
        Files.readAllBytes(p));

    Path one = dir.resolve("one.npy");
    NpyFrames.write(seqs.get(1), one);
    assertEquals(List.of(4, 3, 2, 2), Npy.readHeader(one).shape());
    assertEquals(List.of(seqs.get(1)), NpyFrames.read(one, Layout.THWC));
  }

  @Test
  void writeRejectsMixedShapes() {
    FrameSequence a = FrameSequence.zeros(2, new FrameShape(2, 2, 1));
    FrameSequence b = FrameSequence.zeros(3, new FrameShape(2, 2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyFrames.write(List.of(a, b), dir.resolve("x.npy")));
    assertTrue(e.getMessage().contains("sequences[1] must be 2x2x2x1 like sequences[0], got "
        + "3x2x2x1"), e.getMessage());
  }

  @Test
  void readsThwInFortranOrder() throws Exception {
    // (T=2, H=1, W=3), value at (t, 0, w) = 10t + w; Fortran order: t fastest, then w.
    float[] fortran = {0, 10, 1, 11, 2, 12};
    Path p = dir.resolve("f.npy");
    Files.write(p, npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1, 3), }",
        le32(fortran)));
    FrameSequence s = NpyFrames.read(p, Layout.THW).get(0);
    assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12}, s.toArray());
  }

  @Test
  void readsFromNpzByNameOrSoleArray() throws Exception {
    Path p = dir.resolve("movies.npz");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      z.putNextEntry(new ZipEntry("clips.npy"));
      z.write(mnistLike());
      z.closeEntry();
    }
    assertEquals(NpyFrames.read(writeNpy(mnistLike()), Layout.TNHW),
        NpyFrames.read(p, Layout.TNHW));

    Path two = dir.resolve("two.npz");
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    arrays.put("a", Tensor.zeros(2, 1, 1));
    arrays.put("b", Tensor.of(new int[] {1, 1, 2}, new float[] {0.5f, 0.25f}));
    Npz.write(two, arrays);
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(two, Layout.THW));
    assertTrue(e.getMessage().contains("expected exactly one array when no array name is given, "
        + "got [a, b]"), e.getMessage());
    assertArrayEquals(new float[] {0.5f, 0.25f},
        NpyFrames.read(two, Options.of(Layout.THW).withArrayName("b")).get(0).toArray());
    NpyFormatException missing = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(two, Options.of(Layout.THW).withArrayName("c")));
    assertTrue(missing.getMessage().contains("expected an array named 'c', got [a, b]"),
        missing.getMessage());
    assertEquals(List.of("a", "b"), List.copyOf(Npz.headers(two).keySet()));
  }

  @Test
  void emptySequenceAxisGivesEmptyList() throws Exception {
    Path p = dir.resolve("e.npy");
    Files.write(p, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2, 1, 1, 1), }",
        new byte[0]));
    assertEquals(List.of(), NpyFrames.read(p, Layout.NTHWC));
  }

  /**
   * Reliability issue, item 2: NpyFrames pre-allocated every sequence the header announced. A
   * tiny file announcing Moving MNIST's 10000 sequences is now refused before any sequence is
   * allocated; read from a stream (length unknown), sequences are created only as their data
   * arrives.
   */
  @Test
  void aHeaderClaimingManySequencesIsRefusedWithoutAllocatingThem() throws Exception {
    byte[] bytes = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 10000, 64, 64), }",
        new byte[100]);
    Path p = dir.resolve("mnist_claim.npy");
    Files.write(p, bytes);
    String expected = "mnist_claim.npy: expected 819200000 bytes of data, got 100";
    NpyTest.assertRefusedCheaply(() -> NpyFrames.read(p, Layout.TNHW), expected);
    NpyTest.assertRefusedCheaply(() -> NpyFrames.read(new java.io.ByteArrayInputStream(bytes),
        "mnist_claim.npy", Options.of(Layout.TNHW)), expected);
    // 1000 sequences of 20 frames of 64 x 64 floats: 328 MB claimed, 4 KB there.
    byte[] nthwc = npy("{'descr': '<f4', 'fortran_order': False, "
        + "'shape': (1000, 20, 64, 64, 1), }", new byte[4096]);
    NpyTest.assertRefusedCheaply(() -> NpyFrames.read(new java.io.ByteArrayInputStream(nthwc),
        "n.npy", Options.of(Layout.NTHWC)), "n.npy: expected 327680000 bytes of data, got 4096");
  }

  @Test
  void aFileLongerThanItsHeaderSaysIsRefused() throws Exception {
    Path p = dir.resolve("extra.npy");
    byte[] all = mnistLike();
    Files.write(p, Arrays.copyOf(all, all.length + 2));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> NpyFrames.read(p, Options.of(Layout.TNHW).withMaxSequences(1)));
    assertTrue(e.getMessage().contains("extra.npy: expected 48 bytes of data, got 50"),
        e.getMessage());
  }

  @Test
  void optionsValidate() {
    assertThrows(IllegalArgumentException.class,
        () -> Options.of(Layout.THW).withMaxSequences(0));
  }

  private Path writeNpy(byte[] bytes) throws Exception {
    Path p = Files.createTempFile(dir, "x", ".npy");
    Files.write(p, bytes);
    return p;
  }
}

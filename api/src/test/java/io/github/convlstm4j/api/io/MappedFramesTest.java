package io.github.convlstm4j.api.io;

import static io.github.convlstm4j.api.io.NpyTest.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.NpyFrames.Layout;
import io.github.convlstm4j.api.io.NpyFrames.Options;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory-mapped frames: every expected value is written into the file byte by byte by the test
 * and computed by hand (or, for the chunking, compared with the streaming {@link NpyFrames}
 * reader, an independent implementation).
 */
class MappedFramesTest {
  @TempDir Path dir;

  /** (N=2, T=3, H=2, W=2, C=1) uint8, value = 10·n + 4·t + pixel (0..23 + 10). */
  static byte[] uint8Nthwc() {
    byte[] d = new byte[2 * 3 * 4];
    int i = 0;
    for (int n = 0; n < 2; n++) {
      for (int t = 0; t < 3; t++) {
        for (int p = 0; p < 4; p++) {
          d[i++] = (byte) (10 * n + 4 * t + p);
        }
      }
    }
    return npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 2, 2, 1), }", d);
  }

  /** uint8 scaling: times the float nearest 1/255, as {@link NpyFrames} scales. */
  static final float S = 1f / 255f;

  float[] frame(MappedFrames m, int s, int t) {
    float[] f = new float[m.frameShape().size()];
    m.readFrame(s, t, f, 0);
    return f;
  }

  @Test
  void uint8NthwcFramesByHand() throws Exception {
    Path p = dir.resolve("u8.npy");
    Files.write(p, uint8Nthwc());
    try (MappedFrames m = MappedFrames.open(p, Layout.NTHWC)) {
      assertEquals(2, m.sequences());
      assertEquals(3, m.frames());
      assertEquals("2x2x1", m.frameShape().toString());
      // Sequence 1, frame 2: bytes 10 + 8 + p = 18, 19, 20, 21, divided by 255.
      assertArrayEquals(new float[] {18 * S, 19 * S, 20 * S, 21 * S}, frame(m, 1, 2));
      assertArrayEquals(new float[] {0, 1 * S, 2 * S, 3 * S}, frame(m, 0, 0));
      // An offset into a larger array.
      float[] dest = new float[6];
      m.readFrame(0, 1, dest, 2);
      assertArrayEquals(new float[] {0, 0, 4 * S, 5 * S, 6 * S, 7 * S}, dest);
    }
    try (MappedFrames m = MappedFrames.open(p,
        Options.of(Layout.NTHWC).withScaling(NpyFrames.Scaling.NONE))) {
      assertArrayEquals(new float[] {18, 19, 20, 21}, frame(m, 1, 2));
    }
  }

  @Test
  void tnhwIsReadAsIsLikeMovingMnist() throws Exception {
    // (T=2, N=3, H=1, W=2) uint8: value = 100·t + 10·n + col.
    byte[] d = new byte[2 * 3 * 2];
    int i = 0;
    for (int t = 0; t < 2; t++) {
      for (int n = 0; n < 3; n++) {
        for (int c = 0; c < 2; c++) {
          d[i++] = (byte) (100 * t + 10 * n + c);
        }
      }
    }
    Path p = dir.resolve("mnist_test_seq.npy");
    Files.write(p, npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 1, 2), }", d));
    try (MappedFrames m = MappedFrames.open(p,
        Options.of(Layout.TNHW).withScaling(NpyFrames.Scaling.NONE))) {
      assertEquals(3, m.sequences());
      assertEquals(2, m.frames());
      assertArrayEquals(new float[] {120, 121}, frame(m, 2, 1));
      assertArrayEquals(new float[] {10, 11}, frame(m, 1, 0));
    }
    // Keeping the first 2 sequences does not change where sequence 1 lies.
    try (MappedFrames m = MappedFrames.open(p,
        Options.of(Layout.TNHW).withScaling(NpyFrames.Scaling.NONE).withMaxSequences(2))) {
      assertEquals(2, m.sequences());
      assertArrayEquals(new float[] {110, 111}, frame(m, 1, 1));
    }
  }

  @Test
  void bigEndianFloat32Float64AndUint16() throws Exception {
    // THWC (T=2, H=1, W=1, C=2).
    ByteBuffer f4 = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
    f4.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(1e-3f);
    Path p4 = dir.resolve("be.npy");
    Files.write(p4, npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 1, 1, 2), }",
        f4.array()));
    try (MappedFrames m = MappedFrames.open(p4, Layout.THWC)) {
      assertEquals(1, m.sequences());
      assertArrayEquals(new float[] {3.25f, 1e-3f}, frame(m, 0, 1));
    }
    ByteBuffer f8 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    f8.putDouble(0.1).putDouble(2.5).putDouble(-7);
    Path p8 = dir.resolve("f8.npy");
    Files.write(p8, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1, 1), }",
        f8.array()));
    try (MappedFrames m = MappedFrames.open(p8, Layout.THW)) {
      assertArrayEquals(new float[] {(float) 0.1}, frame(m, 0, 0));
      assertArrayEquals(new float[] {-7f}, frame(m, 0, 2));
    }
    ByteBuffer u2 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
    u2.putShort((short) 1).putShort((short) 0xFFFF).putShort((short) 258).putShort((short) 0);
    Path pu = dir.resolve("u2.npy");
    Files.write(pu, npy("{'descr': '>u2', 'fortran_order': False, 'shape': (2, 1, 2), }",
        u2.array()));
    try (MappedFrames m = MappedFrames.open(pu, Layout.THW)) {
      assertArrayEquals(new float[] {1, 65535}, frame(m, 0, 0));
      assertArrayEquals(new float[] {258, 0}, frame(m, 0, 1));
    }
  }

  @Test
  void smallChunksGiveTheSameFramesAsTheStreamingReader() throws Exception {
    // 5 sequences of 7 frames of 3x5x2 float32 (30 values, 120 bytes per frame). Chunks of 52
    // bytes (13 floats) make most frames span 3 or 4 chunks.
    Random r = new Random(3);
    int n = 5;
    int t = 7;
    int size = 3 * 5 * 2;
    ByteBuffer b = ByteBuffer.allocate(n * t * size * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n * t * size; i++) {
      b.putFloat((float) r.nextGaussian());
    }
    Path p = dir.resolve("chunks.npy");
    Files.write(p, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 7, 3, 5, 2), }",
        b.array()));
    List<FrameSequence> all = NpyFrames.read(p, Layout.NTHWC);
    for (long chunk : new long[] {4, 52, 50, 120, 1 << 20}) {
      try (MappedFrames m = MappedFrames.open(p, Options.of(Layout.NTHWC), chunk)) {
        for (int s = 0; s < n; s++) {
          for (int f = 0; f < t; f++) {
            assertArrayEquals(all.get(s).frame(f).toArray(), frame(m, s, f),
                "chunk " + chunk + ", sequence " + s + ", frame " + f);
          }
        }
      }
    }
  }

  @Test
  void storedNpzMemberIsMappedCompressedOneIsRefused() throws Exception {
    Path p = dir.resolve("data.npz");
    try (NpzWriter w = NpzWriter.open(p, Npz.Compression.STORED)) {
      w.putEntry("notes.txt", "a note before the array".getBytes(StandardCharsets.UTF_8));
      w.putEntry("frames.npy", uint8Nthwc());
      w.commit();
    }
    try (MappedFrames m = MappedFrames.open(p, Layout.NTHWC)) {
      assertArrayEquals(new float[] {18 * S, 19 * S, 20 * S, 21 * S}, frame(m, 1, 2));
      assertTrue(m.source().endsWith("entry frames.npy"), m.source());
    }
    Path z = dir.resolve("compressed.npz");
    try (NpzWriter w = NpzWriter.open(z, Npz.Compression.DEFLATED)) {
      w.putEntry("frames.npy", uint8Nthwc());
      w.commit();
    }
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> MappedFrames.open(z, Layout.NTHWC));
    assertTrue(e.getMessage().contains(z + ": entry frames.npy"), e.getMessage());
    assertTrue(e.getMessage().contains("numpy.savez, not numpy.savez_compressed"),
        e.getMessage());
  }

  @Test
  void badFilesNameTheFileTheExpectedAndTheActualValue() throws Exception {
    Path truncated = dir.resolve("truncated.npy");
    byte[] whole = uint8Nthwc();
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 5));
    NpyFormatException e = assertThrows(NpyFormatException.class,
        () -> MappedFrames.open(truncated, Layout.NTHWC));
    assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expected 24 bytes of data, got 19"), e.getMessage());

    Path rank = dir.resolve("rank.npy");
    Files.write(rank, uint8Nthwc());
    e = assertThrows(NpyFormatException.class, () -> MappedFrames.open(rank, Layout.THWC));
    assertTrue(e.getMessage().contains(rank + ": layout THWC needs rank 4, got shape "
        + "[2, 3, 2, 2, 1]"), e.getMessage());

    Path i4 = dir.resolve("int32.npy");
    Files.write(i4, npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1, 1), }",
        new byte[4]));
    e = assertThrows(NpyFormatException.class, () -> MappedFrames.open(i4, Layout.THW));
    assertTrue(e.getMessage().contains(i4 + ": expected dtype float32, float64, uint8 or uint16"
        + " to map, got int32 ('<i4')"), e.getMessage());

    Path fortran = dir.resolve("fortran.npy");
    Files.write(fortran, npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 1, 2), }",
        new byte[4]));
    e = assertThrows(NpyFormatException.class, () -> MappedFrames.open(fortran, Layout.THW));
    assertTrue(e.getMessage().contains(fortran + ": expected C order"), e.getMessage());
    assertTrue(e.getMessage().contains("got Fortran order"), e.getMessage());
  }

  @Test
  void indicesAreCheckedAndCloseStopsReading() throws Exception {
    Path p = dir.resolve("u8.npy");
    Files.write(p, uint8Nthwc());
    MappedFrames m = MappedFrames.open(p, Layout.NTHWC);
    float[] f = new float[4];
    assertThrows(IndexOutOfBoundsException.class, () -> m.readFrame(2, 0, f, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> m.readFrame(0, 3, f, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> m.readFrame(0, 0, f, 1));
    m.close();
    m.close();
    assertThrows(IllegalStateException.class, () -> m.readFrame(0, 0, f, 0));
  }
}

package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameSequenceTest {

  @Test
  @DisplayName("requireUniformBatch returns the first sequence and rejects empty or mixed batches")
  void requireUniformBatch() {
    FrameSequence a = FrameSequence.zeros(2, FrameShape.of(3, 4, 1));
    FrameSequence b = FrameSequence.zeros(3, FrameShape.of(3, 4, 1));
    assertTrue(FrameSequence.requireUniformBatch(List.of(a, a), "inputs") == a);
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.requireUniformBatch(List.of(), "inputs"));
    assertTrue(empty.getMessage().contains("at least 1") && empty.getMessage().contains("got 0"),
        empty.getMessage());
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.requireUniformBatch(List.of(a, b), "inputs"));
    assertTrue(mixed.getMessage().contains("inputs[1]")
        && mixed.getMessage().contains("2x3x4x1") && mixed.getMessage().contains("3x3x4x1"),
        mixed.getMessage());
  }


  /** T=3, H=2, W=2, C=2: value at (t, r, c, ch) is 1000t + 100r + 10c + ch. */
  private static float[] coded(int frames) {
    float[] v = new float[frames * 8];
    for (int t = 0; t < frames; t++) {
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          for (int ch = 0; ch < 2; ch++) {
            v[((t * 2 + r) * 2 + c) * 2 + ch] = 1000 * t + 100 * r + 10 * c + ch;
          }
        }
      }
    }
    return v;
  }

  @Test
  @DisplayName("values are channels-last C-order and get() reads them by (t, row, col, ch)")
  void layout() {
    FrameSequence s = FrameSequence.of(3, 2, 2, 2, coded(3));
    assertEquals(3, s.frames());
    assertEquals(2, s.height());
    assertEquals(2, s.width());
    assertEquals(2, s.channels());
    assertEquals(24, s.size());
    assertEquals(new FrameShape(2, 2, 2), s.frameShape());
    assertEquals(2111f, s.get(2, 1, 1, 1));
    assertEquals(1010f, s.get(1, 0, 1, 0));
    assertEquals("3x2x2x2", s.shapeString());
    assertEquals("FrameSequence[3x2x2x2]", s.toString());
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(3, 0, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(0, 0, 2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> s.get(0, 0, 0, -1));
  }

  @Test
  @DisplayName("of() copies its input and toArray() hands out a copy")
  void copies() {
    float[] data = coded(1);
    FrameSequence s = FrameSequence.of(1, 2, 2, 2, data);
    data[0] = 77f;
    assertEquals(0f, s.get(0, 0, 0, 0));
    float[] out = s.toArray();
    out[1] = 55f;
    assertEquals(1f, s.get(0, 0, 0, 1));
    assertNotSame(s.toArray(), s.toArray());
    float[] dest = new float[10];
    s.copyTo(dest, 2);
    assertEquals(0f, dest[2]);
    assertEquals(111f, dest[9]);
    assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(new float[8], 1));
  }

  @Test
  @DisplayName("NaN and infinities are rejected naming the flat index and the position")
  void nonFinite() {
    float[] data = coded(3);
    int index = ((2 * 2 + 1) * 2 + 0) * 2 + 1; // t=2, row=1, col=0, channel=1
    data[index] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.of(3, 2, 2, 2, data));
    assertEquals("values must be finite, got NaN at index " + index
        + " (t=2, row=1, col=0, channel=1) of a 3x2x2x2 sequence", e.getMessage());
    data[index] = 0f;
    data[5] = Float.NEGATIVE_INFINITY;
    e = assertThrows(IllegalArgumentException.class, () -> FrameSequence.of(3, 2, 2, 2, data));
    assertTrue(e.getMessage().contains("-Infinity at index 5 (t=0, row=1, col=0, channel=1)"),
        e.getMessage());
  }

  @Test
  @DisplayName("a wrong data length names the expected and the actual length")
  void badLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.of(2, 2, 2, 2, new float[15]));
    assertEquals("data length must be 16 (2 frames of 2x2x2), got 15", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.of(0, 2, 2, 2, new float[0]));
    assertEquals("frames must be positive, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FrameSequence.of(1, 2, 0, 2, new float[0]));
    assertEquals("width must be positive, got 0", e.getMessage());
  }

  @Test
  @DisplayName("slices, single frames and the last frame are copies of the right frames")
  void slicing() {
    FrameSequence s = FrameSequence.of(3, 2, 2, 2, coded(3));
    FrameSequence mid = s.slice(1, 3);
    assertEquals(2, mid.frames());
    assertEquals(1000f, mid.get(0, 0, 0, 0));
    assertEquals(2111f, mid.get(1, 1, 1, 1));
    assertEquals(s.slice(2, 3), s.lastFrame());
    assertEquals(s.slice(1, 2), s.frame(1));
    assertEquals(s, s.slice(0, 3));
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> s.slice(2, 2));
    assertEquals("slice range must satisfy 0 <= from < to <= 3, got [2, 2)", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> s.slice(-1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> s.slice(0, 4));
  }

  @Test
  @DisplayName("concat and append join along time; frame shapes must agree")
  void concatenation() {
    FrameSequence s = FrameSequence.of(3, 2, 2, 2, coded(3));
    assertEquals(s, FrameSequence.concat(List.of(s.slice(0, 1), s.slice(1, 2), s.slice(2, 3))));
    assertEquals(s, s.slice(0, 2).append(s.slice(2, 3)));
    FrameSequence other = FrameSequence.zeros(1, new FrameShape(2, 2, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.append(other));
    assertEquals("frame shape of parts[1] must be 2x2x2, got 2x2x1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FrameSequence.concat(List.of()));
    assertEquals("concat needs at least one sequence, got 0", e.getMessage());
  }

  @Test
  @DisplayName("equals and hashCode are exact: -0.0 differs from 0.0 as in Arrays.equals")
  void exactEquality() {
    FrameSequence a = FrameSequence.of(1, 1, 2, 1, new float[] {0f, 1f});
    FrameSequence b = FrameSequence.of(1, 1, 2, 1, new float[] {0f, 1f});
    FrameSequence negZero = FrameSequence.of(1, 1, 2, 1, new float[] {-0f, 1f});
    FrameSequence close = FrameSequence.of(1, 1, 2, 1, new float[] {0f, Math.nextUp(1f)});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, negZero);
    assertNotEquals(a, close);
    // Same values, other shape.
    assertNotEquals(a, FrameSequence.of(1, 2, 1, 1, new float[] {0f, 1f}));
    assertNotEquals(a, FrameSequence.of(2, 1, 1, 1, new float[] {0f, 1f}));
    assertNotEquals(a, null);
    assertEquals(Math.ulp(1f), a.maxAbsDifference(close), 1e-12);
  }

  @Test
  @DisplayName("maxAbsDifference and requireSameShape name both shapes on a mismatch")
  void shapeChecks() {
    FrameSequence a = FrameSequence.of(1, 1, 2, 1, new float[] {0f, 1f});
    FrameSequence b = FrameSequence.of(1, 1, 2, 1, new float[] {0.5f, -1f});
    assertEquals(2.0, a.maxAbsDifference(b));
    FrameSequence c = FrameSequence.of(2, 1, 2, 1, new float[4]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> a.maxAbsDifference(c));
    assertEquals("shape must be 1x1x2x1, got 2x1x2x1", e.getMessage());
  }

  @Test
  @DisplayName("zeros() builds an all-zero sequence")
  void zeros() {
    FrameSequence z = FrameSequence.zeros(2, FrameShape.of(3, 4, 1));
    assertEquals("2x3x4x1", z.shapeString());
    assertArrayEquals(new float[24], z.toArray());
  }

  @Test
  @DisplayName("FrameShape validates sizes and indexes channels-last")
  void frameShape() {
    FrameShape s = FrameShape.of(4, 5, 3);
    assertEquals(60, s.size());
    assertEquals((2 * 5 + 3) * 3 + 1, s.index(2, 3, 1));
    assertEquals("4x5x3", s.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FrameShape.of(4, 5, 0));
    assertEquals("channels must be positive, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FrameShape.of(-1, 5, 1));
    assertEquals("height must be positive, got -1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FrameShape.of(70_000, 70_000, 1));
  }
}

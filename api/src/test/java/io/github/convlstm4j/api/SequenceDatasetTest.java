package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SequenceDatasetTest {

  /** Sample i: input 2x1x2x1 filled with i, target 1x1x2x1 filled with -i. */
  private static SequenceDataset numbered(int n) {
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] a = new float[4];
      Arrays.fill(a, i);
      float[] b = new float[2];
      Arrays.fill(b, -i);
      in.add(FrameSequence.of(2, 1, 2, 1, a));
      out.add(FrameSequence.of(1, 1, 2, 1, b));
    }
    return SequenceDataset.of(in, out);
  }

  private static int id(SequenceDataset d, int index) {
    return (int) d.get(index).input().get(0, 0, 0, 0);
  }

  @Test
  @DisplayName("split takes the LAST fraction as validation, like Keras validation_split")
  void splitTakesLast() {
    SequenceDataset.Split s = numbered(100).split(0.05);
    assertEquals(95, s.training().size());
    assertEquals(5, s.validation().size());
    for (int i = 0; i < 95; i++) {
      assertEquals(i, id(s.training(), i));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(95 + i, id(s.validation(), i));
    }
    // Keras: split_at = int(n * (1 - fraction)); 10 * 0.7 = 7 training samples.
    assertEquals(7, numbered(10).split(0.3).training().size());
    assertEquals(1000, numbered(1000).split(0.0).training().size());
    assertTrue(numbered(1000).split(0.0).validation().isEmpty());
    // The seed: 1000 movies, 0.05 -> 950 training and 50 validation.
    assertEquals(950, numbered(1000).split(0.05).training().size());
  }

  @Test
  @DisplayName("split rejects fractions outside [0, 1) with the value")
  void splitValidation() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> numbered(3).split(1.0));
    assertEquals("fraction must be in [0, 1), got 1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> numbered(3).split(-0.1));
  }

  @Test
  @DisplayName("epochOrder is a reproducible permutation that differs across epochs and seeds")
  void epochOrder() {
    SequenceDataset d = numbered(50);
    int[] e0 = d.epochOrder(true, 7, 0);
    int[] sorted = e0.clone();
    Arrays.sort(sorted);
    int[] identity = new int[50];
    Arrays.setAll(identity, i -> i);
    assertArrayEquals(identity, sorted, "a permutation");
    assertFalse(Arrays.equals(identity, e0), "shuffled");
    assertArrayEquals(e0, d.epochOrder(true, 7, 0), "reproducible");
    assertFalse(Arrays.equals(e0, d.epochOrder(true, 7, 1)), "differs across epochs");
    assertFalse(Arrays.equals(e0, d.epochOrder(true, 8, 0)), "differs across seeds");
    // (seed, epoch) pairs with equal sums must still differ.
    assertFalse(Arrays.equals(d.epochOrder(true, 0, 1), d.epochOrder(true, 1, 0)));
    assertArrayEquals(identity, d.epochOrder(false, 7, 3), "identity without shuffle");
  }

  @Test
  @DisplayName("packBatch writes samples order[from..from+count) contiguously as [N, T, H, W, C]")
  void packBatch() {
    SequenceDataset d = numbered(6);
    int[] order = {5, 3, 1, 0, 2, 4};
    float[] in = new float[3 * 4 + 1];
    float[] out = new float[3 * 2];
    Arrays.fill(in, 99f);
    d.packBatch(order, 1, 3, in, out);
    assertArrayEquals(new float[] {3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 99}, in);
    assertArrayEquals(new float[] {-3, -3, -1, -1, 0f, 0f}, out);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.packBatch(order, 0, 4, in, out));
    assertEquals("batch buffers must hold 16 and 8 floats, got 13 and 6", e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> SequenceDataset.of(List.of()).packBatch(new int[0], 0, 0, in, out));
  }

  @Test
  @DisplayName("samples must share shapes; the first odd one is named with both shapes")
  void shapeValidation() {
    FrameSequence a = FrameSequence.zeros(2, FrameShape.of(1, 2, 1));
    FrameSequence b = FrameSequence.zeros(3, FrameShape.of(1, 2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SequenceDataset.of(List.of(a, a, b), List.of(a, a, a)));
    assertEquals("input of sample 2 must be 2x1x2x1, got 3x1x2x1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SequenceDataset.of(List.of(a, a), List.of(a, b)));
    assertEquals("target of sample 1 must be 2x1x2x1, got 3x1x2x1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SequenceDataset.of(List.of(a, a), List.of(a)));
    assertEquals("targets must number 2 like the inputs, got 1", e.getMessage());
  }

  @Test
  @DisplayName("accessors: size, get, subset, inputs, targets, toString; lists are unmodifiable")
  void accessors() {
    SequenceDataset d = numbered(4);
    assertEquals(4, d.size());
    assertFalse(d.isEmpty());
    assertEquals(2, id(d, 2));
    assertEquals(2, d.subset(1, 3).size());
    assertEquals(1, id(d.subset(1, 3), 0));
    assertEquals(4, d.inputs().size());
    assertEquals(-3f, d.targets().get(3).get(0, 0, 1, 0));
    assertThrows(UnsupportedOperationException.class, () -> d.samples().remove(0));
    assertThrows(UnsupportedOperationException.class, () -> d.inputs().remove(0));
    assertThrows(IndexOutOfBoundsException.class, () -> d.get(4));
    assertEquals("SequenceDataset[4 samples, input 2x1x2x1, target 1x1x2x1]", d.toString());
    assertEquals("SequenceDataset[0 samples]", SequenceDataset.of(List.of()).toString());
  }

  @Test
  @DisplayName("the dataset keeps its own copy of the sample list")
  void copiesList() {
    FrameSequence a = FrameSequence.zeros(1, FrameShape.of(1, 1, 1));
    List<SequenceDataset.Sample> samples = new ArrayList<>();
    samples.add(new SequenceDataset.Sample(a, a));
    SequenceDataset d = SequenceDataset.of(samples);
    samples.add(new SequenceDataset.Sample(a, a));
    assertEquals(1, d.size());
  }
}

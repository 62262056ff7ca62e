package io.github.convlstm4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.TrainingData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windows over frames whose one pixel holds {@code 100·sequence + frame}, so every packed value
 * names the frame it came from; expected values are worked out by hand from the window rules.
 */
class FrameWindowsTest {

  /** N sequences of T one-pixel frames, value 100·n + t. */
  static FrameSource labelled(int n, int t) {
    List<FrameSequence> seqs = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      float[] d = new float[t];
      for (int f = 0; f < t; f++) {
        d[f] = 100 * s + f;
      }
      seqs.add(FrameSequence.of(t, 1, 1, 1, d));
    }
    return FrameSource.of(seqs);
  }

  static float[][] pack(FrameWindows w, int window) {
    float[] in = new float[w.spec().inputFrames()];
    float[] out = new float[w.spec().targetFrames()];
    w.packBatch(new int[] {window}, 0, 1, in, out);
    return new float[][] {in, out};
  }

  @Test
  void kerasPairsOnALongSeries() {
    // T = 10, L = 3, next, stride 2: span 4, starts 0, 2, 4, 6 (6 + 4 = 10 fits, 8 does not).
    FrameWindows w = FrameWindows.of(labelled(1, 10), FrameWindows.Spec.next(3, 2));
    assertEquals(4, w.size());
    assertEquals("3x1x1x1", w.inputShape().toString());
    assertEquals("3x1x1x1", w.targetShape().toString());
    assertArrayEquals(new float[] {4, 5, 6}, pack(w, 2)[0]);
    assertArrayEquals(new float[] {5, 6, 7}, pack(w, 2)[1]);
    assertArrayEquals(new float[] {6, 7, 8}, pack(w, 3)[0]);
    assertArrayEquals(new float[] {7, 8, 9}, pack(w, 3)[1]);
  }

  @Test
  void futureFramesAcrossSequencesNeverCrossABoundary() {
    // N = 2, T = 5, L = 2, future:2, stride 1: span 4, starts 0 and 1 per sequence.
    FrameWindows w = FrameWindows.of(labelled(2, 5), FrameWindows.Spec.future(2, 2, 1));
    assertEquals(4, w.size());
    assertEquals("2x1x1x1", w.targetShape().toString());
    assertArrayEquals(new float[] {1, 2}, pack(w, 1)[0]);
    assertArrayEquals(new float[] {3, 4}, pack(w, 1)[1]);
    assertArrayEquals(new float[] {100, 101}, pack(w, 2)[0]);
    assertArrayEquals(new float[] {102, 103}, pack(w, 2)[1]);
    assertArrayEquals(new float[] {103, 104}, pack(w, 3)[1]);
    // A batch of two in a given order lands in slots 0 and 1.
    float[] in = new float[4];
    float[] out = new float[4];
    w.packBatch(new int[] {9, 3, 0}, 1, 2, in, out);
    assertArrayEquals(new float[] {101, 102, 0, 1}, in);
    assertArrayEquals(new float[] {103, 104, 2, 3}, out);
  }

  @Test
  void targetsParseAndSpansAreCounted() {
    assertEquals(FrameWindows.Spec.next(4, 1), FrameWindows.Spec.parse(4, "next", 1));
    assertEquals(FrameWindows.Spec.future(4, 3, 2), FrameWindows.Spec.parse(4, "future:3", 2));
    assertEquals(5, FrameWindows.Spec.next(4, 1).span());
    assertEquals(7, FrameWindows.Spec.future(4, 3, 1).span());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameWindows.Spec.parse(4, "later", 1));
    assertTrue(e.getMessage().contains("got 'later'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FrameWindows.Spec.parse(4, "future:0", 1));
    assertThrows(IllegalArgumentException.class, () -> FrameWindows.Spec.next(0, 1));
    assertThrows(IllegalArgumentException.class, () -> FrameWindows.Spec.next(2, 0));
  }

  /** The (sequence, frame) pairs every window of a part uses, read back from packed values. */
  static List<int[]> framesUsed(FrameWindows w) {
    List<int[]> used = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      float[][] p = pack(w, i);
      for (float[] part : p) {
        for (float v : part) {
          used.add(new int[] {(int) v / 100, (int) v % 100});
        }
      }
    }
    return used;
  }

  @Test
  void timeSplitPartsUseDisjointFramesInOrder() {
    for (int t : new int[] {20, 37, 50}) {
      for (int l : new int[] {1, 3, 5}) {
        for (int stride : new int[] {1, 2, 4}) {
          for (boolean next : new boolean[] {true, false}) {
            FrameWindows.Spec spec = next ? FrameWindows.Spec.next(l, stride)
                : FrameWindows.Spec.future(l, 2, stride);
            FrameWindows.Parts parts =
                FrameWindows.of(labelled(1, t), spec).split(0.6, 0.2, 0.2);
            String what = "T " + t + ", " + spec;
            List<int[]> train = framesUsed(parts.training());
            List<int[]> val = framesUsed(parts.validation());
            List<int[]> test = framesUsed(parts.test());
            assertTrue(!train.isEmpty(), what);
            int maxTrain = train.stream().mapToInt(f -> f[1]).max().orElse(-1);
            int minVal = val.stream().mapToInt(f -> f[1]).min().orElse(Integer.MAX_VALUE);
            int maxVal = val.stream().mapToInt(f -> f[1]).max().orElse(-1);
            int minTest = test.stream().mapToInt(f -> f[1]).min().orElse(Integer.MAX_VALUE);
            assertTrue(maxTrain < minVal && maxTrain < minTest, what);
            assertTrue(maxVal < minTest, what);
            // The cuts by hand: round(T·0.8) for the test part, then round(cut·0.75).
            int cutTest = (int) Math.round(t * 0.8);
            int cutVal = (int) Math.round(cutTest * (1 - 0.2 / 0.8));
            assertTrue(maxTrain < cutVal && (val.isEmpty() || minVal >= cutVal), what);
            assertTrue(maxVal < cutTest && (test.isEmpty() || minTest >= cutTest), what);
            // Only straddling windows are dropped: starts in (cut - span, cut) on the stride
            // grid, at most ceil((span - 1) / stride) per cut.
            int all = FrameWindows.of(labelled(1, t), spec).size();
            int kept = parts.training().size() + parts.validation().size() + parts.test().size();
            int perCut = (spec.span() - 1 + stride - 1) / stride;
            assertTrue(all - kept <= 2 * perCut, what + ": dropped " + (all - kept));
          }
        }
      }
    }
  }

  @Test
  void exampleTimeSplitByHand() {
    // T = 20, L = 2, next (span 3), stride 1; split 0.6 / 0.2 / 0.2: test from frame 16,
    // validation from round(16 · 0.75) = 12. Training starts 0..9 (9 + 3 = 12), validation
    // 12..13, test 16..17.
    FrameWindows.Parts parts = FrameWindows.of(labelled(1, 20), FrameWindows.Spec.next(2, 1))
        .split(0.6, 0.2, 0.2);
    assertEquals(10, parts.training().size());
    assertEquals(2, parts.validation().size());
    assertEquals(2, parts.test().size());
    assertEquals(12, parts.validation().startOf(0));
    assertEquals(17, parts.test().startOf(1));
    // fit's split of the training-plus-validation part is the same cut.
    FrameWindows head = FrameWindows.of(labelled(1, 20), FrameWindows.Spec.next(2, 1))
        .withoutTest(0.2);
    TrainingData.Split s = head.split(FrameWindows.validationShare(0.6, 0.2));
    assertEquals(10, s.training().size());
    assertEquals(2, s.validation().size());
  }

  @Test
  void sequenceSplitKeepsWholeSequences() {
    // 10 sequences of 6 frames, L = 2, next, stride 2: starts 0, 2 per sequence.
    FrameWindows w = FrameWindows.of(labelled(10, 6), FrameWindows.Spec.next(2, 2));
    assertEquals(FrameWindows.SplitBy.SEQUENCES, w.splitBy());
    FrameWindows.Parts parts = w.split(0.8, 0.1, 0.1);
    assertEquals(16, parts.training().size());
    assertEquals(2, parts.validation().size());
    assertEquals(2, parts.test().size());
    assertTrue(framesUsed(parts.training()).stream().allMatch(f -> f[0] < 8));
    assertTrue(framesUsed(parts.validation()).stream().allMatch(f -> f[0] == 8));
    assertTrue(framesUsed(parts.test()).stream().allMatch(f -> f[0] == 9));
    // By time instead: every sequence is cut at the same frame.
    FrameWindows.Split byTime = w.withSplitBy(FrameWindows.SplitBy.TIME).split(0.5);
    assertTrue(framesUsed(byTime.training()).stream().allMatch(f -> f[1] < 3));
    assertTrue(framesUsed(byTime.validation()).stream().allMatch(f -> f[1] >= 3));
  }

  @Test
  void badFractionsAreRefused() {
    FrameWindows w = FrameWindows.of(labelled(1, 10), FrameWindows.Spec.next(2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.split(0.8, 0.1, 0.2));
    assertTrue(e.getMessage().contains("got 0.8, 0.1, 0.2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w.split(0, 0.5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> w.split(1.0));
  }

  @Test
  void normalizationIsFittedOnTheTrainingPartAndAppliedToInputsAndTargets() {
    // Series 0..19; training part of split(0.5) is frames 0..9: min 0, max 9.
    FrameWindows w = FrameWindows.of(labelled(1, 20), FrameWindows.Spec.next(2, 1));
    FrameWindows.Split s = w.split(0.5);
    Normalization n = s.training().fitNormalization(Normalization.Method.MINMAX, false);
    assertEquals(1 / 9.0, n.scale(), 1e-15);
    assertEquals(0, n.offset(), 0);
    FrameWindows v = s.validation().withNormalization(n);
    // Validation window 0 starts at frame 10: inputs x · (1/9) for x = 10, 11; targets 11, 12.
    float[][] p = pack(v, 0);
    assertArrayEquals(new float[] {(float) (10 * (1 / 9.0)), (float) (11 * (1 / 9.0))}, p[0]);
    assertArrayEquals(new float[] {(float) (11 * (1 / 9.0)), (float) (12 * (1 / 9.0))}, p[1]);
  }

  @Test
  void epochOrderIsSequenceDatasetsOrder() {
    FrameWindows w = FrameWindows.of(labelled(1, 30), FrameWindows.Spec.next(2, 1));
    assertArrayEquals(TrainingData.epochOrder(w.size(), true, 5, 1),
        w.epochOrder(true, 5, 1));
    int[] identity = w.epochOrder(false, 5, 1);
    for (int i = 0; i < identity.length; i++) {
      assertEquals(i, identity[i]);
    }
  }
}

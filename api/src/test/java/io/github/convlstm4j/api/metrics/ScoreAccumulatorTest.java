package io.github.convlstm4j.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.metrics.ScoreConfig.FssScale;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScoreAccumulatorTest {

  /*
   * Two steps of 2x2 frames, values chosen as exact binary fractions (hand calculation):
   *   step 1: prediction [0.75, 0.25, 0.75, 0.5], truth [1, 0.75, 0, 0.25]
   *     events (> 0.5): prediction Y N Y N (0.5 is not > 0.5), truth Y Y N N
   *     -> H = 1 (pixel 0), M = 1 (pixel 1), F = 1 (pixel 2), R = 1 (pixel 3)
   *     POD = 1/2, FAR = 1/2, CSI = 1/3, Hr = 2*2/4 = 1, ETS = (1-1)/(3-1) = 0,
   *     HSS = 2(1*1 - 1*1)/(2*2 + 2*2) = 0
   *     errors -0.25, -0.5, 0.75, 0.25: squared sum 15/16 -> MSE 15/64, frame sum 15/16;
   *     absolute sum 1.75 -> MAE 0.4375, frame sum 1.75
   *   step 2: prediction [1, 1, 1, 0], truth [1, 1, 0.25, 0]
   *     H = 2, F = 1, M = 0, R = 1: POD = 1, FAR = 1/3, CSI = 2/3, Hr = (2)(3)/4 = 1.5,
   *     ETS = 0.5/(3 - 1.5) = 1/3, HSS = 2(2*1 - 1*0)/((2)(1) + (3)(2)) = 1/2
   *     errors 0, 0, 0.75, 0: squared sum 9/16 -> MSE 9/64; absolute sum 0.75 -> MAE 3/16
   */
  private static final FrameSequence PRED = FrameSequence.of(2, 2, 2, 1,
      new float[] {0.75f, 0.25f, 0.75f, 0.5f, 1f, 1f, 1f, 0f});
  private static final FrameSequence TRUTH = FrameSequence.of(2, 2, 2, 1,
      new float[] {1f, 0.75f, 0f, 0.25f, 1f, 1f, 0.25f, 0f});

  private static ScoreConfig small(int horizon) {
    return ScoreConfig.of(horizon).withSsim(false).withThresholds(0.5)
        .withFss(new FssScale(0.5, 1), new FssScale(0.5, 3));
  }

  @Test
  @DisplayName("contingency tables and scores on 2x2 frames match the hand calculation")
  void contingencyByHand() {
    ScoreTable t = new ScoreAccumulator(small(2)).add(PRED, TRUTH).result();
    ContingencyTable s1 = t.step(1).contingency(0.5);
    assertEquals(new ContingencyTable(0.5, 1, 1, 1, 1), s1);
    assertEquals(0.5, s1.pod(), 1e-15);
    assertEquals(0.5, s1.far(), 1e-15);
    assertEquals(1.0 / 3, s1.csi(), 1e-15);
    assertEquals(0.0, s1.ets(), 1e-15);
    assertEquals(0.0, s1.hss(), 1e-15);
    ContingencyTable s2 = t.step(2).contingency(0.5);
    assertEquals(new ContingencyTable(0.5, 2, 0, 1, 1), s2);
    assertEquals(1.0, s2.pod(), 1e-15);
    assertEquals(1.0 / 3, s2.far(), 1e-15);
    assertEquals(2.0 / 3, s2.csi(), 1e-15);
    assertEquals(1.0 / 3, s2.ets(), 1e-15);
    assertEquals(0.5, s2.hss(), 1e-15);
  }

  @Test
  @DisplayName("MSE and MAE in both conventions and PSNR match the hand calculation")
  void errorsByHand() {
    ScoreTable t = new ScoreAccumulator(small(2)).add(PRED, TRUTH).result();
    StepScores s1 = t.step(1);
    assertEquals(1, s1.frames());
    assertEquals(15.0 / 64, s1.mse(), 1e-15);
    assertEquals(15.0 / 16, s1.mseFrameSum(), 1e-15);
    assertEquals(0.4375, s1.mae(), 1e-15);
    assertEquals(1.75, s1.maeFrameSum(), 1e-15);
    assertEquals(10 * Math.log10(64.0 / 15), s1.psnr(), 1e-12);
    assertTrue(Double.isNaN(s1.ssim()), "SSIM off gives NaN");
    StepScores s2 = t.step(2);
    assertEquals(9.0 / 64, s2.mse(), 1e-15);
    assertEquals(3.0 / 16, s2.mae(), 1e-15);
  }

  @Test
  @DisplayName("FSS at window 1 and 3 on 2x2 frames matches the hand calculation")
  void fssByHand() {
    /*
     * Step 1, threshold 0.5 with >= (the FSS convention): prediction events 1 0 1 1 (0.5 counts),
     * truth 1 1 0 0. Window 1: sum (Pf-Po)^2 = 3, sum Pf^2 = 3, sum Po^2 = 2, FSS = 1 - 3/5.
     * Window 3 with zero padding covers the whole 2x2 frame from every pixel: Pf = 3/9,
     * Po = 2/9 at all 4 pixels: sums 4/81, 36/81, 16/81, FSS = 1 - 4/52 = 12/13.
     */
    StepScores s1 = new ScoreAccumulator(small(2)).add(PRED, TRUTH).result().step(1);
    FssScore w1 = s1.fss(0.5, 1);
    assertEquals(3, w1.sumSquaredDifference(), 1e-15);
    assertEquals(3, w1.sumForecastSquared(), 1e-15);
    assertEquals(2, w1.sumObservedSquared(), 1e-15);
    assertEquals(0.4, w1.fss(), 1e-15);
    FssScore w3 = s1.fss(0.5, 3);
    assertEquals(4.0 / 81, w3.sumSquaredDifference(), 1e-15);
    assertEquals(36.0 / 81, w3.sumForecastSquared(), 1e-15);
    assertEquals(16.0 / 81, w3.sumObservedSquared(), 1e-15);
    assertEquals(12.0 / 13, w3.fss(), 1e-15);
  }

  @Test
  @DisplayName("scores with a zero denominator are NaN, and empty steps are NaN with 0 frames")
  void undefinedCases() {
    FrameSequence zeros = FrameSequence.zeros(1, FrameShape.of(2, 2, 1));
    ScoreTable t = new ScoreAccumulator(small(2)).add(zeros, zeros).result();
    ContingencyTable c = t.step(1).contingency(0.5);
    assertEquals(new ContingencyTable(0.5, 0, 0, 0, 4), c);
    for (double v : new double[] {c.pod(), c.far(), c.csi(), c.ets(), c.hss()}) {
      assertTrue(Double.isNaN(v), "0/0 must be NaN, got " + v);
    }
    assertTrue(Double.isNaN(t.step(1).fss(0.5, 3).fss()));
    assertEquals(Double.POSITIVE_INFINITY, t.step(1).psnr(), "exact frame: PSNR +Infinity");
    StepScores empty = t.step(2);
    assertEquals(0, empty.frames());
    assertTrue(Double.isNaN(empty.mse()) && Double.isNaN(empty.maeFrameSum())
        && Double.isNaN(empty.psnr()));
    assertEquals(new ContingencyTable(0.5, 0, 0, 0, 0), empty.contingency(0.5));
  }

  @Test
  @DisplayName("FSS equals an independent brute-force implementation (windows 1, 3, 5, 2 channels)")
  void fssAgainstBruteForce() {
    SplittableRandom r = new SplittableRandom(7);
    FrameShape shape = FrameShape.of(9, 11, 2);
    List<FssScale> scales = List.of(new FssScale(0.3, 1), new FssScale(0.3, 3),
        new FssScale(0.6, 5), new FssScale(0.6, 21));
    ScoreConfig cfg = ScoreConfig.of(3).withSsim(false)
        .withFss(scales.toArray(new FssScale[0]));
    ScoreAccumulator acc = new ScoreAccumulator(cfg);
    List<FrameSequence[]> pairs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      FrameSequence[] pair = {random(r, 3, shape), random(r, 3, shape)};
      pairs.add(pair);
      acc.add(pair[0], pair[1]);
    }
    ScoreTable t = acc.result();
    for (int step = 0; step < 3; step++) {
      for (FssScale s : scales) {
        double[] expected = new double[3];
        for (FrameSequence[] pair : pairs) {
          bruteForceFss(pair[0], pair[1], step, s.threshold(), s.window(), expected);
        }
        FssScore got = t.step(step + 1).fss(s.threshold(), s.window());
        assertEquals(expected[0], got.sumSquaredDifference(), 1e-12 * expected[1]);
        assertEquals(expected[1], got.sumForecastSquared(), 1e-12 * expected[1]);
        assertEquals(expected[2], got.sumObservedSquared(), 1e-12 * expected[2]);
        assertEquals(1 - expected[0] / (expected[1] + expected[2]), got.fss(), 1e-12);
      }
    }
  }

  /**
   * Roberts and Lean's fractions written directly: for each pixel, walk the whole window,
   * count events (>= threshold) inside the frame, divide by window^2.
   */
  private static void bruteForceFss(FrameSequence f, FrameSequence o, int t, double thr,
      int window, double[] sums) {
    int half = window / 2;
    for (int c = 0; c < f.channels(); c++) {
      for (int row = 0; row < f.height(); row++) {
        for (int col = 0; col < f.width(); col++) {
          double pf = 0;
          double po = 0;
          for (int dr = -half; dr <= half; dr++) {
            for (int dc = -half; dc <= half; dc++) {
              int rr = row + dr;
              int cc = col + dc;
              if (rr < 0 || cc < 0 || rr >= f.height() || cc >= f.width()) {
                continue;
              }
              pf += f.get(t, rr, cc, c) >= thr ? 1 : 0;
              po += o.get(t, rr, cc, c) >= thr ? 1 : 0;
            }
          }
          pf /= window * window;
          po /= window * window;
          sums[0] += (pf - po) * (pf - po);
          sums[1] += pf * pf;
          sums[2] += po * po;
        }
      }
    }
  }

  @Test
  @DisplayName("MSE, MAE, PSNR and SSIM per step equal the means of Metrics' per-frame values")
  void agreesWithMetrics() {
    SplittableRandom r = new SplittableRandom(11);
    FrameShape shape = FrameShape.of(12, 10, 1);
    ScoreAccumulator acc = new ScoreAccumulator(ScoreConfig.of(4));
    double[][] sums = new double[4][4];
    int n = 5;
    for (int i = 0; i < n; i++) {
      FrameSequence p = random(r, 4, shape);
      FrameSequence y = random(r, 4, shape);
      acc.add(p, y);
      double[][] per = {Metrics.msePerFrame(p, y), Metrics.maePerFrame(p, y),
          Metrics.psnrPerFrame(p, y, 1), Metrics.ssimPerFrame(p, y)};
      for (int k = 0; k < 4; k++) {
        for (int s = 0; s < 4; s++) {
          sums[k][s] += per[k][s];
        }
      }
    }
    ScoreTable t = acc.result();
    for (int s = 0; s < 4; s++) {
      StepScores st = t.step(s + 1);
      assertEquals(sums[0][s] / n, st.mse(), 1e-12);
      assertEquals(sums[0][s] / n * shape.size(), st.mseFrameSum(), 1e-10);
      assertEquals(sums[1][s] / n, st.mae(), 1e-12);
      assertEquals(sums[1][s] / n * shape.size(), st.maeFrameSum(), 1e-10);
      assertEquals(sums[2][s] / n, st.psnr(), 1e-10);
      assertEquals(sums[3][s] / n, st.ssim(), 1e-12);
    }
  }

  @Test
  @DisplayName("merge(a, b) equals one pass over a and b, bit for bit, in any grouping")
  void mergeIsExact() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    FrameShape shape = FrameShape.of(8, 8, 1);
    ScoreConfig cfg = ScoreConfig.of(3).withThresholds(0.2, 0.7)
        .withFss(new FssScale(0.5, 3));
    List<FrameSequence[]> pairs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // Scales spread over orders of magnitude so a plain double sum would depend on order.
      double scale = Math.pow(10, r.nextInt(-3, 4));
      int frames = 1 + r.nextInt(3);
      pairs.add(new FrameSequence[] {scaled(random(r, frames, shape), scale),
          random(r, frames, shape)});
    }
    ScoreAccumulator one = new ScoreAccumulator(cfg);
    for (FrameSequence[] p : pairs) {
      one.add(p[0], p[1]);
    }
    ScoreAccumulator a = new ScoreAccumulator(cfg);
    ScoreAccumulator b = new ScoreAccumulator(cfg);
    ScoreAccumulator c = new ScoreAccumulator(cfg);
    for (int i = 0; i < pairs.size(); i++) {
      ScoreAccumulator target = i % 3 == 0 ? a : i % 3 == 1 ? b : c;
      target.add(pairs.get(i)[0], pairs.get(i)[1]);
    }
    ScoreTable expected = one.result();
    ScoreAccumulator cViaSerialization = roundTrip(c);
    assertEquals(expected, new ScoreAccumulator(cfg).merge(c).merge(b).merge(a).result());
    assertEquals(expected, roundTrip(a).merge(roundTrip(b)).merge(cViaSerialization).result());
    ScoreAccumulator reversed = new ScoreAccumulator(cfg);
    List<FrameSequence[]> rev = new ArrayList<>(pairs);
    Collections.reverse(rev);
    for (FrameSequence[] p : rev) {
      reversed.add(p[0], p[1]);
    }
    assertEquals(expected, reversed.result(), "order of adds does not matter");
    // Merging an empty accumulator changes nothing; merging with itself doubles the counts.
    assertEquals(expected, one.merge(new ScoreAccumulator(cfg)).result());
    ScoreTable doubled = one.merge(one).result();
    assertEquals(2 * expected.step(1).frames(), doubled.step(1).frames());
    assertEquals(expected.step(1).mse(), doubled.step(1).mse(), 0.0);
    assertEquals(2 * expected.step(2).contingency(0.7).hits(),
        doubled.step(2).contingency(0.7).hits());
  }

  @Test
  @DisplayName("bad input is refused with a message naming expected and actual, state unchanged")
  void badInput() {
    ScoreAccumulator acc = new ScoreAccumulator(small(2));
    acc.add(PRED, TRUTH);
    ScoreTable before = acc.result();
    FrameSequence other = FrameSequence.zeros(2, FrameShape.of(2, 3, 1));
    String m = assertThrows(IllegalArgumentException.class, () -> acc.add(PRED, other))
        .getMessage();
    assertTrue(m.contains("2x2x1") && m.contains("2x3x1"), m);
    m = assertThrows(IllegalArgumentException.class, () -> acc.add(other, other)).getMessage();
    assertTrue(m.contains("must be 2x2x1") && m.contains("got 2x3x1"), m);
    FrameSequence three = FrameSequence.zeros(3, FrameShape.of(2, 2, 1));
    m = assertThrows(IllegalArgumentException.class, () -> acc.add(three, three)).getMessage();
    assertTrue(m.contains("at most 2") && m.contains("got 3"), m);
    assertEquals(before, acc.result(), "refused adds change nothing");
    m = assertThrows(IllegalArgumentException.class,
        () -> new ScoreAccumulator(ScoreConfig.of(2)).add(PRED, TRUTH)).getMessage();
    assertTrue(m.contains("at least 7x7") && m.contains("2x2"), m);

    m = assertThrows(IllegalArgumentException.class,
        () -> ScoreConfig.of(1).withThresholds(-0.1)).getMessage();
    assertTrue(m.contains(">= 0") && m.contains("-0.1"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> ScoreConfig.of(1).withThresholds(Double.NaN)).getMessage();
    assertTrue(m.contains("NaN"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> ScoreConfig.of(1).withThresholds(0.5, 0.5)).getMessage();
    assertTrue(m.contains("distinct"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new FssScale(0.5, 4)).getMessage();
    assertTrue(m.contains("odd") && m.contains("got 4"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new FssScale(0.5, 0)).getMessage();
    assertTrue(m.contains("got 0"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new FssScale(-1, 3)).getMessage();
    assertTrue(m.contains("-1.0"), m);
    m = assertThrows(IllegalArgumentException.class, () -> ScoreConfig.of(0)).getMessage();
    assertTrue(m.contains("got 0"), m);
    m = assertThrows(IllegalArgumentException.class,
        () -> ScoreConfig.of(1).withDataRange(Double.POSITIVE_INFINITY)).getMessage();
    assertTrue(m.contains("Infinity"), m);

    m = assertThrows(IllegalArgumentException.class,
        () -> acc.merge(new ScoreAccumulator(small(3)))).getMessage();
    assertTrue(m.contains("horizon=2") && m.contains("horizon=3"), m);
    ScoreAccumulator wide = new ScoreAccumulator(small(2)).add(other, other);
    m = assertThrows(IllegalArgumentException.class, () -> acc.merge(wide)).getMessage();
    assertTrue(m.contains("must be 2x2x1") && m.contains("got 2x3x1"), m);
    assertEquals(before, acc.result(), "refused merges change nothing");
    assertThrows(IllegalArgumentException.class, () -> before.step(1).contingency(0.7));
    assertThrows(IndexOutOfBoundsException.class, () -> before.step(3));
    assertNull(new ScoreAccumulator(small(1)).frameShape());
  }

  @Test
  @DisplayName("persistence is scored next to the model, clipped or as is")
  void persistenceComparison() throws Exception {
    FrameShape shape = FrameShape.of(2, 2, 1);
    FrameSequence context = FrameSequence.of(2, shape,
        new float[] {0, 0, 0, 0, 1.5f, -0.25f, 0.75f, 0.25f});
    PersistenceComparison clipped = PersistenceComparison.clipped(small(2));
    PersistenceComparison asIs = PersistenceComparison.asIs(small(2));
    clipped.add(context, TRUTH, PRED);
    asIs.add(context, TRUTH, PRED);
    ScoreTable model = new ScoreAccumulator(small(2)).add(PRED, TRUTH).result();
    assertEquals(model, clipped.result().model());
    assertEquals(model, asIs.result().model());
    FrameSequence last = FrameSequence.of(1, shape, new float[] {1.5f, -0.25f, 0.75f, 0.25f});
    assertEquals(new ScoreAccumulator(small(2)).add(Baselines.persistence(context, 2), TRUTH)
        .result(), clipped.result().persistence());
    assertEquals(new ScoreAccumulator(small(2)).add(last.append(last), TRUTH).result(),
        asIs.result().persistence());
    assertNotEquals(clipped.result().persistence(), asIs.result().persistence());
    // Mergeable like the accumulators; mixing kinds is refused.
    PersistenceComparison twice = PersistenceComparison.clipped(small(2))
        .add(context, TRUTH, PRED).merge(clipped);
    assertEquals(2, twice.result().persistence().step(1).frames());
    String m = assertThrows(IllegalArgumentException.class, () -> clipped.merge(asIs))
        .getMessage();
    assertTrue(m.contains("clipped") && m.contains("as is"), m);
    FrameSequence wideContext = FrameSequence.zeros(1, FrameShape.of(2, 3, 1));
    m = assertThrows(IllegalArgumentException.class,
        () -> clipped.add(wideContext, TRUTH, PRED)).getMessage();
    assertTrue(m.contains("must be 2x2x1") && m.contains("got 2x3x1"), m);
    assertEquals(1, clipped.result().model().step(1).frames(), "refused add counted nothing");
    // Serializable (a Spark partition's partial result), and still mergeable after the trip.
    PersistenceComparison back = roundTrip(clipped);
    assertEquals(clipped.result(), back.result());
    assertEquals(twice.result(), back.merge(clipped).result());
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T a) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(a);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static FrameSequence random(SplittableRandom r, int frames, FrameShape shape) {
    float[] d = new float[frames * shape.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextDouble();
    }
    return FrameSequence.of(frames, shape, d);
  }

  private static FrameSequence scaled(FrameSequence s, double k) {
    float[] d = s.toArray();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (d[i] * k);
    }
    return FrameSequence.of(s.frames(), s.frameShape(), d);
  }
}

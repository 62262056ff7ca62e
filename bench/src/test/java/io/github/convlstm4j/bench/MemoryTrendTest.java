package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's arithmetic: slope, growth, allowance and verdict, against hand calculations. */
class MemoryTrendTest {

  private static List<MemoryTrend.Sample> samples(long[] calls, double[] mib) {
    List<MemoryTrend.Sample> s = new ArrayList<>();
    for (int i = 0; i < calls.length; i++) {
      s.add(new MemoryTrend.Sample(calls[i], mib[i]));
    }
    return s;
  }

  @Test
  void slopeIsTheLeastSquaresLineThroughTheSamples() {
    // x = 100, 200, 300, 400 (mean 250), y = 500, 510, 505, 520 (mean 508.75):
    // Sxy = (-150)(-8.75) + (-50)(1.25) + (50)(-3.75) + (150)(11.25) = 2750,
    // Sxx = 150^2 + 50^2 + 50^2 + 150^2 = 50000, slope = 0.055 MiB per call = 55 per 1000.
    MemoryTrend t = MemoryTrend.of(samples(new long[] {100, 200, 300, 400},
        new double[] {500, 510, 505, 520}));
    assertEquals(0.055, MemoryTrend.slopePerCall(samples(new long[] {100, 200, 300, 400},
        new double[] {500, 510, 505, 520})), 1e-12);
    assertEquals(55.0, t.slopePerThousand(), 1e-9);
    // fitted rise = 0.055 * (400 - 100) = 16.5
    assertEquals(16.5, t.fittedRise(), 1e-9);
    assertEquals(500, t.start());
    assertEquals(520, t.max());
    assertEquals(520, t.last());
    assertEquals(20, t.growth());
    // allowance = max(0.1 * 500, 64) = 64; 20 < 64 and 16.5 < 32: flat
    assertEquals(64, t.allowance());
    assertEquals(MemoryTrend.FLAT, t.verdict());
  }

  @Test
  void aFlatLineHasSlopeZeroAndTheRelativeAllowanceAppliesAbove640MiB() {
    MemoryTrend t = MemoryTrend.of(samples(new long[] {0, 10, 20},
        new double[] {1000, 1000, 1000}));
    assertEquals(0.0, t.slopePerThousand());
    assertEquals(100.0, t.allowance(), 1e-12);
    assertEquals(MemoryTrend.FLAT, t.verdict());
  }

  @Test
  void growthAtOrAboveTheAllowanceGrows() {
    // start 1000 -> allowance 100; the max 1150 exceeds the start by 150.
    // slope: x = 0, 50, 100 (mean 50), y = 1000, 1150, 1000 (mean 1050):
    // Sxy = (-50)(-50) + 0 + (50)(-50) = 0, so only rule (1) fails.
    MemoryTrend t = MemoryTrend.of(samples(new long[] {0, 50, 100},
        new double[] {1000, 1150, 1000}));
    assertEquals(0.0, t.slopePerThousand(), 1e-9);
    assertEquals(150.0, t.growth());
    assertEquals(1000.0, t.last());
    assertEquals(MemoryTrend.GROWS, t.verdict());
    assertTrue(t.explanation().startsWith("GROWS (growth 150 >= 100 MiB"), t.explanation());
  }

  @Test
  void aSteadyRiseBelowTheGrowthAllowanceStillGrowsByTheSlopeRule() {
    // start 600 -> allowance 64. y = 600, 610, 620, 630, 640 at x = 0..400 step 100:
    // growth 40 < 64, but slope = 0.1 MiB per call (100 per 1000), rise over 400 calls = 40,
    // which is not below 64 / 2 = 32.
    MemoryTrend t = MemoryTrend.of(samples(new long[] {0, 100, 200, 300, 400},
        new double[] {600, 610, 620, 630, 640}));
    assertEquals(100.0, t.slopePerThousand(), 1e-9);
    assertEquals(40.0, t.fittedRise(), 1e-9);
    assertEquals(40.0, t.growth());
    assertEquals(MemoryTrend.GROWS, t.verdict());
  }

  @Test
  void fewerThanThreeSamplesDecideNothing() {
    MemoryTrend t = MemoryTrend.of(samples(new long[] {0, 10}, new double[] {100, 101}));
    assertEquals(MemoryTrend.TOO_FEW, t.verdict());
    // two points: the slope is the line through them, 1 MiB per 10 calls
    assertEquals(100.0, t.slopePerThousand(), 1e-9);
    assertEquals(0.0, MemoryTrend.slopePerCall(samples(new long[] {5}, new double[] {7})));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemoryTrend.of(List.of()));
    assertEquals("samples must not be empty, got 0", e.getMessage());
  }
}

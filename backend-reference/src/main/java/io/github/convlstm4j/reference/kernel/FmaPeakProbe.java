package io.github.convlstm4j.reference.kernel;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's single-precision FMA peak with the Vector API: a tight loop of FMAs on
 * {@value #ACCUMULATORS} independent vector accumulators held in registers (enough to cover the
 * FMA latency times the number of FMA units), on several threads at once. Kernel efficiency is
 * reported as a fraction of this measured peak.
 *
 * <p>Uses {@code jdk.incubator.vector}: only load this class when
 * {@link MatMuls#vectorApiAvailable()} is true. Starts its own short-lived threads per
 * measurement; holds no state.
 */
public final class FmaPeakProbe {

  /** Independent accumulators per thread. */
  static final int ACCUMULATORS = 12;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int INNER = 1 << 20;

  private FmaPeakProbe() {}

  /**
   * Measures the FMA peak: three warm-up runs, then the median of {@code repetitions} runs of
   * about {@code millisPerRun} each, all {@code threads} threads running concurrently.
   *
   * @param threads threads running the FMA loop at the same time, at least 1
   * @param repetitions timed runs, at least 1
   * @param millisPerRun approximate duration of one run, at least 1
   * @return the median peak in GFLOP/s (an FMA counts as 2 floating-point operations per lane)
   */
  public static double gflops(int threads, int repetitions, int millisPerRun) {
    GemmChecks.threads(threads);
    if (repetitions < 1 || millisPerRun < 1) {
      throw new IllegalArgumentException("repetitions and millisPerRun must be >= 1, got "
          + repetitions + " and " + millisPerRun);
    }
    // Calibrate: how many inner blocks take about millisPerRun on one thread.
    long t0 = System.nanoTime();
    float sink = loop(4, 1f);
    double nsPerBlock = Math.max(1, (System.nanoTime() - t0) / 4.0);
    long blocks = Math.max(1, (long) (millisPerRun * 1e6 / nsPerBlock));
    // Warm-up: long enough for C2 to compile the loop normally, not only on-stack.
    for (int w = 0; w < 3; w++) {
      run(threads, blocks);
    }
    double[] results = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      results[r] = run(threads, blocks);
    }
    Arrays.sort(results);
    if (sink == 42f) {
      results[0] += 0; // keep sink alive
    }
    return results[repetitions / 2];
  }

  /**
   * {@link #gflops(int, int, int)} with 5 runs of about 200 ms.
   *
   * @param threads threads, at least 1
   * @return the median peak in GFLOP/s
   */
  public static double gflops(int threads) {
    return gflops(threads, 5, 200);
  }

  /**
   * Floating-point operations one {@link #loop} call performs per inner block.
   *
   * @return the count
   */
  private static double flopsPerBlock() {
    return 2.0 * S.length() * ACCUMULATORS * INNER;
  }

  private static double run(int threads, long blocks) {
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    float[] sinks = new float[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        sinks[id] = loop(blocks, 1f + id);
      }, "fma-peak-probe-" + t);
      workers[t].setDaemon(true);
      workers[t].start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring the FMA peak", e);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return flopsPerBlock() * blocks * threads / seconds / 1e9;
  }

  /** {@code blocks × INNER} steps of 12 independent FMAs {@code c = c * m + d}; bounded values. */
  private static float loop(long blocks, float seed) {
    FloatVector m = FloatVector.broadcast(S, 0.999f);
    FloatVector d = FloatVector.broadcast(S, seed * 1e-3f);
    FloatVector c0 = FloatVector.broadcast(S, seed);
    FloatVector c1 = FloatVector.broadcast(S, seed + 1);
    FloatVector c2 = FloatVector.broadcast(S, seed + 2);
    FloatVector c3 = FloatVector.broadcast(S, seed + 3);
    FloatVector c4 = FloatVector.broadcast(S, seed + 4);
    FloatVector c5 = FloatVector.broadcast(S, seed + 5);
    FloatVector c6 = FloatVector.broadcast(S, seed + 6);
    FloatVector c7 = FloatVector.broadcast(S, seed + 7);
    FloatVector c8 = FloatVector.broadcast(S, seed + 8);
    FloatVector c9 = FloatVector.broadcast(S, seed + 9);
    FloatVector c10 = FloatVector.broadcast(S, seed + 10);
    FloatVector c11 = FloatVector.broadcast(S, seed + 11);
    for (long blk = 0; blk < blocks; blk++) {
      for (int i = 0; i < INNER; i++) {
        c0 = c0.fma(m, d);
        c1 = c1.fma(m, d);
        c2 = c2.fma(m, d);
        c3 = c3.fma(m, d);
        c4 = c4.fma(m, d);
        c5 = c5.fma(m, d);
        c6 = c6.fma(m, d);
        c7 = c7.fma(m, d);
        c8 = c8.fma(m, d);
        c9 = c9.fma(m, d);
        c10 = c10.fma(m, d);
        c11 = c11.fma(m, d);
      }
    }
    FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8)
        .add(c9).add(c10).add(c11);
    return sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}

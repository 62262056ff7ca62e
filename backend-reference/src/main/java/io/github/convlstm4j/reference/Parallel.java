package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.kernel.WorkerPool;

/**
 * Splits loops over independent index ranges across the threads of the shared
 * {@link WorkerPool} (the same helpers the GEMM kernels use, so a forecaster never runs more
 * threads than it was given). Only ranges of independent elements are split, so the results
 * never depend on the thread count.
 */
final class Parallel {

  /** A loop body over {@code [from, to)}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  private final WorkerPool pool;

  Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.pool = WorkerPool.shared(threads);
  }

  int threads() {
    return pool.threads();
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into at most {@code threads} contiguous parts
   * of at least {@code grain} elements.
   */
  void forRange(int n, int grain, Range body) {
    int parts = Math.min(pool.threads(), Math.max(1, n / Math.max(1, grain)));
    if (parts <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    pool.forEach(parts, p -> body.run((int) ((long) n * p / parts),
        (int) ((long) n * (p + 1) / parts)));
  }
}

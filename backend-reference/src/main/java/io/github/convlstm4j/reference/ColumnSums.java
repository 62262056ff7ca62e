package io.github.convlstm4j.reference;

import java.util.Arrays;

/**
 * Column sums over rows, deterministic whatever the thread count: the rows are cut into a
 * number of blocks that depends only on the row count; each block sums into its own slot; the
 * slots are added in block order. One per network (it reuses its slot buffer).
 */
final class ColumnSums {

  /** At most this many blocks (and at least 64 rows per block). */
  private static final int MAX_BLOCKS = 64;

  /** A reduction body over rows {@code [from, to)} adding into {@code acc[off ..]}. */
  @FunctionalInterface
  interface Block {
    void run(int from, int to, double[] acc, int off);
  }

  private final Parallel par;
  private double[] partial = new double[0];

  ColumnSums(Parallel par) {
    this.par = par;
  }

  /**
   * Sums {@code width} columns over {@code rows} rows into {@code result[0 .. width)}.
   *
   * @param rows rows to cover
   * @param width columns per row
   * @param result receives the sums (overwritten)
   * @param body adds the rows of one block into its slot
   */
  void sum(int rows, int width, double[] result, Block body) {
    int blocks = Math.max(1, Math.min(MAX_BLOCKS, rows / 64));
    int need = blocks * width;
    if (partial.length < need) {
      partial = new double[need];
    }
    double[] acc = partial;
    Arrays.fill(acc, 0, need, 0.0);
    par.forRange(blocks, 1, (b0, b1) -> {
      for (int b = b0; b < b1; b++) {
        int from = (int) ((long) rows * b / blocks);
        int to = (int) ((long) rows * (b + 1) / blocks);
        body.run(from, to, acc, b * width);
      }
    });
    Arrays.fill(result, 0, width, 0.0);
    for (int b = 0; b < blocks; b++) {
      for (int c = 0; c < width; c++) {
        result[c] += acc[b * width + c];
      }
    }
  }
}

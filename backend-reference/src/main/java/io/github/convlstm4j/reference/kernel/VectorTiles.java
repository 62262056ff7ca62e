package io.github.convlstm4j.reference.kernel;

/**
 * The register tiles of {@link VectorMatMul} for one vector width: {@link Tiles128},
 * {@link Tiles256}, {@link Tiles512}. A tile holds {@code mr × 2·lanes} elements of C in
 * vector accumulators and adds one FMA chain per element over the k block in increasing order.
 */
interface VectorTiles {

  /** Bits per vector, for example 256. */
  int bits();

  /** Floats per vector. */
  int lanes();

  /**
   * One {@code mr × 2·lanes} tile ({@code mr} 6 or 12) over {@code kq} steps of k: A row-major
   * in place ({@code a[aBase + i*lda + p]}, {@code inPlace}) or packed
   * ({@code a[aBase + p*MC_MAX + i]}); B one packed sliver ({@code bp[bBase + p*2·lanes + j]});
   * C loaded first when {@code load}, else started from zero.
   */
  void kernel(int mr, boolean inPlace, int kq, float[] a, int aBase, int lda, float[] bp,
      int bBase, float[] c, int cBase, int ldc, boolean load);

  /**
   * Copies {@code kq} rows of {@code 2·lanes} floats ({@code b[off + p*ldb + j]}) into one packed
   * sliver {@code bp[dst + p*2·lanes + j]}.
   */
  void copyRows(int kq, float[] b, int off, int ldb, float[] bp, int dst);
}

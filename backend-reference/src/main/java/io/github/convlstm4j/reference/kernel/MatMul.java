package io.github.convlstm4j.reference.kernel;

/**
 * Single-precision general matrix multiply on flat row-major arrays:
 * {@code C = op(A) · op(B)} or {@code C += op(A) · op(B)}.
 *
 * <p>{@code op(A)} is {@code m × k}: {@code A} itself ({@code transA = false}, row-major with
 * leading dimension {@code lda}, element (i, p) at {@code a[aOff + i*lda + p]}) or the
 * transpose of a {@code k × m} matrix ({@code transA = true}, element (i, p) at
 * {@code a[aOff + p*lda + i]}). Likewise {@code op(B)} is {@code k × n}. {@code C} is
 * {@code m × n}, element (i, j) at {@code c[cOff + i*ldc + j]}.
 *
 * <p>Contract for every implementation: results do not depend on the number of threads (work
 * is split over output blocks only, never over {@code k}); nothing is allocated per call
 * beyond bounded, reused scratch; thread-safe for concurrent calls on distinct outputs.
 */
public interface MatMul {

  /**
   * Multiplies.
   *
   * @param transA whether A is stored transposed
   * @param transB whether B is stored transposed
   * @param m rows of C
   * @param n columns of C
   * @param k inner dimension
   * @param a A's storage
   * @param aOff offset of A's first element
   * @param lda leading dimension of A as stored
   * @param b B's storage
   * @param bOff offset of B's first element
   * @param ldb leading dimension of B as stored
   * @param c C's storage
   * @param cOff offset of C's first element
   * @param ldc leading dimension of C
   * @param accumulate add to C instead of overwriting it
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate);

  /**
   * Floats {@link #prepare} writes for a {@code k × n} right-hand matrix.
   *
   * @param k rows of B
   * @param n columns of B
   * @return the size of the prepared form
   */
  default int preparedSize(int k, int n) {
    GemmChecks.nonNegative(k, n);
    return k * n;
  }

  /**
   * Writes the row-major {@code k × n} matrix B ({@code b[bOff + p*ldb + j]}) in the form
   * {@link #gemmPrepared} reads, {@link #preparedSize} floats from {@code dst[dstOff]}: for a
   * right-hand matrix used in many products (this default: a dense copy).
   *
   * @param k rows of B
   * @param n columns of B
   * @param b B's storage
   * @param bOff offset of B's first element
   * @param ldb leading dimension of B
   * @param dst where the prepared form goes
   * @param dstOff offset in {@code dst}
   */
  default void prepare(int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
    GemmChecks.checkPrepare(k, n, b, bOff, ldb, dst, dstOff, k * n);
    for (int p = 0; p < k; p++) {
      System.arraycopy(b, bOff + p * ldb, dst, dstOff + p * n, n);
    }
  }

  /**
   * {@code C = A · B} or {@code C += A · B} with row-major A ({@code m × k}) and B prepared by
   * {@link #prepare} with the same {@code k} and {@code n}. The values are bitwise those of
   * {@link #gemm} on the original B.
   *
   * @param m rows of C
   * @param n columns of C
   * @param k inner dimension
   * @param a A's storage
   * @param aOff offset of A's first element
   * @param lda leading dimension of A
   * @param bp the prepared B
   * @param bpOff offset of the prepared B
   * @param c C's storage
   * @param cOff offset of C's first element
   * @param ldc leading dimension of C
   * @param accumulate add to C instead of overwriting it
   */
  default void gemmPrepared(int m, int n, int k, float[] a, int aOff, int lda, float[] bp,
      int bpOff, float[] c, int cOff, int ldc, boolean accumulate) {
    gemm(false, false, m, n, k, a, aOff, lda, bp, bpOff, n, c, cOff, ldc, accumulate);
  }

  /**
   * The width {@code w} of the column slivers of the form {@link #prepare} writes for a
   * {@code k × n} matrix: element (p, j) of B is at
   * {@code dst[dstOff + (j / w)·k·w + p·w + j % w]}, and columns {@code n .. roundUp(n, w) - 1}
   * of the last sliver are zero, so that {@link #preparedSize} is {@code k · roundUp(n, w)}.
   * A caller may therefore write the prepared form directly instead of calling
   * {@link #prepare}. This default: {@code max(n, 1)} (one sliver, the dense copy).
   *
   * @param k rows of B
   * @param n columns of B
   * @return the sliver width, at least 1
   */
  default int preparedSliver(int k, int n) {
    GemmChecks.nonNegative(k, n);
    return Math.max(n, 1);
  }

  /**
   * {@code C = Aᵀ · B} or {@code C += Aᵀ · B}: as {@link #gemmPrepared} but with A stored
   * transposed ({@code k × m}, element (i, p) of op(A) at {@code a[aOff + p*lda + i]}). The
   * values are bitwise those of {@code gemm(true, false, ...)} on the original B.
   *
   * @param m rows of C
   * @param n columns of C
   * @param k inner dimension
   * @param a A's storage ({@code k × m}, row-major)
   * @param aOff offset of A's first element
   * @param lda leading dimension of A as stored, at least {@code m}
   * @param bp the prepared B
   * @param bpOff offset of the prepared B
   * @param c C's storage
   * @param cOff offset of C's first element
   * @param ldc leading dimension of C
   * @param accumulate add to C instead of overwriting it
   */
  default void gemmPreparedTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] bp,
      int bpOff, float[] c, int cOff, int ldc, boolean accumulate) {
    gemm(true, false, m, n, k, a, aOff, lda, bp, bpOff, n, c, cOff, ldc, accumulate);
  }

  /**
   * A leading dimension at which {@link #gemmPreparedTransA} reads a transposed A of {@code m}
   * rows without packing it, or 0 if this kernel has none for {@code m} (or judges the padding
   * too costly for so few rows). A caller that writes A itself may store it so ({@code lda} =
   * the stride, the {@code k × stride} block complete from the offset) to save the packing;
   * the values in columns {@code m .. stride - 1} never affect C, and the result is bitwise
   * that of any other {@code lda}. This default: 0.
   *
   * @param m rows of op(A), that is columns of A as stored
   * @return the stride, or 0
   * @throws IllegalArgumentException if {@code m < 0}
   */
  default int inPlaceTransAStride(int m) {
    GemmChecks.nonNegative("m", m);
    return 0;
  }

  /**
   * The same kernel (same micro-kernels, so the same bits) on the calling thread only: for
   * products that are themselves run inside a parallel loop.
   *
   * @return a one-thread kernel of this kind
   */
  MatMul serial();

  /**
   * Short name for logs and benchmarks, for example {@code scalar} or {@code vector-512}.
   *
   * @return the name
   */
  String name();

  /**
   * The vector width of this kernel's Vector API code, which the element-wise work of a
   * network using it must share: one JVM running the Vector API on two widths at once slows
   * both down (see {@code CellOps#forKernel}).
   *
   * @return 128, 256 or 512 bits; 0 for a kernel without vectors (this default)
   */
  default int vectorBits() {
    return 0;
  }
}

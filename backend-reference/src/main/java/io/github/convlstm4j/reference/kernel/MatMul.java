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
   * Short name for logs and benchmarks, for example {@code scalar} or {@code vector-512}.
   *
   * @return the name
   */
  String name();
}

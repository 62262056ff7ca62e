package io.github.convlstm4j.reference.kernel;

import java.util.Objects;

/** Argument validation shared by the {@link MatMul} implementations, done once per call. */
final class GemmChecks {

  private GemmChecks() {}

  /**
   * Checks sizes, leading dimensions, offsets and array lengths of one {@code gemm} call.
   *
   * @throws IllegalArgumentException naming the expected and the actual value
   * @throws NullPointerException if an array is null
   */
  static void check(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(c, "c");
    nonNegative("m", m);
    nonNegative("n", n);
    nonNegative("k", k);
    // A as stored: m x k, or k x m when transposed.
    matrix("a", transA ? k : m, transA ? m : k, a, aOff, lda, "lda");
    matrix("b", transB ? n : k, transB ? k : n, b, bOff, ldb, "ldb");
    matrix("c", m, n, c, cOff, ldc, "ldc");
  }

  /**
   * Checks one {@code prepare} call: B is {@code k × n} with leading dimension {@code ldb}, and
   * {@code dst} holds {@code size} floats from {@code dstOff}.
   */
  static void checkPrepare(int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff,
      int size) {
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(dst, "dst");
    nonNegative(k, n);
    matrix("b", k, n, b, bOff, ldb, "ldb");
    matrix("dst", 1, size, dst, dstOff, size, "size");
  }

  /**
   * Checks one {@code gemmPrepared} ({@code transA} false: A is {@code m × k} row-major) or
   * {@code gemmPreparedTransA} call (true: A is stored {@code k × m} row-major): the prepared B
   * holds {@code size} floats from {@code bpOff}, C is {@code m × n}.
   */
  static void checkPrepared(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
      float[] bp, int bpOff, int size, float[] c, int cOff, int ldc) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(bp, "bp");
    Objects.requireNonNull(c, "c");
    nonNegative("m", m);
    nonNegative(k, n);
    matrix("a", transA ? k : m, transA ? m : k, a, aOff, lda, "lda");
    matrix("bp", 1, size, bp, bpOff, size, "size");
    matrix("c", m, n, c, cOff, ldc, "ldc");
  }

  /** Checks that a matrix's row and column counts are not negative. */
  static void nonNegative(int rows, int cols) {
    nonNegative("k", rows);
    nonNegative("n", cols);
  }

  static void nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  private static void matrix(String name, int rows, int cols, float[] data, int off, int ld,
      String ldName) {
    if (off < 0) {
      throw new IllegalArgumentException(name + " offset must be >= 0, got " + off);
    }
    if (ld < cols) {
      throw new IllegalArgumentException(
          ldName + " must be >= " + cols + " (stored columns of " + name + "), got " + ld);
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long needed = off + (long) (rows - 1) * ld + cols;
    if (needed > data.length) {
      throw new IllegalArgumentException(name + " must have at least " + needed
          + " elements (offset " + off + " + (" + rows + " - 1) * " + ld + " + " + cols
          + "), got " + data.length);
    }
  }

  /** Validates a thread count. */
  static int threads(int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return threads;
  }

  /**
   * Handles a product with nothing to multiply: an empty C ({@code m} or {@code n} is 0) is
   * left alone, and with {@code k = 0} C is cleared unless accumulating.
   *
   * @return whether the product is done
   */
  static boolean trivial(int m, int n, int k, float[] c, int cOff, int ldc,
      boolean accumulate) {
    if (m == 0 || n == 0) {
      return true;
    }
    if (k == 0) {
      if (!accumulate) {
        zero(m, n, c, cOff, ldc);
      }
      return true;
    }
    return false;
  }

  /** Sets the {@code m × n} block of C to zero (the {@code k = 0}, no-accumulate case). */
  static void zero(int m, int n, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      java.util.Arrays.fill(c, row, row + n, 0f);
    }
  }
}

package io.github.convlstm4j.reference.kernel;

/**
 * Portable, cache-blocked, multi-threaded single-precision GEMM in plain Java.
 *
 * <p>Blocking: B is packed, a panel of at most {@value #PANEL_FLOATS} floats at a time
 * ({@code kc × nc}, row-major, so it stays in L2), into a per-calling-thread scratch buffer
 * that is reused across calls. C is split into blocks of {@value #ROWS_PER_TASK} rows that the
 * threads take dynamically; within a block, groups of {@value #ROW_GROUP} rows of C (in L1)
 * are updated one packed B row at a time, so every B row is read from L2 once per group. The
 * innermost loop is the unit-stride update {@code c[j] += a * b[j]} over the panel width, a
 * shape C2's auto-vectorizer (SuperWord) turns into SIMD code; it has no reduction, so no
 * floating-point reassociation is needed to vectorize it.
 *
 * <p>Determinism: every element of C is the sum of its {@code k} products added one by one in
 * increasing {@code p} order, starting from 0 (or from C when accumulating), by exactly one
 * thread. The split over threads is over rows of C only, so results are bitwise identical for
 * every thread count.
 *
 * <p>Threads: the {@link WorkerPool} shared by all kernels with the same thread count (daemon
 * threads that time out when idle; nothing to close).
 */
public final class ScalarMatMul implements MatMul {

  /** Maximum packed B panel, in floats (512 KiB). */
  static final int PANEL_FLOATS = 1 << 17;
  /** Maximum panel width. */
  static final int MAX_NC = 2048;
  static final int ROWS_PER_TASK = 32;
  static final int ROW_GROUP = 8;

  private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();

  private final WorkerPool pool;

  /**
   * Creates a kernel that uses up to {@code threads} threads (the caller included).
   *
   * @param threads number of threads, at least 1
   */
  public ScalarMatMul(int threads) {
    this.pool = WorkerPool.shared(GemmChecks.threads(threads));
  }

  /**
   * Thread count this kernel uses.
   *
   * @return the thread count
   */
  public int threads() {
    return pool.threads();
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate) {
    GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        GemmChecks.zero(m, n, c, cOff, ldc);
      }
      return;
    }
    int maxNc = Math.min(n, MAX_NC);
    int maxKc = Math.max(1, Math.min(k, PANEL_FLOATS / maxNc));
    float[] bp = scratch(maxKc * maxNc);
    int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    for (int jc = 0; jc < n; jc += maxNc) {
      int nc = Math.min(maxNc, n - jc);
      for (int pc = 0; pc < k; pc += maxKc) {
        int kc = Math.min(maxKc, k - pc);
        packB(transB, kc, nc, b, bOff + (transB ? jc * ldb + pc : pc * ldb + jc), ldb, bp);
        boolean zeroFirst = !accumulate && pc == 0;
        int jc0 = jc;
        int pc0 = pc;
        pool.forEach(tasks, t -> {
          int i0 = t * ROWS_PER_TASK;
          int i1 = Math.min(m, i0 + ROWS_PER_TASK);
          for (int g = i0; g < i1; g += ROW_GROUP) {
            rowGroup(transA, g, Math.min(i1, g + ROW_GROUP), pc0, kc, nc, a, aOff, lda, bp,
                c, cOff + jc0, ldc, zeroFirst);
          }
        });
      }
    }
  }

  private static float[] scratch(int size) {
    float[] s = PACKED_B.get();
    if (s == null || s.length < size) {
      s = new float[size];
      PACKED_B.set(s);
    }
    return s;
  }

  /** Copies the {@code kc × nc} block of op(B) starting at {@code off} to {@code bp[p*nc + j]}. */
  private static void packB(boolean transB, int kc, int nc, float[] b, int off, int ldb,
      float[] bp) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, off + p * ldb, bp, p * nc, nc);
      }
    } else {
      for (int j = 0; j < nc; j++) {
        int src = off + j * ldb;
        for (int p = 0; p < kc; p++) {
          bp[p * nc + j] = b[src + p];
        }
      }
    }
  }

  private static void rowGroup(boolean transA, int i0, int i1, int pc, int kc, int nc,
      float[] a, int aOff, int lda, float[] bp, float[] c, int cOff, int ldc,
      boolean zeroFirst) {
    if (zeroFirst) {
      for (int i = i0; i < i1; i++) {
        int row = cOff + i * ldc;
        java.util.Arrays.fill(c, row, row + nc, 0f);
      }
    }
    for (int p = 0; p < kc; p++) {
      int bRow = p * nc;
      for (int i = i0; i < i1; i++) {
        float av = transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p];
        axpy(av, bp, bRow, c, cOff + i * ldc, nc);
      }
    }
  }

  /** {@code c[cFrom + j] += av * bp[bFrom + j]} for {@code j < len}: SuperWord-friendly. */
  private static void axpy(float av, float[] bp, int bFrom, float[] c, int cFrom, int len) {
    for (int j = 0; j < len; j++) {
      c[cFrom + j] += av * bp[bFrom + j];
    }
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public String toString() {
    return "ScalarMatMul[threads=" + threads() + "]";
  }
}

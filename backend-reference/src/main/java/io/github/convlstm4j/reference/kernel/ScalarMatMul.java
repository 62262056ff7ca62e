package io.github.convlstm4j.reference.kernel;

/**
 * Portable, cache-blocked, multi-threaded single-precision GEMM in plain Java.
 *
 * <p>Blocking: op(B) is packed, a panel of at most {@value #PANEL_FLOATS} floats at a time
 * ({@code kc × nc}, so it stays in L2), into one array per row of the panel (a per-calling-
 * thread buffer reused across calls). C is split into tasks of {@value #ROWS_PER_TASK} rows
 * that the threads take dynamically. Within a task, groups of {@value #ROW_GROUP} rows of C are
 * accumulated in per-thread row buffers (in L1): for each p, the micro-kernel updates the four
 * rows with one packed B row, {@code acc_r[j] += a_r * b[j]}. Every array in that loop is
 * indexed by the loop variable itself, with no offsets, which is the shape C2's SuperWord
 * auto-vectorizer in JDK 17 turns into SIMD code (with offsets it cannot rule out overlap and
 * stays scalar); there is no reduction, so vectorizing it does not reassociate anything.
 *
 * <p>Determinism: every element of C is the sum of its {@code k} products added one at a time
 * in increasing {@code p} order (multiply, round, add, round), starting from 0 (or from C when
 * accumulating), by exactly one thread. The split over threads is over rows of C only, so
 * results are bitwise identical for every thread count.
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
  /** Below this many multiply-adds a product runs on the calling thread only. */
  static final long SERIAL_MACS = 1L << 16;
  static final int ROW_GROUP = 4;

  private static final ThreadLocal<float[][]> PACKED_B = new ThreadLocal<>();
  private static final ThreadLocal<float[][]> ACC = new ThreadLocal<>();

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
  public MatMul serial() {
    return threads() == 1 ? this : new ScalarMatMul(1);
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate) {
    GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (GemmChecks.trivial(m, n, k, c, cOff, ldc, accumulate)) {
      return;
    }
    int maxNc = Math.min(n, MAX_NC);
    int maxKc = Math.max(1, Math.min(k, PANEL_FLOATS / maxNc));
    float[][] bRows = rows(PACKED_B, maxKc, maxNc);
    int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    // Small products run on the calling thread: waking helpers would cost more than they save.
    WorkerPool workers = (long) m * n * k < SERIAL_MACS ? WorkerPool.shared(1) : pool;
    // A(i, p) at a[aOff + i*rs + p*cs]
    int rs = transA ? 1 : lda;
    int cs = transA ? lda : 1;
    for (int jc = 0; jc < n; jc += maxNc) {
      int nc = Math.min(maxNc, n - jc);
      for (int pc = 0; pc < k; pc += maxKc) {
        int kc = Math.min(maxKc, k - pc);
        packB(transB, kc, nc, b, bOff + (transB ? jc * ldb + pc : pc * ldb + jc), ldb, bRows);
        boolean load = accumulate || pc > 0;
        int jc0 = jc;
        int aPanel = aOff + pc * cs;
        workers.forEach(tasks, t -> {
          float[][] acc = rows(ACC, ROW_GROUP, nc);
          int i0 = t * ROWS_PER_TASK;
          int i1 = Math.min(m, i0 + ROWS_PER_TASK);
          for (int g = i0; g < i1; g += ROW_GROUP) {
            rowGroup(g, Math.min(ROW_GROUP, i1 - g), kc, nc, a, aPanel, rs, cs, bRows, acc,
                c, cOff + jc0, ldc, load);
          }
        });
      }
    }
  }

  /** A reused per-thread array of at least {@code rows} rows of at least {@code cols} floats. */
  private static float[][] rows(ThreadLocal<float[][]> holder, int rows, int cols) {
    float[][] s = holder.get();
    if (s == null || s.length < rows || s[0].length < cols) {
      int r = Math.max(rows, s == null ? 0 : s.length);
      int cl = Math.max(cols, s == null ? 0 : s[0].length);
      s = new float[r][cl];
      holder.set(s);
    }
    return s;
  }

  /** Copies the {@code kc × nc} block of op(B) starting at {@code off} to {@code bRows[p][j]}. */
  private static void packB(boolean transB, int kc, int nc, float[] b, int off, int ldb,
      float[][] bRows) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, off + p * ldb, bRows[p], 0, nc);
      }
    } else {
      for (int j = 0; j < nc; j++) {
        int src = off + j * ldb;
        for (int p = 0; p < kc; p++) {
          bRows[p][j] = b[src + p];
        }
      }
    }
  }

  /** Rows {@code i0 .. i0+rows-1} of C (at most {@value #ROW_GROUP}) over one B panel. */
  private static void rowGroup(int i0, int rows, int kc, int nc, float[] a, int aPanel,
      int rs, int cs, float[][] bRows, float[][] acc, float[] c, int cOff, int ldc,
      boolean load) {
    float[] acc0 = acc[0];
    float[] acc1 = acc[1];
    float[] acc2 = acc[2];
    float[] acc3 = acc[3];
    for (int r = 0; r < ROW_GROUP; r++) {
      if (load && r < rows) {
        System.arraycopy(c, cOff + (i0 + r) * ldc, acc[r], 0, nc);
      } else {
        java.util.Arrays.fill(acc[r], 0, nc, 0f);
      }
    }
    int a0 = aPanel + i0 * rs;
    if (rows == ROW_GROUP) {
      for (int p = 0; p < kc; p++) {
        int ap = a0 + p * cs;
        update(a[ap], a[ap + rs], a[ap + 2 * rs], a[ap + 3 * rs], bRows[p], acc0, acc1, acc2,
            acc3, nc);
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int ap = a0 + p * cs;
        float v1 = rows > 1 ? a[ap + rs] : 0f;
        float v2 = rows > 2 ? a[ap + 2 * rs] : 0f;
        update(a[ap], v1, v2, 0f, bRows[p], acc0, acc1, acc2, acc3, nc);
      }
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(acc[r], 0, c, cOff + (i0 + r) * ldc, nc);
    }
  }

  /**
   * The micro-kernel: {@code acc_r[j] += a_r * b[j]} for four rows, {@code j < len}. All
   * arrays are indexed by {@code j} alone, which SuperWord vectorizes.
   */
  private static void update(float a0, float a1, float a2, float a3, float[] b, float[] acc0,
      float[] acc1, float[] acc2, float[] acc3, int len) {
    for (int j = 0; j < len; j++) {
      float bv = b[j];
      acc0[j] += a0 * bv;
      acc1[j] += a1 * bv;
      acc2[j] += a2 * bv;
      acc3[j] += a3 * bv;
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

package io.github.convlstm4j.reference.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, multi-threaded single-precision GEMM with the Vector API
 * ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}: 16 lanes with AVX-512,
 * 8 with AVX2).
 * Load it only when the JVM runs with {@code --add-modules jdk.incubator.vector}; use
 * {@link MatMuls} rather than this class directly.
 *
 * <p>Blocking (GotoBLAS/BLIS style): op(B) is packed, a panel of at most {@value #PANEL_FLOATS}
 * floats at a time, into slivers of {@code NR = 2·L} columns ({@code [k block][sliver][p][NR]},
 * zero-padded; in parallel when large) into a per-calling-thread buffer reused across calls.
 * Threads then take tasks of at most {@value #MC_MAX} rows of C (and, when there are fewer row
 * blocks than threads, a range of slivers); for each k block of at most {@code KC_MAX} ({@code
 * 6144 / NR}) and each B sliver (kept in L1), the micro-kernel runs down the rows in steps of
 * {@code MR}. The micro-kernel keeps an {@code MR × NR} tile of C in vector registers and per step
 * of k issues 2 loads of packed B, {@code MR} broadcasts of A and {@code 2·MR} FMAs. Row-major A
 * is read in place (each row's index is the loop variable plus an invariant); transposed A, and
 * the last partial row sliver, are packed per task, one k block at a time, as {@code [p][MC_MAX]}
 * (zero-padded; for transposed A one contiguous copy per p) in a per-thread buffer. Either way the
 * micro-kernel's indices have constant strides, so C2 hoists every bounds check out of its loop
 * (with run-time strides it measured about 20 % slower). Tiles with missing columns go through a
 * small per-thread buffer.
 *
 * <p>Determinism: every element of C is one FMA chain over {@code p = 0..k-1} in increasing
 * order, starting from 0 (or from C when accumulating), computed by exactly one thread (C is
 * loaded into the registers at the start of each k block and stored at its end, which does not
 * change the chain). Work is split over output tiles only, never over k, so results are bitwise
 * identical for every thread count and every blocking. Long-k products with a small output,
 * such as {@code dW = colsᵀ·dZ} (360 × 160, k = 240000), still use every thread: row tasks are
 * sized so their number is a multiple of the thread count.
 *
 * <p>Threads: the {@link WorkerPool} shared by all kernels with the same thread count (daemon
 * threads that time out when idle; nothing to close).
 */
public final class VectorMatMul implements MatMul {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Vectors per row of the register tile. */
  static final int NV = 2;
  /** Columns of the register tile. */
  static final int NR = NV * L;
  /** Maximum k block: a packed B sliver ({@code KC_MAX × NR} floats, 24 KiB) stays in L1. */
  static final int KC_MAX = 6144 / NR;
  /** Maximum rows per task (packed A block {@code MC_MAX × KC_MAX} stays in L2). */
  static final int MC_MAX = 96;
  /** Maximum packed B panel, in floats (1 MiB: long-k products measured faster than with 4). */
  static final int PANEL_FLOATS = 1 << 18;
  /** Below this many multiply-adds a product runs on the calling thread only. */
  static final long SERIAL_MACS = 1L << 18;
  /** Below this many floats a B panel is packed on the calling thread only. */
  static final long SERIAL_PACK_FLOATS = 1L << 16;
  /** Maximum panel width in columns. */
  static final int NC_MAX = 1024;

  private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();
  private static final ThreadLocal<float[]> PACKED_A = new ThreadLocal<>();
  private static final ThreadLocal<float[]> EDGE_C = new ThreadLocal<>();

  private final WorkerPool pool;
  /** Rows of the register tile: 6 (12 accumulators) or 12 (24 accumulators). */
  private final int mr;

  /**
   * Creates a kernel that uses up to {@code threads} threads (the caller included), with the
   * register tile suited to this machine: 12 × 2 vectors with 512-bit vectors (AVX-512 has 32
   * vector registers), 6 × 2 vectors otherwise (AVX2 has 16).
   *
   * @param threads number of threads, at least 1
   */
  public VectorMatMul(int threads) {
    this(threads, L >= 16 ? 12 : 6);
  }

  /** With a given register tile height (6 or 12); for tests of both tiles on any machine. */
  VectorMatMul(int threads, int tileRows) {
    this.pool = WorkerPool.shared(GemmChecks.threads(threads));
    if (tileRows != 6 && tileRows != 12) {
      throw new IllegalArgumentException("tileRows must be 6 or 12, got " + tileRows);
    }
    this.mr = tileRows;
  }

  /**
   * Thread count this kernel uses.
   *
   * @return the thread count
   */
  public int threads() {
    return pool.threads();
  }

  /** One thread, the same register tile. */
  @Override
  public MatMul serial() {
    return threads() == 1 ? this : new VectorMatMul(1, mr);
  }

  /**
   * Lanes per vector of the species in use.
   *
   * @return the number of float lanes, for example 16 with AVX-512
   */
  public static int lanes() {
    return L;
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate) {
    GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (GemmChecks.trivial(m, n, k, c, cOff, ldc, accumulate)) {
      return;
    }
    // Small products run on the calling thread: waking helpers would cost more than they save.
    WorkerPool workers = (long) m * n * k < SERIAL_MACS ? WorkerPool.shared(1) : pool;
    int threads = workers.threads();
    int maxNc = Math.min(roundUp(n, NR), NC_MAX / NR * NR);
    int kBlocks = (k + KC_MAX - 1) / KC_MAX;
    int kc = (k + kBlocks - 1) / kBlocks; // even k blocks, at most KC_MAX
    int blocksPerPanel = Math.max(1, Math.min(kBlocks, PANEL_FLOATS / (kc * maxNc)));
    int panelK = blocksPerPanel * kc;
    float[] bp = scratch(PACKED_B, Math.min(k, panelK) * maxNc);

    // Row tasks: a multiple of the thread count when m is small, so threads get equal shares.
    int wantedTasks = threads * ceilDiv(m, threads * MC_MAX);
    int mc = Math.min(MC_MAX, roundUp(ceilDiv(m, wantedTasks), mr));
    int rowTasks = (m + mc - 1) / mc;
    for (int jc = 0; jc < n; jc += maxNc) {
      int nc = Math.min(maxNc, n - jc);
      int slivers = (nc + NR - 1) / NR;
      int colTasks = rowTasks >= threads ? 1 : Math.min(slivers, ceilDiv(threads, rowTasks));
      int sliversPerTask = (slivers + colTasks - 1) / colTasks;
      colTasks = (slivers + sliversPerTask - 1) / sliversPerTask;
      for (int pc = 0; pc < k; pc += panelK) {
        int pk = Math.min(panelK, k - pc);
        int panelBlocks = (pk + kc - 1) / kc;
        int bStart = bOff + (transB ? jc * ldb + pc : pc * ldb + jc);
        int jc0 = jc;
        int pc0 = pc;
        WorkerPool packers = (long) pk * nc < SERIAL_PACK_FLOATS ? WorkerPool.shared(1) : pool;
        packers.forEach(panelBlocks * slivers, t -> {
          int q = t / slivers;
          int s = t % slivers;
          int p0 = q * kc;
          int kq = Math.min(kc, pk - p0);
          int col0 = s * NR;
          int cols = Math.min(NR, nc - col0);
          int src = bStart + (transB ? col0 * ldb + p0 : p0 * ldb + col0);
          packB(transB, kq, cols, b, src, ldb, bp, (q * kc * slivers + s * kq) * NR);
        });
        boolean loadFirst = accumulate || pc > 0;
        int ctasks = colTasks;
        int spt = sliversPerTask;
        workers.forEach(rowTasks * colTasks, t -> {
          int rt = t / ctasks;
          int ct = t % ctasks;
          int i0 = rt * mc;
          int rows = Math.min(mc, m - i0);
          int s0 = ct * spt;
          int s1 = Math.min(slivers, s0 + spt);
          rowBlock(transA, i0, rows, pc0, pk, kc, a, aOff, lda, bp, 0, slivers, s0, s1, nc,
              c, cOff + jc0, ldc, loadFirst);
        });
      }
    }
  }

  private void rowBlock(boolean transA, int i0, int rows, int pc, int pk, int kc,
      float[] a, int aOff, int lda, float[] bp, int bpOff, int slivers, int s0, int s1, int nc,
      float[] c, int cOff, int ldc, boolean loadFirst) {
    int mr = this.mr;
    // Row-major A: full slivers are read in place; transposed A and the last partial sliver
    // are packed. A(i, p) at a[aOff + i*rs + p*cs].
    int inPlace = transA ? 0 : rows / mr;
    int packedRows = rows - inPlace * mr;
    int packedSlivers = (packedRows + mr - 1) / mr;
    float[] ap = packedRows > 0 ? scratch(PACKED_A, MC_MAX * kc) : null;
    float[] edgeC = scratch(EDGE_C, mr * NR);
    int rs = transA ? 1 : lda;
    int cs = transA ? lda : 1;
    for (int p0 = 0; p0 < pk; p0 += kc) {
      int kq = Math.min(kc, pk - p0);
      int aBlock = aOff + i0 * rs + (pc + p0) * cs;
      if (packedRows > 0) {
        packA(packedRows, kq, a, aBlock + inPlace * mr * rs, rs, cs, ap);
      }
      boolean load = loadFirst || p0 > 0;
      int bBlock = bpOff + p0 * slivers * NR;
      for (int s = s0; s < s1; s++) {
        int col0 = s * NR;
        int cols = Math.min(NR, nc - col0);
        int bBase = bBlock + s * kq * NR;
        int cBlock = cOff + i0 * ldc + col0;
        for (int r = 0; r < inPlace; r++) {
          int cBase = cBlock + r * mr * ldc;
          int aBase = aBlock + r * mr * lda;
          if (cols == NR) {
            kernel(true, kq, a, aBase, lda, bp, bBase, c, cBase, ldc, load);
          } else {
            edgeTile(true, kq, a, aBase, lda, bp, bBase, c, cBase, ldc, mr, cols, load, edgeC);
          }
        }
        for (int r = 0; r < packedSlivers; r++) {
          int tileRows = Math.min(mr, packedRows - r * mr);
          int cBase = cBlock + (inPlace + r) * mr * ldc;
          int aBase = r * mr;
          if (tileRows == mr && cols == NR) {
            kernel(false, kq, ap, aBase, 0, bp, bBase, c, cBase, ldc, load);
          } else {
            edgeTile(false, kq, ap, aBase, 0, bp, bBase, c, cBase, ldc, tileRows, cols, load,
                edgeC);
          }
        }
      }
    }
  }

  /** A partial tile: through a zero-padded {@code mr × NR} buffer. */
  private void edgeTile(boolean inPlace, int kq, float[] a, int aBase, int lda, float[] bp,
      int bBase, float[] c, int cBase, int ldc, int rows, int cols, boolean load,
      float[] edge) {
    int mr = this.mr;
    if (load) {
      for (int x = 0; x < mr; x++) {
        for (int y = 0; y < NR; y++) {
          edge[x * NR + y] = x < rows && y < cols ? c[cBase + x * ldc + y] : 0f;
        }
      }
    }
    kernel(inPlace, kq, a, aBase, lda, bp, bBase, edge, 0, NR, load);
    for (int x = 0; x < rows; x++) {
      System.arraycopy(edge, x * NR, c, cBase + x * ldc, cols);
    }
  }

  /** Runs the micro-kernel on row-major A in place ({@code inPlace}) or on packed A. */
  private void kernel(boolean inPlace, int kq, float[] a, int aBase, int lda, float[] bp,
      int bBase, float[] c, int cBase, int ldc, boolean load) {
    if (mr == 6) {
      if (inPlace) {
        kernelRows6x2(kq, a, aBase, lda, bp, bBase, c, cBase, ldc, load);
      } else {
        kernel6x2(kq, a, aBase, bp, bBase, c, cBase, ldc, load);
      }
    } else {
      if (inPlace) {
        kernelRows12x2(kq, a, aBase, lda, bp, bBase, c, cBase, ldc, load);
      } else {
        kernel12x2(kq, a, aBase, bp, bBase, c, cBase, ldc, load);
      }
    }
  }

  /**
   * Packs rows {@code [0, rows)} × k range {@code [0, kq)} of op(A)
   * ({@code A(i, p) = a[off + i*rs + p*cs]}, {@code rows <= MC_MAX}) as {@code ap[p*MC_MAX + i]},
   * zero-padding rows up to the next multiple of {@code mr}.
   */
  private void packA(int rows, int kq, float[] a, int off, int rs, int cs, float[] ap) {
    int padded = roundUp(rows, mr);
    if (cs != 1) { // transposed A: the rows for one p are contiguous
      for (int p = 0; p < kq; p++) {
        int dst = p * MC_MAX;
        System.arraycopy(a, off + p * cs, ap, dst, rows);
        for (int i = rows; i < padded; i++) {
          ap[dst + i] = 0f;
        }
      }
    } else { // row-major A: read each row sequentially
      for (int i = 0; i < rows; i++) {
        int src = off + i * rs;
        for (int p = 0; p < kq; p++) {
          ap[p * MC_MAX + i] = a[src + p];
        }
      }
      for (int p = 0; p < kq; p++) {
        for (int i = rows; i < padded; i++) {
          ap[p * MC_MAX + i] = 0f;
        }
      }
    }
  }

  /**
   * Packs a {@code kq × cols} block of op(B) starting at {@code off} as one sliver
   * {@code bp[dst + p*NR + j]}, padding columns {@code cols..NR-1} with zeros.
   */
  private static void packB(boolean transB, int kq, int cols, float[] b, int off, int ldb,
      float[] bp, int dst) {
    if (!transB) {
      if (cols == NR) {
        for (int p = 0; p < kq; p++) {
          int src = off + p * ldb;
          int d = dst + p * NR;
          FloatVector.fromArray(S, b, src).intoArray(bp, d);
          FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
        }
      } else {
        for (int p = 0; p < kq; p++) {
          int d = dst + p * NR;
          System.arraycopy(b, off + p * ldb, bp, d, cols);
          java.util.Arrays.fill(bp, d + cols, d + NR, 0f);
        }
      }
    } else {
      for (int j = 0; j < NR; j++) {
        if (j < cols) {
          int src = off + j * ldb;
          for (int p = 0; p < kq; p++) {
            bp[dst + p * NR + j] = b[src + p];
          }
        } else {
          for (int p = 0; p < kq; p++) {
            bp[dst + p * NR + j] = 0f;
          }
        }
      }
    }
  }

  /**
   * With {@code k <= KC_MAX} (one k block) and {@code n <= NC_MAX}: B packed as in
   * {@link #gemm}, {@code ceil(n / NR)} zero-padded slivers of {@code k × NR}; otherwise the
   * dense copy of {@link MatMul#prepare}.
   */
  @Override
  public int preparedSize(int k, int n) {
    GemmChecks.nonNegative(k, n);
    return packsPrepared(k, n) ? k * roundUp(n, NR) : k * n;
  }

  @Override
  public void prepare(int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
    if (!packsPrepared(k, n)) {
      MatMul.super.prepare(k, n, b, bOff, ldb, dst, dstOff);
      return;
    }
    GemmChecks.checkPrepare(k, n, b, bOff, ldb, dst, dstOff, preparedSize(k, n));
    for (int s = 0; s * NR < n; s++) {
      packB(false, k, Math.min(NR, n - s * NR), b, bOff + s * NR, ldb, dst, dstOff + s * k * NR);
    }
  }

  /**
   * Runs the row tiles of {@link #gemm} on the calling thread over the prepared slivers (the
   * same micro-kernels, so the same bits).
   */
  @Override
  public void gemmPrepared(int m, int n, int k, float[] a, int aOff, int lda, float[] bp,
      int bpOff, float[] c, int cOff, int ldc, boolean accumulate) {
    if (!packsPrepared(k, n)) {
      MatMul.super.gemmPrepared(m, n, k, a, aOff, lda, bp, bpOff, c, cOff, ldc, accumulate);
      return;
    }
    GemmChecks.checkPrepared(m, n, k, a, aOff, lda, bp, bpOff, preparedSize(k, n), c, cOff,
        ldc);
    if (GemmChecks.trivial(m, n, k, c, cOff, ldc, accumulate)) {
      return;
    }
    int slivers = (n + NR - 1) / NR;
    for (int i0 = 0; i0 < m; i0 += MC_MAX) {
      rowBlock(false, i0, Math.min(MC_MAX, m - i0), 0, k, k, a, aOff, lda, bp, bpOff, slivers,
          0, slivers, n, c, cOff, ldc, accumulate);
    }
  }

  private static boolean packsPrepared(int k, int n) {
    return k <= KC_MAX && n <= NC_MAX;
  }

  private static float[] scratch(ThreadLocal<float[]> holder, int size) {
    float[] s = holder.get();
    if (s == null || s.length < size) {
      s = new float[size];
      holder.set(s);
    }
    return s;
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  @Override
  public String name() {
    return "vector-" + (L * 32);
  }

  @Override
  public String toString() {
    return "VectorMatMul[threads=" + threads() + ", lanes=" + L + ", tile=" + mr + "x" + NR + "]";
  }

  /**
   * The 6 × 2·L register tile: C[i][v] for 6 rows and 2 vectors of columns, held in
   * 12 vector accumulators; per step p of k: 2 loads of packed B, 6 broadcasts of
   * packed A ({@code ap[aBase + p*MC_MAX + i]}) and 12 FMAs, in increasing p order. The
   * stride is a compile-time constant so C2 hoists the bounds checks out of the loop.
   */
  private static void kernel6x2(int kc, float[] ap, int aBase,
      float[] bp, int bBase, float[] c, int cBase, int ldc, boolean load) {
    final int l = L;
    FloatVector c0a;
    FloatVector c0b;
    FloatVector c1a;
    FloatVector c1b;
    FloatVector c2a;
    FloatVector c2b;
    FloatVector c3a;
    FloatVector c3b;
    FloatVector c4a;
    FloatVector c4b;
    FloatVector c5a;
    FloatVector c5b;
    if (load) {
      c0a = FloatVector.fromArray(S, c, cBase);
      c0b = FloatVector.fromArray(S, c, cBase + l);
      c1a = FloatVector.fromArray(S, c, cBase + ldc);
      c1b = FloatVector.fromArray(S, c, cBase + ldc + l);
      c2a = FloatVector.fromArray(S, c, cBase + 2 * ldc);
      c2b = FloatVector.fromArray(S, c, cBase + 2 * ldc + l);
      c3a = FloatVector.fromArray(S, c, cBase + 3 * ldc);
      c3b = FloatVector.fromArray(S, c, cBase + 3 * ldc + l);
      c4a = FloatVector.fromArray(S, c, cBase + 4 * ldc);
      c4b = FloatVector.fromArray(S, c, cBase + 4 * ldc + l);
      c5a = FloatVector.fromArray(S, c, cBase + 5 * ldc);
      c5b = FloatVector.fromArray(S, c, cBase + 5 * ldc + l);
    } else {
      FloatVector z = FloatVector.zero(S);
      c0a = z; c0b = z;
      c1a = z; c1b = z;
      c2a = z; c2b = z;
      c3a = z; c3b = z;
      c4a = z; c4b = z;
      c5a = z; c5b = z;
    }
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * 2 * l;
      int ai = aBase + p * MC_MAX;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
      FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
      c0a = b0.fma(a0, c0a);
      c0b = b1.fma(a0, c0b);
      FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
      c1a = b0.fma(a1, c1a);
      c1b = b1.fma(a1, c1b);
      FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
      c2a = b0.fma(a2, c2a);
      c2b = b1.fma(a2, c2b);
      FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
      c3a = b0.fma(a3, c3a);
      c3b = b1.fma(a3, c3b);
      FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
      c4a = b0.fma(a4, c4a);
      c4b = b1.fma(a4, c4b);
      FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
      c5a = b0.fma(a5, c5a);
      c5b = b1.fma(a5, c5b);
    }
    c0a.intoArray(c, cBase);
    c0b.intoArray(c, cBase + l);
    c1a.intoArray(c, cBase + ldc);
    c1b.intoArray(c, cBase + ldc + l);
    c2a.intoArray(c, cBase + 2 * ldc);
    c2b.intoArray(c, cBase + 2 * ldc + l);
    c3a.intoArray(c, cBase + 3 * ldc);
    c3b.intoArray(c, cBase + 3 * ldc + l);
    c4a.intoArray(c, cBase + 4 * ldc);
    c4b.intoArray(c, cBase + 4 * ldc + l);
    c5a.intoArray(c, cBase + 5 * ldc);
    c5b.intoArray(c, cBase + 5 * ldc + l);
  }

  /**
   * The 6 × 2·L register tile: C[i][v] for 6 rows and 2 vectors of columns, held in
   * 12 vector accumulators; per step p of k: 2 loads of packed B, 6 broadcasts of
   * A read in place from row-major storage ({@code a[aBase + i*lda + p]}) and 12 FMAs, in
   * increasing p order. The index is the loop variable plus an invariant, so C2 hoists the
   * bounds checks out of the loop.
   */
  private static void kernelRows6x2(int kc, float[] a, int aBase, int lda,
      float[] bp, int bBase, float[] c, int cBase, int ldc, boolean load) {
    final int l = L;
    FloatVector c0a;
    FloatVector c0b;
    FloatVector c1a;
    FloatVector c1b;
    FloatVector c2a;
    FloatVector c2b;
    FloatVector c3a;
    FloatVector c3b;
    FloatVector c4a;
    FloatVector c4b;
    FloatVector c5a;
    FloatVector c5b;
    if (load) {
      c0a = FloatVector.fromArray(S, c, cBase);
      c0b = FloatVector.fromArray(S, c, cBase + l);
      c1a = FloatVector.fromArray(S, c, cBase + ldc);
      c1b = FloatVector.fromArray(S, c, cBase + ldc + l);
      c2a = FloatVector.fromArray(S, c, cBase + 2 * ldc);
      c2b = FloatVector.fromArray(S, c, cBase + 2 * ldc + l);
      c3a = FloatVector.fromArray(S, c, cBase + 3 * ldc);
      c3b = FloatVector.fromArray(S, c, cBase + 3 * ldc + l);
      c4a = FloatVector.fromArray(S, c, cBase + 4 * ldc);
      c4b = FloatVector.fromArray(S, c, cBase + 4 * ldc + l);
      c5a = FloatVector.fromArray(S, c, cBase + 5 * ldc);
      c5b = FloatVector.fromArray(S, c, cBase + 5 * ldc + l);
    } else {
      FloatVector z = FloatVector.zero(S);
      c0a = z; c0b = z;
      c1a = z; c1b = z;
      c2a = z; c2b = z;
      c3a = z; c3b = z;
      c4a = z; c4b = z;
      c5a = z; c5b = z;
    }
    final int r1 = aBase + lda;
    final int r2 = aBase + 2 * lda;
    final int r3 = aBase + 3 * lda;
    final int r4 = aBase + 4 * lda;
    final int r5 = aBase + 5 * lda;
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * 2 * l;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
      FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
      c0a = b0.fma(a0, c0a);
      c0b = b1.fma(a0, c0b);
      FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
      c1a = b0.fma(a1, c1a);
      c1b = b1.fma(a1, c1b);
      FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
      c2a = b0.fma(a2, c2a);
      c2b = b1.fma(a2, c2b);
      FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
      c3a = b0.fma(a3, c3a);
      c3b = b1.fma(a3, c3b);
      FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
      c4a = b0.fma(a4, c4a);
      c4b = b1.fma(a4, c4b);
      FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
      c5a = b0.fma(a5, c5a);
      c5b = b1.fma(a5, c5b);
    }
    c0a.intoArray(c, cBase);
    c0b.intoArray(c, cBase + l);
    c1a.intoArray(c, cBase + ldc);
    c1b.intoArray(c, cBase + ldc + l);
    c2a.intoArray(c, cBase + 2 * ldc);
    c2b.intoArray(c, cBase + 2 * ldc + l);
    c3a.intoArray(c, cBase + 3 * ldc);
    c3b.intoArray(c, cBase + 3 * ldc + l);
    c4a.intoArray(c, cBase + 4 * ldc);
    c4b.intoArray(c, cBase + 4 * ldc + l);
    c5a.intoArray(c, cBase + 5 * ldc);
    c5b.intoArray(c, cBase + 5 * ldc + l);
  }

  /**
   * The 12 × 2·L register tile: C[i][v] for 12 rows and 2 vectors of columns, held in
   * 24 vector accumulators; per step p of k: 2 loads of packed B, 12 broadcasts of
   * packed A ({@code ap[aBase + p*MC_MAX + i]}) and 24 FMAs, in increasing p order. The
   * stride is a compile-time constant so C2 hoists the bounds checks out of the loop.
   */
  private static void kernel12x2(int kc, float[] ap, int aBase,
      float[] bp, int bBase, float[] c, int cBase, int ldc, boolean load) {
    final int l = L;
    FloatVector c0a;
    FloatVector c0b;
    FloatVector c1a;
    FloatVector c1b;
    FloatVector c2a;
    FloatVector c2b;
    FloatVector c3a;
    FloatVector c3b;
    FloatVector c4a;
    FloatVector c4b;
    FloatVector c5a;
    FloatVector c5b;
    FloatVector c6a;
    FloatVector c6b;
    FloatVector c7a;
    FloatVector c7b;
    FloatVector c8a;
    FloatVector c8b;
    FloatVector c9a;
    FloatVector c9b;
    FloatVector c10a;
    FloatVector c10b;
    FloatVector c11a;
    FloatVector c11b;
    if (load) {
      c0a = FloatVector.fromArray(S, c, cBase);
      c0b = FloatVector.fromArray(S, c, cBase + l);
      c1a = FloatVector.fromArray(S, c, cBase + ldc);
      c1b = FloatVector.fromArray(S, c, cBase + ldc + l);
      c2a = FloatVector.fromArray(S, c, cBase + 2 * ldc);
      c2b = FloatVector.fromArray(S, c, cBase + 2 * ldc + l);
      c3a = FloatVector.fromArray(S, c, cBase + 3 * ldc);
      c3b = FloatVector.fromArray(S, c, cBase + 3 * ldc + l);
      c4a = FloatVector.fromArray(S, c, cBase + 4 * ldc);
      c4b = FloatVector.fromArray(S, c, cBase + 4 * ldc + l);
      c5a = FloatVector.fromArray(S, c, cBase + 5 * ldc);
      c5b = FloatVector.fromArray(S, c, cBase + 5 * ldc + l);
      c6a = FloatVector.fromArray(S, c, cBase + 6 * ldc);
      c6b = FloatVector.fromArray(S, c, cBase + 6 * ldc + l);
      c7a = FloatVector.fromArray(S, c, cBase + 7 * ldc);
      c7b = FloatVector.fromArray(S, c, cBase + 7 * ldc + l);
      c8a = FloatVector.fromArray(S, c, cBase + 8 * ldc);
      c8b = FloatVector.fromArray(S, c, cBase + 8 * ldc + l);
      c9a = FloatVector.fromArray(S, c, cBase + 9 * ldc);
      c9b = FloatVector.fromArray(S, c, cBase + 9 * ldc + l);
      c10a = FloatVector.fromArray(S, c, cBase + 10 * ldc);
      c10b = FloatVector.fromArray(S, c, cBase + 10 * ldc + l);
      c11a = FloatVector.fromArray(S, c, cBase + 11 * ldc);
      c11b = FloatVector.fromArray(S, c, cBase + 11 * ldc + l);
    } else {
      FloatVector z = FloatVector.zero(S);
      c0a = z; c0b = z;
      c1a = z; c1b = z;
      c2a = z; c2b = z;
      c3a = z; c3b = z;
      c4a = z; c4b = z;
      c5a = z; c5b = z;
      c6a = z; c6b = z;
      c7a = z; c7b = z;
      c8a = z; c8b = z;
      c9a = z; c9b = z;
      c10a = z; c10b = z;
      c11a = z; c11b = z;
    }
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * 2 * l;
      int ai = aBase + p * MC_MAX;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
      FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
      c0a = b0.fma(a0, c0a);
      c0b = b1.fma(a0, c0b);
      FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
      c1a = b0.fma(a1, c1a);
      c1b = b1.fma(a1, c1b);
      FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
      c2a = b0.fma(a2, c2a);
      c2b = b1.fma(a2, c2b);
      FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
      c3a = b0.fma(a3, c3a);
      c3b = b1.fma(a3, c3b);
      FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
      c4a = b0.fma(a4, c4a);
      c4b = b1.fma(a4, c4b);
      FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
      c5a = b0.fma(a5, c5a);
      c5b = b1.fma(a5, c5b);
      FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
      c6a = b0.fma(a6, c6a);
      c6b = b1.fma(a6, c6b);
      FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
      c7a = b0.fma(a7, c7a);
      c7b = b1.fma(a7, c7b);
      FloatVector a8 = FloatVector.broadcast(S, ap[ai + 8]);
      c8a = b0.fma(a8, c8a);
      c8b = b1.fma(a8, c8b);
      FloatVector a9 = FloatVector.broadcast(S, ap[ai + 9]);
      c9a = b0.fma(a9, c9a);
      c9b = b1.fma(a9, c9b);
      FloatVector a10 = FloatVector.broadcast(S, ap[ai + 10]);
      c10a = b0.fma(a10, c10a);
      c10b = b1.fma(a10, c10b);
      FloatVector a11 = FloatVector.broadcast(S, ap[ai + 11]);
      c11a = b0.fma(a11, c11a);
      c11b = b1.fma(a11, c11b);
    }
    c0a.intoArray(c, cBase);
    c0b.intoArray(c, cBase + l);
    c1a.intoArray(c, cBase + ldc);
    c1b.intoArray(c, cBase + ldc + l);
    c2a.intoArray(c, cBase + 2 * ldc);
    c2b.intoArray(c, cBase + 2 * ldc + l);
    c3a.intoArray(c, cBase + 3 * ldc);
    c3b.intoArray(c, cBase + 3 * ldc + l);
    c4a.intoArray(c, cBase + 4 * ldc);
    c4b.intoArray(c, cBase + 4 * ldc + l);
    c5a.intoArray(c, cBase + 5 * ldc);
    c5b.intoArray(c, cBase + 5 * ldc + l);
    c6a.intoArray(c, cBase + 6 * ldc);
    c6b.intoArray(c, cBase + 6 * ldc + l);
    c7a.intoArray(c, cBase + 7 * ldc);
    c7b.intoArray(c, cBase + 7 * ldc + l);
    c8a.intoArray(c, cBase + 8 * ldc);
    c8b.intoArray(c, cBase + 8 * ldc + l);
    c9a.intoArray(c, cBase + 9 * ldc);
    c9b.intoArray(c, cBase + 9 * ldc + l);
    c10a.intoArray(c, cBase + 10 * ldc);
    c10b.intoArray(c, cBase + 10 * ldc + l);
    c11a.intoArray(c, cBase + 11 * ldc);
    c11b.intoArray(c, cBase + 11 * ldc + l);
  }

  /**
   * The 12 × 2·L register tile: C[i][v] for 12 rows and 2 vectors of columns, held in
   * 24 vector accumulators; per step p of k: 2 loads of packed B, 12 broadcasts of
   * A read in place from row-major storage ({@code a[aBase + i*lda + p]}) and 24 FMAs, in
   * increasing p order. The index is the loop variable plus an invariant, so C2 hoists the
   * bounds checks out of the loop.
   */
  private static void kernelRows12x2(int kc, float[] a, int aBase, int lda,
      float[] bp, int bBase, float[] c, int cBase, int ldc, boolean load) {
    final int l = L;
    FloatVector c0a;
    FloatVector c0b;
    FloatVector c1a;
    FloatVector c1b;
    FloatVector c2a;
    FloatVector c2b;
    FloatVector c3a;
    FloatVector c3b;
    FloatVector c4a;
    FloatVector c4b;
    FloatVector c5a;
    FloatVector c5b;
    FloatVector c6a;
    FloatVector c6b;
    FloatVector c7a;
    FloatVector c7b;
    FloatVector c8a;
    FloatVector c8b;
    FloatVector c9a;
    FloatVector c9b;
    FloatVector c10a;
    FloatVector c10b;
    FloatVector c11a;
    FloatVector c11b;
    if (load) {
      c0a = FloatVector.fromArray(S, c, cBase);
      c0b = FloatVector.fromArray(S, c, cBase + l);
      c1a = FloatVector.fromArray(S, c, cBase + ldc);
      c1b = FloatVector.fromArray(S, c, cBase + ldc + l);
      c2a = FloatVector.fromArray(S, c, cBase + 2 * ldc);
      c2b = FloatVector.fromArray(S, c, cBase + 2 * ldc + l);
      c3a = FloatVector.fromArray(S, c, cBase + 3 * ldc);
      c3b = FloatVector.fromArray(S, c, cBase + 3 * ldc + l);
      c4a = FloatVector.fromArray(S, c, cBase + 4 * ldc);
      c4b = FloatVector.fromArray(S, c, cBase + 4 * ldc + l);
      c5a = FloatVector.fromArray(S, c, cBase + 5 * ldc);
      c5b = FloatVector.fromArray(S, c, cBase + 5 * ldc + l);
      c6a = FloatVector.fromArray(S, c, cBase + 6 * ldc);
      c6b = FloatVector.fromArray(S, c, cBase + 6 * ldc + l);
      c7a = FloatVector.fromArray(S, c, cBase + 7 * ldc);
      c7b = FloatVector.fromArray(S, c, cBase + 7 * ldc + l);
      c8a = FloatVector.fromArray(S, c, cBase + 8 * ldc);
      c8b = FloatVector.fromArray(S, c, cBase + 8 * ldc + l);
      c9a = FloatVector.fromArray(S, c, cBase + 9 * ldc);
      c9b = FloatVector.fromArray(S, c, cBase + 9 * ldc + l);
      c10a = FloatVector.fromArray(S, c, cBase + 10 * ldc);
      c10b = FloatVector.fromArray(S, c, cBase + 10 * ldc + l);
      c11a = FloatVector.fromArray(S, c, cBase + 11 * ldc);
      c11b = FloatVector.fromArray(S, c, cBase + 11 * ldc + l);
    } else {
      FloatVector z = FloatVector.zero(S);
      c0a = z; c0b = z;
      c1a = z; c1b = z;
      c2a = z; c2b = z;
      c3a = z; c3b = z;
      c4a = z; c4b = z;
      c5a = z; c5b = z;
      c6a = z; c6b = z;
      c7a = z; c7b = z;
      c8a = z; c8b = z;
      c9a = z; c9b = z;
      c10a = z; c10b = z;
      c11a = z; c11b = z;
    }
    final int r1 = aBase + lda;
    final int r2 = aBase + 2 * lda;
    final int r3 = aBase + 3 * lda;
    final int r4 = aBase + 4 * lda;
    final int r5 = aBase + 5 * lda;
    final int r6 = aBase + 6 * lda;
    final int r7 = aBase + 7 * lda;
    final int r8 = aBase + 8 * lda;
    final int r9 = aBase + 9 * lda;
    final int r10 = aBase + 10 * lda;
    final int r11 = aBase + 11 * lda;
    for (int p = 0; p < kc; p++) {
      int bi = bBase + p * 2 * l;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
      FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
      c0a = b0.fma(a0, c0a);
      c0b = b1.fma(a0, c0b);
      FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
      c1a = b0.fma(a1, c1a);
      c1b = b1.fma(a1, c1b);
      FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
      c2a = b0.fma(a2, c2a);
      c2b = b1.fma(a2, c2b);
      FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
      c3a = b0.fma(a3, c3a);
      c3b = b1.fma(a3, c3b);
      FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
      c4a = b0.fma(a4, c4a);
      c4b = b1.fma(a4, c4b);
      FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
      c5a = b0.fma(a5, c5a);
      c5b = b1.fma(a5, c5b);
      FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
      c6a = b0.fma(a6, c6a);
      c6b = b1.fma(a6, c6b);
      FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
      c7a = b0.fma(a7, c7a);
      c7b = b1.fma(a7, c7b);
      FloatVector a8 = FloatVector.broadcast(S, a[r8 + p]);
      c8a = b0.fma(a8, c8a);
      c8b = b1.fma(a8, c8b);
      FloatVector a9 = FloatVector.broadcast(S, a[r9 + p]);
      c9a = b0.fma(a9, c9a);
      c9b = b1.fma(a9, c9b);
      FloatVector a10 = FloatVector.broadcast(S, a[r10 + p]);
      c10a = b0.fma(a10, c10a);
      c10b = b1.fma(a10, c10b);
      FloatVector a11 = FloatVector.broadcast(S, a[r11 + p]);
      c11a = b0.fma(a11, c11a);
      c11b = b1.fma(a11, c11b);
    }
    c0a.intoArray(c, cBase);
    c0b.intoArray(c, cBase + l);
    c1a.intoArray(c, cBase + ldc);
    c1b.intoArray(c, cBase + ldc + l);
    c2a.intoArray(c, cBase + 2 * ldc);
    c2b.intoArray(c, cBase + 2 * ldc + l);
    c3a.intoArray(c, cBase + 3 * ldc);
    c3b.intoArray(c, cBase + 3 * ldc + l);
    c4a.intoArray(c, cBase + 4 * ldc);
    c4b.intoArray(c, cBase + 4 * ldc + l);
    c5a.intoArray(c, cBase + 5 * ldc);
    c5b.intoArray(c, cBase + 5 * ldc + l);
    c6a.intoArray(c, cBase + 6 * ldc);
    c6b.intoArray(c, cBase + 6 * ldc + l);
    c7a.intoArray(c, cBase + 7 * ldc);
    c7b.intoArray(c, cBase + 7 * ldc + l);
    c8a.intoArray(c, cBase + 8 * ldc);
    c8b.intoArray(c, cBase + 8 * ldc + l);
    c9a.intoArray(c, cBase + 9 * ldc);
    c9b.intoArray(c, cBase + 9 * ldc + l);
    c10a.intoArray(c, cBase + 10 * ldc);
    c10b.intoArray(c, cBase + 10 * ldc + l);
    c11a.intoArray(c, cBase + 11 * ldc);
    c11b.intoArray(c, cBase + 11 * ldc + l);
  }
}

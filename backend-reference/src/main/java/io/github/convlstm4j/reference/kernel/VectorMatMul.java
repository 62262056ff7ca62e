package io.github.convlstm4j.reference.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Cache-blocked, multi-threaded single-precision GEMM with the Vector API
 * ({@code jdk.incubator.vector}). The vector width is chosen per kernel: by default the widest of
 * 128, 256 and 512 bits that is not wider than {@link FloatVector#SPECIES_PREFERRED} (16 lanes
 * with AVX-512, 8 with AVX2); {@link MatMuls#vector(int, int)} forces one (the backend setting
 * {@code reference.vectorBits}), so an AVX-512 machine can measure both. A width wider than the
 * hardware's runs correctly but slowly (the Vector API then emulates it).
 * Load it only when the JVM runs with {@code --add-modules jdk.incubator.vector}; use
 * {@link MatMuls} rather than this class directly.
 *
 * <p>Register tile and blocking follow the width ({@link VectorTiles}: one class per width,
 * so that the species is a compile-time constant): {@code NR = 2·lanes} columns, {@code MR}
 * rows, 12 with 512-bit vectors (24 accumulators; AVX-512 has 32 vector registers) and 6
 * otherwise (12 accumulators of AVX2's 16), and a k block {@code KC = 6144 / NR} (the packed B
 * sliver, {@code KC × NR} floats = 24 KiB, stays in L1).
 *
 * <p>Blocking (GotoBLAS/BLIS style): op(B) is packed, a panel of at most {@value #PANEL_FLOATS}
 * floats at a time, into slivers of {@code NR} columns ({@code [k block][sliver][p][NR]},
 * zero-padded; in parallel when large) into a per-calling-thread buffer reused across calls.
 * Threads then take tasks of at most {@value #MC_MAX} rows of C (and, when there are fewer row
 * blocks than threads, a range of slivers); for each k block and each B sliver (kept in L1),
 * the micro-kernel runs down the rows in steps of {@code MR}. The micro-kernel keeps an
 * {@code MR × NR} tile of C in vector registers and per step of k issues 2 loads of packed B,
 * {@code MR} broadcasts of A and {@code 2·MR} FMAs. Row-major A
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
 * identical for every thread count, every blocking and every vector width. Long-k products with
 * a small output, such as {@code dW = colsᵀ·dZ} (360 × 160, k = 240000), still use every thread:
 * row tasks are sized so their number is a multiple of the thread count.
 *
 * <p>Threads: the {@link WorkerPool} shared by all kernels with the same thread count (daemon
 * threads that time out when idle; nothing to close).
 */
public final class VectorMatMul implements MatMul {

  /** Maximum rows per task (packed A block {@code MC_MAX × KC} stays in L2). */
  static final int MC_MAX = 96;
  /**
   * Floats of C from which a product that overwrites C (no accumulation, first k panel) zeroes
   * each task's rows of C, row by row, before its tiles write them: 4M floats (16 MiB), more
   * than the caches hold, so C's lines come from memory. The tiles' stores at the end of each
   * k block otherwise miss on 12 lines at once (MR rows, scattered by ldc); the row-by-row
   * fill makes them sequential streams that the hardware prefetcher follows. Same values
   * either way (the tiles overwrite C). Seed column gradient (240000 × 360, k = 160): 65-66 %
   * of the FMA peak without, 72-74 % with (bench kernel probe, session 10); products whose C
   * stays in cache (Winograd chunks) lost 2-4 % to it, hence the threshold.
   */
  static final long PRE_ZERO_C_FLOATS = 1L << 22;
  /** Maximum packed B panel, in floats (1 MiB: long-k products measured faster than with 4). */
  static final int PANEL_FLOATS = 1 << 18;
  /** Below this many multiply-adds a product runs on the calling thread only. */
  static final long SERIAL_MACS = 1L << 18;
  /** Below this many floats a B panel is packed on the calling thread only. */
  static final long SERIAL_PACK_FLOATS = 1L << 16;
  /** Maximum panel width in columns. */
  static final int NC_MAX = 1024;
  /** Floats of one packed B sliver ({@code KC × NR}): 24 KiB, in L1. */
  static final int SLIVER_FLOATS = 6144;

  private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();
  private static final ThreadLocal<float[]> PACKED_A = new ThreadLocal<>();
  private static final ThreadLocal<float[]> EDGE_C = new ThreadLocal<>();

  private final WorkerPool pool;
  private final VectorTiles tiles;
  /** Floats per vector. */
  private final int lanes;
  /** Columns of the register tile: 2 vectors. */
  private final int nr;
  /** Maximum k block. */
  private final int kcMax;
  /** Rows of the register tile: 6 (12 accumulators) or 12 (24 accumulators). */
  private final int mr;

  /**
   * Creates a kernel that uses up to {@code threads} threads (the caller included), with the
   * default vector width ({@link #defaultBits()}) and its register tile.
   *
   * @param threads number of threads, at least 1
   */
  public VectorMatMul(int threads) {
    this(threads, defaultBits());
  }

  /**
   * Creates a kernel with a given vector width and its register tile: 12 × 2 vectors with
   * 512-bit vectors, 6 × 2 vectors otherwise.
   *
   * @param threads number of threads, at least 1
   * @param bits vector width: 128, 256 or 512
   * @throws IllegalArgumentException if {@code threads <= 0} or {@code bits} is another value
   */
  public VectorMatMul(int threads, int bits) {
    this(threads, bits, bits >= 512 ? 12 : 6);
  }

  /** With a given width and tile height (6 or 12); for tests of every pair on any machine. */
  VectorMatMul(int threads, int bits, int tileRows) {
    this.pool = WorkerPool.shared(GemmChecks.threads(threads));
    this.tiles = tiles(bits);
    if (tileRows != 6 && tileRows != 12) {
      throw new IllegalArgumentException("tileRows must be 6 or 12, got " + tileRows);
    }
    this.mr = tileRows;
    this.lanes = tiles.lanes();
    this.nr = 2 * lanes;
    this.kcMax = SLIVER_FLOATS / nr;
  }

  private static VectorTiles tiles(int bits) {
    switch (bits) {
      case 128:
        return Tiles128.INSTANCE;
      case 256:
        return Tiles256.INSTANCE;
      case 512:
        return Tiles512.INSTANCE;
      default:
        throw new IllegalArgumentException(
            "vector width must be 128, 256 or 512 bits, got " + bits);
    }
  }

  /**
   * The default vector width: the widest of 512, 256 and 128 bits that is not wider than the
   * JVM's preferred species ({@link FloatVector#SPECIES_PREFERRED}); 256 if that is narrower
   * than 128.
   *
   * @return 128, 256 or 512
   */
  public static int defaultBits() {
    int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    return preferred >= 512 ? 512 : preferred >= 256 ? 256 : preferred >= 128 ? 128 : 256;
  }

  /**
   * Thread count this kernel uses.
   *
   * @return the thread count
   */
  public int threads() {
    return pool.threads();
  }

  /** One thread, the same vector width and register tile. */
  @Override
  public MatMul serial() {
    return threads() == 1 ? this : new VectorMatMul(1, tiles.bits(), mr);
  }

  /**
   * Lanes per vector of this kernel's width.
   *
   * @return the number of float lanes, for example 16 with 512-bit vectors
   */
  public int lanes() {
    return lanes;
  }

  /**
   * This kernel's vector width.
   *
   * @return 128, 256 or 512
   */
  @Override
  public int vectorBits() {
    return tiles.bits();
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
    int maxNc = Math.min(roundUp(n, nr), NC_MAX / nr * nr);
    int kBlocks = (k + kcMax - 1) / kcMax;
    int kc = (k + kBlocks - 1) / kBlocks; // even k blocks, at most kcMax
    int blocksPerPanel = Math.max(1, Math.min(kBlocks, PANEL_FLOATS / (kc * maxNc)));
    int panelK = blocksPerPanel * kc;
    float[] bp = scratch(PACKED_B, Math.min(k, panelK) * maxNc);

    // Row tasks: a multiple of the thread count when m is small, so threads get equal shares.
    int wantedTasks = threads * ceilDiv(m, threads * MC_MAX);
    int mc = Math.min(MC_MAX, roundUp(ceilDiv(m, wantedTasks), mr));
    int rowTasks = (m + mc - 1) / mc;
    for (int jc = 0; jc < n; jc += maxNc) {
      int nc = Math.min(maxNc, n - jc);
      int slivers = (nc + nr - 1) / nr;
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
          int col0 = s * nr;
          int cols = Math.min(nr, nc - col0);
          int src = bStart + (transB ? col0 * ldb + p0 : p0 * ldb + col0);
          packB(transB, kq, cols, b, src, ldb, bp, (q * kc * slivers + s * kq) * nr);
        });
        boolean loadFirst = accumulate || pc > 0;
        boolean preZero = !loadFirst && (long) m * n >= PRE_ZERO_C_FLOATS;
        int ctasks = colTasks;
        int spt = sliversPerTask;
        workers.forEach(rowTasks * colTasks, t -> {
          int rt = t / ctasks;
          int ct = t % ctasks;
          int i0 = rt * mc;
          int rows = Math.min(mc, m - i0);
          int s0 = ct * spt;
          int s1 = Math.min(slivers, s0 + spt);
          rowBlock(transA, false, i0, rows, pc0, pk, kc, a, aOff, lda, bp, 0, slivers, s0, s1,
              nc, c, cOff + jc0, ldc, loadFirst, preZero);
        });
      }
    }
  }

  /**
   * One task's rows of C over the k range {@code [pc, pc + pk)}; {@code transAInPlace}: A is
   * transposed with {@code lda == MC_MAX} and one row block, read in place as if packed.
   */
  private void rowBlock(boolean transA, boolean transAInPlace, int i0, int rows, int pc, int pk,
      int kc,
      float[] a, int aOff, int lda, float[] bp, int bpOff, int slivers, int s0, int s1, int nc,
      float[] c, int cOff, int ldc, boolean loadFirst, boolean preZeroC) {
    int mr = this.mr;
    // Row-major A: full slivers are read in place; transposed A and the last partial sliver
    // are packed. A(i, p) at a[aOff + i*rs + p*cs].
    int inPlace = transA ? 0 : rows / mr;
    int packedRows = rows - inPlace * mr;
    int packedSlivers = (packedRows + mr - 1) / mr;
    float[] ap = transAInPlace ? a : packedRows > 0 ? scratch(PACKED_A, MC_MAX * kc) : null;
    float[] edgeC = scratch(EDGE_C, mr * nr);
    int rs = transA ? 1 : lda;
    int cs = transA ? lda : 1;
    if (preZeroC) {
      int from = s0 * nr;
      int to = Math.min(nc, s1 * nr);
      for (int i = 0; i < rows; i++) {
        int row = cOff + (i0 + i) * ldc;
        java.util.Arrays.fill(c, row + from, row + to, 0f);
      }
    }
    for (int p0 = 0; p0 < pk; p0 += kc) {
      int kq = Math.min(kc, pk - p0);
      int aBlock = aOff + i0 * rs + (pc + p0) * cs;
      if (packedRows > 0 && !transAInPlace) {
        packA(packedRows, kq, a, aBlock + inPlace * mr * rs, rs, cs, ap);
      }
      int apBlock = transAInPlace ? aBlock : 0;
      boolean load = loadFirst || p0 > 0;
      int bBlock = bpOff + p0 * slivers * nr;
      for (int s = s0; s < s1; s++) {
        int col0 = s * nr;
        int cols = Math.min(nr, nc - col0);
        int bBase = bBlock + s * kq * nr;
        int cBlock = cOff + i0 * ldc + col0;
        for (int r = 0; r < inPlace; r++) {
          int cBase = cBlock + r * mr * ldc;
          int aBase = aBlock + r * mr * lda;
          if (cols == nr) {
            kernel(true, kq, a, aBase, lda, bp, bBase, c, cBase, ldc, load);
          } else {
            edgeTile(true, kq, a, aBase, lda, bp, bBase, c, cBase, ldc, mr, cols, load, edgeC);
          }
        }
        for (int r = 0; r < packedSlivers; r++) {
          int tileRows = Math.min(mr, packedRows - r * mr);
          int cBase = cBlock + (inPlace + r) * mr * ldc;
          int aBase = apBlock + r * mr;
          if (tileRows == mr && cols == nr) {
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
        for (int y = 0; y < nr; y++) {
          edge[x * nr + y] = x < rows && y < cols ? c[cBase + x * ldc + y] : 0f;
        }
      }
    }
    kernel(inPlace, kq, a, aBase, lda, bp, bBase, edge, 0, nr, load);
    for (int x = 0; x < rows; x++) {
      System.arraycopy(edge, x * nr, c, cBase + x * ldc, cols);
    }
  }

  /** Runs the micro-kernel on row-major A in place ({@code inPlace}) or on packed A. */
  private void kernel(boolean inPlace, int kq, float[] a, int aBase, int lda, float[] bp,
      int bBase, float[] c, int cBase, int ldc, boolean load) {
    tiles.kernel(mr, inPlace, kq, a, aBase, lda, bp, bBase, c, cBase, ldc, load);
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
  private void packB(boolean transB, int kq, int cols, float[] b, int off, int ldb,
      float[] bp, int dst) {
    if (!transB) {
      if (cols == nr) {
        tiles.copyRows(kq, b, off, ldb, bp, dst);
      } else {
        for (int p = 0; p < kq; p++) {
          int d = dst + p * nr;
          System.arraycopy(b, off + p * ldb, bp, d, cols);
          java.util.Arrays.fill(bp, d + cols, d + nr, 0f);
        }
      }
    } else {
      for (int j = 0; j < nr; j++) {
        if (j < cols) {
          int src = off + j * ldb;
          for (int p = 0; p < kq; p++) {
            bp[dst + p * nr + j] = b[src + p];
          }
        } else {
          for (int p = 0; p < kq; p++) {
            bp[dst + p * nr + j] = 0f;
          }
        }
      }
    }
  }

  /**
   * With {@code k <= kcMax} (one k block) and {@code n <= NC_MAX}: B packed as in
   * {@link #gemm}, {@code ceil(n / NR)} zero-padded slivers of {@code k × NR}; otherwise the
   * dense copy of {@link MatMul#prepare}.
   */
  @Override
  public int preparedSize(int k, int n) {
    GemmChecks.nonNegative(k, n);
    return packsPrepared(k, n) ? k * roundUp(n, nr) : k * n;
  }

  @Override
  public void prepare(int k, int n, float[] b, int bOff, int ldb, float[] dst, int dstOff) {
    if (!packsPrepared(k, n)) {
      MatMul.super.prepare(k, n, b, bOff, ldb, dst, dstOff);
      return;
    }
    GemmChecks.checkPrepare(k, n, b, bOff, ldb, dst, dstOff, preparedSize(k, n));
    for (int s = 0; s * nr < n; s++) {
      packB(false, k, Math.min(nr, n - s * nr), b, bOff + s * nr, ldb, dst, dstOff + s * k * nr);
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
    preparedProduct(false, m, n, k, a, aOff, lda, bp, bpOff, c, cOff, ldc, accumulate);
  }

  /** {@code NR} when B is packed in slivers (see {@link #preparedSize}), else {@code n}. */
  @Override
  public int preparedSliver(int k, int n) {
    GemmChecks.nonNegative(k, n);
    return packsPrepared(k, n) ? nr : Math.max(n, 1);
  }

  /**
   * As {@link #gemmPrepared} with transposed A: the row tiles of {@link #gemm} on the calling
   * thread, A packed per row block exactly as {@code gemm(true, ...)} does (the same
   * micro-kernels, so the same bits), B read from the prepared slivers without packing.
   */
  @Override
  public void gemmPreparedTransA(int m, int n, int k, float[] a, int aOff, int lda,
      float[] bp, int bpOff, float[] c, int cOff, int ldc, boolean accumulate) {
    if (!packsPrepared(k, n)) {
      MatMul.super.gemmPreparedTransA(m, n, k, a, aOff, lda, bp, bpOff, c, cOff, ldc,
          accumulate);
      return;
    }
    preparedProduct(true, m, n, k, a, aOff, lda, bp, bpOff, c, cOff, ldc, accumulate);
  }

  /**
   * The prepared-B product of {@link #gemmPrepared} ({@code transA} false) and
   * {@link #gemmPreparedTransA} (true), with B in the packed slivers: the row tiles of
   * {@link #gemm} on the calling thread, A read in place or packed per row block exactly as
   * {@code gemm} does (the same micro-kernels, so the same bits).
   */
  private void preparedProduct(boolean transA, int m, int n, int k, float[] a, int aOff,
      int lda, float[] bp, int bpOff, float[] c, int cOff, int ldc, boolean accumulate) {
    GemmChecks.checkPrepared(transA, m, n, k, a, aOff, lda, bp, bpOff, preparedSize(k, n), c,
        cOff, ldc);
    if (GemmChecks.trivial(m, n, k, c, cOff, ldc, accumulate)) {
      return;
    }
    int slivers = (n + nr - 1) / nr;
    // Transposed A already in the packed layout (see inPlaceTransAStride): read, not copied.
    boolean transAInPlace = transA && lda == MC_MAX && m <= MC_MAX
        && a.length >= aOff + (long) k * lda;
    for (int i0 = 0; i0 < m; i0 += MC_MAX) {
      rowBlock(transA, transAInPlace, i0, Math.min(MC_MAX, m - i0), 0, k, k, a, aOff, lda, bp,
          bpOff, slivers, 0, slivers, n, c, cOff, ldc, accumulate, false);
    }
  }

  /**
   * {@value #MC_MAX} for {@code MC_MAX / 2 <= m <= MC_MAX}: a transposed A stored with this
   * leading dimension (and with its whole last row, {@code k · MC_MAX} floats from its offset)
   * is the layout {@link #gemmPreparedTransA} packs it into, so it is read in place; else 0
   * (with fewer rows the padding would more than double A, costing more memory than the copy
   * costs time).
   */
  @Override
  public int inPlaceTransAStride(int m) {
    GemmChecks.nonNegative("m", m);
    return m >= MC_MAX / 2 && m <= MC_MAX ? MC_MAX : 0;
  }

  private boolean packsPrepared(int k, int n) {
    return k <= kcMax && n <= NC_MAX;
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
    return "vector-" + tiles.bits();
  }

  @Override
  public String toString() {
    return "VectorMatMul[threads=" + threads() + ", lanes=" + lanes + ", tile=" + mr + "x" + nr
        + "]";
  }
}

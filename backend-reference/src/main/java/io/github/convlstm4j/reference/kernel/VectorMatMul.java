package io.github.convlstm4j.reference.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, multi-threaded single-precision GEMM with the Vector API
 * ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}: 16 lanes with AVX-512).
 * Load it only when the JVM runs with {@code --add-modules jdk.incubator.vector}; use
 * {@link MatMuls} rather than this class directly.
 *
 * <p>Blocking (GotoBLAS/BLIS style): op(B) is packed a panel of at most
 * {@value #PANEL_FLOATS} floats at a time into slivers of {@code NR = NV·L} columns
 * ({@code [sliver][p][NR]}, zero-padded), the panel split along k into blocks of at most
 * {@value #KC_MAX}; a row block of op(A) ({@code MC × kc}) is packed per task into slivers of
 * {@value #MR} rows ({@code [sliver][p][MR]}) in a per-thread scratch buffer. The micro-kernel
 * keeps an {@code MR × NR} tile of C in vector registers and per step of k issues
 * {@code NV} loads of B, {@code MR} broadcasts of A and {@code MR·NV} FMAs. Edge tiles go through
 * a small per-thread tile buffer.
 *
 * <p>Determinism: every element of C is one FMA chain over {@code p = 0..k-1} in increasing
 * order, starting from 0 (or from C when accumulating), computed by exactly one thread (C is
 * loaded into the registers at the start of each k block and stored at its end, which does not
 * change the chain). Work is split over output tiles only, never over k, so results are bitwise
 * identical for every thread count and every blocking.
 *
 * <p>Threads: the {@link WorkerPool} shared by all kernels with the same thread count (daemon
 * threads that time out when idle; nothing to close).
 */
public final class VectorMatMul implements MatMul {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows of the register tile. */
  static final int MR = 8;
  /** Vectors per row of the register tile. */
  static final int NV = 2;
  /** Columns of the register tile. */
  static final int NR = NV * L;
  /** Maximum k block (packed B sliver {@code KC_MAX × NR} stays in L1/L2). */
  static final int KC_MAX = 256;
  /** Maximum rows per task (packed A block {@code MC_MAX × KC_MAX} stays in L2). */
  static final int MC_MAX = 96;
  /** Maximum packed B panel, in floats (4 MiB). */
  static final int PANEL_FLOATS = 1 << 20;
  /** Maximum panel width in columns. */
  static final int NC_MAX = 1024;

  private static final ThreadLocal<float[]> PACKED_B = new ThreadLocal<>();
  private static final ThreadLocal<float[]> PACKED_A = new ThreadLocal<>();
  private static final ThreadLocal<float[]> EDGE = new ThreadLocal<>();

  private final WorkerPool pool;

  /**
   * Creates a kernel that uses up to {@code threads} threads (the caller included).
   *
   * @param threads number of threads, at least 1
   */
  public VectorMatMul(int threads) {
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
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        GemmChecks.zero(m, n, c, cOff, ldc);
      }
      return;
    }
    int threads = pool.threads();
    int maxNc = Math.min(roundUp(n, NR), NC_MAX / NR * NR);
    int kBlocks = (k + KC_MAX - 1) / KC_MAX;
    int kc = (k + kBlocks - 1) / kBlocks; // even k blocks, at most KC_MAX
    int blocksPerPanel = Math.max(1, Math.min(kBlocks, PANEL_FLOATS / (kc * maxNc)));
    int panelK = blocksPerPanel * kc;
    float[] bp = scratch(PACKED_B, Math.min(k, panelK) * maxNc);

    int mc = Math.min(MC_MAX, roundUp((m + threads - 1) / threads, MR));
    int rowTasks = (m + mc - 1) / mc;
    for (int jc = 0; jc < n; jc += maxNc) {
      int nc = Math.min(maxNc, n - jc);
      int slivers = (nc + NR - 1) / NR;
      int colTasks = rowTasks >= threads ? 1 : Math.min(slivers, (threads + rowTasks - 1) / rowTasks);
      int sliversPerTask = (slivers + colTasks - 1) / colTasks;
      colTasks = (slivers + sliversPerTask - 1) / sliversPerTask;
      for (int pc = 0; pc < k; pc += panelK) {
        int pk = Math.min(panelK, k - pc);
        int panelBlocks = (pk + kc - 1) / kc;
        int bStart = bOff + (transB ? jc * ldb + pc : pc * ldb + jc);
        int jc0 = jc;
        int pc0 = pc;
        pool.forEach(panelBlocks * slivers, t -> {
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
        pool.forEach(rowTasks * colTasks, t -> {
          int rt = t / ctasks;
          int ct = t % ctasks;
          int i0 = rt * mc;
          int rows = Math.min(mc, m - i0);
          int s0 = ct * spt;
          int s1 = Math.min(slivers, s0 + spt);
          rowBlock(transA, i0, rows, pc0, pk, kc, a, aOff, lda, bp, slivers, s0, s1, nc,
              c, cOff + jc0, ldc, loadFirst);
        });
      }
    }
  }

  private void rowBlock(boolean transA, int i0, int rows, int pc, int pk, int kc,
      float[] a, int aOff, int lda, float[] bp, int slivers, int s0, int s1, int nc,
      float[] c, int cOff, int ldc, boolean loadFirst) {
    int rowSlivers = (rows + MR - 1) / MR;
    float[] ap = scratch(PACKED_A, rowSlivers * MR * kc);
    float[] edge = scratch(EDGE, MR * NR);
    for (int p0 = 0; p0 < pk; p0 += kc) {
      int kq = Math.min(kc, pk - p0);
      packA(transA, rows, kq, a, aOff + (transA ? (pc + p0) * lda + i0 : i0 * lda + pc + p0),
          lda, ap);
      boolean load = loadFirst || p0 > 0;
      int bBlock = p0 * slivers * NR;
      for (int s = s0; s < s1; s++) {
        int col0 = s * NR;
        int cols = Math.min(NR, nc - col0);
        int bBase = bBlock + s * kq * NR;
        for (int r = 0; r < rowSlivers; r++) {
          int ii = r * MR;
          int tileRows = Math.min(MR, rows - ii);
          int cBase = cOff + (i0 + ii) * ldc + col0;
          if (tileRows == MR && cols == NR) {
            kernel(kq, ap, ii * kq, bp, bBase, c, cBase, ldc, load);
          } else {
            if (load) {
              for (int x = 0; x < MR; x++) {
                for (int y = 0; y < NR; y++) {
                  edge[x * NR + y] = x < tileRows && y < cols ? c[cBase + x * ldc + y] : 0f;
                }
              }
            }
            kernel(kq, ap, ii * kq, bp, bBase, edge, 0, NR, load);
            for (int x = 0; x < tileRows; x++) {
              System.arraycopy(edge, x * NR, c, cBase + x * ldc, cols);
            }
          }
        }
      }
    }
  }

  /**
   * Packs rows {@code [0, rows)} × k range {@code [0, kq)} of op(A) starting at {@code off}
   * into slivers of MR rows, {@code ap[(r*kq + p)*MR + ii]}, padding missing rows with zeros.
   */
  private static void packA(boolean transA, int rows, int kq, float[] a, int off, int lda,
      float[] ap) {
    int rowSlivers = (rows + MR - 1) / MR;
    for (int r = 0; r < rowSlivers; r++) {
      int base = r * kq * MR;
      int r0 = r * MR;
      int valid = Math.min(MR, rows - r0);
      if (transA) {
        for (int p = 0; p < kq; p++) {
          int src = off + p * lda + r0;
          int dst = base + p * MR;
          for (int ii = 0; ii < valid; ii++) {
            ap[dst + ii] = a[src + ii];
          }
          for (int ii = valid; ii < MR; ii++) {
            ap[dst + ii] = 0f;
          }
        }
      } else {
        for (int ii = 0; ii < MR; ii++) {
          if (ii < valid) {
            int src = off + (r0 + ii) * lda;
            for (int p = 0; p < kq; p++) {
              ap[base + p * MR + ii] = a[src + p];
            }
          } else {
            for (int p = 0; p < kq; p++) {
              ap[base + p * MR + ii] = 0f;
            }
          }
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
          System.arraycopy(b, off + p * ldb, bp, dst + p * NR, NR);
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

  private static float[] scratch(ThreadLocal<float[]> holder, int size) {
    float[] s = holder.get();
    if (s == null || s.length < size) {
      s = new float[size];
      holder.set(s);
    }
    return s;
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
    return "VectorMatMul[threads=" + threads() + ", lanes=" + L + ", tile=" + MR + "x" + NR + "]";
  }

  /**
   * The 8 × 2·L register tile: 16 accumulators, updated with one FMA per packed
   * (row, vector) pair per step of k, in increasing k order.
   */
  private static void kernel(int kc, float[] ap, int aBase, float[] bp, int bBase,
      float[] c, int cBase, int ldc, boolean load) {
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
    }
    int ai = aBase;
    int bi = bBase;
    for (int p = 0; p < kc; p++) {
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
      ai += MR;
      bi += NR;
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
  }
}

package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the fast kernels against {@link NaiveMatMul} (double accumulation).
 *
 * <p>Tolerance: a float dot product of length k accumulated in any order, FMA or not, has
 * absolute error at most {@code gamma(k+1) * (|C0| + sum_p |a_ip b_pj|)} with
 * {@code gamma(n) ~ n * 2^-24} (Higham, Accuracy and Stability, §3.1); the oracle adds at most
 * half an ulp when rounding its double to float. Every element is checked against
 * {@code 2 * (k + 2) * 2^-24 * (|C0| + sum_p |a_ip b_pj|) + 2^-23 * |ref|}, computed per element
 * from the data: twice the worst-case bound.
 */
class MatMulTest {

  private static final double U = Math.ulp(1.0f) / 2; // 2^-24
  private static final int[] SIZES = {1, 7, 17, 33, 100};

  static Stream<Arguments> kernels() {
    return Stream.of(
        Arguments.of("scalar", 1), Arguments.of("scalar", 2), Arguments.of("scalar", 3),
        Arguments.of("vector", 1), Arguments.of("vector", 2), Arguments.of("vector", 3),
        Arguments.of("vector-256", 2), Arguments.of("vector-512", 1),
        Arguments.of("vector-512", 3), Arguments.of("vector-128", 2),
        Arguments.of("vector-256x12", 1), Arguments.of("vector-256x12", 3),
        Arguments.of("vector-512x6", 2));
  }

  /**
   * "vector-BITS" forces a vector width (with its own register tile), "vector-BITSxROWS" also a
   * tile height: every width and tile on any machine (a width wider than the hardware's is
   * emulated by the Vector API: slow, but it must give the same values).
   */
  static MatMul kernel(String kind, int threads) {
    if (kind.equals("scalar")) {
      return MatMuls.scalar(threads);
    }
    if (kind.equals("vector")) {
      return MatMuls.vector(threads);
    }
    if (kind.startsWith("vector-")) {
      String[] parts = kind.substring("vector-".length()).split("x");
      int bits = Integer.parseInt(parts[0]);
      return parts.length == 1 ? MatMuls.vector(threads, bits)
          : new VectorMatMul(threads, bits, Integer.parseInt(parts[1]));
    }
    throw new IllegalArgumentException(kind);
  }

  /** One problem: op(A) m×k, op(B) k×n, with padding, offsets and leading dimensions. */
  static final class Problem {
    final boolean ta;
    final boolean tb;
    final int m;
    final int n;
    final int k;
    final int aOff;
    final int lda;
    final int bOff;
    final int ldb;
    final int cOff;
    final int ldc;
    final float[] a;
    final float[] b;
    final float[] c0;

    Problem(boolean ta, boolean tb, int m, int n, int k, int pad, long seed) {
      this.ta = ta;
      this.tb = tb;
      this.m = m;
      this.n = n;
      this.k = k;
      Random r = new Random(seed);
      aOff = pad * 3;
      bOff = pad * 5;
      cOff = pad * 2;
      lda = (ta ? m : k) + pad;
      ldb = (tb ? k : n) + pad;
      ldc = n + pad;
      a = random(r, aOff + (ta ? k : m) * lda + pad);
      b = random(r, bOff + (tb ? n : k) * ldb + pad);
      c0 = random(r, cOff + m * ldc + pad);
    }

    static float[] random(Random r, int size) {
      float[] x = new float[size];
      for (int i = 0; i < size; i++) {
        x[i] = r.nextFloat() * 2 - 1;
      }
      return x;
    }

    float[] run(MatMul mm, boolean accumulate) {
      float[] c = c0.clone();
      mm.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return c;
    }

    float av(int i, int p) {
      return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float bv(int p, int j) {
      return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    /** Asserts {@code got} matches the oracle inside C and is untouched outside. */
    void check(float[] got, boolean accumulate, String what) {
      float[] ref = run(new NaiveMatMul(), accumulate);
      boolean[] inside = new boolean[c0.length];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int idx = cOff + i * ldc + j;
          inside[idx] = true;
          double mag = accumulate ? Math.abs(c0[idx]) : 0;
          for (int p = 0; p < k; p++) {
            mag += Math.abs((double) av(i, p) * bv(p, j));
          }
          double tol = 2 * (k + 2) * U * mag + 2 * U * Math.abs(ref[idx]);
          if (!(Math.abs(got[idx] - ref[idx]) <= tol)) {
            fail(what + ": C(" + i + "," + j + ") = " + got[idx] + ", expected " + ref[idx]
                + " within " + tol);
          }
        }
      }
      for (int idx = 0; idx < c0.length; idx++) {
        if (!inside[idx] && Float.floatToRawIntBits(got[idx])
            != Float.floatToRawIntBits(c0[idx])) {
          fail(what + ": element " + idx + " outside C changed from " + c0[idx] + " to "
              + got[idx]);
        }
      }
    }

    @Override
    public String toString() {
      return "gemm(transA=" + ta + ", transB=" + tb + ", m=" + m + ", n=" + n + ", k=" + k
          + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
    }
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void matchesOracleForAllTransposesAndOddSizes(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    long seed = 1;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : SIZES) {
          for (int n : SIZES) {
            for (int k : SIZES) {
              int pad = (int) (seed % 3) * 3; // 0, 3 or 6: offsets and ld > width
              Problem pr = new Problem(ta, tb, m, n, k, pad, seed++);
              boolean acc = seed % 2 == 0;
              pr.check(pr.run(mm, acc), acc, mm.name() + " " + pr + " accumulate=" + acc);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void accumulateAddsToAndOverwriteReplacesC(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    for (boolean acc : new boolean[] {false, true}) {
      Problem pr = new Problem(true, false, 45, 50, 70, 4, 99);
      pr.check(pr.run(mm, acc), acc, mm.name() + " accumulate=" + acc);
    }
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void largeKAndWideNUseSeveralPanels(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    // k * n beyond both kernels' B panel limits; n beyond both panel width limits.
    Problem longK = new Problem(false, false, 20, 40, 40_000, 1, 7);
    longK.check(longK.run(mm, true), true, mm.name() + " " + longK);
    Problem longKt = new Problem(true, true, 9, 33, 30_000, 2, 8);
    longKt.check(longKt.run(mm, false), false, mm.name() + " " + longKt);
    Problem wide = new Problem(false, true, 5, 2_100, 9, 3, 9);
    wide.check(wide.run(mm, false), false, mm.name() + " " + wide);
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void kZeroClearsOrKeepsC(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    float[] c = {1, 2, 3, 4, 5, 6};
    mm.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 1, 3, true);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
    mm.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 1, 3, false);
    assertArrayEquals(new float[] {1, 0, 0, 4, 0, 0}, c);
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void smallHandComputedProduct(String kind, int threads) {
    // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154] (by hand).
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {7, 8, 9, 10, 11, 12};
    float[] c = new float[4];
    kernel(kind, threads).gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    // A^T stored: [1 4; 2 5; 3 6]; B^T stored: [7 9 11; 8 10 12]; accumulate onto the result.
    float[] at = {1, 4, 2, 5, 3, 6};
    float[] bt = {7, 9, 11, 8, 10, 12};
    kernel(kind, threads).gemm(true, true, 2, 2, 3, at, 0, 2, bt, 0, 3, c, 0, 2, true);
    assertArrayEquals(new float[] {116, 128, 278, 308}, c);
  }

  static Stream<Arguments> threadShapes() {
    List<Arguments> list = new ArrayList<>();
    for (String kind : new String[] {"scalar", "vector-256", "vector-512", "vector-256x12"}) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          list.add(Arguments.of(kind, ta, tb, 301, 70, 290));
          list.add(Arguments.of(kind, ta, tb, 9, 200, 400)); // few rows: column split
        }
      }
      list.add(Arguments.of(kind, true, false, 40, 33, 70_000)); // dW-like: long k
    }
    return list.stream();
  }

  @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5}")
  @MethodSource("threadShapes")
  void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads(String kind, boolean ta, boolean tb,
      int m, int n, int k) {
    Problem pr = new Problem(ta, tb, m, n, k, 2, m * 31L + n * 7L + k);
    float[] one = pr.run(kernel(kind, 1), true);
    float[] two = pr.run(kernel(kind, 2), true);
    float[] three = pr.run(kernel(kind, 3), true);
    assertArrayEquals(one, two, kind + " 1 vs 2 threads");
    assertArrayEquals(one, three, kind + " 1 vs 3 threads");
    // and the same again on the warmed-up pools: repeatable
    assertArrayEquals(one, pr.run(kernel(kind, 2), true), kind + " repeat");
  }

  /**
   * A product that overwrites a C of at least {@code VectorMatMul.PRE_ZERO_C_FLOATS} floats
   * zeroes each task's rows of C before its tiles write them: the oracle's values inside C,
   * nothing outside it touched (the gaps of ldc = n + pad, the padding around C), and the bits
   * of the same rows computed in two halves, each below the threshold (no zeroing). Shapes:
   * one column panel (the seed's column gradient is 240000 × 360), and two panels of n
   * (n > NC_MAX) with transposed operands.
   */
  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void largeOverwrittenCGivesTheValuesOfSmallerProducts(String kind, int threads) {
    if (kind.equals("scalar") || kind.startsWith("vector-512") || kind.startsWith("vector-128")) {
      return; // the zeroing is VectorMatMul's; emulated widths would make this slow
    }
    MatMul mm = kernel(kind, threads);
    for (Problem pr : new Problem[] {
        new Problem(false, false, 65_600, 64, 3, 1, 21),
        new Problem(true, true, 3_002, 1_400, 5, 3, 22)}) {
      assertTrue((long) pr.m * pr.n >= VectorMatMul.PRE_ZERO_C_FLOATS, pr.toString());
      float[] whole = pr.run(mm, false);
      pr.check(whole, false, kind + " " + pr);
      float[] halves = pr.c0.clone();
      int top = pr.m / 2;
      assertTrue((long) top * pr.n < VectorMatMul.PRE_ZERO_C_FLOATS);
      mm.gemm(pr.ta, pr.tb, top, pr.n, pr.k, pr.a, pr.aOff, pr.lda, pr.b, pr.bOff, pr.ldb,
          halves, pr.cOff, pr.ldc, false);
      mm.gemm(pr.ta, pr.tb, pr.m - top, pr.n, pr.k, pr.a,
          pr.aOff + (pr.ta ? top : top * pr.lda), pr.lda, pr.b, pr.bOff, pr.ldb, halves,
          pr.cOff + top * pr.ldc, pr.ldc, false);
      assertArrayEquals(halves, whole, kind + " " + pr + ": whole vs two halves");
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("transposes")
  void scalarAndVectorAgree(boolean ta, boolean tb) {
    Problem pr = new Problem(ta, tb, 130, 75, 400, 1, 5);
    float[] s = pr.run(MatMuls.scalar(2), false);
    float[] v = pr.run(MatMuls.vector(2), false);
    pr.check(s, false, "scalar");
    pr.check(v, false, "vector");
    double maxDiff = 0;
    for (int i = 0; i < s.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(s[i] - v[i]));
    }
    // entries are sums of 400 products of U(-1,1) values: magnitude ~ sqrt(400/9) ~ 7; two
    // float summations of length 400 differ by a few ulps of the partial sums (~1e-6 each).
    assertTrue(maxDiff < 1e-4, "scalar vs vector max difference " + maxDiff);
  }

  static Stream<Arguments> transposes() {
    return Stream.of(Arguments.of(false, false), Arguments.of(false, true),
        Arguments.of(true, false), Arguments.of(true, true));
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void badArgumentsNameExpectedAndActual(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    float[] x = new float[12];
    assertMessage(() -> mm.gemm(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, x, 0, 2, false),
        "m must be >= 0, got -1");
    assertMessage(() -> mm.gemm(false, false, 2, -3, 2, x, 0, 2, x, 0, 2, x, 0, 2, false),
        "n must be >= 0, got -3");
    assertMessage(() -> mm.gemm(false, false, 2, 2, -4, x, 0, 2, x, 0, 2, x, 0, 2, false),
        "k must be >= 0, got -4");
    assertMessage(() -> mm.gemm(false, false, 2, 2, 3, x, 0, 2, x, 0, 2, x, 0, 2, false),
        "lda must be >= 3 (stored columns of a), got 2");
    assertMessage(() -> mm.gemm(true, false, 4, 2, 3, x, 1, 4, x, 0, 2, x, 0, 2, false),
        "a must have at least 13 elements (offset 1 + (3 - 1) * 4 + 4), got 12");
    assertMessage(() -> mm.gemm(false, true, 2, 3, 4, x, 0, 4, x, 0, 3, x, 0, 3, false),
        "ldb must be >= 4 (stored columns of b), got 3");
    assertMessage(() -> mm.gemm(false, false, 2, 2, 2, x, 0, 2, new float[3], 0, 2, x, 0, 2,
        false), "b must have at least 4 elements (offset 0 + (2 - 1) * 2 + 2), got 3");
    assertMessage(() -> mm.gemm(false, false, 3, 2, 2, x, 0, 2, x, 0, 2, new float[5], 0, 2,
        false), "c must have at least 6 elements (offset 0 + (3 - 1) * 2 + 2), got 5");
    assertMessage(() -> mm.gemm(false, false, 2, 2, 2, x, -1, 2, x, 0, 2, x, 0, 2, false),
        "a offset must be >= 0, got -1");
    assertMessage(() -> mm.gemm(false, false, 2, 2, 2, x, 0, 2, x, 0, 2, x, 0, 1, false),
        "ldc must be >= 2 (stored columns of c), got 1");
    assertThrows(NullPointerException.class,
        () -> mm.gemm(false, false, 2, 2, 2, null, 0, 2, x, 0, 2, x, 0, 2, false));
  }

  static void assertMessage(Runnable call, String expectedPrefix) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().startsWith(expectedPrefix),
        "message '" + e.getMessage() + "' should start with '" + expectedPrefix + "'");
  }

  @ParameterizedTest(name = "threads={0}")
  @MethodSource("badThreadCounts")
  void nonPositiveThreadCountsAreRejected(int threads) {
    for (Runnable r : List.<Runnable>of(() -> MatMuls.best(threads),
        () -> MatMuls.scalar(threads), () -> MatMuls.vector(threads))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertEquals("threads must be >= 1, got " + threads, e.getMessage());
    }
  }

  @org.junit.jupiter.api.Test
  void vectorTileHeightMustBeSixOrTwelve() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new VectorMatMul(1, 256, 8));
    assertEquals("tileRows must be 6 or 12, got 8", e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void vectorWidthMustBe128Or256Or512() {
    for (int bits : new int[] {0, 64, 384, 1024}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MatMuls.vector(1, bits));
      assertEquals("vector width must be 128, 256 or 512 bits, got " + bits, e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new VectorMatMul(1, bits));
    }
  }

  @org.junit.jupiter.api.Test
  void widthsAndTilesFollowTheVectorWidth() {
    VectorMatMul w256 = (VectorMatMul) MatMuls.vector(2, 256);
    VectorMatMul w512 = (VectorMatMul) MatMuls.vector(2, 512);
    VectorMatMul w128 = (VectorMatMul) MatMuls.vector(2, 128);
    assertEquals("vector-256", w256.name());
    assertEquals("vector-512", w512.name());
    assertEquals(8, w256.lanes());
    assertEquals(16, w512.lanes());
    assertEquals(4, w128.lanes());
    // AVX2 has 16 vector registers: 6 x 2 vectors (12 accumulators); AVX-512 32: 12 x 2.
    assertEquals("VectorMatMul[threads=2, lanes=8, tile=6x16]", w256.toString());
    assertEquals("VectorMatMul[threads=2, lanes=16, tile=12x32]", w512.toString());
    assertEquals("vector-512", w512.serial().name());
    int def = VectorMatMul.defaultBits();
    assertTrue(def == 128 || def == 256 || def == 512, "default width " + def);
    assertEquals("vector-" + def, MatMuls.vector(1).name());
    assertTrue(MatMuls.nativeVectorBits().contains(def), MatMuls.nativeVectorBits().toString());
  }

  /**
   * Every element of C is one FMA chain over p in increasing order whatever the width, tile or
   * thread count (the class contract), so all widths give the same bits; checked on shapes
   * with partial tiles and several k blocks of every width (k = 700 > 6144 / 16).
   */
  @ParameterizedTest(name = "transA={0} transB={1}")
  @MethodSource("transposes")
  void everyWidthAndTileGivesTheSameBits(boolean ta, boolean tb) {
    Problem pr = new Problem(ta, tb, 53, 71, 700, 1, 9);
    float[] ref = pr.run(MatMuls.vector(1, 256), true);
    pr.check(ref, true, "vector-256");
    for (String kind : new String[] {"vector-512", "vector-128", "vector-256x12", "vector-512x6",
        "vector"}) {
      assertArrayEquals(ref, pr.run(kernel(kind, 2), true), kind + " vs vector-256");
    }
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void preparedProductsEqualPlainProductsBitwise(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    java.util.Random r = new java.util.Random(12);
    // k up to past one k block (the vector kernel then falls back to a dense copy); n around
    // the sliver width; m around the register tile heights.
    for (int[] mnk : new int[][] {{24, 160, 40}, {7, 17, 5}, {13, 33, 100}, {25, 8, 1},
        {6, 16, 500}, {0, 5, 3}, {4, 3, 0}}) {
      int m = mnk[0];
      int n = mnk[1];
      int k = mnk[2];
      int lda = k + 3;
      int ldb = n + 2;
      float[] a = randomArray(r, 1 + m * lda);
      float[] b = randomArray(r, 2 + k * ldb);
      float[] bp = new float[5 + mm.preparedSize(k, n)];
      mm.prepare(k, n, b, 2, ldb, bp, 5);
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] c0 = randomArray(new java.util.Random(m + n), 3 + m * (n + 1));
        float[] c1 = c0.clone();
        mm.gemm(false, false, m, n, k, a, 1, lda, b, 2, ldb, c0, 3, n + 1, accumulate);
        mm.gemmPrepared(m, n, k, a, 1, lda, bp, 5, c1, 3, n + 1, accumulate);
        assertArrayEquals(c0, c1, kind + " m=" + m + " n=" + n + " k=" + k + " accumulate="
            + accumulate);
      }
    }
    float[] x = new float[10];
    assertMessage(() -> mm.prepare(2, 3, x, 0, 3, x, 6), "dst must have at least");
    assertMessage(() -> mm.prepare(2, 3, x, 0, 2, new float[99], 0),
        "ldb must be >= 3 (stored columns of b), got 2");
    assertMessage(() -> mm.preparedSize(-1, 3), "k must be >= 0, got -1");
  }

  /**
   * {@code gemmPreparedTransA} on B written by hand in the layout {@code preparedSliver}
   * describes: within the double-oracle bound ({@link Problem#check}) and bitwise equal to
   * {@code gemm(true, false, ...)}; the hand-written layout equals {@code prepare}'s output.
   */
  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void preparedTransposedAProductsMatchOracleAndPlainProductsBitwise(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    // k past one k block at every width (falls back to the dense form), partial slivers and
    // partial register tiles, channel counts not multiples of the vector length.
    for (int[] mnk : new int[][] {{24, 160, 40}, {7, 17, 5}, {13, 33, 100}, {25, 8, 1},
        {6, 16, 500}, {37, 64, 384}, {45, 23, 200}, {0, 5, 3}, {4, 3, 0}}) {
      Problem pr = new Problem(true, false, mnk[0], mnk[1], mnk[2], 2, mnk[0] + 7L * mnk[1]);
      int k = pr.k;
      int n = pr.n;
      int w = mm.preparedSliver(k, n);
      assertTrue(w >= 1, "sliver width " + w);
      int padded = (n + w - 1) / w * w;
      assertEquals(k * padded, mm.preparedSize(k, n), kind + " preparedSize");
      float[] bp = new float[3 + k * padded];
      java.util.Arrays.fill(bp, Float.NaN);
      for (int p = 0; p < k; p++) {
        for (int j = 0; j < padded; j++) {
          bp[3 + (j / w) * k * w + p * w + j % w] = j < n ? pr.bv(p, j) : 0f;
        }
      }
      float[] byPrepare = new float[3 + mm.preparedSize(k, n)];
      mm.prepare(k, n, pr.b, pr.bOff, pr.ldb, byPrepare, 3);
      for (int i = 3; i < bp.length; i++) {
        assertEquals(Float.floatToRawIntBits(byPrepare[i]), Float.floatToRawIntBits(bp[i]),
            kind + " " + pr + ": prepared element " + i);
      }
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] c = pr.c0.clone();
        mm.gemmPreparedTransA(pr.m, n, k, pr.a, pr.aOff, pr.lda, bp, 3, c, pr.cOff, pr.ldc,
            accumulate);
        pr.check(c, accumulate, kind + " " + pr);
        assertArrayEquals(pr.run(mm, accumulate), c, kind + " " + pr + " vs gemm");
      }
    }
    float[] x = new float[10];
    assertMessage(() -> mm.gemmPreparedTransA(3, 2, 4, x, 0, 3, new float[99], 0,
        new float[99], 0, 2, false), "a must have at least 12 elements");
    assertMessage(() -> mm.preparedSliver(3, -1), "n must be >= 0, got -1");
  }

  /**
   * A transposed A stored at {@code inPlaceTransAStride(m)} (NaN in the columns past m, which
   * must not reach C): {@code gemmPreparedTransA} gives bitwise the result for A stored densely.
   */
  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void transposedAAtTheInPlaceStrideGivesTheDenseBits(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    for (int[] mnk : new int[][] {{1, 16, 7}, {48, 17, 40}, {54, 32, 384}, {61, 33, 100},
        {80, 160, 192}, {96, 20, 50}, {97, 16, 30}, {73, 160, 500}, {41, 160, 50}}) {
      int m = mnk[0];
      int n = mnk[1];
      int k = mnk[2];
      int stride = mm.inPlaceTransAStride(m);
      if (stride == 0) {
        continue;
      }
      assertTrue(stride >= m && stride <= 2 * m,
          kind + ": stride " + stride + " for m " + m + " (at most doubling A)");
      Random r = new Random(m * 31 + k);
      float[] dense = new float[k * m];
      for (int i = 0; i < dense.length; i++) {
        dense[i] = r.nextFloat() - 0.5f;
      }
      float[] wide = new float[2 + k * stride];
      java.util.Arrays.fill(wide, Float.NaN);
      for (int p = 0; p < k; p++) {
        System.arraycopy(dense, p * m, wide, 2 + p * stride, m);
      }
      float[] b = new float[k * n];
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextFloat() - 0.5f;
      }
      float[] bp = new float[mm.preparedSize(k, n)];
      mm.prepare(k, n, b, 0, n, bp, 0);
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] want = new float[m * n];
        java.util.Arrays.fill(want, 0.25f);
        float[] got = want.clone();
        mm.gemmPreparedTransA(m, n, k, dense, 0, m, bp, 0, want, 0, n, accumulate);
        mm.gemmPreparedTransA(m, n, k, wide, 2, stride, bp, 0, got, 0, n, accumulate);
        assertArrayEquals(want, got, kind + " m=" + m + " n=" + n + " k=" + k
            + (accumulate ? " accumulated" : ""));
      }
    }
    assertMessage(() -> mm.inPlaceTransAStride(-1), "m must be >= 0, got -1");
  }

  @ParameterizedTest(name = "{0} threads={1}")
  @MethodSource("kernels")
  void serialKernelGivesTheSameBits(String kind, int threads) {
    MatMul mm = kernel(kind, threads);
    MatMul serial = mm.serial();
    assertEquals(mm.name(), serial.name());
    assertEquals(mm.getClass(), serial.getClass());
    if (serial instanceof VectorMatMul) {
      assertEquals(1, ((VectorMatMul) serial).threads());
      assertEquals(mm.toString().replace("threads=" + threads, "threads=1"), serial.toString(),
          "same register tile");
    } else {
      assertEquals(1, ((ScalarMatMul) serial).threads());
    }
    java.util.Random r = new java.util.Random(5);
    int m = 61;
    int n = 45;
    int k = 70;
    float[] a = randomArray(r, m * k);
    float[] b = randomArray(r, k * n);
    float[] c0 = new float[m * n];
    float[] c1 = new float[m * n];
    mm.gemm(true, false, m, n, k, a, 0, m, b, 0, n, c0, 0, n, false);
    serial.gemm(true, false, m, n, k, a, 0, m, b, 0, n, c1, 0, n, false);
    assertArrayEquals(c0, c1);
  }

  private static float[] randomArray(java.util.Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (2 * r.nextDouble() - 1);
    }
    return v;
  }

  static Stream<Integer> badThreadCounts() {
    return Stream.of(0, -2);
  }
}

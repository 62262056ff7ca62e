package io.github.convlstm4j.reference.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link VectorMatMul} on {@code FloatVector.SPECIES_128}.
 *
 * <p>The species is a {@code static final} constant, as the Vector API needs for C2 to compile
 * the tiles into vector instructions; hence one class per width. The three {@code Tiles*.java}
 * files are one source with the bit size changed ({@code VectorTwinsTest} checks that they differ
 * in nothing else): edit {@code Tiles128.java}, then regenerate the other two with the
 * {@code sed} command in {@code VectorTwinsTest}.
 */
final class Tiles128 implements VectorTiles {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
  private static final int L = S.length();
  private static final int MC_MAX = VectorMatMul.MC_MAX;

  /** The one instance. */
  static final Tiles128 INSTANCE = new Tiles128();

  private Tiles128() {}

  @Override
  public int bits() {
    return S.vectorBitSize();
  }

  @Override
  public int lanes() {
    return L;
  }

  @Override
  public void kernel(int mr, boolean inPlace, int kq, float[] a, int aBase, int lda,
      float[] bp, int bBase, float[] c, int cBase, int ldc, boolean load) {
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

  @Override
  public void copyRows(int kq, float[] b, int off, int ldb, float[] bp, int dst) {
    final int nr = 2 * L;
    for (int p = 0; p < kq; p++) {
      int src = off + p * ldb;
      int d = dst + p * nr;
      FloatVector.fromArray(S, b, src).intoArray(bp, d);
      FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
    }
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

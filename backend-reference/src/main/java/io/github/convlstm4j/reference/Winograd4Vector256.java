package io.github.convlstm4j.reference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd4Transforms} with the Vector API on {@code FloatVector.SPECIES_256}: each tile's
 * transforms run over the channels in vectors of this width (the last {@code c mod lanes}
 * channels through the scalar definition), with the definition's float operations in its order,
 * so the bits are the same.
 *
 * <p>The species is a {@code static final} constant, as the Vector API needs for C2 to compile
 * vector instructions; hence one class per width. The three {@code Winograd4Vector*.java} files
 * are one source with the bit size changed ({@code VectorTwinsTest} checks that they
 * differ in nothing else): edit {@code Winograd4Vector256.java}, then regenerate the other two
 * with the {@code sed} command in that test. Every method is small, so that C2 inlines it and
 * no vector is boxed on the heap; no vector value is merged from two branches, and none is
 * returned from a method of this class: a one-line load helper ({@code ld}) did that, and when
 * C2 compiled it on its own in the training step (more callers than inference) every load
 * boxed a vector and fell back to the Java path, about 650 MB of garbage per seed training
 * step.
 *
 * <p>Load only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see
 * {@link Winograd4Transforms#vector(int)}).
 */
final class Winograd4Vector256 implements Winograd4Transforms {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int L = S.length();

  Winograd4Vector256() {}

  @Override
  public int bits() {
    return S.vectorBitSize();
  }

  @Override
  public void input(float[] src, int off, int rs, int c, float[] t, int tOff, float[] v,
      int vOff, int vs, int rowFrom, int rowTo) {
    int cv = c - c % L;
    for (int ch = 0; ch < cv; ch += L) {
      // Bᵀ d, column by column, into t[tOff + (a·6 + s)·L + lane]; then per row a its row pass.
      // Loops of one small step each: C2 inlines all of a step's vector operations (a body
      // with all 36 outputs written out exceeds its inlining budget and then boxes vectors).
      for (int s = 0; s < 6; s++) {
        bt6(src, off + ch + s * c, rs, t, tOff + s * L, 6 * L);
      }
      for (int a = rowFrom; a < rowTo; a++) {
        bt6(t, tOff + a * 6 * L, L, v, vOff + a * 6 * vs + ch, vs);
      }
    }
    if (cv < c) {
      Winograd4Transforms.inputChannels(src, off, rs, c, cv, c, v, vOff, vs, rowFrom, rowTo);
    }
  }

  /**
   * The six rows of {@code Bᵀ x} for {@code x_i = src[p + i·stride]}: row a into
   * {@code dst[q + a·dstStride]}.
   */
  private static void bt6(float[] src, int p, int stride, float[] dst, int q, int dstStride) {
    FloatVector x1 = FloatVector.fromArray(S, src, p + stride);
    FloatVector x2 = FloatVector.fromArray(S, src, p + 2 * stride);
    FloatVector x3 = FloatVector.fromArray(S, src, p + 3 * stride);
    FloatVector x4 = FloatVector.fromArray(S, src, p + 4 * stride);
    FloatVector.fromArray(S, src, p).mul(4f).sub(x2.mul(5f)).add(x4).intoArray(dst, q);
    x1.add(x2).mul(-4f).add(x3).add(x4).intoArray(dst, q + dstStride);
    x1.sub(x2).mul(4f).sub(x3).add(x4).intoArray(dst, q + 2 * dstStride);
    x3.sub(x1).mul(2f).sub(x2).add(x4).intoArray(dst, q + 3 * dstStride);
    x1.sub(x3).mul(2f).sub(x2).add(x4).intoArray(dst, q + 4 * dstStride);
    FloatVector x5 = FloatVector.fromArray(S, src, p + 5 * stride);
    x1.mul(4f).sub(x3.mul(5f)).add(x5).intoArray(dst, q + 5 * dstStride);
  }

  @Override
  public void output(float[] m, int mOff, int ms, int n, int c, float[] t, int tOff,
      float[] out, int base, int rowStride, int rows, int cols, boolean accumulate) {
    int cv = n - n % L;
    for (int ch = 0; ch < cv; ch += L) {
      // Aᵀ M: t[tOff + (i·6 + b)·L + lane] for the 6 columns b, then per row i its outputs
      int p = mOff + ch;
      for (int b = 0; b < 6; b++) {
        outColumn(m, p + b * ms, ms, t, tOff + b * L);
      }
      int o = base + ch;
      for (int i = 0; i < rows; i++) {
        if (accumulate) {
          outRowAdd(t, tOff + i * 6 * L, out, o + i * rowStride, c, cols);
        } else {
          outRowSet(t, tOff + i * 6 * L, out, o + i * rowStride, c, cols);
        }
      }
    }
    if (cv < n) {
      Winograd4Transforms.outputChannels(m, mOff, ms, c, cv, n, out, base, rowStride, rows,
          cols, accumulate);
    }
  }

  /** The four rows of {@code Aᵀ x} for x_a = m[p + 6a·ms], into t[to + 6i·L]. */
  private static void outColumn(float[] m, int p, int ms, float[] t, int to) {
    FloatVector x1 = FloatVector.fromArray(S, m, p + 6 * ms);
    FloatVector x2 = FloatVector.fromArray(S, m, p + 12 * ms);
    FloatVector x3 = FloatVector.fromArray(S, m, p + 18 * ms);
    FloatVector x4 = FloatVector.fromArray(S, m, p + 24 * ms);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    FloatVector.fromArray(S, m, p).add(p12).add(p34).intoArray(t, to);
    d12.add(d34.mul(2f)).intoArray(t, to + 6 * L);
    p12.add(p34.mul(4f)).intoArray(t, to + 12 * L);
    d12.add(d34.mul(8f)).add(FloatVector.fromArray(S, m, p + 30 * ms)).intoArray(t, to + 18 * L);
  }

  private static void outRowSet(float[] t, int r, float[] out, int o, int c, int cols) {
    FloatVector x1 = FloatVector.fromArray(S, t, r + L);
    FloatVector x2 = FloatVector.fromArray(S, t, r + 2 * L);
    FloatVector x3 = FloatVector.fromArray(S, t, r + 3 * L);
    FloatVector x4 = FloatVector.fromArray(S, t, r + 4 * L);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    FloatVector.fromArray(S, t, r).add(p12).add(p34).intoArray(out, o);
    if (cols > 1) {
      d12.add(d34.mul(2f)).intoArray(out, o + c);
    }
    if (cols > 2) {
      p12.add(p34.mul(4f)).intoArray(out, o + 2 * c);
    }
    if (cols > 3) {
      d12.add(d34.mul(8f)).add(FloatVector.fromArray(S, t, r + 5 * L)).intoArray(out, o + 3 * c);
    }
  }

  private static void outRowAdd(float[] t, int r, float[] out, int o, int c, int cols) {
    FloatVector x1 = FloatVector.fromArray(S, t, r + L);
    FloatVector x2 = FloatVector.fromArray(S, t, r + 2 * L);
    FloatVector x3 = FloatVector.fromArray(S, t, r + 3 * L);
    FloatVector x4 = FloatVector.fromArray(S, t, r + 4 * L);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    FloatVector x0 = FloatVector.fromArray(S, t, r);
    FloatVector.fromArray(S, out, o).add(x0.add(p12).add(p34)).intoArray(out, o);
    if (cols > 1) {
      FloatVector.fromArray(S, out, o + c).add(d12.add(d34.mul(2f))).intoArray(out, o + c);
    }
    if (cols > 2) {
      FloatVector y2 = p12.add(p34.mul(4f));
      FloatVector.fromArray(S, out, o + 2 * c).add(y2).intoArray(out, o + 2 * c);
    }
    if (cols > 3) {
      FloatVector y3 = d12.add(d34.mul(8f)).add(FloatVector.fromArray(S, t, r + 5 * L));
      FloatVector.fromArray(S, out, o + 3 * c).add(y3).intoArray(out, o + 3 * c);
    }
  }

  @Override
  public void outputGradient(float[] dy, int off, int rs, int c, int rows, int cols, float[] t,
      int tOff, float[] m, int mOff, int ms, int sliver, int sliverStride, int rowFrom,
      int rowTo) {
    if (rows < 4 || cols < 4) { // a partial tile at the output's border: the definition
      Winograd4Transforms.outputGradientChannels(dy, off, rs, c, rows, cols, 0, c, t, tOff, m,
          mOff, ms, sliver, sliverStride, rowFrom, rowTo);
      return;
    }
    for (int s0 = 0; s0 < c; s0 += sliver) {
      // one sliver: channel o at at + o; vectors of L channels, then its scalar tail
      int end = Math.min(c, s0 + sliver);
      int at = mOff + s0 / sliver * sliverStride - s0;
      int o = s0;
      for (; o + L <= end; o += L) {
        // A dY, column by column, into t[tOff + (a·4 + j)·L + lane]; then per row a its A z.
        for (int j = 0; j < 4; j++) {
          ag6(dy, off + o + j * c, rs, t, tOff + j * L, 4 * L);
        }
        for (int a = rowFrom; a < rowTo; a++) {
          ag6(t, tOff + a * 4 * L, L, m, at + o + a * 6 * ms, ms);
        }
      }
      if (o < end) {
        Winograd4Transforms.outputGradientChannels(dy, off, rs, c, 4, 4, o, end, t, tOff, m,
            mOff, ms, sliver, sliverStride, rowFrom, rowTo);
      }
    }
  }

  /**
   * The six rows of {@code A y} for {@code y_i = src[p + i·stride]} (i < 4): row a into
   * {@code dst[q + a·dstStride]}, the definition's operations in its order.
   */
  private static void ag6(float[] src, int p, int stride, float[] dst, int q, int dstStride) {
    FloatVector y0 = FloatVector.fromArray(S, src, p);
    FloatVector y1 = FloatVector.fromArray(S, src, p + stride);
    FloatVector y2 = FloatVector.fromArray(S, src, p + 2 * stride);
    FloatVector y3 = FloatVector.fromArray(S, src, p + 3 * stride);
    FloatVector e = y0.add(y2);
    FloatVector od = y1.add(y3);
    FloatVector ee = y0.add(y2.mul(4f));
    FloatVector oo = y1.mul(2f).add(y3.mul(8f));
    y0.intoArray(dst, q);
    e.add(od).intoArray(dst, q + dstStride);
    e.sub(od).intoArray(dst, q + 2 * dstStride);
    ee.add(oo).intoArray(dst, q + 3 * dstStride);
    ee.sub(oo).intoArray(dst, q + 4 * dstStride);
    y3.intoArray(dst, q + 5 * dstStride);
  }
}

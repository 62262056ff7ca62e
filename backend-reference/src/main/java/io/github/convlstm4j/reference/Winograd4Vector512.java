package io.github.convlstm4j.reference;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd4Transforms} with the Vector API on {@code FloatVector.SPECIES_512}: each tile's
 * transforms run over the channels in vectors of this width (the last {@code c mod lanes}
 * channels through the scalar definition), with the definition's float operations in its order,
 * so the bits are the same.
 *
 * <p>The species is a {@code static final} constant, as the Vector API needs for C2 to compile
 * vector instructions; hence one class per width. The three {@code Winograd4Vector*.java} files
 * are one source with the bit size changed ({@code Winograd4TransformsTest} checks that they
 * differ in nothing else): edit {@code Winograd4Vector512.java}, then regenerate the other two
 * with the {@code sed} command in that test. Every method is small, so that C2 inlines it and
 * no vector is boxed on the heap; no vector value is merged from two branches.
 *
 * <p>Load only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see
 * {@link Winograd4Transforms#vector(int)}).
 */
final class Winograd4Vector512 implements Winograd4Transforms {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
  private static final int L = S.length();

  Winograd4Vector512() {}

  @Override
  public int bits() {
    return S.vectorBitSize();
  }

  @Override
  public void input(float[] src, int off, int rs, int c, float[] v, int vOff, int vs) {
    int cv = c - c % L;
    int row = 6 * vs;
    for (int ch = 0; ch < cv; ch += L) {
      int p = off + ch;
      int q = vOff + ch;
      in0(src, p, rs, c, v, q, vs);
      in1(src, p, rs, c, v, q + row, vs);
      in2(src, p, rs, c, v, q + 2 * row, vs);
      in3(src, p, rs, c, v, q + 3 * row, vs);
      in4(src, p, rs, c, v, q + 4 * row, vs);
      in5(src, p, rs, c, v, q + 5 * row, vs);
    }
    if (cv < c) {
      Winograd4Transforms.inputChannels(src, off, rs, c, cv, c, v, vOff, vs);
    }
  }

  private static FloatVector ld(float[] a, int i) {
    return FloatVector.fromArray(S, a, i);
  }

  // Rows of Bᵀ x (Winograd4Transforms.bt), on vectors.

  private static FloatVector b0(FloatVector x0, FloatVector x2, FloatVector x4) {
    return x0.mul(4f).sub(x2.mul(5f)).add(x4);
  }

  private static FloatVector b1(FloatVector x1, FloatVector x2, FloatVector x3,
      FloatVector x4) {
    return x1.add(x2).mul(-4f).add(x3).add(x4);
  }

  private static FloatVector b2(FloatVector x1, FloatVector x2, FloatVector x3,
      FloatVector x4) {
    return x1.sub(x2).mul(4f).sub(x3).add(x4);
  }

  private static FloatVector b3(FloatVector x1, FloatVector x2, FloatVector x3,
      FloatVector x4) {
    return x3.sub(x1).mul(2f).sub(x2).add(x4);
  }

  private static FloatVector b4(FloatVector x1, FloatVector x2, FloatVector x3,
      FloatVector x4) {
    return x1.sub(x3).mul(2f).sub(x2).add(x4);
  }

  private static FloatVector b5(FloatVector x1, FloatVector x3, FloatVector x5) {
    return x1.mul(4f).sub(x3.mul(5f)).add(x5);
  }

  // Row a of Bᵀ d for the column at p (rows rs apart).

  private static FloatVector c0(float[] d, int p, int rs) {
    return b0(ld(d, p), ld(d, p + 2 * rs), ld(d, p + 4 * rs));
  }

  private static FloatVector c1(float[] d, int p, int rs) {
    return b1(ld(d, p + rs), ld(d, p + 2 * rs), ld(d, p + 3 * rs), ld(d, p + 4 * rs));
  }

  private static FloatVector c2(float[] d, int p, int rs) {
    return b2(ld(d, p + rs), ld(d, p + 2 * rs), ld(d, p + 3 * rs), ld(d, p + 4 * rs));
  }

  private static FloatVector c3(float[] d, int p, int rs) {
    return b3(ld(d, p + rs), ld(d, p + 2 * rs), ld(d, p + 3 * rs), ld(d, p + 4 * rs));
  }

  private static FloatVector c4(float[] d, int p, int rs) {
    return b4(ld(d, p + rs), ld(d, p + 2 * rs), ld(d, p + 3 * rs), ld(d, p + 4 * rs));
  }

  private static FloatVector c5(float[] d, int p, int rs) {
    return b5(ld(d, p + rs), ld(d, p + 3 * rs), ld(d, p + 5 * rs));
  }

  // Row a of Bᵀ d B: the six columns' row a, then their row pass into v[q + b·vs].

  private static void in0(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c0(d, p, rs), c0(d, p + c, rs), c0(d, p + 2 * c, rs), c0(d, p + 3 * c, rs),
        c0(d, p + 4 * c, rs), c0(d, p + 5 * c, rs), v, q, vs);
  }

  private static void in1(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c1(d, p, rs), c1(d, p + c, rs), c1(d, p + 2 * c, rs), c1(d, p + 3 * c, rs),
        c1(d, p + 4 * c, rs), c1(d, p + 5 * c, rs), v, q, vs);
  }

  private static void in2(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c2(d, p, rs), c2(d, p + c, rs), c2(d, p + 2 * c, rs), c2(d, p + 3 * c, rs),
        c2(d, p + 4 * c, rs), c2(d, p + 5 * c, rs), v, q, vs);
  }

  private static void in3(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c3(d, p, rs), c3(d, p + c, rs), c3(d, p + 2 * c, rs), c3(d, p + 3 * c, rs),
        c3(d, p + 4 * c, rs), c3(d, p + 5 * c, rs), v, q, vs);
  }

  private static void in4(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c4(d, p, rs), c4(d, p + c, rs), c4(d, p + 2 * c, rs), c4(d, p + 3 * c, rs),
        c4(d, p + 4 * c, rs), c4(d, p + 5 * c, rs), v, q, vs);
  }

  private static void in5(float[] d, int p, int rs, int c, float[] v, int q, int vs) {
    rowPass(c5(d, p, rs), c5(d, p + c, rs), c5(d, p + 2 * c, rs), c5(d, p + 3 * c, rs),
        c5(d, p + 4 * c, rs), c5(d, p + 5 * c, rs), v, q, vs);
  }

  private static void rowPass(FloatVector t0, FloatVector t1, FloatVector t2, FloatVector t3,
      FloatVector t4, FloatVector t5, float[] v, int q, int vs) {
    b0(t0, t2, t4).intoArray(v, q);
    b1(t1, t2, t3, t4).intoArray(v, q + vs);
    b2(t1, t2, t3, t4).intoArray(v, q + 2 * vs);
    b3(t1, t2, t3, t4).intoArray(v, q + 3 * vs);
    b4(t1, t2, t3, t4).intoArray(v, q + 4 * vs);
    b5(t1, t3, t5).intoArray(v, q + 5 * vs);
  }

  @Override
  public void output(float[] m, int mOff, int ms, int c, float[] t, int tOff, float[] out,
      int base, int rowStride, int rows, int cols, boolean accumulate) {
    int cv = c - c % L;
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
    if (cv < c) {
      Winograd4Transforms.outputChannels(m, mOff, ms, c, cv, c, out, base, rowStride, rows,
          cols, accumulate);
    }
  }

  /** The four rows of {@code Aᵀ x} for x_a = m[p + 6a·ms], into t[to + 6i·L]. */
  private static void outColumn(float[] m, int p, int ms, float[] t, int to) {
    FloatVector x1 = ld(m, p + 6 * ms);
    FloatVector x2 = ld(m, p + 12 * ms);
    FloatVector x3 = ld(m, p + 18 * ms);
    FloatVector x4 = ld(m, p + 24 * ms);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    ld(m, p).add(p12).add(p34).intoArray(t, to);
    d12.add(d34.mul(2f)).intoArray(t, to + 6 * L);
    p12.add(p34.mul(4f)).intoArray(t, to + 12 * L);
    d12.add(d34.mul(8f)).add(ld(m, p + 30 * ms)).intoArray(t, to + 18 * L);
  }

  private static void outRowSet(float[] t, int r, float[] out, int o, int c, int cols) {
    FloatVector x1 = ld(t, r + L);
    FloatVector x2 = ld(t, r + 2 * L);
    FloatVector x3 = ld(t, r + 3 * L);
    FloatVector x4 = ld(t, r + 4 * L);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    ld(t, r).add(p12).add(p34).intoArray(out, o);
    if (cols > 1) {
      d12.add(d34.mul(2f)).intoArray(out, o + c);
    }
    if (cols > 2) {
      p12.add(p34.mul(4f)).intoArray(out, o + 2 * c);
    }
    if (cols > 3) {
      d12.add(d34.mul(8f)).add(ld(t, r + 5 * L)).intoArray(out, o + 3 * c);
    }
  }

  private static void outRowAdd(float[] t, int r, float[] out, int o, int c, int cols) {
    FloatVector x1 = ld(t, r + L);
    FloatVector x2 = ld(t, r + 2 * L);
    FloatVector x3 = ld(t, r + 3 * L);
    FloatVector x4 = ld(t, r + 4 * L);
    FloatVector p12 = x1.add(x2);
    FloatVector d12 = x1.sub(x2);
    FloatVector p34 = x3.add(x4);
    FloatVector d34 = x3.sub(x4);
    ld(out, o).add(ld(t, r).add(p12).add(p34)).intoArray(out, o);
    if (cols > 1) {
      ld(out, o + c).add(d12.add(d34.mul(2f))).intoArray(out, o + c);
    }
    if (cols > 2) {
      ld(out, o + 2 * c).add(p12.add(p34.mul(4f))).intoArray(out, o + 2 * c);
    }
    if (cols > 3) {
      ld(out, o + 3 * c).add(d12.add(d34.mul(8f)).add(ld(t, r + 5 * L)))
          .intoArray(out, o + 3 * c);
    }
  }
}

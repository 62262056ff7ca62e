package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;

/**
 * The input and output transforms of {@link Winograd4x4} (F(4×4, 3×3)) for one tile, over all
 * channels of one input or output. {@link #SCALAR} is the definition, one channel at a time;
 * the Vector API twins ({@code Winograd4Vector128/256/512}) run {@code lanes} channels at once
 * with the same float operations in the same order (no fused multiply-add), so every
 * implementation gives the same bits.
 *
 * <p>Row {@code a} of {@code Bᵀ x} for six values {@code x_0..x_5}:
 * <pre>
 * a = 0:  4·x0 - 5·x2 + x4          a = 3:  2·(x3 - x1) - x2 + x4
 * a = 1: -4·(x1 + x2) + x3 + x4     a = 4:  2·(x1 - x3) - x2 + x4
 * a = 2:  4·(x1 - x2) - x3 + x4     a = 5:  4·x1 - 5·x3 + x5
 * </pre>
 * and row {@code i} of {@code Aᵀ x}, with {@code p = x1 + x2, d = x1 - x2, P = x3 + x4,
 * D = x3 - x4}: {@code x0 + p + P}, {@code d + 2·D}, {@code p + 4·P}, {@code d + 8·D + x5};
 * row {@code a} of {@code A y} for four values {@code y_0..y_3} (the output gradient's
 * transform), with {@code e = y0 + y2, o = y1 + y3, E = y0 + 4·y2, O = 2·y1 + 8·y3}:
 * {@code y0}, {@code e + o}, {@code e - o}, {@code E + O}, {@code E - O}, {@code y3}.
 */
interface Winograd4Transforms {

  /** Floats of scratch the transforms need: 36 vectors of up to 16 lanes. */
  int SCRATCH = 36 * 16;

  /** The definition: one channel at a time, plain Java. */
  Winograd4Transforms SCALAR = new Scalar();

  /**
   * {@code v[vOff + ξ·vStride + ch] = (Bᵀ d B)[ξ]} (ξ = 6a + b) for every channel
   * {@code ch < c} of the 6×6 patch {@code d(r, s, ch) = src[off + r·rowStride + s·c + ch]},
   * for the rows {@code rowFrom <= a < rowTo} of the transformed tile only (nothing else of
   * {@code v} is written). {@code t} from {@code tOff}: {@value #SCRATCH} floats of scratch.
   */
  void input(float[] src, int off, int rowStride, int c, float[] t, int tOff, float[] v,
      int vOff, int vStride, int rowFrom, int rowTo);

  /**
   * {@code Y = Aᵀ M A} of one tile for channels {@code ch < n}, {@code M[ξ] = m[mOff + ξ·mStride
   * + ch]}: writes ({@code accumulate}: adds to) the top-left {@code rows × cols} outputs at
   * {@code out[base + r·rowStride + s·c + ch]} (pixels {@code c} floats apart, {@code n <= c}).
   * {@code t} from {@code tOff}: {@value #SCRATCH} floats of scratch.
   */
  void output(float[] m, int mOff, int mStride, int n, int c, float[] t, int tOff, float[] out,
      int base, int rowStride, int rows, int cols, boolean accumulate);

  /**
   * {@code M = A dY Aᵀ} (the adjoint of {@link #output}) of one tile of an output gradient for
   * every channel {@code o < c}: {@code dY(r, s, o) = dy[off + r·rowStride + s·c + o]} for
   * {@code r < rows, s < cols}, zero elsewhere (a partial tile at the output's border is read
   * in place). Channel o of position ξ goes to
   * {@code m[mOff + ξ·mStride + (o / sliver)·sliverStride + o % sliver]}: the column-sliver
   * layout of {@link MatMul#prepare} ({@code sliver} its {@link MatMul#preparedSliver},
   * {@code sliverStride} = k · sliver, {@code mOff} = the tile's row times {@code sliver}); the
   * padding columns of a partial last sliver are not written, nor are the positions
   * {@code ξ = 6a + b} outside the rows {@code rowFrom <= a < rowTo}. {@code t} from
   * {@code tOff}: {@value #SCRATCH} floats of scratch. This default is the scalar definition.
   */
  default void outputGradient(float[] dy, int off, int rowStride, int c, int rows, int cols,
      float[] t, int tOff, float[] m, int mOff, int mStride, int sliver, int sliverStride,
      int rowFrom, int rowTo) {
    outputGradientChannels(dy, off, rowStride, c, rows, cols, 0, c, t, tOff, m, mOff, mStride,
        sliver, sliverStride, rowFrom, rowTo);
  }

  /** Vector bits of this implementation, 0 for {@link #SCALAR}. */
  int bits();

  /**
   * The transforms matching a matrix kernel: the Vector API twin of the kernel's width for a
   * {@code vector-N} kernel (when the module is there), else {@link #SCALAR}.
   */
  static Winograd4Transforms forKernel(MatMul mm) {
    String name = mm.name();
    if (!name.startsWith("vector-") || !MatMuls.vectorApiAvailable()) {
      return SCALAR;
    }
    int end = "vector-".length();
    while (end < name.length() && Character.isDigit(name.charAt(end))) {
      end++;
    }
    return vector(Integer.parseInt(name.substring("vector-".length(), end)));
  }

  /** The Vector API twin for 128, 256 or 512 bits; needs {@code jdk.incubator.vector}. */
  static Winograd4Transforms vector(int bits) {
    MatMuls.checkBits(bits);
    String name = "io.github.convlstm4j.reference.Winograd4Vector" + bits;
    try {
      return (Winograd4Transforms) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot create " + name + ": " + MatMuls.VECTOR_HINT, e);
    }
  }

  /** Row {@code a} of {@code Bᵀ x}. */
  static float bt(int a, float x0, float x1, float x2, float x3, float x4, float x5) {
    switch (a) {
      case 0:
        return 4f * x0 - 5f * x2 + x4;
      case 1:
        return -4f * (x1 + x2) + x3 + x4;
      case 2:
        return 4f * (x1 - x2) - x3 + x4;
      case 3:
        return 2f * (x3 - x1) - x2 + x4;
      case 4:
        return 2f * (x1 - x3) - x2 + x4;
      default:
        return 4f * x1 - 5f * x3 + x5;
    }
  }

  /** Row {@code i} of {@code Aᵀ x}. */
  static float at(int i, float x0, float x1, float x2, float x3, float x4, float x5) {
    float p12 = x1 + x2;
    float d12 = x1 - x2;
    float p34 = x3 + x4;
    float d34 = x3 - x4;
    switch (i) {
      case 0:
        return x0 + p12 + p34;
      case 1:
        return d12 + 2f * d34;
      case 2:
        return p12 + 4f * p34;
      default:
        return d12 + 8f * d34 + x5;
    }
  }

  /** {@link #input} for channels {@code ch0 .. ch1 - 1} only, one at a time. */
  static void inputChannels(float[] src, int off, int rs, int c, int ch0, int ch1, float[] v,
      int vOff, int vs, int rowFrom, int rowTo) {
    for (int ch = ch0; ch < ch1; ch++) {
      for (int a = rowFrom; a < rowTo; a++) {
        // column pass: t_s = row a of Bᵀ d for column s
        int p = off + ch;
        float t0 = btColumn(a, src, p, rs);
        float t1 = btColumn(a, src, p + c, rs);
        float t2 = btColumn(a, src, p + 2 * c, rs);
        float t3 = btColumn(a, src, p + 3 * c, rs);
        float t4 = btColumn(a, src, p + 4 * c, rs);
        float t5 = btColumn(a, src, p + 5 * c, rs);
        int q = vOff + a * 6 * vs + ch;
        for (int b = 0; b < 6; b++) {
          v[q + b * vs] = bt(b, t0, t1, t2, t3, t4, t5);
        }
      }
    }
  }

  private static float btColumn(int a, float[] src, int p, int rs) {
    return bt(a, src[p], src[p + rs], src[p + 2 * rs], src[p + 3 * rs], src[p + 4 * rs],
        src[p + 5 * rs]);
  }

  private static float atColumn(int i, float[] m, int p, int ms) {
    return at(i, m[p], m[p + 6 * ms], m[p + 12 * ms], m[p + 18 * ms], m[p + 24 * ms],
        m[p + 30 * ms]);
  }

  /** {@link #output} for channels {@code ch0 .. ch1 - 1} only, one at a time, no scratch. */
  static void outputChannels(float[] m, int mOff, int ms, int c, int ch0, int ch1, float[] out,
      int base, int rowStride, int rows, int cols, boolean accumulate) {
    for (int ch = ch0; ch < ch1; ch++) {
      for (int i = 0; i < rows; i++) {
        // t_b = row i of Aᵀ M for column b, then the row's outputs
        int p = mOff + ch;
        float t0 = atColumn(i, m, p, ms);
        float t1 = atColumn(i, m, p + ms, ms);
        float t2 = atColumn(i, m, p + 2 * ms, ms);
        float t3 = atColumn(i, m, p + 3 * ms, ms);
        float t4 = atColumn(i, m, p + 4 * ms, ms);
        float t5 = atColumn(i, m, p + 5 * ms, ms);
        int o = base + i * rowStride + ch;
        for (int j = 0; j < cols; j++) {
          float y = at(j, t0, t1, t2, t3, t4, t5);
          out[o + j * c] = accumulate ? out[o + j * c] + y : y;
        }
      }
    }
  }

  /** Row {@code a} of {@code A y} (A = (Aᵀ)ᵀ, 6 × 4). */
  static float ag(int a, float y0, float y1, float y2, float y3) {
    switch (a) {
      case 0:
        return y0;
      case 1:
        return (y0 + y2) + (y1 + y3);
      case 2:
        return (y0 + y2) - (y1 + y3);
      case 3:
        return (y0 + 4f * y2) + (2f * y1 + 8f * y3);
      case 4:
        return (y0 + 4f * y2) - (2f * y1 + 8f * y3);
      default:
        return y3;
    }
  }

  /**
   * {@link #outputGradient} for channels {@code o0 .. o1 - 1} only, one at a time: the column
   * pass ({@code A dY}, into {@code t[tOff + a·4 + j]} for row a and column j) first, then the
   * row pass. Needs {@code rows, cols >= 1}.
   */
  static void outputGradientChannels(float[] dy, int off, int rs, int c, int rows, int cols,
      int o0, int o1, float[] t, int tOff, float[] m, int mOff, int ms, int sliver,
      int sliverStride, int rowFrom, int rowTo) {
    for (int o = o0; o < o1; o++) {
      for (int j = 0; j < 4; j++) {
        int p = off + j * c + o;
        boolean in = j < cols;
        float y0 = in ? dy[p] : 0f;
        float y1 = in && rows > 1 ? dy[p + rs] : 0f;
        float y2 = in && rows > 2 ? dy[p + 2 * rs] : 0f;
        float y3 = in && rows > 3 ? dy[p + 3 * rs] : 0f;
        for (int a = rowFrom; a < rowTo; a++) {
          t[tOff + a * 4 + j] = ag(a, y0, y1, y2, y3);
        }
      }
      int s = o / sliver;
      int q = mOff + s * sliverStride + o - s * sliver;
      for (int a = rowFrom; a < rowTo; a++) {
        int r = tOff + a * 4;
        for (int b = 0; b < 6; b++) {
          m[q + (a * 6 + b) * ms] = ag(b, t[r], t[r + 1], t[r + 2], t[r + 3]);
        }
      }
    }
  }

  /** {@link #SCALAR}. */
  final class Scalar implements Winograd4Transforms {

    private Scalar() {}

    @Override
    public void input(float[] src, int off, int rowStride, int c, float[] t, int tOff,
        float[] v, int vOff, int vStride, int rowFrom, int rowTo) {
      inputChannels(src, off, rowStride, c, 0, c, v, vOff, vStride, rowFrom, rowTo);
    }

    @Override
    public void output(float[] m, int mOff, int mStride, int n, int c, float[] t, int tOff,
        float[] out, int base, int rowStride, int rows, int cols, boolean accumulate) {
      outputChannels(m, mOff, mStride, c, 0, n, out, base, rowStride, rows, cols, accumulate);
    }

    @Override
    public int bits() {
      return 0;
    }
  }
}

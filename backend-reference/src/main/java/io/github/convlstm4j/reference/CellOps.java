package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;

/**
 * The element-wise work of one ConvLSTM time step over a range of positions, forward and
 * backward, in one pass per position over its {@code 4F} gate values; and the col2im gather
 * of the backward convolutions.
 *
 * <p>Layout: the gate pre-activations of position {@code p} are {@code gates[gOff + p·4F + j]}
 * in Keras order i, f, c, o; states and their gradients are {@code [p·F + j]} from their
 * offsets. Two implementations compute bit-for-bit the same values (the same float operations
 * in the same order, no fused multiply-add): {@link ScalarCellOps}, plain loops, and
 * {@code VectorCellOps128}, {@code VectorCellOps256} and {@code VectorCellOps512}, the Vector
 * API on the matrix kernel's own width, used when the JVM runs with the
 * {@code jdk.incubator.vector} module and the matrix kernel is the vector one.
 */
interface CellOps {

  /**
   * Forward step for positions {@code [from, to)}: adds the bias to the pre-activations,
   * replaces them by the gate activations ({@code ra(i), ra(f), act(c̃), ra(o)}), and writes
   * {@code C_t = f⊙C_{t-1} + i⊙act(c̃)} (no {@code C_{t-1}} term when {@code cPrev < 0}) and
   * {@code H_t = o⊙act(C_t)}.
   */
  void forward(Activation ra, Activation act, int f, float[] bias, float[] gates, int gOff,
      float[] cells, int cOff, int cPrev, float[] hs, int hOff, int from, int to);

  /**
   * A batch norm with per-channel constants, in place, for rows {@code [from, to)}:
   * {@code x[off + r·f + c] = (x[off + r·f + c] - center[c]) · scale[c] + shift[c]}, a
   * subtraction, a multiplication and an addition (no fused multiply-add).
   */
  void normalize(float[] x, int off, int f, float[] center, float[] scale, float[] shift,
      int from, int to);

  /**
   * {@code H = o⊙act(C)} for positions {@code [from, to)} from the gate activations and cell
   * states a forward step left (with or without peepholes): the forward step's own last stage,
   * so the same bits. The training pass recomputes a layer's {@code H} with it instead of
   * keeping it.
   */
  void hidden(Activation act, int f, float[] gates, int gOff, float[] cells, int cOff,
      float[] hs, int hOff, int from, int to);

  /**
   * Backward step for positions {@code [from, to)}, given the forward's gate activations and
   * cell states: {@code dH = dh + dOut} (no {@code dOut} term when {@code dOutOff < 0}),
   * writes the pre-activation gradients {@code dz} (i, f, c, o) and replaces {@code dc} (the
   * gradient into {@code C_t} from step t+1, indexed from 0) by the gradient into
   * {@code C_{t-1}}. {@code dh} is indexed from 0.
   */
  void backward(Activation ra, Activation act, int f, float[] gates, int gOff, float[] cells,
      int cOff, int cPrev, float[] dh, float[] dOut, int dOutOff, float[] dc, float[] dz,
      int from, int to);

  /**
   * {@link #forward} with the paper's peepholes (Shi et al. 2015, eq. 3): before their
   * activation the i and f pre-activations get {@code wci⊙C_{t-1}} and {@code wcf⊙C_{t-1}}
   * (nothing when {@code cPrev < 0}), and o gets {@code wco⊙C_t}, the new cell state. Both
   * implementations share this one (scalar) definition, so they agree bit for bit.
   */
  default void forwardPeephole(Activation ra, Activation act, int f, float[] bias, float[] wci,
      float[] wcf, float[] wco, float[] gates, int gOff, float[] cells, int cOff, int cPrev,
      float[] hs, int hOff, int from, int to) {
    ScalarCellOps.peepholeForward(ra, act, f, bias, wci, wcf, wco, gates, gOff, cells, cOff,
        cPrev, hs, hOff, from, to);
  }

  /**
   * {@link #backward} of {@link #forwardPeephole}: the pre-activation gradients {@code dz}
   * and the gradient into {@code C_{t-1}} (in {@code dc}), which now also flows through the
   * peepholes. The peephole weights' own gradients are reductions of {@code dz} against the
   * cell states, left to the caller.
   */
  default void backwardPeephole(Activation ra, Activation act, int f, float[] wci, float[] wcf,
      float[] wco, float[] gates, int gOff, float[] cells, int cOff, int cPrev, float[] dh,
      float[] dOut, int dOutOff, float[] dc, float[] dz, int from, int to) {
    ScalarCellOps.peepholeBackward(ra, act, f, wci, wcf, wco, gates, gOff, cells, cOff, cPrev,
        dh, dOut, dOutOff, dc, dz, from, to);
  }

  /**
   * The column-to-image gather of the backward pass ({@link Im2col#col2imRows}, which is the
   * scalar definition) for input rows {@code [from, to)}; element-wise work like the rest.
   */
  void col2im(float[] cols, int h, int w, int c, int kh, int kw, int padTop, int padLeft,
      int ho, int wo, float[] dIn, int dOff, int from, int to);

  /**
   * Winograd input transform of one gathered 4×4 patch {@code d[(r·4 + s)·c + ch]} for every
   * channel ({@link Winograd3x3#inputScalar} is the scalar definition), rows
   * {@code rowFrom .. rowTo - 1} of the transformed tile only: positions
   * {@code ξ = 4a + b} with {@code rowFrom <= a < rowTo}; nothing else of {@code v} is written.
   * The patch ({@code d[0 .. 16·c)}) and the written part of {@code v} must not overlap.
   */
  void winogradInput(float[] d, int c, float[] v, int vOff, int vStride, int rowFrom, int rowTo);

  /**
   * Winograd output transform of one tile's products for every output channel
   * ({@link Winograd3x3#outputScalar} is the scalar definition).
   */
  void winogradOutput(float[] m, int mOff, int mStride, int cout, float[] out, int y00, int y01,
      int y10, int y11, boolean accumulate);

  /**
   * Winograd transform of one gathered output-gradient tile {@code d[(r·2 + s)·c + o]} for
   * every channel ({@link Winograd3x3#outputGradientScalar} is the scalar definition): channel
   * o of product ξ goes to {@code m[mOff + ξ·mStride + (o / sliver)·sliverStride + o % sliver]},
   * the column-sliver layout of {@link io.github.convlstm4j.reference.kernel.MatMul#prepare}
   * ({@code sliver} = its {@code preparedSliver}, {@code sliverStride} = k · sliver, mOff =
   * the tile's row times {@code sliver}; {@code sliver = c} is the dense layout). Only rows
   * {@code rowFrom .. rowTo - 1} of the transformed tile (positions {@code ξ = 4a + b},
   * {@code rowFrom <= a < rowTo}) are written; padding columns are not written.
   */
  void winogradOutputGradient(float[] d, int c, float[] m, int mOff, int mStride, int sliver,
      int sliverStride, int rowFrom, int rowTo);

  /** Short name: {@code scalar} or {@code vector-<bits>}. */
  String name();

  /**
   * The implementation matching a matrix kernel: the Vector API twin of the kernel's own width
   * ({@link MatMul#vectorBits()}) for a Vector API kernel, else {@link ScalarCellOps}. One width
   * per network: on JDK 17, Vector API code of two widths in one JVM boxes vectors.
   */
  static CellOps forKernel(MatMul mm) {
    if (mm.vectorBits() > 0 && MatMuls.vectorApiAvailable()) {
      return vector(mm.vectorBits());
    }
    return new ScalarCellOps();
  }

  /**
   * The Vector API implementation of the default kernel width
   * ({@link io.github.convlstm4j.reference.kernel.VectorMatMul#defaultBits()}); needs the
   * {@code jdk.incubator.vector} module.
   */
  static CellOps vector() {
    return vector(MatMuls.vector(1).vectorBits());
  }

  /**
   * The Vector API implementation on {@code bits}-bit vectors; needs the
   * {@code jdk.incubator.vector} module.
   *
   * @throws IllegalArgumentException if {@code bits} is not 128, 256 or 512
   * @throws IllegalStateException if the Vector API is not available
   */
  static CellOps vector(int bits) {
    MatMuls.checkBits(bits);
    if (!MatMuls.vectorApiAvailable()) {
      throw new IllegalStateException(
          "the Vector API (module jdk.incubator.vector) is not available: " + MatMuls.VECTOR_HINT);
    }
    String name = "io.github.convlstm4j.reference.VectorCellOps" + bits;
    try {
      return (CellOps) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot create " + name + ": " + MatMuls.VECTOR_HINT, e);
    }
  }
}

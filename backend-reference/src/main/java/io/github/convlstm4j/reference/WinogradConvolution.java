package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.Winograd3x3.Output;
import io.github.convlstm4j.reference.kernel.MatMul;

/**
 * A Winograd algorithm for stride-1 convolutions with a 3×3 kernel, as {@link Network} uses it:
 * the kernel transform, the convolution of channel-wise concatenated inputs (forward, and the
 * input gradients with the adjoint kernel) and the kernel's weight gradient. Implemented by
 * {@link Winograd3x3} (F(2×2, 3×3), the default) and {@link Winograd4x4} (F(4×4, 3×3),
 * {@code reference.convolution=winograd4}); the network holds one and runs every 3×3
 * convolution of a pass through it, so forward and backward use the same algorithm.
 *
 * <p>A kernel goes through two steps before a convolution: {@link #transform} (the Winograd
 * domain, {@code u[ξ][rows][cols]}) and {@link #prepared} (each ξ's matrix packed for the
 * matrix kernel's products, {@link io.github.convlstm4j.reference.kernel.MatMul#prepare}), so
 * that a kernel used by many convolutions is packed once; {@code Network} keeps the prepared
 * kernels and prepares them again, in place, when the weights change.
 */
interface WinogradConvolution {

  /** Positions ξ of the transformed tile: 16 for F(2×2), 36 for F(4×4). */
  int positions();

  /**
   * Kernel transform {@code U_ξ = G g Gᵀ} of a Keras kernel {@code [3, 3, cin, cout]} into a
   * block of {@code u[ξ][uRows][uCols]} from row {@code rowOff} and column {@code colOff}.
   * Forward: {@code g[dy][dx] = k[dy, dx, c, o]} at row c, column o, a {@code cin → cout}
   * convolution. Adjoint: the kernel of the input gradient, {@code g[dy][dx] = k[2-dy, 2-dx, c,
   * o]} at row o, column c, a {@code cout → cin} convolution with padding {@code 2 - pad}.
   * Computed in double, rounded once.
   */
  void transform(float[] k, int cin, int cout, boolean adjoint, float[] u, int uRows, int uCols,
      int rowOff, int colOff);

  /**
   * The transformed kernel {@code u} ({@code rows × cols} per ξ) prepared for
   * {@link #convolve}: in {@code reuse} when it has exactly the size needed, else in a new
   * array.
   */
  float[] prepared(float[] u, int rows, int cols, float[] reuse);

  /**
   * The convolution of the channel-wise concatenation of {@code inputs} (a null
   * {@link Input#data()} stands for zeros) over {@code frames} frames {@code [h, w, ·]}, with a
   * {@link #prepared} kernel {@code u} of {@code Σ inputs' channels} rows and {@code Σ outputs'
   * channels} columns, cross-correlation as in Keras with {@code padTop}/{@code padLeft} zeros
   * before the input, into {@code [frames, ho, wo, ·]}; the output channels are split in order
   * over {@code outputs}, each overwritten or added to. Results do not depend on the thread
   * count.
   */
  void convolve(Input[] inputs, int frames, int h, int w, int padTop, int padLeft, float[] u,
      int ho, int wo, Output[] outputs);

  /** The convolution of one input into one output (see the general form above). */
  default void convolve(float[] in, int inOff, int frames, int h, int w, int cin, int padTop,
      int padLeft, float[] u, int cout, int ho, int wo, float[] out, int outOff,
      boolean accumulate) {
    convolve(new Input[] {new Input(in, inOff, cin)}, frames, h, w, padTop, padLeft, u, ho, wo,
        new Output[] {new Output(out, outOff, cout, accumulate)});
  }

  /**
   * Adds the kernel gradients of {@link #convolve} to {@code grads}: {@code grads[j]}
   * ({@code [3, 3, channels_j, cout]}, Keras layout) receives input j's part, given the inputs
   * (none with null data) and the output gradient {@code dy} ({@code [frames, ho, wo, cout]}
   * from {@code dyOff}). Results do not depend on the thread count.
   */
  void weightGradient(Input[] inputs, int frames, int h, int w, int padTop, int padLeft,
      float[] dy, int dyOff, int cout, int ho, int wo, float[][] grads);

  /** The weight gradient of a convolution of one input (see the general form above). */
  default void weightGradient(float[] in, int inOff, int frames, int h, int w, int cin,
      int padTop, int padLeft, float[] dy, int dyOff, int cout, int ho, int wo, float[] grad) {
    weightGradient(new Input[] {new Input(in, inOff, cin)}, frames, h, w, padTop, padLeft, dy,
        dyOff, cout, ho, wo, new float[][] {grad});
  }

  /**
   * The {@code positions} matrices {@code u[ξ][rows][cols]} each packed by
   * {@link MatMul#prepare} of {@code serial}, one after the other: into {@code reuse} when it
   * has exactly the size needed, else into a new array.
   */
  static float[] prepareMatrices(MatMul serial, int positions, float[] u, int rows, int cols,
      float[] reuse) {
    long need = (long) rows * cols * positions;
    if (u.length < need) {
      throw new IllegalArgumentException("a transformed kernel of " + positions + " x " + rows
          + " x " + cols + " needs " + need + " floats, got " + u.length);
    }
    int packed = serial.preparedSize(rows, cols);
    long size = (long) positions * packed;
    float[] dst = reuse != null && reuse.length == size ? reuse
        : new float[Math.toIntExact(size)];
    for (int xi = 0; xi < positions; xi++) {
      serial.prepare(rows, cols, u, xi * rows * cols, cols, dst, xi * packed);
    }
    return dst;
  }
}

package io.github.convlstm4j.api;

/**
 * Spatial padding of a convolution, Keras semantics.
 *
 * <p>{@link #SAME} pads so that the output has {@code ceil(n / stride)} positions; the total
 * padding {@code max((ceil(n/s)-1)·s + (k-1)·d + 1 - n, 0)} is split with {@code total / 2}
 * before and the rest after, which matters for even kernels. {@link #VALID} does not pad.
 */
public enum Padding {
  /** Output as large as the input (stride 1); asymmetric for even kernels. */
  SAME,
  /** No padding; the output shrinks by {@code kernel - 1}. */
  VALID;

  /**
   * Padding before the first position (stride 1, dilation 1).
   *
   * @param kernel kernel size along the axis
   * @return cells added before
   */
  public int before(int kernel) {
    return this == SAME ? (kernel - 1) / 2 : 0;
  }

  /**
   * Padding after the last position (stride 1, dilation 1).
   *
   * @param kernel kernel size along the axis
   * @return cells added after
   */
  public int after(int kernel) {
    return this == SAME ? (kernel - 1) - (kernel - 1) / 2 : 0;
  }

  /**
   * Output size along one axis (stride 1, dilation 1).
   *
   * @param input input size
   * @param kernel kernel size
   * @return output size; may be zero or negative for VALID with a too small input
   */
  public int outputSize(int input, int kernel) {
    return this == SAME ? input : input - kernel + 1;
  }

  /**
   * Output size along one axis of a strided convolution or pooling window (dilation 1), as
   * TensorFlow computes it: SAME {@code ceil(n / s)}, VALID {@code floor((n - k) / s) + 1}.
   *
   * @param input input size n
   * @param kernel window size k
   * @param stride stride s, at least 1
   * @return output size; zero or negative for VALID with {@code n < k}
   */
  public int outputSize(int input, int kernel, int stride) {
    if (this == SAME) {
      return (input + stride - 1) / stride;
    }
    return input < kernel ? input - kernel + 1 : (input - kernel) / stride + 1;
  }

  /**
   * Padding before the first position of a strided window (dilation 1): for SAME, half (rounded
   * down) of {@code max((ceil(n/s) - 1)·s + k - n, 0)}, the rest going after; 0 for VALID.
   *
   * @param input input size n
   * @param kernel window size k
   * @param stride stride s, at least 1
   * @return cells added before
   */
  public int before(int input, int kernel, int stride) {
    if (this == VALID) {
      return 0;
    }
    int out = outputSize(input, kernel, stride);
    return Math.max((out - 1) * stride + kernel - input, 0) / 2;
  }
}

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
}

package io.github.convlstm4j.api;

/** Training losses, each a mean over all elements, Keras semantics. */
public enum Loss {
  /**
   * Binary cross-entropy {@code -(y log p + (1-y) log(1-p))} with predictions clipped to
   * {@code [1e-7, 1 - 1e-7]} as Keras does.
   */
  BINARY_CROSSENTROPY,
  /** Mean squared error. */
  MSE;

  /** Keras' clipping epsilon for binary cross-entropy. */
  public static final double BCE_EPSILON = 1e-7;
}

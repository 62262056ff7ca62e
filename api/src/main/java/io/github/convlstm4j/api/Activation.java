package io.github.convlstm4j.api;

/**
 * Element-wise activation functions used by {@link ModelSpec}, with Keras semantics.
 *
 * <p>The scalar {@link #apply(double)} is the definition every backend must match; backends
 * implement vectorised versions of their own.
 */
public enum Activation {
  /** Hyperbolic tangent. */
  TANH,
  /** Logistic sigmoid {@code 1 / (1 + exp(-x))}. */
  SIGMOID,
  /** Keras 2 hard sigmoid {@code clip(0.2 x + 0.5, 0, 1)}. */
  HARD_SIGMOID,
  /** Rectified linear unit {@code max(x, 0)}. */
  RELU,
  /** Identity. */
  LINEAR;

  /**
   * Applies the function to one value.
   *
   * @param x the argument
   * @return the activation of {@code x}
   */
  public double apply(double x) {
    switch (this) {
      case TANH:
        return Math.tanh(x);
      case SIGMOID:
        return 1.0 / (1.0 + Math.exp(-x));
      case HARD_SIGMOID:
        return Math.min(1.0, Math.max(0.0, 0.2 * x + 0.5));
      case RELU:
        return Math.max(0.0, x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(this);
    }
  }
}

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
  /**
   * Keras 3 hard sigmoid {@code relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)} (Keras 3 changed
   * the slope of {@code "hard_sigmoid"} from 0.2 to 1/6; an imported file's
   * {@code keras_version} says which one a model was trained with).
   */
  HARD_SIGMOID_KERAS3,
  /** Rectified linear unit {@code max(x, 0)}. */
  RELU,
  /** Identity. */
  LINEAR;

  /**
   * Whether this is one of the gate activations a ConvLSTM layer accepts as its recurrent
   * activation: SIGMOID, HARD_SIGMOID or HARD_SIGMOID_KERAS3.
   *
   * @return true for the sigmoid family
   */
  public boolean isSigmoid() {
    return this == SIGMOID || this == HARD_SIGMOID || this == HARD_SIGMOID_KERAS3;
  }

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
      case HARD_SIGMOID_KERAS3:
        return Math.min(6.0, Math.max(0.0, x + 3.0)) / 6.0;
      case RELU:
        return Math.max(0.0, x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(this);
    }
  }
}

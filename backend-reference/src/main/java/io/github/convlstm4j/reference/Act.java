package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;

/**
 * Element-wise activations in float with the definitions of {@link Activation#apply(double)},
 * and their derivatives expressed through the activation's <em>output</em> (which is what the
 * backward pass keeps). Hard sigmoid's derivative is 0.2 (Keras 3's: 1/6) strictly inside (0, 1) and 0 on the
 * clipped parts; ReLU's is 1 for a positive output and 0 otherwise.
 */
final class Act {
  private Act() {}

  static float apply(Activation a, float x) {
    switch (a) {
      case TANH:
        return tanh(x);
      case SIGMOID:
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
      case HARD_SIGMOID:
        return Math.min(1f, Math.max(0f, 0.2f * x + 0.5f));
      case HARD_SIGMOID_KERAS3:
        return Math.min(6f, Math.max(0f, x + 3f)) / 6f;
      case RELU:
        return Math.max(0f, x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(a);
    }
  }

  /** Derivative at the point whose output is {@code y}. */
  static float derivativeFromOutput(Activation a, float y) {
    switch (a) {
      case TANH:
        return 1f - y * y;
      case SIGMOID:
        return y * (1f - y);
      case HARD_SIGMOID:
        return y > 0f && y < 1f ? 0.2f : 0f;
      case HARD_SIGMOID_KERAS3:
        return y > 0f && y < 1f ? 1f / 6f : 0f;
      case RELU:
        return y > 0f ? 1f : 0f;
      case LINEAR:
        return 1f;
      default:
        throw new AssertionError(a);
    }
  }

  /**
   * tanh through {@link Math#exp} (an intrinsic, unlike {@link Math#tanh} on JDK 17), in
   * double, rounded to float: agrees with {@code (float) Math.tanh(x)} to within one float ulp.
   */
  static float tanh(float x) {
    double ax = Math.abs((double) x);
    if (ax > 20) {
      return x > 0 ? 1f : -1f;
    }
    if (ax < 1e-4) {
      return x; // tanh x = x - x^3/3 + ...: the cubic term is below half a float ulp here
    }
    double e = Math.exp(-2 * ax);
    double t = (1 - e) / (1 + e);
    return (float) (x < 0 ? -t : t);
  }
}

package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * Everything needed to rebuild a forecaster and continue its training: the spec, the weights,
 * the optimizer state (empty before any training) and the number of epochs trained so far.
 *
 * <p>Stored by {@link io.github.convlstm4j.api.io.Checkpoints} as a NumPy {@code .npz}.
 *
 * @param spec the architecture
 * @param weights weights in Keras names and layouts, compatible with {@code spec}
 * @param optimizerState optimizer slots by backend-neutral names, possibly empty
 * @param epochsCompleted epochs trained so far, at least 0
 */
public record Checkpoint(
    ModelSpec spec, ModelWeights weights, ModelWeights optimizerState, int epochsCompleted) {

  /**
   * Validates the parts.
   *
   * @throws IllegalArgumentException if the weights do not fit the spec or the epoch count is
   *     negative
   */
  public Checkpoint {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(optimizerState, "optimizerState");
    weights.requireCompatible(spec);
    if (epochsCompleted < 0) {
      throw new IllegalArgumentException(
          "epochsCompleted must be >= 0, got " + epochsCompleted);
    }
  }
}

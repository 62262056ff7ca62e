package io.github.convlstm4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The exported state of a {@link ForecastSession}, as named tensors in Keras layouts
 * ({@code initial_state} / {@code return_state} of {@code ConvLSTM2D}):
 *
 * <ul>
 *   <li>{@code conv_lstm2d_<i>/h} and {@code conv_lstm2d_<i>/c}, each {@code [N, H', W', F]}:
 *       ConvLSTM layer i's hidden and cell state after the last pushed frame;
 *   <li>{@code output}, {@code [N, H'', W'', C_out]}: the last step's output;
 *   <li>{@code head/features}, {@code [N, w, H', W', F]}, when the model has a Conv3D head of
 *       time kernel {@code kt > 1} and returns sequences: the head's input (the last ConvLSTM
 *       layer's output after its batch normalization) of the last {@code w} frames,
 *       {@code w = kt - 1} for CAUSAL and {@code (kt - 1) / 2} for SAME time padding (zeros
 *       for frames before the first).
 * </ul>
 *
 * <p>No tensor but the frame count exists before the first frame. Immutable.
 *
 * @param framesSeen frames pushed per stream, non-negative
 * @param tensors the named tensors, in the order above
 */
public record SessionState(long framesSeen, Map<String, Tensor> tensors) {

  /** Copies the map and checks the count. */
  public SessionState {
    if (framesSeen < 0) {
      throw new IllegalArgumentException("framesSeen must be non-negative, got " + framesSeen);
    }
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors,
        "tensors")));
  }
}

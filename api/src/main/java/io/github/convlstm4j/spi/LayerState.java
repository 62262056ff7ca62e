package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * The recurrent state of one ConvLSTM layer after a time step: hidden state {@code h} and
 * cell state {@code c}, each {@code [N, H', W', F]} channels-last (Keras' layout of
 * {@code initial_state} and {@code return_state}), where {@code H', W'} is the layer's output
 * frame size and {@code F} its filters.
 *
 * @param h the hidden state (the layer's output before any batch normalization)
 * @param c the cell state
 */
public record LayerState(Tensor h, Tensor c) {

  /** Checks that both tensors are rank 4 and of one shape. */
  public LayerState {
    Objects.requireNonNull(h, "h");
    Objects.requireNonNull(c, "c");
    if (h.rank() != 4 || !Arrays.equals(h.shape(), c.shape())) {
      throw new IllegalArgumentException("h and c must both be [N, H, W, F], got h "
          + h.shapeList() + " and c " + c.shapeList());
    }
  }

  /**
   * The shape both tensors share.
   *
   * @return {@code [N, H', W', F]}
   */
  public int[] shape() {
    return h.shape();
  }
}

package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The recurrent state of one ConvLSTM layer after a time step: hidden state {@code h} and
 * cell state {@code c}, each {@code [N, H', W', F]} channels-last (Keras' layout of
 * {@code initial_state} and {@code return_state}), where {@code H', W'} is the layer's output
 * frame size and {@code F} its filters.
 *
 * <p>A backend may return the two tensors in its own form ({@link EngineTensor#deferred}):
 * {@link #h()} and {@link #c()} convert them on first use, while the backend takes its own
 * form back through {@link #hState()} and {@link #cState()} when the same state object comes
 * back as an initial state. Immutable; equal when both tensors are equal.
 */
public final class LayerState {

  private final EngineTensor h;
  private final EngineTensor c;

  /**
   * A state of known values.
   *
   * @param h the hidden state (the layer's output before any batch normalization)
   * @param c the cell state
   * @throws IllegalArgumentException unless both are rank 4 and of one shape
   */
  public LayerState(Tensor h, Tensor c) {
    this(EngineTensor.of(Objects.requireNonNull(h, "h")),
        EngineTensor.of(Objects.requireNonNull(c, "c")));
  }

  /**
   * A state whose tensors may be held in a backend's form.
   *
   * @param h the hidden state
   * @param c the cell state
   * @throws IllegalArgumentException unless both are rank 4 and of one shape
   */
  public LayerState(EngineTensor h, EngineTensor c) {
    Objects.requireNonNull(h, "h");
    Objects.requireNonNull(c, "c");
    if (h.rank() != 4 || !h.shapeList().equals(c.shapeList())) {
      throw new IllegalArgumentException("h and c must both be [N, H, W, F], got h "
          + h.shapeList() + " and c " + c.shapeList());
    }
    this.h = h;
    this.c = c;
  }

  /**
   * The hidden state.
   *
   * @return {@code h}, channels-last
   */
  public Tensor h() {
    return h.tensor();
  }

  /**
   * The cell state.
   *
   * @return {@code c}, channels-last
   */
  public Tensor c() {
    return c.tensor();
  }

  /**
   * The hidden state, possibly in a backend's form.
   *
   * @return {@code h}
   */
  public EngineTensor hState() {
    return h;
  }

  /**
   * The cell state, possibly in a backend's form.
   *
   * @return {@code c}
   */
  public EngineTensor cState() {
    return c;
  }

  /**
   * The shape both tensors share (without converting them).
   *
   * @return {@code [N, H', W', F]}
   */
  public int[] shape() {
    return h.shape();
  }

  /**
   * The shape both tensors share, as a list (without converting them).
   *
   * @return {@code [N, H', W', F]}
   */
  public List<Integer> shapeList() {
    return h.shapeList();
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof LayerState s && h.equals(s.h) && c.equals(s.c);
  }

  @Override
  public int hashCode() {
    return 31 * h.hashCode() + c.hashCode();
  }

  @Override
  public String toString() {
    return "LayerState" + Arrays.toString(shape());
  }
}

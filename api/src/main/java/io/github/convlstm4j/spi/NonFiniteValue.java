package io.github.convlstm4j.spi;

import java.util.Objects;

/**
 * A NaN or infinity found in a weight tensor, for the divergence stop of the training loop.
 *
 * @param tensor the weight's Keras name
 * @param value the offending value
 * @param flatIndex its index in the Keras layout of the tensor
 */
public record NonFiniteValue(String tensor, float value, long flatIndex) {

  /** Rejects a null name. */
  public NonFiniteValue {
    Objects.requireNonNull(tensor, "tensor");
  }
}

package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.Tensor;
import java.util.Objects;

/**
 * One weight of a Keras layer as stored in the file.
 *
 * @param name the name in the file (for example {@code conv_lstm2d/kernel:0} in an HDF5 model,
 *     or the variable's index {@code 0}, {@code 1}, ... in a {@code .keras} archive)
 * @param value the values, float32, in the file's shape
 */
public record KerasWeight(String name, Tensor value) {
  /**
   * Validates.
   *
   * @throws NullPointerException on a null part
   */
  public KerasWeight {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}

package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * The optional {@code Conv3D} head after the last ConvLSTM layer: SAME padding in space,
 * {@link TimePadding} in time, stride 1, with bias.
 *
 * @param filters output channels
 * @param kernelTime kernel size along time
 * @param kernelHeight kernel rows
 * @param kernelWidth kernel columns
 * @param activation output activation (SIGMOID for the seed)
 * @param timePadding SAME (Keras) or CAUSAL
 */
public record Conv3dHeadSpec(
    int filters,
    int kernelTime,
    int kernelHeight,
    int kernelWidth,
    Activation activation,
    TimePadding timePadding) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public Conv3dHeadSpec {
    if (filters <= 0) {
      throw new IllegalArgumentException("head filters must be positive, got " + filters);
    }
    if (kernelTime <= 0) {
      throw new IllegalArgumentException("head kernelTime must be positive, got " + kernelTime);
    }
    if (kernelHeight <= 0) {
      throw new IllegalArgumentException(
          "head kernelHeight must be positive, got " + kernelHeight);
    }
    if (kernelWidth <= 0) {
      throw new IllegalArgumentException("head kernelWidth must be positive, got " + kernelWidth);
    }
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(timePadding, "timePadding");
  }
}

package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * One {@code ConvLSTM2D} layer (Keras semantics), optionally followed by batch normalization.
 * Stride and dilation are 1. The recurrent convolution is always SAME; {@link #padding} applies
 * to the input convolution only.
 *
 * @param filters F, the number of hidden channels; the gate convolutions have {@code 4F}
 * @param kernelHeight kernel rows, odd or even
 * @param kernelWidth kernel columns, odd or even
 * @param padding input convolution padding
 * @param activation cell and output activation (Keras {@code activation}, default TANH)
 * @param recurrentActivation gate activation, SIGMOID or HARD_SIGMOID
 * @param useBias whether the input convolution has a bias
 * @param unitForgetBias whether the forget slice of the bias is <em>set</em> to 1 at
 *     initialization (needs {@code useBias})
 * @param returnSequences whether the layer outputs every step or only the last
 * @param batchNormalization whether a batch normalization layer follows
 */
public record ConvLstmLayerSpec(
    int filters,
    int kernelHeight,
    int kernelWidth,
    Padding padding,
    Activation activation,
    Activation recurrentActivation,
    boolean useBias,
    boolean unitForgetBias,
    boolean returnSequences,
    boolean batchNormalization) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public ConvLstmLayerSpec {
    if (filters <= 0) {
      throw new IllegalArgumentException("filters must be positive, got " + filters);
    }
    if (kernelHeight <= 0) {
      throw new IllegalArgumentException("kernelHeight must be positive, got " + kernelHeight);
    }
    if (kernelWidth <= 0) {
      throw new IllegalArgumentException("kernelWidth must be positive, got " + kernelWidth);
    }
    Objects.requireNonNull(padding, "padding");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(recurrentActivation, "recurrentActivation");
    if (activation != Activation.TANH
        && activation != Activation.RELU
        && activation != Activation.LINEAR) {
      throw new IllegalArgumentException(
          "activation must be TANH, RELU or LINEAR, got " + activation);
    }
    if (recurrentActivation != Activation.SIGMOID
        && recurrentActivation != Activation.HARD_SIGMOID) {
      throw new IllegalArgumentException(
          "recurrentActivation must be SIGMOID or HARD_SIGMOID, got " + recurrentActivation);
    }
    if (unitForgetBias && !useBias) {
      throw new IllegalArgumentException("unitForgetBias needs useBias=true, got useBias=false");
    }
  }

  /**
   * A layer with Keras 3 defaults: 3×3 kernel, SAME, tanh, sigmoid gates, bias, unit forget
   * bias, return sequences, no batch normalization.
   *
   * @param filters F
   * @return the layer
   */
  public static ConvLstmLayerSpec of(int filters) {
    return new ConvLstmLayerSpec(
        filters, 3, 3, Padding.SAME, Activation.TANH, Activation.SIGMOID, true, true, true,
        false);
  }

  /**
   * A copy with another kernel size.
   *
   * @param height kernel rows
   * @param width kernel columns
   * @return the copy
   */
  public ConvLstmLayerSpec withKernel(int height, int width) {
    return new ConvLstmLayerSpec(filters, height, width, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, batchNormalization);
  }

  /**
   * A copy with another input padding.
   *
   * @param p padding
   * @return the copy
   */
  public ConvLstmLayerSpec withPadding(Padding p) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, p, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, batchNormalization);
  }

  /**
   * A copy with another cell activation.
   *
   * @param a activation
   * @return the copy
   */
  public ConvLstmLayerSpec withActivation(Activation a) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, a,
        recurrentActivation, useBias, unitForgetBias, returnSequences, batchNormalization);
  }

  /**
   * A copy with another gate activation.
   *
   * @param a SIGMOID or HARD_SIGMOID
   * @return the copy
   */
  public ConvLstmLayerSpec withRecurrentActivation(Activation a) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation, a,
        useBias, unitForgetBias, returnSequences, batchNormalization);
  }

  /**
   * A copy with bias settings.
   *
   * @param bias whether the input convolution has a bias
   * @param unitForget whether the forget bias starts at 1
   * @return the copy
   */
  public ConvLstmLayerSpec withBias(boolean bias, boolean unitForget) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, bias, unitForget, returnSequences, batchNormalization);
  }

  /**
   * A copy with another return-sequences setting.
   *
   * @param r whether every step is returned
   * @return the copy
   */
  public ConvLstmLayerSpec withReturnSequences(boolean r) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, r, batchNormalization);
  }

  /**
   * A copy with or without a batch normalization after the layer.
   *
   * @param bn whether batch normalization follows
   * @return the copy
   */
  public ConvLstmLayerSpec withBatchNormalization(boolean bn) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, bn);
  }
}

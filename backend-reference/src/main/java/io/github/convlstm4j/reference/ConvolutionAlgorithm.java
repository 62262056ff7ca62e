package io.github.convlstm4j.reference;

import java.util.Locale;

/**
 * How the reference backend computes its 3×3 convolutions (setting
 * {@code reference.convolution}); other kernel sizes always run direct.
 */
enum ConvolutionAlgorithm {
  /** im2col and one matrix product: the plain sum over taps and channels. */
  DIRECT,
  /** {@link Winograd3x3}: 2.25× fewer multiply-adds, slightly different rounding. */
  WINOGRAD,
  /**
   * {@link Winograd4x4} F(4×4, 3×3) for every 3×3 convolution, in prediction and training
   * (forward, input gradients, weight gradients): 4× fewer multiply-adds than direct, about 20×
   * the rounding of F(2×2).
   */
  WINOGRAD4;

  /** The setting's name. */
  static final String SETTING = "reference.convolution";

  /** The value as written in the setting. */
  String settingValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a setting value ({@code direct}, {@code winograd} or {@code winograd4}). */
  static ConvolutionAlgorithm parse(String value) {
    for (ConvolutionAlgorithm a : values()) {
      if (a.settingValue().equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException(SETTING + " must be direct, winograd or winograd4, got '"
        + value + "'");
  }
}

package io.github.convlstm4j.api;

import java.util.Objects;
import java.util.Properties;

/** Checks and output sizes shared by the strided frame-wise layers. */
final class FrameWindow {
  private FrameWindow() {}

  static void requirePositive(String layer, String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(layer + " " + field + " must be positive, got " + value);
    }
  }

  /**
   * Checks a window: its sizes (named {@code <size>Height}/{@code <size>Width}, e.g. kernel or
   * pool) and strides positive, the padding given.
   */
  static void requireWindow(String kind, String size, int height, int width, int strideHeight,
      int strideWidth, Padding padding) {
    requirePositive(kind, size + "Height", height);
    requirePositive(kind, size + "Width", width);
    requirePositive(kind, "strideHeight", strideHeight);
    requirePositive(kind, "strideWidth", strideWidth);
    Objects.requireNonNull(padding, "padding");
  }

  /** Writes a window's fields under the names {@link #requireWindow} checks. */
  static void writeWindow(Properties p, String prefix, String size, int height,
      int width, int strideHeight, int strideWidth, Padding padding) {
    p.setProperty(prefix + size + "Height", Integer.toString(height));
    p.setProperty(prefix + size + "Width", Integer.toString(width));
    p.setProperty(prefix + "strideHeight", Integer.toString(strideHeight));
    p.setProperty(prefix + "strideWidth", Integer.toString(strideWidth));
    p.setProperty(prefix + "padding", padding.name());
  }

  /** Reads a window's sizes and strides, {@code {height, width, strideHeight, strideWidth}}. */
  static int[] readWindow(Properties p, String prefix, String size) {
    return new int[] {SpecProperties.integer(p, prefix + size + "Height"),
        SpecProperties.integer(p, prefix + size + "Width"),
        SpecProperties.integer(p, prefix + "strideHeight"),
        SpecProperties.integer(p, prefix + "strideWidth")};
  }

  /** The output frame of a strided window, or an error naming the layer and the sizes. */
  static FrameShape output(String kind, LayerSpec.Position at, FrameShape in, int kh, int kw, int sh,
      int sw, Padding padding, int channels) {
    int h = padding.outputSize(in.height(), kh, sh);
    int w = padding.outputSize(in.width(), kw, sw);
    if (h <= 0 || w <= 0) {
      throw new IllegalArgumentException("layer " + at.index() + " (" + kind + ", " + padding
          + ", window " + kh + "x" + kw + ") needs frames of at least " + kh + "x" + kw
          + " there, got " + in.height() + "x" + in.width());
    }
    return new FrameShape(h, w, channels);
  }

}

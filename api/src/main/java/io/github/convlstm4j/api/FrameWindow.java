package io.github.convlstm4j.api;

/** Checks and output sizes shared by the strided frame-wise layers. */
final class FrameWindow {
  private FrameWindow() {}

  static void requirePositive(String layer, String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(layer + " " + field + " must be positive, got " + value);
    }
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

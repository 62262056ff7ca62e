package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Max pooling over each frame on its own: Keras {@code MaxPooling3D} with a time pool and
 * stride of 1, or {@code TimeDistributed(MaxPooling2D)}. Windows {@code poolHeight ×
 * poolWidth} moved by the strides; SAME pads as TensorFlow does ({@link Padding#before(int,
 * int, int)}), and padded cells never win the maximum. No weights; frame-wise
 * ({@link Capability#FRAME_LAYERS}); trainable (the gradient goes to the first maximum of
 * each window, in row-major window order).
 *
 * @param poolHeight window rows
 * @param poolWidth window columns
 * @param strideHeight row stride (Keras' default: the pool size)
 * @param strideWidth column stride
 * @param padding SAME or VALID
 */
public record MaxPoolingSpec(int poolHeight, int poolWidth, int strideHeight, int strideWidth,
    Padding padding) implements LayerSpec {

  /** The kind, {@code max_pooling}. */
  public static final String KIND = "max_pooling";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public MaxPoolingSpec {
    FrameWindow.requireWindow(KIND, "pool", poolHeight, poolWidth, strideHeight, strideWidth,
        padding);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name(Position position) {
    return KIND + "_" + position.sameKindBefore();
  }

  @Override
  public int outputChannels(int inputChannels) {
    return inputChannels;
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    return new SequenceShape(input.frames(), FrameWindow.output(KIND, position, input.frame(),
        poolHeight, poolWidth, strideHeight, strideWidth, padding, input.frame().channels()));
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    return Map.of();
  }

  /**
   * Frame-wise layers of this kind train on every backend that declares both
   * {@link Capability#TRAINING} and {@link Capability#FRAME_LAYERS}.
   *
   * @return true
   */
  @Override
  public boolean trainable() {
    return true;
  }

  @Override
  public Set<Capability> requiredCapabilities() {
    return Set.of(Capability.FRAME_LAYERS);
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    FrameWindow.writeWindow(p, prefix, "pool", poolHeight, poolWidth, strideHeight,
        strideWidth, padding);
  }

  static MaxPoolingSpec readProperties(Properties p, String prefix) {
    int[] w = FrameWindow.readWindow(p, prefix, "pool");
    return new MaxPoolingSpec(w[0], w[1], w[2], w[3],
        SpecProperties.enumeration(p, prefix + "padding", Padding.class));
  }
}

package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code Flatten} of a whole sequence: {@code (T, H, W, C)} becomes one frame of
 * {@code 1 × 1 × (T·H·W·C)} channels, in row-major (time, row, column, channel) order, the
 * order Keras flattens a channels-last tensor in. A model with a flatten layer therefore
 * outputs one frame per sequence (a classifier's vector is a one-frame, 1×1 sequence of C
 * channels) and needs a fixed input shape ({@link ModelSpec.Builder#inputShape}). No weights;
 * frame-wise ({@link Capability#FRAME_LAYERS}); trainable.
 */
public record FlattenSpec() implements LayerSpec {

  /** The kind, {@code flatten}. */
  public static final String KIND = "flatten";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name(Position position) {
    return KIND + "_" + position.sameKindBefore();
  }

  /**
   * Not defined by the channels alone.
   *
   * @throws IllegalStateException always
   */
  @Override
  public int outputChannels(int inputChannels) {
    throw new IllegalStateException("a flatten layer's output channels depend on the whole "
        + "input shape, not only its " + inputChannels + " channels");
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    long n = (long) input.frames() * input.frame().height() * input.frame().width()
        * input.frame().channels();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("layer " + position.index() + " (flatten) must "
          + "output at most " + Integer.MAX_VALUE + " values, got " + n);
    }
    return new SequenceShape(1, new FrameShape(1, 1, (int) n));
  }

  @Override
  public Map<String, java.util.List<Integer>> weightShapes(String name, int inputChannels) {
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
    // no fields
  }
}

package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Softmax over the channels of every position: {@code y_c = exp(x_c - m) / Σ exp(x_j - m)},
 * {@code m} the channels' maximum (Keras' {@code softmax} activation with its default last
 * axis). No weights; frame-wise ({@link Capability#FRAME_LAYERS}); trainable.
 */
public record SoftmaxSpec() implements LayerSpec {

  /** The kind, {@code softmax}. */
  public static final String KIND = "softmax";

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
    return input;
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
    // no fields
  }
}

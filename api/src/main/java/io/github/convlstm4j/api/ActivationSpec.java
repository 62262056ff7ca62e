package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code Activation}: an element-wise function on every value. No weights; frame-wise
 * ({@link Capability#FRAME_LAYERS}); trainable.
 *
 * @param activation the function
 */
public record ActivationSpec(Activation activation) implements LayerSpec {

  /** The kind, {@code activation}. */
  public static final String KIND = "activation";

  /**
   * Validates.
   *
   * @throws NullPointerException if {@code activation} is null
   */
  public ActivationSpec {
    Objects.requireNonNull(activation, "activation");
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
    p.setProperty(prefix + "activation", activation.name());
  }
}

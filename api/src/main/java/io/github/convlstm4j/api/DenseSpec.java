package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code Dense} on the channel axis of every position of every frame (Keras applies a
 * {@code Dense} to the last axis of any input): {@code y = act(x·W + b)}. Weights
 * {@code dense_<k>/kernel [C_in, units]} and {@code dense_<k>/bias [units]}, {@code k} counting
 * the dense layers before it. Frame-wise ({@link Capability#FRAME_LAYERS}); trainable.
 *
 * @param units output channels
 * @param activation element-wise activation (Keras' {@code softmax} is a separate
 *     {@link SoftmaxSpec} after a LINEAR dense layer)
 * @param useBias whether the layer adds a bias
 */
public record DenseSpec(int units, Activation activation, boolean useBias) implements LayerSpec {

  /** The kind, {@code dense}. */
  public static final String KIND = "dense";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public DenseSpec {
    if (units <= 0) {
      throw new IllegalArgumentException("dense units must be positive, got " + units);
    }
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
    return units;
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    return new SequenceShape(input.frames(),
        new FrameShape(input.frame().height(), input.frame().width(), units));
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(name + "/kernel", List.of(inputChannels, units));
    if (useBias) {
      m.put(name + "/bias", List.of(units));
    }
    return m;
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
    p.setProperty(prefix + "units", Integer.toString(units));
    p.setProperty(prefix + "activation", activation.name());
    p.setProperty(prefix + "useBias", Boolean.toString(useBias));
  }

  static DenseSpec readProperties(Properties p, String prefix) {
    return new DenseSpec(SpecProperties.integer(p, prefix + "units"),
        SpecProperties.enumeration(p, prefix + "activation", Activation.class),
        SpecProperties.bool(p, prefix + "useBias"));
  }
}

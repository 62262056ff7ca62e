package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code LayerNormalization} over the channel axis of every position of every frame
 * (Keras {@code axis=-1}): {@code y = (x - mean) / sqrt(var + epsilon) · gamma + beta}, mean
 * and biased variance over the C channels of the position. Weights
 * {@code layer_normalization_<k>/gamma [C]} (if {@code scale}) and {@code .../beta [C]} (if
 * {@code center}), in that order. Inference only ({@link Capability#FRAME_LAYERS}).
 *
 * @param epsilon added to the variance, positive and finite (Keras default 1e-3)
 * @param center whether beta is added
 * @param scale whether gamma multiplies
 */
public record LayerNormSpec(double epsilon, boolean center, boolean scale) implements LayerSpec {

  /** The kind, {@code layer_normalization}. */
  public static final String KIND = "layer_normalization";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public LayerNormSpec {
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("layer normalization epsilon must be positive, got "
          + epsilon);
    }
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
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    if (scale) {
      m.put(name + "/gamma", List.of(inputChannels));
    }
    if (center) {
      m.put(name + "/beta", List.of(inputChannels));
    }
    return m;
  }

  @Override
  public Set<Capability> requiredCapabilities() {
    return Set.of(Capability.FRAME_LAYERS);
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    p.setProperty(prefix + "epsilon", Double.toString(epsilon));
    p.setProperty(prefix + "center", Boolean.toString(center));
    p.setProperty(prefix + "scale", Boolean.toString(scale));
  }

  static LayerNormSpec readProperties(Properties p, String prefix) {
    return new LayerNormSpec(SpecProperties.number(p, prefix + "epsilon"),
        SpecProperties.bool(p, prefix + "center"), SpecProperties.bool(p, prefix + "scale"));
  }
}

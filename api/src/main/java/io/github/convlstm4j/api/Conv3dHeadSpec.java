package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The optional {@code Conv3D} head, the last layer of a model: SAME padding in space,
 * {@link TimePadding} in time, stride 1, with bias. Weights {@code conv3d/kernel
 * [kt, kh, kw, C_in, C_out]} and {@code conv3d/bias [C_out]}.
 *
 * @param filters output channels
 * @param kernelTime kernel size along time
 * @param kernelHeight kernel rows
 * @param kernelWidth kernel columns
 * @param activation output activation (SIGMOID for the seed)
 * @param timePadding SAME (Keras) or CAUSAL
 */
public record Conv3dHeadSpec(
    int filters,
    int kernelTime,
    int kernelHeight,
    int kernelWidth,
    Activation activation,
    TimePadding timePadding) implements LayerSpec {

  /** The kind, {@code conv3d}. */
  public static final String KIND = "conv3d";

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public Conv3dHeadSpec {
    if (filters <= 0) {
      throw new IllegalArgumentException("head filters must be positive, got " + filters);
    }
    if (kernelTime <= 0) {
      throw new IllegalArgumentException("head kernelTime must be positive, got " + kernelTime);
    }
    if (kernelHeight <= 0) {
      throw new IllegalArgumentException(
          "head kernelHeight must be positive, got " + kernelHeight);
    }
    if (kernelWidth <= 0) {
      throw new IllegalArgumentException("head kernelWidth must be positive, got " + kernelWidth);
    }
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(timePadding, "timePadding");
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public boolean trainable() {
    return true;
  }

  @Override
  public int outputChannels(int inputChannels) {
    return filters;
  }

  @Override
  public String name(Position position) {
    return KIND;
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    return new SequenceShape(input.frames(), new FrameShape(input.frame().height(),
        input.frame().width(), filters));
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(name + "/kernel", List.of(kernelTime, kernelHeight, kernelWidth, inputChannels,
        filters));
    m.put(name + "/bias", List.of(filters));
    return m;
  }

  @Override
  public Set<Capability> requiredCapabilities() {
    return kernelHeight % 2 == 0 || kernelWidth % 2 == 0 || kernelTime % 2 == 0
        ? Set.of(Capability.CONV3D_HEAD, Capability.EVEN_KERNELS)
        : Set.of(Capability.CONV3D_HEAD);
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    p.setProperty(prefix + "filters", Integer.toString(filters));
    p.setProperty(prefix + "kernelTime", Integer.toString(kernelTime));
    p.setProperty(prefix + "kernelHeight", Integer.toString(kernelHeight));
    p.setProperty(prefix + "kernelWidth", Integer.toString(kernelWidth));
    p.setProperty(prefix + "activation", activation.name());
    p.setProperty(prefix + "timePadding", timePadding.name());
  }

  static Conv3dHeadSpec readProperties(Properties p, String prefix) {
    return new Conv3dHeadSpec(
        SpecProperties.integer(p, prefix + "filters"),
        SpecProperties.integer(p, prefix + "kernelTime"),
        SpecProperties.integer(p, prefix + "kernelHeight"),
        SpecProperties.integer(p, prefix + "kernelWidth"),
        SpecProperties.enumeration(p, prefix + "activation", Activation.class),
        SpecProperties.enumeration(p, prefix + "timePadding", TimePadding.class));
  }
}

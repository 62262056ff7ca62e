package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code Conv2D} applied to every frame on its own (Keras {@code TimeDistributed(Conv2D)},
 * or a {@code Conv2D} on the one frame a last-step-only ConvLSTM layer leaves): a strided 2-D
 * cross-correlation, dilation 1, {@link Padding} with TensorFlow's split for strides
 * ({@link Padding#before(int, int, int)}), then {@code act(· + bias)}. Weights
 * {@code conv2d_<k>/kernel [kh, kw, C_in, filters]} and {@code conv2d_<k>/bias [filters]}.
 * Frame-wise ({@link Capability#FRAME_LAYERS}); trainable.
 *
 * @param filters output channels
 * @param kernelHeight kernel rows
 * @param kernelWidth kernel columns
 * @param strideHeight row stride
 * @param strideWidth column stride
 * @param padding SAME or VALID
 * @param activation element-wise activation
 * @param useBias whether a bias is added
 */
public record Conv2dSpec(int filters, int kernelHeight, int kernelWidth, int strideHeight,
    int strideWidth, Padding padding, Activation activation, boolean useBias)
    implements LayerSpec {

  /** The kind, {@code conv2d}. */
  public static final String KIND = "conv2d";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public Conv2dSpec {
    FrameWindow.requirePositive(KIND, "filters", filters);
    FrameWindow.requireWindow(KIND, "kernel", kernelHeight, kernelWidth, strideHeight,
        strideWidth, padding);
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
    return filters;
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    return new SequenceShape(input.frames(), FrameWindow.output(KIND, position, input.frame(),
        kernelHeight, kernelWidth, strideHeight, strideWidth, padding, filters));
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(name + "/kernel", List.of(kernelHeight, kernelWidth, inputChannels, filters));
    if (useBias) {
      m.put(name + "/bias", List.of(filters));
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
    p.setProperty(prefix + "filters", Integer.toString(filters));
    FrameWindow.writeWindow(p, prefix, "kernel", kernelHeight, kernelWidth, strideHeight,
        strideWidth, padding);
    p.setProperty(prefix + "activation", activation.name());
    p.setProperty(prefix + "useBias", Boolean.toString(useBias));
  }

  static Conv2dSpec readProperties(Properties p, String prefix) {
    int[] w = FrameWindow.readWindow(p, prefix, "kernel");
    return new Conv2dSpec(SpecProperties.integer(p, prefix + "filters"), w[0], w[1], w[2], w[3],
        SpecProperties.enumeration(p, prefix + "padding", Padding.class),
        SpecProperties.enumeration(p, prefix + "activation", Activation.class),
        SpecProperties.bool(p, prefix + "useBias"));
  }
}

package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code Conv2DTranspose} applied to every frame on its own (Keras
 * {@code TimeDistributed(Conv2DTranspose)}): the adjoint of a strided {@link Conv2dSpec} (what
 * TensorFlow's {@code conv2d_transpose} computes, no output padding, dilation 1). Each input
 * position {@code i} adds {@code x[i]·W[k]} to output position {@code i·s + k - before}, with
 * output size {@code n·s} for SAME ({@code before = max(k - s, 0) / 2}) and
 * {@code n·s + max(k - s, 0)} for VALID ({@code before = 0}), Keras' {@code deconv_output_length};
 * then {@code act(· + bias)}. Weights {@code conv2d_transpose_<k>/kernel [kh, kw, filters,
 * C_in]} (Keras' layout: output channels before input channels) and {@code .../bias [filters]}.
 * Inference only ({@link Capability#FRAME_LAYERS}).
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
public record Conv2dTransposeSpec(int filters, int kernelHeight, int kernelWidth, int strideHeight,
    int strideWidth, Padding padding, Activation activation, boolean useBias)
    implements LayerSpec {

  /** The kind, {@code conv2d_transpose}. */
  public static final String KIND = "conv2d_transpose";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public Conv2dTransposeSpec {
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
    FrameShape in = input.frame();
    long h = outputSize(in.height(), kernelHeight, strideHeight);
    long w = outputSize(in.width(), kernelWidth, strideWidth);
    if (h * w > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("layer " + position.index() + " (" + KIND
          + ") must output at most " + Integer.MAX_VALUE + " positions per frame, got " + h * w);
    }
    return new SequenceShape(input.frames(), new FrameShape((int) h, (int) w, filters));
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(name + "/kernel", List.of(kernelHeight, kernelWidth, filters, inputChannels));
    if (useBias) {
      m.put(name + "/bias", List.of(filters));
    }
    return m;
  }

  /**
   * Output size along one axis (Keras {@code deconv_output_length} without output padding).
   *
   * @param input input size n
   * @param kernel kernel size k
   * @param stride stride s
   * @return {@code n·s} for SAME, {@code n·s + max(k - s, 0)} for VALID
   */
  public long outputSize(int input, int kernel, int stride) {
    long base = (long) input * stride;
    return padding == Padding.SAME ? base : base + Math.max(kernel - stride, 0);
  }

  /**
   * Output cells cut before the first position along one axis: {@code max(k - s, 0) / 2} for
   * SAME (TensorFlow's split of the forward convolution's padding), 0 for VALID.
   *
   * @param kernel kernel size k
   * @param stride stride s
   * @return the offset {@code before}
   */
  public int before(int kernel, int stride) {
    return padding == Padding.SAME ? Math.max(kernel - stride, 0) / 2 : 0;
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

  static Conv2dTransposeSpec readProperties(Properties p, String prefix) {
    int[] w = FrameWindow.readWindow(p, prefix, "kernel");
    return new Conv2dTransposeSpec(SpecProperties.integer(p, prefix + "filters"), w[0], w[1], w[2], w[3],
        SpecProperties.enumeration(p, prefix + "padding", Padding.class),
        SpecProperties.enumeration(p, prefix + "activation", Activation.class),
        SpecProperties.bool(p, prefix + "useBias"));
  }
}

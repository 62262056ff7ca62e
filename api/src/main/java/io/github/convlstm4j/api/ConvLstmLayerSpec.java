package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * One {@code ConvLSTM2D} layer (Keras semantics), optionally with the paper's peepholes and a
 * state-to-state kernel of its own size. Stride and dilation are 1. The recurrent convolution is
 * always SAME; {@link #padding} applies to the input convolution only.
 *
 * <p><b>Peepholes</b> (Shi et al. 2015, eq. 3, "Convolutional LSTM Network", §3.1): with
 * {@link #peephole()} the cell state feeds the gates through Hadamard products,
 * {@code i = σ(W_xi*X + W_hi*H_{t-1} + W_ci∘C_{t-1} + b_i)},
 * {@code f = σ(W_xf*X + W_hf*H_{t-1} + W_cf∘C_{t-1} + b_f)},
 * {@code C_t = f∘C_{t-1} + i∘tanh(W_xc*X + W_hc*H_{t-1} + b_c)},
 * {@code o = σ(W_xo*X + W_ho*H_{t-1} + W_co∘C_t + b_o)} (the output gate sees the <em>new</em>
 * cell state), {@code H_t = o∘tanh(C_t)}. The paper does not give the shape of
 * {@code W_c·}; we take one weight per channel, shape {@code [F]} each, shared over the
 * positions (as TensorFlow's {@code PeepholeLSTMCell} and Keras' LSTM diagonal peepholes): this
 * is the shape that reproduces the parameter counts of the paper's Table 1 (its 13,524,496 for
 * ConvLSTM(5×5)-5×5-256 contain exactly {@code 6·256} peephole weights: 3 per channel in the
 * encoder layer and 3 in the forecaster layer). A per-position {@code [H, W, F]} shape would add
 * {@code 3·16·16·256} per layer and miss Table 1. Weight names:
 * {@code conv_lstm2d_<i>/peephole_i}, {@code .../peephole_f}, {@code .../peephole_o}, after the
 * bias; initialized to zeros (the layer starts as a plain ConvLSTM). Keras has no peepholes, so
 * a model with them cannot be exported to Keras.
 *
 * <p><b>State-to-state kernel</b>: {@link #recurrentKernelHeight()} ×
 * {@link #recurrentKernelWidth()} (default: the input kernel's size), Table 1's notation
 * "ConvLSTM(9×9)-1×1-128" being input-to-state 9×9, state-to-state 1×1, 128 filters.
 *
 * @param filters F, the number of hidden channels; the gate convolutions have {@code 4F}
 * @param kernelHeight kernel rows, odd or even
 * @param kernelWidth kernel columns, odd or even
 * @param padding input convolution padding
 * @param activation cell and output activation (Keras {@code activation}, default TANH)
 * @param recurrentActivation gate activation, SIGMOID, HARD_SIGMOID or HARD_SIGMOID_KERAS3
 * @param useBias whether the input convolution has a bias
 * @param unitForgetBias whether the forget slice of the bias is <em>set</em> to 1 at
 *     initialization (needs {@code useBias})
 * @param returnSequences whether the layer outputs every step or only the last
 * @param recurrentKernelHeight state-to-state kernel rows, odd or even
 * @param recurrentKernelWidth state-to-state kernel columns, odd or even
 * @param peephole whether the cell state feeds the gates (the paper's {@code W_c·∘C} terms)
 * @param dropout Keras {@code dropout}: the fraction of the input-to-state path dropped while
 *     training, in [0, 1); 0 by default. Keras 3 semantics ({@code keras/src/layers/rnn/
 *     conv_lstm.py}, {@code ConvLSTMCell}: {@code dropout_mask_count = 4} and
 *     {@code inputs_i = inputs * dp_mask[0]} … {@code inputs_o = inputs * dp_mask[3]};
 *     {@code dropout_rnn_cell.py}, {@code DropoutRNNCell._create_dropout_mask}: one
 *     {@code backend.random.dropout(ones_like(step_input))} per gate, cached for every step of
 *     a batch and reset per call), the same as Keras 2's {@code ConvLSTM2DCell}
 *     ({@code get_dropout_mask_for_cell(inputs, training, count=4)}): each gate i, f, c, o has
 *     its own mask of the step input's shape {@code [N, H, W, C_in]} (per sample, position and
 *     channel), values 0 or {@code 1/(1 - dropout)}, drawn once per batch and fixed over the
 *     time steps; identity at inference. {@code fit} applies the masks of
 *     {@link io.github.convlstm4j.spi.DropoutMasks}, the same on every backend
 * @param recurrentDropout Keras {@code recurrent_dropout}: the same for the state-to-state
 *     path, masks of {@code H_{t-1}}'s shape {@code [N, H', W', F]}, one per gate; 0 by
 *     default
 */
public record ConvLstmLayerSpec(
    int filters,
    int kernelHeight,
    int kernelWidth,
    Padding padding,
    Activation activation,
    Activation recurrentActivation,
    boolean useBias,
    boolean unitForgetBias,
    boolean returnSequences,
    int recurrentKernelHeight,
    int recurrentKernelWidth,
    boolean peephole,
    double dropout,
    double recurrentDropout) implements LayerSpec {

  /** The kind, {@code conv_lstm2d}. */
  public static final String KIND = "conv_lstm2d";

  /** The gates with peepholes, in weight order: {@code i}, {@code f}, {@code o}. */
  public static final List<String> PEEPHOLE_GATES = List.of("i", "f", "o");

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public ConvLstmLayerSpec {
    if (filters <= 0) {
      throw new IllegalArgumentException("filters must be positive, got " + filters);
    }
    if (kernelHeight <= 0) {
      throw new IllegalArgumentException("kernelHeight must be positive, got " + kernelHeight);
    }
    if (kernelWidth <= 0) {
      throw new IllegalArgumentException("kernelWidth must be positive, got " + kernelWidth);
    }
    if (recurrentKernelHeight <= 0) {
      throw new IllegalArgumentException(
          "recurrentKernelHeight must be positive, got " + recurrentKernelHeight);
    }
    if (recurrentKernelWidth <= 0) {
      throw new IllegalArgumentException(
          "recurrentKernelWidth must be positive, got " + recurrentKernelWidth);
    }
    Objects.requireNonNull(padding, "padding");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(recurrentActivation, "recurrentActivation");
    if (activation != Activation.TANH
        && activation != Activation.RELU
        && activation != Activation.LINEAR) {
      throw new IllegalArgumentException(
          "activation must be TANH, RELU or LINEAR, got " + activation);
    }
    if (!recurrentActivation.isSigmoid()) {
      throw new IllegalArgumentException("recurrentActivation must be SIGMOID, HARD_SIGMOID or "
          + "HARD_SIGMOID_KERAS3, got " + recurrentActivation);
    }
    if (unitForgetBias && !useBias) {
      throw new IllegalArgumentException("unitForgetBias needs useBias=true, got useBias=false");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(recurrentDropout >= 0 && recurrentDropout < 1)) {
      throw new IllegalArgumentException(
          "recurrentDropout must be in [0, 1), got " + recurrentDropout);
    }
  }

  /**
   * A layer without dropout (both rates 0): the paper's cell fields.
   *
   * @param filters F
   * @param kernelHeight input kernel rows
   * @param kernelWidth input kernel columns
   * @param padding input convolution padding
   * @param activation cell and output activation
   * @param recurrentActivation gate activation
   * @param useBias whether the input convolution has a bias
   * @param unitForgetBias whether the forget bias starts at 1
   * @param returnSequences whether every step is returned
   * @param recurrentKernelHeight state-to-state kernel rows
   * @param recurrentKernelWidth state-to-state kernel columns
   * @param peephole whether the cell state feeds the gates
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ConvLstmLayerSpec(int filters, int kernelHeight, int kernelWidth, Padding padding,
      Activation activation, Activation recurrentActivation, boolean useBias,
      boolean unitForgetBias, boolean returnSequences, int recurrentKernelHeight,
      int recurrentKernelWidth, boolean peephole) {
    this(filters, kernelHeight, kernelWidth, padding, activation, recurrentActivation, useBias,
        unitForgetBias, returnSequences, recurrentKernelHeight, recurrentKernelWidth, peephole,
        0, 0);
  }

  /**
   * A copy with other dropout rates.
   *
   * @param input {@link #dropout}, in [0, 1)
   * @param recurrent {@link #recurrentDropout}, in [0, 1)
   * @return the copy
   */
  public ConvLstmLayerSpec withDropout(double input, double recurrent) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, recurrentKernelHeight,
        recurrentKernelWidth, peephole, input, recurrent);
  }

  /**
   * Whether a rate is non-zero (training then needs masks).
   *
   * @return true if {@code dropout} or {@code recurrentDropout} is above 0
   */
  public boolean hasDropout() {
    return dropout > 0 || recurrentDropout > 0;
  }

  /**
   * A layer without peepholes whose state-to-state kernel has the input kernel's size (the
   * fields of Keras' {@code ConvLSTM2D}; the constructor of earlier versions).
   *
   * @param filters F
   * @param kernelHeight kernel rows of both convolutions
   * @param kernelWidth kernel columns of both convolutions
   * @param padding input convolution padding
   * @param activation cell and output activation
   * @param recurrentActivation gate activation
   * @param useBias whether the input convolution has a bias
   * @param unitForgetBias whether the forget bias starts at 1
   * @param returnSequences whether every step is returned
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ConvLstmLayerSpec(int filters, int kernelHeight, int kernelWidth, Padding padding,
      Activation activation, Activation recurrentActivation, boolean useBias,
      boolean unitForgetBias, boolean returnSequences) {
    this(filters, kernelHeight, kernelWidth, padding, activation, recurrentActivation, useBias,
        unitForgetBias, returnSequences, kernelHeight, kernelWidth, false);
  }

  /**
   * A layer with Keras 3 defaults: 3×3 kernel, SAME, tanh, sigmoid gates, bias, unit forget
   * bias, return sequences.
   *
   * @param filters F
   * @return the layer
   */
  public static ConvLstmLayerSpec of(int filters) {
    return new ConvLstmLayerSpec(
        filters, 3, 3, Padding.SAME, Activation.TANH, Activation.SIGMOID, true, true, true);
  }

  /**
   * A copy with another kernel size.
   *
   * @param height kernel rows
   * @param width kernel columns
   * @return the copy
   */
  public ConvLstmLayerSpec withKernel(int height, int width) {
    boolean same = recurrentKernelHeight == kernelHeight && recurrentKernelWidth == kernelWidth;
    return new ConvLstmLayerSpec(filters, height, width, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences,
        same ? height : recurrentKernelHeight, same ? width : recurrentKernelWidth, peephole,
        dropout, recurrentDropout);
  }

  /**
   * A copy with another state-to-state (recurrent) kernel size; the input kernel keeps its
   * size. Call after {@link #withKernel}, which moves a recurrent kernel of the input kernel's
   * size along with it.
   *
   * @param height recurrent kernel rows
   * @param width recurrent kernel columns
   * @return the copy
   */
  public ConvLstmLayerSpec withRecurrentKernel(int height, int width) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, height, width, peephole,
        dropout, recurrentDropout);
  }

  /**
   * A copy with or without the paper's peepholes.
   *
   * @param p whether the cell state feeds the gates
   * @return the copy
   */
  public ConvLstmLayerSpec withPeephole(boolean p) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences, recurrentKernelHeight,
        recurrentKernelWidth, p, dropout, recurrentDropout);
  }

  /**
   * A copy with another input padding.
   *
   * @param p padding
   * @return the copy
   */
  public ConvLstmLayerSpec withPadding(Padding p) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, p, activation,
        recurrentActivation, useBias, unitForgetBias, returnSequences,
        recurrentKernelHeight, recurrentKernelWidth, peephole, dropout, recurrentDropout);
  }

  /**
   * A copy with another cell activation.
   *
   * @param a activation
   * @return the copy
   */
  public ConvLstmLayerSpec withActivation(Activation a) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, a,
        recurrentActivation, useBias, unitForgetBias, returnSequences,
        recurrentKernelHeight, recurrentKernelWidth, peephole, dropout, recurrentDropout);
  }

  /**
   * A copy with another gate activation.
   *
   * @param a SIGMOID or HARD_SIGMOID
   * @return the copy
   */
  public ConvLstmLayerSpec withRecurrentActivation(Activation a) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation, a,
        useBias, unitForgetBias, returnSequences,
        recurrentKernelHeight, recurrentKernelWidth, peephole, dropout, recurrentDropout);
  }

  /**
   * A copy with bias settings.
   *
   * @param bias whether the input convolution has a bias
   * @param unitForget whether the forget bias starts at 1
   * @return the copy
   */
  public ConvLstmLayerSpec withBias(boolean bias, boolean unitForget) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, bias, unitForget, returnSequences,
        recurrentKernelHeight, recurrentKernelWidth, peephole, dropout, recurrentDropout);
  }

  /**
   * A copy with another return-sequences setting.
   *
   * @param r whether every step is returned
   * @return the copy
   */
  public ConvLstmLayerSpec withReturnSequences(boolean r) {
    return new ConvLstmLayerSpec(filters, kernelHeight, kernelWidth, padding, activation,
        recurrentActivation, useBias, unitForgetBias, r,
        recurrentKernelHeight, recurrentKernelWidth, peephole, dropout, recurrentDropout);
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
    return KIND + "_" + position.convLstmLayersBefore();
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    int h = input.frame().height();
    int w = input.frame().width();
    int nh = padding.outputSize(h, kernelHeight);
    int nw = padding.outputSize(w, kernelWidth);
    if (nh <= 0 || nw <= 0) {
      throw new IllegalArgumentException("layer " + position.index() + " (conv_lstm2d, " + padding
          + ", kernel " + kernelHeight + "x" + kernelWidth + ") needs frames of at least "
          + kernelHeight + "x" + kernelWidth + " there, got " + h + "x" + w);
    }
    return new SequenceShape(returnSequences ? input.frames() : 1,
        new FrameShape(nh, nw, filters));
  }

  /**
   * {@code <name>/kernel [kh, kw, C_in, 4F]}, {@code <name>/recurrent_kernel [rkh, rkw, F, 4F]},
   * with a bias {@code <name>/bias [4F]}, and with peepholes {@code <name>/peephole_i},
   * {@code <name>/peephole_f}, {@code <name>/peephole_o}, each {@code [F]}; gate order inside 4F
   * is Keras' i, f, c, o.
   */
  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(name + "/kernel", List.of(kernelHeight, kernelWidth, inputChannels, 4 * filters));
    m.put(name + "/recurrent_kernel",
        List.of(recurrentKernelHeight, recurrentKernelWidth, filters, 4 * filters));
    if (useBias) {
      m.put(name + "/bias", List.of(4 * filters));
    }
    if (peephole) {
      for (String g : PEEPHOLE_GATES) {
        m.put(name + "/peephole_" + g, List.of(filters));
      }
    }
    return m;
  }

  @Override
  public Set<Capability> requiredCapabilities() {
    Set<Capability> s = EnumSet.noneOf(Capability.class);
    if (recurrentActivation == Activation.HARD_SIGMOID
        || recurrentActivation == Activation.HARD_SIGMOID_KERAS3) {
      s.add(Capability.HARD_SIGMOID);
    }
    if (kernelHeight % 2 == 0 || kernelWidth % 2 == 0
        || recurrentKernelHeight % 2 == 0 || recurrentKernelWidth % 2 == 0) {
      s.add(Capability.EVEN_KERNELS);
    }
    if (padding == Padding.VALID) {
      s.add(Capability.VALID_PADDING);
    }
    if (!returnSequences) {
      s.add(Capability.LAST_STEP_ONLY);
    }
    if (peephole) {
      s.add(Capability.PEEPHOLES);
    }
    if (recurrentKernelHeight != kernelHeight || recurrentKernelWidth != kernelWidth) {
      s.add(Capability.RECURRENT_KERNEL_SIZE);
    }
    return s;
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    p.setProperty(prefix + "filters", Integer.toString(filters));
    p.setProperty(prefix + "kernelHeight", Integer.toString(kernelHeight));
    p.setProperty(prefix + "kernelWidth", Integer.toString(kernelWidth));
    p.setProperty(prefix + "padding", padding.name());
    p.setProperty(prefix + "activation", activation.name());
    p.setProperty(prefix + "recurrentActivation", recurrentActivation.name());
    p.setProperty(prefix + "useBias", Boolean.toString(useBias));
    p.setProperty(prefix + "unitForgetBias", Boolean.toString(unitForgetBias));
    p.setProperty(prefix + "returnSequences", Boolean.toString(returnSequences));
    // Written only when they differ from the defaults, so specs without them read and write
    // exactly as before.
    if (recurrentKernelHeight != kernelHeight || recurrentKernelWidth != kernelWidth) {
      p.setProperty(prefix + "recurrentKernelHeight", Integer.toString(recurrentKernelHeight));
      p.setProperty(prefix + "recurrentKernelWidth", Integer.toString(recurrentKernelWidth));
    }
    if (peephole) {
      p.setProperty(prefix + "peephole", "true");
    }
    if (hasDropout()) { // absent keys read as 0: specs without dropout stay as they were
      p.setProperty(prefix + "dropout", Double.toString(dropout));
      p.setProperty(prefix + "recurrentDropout", Double.toString(recurrentDropout));
    }
  }

  static ConvLstmLayerSpec readProperties(Properties p, String prefix) {
    int kh = SpecProperties.integer(p, prefix + "kernelHeight");
    int kw = SpecProperties.integer(p, prefix + "kernelWidth");
    boolean ownRecurrent = p.getProperty(prefix + "recurrentKernelHeight") != null;
    return new ConvLstmLayerSpec(
        SpecProperties.integer(p, prefix + "filters"), kh, kw,
        SpecProperties.enumeration(p, prefix + "padding", Padding.class),
        SpecProperties.enumeration(p, prefix + "activation", Activation.class),
        SpecProperties.enumeration(p, prefix + "recurrentActivation", Activation.class),
        SpecProperties.bool(p, prefix + "useBias"),
        SpecProperties.bool(p, prefix + "unitForgetBias"),
        SpecProperties.bool(p, prefix + "returnSequences"),
        ownRecurrent ? SpecProperties.integer(p, prefix + "recurrentKernelHeight") : kh,
        ownRecurrent ? SpecProperties.integer(p, prefix + "recurrentKernelWidth") : kw,
        p.getProperty(prefix + "peephole") != null
            && SpecProperties.bool(p, prefix + "peephole"),
        p.getProperty(prefix + "dropout") == null ? 0
            : SpecProperties.number(p, prefix + "dropout"),
        p.getProperty(prefix + "recurrentDropout") == null ? 0
            : SpecProperties.number(p, prefix + "recurrentDropout"));
  }
}

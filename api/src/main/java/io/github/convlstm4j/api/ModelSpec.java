package io.github.convlstm4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The architecture of a ConvLSTM model: an ordered list of {@link LayerSpec}s, one record per
 * layer kind, and the seed of the weight initializers.
 *
 * <p>The layers a model may stack today: one or more {@link ConvLstmLayerSpec}s, each
 * optionally followed by one {@link BatchNormSpec}, then optionally one {@link Conv3dHeadSpec}
 * as the last layer. A ConvLSTM layer that feeds another layer must return sequences.
 *
 * <p>Immutable; build with {@link #builder(int)}. Weight names and layouts are Keras' (see
 * {@link #weightShapes()}).
 */
public final class ModelSpec {

  /** The format marker written by {@link #toProperties()}. */
  static final String FORMAT = "convlstm4j-spec-2";
  /** The format of specs written before layers were data (still read). */
  static final String FORMAT_1 = "convlstm4j-spec-1";

  private final int inputChannels;
  private final List<LayerSpec> layers;
  private final List<ConvLstmLayerSpec> convLstmLayers;
  private final List<BatchNormSpec> batchNormAfter;
  private final Conv3dHeadSpec head;
  private final long seed;

  private ModelSpec(int inputChannels, List<LayerSpec> layers, long seed) {
    this.inputChannels = inputChannels;
    this.layers = List.copyOf(layers);
    this.seed = seed;
    List<ConvLstmLayerSpec> conv = new ArrayList<>();
    List<BatchNormSpec> bn = new ArrayList<>();
    Conv3dHeadSpec h = null;
    for (int i = 0; i < this.layers.size(); i++) {
      LayerSpec l = this.layers.get(i);
      if (l instanceof ConvLstmLayerSpec) {
        if (h != null) {
          throw new IllegalArgumentException("the Conv3D head must be the last layer, got "
              + l.kind() + " at layer " + i + " after it");
        }
        conv.add((ConvLstmLayerSpec) l);
        bn.add(null);
      } else if (l instanceof BatchNormSpec) {
        if (i == 0 || !(this.layers.get(i - 1) instanceof ConvLstmLayerSpec)) {
          throw new IllegalArgumentException("layer " + i + " (batch_normalization) must follow "
              + "a conv_lstm2d layer, got " + (i == 0 ? "none" : this.layers.get(i - 1).kind()));
        }
        bn.set(bn.size() - 1, (BatchNormSpec) l);
      } else {
        if (h != null) {
          throw new IllegalArgumentException("a model has at most 1 Conv3D head, got a second "
              + "at layer " + i);
        }
        h = (Conv3dHeadSpec) l;
      }
    }
    if (conv.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least 1 conv_lstm2d layer, got 0");
    }
    int lastConv = -1;
    for (int i = 0; i < this.layers.size(); i++) {
      if (this.layers.get(i) instanceof ConvLstmLayerSpec) {
        lastConv = i;
      }
    }
    for (int i = 0; i < this.layers.size(); i++) {
      if (this.layers.get(i) instanceof ConvLstmLayerSpec) {
        ConvLstmLayerSpec l = (ConvLstmLayerSpec) this.layers.get(i);
        if (i < lastConv && !l.returnSequences()) {
          throw new IllegalArgumentException("layer " + i + " (conv_lstm2d) feeds layer "
              + (i + 1) + " so returnSequences must be true, got false");
        }
      }
    }
    this.convLstmLayers = List.copyOf(conv);
    this.batchNormAfter = Collections.unmodifiableList(bn);
    this.head = h;
  }

  /**
   * Starts a builder.
   *
   * @param inputChannels channels of the input frames, at least 1
   * @return a builder with no layers and seed 0
   * @throws IllegalArgumentException if {@code inputChannels} is not positive
   */
  public static Builder builder(int inputChannels) {
    return new Builder(inputChannels);
  }

  /**
   * Channels of the input frames.
   *
   * @return C_in
   */
  public int inputChannels() {
    return inputChannels;
  }

  /**
   * Every layer, in order.
   *
   * @return an unmodifiable list, never empty
   */
  public List<LayerSpec> layers() {
    return layers;
  }

  /**
   * The ConvLSTM layers, in order; "ConvLSTM layer i" elsewhere indexes this list.
   *
   * @return an unmodifiable list, never empty
   */
  public List<ConvLstmLayerSpec> convLstmLayers() {
    return convLstmLayers;
  }

  /**
   * The batch normalization that follows ConvLSTM layer {@code i}, if any.
   *
   * @param i index into {@link #convLstmLayers()}
   * @return the batch normalization
   */
  public Optional<BatchNormSpec> batchNormAfter(int i) {
    Objects.checkIndex(i, convLstmLayers.size());
    return Optional.ofNullable(batchNormAfter.get(i));
  }

  /**
   * The Conv3D head, if any.
   *
   * @return the head
   */
  public Optional<Conv3dHeadSpec> head() {
    return Optional.ofNullable(head);
  }

  /**
   * Seed of the weight initializers.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * A copy with another seed.
   *
   * @param newSeed the seed
   * @return the copy
   */
  public ModelSpec withSeed(long newSeed) {
    return new ModelSpec(inputChannels, layers, newSeed);
  }

  /**
   * A builder holding this spec's layers and seed.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(inputChannels);
    layers.forEach(b::addLayer);
    return b.seed(seed);
  }

  /**
   * Whether the network returns one output frame per input frame.
   *
   * @return true if the last ConvLSTM layer returns sequences
   */
  public boolean returnsSequences() {
    return convLstmLayers.get(convLstmLayers.size() - 1).returnSequences();
  }

  /**
   * Channels of the network's output.
   *
   * @return head filters, or the last ConvLSTM layer's filters without a head
   */
  public int outputChannels() {
    return head != null ? head.filters() : convLstmLayers.get(convLstmLayers.size() - 1)
        .filters();
  }

  /**
   * The shape of the network output for an input, layer by layer.
   *
   * @param input input frames and frame shape
   * @return the output shape
   * @throws IllegalArgumentException if the channels differ from {@link #inputChannels()} or a
   *     layer cannot take what reaches it (a VALID layer shrinking the frame to nothing)
   */
  public SequenceShape outputShape(SequenceShape input) {
    Objects.requireNonNull(input, "input");
    if (input.frame().channels() != inputChannels) {
      throw new IllegalArgumentException(
          "input channels must be " + inputChannels + ", got " + input.frame().channels());
    }
    SequenceShape s = input;
    int convBefore = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      try {
        s = l.outputShape(s, new LayerSpec.Position(i, convBefore));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (input " + input.frame() + ")", e);
      }
      if (l instanceof ConvLstmLayerSpec) {
        convBefore++;
      }
    }
    return s;
  }

  /**
   * Shape of each output frame for an input frame shape.
   *
   * @param input input frame shape
   * @return the output frame shape
   * @throws IllegalArgumentException as {@link #outputShape}
   */
  public FrameShape outputFrameShape(FrameShape input) {
    return outputShape(new SequenceShape(1, input)).frame();
  }

  /**
   * Number of output frames for an input of {@code frames} frames.
   *
   * @param frames input frames
   * @return {@code frames} if the last ConvLSTM layer returns sequences, else 1
   */
  public int outputFrames(int frames) {
    return returnsSequences() ? frames : 1;
  }

  /**
   * Names and shapes of all weights, in Keras {@code model.get_weights()} order and layouts,
   * layer by layer as each {@link LayerSpec} names them: per ConvLSTM layer i
   * {@code conv_lstm2d_i/kernel [kh, kw, C_in, 4F]},
   * {@code conv_lstm2d_i/recurrent_kernel [kh, kw, F, 4F]}, {@code conv_lstm2d_i/bias [4F]}
   * (if used), then {@code batch_normalization_i/gamma, beta, moving_mean, moving_variance [F]}
   * (if it follows); then {@code conv3d/kernel [kt, kh, kw, C_in, C_out]} and
   * {@code conv3d/bias}. Gate order inside 4F is Keras' i, f, c, o.
   *
   * @return an ordered, unmodifiable map from name to shape
   */
  public Map<String, List<Integer>> weightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    int channels = inputChannels;
    int convBefore = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      LayerSpec.Position at = new LayerSpec.Position(i, convBefore);
      m.putAll(l.weightShapes(l.name(at), channels));
      if (l instanceof ConvLstmLayerSpec) {
        channels = ((ConvLstmLayerSpec) l).filters();
        convBefore++;
      } else if (l instanceof Conv3dHeadSpec) {
        channels = ((Conv3dHeadSpec) l).filters();
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The weights an optimizer updates: {@link #weightShapes()} without batch normalization's
   * moving statistics.
   *
   * @return an ordered, unmodifiable map from name to shape
   */
  public Map<String, List<Integer>> trainableWeightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>(weightShapes());
    m.keySet().removeIf(BatchNormSpec::isMovingStatistic);
    return Collections.unmodifiableMap(m);
  }

  /** Name of the head's kernel. */
  public static final String HEAD_KERNEL = "conv3d/kernel";
  /** Name of the head's bias. */
  public static final String HEAD_BIAS = "conv3d/bias";

  /**
   * Name of ConvLSTM layer i's input kernel.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/kernel}
   */
  public static String kernelName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/kernel";
  }

  /**
   * Name of ConvLSTM layer i's recurrent kernel.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/recurrent_kernel}
   */
  public static String recurrentKernelName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/recurrent_kernel";
  }

  /**
   * Name of ConvLSTM layer i's bias.
   *
   * @param layer 0-based ConvLSTM layer index
   * @return {@code conv_lstm2d_<layer>/bias}
   */
  public static String biasName(int layer) {
    return ConvLstmLayerSpec.KIND + "_" + layer + "/bias";
  }

  /**
   * Name of a tensor of the batch normalization after ConvLSTM layer i.
   *
   * @param layer 0-based ConvLSTM layer index
   * @param part {@code gamma}, {@code beta}, {@code moving_mean} or {@code moving_variance}
   * @return {@code batch_normalization_<layer>/<part>}
   */
  public static String batchNormName(int layer, String part) {
    if (!BatchNormSpec.PARTS.contains(part)) {
      throw new IllegalArgumentException(
          "part must be one of " + BatchNormSpec.PARTS + ", got " + part);
    }
    return BatchNormSpec.KIND + "_" + layer + "/" + part;
  }

  /**
   * Total number of weights, trainable and not (Keras' "Total params").
   *
   * @return the count
   */
  public long parameterCount() {
    long n = 0;
    for (List<Integer> s : weightShapes().values()) {
      long p = 1;
      for (int d : s) {
        p *= d;
      }
      n += p;
    }
    return n;
  }

  /**
   * The spec as flat text properties (stored in checkpoints): {@code format}
   * ({@value #FORMAT}), {@code inputChannels}, {@code seed}, {@code layers} (the count), and
   * per layer i {@code layer.<i>.kind} plus the fields the layer writes under
   * {@code layer.<i>.}. {@link #fromProperties} reads it back, and also the format of earlier
   * versions ({@value #FORMAT_1}).
   *
   * @return properties describing every field
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("inputChannels", Integer.toString(inputChannels));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("layers", Integer.toString(layers.size()));
    for (int i = 0; i < layers.size(); i++) {
      String k = "layer." + i + ".";
      p.setProperty(k + "kind", layers.get(i).kind());
      layers.get(i).writeProperties(p, k);
    }
    return p;
  }

  /**
   * Reads a spec written by {@link #toProperties()} or by an earlier version.
   *
   * @param p the properties
   * @return the spec
   * @throws IllegalArgumentException naming the missing or malformed key
   */
  public static ModelSpec fromProperties(Properties p) {
    Objects.requireNonNull(p, "properties");
    String format = p.getProperty("format");
    if (FORMAT_1.equals(format)) {
      return fromProperties1(p);
    }
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("spec format must be " + FORMAT + " or " + FORMAT_1
          + ", got " + format);
    }
    Builder b = builder(SpecProperties.integer(p, "inputChannels"));
    b.seed(SpecProperties.longInteger(p, "seed"));
    int n = SpecProperties.integer(p, "layers");
    for (int i = 0; i < n; i++) {
      String k = "layer." + i + ".";
      b.addLayer(LayerSpec.readProperties(SpecProperties.string(p, k + "kind"), p, k));
    }
    return b.build();
  }

  /**
   * Format 1: ConvLSTM layers with a {@code batchNormalization} flag each, model-wide
   * batch-normalization momentum and epsilon, and {@code head.*} keys.
   */
  private static ModelSpec fromProperties1(Properties p) {
    Builder b = builder(SpecProperties.integer(p, "inputChannels"));
    BatchNormSpec bn = new BatchNormSpec(SpecProperties.number(p, "batchNormMomentum"),
        SpecProperties.number(p, "batchNormEpsilon"));
    b.seed(SpecProperties.longInteger(p, "seed"));
    int n = SpecProperties.integer(p, "layers");
    for (int i = 0; i < n; i++) {
      String k = "layer." + i + ".";
      b.addLayer(ConvLstmLayerSpec.readProperties(p, k));
      if (SpecProperties.bool(p, k + "batchNormalization")) {
        b.addLayer(bn);
      }
    }
    if (p.getProperty("head.filters") != null) {
      b.addLayer(Conv3dHeadSpec.readProperties(p, "head."));
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelSpec)) {
      return false;
    }
    ModelSpec s = (ModelSpec) o;
    return inputChannels == s.inputChannels && layers.equals(s.layers) && seed == s.seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputChannels, layers, seed);
  }

  @Override
  public String toString() {
    return "ModelSpec[inputChannels=" + inputChannels + ", layers=" + layers + ", seed=" + seed
        + ", parameters=" + parameterCount() + "]";
  }

  /** Builds a {@link ModelSpec}; {@link #build()} validates the whole. */
  public static final class Builder {
    private final int inputChannels;
    private final List<LayerSpec> layers = new ArrayList<>();
    private long seed;

    private Builder(int inputChannels) {
      if (inputChannels <= 0) {
        throw new IllegalArgumentException(
            "inputChannels must be positive, got " + inputChannels);
      }
      this.inputChannels = inputChannels;
    }

    /**
     * Appends a layer.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder addLayer(LayerSpec layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /**
     * Sets the initializer seed.
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the spec
     * @throws IllegalArgumentException naming the bad layer and why (no ConvLSTM layer, a batch
     *     normalization not after a ConvLSTM layer, a head not last or twice, a ConvLSTM layer
     *     that feeds another without returning sequences)
     */
    public ModelSpec build() {
      return new ModelSpec(inputChannels, layers, seed);
    }
  }
}

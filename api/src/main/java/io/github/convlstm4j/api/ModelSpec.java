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
 * The architecture of a ConvLSTM model: a stack of {@link ConvLstmLayerSpec}s (each optionally
 * followed by batch normalization), then an optional {@link Conv3dHeadSpec}.
 *
 * <p>Immutable; build with {@link #builder(int)} or take a preset. Weight names and layouts are
 * Keras' (see {@link #weightShapes()}). The seed fixes the initial weights.
 */
public final class ModelSpec {

  /** Keras' default batch-normalization momentum. */
  public static final double DEFAULT_BN_MOMENTUM = 0.99;
  /** Keras' default batch-normalization epsilon. */
  public static final double DEFAULT_BN_EPSILON = 1e-3;

  private final int inputChannels;
  private final List<ConvLstmLayerSpec> layers;
  private final Conv3dHeadSpec head;
  private final double batchNormMomentum;
  private final double batchNormEpsilon;
  private final long seed;

  private ModelSpec(Builder b) {
    this.inputChannels = b.inputChannels;
    this.layers = Collections.unmodifiableList(new ArrayList<>(b.layers));
    this.head = b.head;
    this.batchNormMomentum = b.batchNormMomentum;
    this.batchNormEpsilon = b.batchNormEpsilon;
    this.seed = b.seed;
  }

  /**
   * Starts a builder.
   *
   * @param inputChannels channels of the input frames, at least 1
   * @return a builder with no layers, no head, Keras batch-norm defaults and seed 0
   */
  public static Builder builder(int inputChannels) {
    return new Builder(inputChannels);
  }

  /**
   * The seed model of the Keras moving-squares example: 4 × [ConvLSTM2D(40, 3×3, SAME, return
   * sequences) + batch norm], then Conv3D(1, 3×3×3, SAME, sigmoid); 407,001 parameters. Gates
   * use HARD_SIGMOID, the Keras 2 default the seed ran with.
   *
   * @return the spec, seed 0
   */
  public static ModelSpec kerasMovingSquares() {
    Builder b = builder(1);
    for (int i = 0; i < 4; i++) {
      b.addLayer(ConvLstmLayerSpec.of(40)
          .withRecurrentActivation(Activation.HARD_SIGMOID)
          .withBatchNormalization(true));
    }
    return b.head(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
  }

  /**
   * A small CPU preset for the moving-squares demo: 2 × [ConvLSTM2D(16, 3×3, SAME) + batch
   * norm], then Conv3D(1, 3×3×3, sigmoid) with a CAUSAL time padding so that no output has
   * seen a later input (forecasts then match what the model trained on). Sigmoid gates.
   *
   * @return the spec, seed 0
   */
  public static ModelSpec cpuMovingSquares() {
    Builder b = builder(1);
    for (int i = 0; i < 2; i++) {
      b.addLayer(ConvLstmLayerSpec.of(16).withBatchNormalization(true));
    }
    return b.head(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
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
   * The ConvLSTM layers, in order.
   *
   * @return an unmodifiable list, never empty
   */
  public List<ConvLstmLayerSpec> layers() {
    return layers;
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
   * Batch-normalization momentum of the moving averages (Keras: {@code moving = m·moving +
   * (1-m)·batch}).
   *
   * @return momentum in [0, 1)
   */
  public double batchNormMomentum() {
    return batchNormMomentum;
  }

  /**
   * Batch-normalization epsilon added to the variance.
   *
   * @return epsilon, positive
   */
  public double batchNormEpsilon() {
    return batchNormEpsilon;
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
    return toBuilder().seed(newSeed).build();
  }

  /**
   * A builder holding this spec's values.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(inputChannels);
    layers.forEach(b::addLayer);
    b.head = head;
    b.batchNormMomentum = batchNormMomentum;
    b.batchNormEpsilon = batchNormEpsilon;
    b.seed = seed;
    return b;
  }

  /**
   * Whether the network returns one output frame per input frame.
   *
   * @return true if the last layer returns sequences
   */
  public boolean returnsSequences() {
    return layers.get(layers.size() - 1).returnSequences();
  }

  /**
   * Channels of the network's output.
   *
   * @return head filters, or the last layer's filters without a head
   */
  public int outputChannels() {
    return head != null ? head.filters() : layers.get(layers.size() - 1).filters();
  }

  /**
   * Shape of each output frame for an input frame shape.
   *
   * @param input input frame shape
   * @return the output frame shape
   * @throws IllegalArgumentException if the channels differ from {@link #inputChannels()} or a
   *     VALID layer would shrink the frame to nothing
   */
  public FrameShape outputFrameShape(FrameShape input) {
    Objects.requireNonNull(input, "input");
    if (input.channels() != inputChannels) {
      throw new IllegalArgumentException(
          "input channels must be " + inputChannels + ", got " + input.channels());
    }
    int h = input.height();
    int w = input.width();
    for (int i = 0; i < layers.size(); i++) {
      ConvLstmLayerSpec l = layers.get(i);
      int nh = l.padding().outputSize(h, l.kernelHeight());
      int nw = l.padding().outputSize(w, l.kernelWidth());
      if (nh <= 0 || nw <= 0) {
        throw new IllegalArgumentException(
            "layer " + i + " (" + l.padding() + ", kernel " + l.kernelHeight() + "x"
                + l.kernelWidth() + ") needs frames of at least " + l.kernelHeight() + "x"
                + l.kernelWidth() + " there, got " + h + "x" + w + " (input " + input + ")");
      }
      h = nh;
      w = nw;
    }
    return new FrameShape(h, w, outputChannels());
  }

  /**
   * Number of output frames for an input of {@code frames} frames.
   *
   * @param frames input frames
   * @return {@code frames} if the last layer returns sequences, else 1
   */
  public int outputFrames(int frames) {
    return returnsSequences() ? frames : 1;
  }

  /**
   * Names and shapes of all weights, in Keras {@code model.get_weights()} order and layouts:
   * per layer i {@code conv_lstm2d_i/kernel [kh, kw, C_in, 4F]},
   * {@code conv_lstm2d_i/recurrent_kernel [kh, kw, F, 4F]}, {@code conv_lstm2d_i/bias [4F]}
   * (if used), then {@code batch_normalization_i/gamma, beta, moving_mean, moving_variance [F]}
   * (if used); then {@code conv3d/kernel [kt, kh, kw, C_in, C_out]} and {@code conv3d/bias}.
   * Gate order inside 4F is Keras' i, f, c, o.
   *
   * @return an ordered, unmodifiable map from name to shape
   */
  public Map<String, List<Integer>> weightShapes() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    int cin = inputChannels;
    for (int i = 0; i < layers.size(); i++) {
      ConvLstmLayerSpec l = layers.get(i);
      int f = l.filters();
      m.put(kernelName(i), List.of(l.kernelHeight(), l.kernelWidth(), cin, 4 * f));
      m.put(recurrentKernelName(i), List.of(l.kernelHeight(), l.kernelWidth(), f, 4 * f));
      if (l.useBias()) {
        m.put(biasName(i), List.of(4 * f));
      }
      if (l.batchNormalization()) {
        for (String s : BN_PARTS) {
          m.put("batch_normalization_" + i + "/" + s, List.of(f));
        }
      }
      cin = f;
    }
    if (head != null) {
      m.put(HEAD_KERNEL, List.of(head.kernelTime(), head.kernelHeight(), head.kernelWidth(),
          cin, head.filters()));
      m.put(HEAD_BIAS, List.of(head.filters()));
    }
    return Collections.unmodifiableMap(m);
  }

  private static final List<String> BN_PARTS =
      List.of("gamma", "beta", "moving_mean", "moving_variance");

  /** Name of the head's kernel. */
  public static final String HEAD_KERNEL = "conv3d/kernel";
  /** Name of the head's bias. */
  public static final String HEAD_BIAS = "conv3d/bias";

  /**
   * Name of layer i's input kernel.
   *
   * @param layer 0-based layer index
   * @return {@code conv_lstm2d_<layer>/kernel}
   */
  public static String kernelName(int layer) {
    return "conv_lstm2d_" + layer + "/kernel";
  }

  /**
   * Name of layer i's recurrent kernel.
   *
   * @param layer 0-based layer index
   * @return {@code conv_lstm2d_<layer>/recurrent_kernel}
   */
  public static String recurrentKernelName(int layer) {
    return "conv_lstm2d_" + layer + "/recurrent_kernel";
  }

  /**
   * Name of layer i's bias.
   *
   * @param layer 0-based layer index
   * @return {@code conv_lstm2d_<layer>/bias}
   */
  public static String biasName(int layer) {
    return "conv_lstm2d_" + layer + "/bias";
  }

  /**
   * Name of a batch-normalization tensor.
   *
   * @param layer 0-based layer index
   * @param part {@code gamma}, {@code beta}, {@code moving_mean} or {@code moving_variance}
   * @return {@code batch_normalization_<layer>/<part>}
   */
  public static String batchNormName(int layer, String part) {
    if (!BN_PARTS.contains(part)) {
      throw new IllegalArgumentException("part must be one of " + BN_PARTS + ", got " + part);
    }
    return "batch_normalization_" + layer + "/" + part;
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
   * The spec as flat text properties (stored in checkpoints); {@link #fromProperties} reads it
   * back.
   *
   * @return properties describing every field
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("format", "convlstm4j-spec-1");
    p.setProperty("inputChannels", Integer.toString(inputChannels));
    p.setProperty("batchNormMomentum", Double.toString(batchNormMomentum));
    p.setProperty("batchNormEpsilon", Double.toString(batchNormEpsilon));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("layers", Integer.toString(layers.size()));
    for (int i = 0; i < layers.size(); i++) {
      ConvLstmLayerSpec l = layers.get(i);
      String k = "layer." + i + ".";
      p.setProperty(k + "filters", Integer.toString(l.filters()));
      p.setProperty(k + "kernelHeight", Integer.toString(l.kernelHeight()));
      p.setProperty(k + "kernelWidth", Integer.toString(l.kernelWidth()));
      p.setProperty(k + "padding", l.padding().name());
      p.setProperty(k + "activation", l.activation().name());
      p.setProperty(k + "recurrentActivation", l.recurrentActivation().name());
      p.setProperty(k + "useBias", Boolean.toString(l.useBias()));
      p.setProperty(k + "unitForgetBias", Boolean.toString(l.unitForgetBias()));
      p.setProperty(k + "returnSequences", Boolean.toString(l.returnSequences()));
      p.setProperty(k + "batchNormalization", Boolean.toString(l.batchNormalization()));
    }
    if (head != null) {
      p.setProperty("head.filters", Integer.toString(head.filters()));
      p.setProperty("head.kernelTime", Integer.toString(head.kernelTime()));
      p.setProperty("head.kernelHeight", Integer.toString(head.kernelHeight()));
      p.setProperty("head.kernelWidth", Integer.toString(head.kernelWidth()));
      p.setProperty("head.activation", head.activation().name());
      p.setProperty("head.timePadding", head.timePadding().name());
    }
    return p;
  }

  /**
   * Reads a spec written by {@link #toProperties()}.
   *
   * @param p the properties
   * @return the spec
   * @throws IllegalArgumentException naming the missing or malformed key
   */
  public static ModelSpec fromProperties(Properties p) {
    Objects.requireNonNull(p, "properties");
    String format = p.getProperty("format");
    if (!"convlstm4j-spec-1".equals(format)) {
      throw new IllegalArgumentException(
          "spec format must be convlstm4j-spec-1, got " + format);
    }
    Builder b = builder(intKey(p, "inputChannels"));
    b.batchNormMomentum(doubleKey(p, "batchNormMomentum"));
    b.batchNormEpsilon(doubleKey(p, "batchNormEpsilon"));
    b.seed(longKey(p, "seed"));
    int n = intKey(p, "layers");
    for (int i = 0; i < n; i++) {
      String k = "layer." + i + ".";
      b.addLayer(new ConvLstmLayerSpec(
          intKey(p, k + "filters"),
          intKey(p, k + "kernelHeight"),
          intKey(p, k + "kernelWidth"),
          enumKey(p, k + "padding", Padding.class),
          enumKey(p, k + "activation", Activation.class),
          enumKey(p, k + "recurrentActivation", Activation.class),
          boolKey(p, k + "useBias"),
          boolKey(p, k + "unitForgetBias"),
          boolKey(p, k + "returnSequences"),
          boolKey(p, k + "batchNormalization")));
    }
    if (p.getProperty("head.filters") != null) {
      b.head(new Conv3dHeadSpec(
          intKey(p, "head.filters"),
          intKey(p, "head.kernelTime"),
          intKey(p, "head.kernelHeight"),
          intKey(p, "head.kernelWidth"),
          enumKey(p, "head.activation", Activation.class),
          enumKey(p, "head.timePadding", TimePadding.class)));
    }
    return b.build();
  }

  private static String key(Properties p, String k) {
    String v = p.getProperty(k);
    if (v == null) {
      throw new IllegalArgumentException("spec property '" + k + "' is missing");
    }
    return v.trim();
  }

  private static int intKey(Properties p, String k) {
    String v = key(p, k);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be an integer, got '" + v + "'", e);
    }
  }

  private static long longKey(Properties p, String k) {
    String v = key(p, k);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be an integer, got '" + v + "'", e);
    }
  }

  private static double doubleKey(Properties p, String k) {
    String v = key(p, k);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be a number, got '" + v + "'", e);
    }
  }

  private static boolean boolKey(Properties p, String k) {
    String v = key(p, k);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static <E extends Enum<E>> E enumKey(Properties p, String k, Class<E> type) {
    String v = key(p, k);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec property '" + k + "' must be one of "
              + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'", e);
    }
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
    return inputChannels == s.inputChannels
        && layers.equals(s.layers)
        && Objects.equals(head, s.head)
        && Double.compare(batchNormMomentum, s.batchNormMomentum) == 0
        && Double.compare(batchNormEpsilon, s.batchNormEpsilon) == 0
        && seed == s.seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputChannels, layers, head, batchNormMomentum, batchNormEpsilon, seed);
  }

  @Override
  public String toString() {
    return "ModelSpec[inputChannels=" + inputChannels + ", layers=" + layers + ", head="
        + head + ", batchNormMomentum=" + batchNormMomentum + ", batchNormEpsilon="
        + batchNormEpsilon + ", seed=" + seed + ", parameters=" + parameterCount() + "]";
  }

  /** Builds a {@link ModelSpec}; {@link #build()} validates the whole. */
  public static final class Builder {
    private final int inputChannels;
    private final List<ConvLstmLayerSpec> layers = new ArrayList<>();
    private Conv3dHeadSpec head;
    private double batchNormMomentum = DEFAULT_BN_MOMENTUM;
    private double batchNormEpsilon = DEFAULT_BN_EPSILON;
    private long seed;

    private Builder(int inputChannels) {
      if (inputChannels <= 0) {
        throw new IllegalArgumentException(
            "inputChannels must be positive, got " + inputChannels);
      }
      this.inputChannels = inputChannels;
    }

    /**
     * Appends a ConvLSTM layer.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder addLayer(ConvLstmLayerSpec layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /**
     * Sets the Conv3D head, or removes it with {@code null}.
     *
     * @param h the head or null
     * @return this builder
     */
    public Builder head(Conv3dHeadSpec h) {
      this.head = h;
      return this;
    }

    /**
     * Sets the batch-normalization momentum.
     *
     * @param m in [0, 1)
     * @return this builder
     */
    public Builder batchNormMomentum(double m) {
      this.batchNormMomentum = m;
      return this;
    }

    /**
     * Sets the batch-normalization epsilon.
     *
     * @param e positive
     * @return this builder
     */
    public Builder batchNormEpsilon(double e) {
      this.batchNormEpsilon = e;
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
     * @throws IllegalArgumentException naming the bad field and value
     */
    public ModelSpec build() {
      if (layers.isEmpty()) {
        throw new IllegalArgumentException("layers must not be empty, got 0 layers");
      }
      for (int i = 0; i < layers.size() - 1; i++) {
        if (!layers.get(i).returnSequences()) {
          throw new IllegalArgumentException(
              "layer " + i + " feeds layer " + (i + 1)
                  + " so returnSequences must be true, got false");
        }
      }
      if (!(batchNormMomentum >= 0 && batchNormMomentum < 1)) {
        throw new IllegalArgumentException(
            "batchNormMomentum must be in [0, 1), got " + batchNormMomentum);
      }
      if (!(batchNormEpsilon > 0) || !Double.isFinite(batchNormEpsilon)) {
        throw new IllegalArgumentException(
            "batchNormEpsilon must be positive, got " + batchNormEpsilon);
      }
      return new ModelSpec(this);
    }
  }
}

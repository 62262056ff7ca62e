package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of layer translators, one per Keras class, and the translation of a whole
 * layer chain. Adding a Keras class is one entry here and one small method.
 */
final class Translators {
  /** Layers that are the identity at inference: dropped with a note. */
  static final Set<String> IDENTITY_AT_INFERENCE = Set.of("Dropout", "SpatialDropout1D",
      "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
      "ActivityRegularization");

  /** Top-level Keras classes. */
  private static final Map<String, LayerTranslator> BY_CLASS;
  /** Classes wrapped in {@code TimeDistributed}. */
  private static final Map<String, LayerTranslator> TIME_DISTRIBUTED;

  static {
    Map<String, LayerTranslator> m = new LinkedHashMap<>();
    m.put("InputLayer", Translators::inputLayer);
    m.put("ConvLSTM2D", Translators::convLstm2d);
    m.put("BatchNormalization", Translators::batchNormalization);
    m.put("Conv3D", Translators::conv3d);
    m.put("Activation", Translators::activationLayer);
    m.put("Softmax", Translators::softmaxLayer);
    m.put("TimeDistributed", Translators::timeDistributed);
    m.put("Flatten", Translators::flatten);
    m.put("Dense", Translators::dense);
    m.put("LayerNormalization", Translators::layerNormalization);
    m.put("MaxPooling3D", Translators::maxPooling3d);
    // On the single frame a last-step-only ConvLSTM2D leaves (4-D input).
    m.put("Conv2D", (l, t) -> frameOnly(l, t, 4, Translators::conv2d));
    m.put("Conv2DTranspose", (l, t) -> frameOnly(l, t, 4, Translators::conv2dTranspose));
    m.put("MaxPooling2D", (l, t) -> frameOnly(l, t, 4, Translators::maxPooling2d));
    for (String c : IDENTITY_AT_INFERENCE) {
      m.put(c, Translators::identity);
    }
    BY_CLASS = Collections.unmodifiableMap(m);
    Map<String, LayerTranslator> td = new LinkedHashMap<>();
    for (String c : IDENTITY_AT_INFERENCE) {
      td.put(c, Translators::identity);
    }
    // On every frame of a sequence (5-D input).
    td.put("Conv2D", (l, t) -> frameOnly(l, t, 5, Translators::conv2d));
    td.put("Conv2DTranspose", (l, t) -> frameOnly(l, t, 5, Translators::conv2dTranspose));
    td.put("MaxPooling2D", (l, t) -> frameOnly(l, t, 5, Translators::maxPooling2d));
    td.put("Dense", Translators::dense);
    td.put("Activation", Translators::activationLayer);
    TIME_DISTRIBUTED = Collections.unmodifiableMap(td);
  }

  private Translators() {}

  /**
   * The Keras classes with a translator.
   *
   * @return top-level classes, then {@code TimeDistributed(<class>)} for wrapped ones
   */
  static List<String> supported() {
    List<String> out = new ArrayList<>(BY_CLASS.keySet());
    out.sort(null);
    List<String> td = new ArrayList<>(TIME_DISTRIBUTED.keySet());
    td.sort(null);
    td.forEach(c -> out.add("TimeDistributed(" + c + ")"));
    return out;
  }

  /** Translates a file's layers in order. */
  static ImportedModel translate(KerasModelFile file) throws KerasFormatException {
    Translation t = new Translation(file.path().toString(), file.kerasMajorVersion());
    for (KerasLayer l : file.layers()) {
      LayerTranslator tr = BY_CLASS.get(l.className());
      if (tr == null) {
        throw new UnsupportedKerasLayerException(t.source(), l.name(), l.className(), null,
            "supported layers: " + String.join(", ", new java.util.TreeSet<>(BY_CLASS.keySet()))
                + " (TimeDistributed around the identity layers)");
      }
      t.declareInput(l);
      tr.translate(l, t);
    }
    return t.finish();
  }

  // ------------------------------------------------------------------ translators

  private static void inputLayer(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    if (t.bool(l, "sparse", false)) {
      throw t.refuse(l, "sparse", "sparse inputs are not supported");
    }
    if (t.bool(l, "ragged", false)) {
      throw t.refuse(l, "ragged", "ragged inputs are not supported");
    }
  }

  private static void identity(KerasLayer l, Translation t) {
    t.note(l, "the identity at inference: dropped");
  }

  /** {@code Activation}: linear is dropped, softmax is {@link SoftmaxSpec}, else an
   * {@link ActivationSpec}. */
  private static void activationLayer(KerasLayer l, Translation t) throws KerasFormatException {
    String a = t.activationName(l, "activation", "linear");
    if (a.equals("linear")) {
      t.note(l, "activation 'linear' is the identity: dropped");
      return;
    }
    frameLayers(l, t);
    if (a.equals("softmax")) {
      t.addLayer(new SoftmaxSpec(), List.of());
      return;
    }
    t.addLayer(new ActivationSpec(t.activation(l, "activation", a, ELEMENTWISE)), List.of());
  }

  /** {@code Softmax} over the last axis. */
  private static void softmaxLayer(KerasLayer l, Translation t) throws KerasFormatException {
    frameLayers(l, t);
    JsonNode axis = l.config().get("axis");
    if (axis != null && !axis.isNull() && !(axis.isIntegralNumber() && (axis.asInt() == -1
        || axis.asInt() == t.rank() - 1))) {
      throw t.refuse(l, "axis", "only the channel axis (-1) is supported, got " + axis);
    }
    t.addLayer(new SoftmaxSpec(), List.of());
  }

  private static void timeDistributed(KerasLayer l, Translation t) throws KerasFormatException {
    JsonNode inner = l.config().path("layer");
    String cls = inner.path("class_name").asText("");
    LayerTranslator tr = TIME_DISTRIBUTED.get(cls);
    if (tr == null) {
      throw t.refuse(l, "layer", "it wraps " + (cls.isEmpty() ? "nothing" : cls)
          + "; supported inside TimeDistributed: "
          + String.join(", ", new java.util.TreeSet<>(TIME_DISTRIBUTED.keySet())));
    }
    if (t.rank() != 5 && !IDENTITY_AT_INFERENCE.contains(cls)) {
      throw t.refuse(l, null, "its input is " + t.rank() + "-D; TimeDistributed needs a "
          + "sequence (batch, time, height, width, channels)");
    }
    tr.translate(new KerasLayer("TimeDistributed(" + cls + ")", l.name(),
        inner.path("config"), l.weights()), t);
  }

  /**
   * {@code ConvLSTM2D} to {@link ConvLstmLayerSpec}: weights {@code kernel},
   * {@code recurrent_kernel}, {@code bias} in Keras order.
   */
  private static void convLstm2d(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    if (t.hasHead()) {
      throw t.refuse(l, null, "it follows the Conv3D head, which must be the last layer");
    }
    if (t.rank() != 5) {
      throw t.refuse(l, null, "its input is " + t.rank() + "-D (a layer before it returns "
          + "no sequence); ConvLSTM2D needs (batch, time, height, width, channels)");
    }
    t.dataFormat(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 2, 0);
    t.requireOnes(l, "strides", 2);
    t.requireOnes(l, "dilation_rate", 2);
    Padding padding = padding(l, t);
    Activation act = t.activation(l, "activation", t.activationName(l, "activation", "tanh"),
        List.of(Activation.TANH, Activation.RELU, Activation.LINEAR));
    String defaultGate = t.kerasMajor() < 3 ? "hard_sigmoid" : "sigmoid";
    Activation gate = t.activation(l, "recurrent_activation",
        t.activationName(l, "recurrent_activation", defaultGate),
        List.of(Activation.SIGMOID, Activation.HARD_SIGMOID, Activation.HARD_SIGMOID_KERAS3));
    boolean useBias = t.bool(l, "use_bias", true);
    boolean unitForget = useBias && t.bool(l, "unit_forget_bias", true);
    boolean returnSequences = t.bool(l, "return_sequences", false);
    if (t.bool(l, "go_backwards", false)) {
      throw t.refuse(l, "go_backwards", "reading the sequence backwards is not supported");
    }
    if (t.bool(l, "stateful", false)) {
      t.note(l, "stateful=true: predict starts each sequence from zero state; carry state "
          + "across calls with a ForecastSession");
    }
    if (t.bool(l, "return_state", false)) {
      t.note(l, "return_state=true: only the layer's output is produced, not its state");
    }
    t.noteTrainingOnly(l, "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint");
    double dropout = t.number(l, "dropout", 0);
    double recurrentDropout = t.number(l, "recurrent_dropout", 0);
    if (dropout > 0 || recurrentDropout > 0) {
      t.note(l, "dropout=" + dropout + ", recurrent_dropout=" + recurrentDropout
          + ": kept (fit draws Keras' per-gate masks; identity at inference)");
    }
    List<KerasWeight> w = t.weights(l, useBias ? 3 : 2,
        useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
    t.ensureInput(l, inputChannelsOf(w.get(0), 2));
    ConvLstmLayerSpec spec;
    try {
      spec = new ConvLstmLayerSpec(filters, k[0], k[1], padding, act, gate, useBias,
          unitForget, returnSequences).withDropout(dropout, recurrentDropout);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    List<Translation.Part> parts = new ArrayList<>(List.of(
        Translation.part("kernel", l, w.get(0)),
        Translation.part("recurrent_kernel", l, w.get(1))));
    if (useBias) {
      parts.add(Translation.part("bias", l, w.get(2)));
    }
    t.addLayer(spec, parts);
    t.channels(filters);
    t.rank(returnSequences ? 5 : 4);
  }

  /**
   * {@code BatchNormalization} over the channel axis to {@link BatchNormSpec}. Without
   * {@code scale} gamma is 1, without {@code center} beta is 0: the same function.
   */
  private static void batchNormalization(KerasLayer l, Translation t)
      throws KerasFormatException {
    t.requireFloat32(l);
    if (!t.started()) {
      throw t.refuse(l, null, "batch normalization of the raw input is not supported (it must "
          + "follow another layer)");
    }
    requireChannelAxis(l, t);
    if (t.bool(l, "renorm", false)) {
      throw t.refuse(l, "renorm", "batch renormalization is not supported");
    }
    JsonNode vbs = l.config().get("virtual_batch_size");
    if (vbs != null && !vbs.isNull()) {
      throw t.refuse(l, "virtual_batch_size", "ghost batch normalization is not supported, got "
          + vbs);
    }
    BatchNormSpec spec;
    try {
      spec = new BatchNormSpec(t.number(l, "momentum", BatchNormSpec.DEFAULT_MOMENTUM),
          t.number(l, "epsilon", BatchNormSpec.DEFAULT_EPSILON));
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, "momentum/epsilon", e.getMessage());
    }
    boolean scale = t.bool(l, "scale", true);
    boolean center = t.bool(l, "center", true);
    t.noteTrainingOnly(l, "beta_regularizer", "gamma_regularizer", "beta_constraint",
        "gamma_constraint");
    int n = (scale ? 1 : 0) + (center ? 1 : 0) + 2;
    List<KerasWeight> w = t.weights(l, n, (scale ? "gamma, " : "") + (center ? "beta, " : "")
        + "moving_mean, moving_variance");
    List<Integer> shape = w.get(n - 2).value().shapeList();
    int next = 0;
    List<Translation.Part> parts = new ArrayList<>();
    if (scale) {
      parts.add(Translation.part("gamma", l, w.get(next++)));
    } else {
      parts.add(Translation.fixed("gamma", l, filled(shape, 1f), "gamma (scale=false)"));
      t.note(l, "scale=false: gamma fixed at 1");
    }
    if (center) {
      parts.add(Translation.part("beta", l, w.get(next++)));
    } else {
      parts.add(Translation.fixed("beta", l, filled(shape, 0f), "beta (center=false)"));
      t.note(l, "center=false: beta fixed at 0");
    }
    parts.add(Translation.part("moving_mean", l, w.get(next)));
    parts.add(Translation.part("moving_variance", l, w.get(next + 1)));
    t.addLayer(spec, parts);
  }

  /** {@code LayerNormalization} over the channel axis only, to {@link LayerNormSpec}. */
  private static void layerNormalization(KerasLayer l, Translation t)
      throws KerasFormatException {
    t.requireFloat32(l);
    frameLayers(l, t);
    requireChannelAxis(l, t);
    if (t.bool(l, "rms_scaling", false)) {
      throw t.refuse(l, "rms_scaling", "RMS normalization is not supported");
    }
    boolean scale = t.bool(l, "scale", true);
    boolean center = t.bool(l, "center", true);
    LayerNormSpec spec;
    try {
      spec = new LayerNormSpec(t.number(l, "epsilon", 1e-3), center, scale);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, "epsilon", e.getMessage());
    }
    t.noteTrainingOnly(l, "beta_regularizer", "gamma_regularizer", "beta_constraint",
        "gamma_constraint");
    int n = (scale ? 1 : 0) + (center ? 1 : 0);
    List<KerasWeight> w = t.weights(l, n, (scale ? "gamma" : "") + (scale && center ? ", " : "")
        + (center ? "beta" : ""));
    t.ensureInput(l, n == 0 ? -1 : w.get(0).value().shapeList().get(0));
    List<Translation.Part> parts = new ArrayList<>();
    int next = 0;
    if (scale) {
      parts.add(Translation.part("gamma", l, w.get(next++)));
    }
    if (center) {
      parts.add(Translation.part("beta", l, w.get(next)));
    }
    t.addLayer(spec, parts);
  }

  /** {@code Conv3D} as the last layer, SAME padding, stride 1, to {@link Conv3dHeadSpec}. */
  private static void conv3d(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    if (t.hasHead()) {
      throw t.refuse(l, null, "a second Conv3D; only one Conv3D head, as the last layer, is "
          + "supported");
    }
    if (t.convLstmLayers() == 0) {
      throw t.refuse(l, null, "Conv3D is supported only as the head after ConvLSTM2D layers");
    }
    if (t.rank() != 5) {
      throw t.refuse(l, null, "its input is " + t.rank() + "-D (the ConvLSTM2D before it "
          + "returns only the last step)");
    }
    t.dataFormat(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 3, 0);
    t.requireOnes(l, "strides", 3);
    t.requireOnes(l, "dilation_rate", 3);
    requireOneGroup(l, t);
    String pad = t.string(l, "padding", "valid");
    if (!pad.equals("same")) {
      throw t.refuse(l, "padding", "only 'same' is supported for the Conv3D head, got '" + pad
          + "'");
    }
    Activation act = t.activation(l, "activation", t.activationName(l, "activation", "linear"),
        ELEMENTWISE);
    boolean useBias = t.bool(l, "use_bias", true);
    List<Translation.Part> parts = kernelAndBias(l, t, useBias, -1);
    Conv3dHeadSpec spec;
    try {
      spec = new Conv3dHeadSpec(filters, k[0], k[1], k[2], act, TimePadding.SAME);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    if (!useBias) {
      parts.add(Translation.fixed("bias", l, filled(List.of(filters), 0f),
          "bias (use_bias=false)"));
      t.note(l, "use_bias=false: bias fixed at 0");
    }
    t.addLayer(spec, parts);
    t.head(true);
    t.channels(filters);
  }

  /** {@code Flatten} of the whole sequence (or frame) into one vector. */
  private static void flatten(KerasLayer l, Translation t) throws KerasFormatException {
    frameLayers(l, t);
    if (!t.started()) {
      throw t.refuse(l, null, "flattening the raw input is not supported");
    }
    t.addLayer(new FlattenSpec(), List.of());
    t.rank(2);
  }

  /** {@code Dense} on the last axis; a softmax activation becomes a {@link SoftmaxSpec}. */
  private static void dense(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    frameLayers(l, t);
    int units = t.integer(l, "units");
    String a = t.activationName(l, "activation", "linear");
    boolean softmax = a.equals("softmax");
    Activation act = softmax ? Activation.LINEAR : t.activation(l, "activation", a, ELEMENTWISE);
    boolean useBias = t.bool(l, "use_bias", true);
    if (l.config().has("lora_rank") && !l.config().get("lora_rank").isNull()) {
      throw t.refuse(l, "lora_rank", "LoRA dense layers are not supported");
    }
    List<Translation.Part> parts = kernelAndBias(l, t, useBias, 0);
    t.addLayer(new DenseSpec(units, act, useBias), parts);
    if (softmax) {
      t.addLayer(new SoftmaxSpec(), List.of());
    }
  }

  /** {@code Conv2D} on every frame (or the one frame left). */
  private static void conv2d(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 2, 0);
    int[] s = t.ints(l, "strides", 2, 1);
    t.requireOnes(l, "dilation_rate", 2);
    requireOneGroup(l, t);
    Padding padding = padding(l, t);
    String a = t.activationName(l, "activation", "linear");
    boolean softmax = a.equals("softmax");
    Activation act = softmax ? Activation.LINEAR : t.activation(l, "activation", a, ELEMENTWISE);
    boolean useBias = t.bool(l, "use_bias", true);
    List<Translation.Part> parts = kernelAndBias(l, t, useBias, 2);
    Conv2dSpec spec;
    try {
      spec = new Conv2dSpec(filters, k[0], k[1], s[0], s[1], padding, act, useBias);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    t.addLayer(spec, parts);
    if (softmax) {
      t.addLayer(new SoftmaxSpec(), List.of());
    }
  }

  /** {@code Conv2DTranspose} on every frame (or the one frame left). */
  private static void conv2dTranspose(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 2, 0);
    int[] s = t.ints(l, "strides", 2, 1);
    t.requireOnes(l, "dilation_rate", 2);
    JsonNode op = l.config().get("output_padding");
    if (op != null && !op.isNull()) {
      throw t.refuse(l, "output_padding", "only the default (none) is supported, got " + op);
    }
    Padding padding = padding(l, t);
    Activation act = t.activation(l, "activation", t.activationName(l, "activation", "linear"),
        ELEMENTWISE);
    boolean useBias = t.bool(l, "use_bias", true);
    List<Translation.Part> parts = kernelAndBias(l, t, useBias, 3);
    Conv2dTransposeSpec spec;
    try {
      spec = new Conv2dTransposeSpec(filters, k[0], k[1], s[0], s[1], padding, act, useBias);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    t.addLayer(spec, parts);
  }

  /**
   * The {@code kernel} (and {@code bias} when {@code useBias}) of a convolution or dense layer,
   * after noting its training-only options; {@code inputAxis} is the kernel axis holding the
   * input channels, which the translation checks against the layer's input (negative: no
   * check).
   */
  private static List<Translation.Part> kernelAndBias(KerasLayer l, Translation t,
      boolean useBias, int inputAxis) throws KerasFormatException {
    t.noteTrainingOnly(l, "kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint");
    List<KerasWeight> w = t.weights(l, useBias ? 2 : 1, useBias ? "kernel, bias" : "kernel");
    if (inputAxis >= 0) {
      t.ensureInput(l, inputChannelsOf(w.get(0), inputAxis));
    }
    List<Translation.Part> parts = new ArrayList<>();
    parts.add(Translation.part("kernel", l, w.get(0)));
    if (useBias) {
      parts.add(Translation.part("bias", l, w.get(1)));
    }
    return parts;
  }

  /** {@code MaxPooling2D} on every frame (or the one frame left). */
  private static void maxPooling2d(KerasLayer l, Translation t) throws KerasFormatException {
    int[] pool = t.ints(l, "pool_size", 2, 2);
    JsonNode strides = l.config().get("strides");
    int[] s = strides == null || strides.isNull() ? pool : t.ints(l, "strides", 2, 1);
    addPooling(l, t, pool[0], pool[1], s[0], s[1]);
  }

  /** {@code MaxPooling3D} with a time pool and stride of 1: per-frame pooling. */
  private static void maxPooling3d(KerasLayer l, Translation t) throws KerasFormatException {
    frameLayers(l, t);
    if (t.rank() != 5) {
      throw t.refuse(l, null, "its input is " + t.rank() + "-D; MaxPooling3D needs a sequence");
    }
    int[] pool = t.ints(l, "pool_size", 3, 2);
    JsonNode strides = l.config().get("strides");
    int[] s = strides == null || strides.isNull() ? pool : t.ints(l, "strides", 3, 1);
    if (pool[0] != 1 || s[0] != 1) {
      throw t.refuse(l, "pool_size", "pooling across time is not supported: the time pool and "
          + "stride must be 1, got pool_size " + Arrays.toString(pool) + " and strides "
          + Arrays.toString(s));
    }
    addPooling(l, t, pool[1], pool[2], s[1], s[2]);
  }

  private static void addPooling(KerasLayer l, Translation t, int ph, int pw, int sh, int sw)
      throws KerasFormatException {
    Padding padding = padding(l, t);
    MaxPoolingSpec spec;
    try {
      spec = new MaxPoolingSpec(ph, pw, sh, sw, padding);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    t.addLayer(spec, List.of());
  }

  // ------------------------------------------------------------------ helpers

  /** The element-wise activations a frame-wise layer or the head may use. */
  private static final List<Activation> ELEMENTWISE = List.of(Activation.LINEAR,
      Activation.RELU, Activation.SIGMOID, Activation.TANH, Activation.HARD_SIGMOID,
      Activation.HARD_SIGMOID_KERAS3);

  /** Runs a frame-wise layer that needs an input of the given rank. */
  private static void frameOnly(KerasLayer l, Translation t, int rank, LayerTranslator tr)
      throws KerasFormatException {
    frameLayers(l, t);
    if (t.rank() != rank) {
      throw t.refuse(l, null, "its input is " + t.rank() + "-D, expected " + rank + "-D"
          + (rank == 4 ? " (a single frame: use TimeDistributed on a sequence)" : ""));
    }
    tr.translate(l, t);
  }

  /** Frame-wise layers read channels-last data only. */
  private static void frameLayers(KerasLayer l, Translation t) throws KerasFormatException {
    if (t.channelsFirst() || l.config().has("data_format") && t.dataFormat(l)) {
      throw t.refuse(l, "data_format", "channels_first is supported only for ConvLSTM2D, "
          + "BatchNormalization and Conv3D models");
    }
  }

  private static Padding padding(KerasLayer l, Translation t) throws KerasFormatException {
    String pad = t.string(l, "padding", "valid");
    if (pad.equals("same")) {
      return Padding.SAME;
    }
    if (pad.equals("valid")) {
      return Padding.VALID;
    }
    throw t.refuse(l, "padding", "expected same or valid, got '" + pad + "'");
  }

  private static void requireOneGroup(KerasLayer l, Translation t) throws KerasFormatException {
    JsonNode groups = l.config().get("groups");
    if (groups != null && groups.isIntegralNumber() && groups.asInt() != 1) {
      throw t.refuse(l, "groups", "only 1 is supported, got " + groups);
    }
  }

  /** The axis option must name the channel axis of the layer's input. */
  private static void requireChannelAxis(KerasLayer l, Translation t)
      throws KerasFormatException {
    JsonNode axisNode = l.config().get("axis");
    int axis = -1;
    if (axisNode != null && axisNode.isArray() && axisNode.size() == 1) {
      axis = axisNode.get(0).asInt();
    } else if (axisNode != null && axisNode.isIntegralNumber()) {
      axis = axisNode.asInt();
    } else if (axisNode != null && !axisNode.isNull()) {
      throw t.refuse(l, "axis", "expected the channel axis, got " + axisNode);
    }
    int rank = t.rank();
    int channelAxis = t.channelsFirst() ? (rank == 5 ? 2 : 1) : rank - 1;
    if (axis != channelAxis && axis != channelAxis - rank) {
      throw t.refuse(l, "axis", "expected the channel axis of its " + rank + "-D input ("
          + channelAxis + " or " + (channelAxis - rank) + "), got " + axisNode);
    }
  }

  /** A kernel's input-channel axis, or -1 if the kernel has fewer axes. */
  private static int inputChannelsOf(KerasWeight kernel, int axis) {
    List<Integer> s = kernel.value().shapeList();
    return s.size() > axis ? s.get(axis) : -1;
  }

  private static Tensor filled(List<Integer> shape, float v) {
    int[] s = shape.stream().mapToInt(Integer::intValue).toArray();
    float[] data = new float[Math.toIntExact(Tensor.elementCount(s))];
    Arrays.fill(data, v);
    return Tensor.of(s, data);
  }
}

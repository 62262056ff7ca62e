package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
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
    m.put("TimeDistributed", Translators::timeDistributed);
    for (String c : IDENTITY_AT_INFERENCE) {
      m.put(c, Translators::identity);
    }
    BY_CLASS = Collections.unmodifiableMap(m);
    Map<String, LayerTranslator> td = new LinkedHashMap<>();
    for (String c : IDENTITY_AT_INFERENCE) {
      td.put(c, Translators::identity);
    }
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

  private static void activationLayer(KerasLayer l, Translation t) throws KerasFormatException {
    String a = t.activationName(l, "activation", "linear");
    if (!a.equals("linear")) {
      throw t.refuse(l, "activation", "a separate Activation layer is supported only as "
          + "'linear' (the identity), got '" + a + "'");
    }
    t.note(l, "activation 'linear' is the identity: dropped");
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
    tr.translate(new KerasLayer("TimeDistributed(" + cls + ")", l.name(),
        inner.path("config"), l.weights()), t);
  }

  /**
   * {@code ConvLSTM2D} to {@link ConvLstmLayerSpec}: weights {@code kernel}, {@code
   * recurrent_kernel}, {@code bias} (Keras order) to {@link ModelSpec#kernelName},
   * {@link ModelSpec#recurrentKernelName}, {@link ModelSpec#biasName}.
   */
  private static void convLstm2d(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    if (t.hasHead()) {
      throw t.refuse(l, null, "it follows the Conv3D head, which must be the last layer");
    }
    if (t.rank() != 5) {
      throw t.refuse(l, null, "its input is 4-D (a ConvLSTM2D before it returns only the last "
          + "step); ConvLSTM2D needs (batch, time, height, width, channels)");
    }
    boolean first = t.dataFormat(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 2, 0);
    t.requireOnes(l, "strides", 2);
    t.requireOnes(l, "dilation_rate", 2);
    String pad = t.string(l, "padding", "valid");
    Padding padding;
    if (pad.equals("same")) {
      padding = Padding.SAME;
    } else if (pad.equals("valid")) {
      padding = Padding.VALID;
    } else {
      throw t.refuse(l, "padding", "expected same or valid, got '" + pad + "'");
    }
    Activation act = t.activation(l, "activation", t.activationName(l, "activation", "tanh"),
        List.of(Activation.TANH, Activation.RELU, Activation.LINEAR));
    String defaultGate = t.kerasMajor() < 3 ? "hard_sigmoid" : "sigmoid";
    List<Activation> gates = new ArrayList<>(List.of(Activation.SIGMOID,
        Activation.HARD_SIGMOID));
    Arrays.stream(Activation.values()).filter(a -> a.name().equals("HARD_SIGMOID_KERAS3"))
        .forEach(gates::add);
    Activation gate = t.activation(l, "recurrent_activation",
        t.activationName(l, "recurrent_activation", defaultGate), gates);
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
    t.noteTrainingOnly(l, "dropout", "recurrent_dropout", "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint");
    List<KerasWeight> w = t.weights(l, useBias ? 3 : 2,
        useBias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel");
    int kernelIn = w.get(0).value().rank() == 4 ? w.get(0).value().shapeList().get(2) : -1;
    if (!t.started()) {
      int c = kernelIn;
      List<Integer> in = t.declaredInput();
      if (in != null) {
        if (in.size() != 5) {
          throw t.refuse(l, "batch_input_shape", t.declaredBy() + " declares input shape "
              + in + "; ConvLSTM2D needs (batch, time, height, width, channels)");
        }
        int declared = in.get(first ? 2 : 4);
        if (declared > 0 && kernelIn > 0 && declared != kernelIn) {
          throw new KerasFormatException(t.source() + ": " + t.declaredBy()
              + " declares " + declared + " input channels, but the kernel of layer '"
              + l.name() + "' has shape " + w.get(0).value().shapeList() + " (" + kernelIn
              + " input channels)");
        }
        c = declared > 0 ? declared : kernelIn;
      }
      if (c <= 0) {
        throw new KerasFormatException(t.source() + ": cannot tell the input channels of layer '"
            + l.name() + "': expected a 4-D kernel, got " + w.get(0).value().shapeList());
      }
      t.inputChannels(c);
    }
    ConvLstmLayerSpec spec;
    try {
      spec = new ConvLstmLayerSpec(filters, k[0], k[1], padding, act, gate, useBias,
          unitForget, returnSequences);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    int i = t.convLstmLayers();
    t.addLayer(spec);
    t.addWeight(ModelSpec.kernelName(i), w.get(0).value(), l, w.get(0).name());
    t.addWeight(ModelSpec.recurrentKernelName(i), w.get(1).value(), l, w.get(1).name());
    if (useBias) {
      t.addWeight(ModelSpec.biasName(i), w.get(2).value(), l, w.get(2).name());
    }
    t.channels(filters);
    t.rank(returnSequences ? 5 : 4);
  }

  /**
   * {@code BatchNormalization} over the channels, directly after a ConvLSTM2D (dropouts in
   * between are dropped), to {@link BatchNormSpec}. Without {@code scale} gamma is 1, without
   * {@code center} beta is 0: the same function.
   */
  private static void batchNormalization(KerasLayer l, Translation t)
      throws KerasFormatException {
    t.requireFloat32(l);
    LayerSpec last = t.lastLayer();
    if (!(last instanceof ConvLstmLayerSpec)) {
      throw t.refuse(l, null, "batch normalization is supported only directly after a "
          + "ConvLSTM2D layer, got it after " + (last == null ? "the input" : last.kind()));
    }
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
    int i = t.convLstmLayers() - 1;
    int next = 0;
    Tensor gamma;
    if (scale) {
      gamma = w.get(next++).value();
    } else {
      gamma = filled(shape, 1f);
      t.note(l, "scale=false: gamma fixed at 1");
    }
    String gammaName = scale ? w.get(0).name() : "(scale=false)";
    Tensor beta;
    String betaName;
    if (center) {
      betaName = w.get(next).name();
      beta = w.get(next++).value();
    } else {
      beta = filled(shape, 0f);
      betaName = "(center=false)";
      t.note(l, "center=false: beta fixed at 0");
    }
    t.addLayer(spec);
    t.addWeight(ModelSpec.batchNormName(i, "gamma"), gamma, l, gammaName);
    t.addWeight(ModelSpec.batchNormName(i, "beta"), beta, l, betaName);
    t.addWeight(ModelSpec.batchNormName(i, "moving_mean"), w.get(next).value(), l,
        w.get(next).name());
    t.addWeight(ModelSpec.batchNormName(i, "moving_variance"), w.get(next + 1).value(), l,
        w.get(next + 1).name());
  }

  /** {@code Conv3D} as the last layer, SAME padding, stride 1, to {@link Conv3dHeadSpec}. */
  private static void conv3d(KerasLayer l, Translation t) throws KerasFormatException {
    t.requireFloat32(l);
    if (t.hasHead()) {
      throw t.refuse(l, null, "a second Conv3D; only one Conv3D head, as the last layer, is "
          + "supported");
    }
    if (!t.started()) {
      throw t.refuse(l, null, "Conv3D is supported only as the head after ConvLSTM2D layers");
    }
    if (t.rank() != 5) {
      throw t.refuse(l, null, "its input is 4-D (the ConvLSTM2D before it returns only the last "
          + "step)");
    }
    t.dataFormat(l);
    int filters = t.integer(l, "filters");
    int[] k = t.ints(l, "kernel_size", 3, 0);
    t.requireOnes(l, "strides", 3);
    t.requireOnes(l, "dilation_rate", 3);
    JsonNode groups = l.config().get("groups");
    if (groups != null && groups.isIntegralNumber() && groups.asInt() != 1) {
      throw t.refuse(l, "groups", "only 1 is supported, got " + groups);
    }
    String pad = t.string(l, "padding", "valid");
    if (!pad.equals("same")) {
      throw t.refuse(l, "padding", "only 'same' is supported for the Conv3D head, got '" + pad
          + "'");
    }
    List<Activation> allowed = new ArrayList<>(List.of(Activation.LINEAR, Activation.SIGMOID,
        Activation.TANH, Activation.RELU, Activation.HARD_SIGMOID));
    Arrays.stream(Activation.values()).filter(a -> a.name().equals("HARD_SIGMOID_KERAS3"))
        .forEach(allowed::add);
    Activation act = t.activation(l, "activation", t.activationName(l, "activation", "linear"),
        allowed);
    boolean useBias = t.bool(l, "use_bias", true);
    t.noteTrainingOnly(l, "kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint");
    List<KerasWeight> w = t.weights(l, useBias ? 2 : 1, useBias ? "kernel, bias" : "kernel");
    Tensor bias;
    String biasName;
    if (useBias) {
      bias = w.get(1).value();
      biasName = w.get(1).name();
    } else {
      bias = filled(List.of(filters), 0f);
      biasName = "(use_bias=false)";
      t.note(l, "use_bias=false: bias fixed at 0");
    }
    Conv3dHeadSpec spec;
    try {
      spec = new Conv3dHeadSpec(filters, k[0], k[1], k[2], act, TimePadding.SAME);
    } catch (IllegalArgumentException e) {
      throw t.refuse(l, null, e.getMessage());
    }
    t.addLayer(spec);
    t.head(true);
    t.addWeight(ModelSpec.HEAD_KERNEL, w.get(0).value(), l, w.get(0).name());
    t.addWeight(ModelSpec.HEAD_BIAS, bias, l, biasName);
    t.channels(filters);
  }

  private static Tensor filled(List<Integer> shape, float v) {
    int[] s = shape.stream().mapToInt(Integer::intValue).toArray();
    float[] data = new float[Math.toIntExact(Tensor.elementCount(s))];
    Arrays.fill(data, v);
    return Tensor.of(s, data);
  }
}

package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state of one translation of a Keras layer chain: what the layers so far produce (rank,
 * channels, data format), the library layers and weights added, and the notes. Used by the
 * {@link LayerTranslator}s; not thread-safe, used once.
 */
final class Translation {
  private final String source;
  private final int kerasMajor;
  private final List<String> notes = new ArrayList<>();
  private final List<LayerSpec> layers = new ArrayList<>();
  /** Per library layer: its weights' last name parts (kernel, bias, ...) in Keras order. */
  private final List<List<Part>> parts = new ArrayList<>();
  private boolean flatten;
  private List<Integer> declaredInput;
  private String declaredBy;
  private Boolean channelsFirst;
  private int inputChannels = -1;
  private int rank = 5;
  private int channels = -1;
  private int convLstmLayers;
  private boolean head;

  Translation(String source, int kerasMajor) {
    this.source = source;
    this.kerasMajor = kerasMajor;
  }

  String source() {
    return source;
  }

  int kerasMajor() {
    return kerasMajor;
  }

  // ------------------------------------------------------------ shape bookkeeping

  /** Records a declared input shape ({@code batch_input_shape} or {@code batch_shape}). */
  void declareInput(KerasLayer l) {
    JsonNode c = l.config();
    JsonNode s = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
    if (declaredInput == null && s != null && s.isArray()) {
      List<Integer> dims = new ArrayList<>();
      s.forEach(d -> dims.add(d.isIntegralNumber() ? d.asInt() : -1));
      declaredInput = dims;
      declaredBy = "layer '" + l.name() + "' (" + l.className() + ")";
    }
  }

  List<Integer> declaredInput() {
    return declaredInput;
  }

  String declaredBy() {
    return declaredBy;
  }

  boolean started() {
    return !layers.isEmpty();
  }

  int rank() {
    return rank;
  }

  void rank(int r) {
    rank = r;
  }

  int channels() {
    return channels;
  }

  void channels(int c) {
    channels = c;
  }

  int inputChannels() {
    return inputChannels;
  }

  void inputChannels(int c) {
    inputChannels = c;
  }

  boolean hasHead() {
    return head;
  }

  void head(boolean h) {
    head = h;
  }

  int convLstmLayers() {
    return convLstmLayers;
  }

  LayerSpec lastLayer() {
    return layers.isEmpty() ? null : layers.get(layers.size() - 1);
  }

  /** Fixes the data format on first use; refuses a layer that differs from the earlier ones. */
  boolean dataFormat(KerasLayer l) throws KerasFormatException {
    String f = string(l, "data_format", "channels_last");
    boolean first;
    if (f.equals("channels_last")) {
      first = false;
    } else if (f.equals("channels_first")) {
      first = true;
    } else {
      throw refuse(l, "data_format", "expected channels_last or channels_first, got '" + f
          + "'");
    }
    if (channelsFirst == null) {
      channelsFirst = first;
      if (first) {
        note(l, "data_format=channels_first: the Keras model reads (batch, time, channels, "
            + "height, width); the imported model reads channels-last frames, so transpose "
            + "each input frame from (C, H, W) to (H, W, C) and the output back");
      }
    } else if (channelsFirst != first) {
      throw refuse(l, "data_format", "'" + f + "' after layers with '"
          + (channelsFirst ? "channels_first" : "channels_last") + "'; mixed data formats are "
          + "not supported");
    }
    return first;
  }

  boolean channelsFirst() {
    return channelsFirst != null && channelsFirst;
  }

  // ------------------------------------------------------------ output

  /**
   * One weight of a library layer: the last part of its library name ({@code kernel},
   * {@code bias}, ...), its value, and where it came from (for messages).
   */
  record Part(String suffix, Tensor value, String origin) {}

  /** A part taken from a Keras weight. */
  static Part part(String suffix, KerasLayer from, KerasWeight w) {
    return new Part(suffix, w.value(), "layer '" + from.name() + "' (" + from.className()
        + ") weight '" + w.name() + "'");
  }

  /** A part the translation supplies (for example beta = 0 without {@code center}). */
  static Part fixed(String suffix, KerasLayer from, Tensor value, String why) {
    return new Part(suffix, value, "layer '" + from.name() + "' (" + from.className() + ") "
        + why);
  }

  void addLayer(LayerSpec l, List<Part> weights) {
    layers.add(l);
    parts.add(List.copyOf(weights));
    if (l instanceof ConvLstmLayerSpec) {
      convLstmLayers++;
    }
    if (l instanceof io.github.convlstm4j.api.FlattenSpec) {
      flatten = true;
    }
  }

  /**
   * Fixes the input channels from the declared input shape or, without one, from the first
   * layer with weights (its kernel's input channels).
   */
  void ensureInput(KerasLayer l, int kernelInputChannels) throws KerasFormatException {
    if (inputChannels > 0) {
      return;
    }
    int c = kernelInputChannels;
    if (declaredInput != null) {
      if (declaredInput.size() != 5) {
        throw refuse(l, "batch_input_shape", declaredBy + " declares input shape "
            + shapeText(declaredInput) + "; the library's models read (batch, time, height, "
            + "width, channels)");
      }
      int declared = declaredInput.get(channelsFirst() ? 2 : 4);
      if (declared > 0 && kernelInputChannels > 0 && declared != kernelInputChannels) {
        throw new KerasFormatException(source + ": " + declaredBy + " declares " + declared
            + " input channels, but the kernel of layer '" + l.name() + "' takes "
            + kernelInputChannels);
      }
      c = declared > 0 ? declared : kernelInputChannels;
    }
    if (c <= 0) {
      throw new KerasFormatException(source + ": cannot tell the input channels at layer '"
          + l.name() + "' (" + l.className() + "): no declared input shape and no kernel");
    }
    inputChannels = c;
  }

  private static String shapeText(List<Integer> dims) {
    List<String> out = new ArrayList<>();
    dims.forEach(d -> out.add(d < 0 ? "None" : d.toString()));
    return "(" + String.join(", ", out) + ")";
  }

  void note(KerasLayer l, String text) {
    notes.add("layer '" + l.name() + "' (" + l.className() + "): " + text);
  }

  List<String> notes() {
    return notes;
  }

  /**
   * Builds the spec (with the declared input shape when a flatten layer needs it) and names
   * the weights after the spec's layers ({@link ModelSpec#layerName}), checking each shape.
   */
  ImportedModel finish() throws KerasFormatException {
    if (convLstmLayers == 0) {
      throw new KerasFormatException(source + ": no ConvLSTM2D layer: an imported model needs "
          + "at least one, got none");
    }
    ModelSpec spec;
    try {
      ModelSpec.Builder b = ModelSpec.builder(inputChannels);
      layers.forEach(b::addLayer);
      if (flatten) {
        if (declaredInput == null || declaredInput.size() != 5 || declaredInput.get(1) <= 0
            || declaredInput.get(2) <= 0 || declaredInput.get(3) <= 0) {
          throw new KerasFormatException(source + ": the model flattens, so it needs a fixed "
              + "input shape (batch, time, height, width, channels), got "
              + (declaredInput == null ? "none" : shapeText(declaredInput)));
        }
        b.inputShape(declaredInput.get(1), declaredInput.get(2), declaredInput.get(3));
        notes.add("the model flattens: its input shape is fixed at " + declaredInput.get(1)
            + " frames of " + declaredInput.get(2) + "x" + declaredInput.get(3) + "x"
            + inputChannels + ", and it outputs one frame of 1x1xC per sequence");
      }
      spec = b.build();
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(source + ": the layers do not form a model the library "
          + "supports: " + e.getMessage(), e);
    }
    Map<String, List<Integer>> shapes = spec.weightShapes();
    ModelWeights.Builder w = ModelWeights.builder();
    for (int i = 0; i < layers.size(); i++) {
      String name = spec.layerName(i);
      for (Part p : parts.get(i)) {
        String lib = name + "/" + p.suffix();
        List<Integer> want = shapes.get(lib);
        if (want == null) {
          throw new KerasFormatException(source + ": " + p.origin() + " has no place in the "
              + "translated model (as " + lib + ")");
        }
        if (!p.value().shapeList().equals(want)) {
          throw new KerasFormatException(source + ": " + p.origin() + " must have shape "
              + want + " (" + lib + " of the translated model), got " + p.value().shapeList());
        }
        w.put(lib, p.value());
      }
    }
    ModelWeights weights = w.build();
    List<String> problems = weights.problemsAgainst(spec);
    if (!problems.isEmpty()) {
      throw new KerasFormatException(source + ": the file's weights do not fit the translated "
          + "model: " + String.join("; ", problems));
    }
    // In the spec's order.
    ModelWeights.Builder ordered = ModelWeights.builder();
    shapes.keySet().forEach(n -> ordered.put(n, weights.get(n)));
    return new ImportedModel(spec, ordered.build(), notes);
  }

  // ------------------------------------------------------------ reading a config

  KerasFormatException refuse(KerasLayer l, String option, String detail) {
    return new UnsupportedKerasLayerException(source, l.name(), l.className(), option, detail);
  }

  String string(KerasLayer l, String key, String dflt) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw refuse(l, key, "expected a string, got " + n);
    }
    return n.asText().toLowerCase(Locale.ROOT);
  }

  boolean bool(KerasLayer l, String key, boolean dflt) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw refuse(l, key, "expected true or false, got " + n);
    }
    return n.asBoolean();
  }

  double number(KerasLayer l, String key, double dflt) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw refuse(l, key, "expected a number, got " + n);
    }
    return n.asDouble();
  }

  int integer(KerasLayer l, String key) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    if (n == null || !n.isIntegralNumber() || n.asInt() <= 0) {
      throw refuse(l, key, "expected a positive integer, got " + n);
    }
    return n.asInt();
  }

  /** An int or a list of {@code count} ints (kernel_size, strides, dilation_rate). */
  int[] ints(KerasLayer l, String key, int count, int dflt) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    int[] out = new int[count];
    if (n == null || n.isNull()) {
      java.util.Arrays.fill(out, dflt);
      return out;
    }
    if (n.isIntegralNumber()) {
      java.util.Arrays.fill(out, n.asInt());
      return out;
    }
    if (!n.isArray() || n.size() != count) {
      throw refuse(l, key, "expected an integer or a list of " + count + ", got " + n);
    }
    for (int i = 0; i < count; i++) {
      if (!n.get(i).isIntegralNumber() || n.get(i).asInt() <= 0) {
        throw refuse(l, key, "expected positive integers, got " + n);
      }
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  /** Refuses a stride or dilation other than 1. */
  void requireOnes(KerasLayer l, String key, int count) throws KerasFormatException {
    int[] v = ints(l, key, count, 1);
    for (int x : v) {
      if (x != 1) {
        throw refuse(l, key, "only 1 is supported, got " + java.util.Arrays.toString(v));
      }
    }
  }

  /** The activation name of an option (a string, or Keras 3's serialized function). */
  String activationName(KerasLayer l, String key, String dflt) throws KerasFormatException {
    JsonNode n = l.config().get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (n.isTextual()) {
      return n.asText().toLowerCase(Locale.ROOT);
    }
    if (n.isObject() && n.path("config").isTextual()) {
      return n.path("config").asText().toLowerCase(Locale.ROOT);
    }
    throw refuse(l, key, "expected the name of a built-in activation, got " + n);
  }

  /**
   * Maps a Keras activation name. {@code hard_sigmoid} is Keras 2's {@code clip(0.2x + 0.5)}
   * in files written by Keras 1 and 2 and {@code x/6 + 0.5} (clipped) from Keras 3 on, chosen
   * by the file's {@code keras_version}.
   */
  Activation activation(KerasLayer l, String key, String name, List<Activation> allowed)
      throws KerasFormatException {
    Activation a;
    switch (name) {
      case "tanh":
        a = Activation.TANH;
        break;
      case "sigmoid":
        a = Activation.SIGMOID;
        break;
      case "relu":
        a = Activation.RELU;
        break;
      case "linear":
        a = Activation.LINEAR;
        break;
      case "hard_sigmoid":
        a = kerasMajor < 3 ? Activation.HARD_SIGMOID : Activation.HARD_SIGMOID_KERAS3;
        break;
      default:
        throw refuse(l, key, "'" + name + "'; supported: " + names(allowed));
    }
    if (!allowed.contains(a)) {
      throw refuse(l, key, "'" + name + "'; supported here: " + names(allowed));
    }
    return a;
  }

  private static String names(List<Activation> allowed) {
    List<String> out = new ArrayList<>();
    for (Activation a : allowed) {
      out.add(a == Activation.HARD_SIGMOID ? "hard_sigmoid (Keras 1-2)"
          : a == Activation.HARD_SIGMOID_KERAS3 ? "hard_sigmoid (Keras 3)"
          : a.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", out);
  }

  /** Refuses a dtype policy other than float32. */
  void requireFloat32(KerasLayer l) throws KerasFormatException {
    JsonNode n = l.config().get("dtype");
    if (n == null || n.isNull()) {
      return;
    }
    String name = n.isTextual() ? n.asText() : n.path("config").path("name").asText("float32");
    if (!name.equals("float32")) {
      throw refuse(l, "dtype", "only float32 is supported, got '" + name + "'");
    }
  }

  /** The layer's weights, refusing another count. */
  List<KerasWeight> weights(KerasLayer l, int expected, String what)
      throws KerasFormatException {
    if (l.weights().size() != expected) {
      List<String> got = new ArrayList<>();
      l.weights().forEach(w -> got.add(w.name() + " " + w.value().shapeList()));
      throw new KerasFormatException(source + ": layer '" + l.name() + "' (" + l.className()
          + ") must have " + expected + " weights (" + what + "), got " + l.weights().size()
          + (got.isEmpty() ? "" : ": " + got));
    }
    return l.weights();
  }

  /** Notes the options that only matter while training, if set. */
  void noteTrainingOnly(KerasLayer l, String... keys) {
    List<String> set = new ArrayList<>();
    for (String k : keys) {
      JsonNode n = l.config().get(k);
      if (n != null && !n.isNull() && !(n.isNumber() && n.asDouble() == 0)
          && !(n.isBoolean() && !n.asBoolean())) {
        set.add(k + "=" + (n.isObject() ? n.path("class_name").asText(n.toString()) : n));
      }
    }
    if (!set.isEmpty()) {
      note(l, String.join(", ", set) + ": used only in training, ignored (identity at "
          + "inference)");
    }
  }
}

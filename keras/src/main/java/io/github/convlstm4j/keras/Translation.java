package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  private final Map<String, Tensor> weights = new LinkedHashMap<>();
  /** Library weight name to the Keras layer and weight it came from, for messages. */
  private final Map<String, String> origins = new LinkedHashMap<>();
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

  void addLayer(LayerSpec l) {
    layers.add(l);
    if (l instanceof ConvLstmLayerSpec) {
      convLstmLayers++;
    }
  }

  void addWeight(String libraryName, Tensor value, KerasLayer from, String kerasName) {
    weights.put(libraryName, value);
    origins.put(libraryName, "layer '" + from.name() + "' (" + from.className() + ") weight '"
        + kerasName + "'");
  }

  void note(KerasLayer l, String text) {
    notes.add("layer '" + l.name() + "' (" + l.className() + "): " + text);
  }

  List<String> notes() {
    return notes;
  }

  /** Builds the spec and orders and checks the weights against it. */
  ImportedModel finish() throws KerasFormatException {
    if (convLstmLayers == 0) {
      throw new KerasFormatException(source + ": no ConvLSTM2D layer: an imported model must "
          + "start with ConvLSTM2D (after its input and dropouts), got none");
    }
    ModelSpec spec;
    try {
      ModelSpec.Builder b = ModelSpec.builder(inputChannels);
      layers.forEach(b::addLayer);
      spec = b.build();
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(source + ": the layers do not form a model the library "
          + "supports: " + e.getMessage(), e);
    }
    ModelWeights.Builder w = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      Tensor t = weights.get(e.getKey());
      if (t == null) {
        throw new KerasFormatException(source + ": the model needs a weight " + e.getKey() + " "
            + e.getValue() + ", but the file gives none");
      }
      if (!t.shapeList().equals(e.getValue())) {
        throw new KerasFormatException(source + ": " + origins.get(e.getKey())
            + " must have shape " + e.getValue() + " (" + e.getKey() + " of the translated "
            + "model), got " + t.shapeList());
      }
      w.put(e.getKey(), t);
    }
    for (String name : weights.keySet()) {
      if (!spec.weightShapes().containsKey(name)) {
        throw new KerasFormatException(source + ": " + origins.get(name) + " has no place in "
            + "the translated model (as " + name + ")");
      }
    }
    return new ImportedModel(spec, w.build(), notes);
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
        if (kerasMajor < 3) {
          a = Activation.HARD_SIGMOID;
        } else {
          a = keras3HardSigmoid(l, key);
        }
        break;
      default:
        throw refuse(l, key, "'" + name + "'; supported: " + names(allowed));
    }
    if (!allowed.contains(a)) {
      throw refuse(l, key, "'" + name + "'; supported here: " + names(allowed));
    }
    return a;
  }

  /** Keras 3's hard sigmoid, {@code Activation.HARD_SIGMOID_KERAS3} once the library has it. */
  private Activation keras3HardSigmoid(KerasLayer l, String key) throws KerasFormatException {
    for (Activation a : Activation.values()) {
      if (a.name().equals("HARD_SIGMOID_KERAS3")) {
        return a;
      }
    }
    throw refuse(l, key, "'hard_sigmoid' of Keras " + kerasMajor + " (relu6(x + 3) / 6, not "
        + "Keras 2's clip(0.2x + 0.5)) is not in this version of the library");
  }

  private static String names(List<Activation> allowed) {
    List<String> out = new ArrayList<>();
    for (Activation a : allowed) {
      out.add(a == Activation.HARD_SIGMOID ? "hard_sigmoid (Keras 1-2)"
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

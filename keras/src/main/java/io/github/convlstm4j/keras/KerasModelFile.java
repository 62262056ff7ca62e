package io.github.convlstm4j.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.convlstm4j.api.io.Npz;
import io.github.convlstm4j.api.io.NpzContents;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The content of a Keras model file, before translation: Keras version, backend, format, and
 * the layers in model order with their class, name, configuration and weights (in Keras order,
 * with their stored shapes).
 *
 * <p>The format is detected from the file's first bytes, never from its name: an HDF5 file
 * (signature {@code \x89HDF\r\n\x1a\n}) is a Keras 2 / tf.keras full model; a zip archive is a
 * Keras 3 {@code .keras} archive. Layers are matched to their weights by order (and the
 * translation checks every shape), as Keras itself does, never by names alone: real files have
 * weight groups named differently from the configuration.
 *
 * <p>Immutable. Reading is all or nothing: a damaged, truncated or unexpected file throws a
 * {@link KerasFormatException} naming the file and what was expected and found.
 */
public final class KerasModelFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTEGER = Pattern.compile("\\d+");
  private static final Pattern STEM = Pattern.compile("_\\d+$");
  private static final Pattern SUFFIX = Pattern.compile("_(\\d+)$");

  private final Path path;
  private final KerasFormat format;
  private final String kerasVersion;
  private final String backend;
  private final String modelClassName;
  private final List<KerasLayer> layers;

  KerasModelFile(Path path, KerasFormat format, String kerasVersion, String backend,
      String modelClassName, List<KerasLayer> layers) {
    this.path = path;
    this.format = format;
    this.kerasVersion = kerasVersion;
    this.backend = backend;
    this.modelClassName = modelClassName;
    this.layers = List.copyOf(layers);
  }

  /**
   * Reads a Keras model file: a {@code .keras} archive or an HDF5 full model, whatever its
   * name.
   *
   * @param path the file
   * @return its content
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws KerasFormatException naming the file if it is neither format, is damaged, is a
   *     weights-only file (use {@link KerasImport#loadWeights}), or its architecture is not a
   *     plain chain of layers (naming the layer with two inputs)
   * @throws IOException on other read failures
   */
  public static KerasModelFile read(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(8);
    }
    if (Hdf5.isHdf5(head)) {
      return readHdf5(path);
    }
    if (Hdf5.isZip(head)) {
      return readZip(path);
    }
    throw new KerasFormatException(path + ": expected a Keras model file (an HDF5 file starting "
        + "with \\x89HDF or a .keras zip archive starting with PK), got first bytes "
        + hex(head));
  }

  /**
   * The file read.
   *
   * @return its path
   */
  public Path path() {
    return path;
  }

  /**
   * The file's layout.
   *
   * @return {@link KerasFormat#KERAS_ZIP} or {@link KerasFormat#HDF5_MODEL}
   */
  public KerasFormat format() {
    return format;
  }

  /**
   * The Keras version that wrote the file ({@code keras_version}), for example {@code 2.4.0}.
   *
   * @return the version, or {@code "1"} when the file does not say (as Keras assumes)
   */
  public String kerasVersion() {
    return kerasVersion;
  }

  /**
   * The major Keras version.
   *
   * @return the number before the first dot of {@link #kerasVersion()}, 1 if unreadable
   */
  public int kerasMajorVersion() {
    return majorVersion(kerasVersion);
  }

  /**
   * The backend that wrote the file ({@code backend}), for example {@code tensorflow}.
   *
   * @return the backend, or an empty string when the file does not say (.keras archives)
   */
  public String backend() {
    return backend;
  }

  /**
   * The model's class.
   *
   * @return {@code Sequential}, {@code Functional} or {@code Model}
   */
  public String modelClassName() {
    return modelClassName;
  }

  /**
   * The layers in model order, including {@code InputLayer}s as the configuration lists them.
   *
   * @return an unmodifiable list
   */
  public List<KerasLayer> layers() {
    return layers;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("KerasModelFile[").append(path).append(", ")
        .append(format).append(", keras ").append(kerasVersion).append(", ")
        .append(modelClassName).append(":");
    for (KerasLayer l : layers) {
      sb.append(' ').append(l.className()).append(" '").append(l.name()).append('\'');
    }
    return sb.append(']').toString();
  }

  static int majorVersion(String version) {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version.trim() : version.substring(0, dot).trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  // ---------------------------------------------------------------- HDF5 full models

  /**
   * A Keras 2 / tf.keras HDF5 model, as written by {@code save_model_to_hdf5} in
   * keras/src/legacy/saving/legacy_h5_format.py (keras-team/keras at 3422977a, lines 28-76):
   * root attributes {@code model_config} (JSON, lines 56-62), {@code keras_version} and
   * {@code backend}; group {@code model_weights} (line 64) written by
   * {@code save_weights_to_hdf5_group} (lines 206-235).
   */
  private static KerasModelFile readHdf5(Path path) throws IOException {
    String source = path.toString();
    Hdf5.requireComplete(headOf(path), Files.size(path), source);
    try (HdfFile h = new HdfFile(path)) {
      String config = Hdf5.stringAttribute(h, "model_config", source);
      if (config == null) {
        if (h.getAttributes().containsKey("layer_names") || h.getChildren().containsKey("layers")
            || h.getChildren().containsKey("vars")) {
          throw new KerasFormatException(source + ": a weights-only Keras file (no model_config "
              + "attribute): it has no architecture; apply it to a spec with "
              + "KerasImport.loadWeights(path, spec)");
        }
        throw new KerasFormatException(source + ": expected a Keras HDF5 model with a "
            + "model_config attribute, got an HDF5 file with attributes "
            + h.getAttributes().keySet() + " and groups " + h.getChildren().keySet());
      }
      Node mw = h.getChildren().get("model_weights");
      if (!(mw instanceof Group)) {
        throw new KerasFormatException(source + ": expected a group model_weights beside "
            + "model_config, got " + (mw == null ? "none" : "a dataset"));
      }
      String version = firstNonNull(Hdf5.stringAttribute(h, "keras_version", source),
          Hdf5.stringAttribute(mw, "keras_version", source), "1");
      String backend = firstNonNull(Hdf5.stringAttribute(h, "backend", source),
          Hdf5.stringAttribute(mw, "backend", source), "");
      Architecture arch = parseConfig(config, source + ": attribute model_config");
      List<KerasLayer> layers = attachLegacyWeights(arch.layers, (Group) mw, source);
      return new KerasModelFile(path, KerasFormat.HDF5_MODEL, version, backend, arch.className,
          layers);
    } catch (HdfException | IllegalArgumentException | IllegalStateException
        | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw new KerasFormatException(path + ": damaged or truncated HDF5 file: "
          + e.getMessage(), e);
    }
  }

  /**
   * Weights of an HDF5 model or weights-only file, matched to the configuration's layers by
   * order as {@code load_weights_from_hdf5_group} does (legacy_h5_format.py lines 332-399):
   * the group's {@code layer_names} attribute lists the saved layers in model order; each
   * layer's group has a {@code weight_names} attribute (lines 238-255, possibly split into
   * {@code weight_names0, 1, ...} by {@code save_attributes_to_hdf5_group}, lines 288-329) and
   * one dataset per name at that relative path.
   */
  static List<KerasLayer> attachLegacyWeights(List<KerasLayer> configLayers, Group group,
      String source) throws KerasFormatException {
    List<String> names = Hdf5.stringListAttribute(group, "layer_names", source);
    if (names.isEmpty()) {
      throw new KerasFormatException(source + ": expected a layer_names attribute listing the "
          + "saved layers in " + group.getPath() + ", got none");
    }
    List<List<KerasWeight>> saved = new ArrayList<>();
    for (String name : names) {
      saved.add(legacyLayerWeights(group, name, source));
    }
    // Sequential models list no InputLayer in layer_names; functional models do.
    List<Integer> targets = new ArrayList<>();
    for (int i = 0; i < configLayers.size(); i++) {
      targets.add(i);
    }
    if (names.size() != configLayers.size()) {
      targets.removeIf(i -> configLayers.get(i).className().equals("InputLayer"));
    }
    if (names.size() != targets.size()) {
      throw new KerasFormatException(source + ": the configuration has " + targets.size()
          + " layers (besides inputs), but layer_names lists " + names.size() + ": " + names);
    }
    List<KerasLayer> out = new ArrayList<>(configLayers);
    for (int k = 0; k < names.size(); k++) {
      int i = targets.get(k);
      out.set(i, configLayers.get(i).withWeights(saved.get(k)));
    }
    return out;
  }

  static List<KerasWeight> legacyLayerWeights(Group group, String name, String source)
      throws KerasFormatException {
    Node n = Hdf5.child(group, name);
    if (!(n instanceof Group)) {
      throw new KerasFormatException(source + ": layer_names names '" + name + "', but "
          + group.getPath() + " has no group of that name; it has " + group.getChildren()
              .keySet());
    }
    Group lg = (Group) n;
    List<KerasWeight> weights = new ArrayList<>();
    for (String w : Hdf5.stringListAttribute(lg, "weight_names", source)) {
      Node d = Hdf5.child(lg, w);
      if (!(d instanceof Dataset)) {
        throw new KerasFormatException(source + ": weight_names of " + lg.getPath() + " names '"
            + w + "', but there is no dataset of that name");
      }
      weights.add(new KerasWeight(w, Hdf5.floatTensor((Dataset) d, source)));
    }
    return weights;
  }

  // ---------------------------------------------------------------- .keras archives

  /**
   * A {@code .keras} archive as {@code save_model} in keras/src/saving/saving_lib.py
   * (keras-team/keras at 3422977a, lines 75-270) writes it: {@code metadata.json} with
   * {@code keras_version} (lines 152-156), {@code config.json} (line 151), and
   * {@code model.weights.h5} (lines 46-47, 214-233). Read through the project's zip reader
   * ({@link Npz#read}), which checks every entry and its CRC-32 and refuses zip bombs.
   */
  private static KerasModelFile readZip(Path path) throws IOException {
    String source = path.toString();
    NpzContents zip = Npz.read(path);
    for (String entry : List.of("config.json", "model.weights.h5")) {
      if (!zip.hasOtherEntry(entry)) {
        throw new KerasFormatException(source + ": expected a .keras archive with entries "
            + "config.json, metadata.json and model.weights.h5, got entries "
            + entries(zip) + " (missing " + entry + ")");
      }
    }
    String version = "1";
    if (zip.hasOtherEntry("metadata.json")) {
      JsonNode meta = parseJson(zip.otherEntry("metadata.json"), source + ": metadata.json");
      version = meta.path("keras_version").asText("1");
    }
    Architecture arch = parseConfig(
        new String(zip.otherEntry("config.json"), StandardCharsets.UTF_8),
        source + ": config.json");
    String weightsSource = source + ": model.weights.h5";
    byte[] h5 = zip.otherEntry("model.weights.h5");
    Hdf5.requireComplete(java.util.Arrays.copyOf(h5, Math.min(h5.length, 64)), h5.length,
        weightsSource);
    try (HdfFile h = HdfFile.fromBytes(h5)) {
      List<KerasLayer> layers = attachV3Weights(arch.layers, arch.className, h, weightsSource);
      return new KerasModelFile(path, KerasFormat.KERAS_ZIP, version, "", arch.className,
          layers);
    } catch (HdfException | IllegalArgumentException | IllegalStateException
        | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw new KerasFormatException(weightsSource + ": damaged or truncated HDF5 data: "
          + e.getMessage(), e);
    }
  }

  /**
   * Weights in the layout of saving_lib's {@code H5IOStore} (lines 1289-1480): each
   * saveable's own variables are datasets {@code 0, 1, ...} in a group {@code <path>/vars}
   * (lines 1433-1442, {@code Layer.save_own_variables} in keras/src/layers/layer.py lines
   * 1460-1471), and its children follow under {@code <path>/<attribute>} in sorted attribute
   * order (the {@code _walk_saveable} of lines 738-765, e.g. a ConvLSTM2D's {@code cell}).
   * The model's layers are {@code layers/<snake_case class name>[_<n>]}, numbered per class in
   * model order ({@code _save_container_state}, lines 957-1002, {@code _get_unique_name},
   * lines 937-942). tf.keras 2.13 wrote {@code _layer_checkpoint_dependencies/<layer name>}
   * instead (as the reader's 2.13 fallback, lines 1409-1416, accepts), with {@code \} as the
   * separator when saved on Windows, and its group names need not be the configuration's
   * (a real file stores layer {@code dense_1} as {@code dense_2}). So the saved groups are
   * matched by order within each class (groups sorted by their numeric suffix), by name only
   * when a class has fewer groups with weights than layers; a group with weights that matches
   * no layer is an error, and the translation checks every shape.
   */
  static List<KerasLayer> attachV3Weights(List<KerasLayer> configLayers, String modelClass,
      Group h, String source) throws KerasFormatException {
    Map<String, Dataset> vars = new TreeMap<>();
    collectVars(h, "", vars);
    String root = null;
    for (String k : vars.keySet()) {
      String first = k.substring(0, k.indexOf('/'));
      if (first.equals("layers") || first.equals("_layer_checkpoint_dependencies")) {
        root = first;
        break;
      }
    }
    // The saved layers with weights, per class stem ("dense" for dense, dense_2, ...).
    Map<String, List<String>> groupsByStem = new TreeMap<>();
    if (root != null) {
      java.util.Set<String> groups = new java.util.TreeSet<>();
      for (String k : vars.keySet()) {
        if (k.startsWith(root + "/")) {
          String rest = k.substring(root.length() + 1);
          groups.add(rest.substring(0, rest.indexOf('/')));
        }
      }
      for (String g : groups) {
        groupsByStem.computeIfAbsent(STEM.matcher(g).replaceFirst(""), x -> new ArrayList<>())
            .add(g);
      }
      groupsByStem.values().forEach(l -> l.sort(Comparator.comparingLong(g -> {
        java.util.regex.Matcher m = SUFFIX.matcher(g);
        return m.find() ? Long.parseLong(m.group(1)) : 0L;
      })));
    }
    // The configuration's layers, numbered per class as saving_lib names them.
    Map<String, Integer> used = new HashMap<>();
    Map<String, List<Integer>> layersByStem = new LinkedHashMap<>();
    List<String> kerasNames = new ArrayList<>();
    for (int i = 0; i < configLayers.size(); i++) {
      KerasLayer l = configLayers.get(i);
      if (l.className().equals("InputLayer") && modelClass.equals("Sequential")) {
        kerasNames.add(null);
        continue;
      }
      String snake = snakeCase(l.className());
      Integer seen = used.get(snake);
      kerasNames.add(seen == null ? snake : snake + "_" + (seen + 1));
      used.put(snake, seen == null ? 0 : seen + 1);
      layersByStem.computeIfAbsent(snake, x -> new ArrayList<>()).add(i);
    }
    // Per class: as many saved groups as layers -> by order; else by name.
    String[] assigned = new String[configLayers.size()];
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (Map.Entry<String, List<Integer>> e : layersByStem.entrySet()) {
      List<String> groups = groupsByStem.getOrDefault(e.getKey(), List.of());
      List<Integer> idx = e.getValue();
      for (int j = 0; j < idx.size(); j++) {
        int i = idx.get(j);
        String g;
        if (groups.size() == idx.size()) {
          g = groups.get(j);
        } else {
          String byName = groups.contains(kerasNames.get(i)) ? kerasNames.get(i) : null;
          g = byName != null ? byName
              : groups.contains(configLayers.get(i).name()) ? configLayers.get(i).name() : null;
        }
        if (g != null && taken.add(g)) {
          assigned[i] = g;
        }
      }
    }
    List<String> left = new ArrayList<>();
    groupsByStem.values().forEach(l -> l.stream().filter(g -> !taken.contains(g))
        .forEach(left::add));
    if (!left.isEmpty()) {
      throw new KerasFormatException(source + ": saved weights under " + root + "/" + left
          + " match no layer of the configuration " + kerasNames);
    }
    List<KerasLayer> out = new ArrayList<>();
    for (int i = 0; i < configLayers.size(); i++) {
      KerasLayer l = configLayers.get(i);
      out.add(assigned[i] == null ? l
          : l.withWeights(varsUnder(vars, root + "/" + assigned[i], source)));
    }
    return out;
  }

  /** Every dataset in a {@code vars} group, by its path with {@code \} read as {@code /}. */
  private static void collectVars(Group g, String prefix, Map<String, Dataset> out) {
    for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
      String p = prefix + e.getKey().replace('\\', '/');
      if (e.getValue() instanceof Group) {
        collectVars((Group) e.getValue(), p + "/", out);
      } else if (e.getValue() instanceof Dataset && p.contains("vars/")) {
        out.put(p, (Dataset) e.getValue());
      }
    }
  }

  /**
   * The variables of the saveable at {@code prefix}: its own {@code vars/<i>} by index, then
   * its children's in sorted path order.
   */
  private static List<KerasWeight> varsUnder(Map<String, Dataset> vars, String prefix,
      String source) throws KerasFormatException {
    String start = prefix + "/";
    List<String> keys = new ArrayList<>();
    for (String k : vars.keySet()) {
      if (k.startsWith(start)) {
        keys.add(k);
      }
    }
    Comparator<String> order = Comparator.comparing((String k) -> k.substring(0,
        k.lastIndexOf("vars/")), Comparator.comparing(KerasModelFile::childKey))
        .thenComparingLong(k -> {
          String last = k.substring(k.lastIndexOf('/') + 1);
          return INTEGER.matcher(last).matches() ? Long.parseLong(last) : Long.MAX_VALUE;
        });
    keys.sort(order);
    List<KerasWeight> out = new ArrayList<>();
    for (String k : keys) {
      out.add(new KerasWeight(k.substring(start.length()),
          Hdf5.floatTensor(vars.get(k), source)));
    }
    return out;
  }

  /** Own variables first, then children; a private child ({@code _x}) after the others. */
  private static String childKey(String owner) {
    StringBuilder sb = new StringBuilder();
    for (String part : owner.split("/")) {
      sb.append(part.startsWith("_") ? "~" + part : part).append('/');
    }
    return sb.toString();
  }

  /** Keras' {@code naming.to_snake_case} (keras/src/utils/naming.py lines 27-31). */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  // ---------------------------------------------------------------- configuration

  /** The model class and its layers (without weights). */
  record Architecture(String className, List<KerasLayer> layers) {}

  static Architecture parseConfig(String json, String source) throws KerasFormatException {
    JsonNode root = parseJson(json.getBytes(StandardCharsets.UTF_8), source);
    String cls = root.path("class_name").asText("");
    JsonNode config = root.path("config");
    JsonNode list = config.isArray() ? config : config.path("layers");
    if (!list.isArray() || list.isEmpty()) {
      throw new KerasFormatException(source + ": expected a model configuration with a list "
          + "of layers under config.layers, got class_name '" + cls + "' and config keys "
          + fieldNames(config));
    }
    List<KerasLayer> layers = new ArrayList<>();
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    for (JsonNode entry : list) {
      String lc = entry.path("class_name").asText("");
      JsonNode lcfg = entry.path("config");
      String name = lcfg.path("name").asText(entry.path("name").asText(""));
      if (lc.isEmpty() || !lcfg.isObject()) {
        throw new KerasFormatException(source + ": layer " + layers.size() + " must have a "
            + "class_name and a config object, got " + abbreviate(entry.toString()));
      }
      layers.add(new KerasLayer(lc, name, lcfg, List.of()));
      inputs.put(name, inboundNames(entry.path("inbound_nodes")));
    }
    if (cls.equals("Sequential")) {
      return new Architecture(cls, layers);
    }
    if (!cls.equals("Functional") && !cls.equals("Model")) {
      throw new KerasFormatException(source + ": expected a Sequential or Functional model, got "
          + "class_name '" + cls + "'");
    }
    requireChain(layers, inputs, config, source);
    return new Architecture(cls, layers);
  }

  /** Names of the layers feeding a functional layer, Keras 2 and Keras 3 node formats. */
  private static List<String> inboundNames(JsonNode nodes) {
    List<String> names = new ArrayList<>();
    collectInbound(nodes, names, 0);
    return names;
  }

  private static void collectInbound(JsonNode n, List<String> names, int depth) {
    if (n.isObject()) {
      JsonNode history = n.get("keras_history");
      if (history != null && history.isArray() && history.size() > 0) {
        names.add(history.get(0).asText());
        return;
      }
      n.forEach(c -> collectInbound(c, names, depth + 1));
    } else if (n.isArray()) {
      // Keras 2: [layer_name, node_index, tensor_index, kwargs]
      if (n.size() >= 3 && n.get(0).isTextual() && n.get(1).isIntegralNumber()) {
        names.add(n.get(0).asText());
        return;
      }
      n.forEach(c -> collectInbound(c, names, depth + 1));
    }
  }

  private static void requireChain(List<KerasLayer> layers, Map<String, List<String>> inputs,
      JsonNode config, String source) throws KerasFormatException {
    List<String> modelInputs = inboundNamesOfRefs(config.path("input_layers"));
    if (modelInputs.size() > 1) {
      throw new KerasFormatException(source + ": the model has " + modelInputs.size()
          + " inputs " + modelInputs + "; only a plain chain with one input can be imported");
    }
    for (int i = 1; i < layers.size(); i++) {
      KerasLayer l = layers.get(i);
      List<String> in = inputs.get(l.name());
      if (l.className().equals("InputLayer")) {
        throw new UnsupportedKerasLayerException(source, l.name(), l.className(), null,
            "a second model input; only a plain chain with one input can be imported");
      }
      if (in.size() != 1) {
        throw new UnsupportedKerasLayerException(source, l.name(), l.className(), null,
            "it takes " + in.size() + " inputs " + in + "; only a plain chain of layers, each "
                + "fed by the one before, can be imported");
      }
      if (!in.get(0).equals(layers.get(i - 1).name())) {
        throw new UnsupportedKerasLayerException(source, l.name(), l.className(), null,
            "it is fed by '" + in.get(0) + "', expected the layer before it, '"
                + layers.get(i - 1).name() + "'; only a plain chain of layers can be imported");
      }
    }
    List<String> outputs = inboundNamesOfRefs(config.path("output_layers"));
    String last = layers.get(layers.size() - 1).name();
    if (!outputs.isEmpty() && !outputs.equals(List.of(last))) {
      throw new KerasFormatException(source + ": the model's outputs are " + outputs
          + ", expected the last layer '" + last + "' alone; only a plain chain can be imported");
    }
  }

  /** {@code [["name", 0, 0], ...]} or {@code ["name", 0, 0]}. */
  private static List<String> inboundNamesOfRefs(JsonNode refs) {
    List<String> out = new ArrayList<>();
    if (refs.isArray() && refs.size() > 0 && refs.get(0).isTextual()) {
      out.add(refs.get(0).asText());
    } else if (refs.isArray()) {
      for (JsonNode r : refs) {
        if (r.isArray() && r.size() > 0) {
          out.add(r.get(0).asText());
        }
      }
    }
    return out;
  }

  static JsonNode parseJson(byte[] bytes, String source) throws KerasFormatException {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new KerasFormatException(source + ": expected a JSON object, got "
            + (n == null ? "nothing" : n.getNodeType()));
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new KerasFormatException(source + ": expected JSON, got a syntax error: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new KerasFormatException(source + ": unreadable JSON: " + e.getMessage(), e);
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return Collections.unmodifiableList(out);
  }

  private static String entries(NpzContents zip) {
    List<String> names = new ArrayList<>(zip.otherEntryNames());
    zip.arrays().keySet().forEach(k -> names.add(k + ".npy"));
    return names.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x ", x & 0xff));
    }
    return sb.toString().trim();
  }

  static byte[] headOf(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(64);
    }
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}

package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our exports have the layout of the files Keras itself wrote: each real file of
 * ../shared/keras-real (other people's files, written by Keras 2.4 to 3.12; the test skips when
 * the folder is absent) is imported, exported again in its own container, and the two files'
 * structures are compared with what Keras' loaders read — the expected side is the file Keras
 * wrote, not our code:
 *
 * <ul>
 *   <li>HDF5 models ({@code keras/src/legacy/saving/legacy_h5_format.py}
 *       {@code load_model_from_hdf5} and {@code load_weights_from_hdf5_group}, Keras 3.x; the
 *       same names in tf.keras 2.x {@code hdf5_format.py}): the root attributes
 *       {@code model_config}, {@code keras_version}, {@code backend}; the {@code model_weights}
 *       group's {@code layer_names}, {@code keras_version}, {@code backend}; per layer with
 *       weights, its {@code weight_names} in order, each naming a float32 dataset of the shape
 *       Keras wrote;
 *   <li>{@code .keras} archives ({@code saving_lib.py}): the entries {@code config.json},
 *       {@code metadata.json}, {@code model.weights.h5}, and in the weights file the
 *       {@code vars} datasets of every layer, in order and of the shapes Keras wrote;
 *   <li>both: the model config names the same chain of layer classes (dropped identity layers
 *       such as {@code Dropout} aside), and every config key we write for a layer class is a
 *       key that Keras wrote for that class in the original file (so a loader of that era
 *       meets no unknown constructor argument).
 * </ul>
 */
class ExportLayoutMatchesKerasTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Layer classes that import drops (identity at inference) or that carry no layer. */
  private static final Set<String> DROPPED = Set.of("InputLayer", "Dropout", "SpatialDropout1D",
      "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout");

  /**
   * Keys a loader accepts although the real file of another Keras generation did not write
   * them: Keras 3's {@code Dense.__init__(..., activity_regularizer=None, ...)}
   * (keras/src/layers/core/dense.py) takes the key that our Keras 2.15-style config writes,
   * while Keras 3.12 left it out of the config when None (cti_k3121.h5).
   */
  private static final Map<String, Set<String>> ACCEPTED = Map.of("Dense",
      Set.of("activity_regularizer"));

  private static Path real(String name) {
    Path folder = Path.of(System.getProperty("convlstm4j.kerasReal", "../../shared/keras-real"));
    if (!Files.isDirectory(folder)) {
      folder = Path.of("../shared/keras-real");
    }
    Path p = folder.resolve(name);
    assumeTrue(Files.isRegularFile(p), "real Keras file absent: " + p);
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vad_ucsd_tfk240.hdf5", "har_stp_tfk270.h5",
      "sst_ohw_tfk2100_h5named.keras", "cti_k3121.h5"})
  void hdf5ExportHasKerasLayout(String name, @TempDir Path dir) throws IOException {
    Path original = real(name);
    ImportedModel m = KerasImport.load(original);
    Path ours = dir.resolve("ours.h5");
    KerasExport.writeH5(m.spec(), m.weights(), ours);
    try (HdfFile theirs = new HdfFile(original); HdfFile mine = new HdfFile(ours)) {
      for (String a : List.of("model_config", "keras_version", "backend")) {
        assertTrue(theirs.getAttributes().containsKey(a), "Keras wrote root attribute " + a);
        assertTrue(mine.getAttributes().containsKey(a), "root attribute " + a);
      }
      Group theirWeights = (Group) theirs.getChild("model_weights");
      Group myWeights = (Group) mine.getChild("model_weights");
      for (String a : List.of("layer_names", "keras_version", "backend")) {
        assertTrue(myWeights.getAttributes().containsKey(a), "model_weights attribute " + a);
      }
      assertEquals(h5WeightShapes(theirWeights), h5WeightShapes(myWeights),
          "per layer with weights: the weight shapes in weight_names order");
      compareConfigs(config(theirs), config(mine));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pfi_tfk2131.keras"})
  void kerasArchiveExportHasKerasLayout(String name, @TempDir Path dir) throws IOException {
    Path original = real(name);
    ImportedModel m = KerasImport.load(original);
    Path ours = dir.resolve("ours.keras");
    KerasExport.writeKeras(m.spec(), m.weights(), ours);
    try (ZipFile theirs = new ZipFile(original.toFile()); ZipFile mine = new ZipFile(
        ours.toFile())) {
      Set<String> entries = new TreeSet<>();
      mine.stream().forEach(e -> entries.add(e.getName()));
      assertEquals(Set.of("config.json", "metadata.json", "model.weights.h5"), entries);
      assertTrue(json(mine, "metadata.json").has("keras_version"), "metadata keras_version");
      assertEquals(archiveWeightShapes(theirs, dir.resolve("theirs.weights.h5"), false),
          archiveWeightShapes(mine, dir.resolve("mine.weights.h5"), true),
          "per layer with weights: the vars shapes in order");
      compareConfigs(json(theirs, "config.json"), json(mine, "config.json"));
    }
  }

  /** The model config: the root attribute's JSON. */
  private static JsonNode config(HdfFile f) throws IOException {
    Attribute a = f.getAttribute("model_config");
    Object data = a.getData();
    String text = data instanceof String s ? s : new String((byte[]) data,
        java.nio.charset.StandardCharsets.UTF_8);
    return JSON.readTree(text);
  }

  private static JsonNode json(ZipFile zip, String entry) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    assertTrue(e != null, "entry " + entry);
    try (InputStream in = zip.getInputStream(e)) {
      return JSON.readTree(in);
    }
  }

  /** {@code layer_names} order, layers with weights only: each layer's weight shapes. */
  private static List<List<List<Integer>>> h5WeightShapes(Group weights) {
    List<List<List<Integer>>> out = new ArrayList<>();
    for (String layer : strings(weights.getAttribute("layer_names").getData())) {
      Group g = (Group) weights.getChild(layer);
      List<List<Integer>> shapes = new ArrayList<>();
      // Keras' load_attributes_from_hdf5_group reads an absent attribute as [] (our export
      // writes none for a layer without weights: jHDF cannot write an empty string array).
      Attribute names = g.getAttribute("weight_names");
      for (String w : names == null ? List.<String>of() : strings(names.getData())) {
        Node n = g.getByPath(w);
        assertTrue(n instanceof Dataset, layer + ": weight " + w + " is a dataset");
        Dataset d = (Dataset) n;
        assertEquals(float.class, d.getJavaType(), layer + ": " + w + " is float32");
        shapes.add(Arrays.stream(d.getDimensions()).boxed().toList());
      }
      if (!shapes.isEmpty()) {
        out.add(shapes);
      }
    }
    return out;
  }

  /**
   * The {@code .keras} weights file: the {@code vars} shapes by index of each layer of the
   * config's chain that has weights, found by the layer's name as Keras' loader finds it (the
   * group {@code _layer_checkpoint_dependencies/<name>} of tf.keras 2.13 or
   * {@code layers/<name>} of Keras 3, Windows separators read as {@code /}); the optimizer,
   * metrics and the model's own {@code vars} are left out (we write no training state).
   * {@code strict}: every layer's group has its config name (our export); otherwise a layer
   * whose name has no group takes the remaining groups in name order (the real file names
   * its last Dense {@code dense_1} in the config and {@code dense_2} in the weights).
   */
  private static List<List<List<Integer>>> archiveWeightShapes(ZipFile zip, Path tmp,
      boolean strict) throws IOException {
    try (InputStream in = zip.getInputStream(zip.getEntry("model.weights.h5"))) {
      Files.copy(in, tmp);
    }
    Map<String, TreeMap<Integer, List<Integer>>> byLayer = new TreeMap<>();
    try (HdfFile h = new HdfFile(tmp)) {
      collect(h, byLayer);
    }
    List<List<List<Integer>>> out = new ArrayList<>();
    List<Integer> unnamed = new ArrayList<>();
    for (JsonNode l : layers(json(zip, "config.json"))) {
      TreeMap<Integer, List<Integer>> vars = byLayer.remove(l.get("config").get("name")
          .asText());
      if (vars != null) {
        out.add(new ArrayList<>(vars.values()));
      } else if (!strict && !l.get("class_name").asText().equals("Flatten")) {
        unnamed.add(out.size());
        out.add(null);
      }
    }
    Iterator<TreeMap<Integer, List<Integer>>> rest = byLayer.values().iterator();
    for (int i : unnamed) {
      out.set(i, rest.hasNext() ? new ArrayList<>(rest.next().values()) : null);
    }
    out.removeIf(java.util.Objects::isNull);
    assertEquals(strict ? Set.of() : byLayer.keySet(), byLayer.keySet(),
        "weights of layers the config does not name");
    if (!strict) {
      assertTrue(!rest.hasNext(), "groups left over: " + byLayer.keySet());
    }
    return out;
  }

  private static void collect(Group g, Map<String, TreeMap<Integer, List<Integer>>> byLayer) {
    for (Node n : g.getChildren().values()) {
      String path = n.getPath().replace('\\', '/');
      if (path.startsWith("/optimizer") || path.startsWith("/metrics")
          || path.equals("/vars") || path.startsWith("/vars/")) {
        continue;
      }
      if (n instanceof Group child) {
        collect(child, byLayer);
      } else if (n instanceof Dataset d) {
        int cut = path.lastIndexOf("/vars/");
        assertTrue(cut > 0, "a weight sits in a vars group: " + path);
        String layerPath = path.substring(0, cut).replaceAll("/cell$", "");
        String layer = layerPath.substring(layerPath.lastIndexOf('/') + 1);
        assertEquals(float.class, d.getJavaType(), path + " is float32");
        byLayer.computeIfAbsent(layer, k -> new TreeMap<>()).put(
            Integer.parseInt(path.substring(cut + 6)),
            Arrays.stream(d.getDimensions()).boxed().toList());
      }
    }
  }

  private static List<String> strings(Object data) {
    List<String> out = new ArrayList<>();
    if (data == null) {
      return out; // jHDF reads an empty string array (a layer without weights) as null
    } else if (data instanceof String[] a) {
      out.addAll(Arrays.asList(a));
    } else if (data instanceof Object[] a) {
      for (Object o : a) {
        out.add(o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
            : o.toString());
      }
    } else {
      throw new AssertionError("a string array attribute, got " + data);
    }
    return out;
  }

  /** The layer chain of a Sequential or functional config. */
  private static List<JsonNode> layers(JsonNode model) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode l : model.get("config").get("layers")) {
      JsonNode inner = l.get("config").get("layer");
      String cls = inner != null ? inner.get("class_name").asText() : l.get("class_name")
          .asText();
      if (!DROPPED.contains(cls)) {
        out.add(l);
      }
    }
    return out;
  }

  private static void compareConfigs(JsonNode theirs, JsonNode mine) {
    assertEquals(theirs.get("class_name").asText().equals("Functional") ? "Functional"
        : "Sequential", mine.get("class_name").asText(), "model class");
    List<JsonNode> a = layers(theirs);
    List<JsonNode> b = layers(mine);
    List<String> classesA = a.stream().map(ExportLayoutMatchesKerasTest::className).toList();
    List<String> classesB = b.stream().map(ExportLayoutMatchesKerasTest::className).toList();
    assertEquals(classesA, classesB, "layer chain");
    Map<String, Set<String>> known = new HashMap<>();
    for (JsonNode l : a) {
      known.computeIfAbsent(className(l), k -> new TreeSet<>()).addAll(keys(l));
    }
    for (JsonNode l : b) {
      Set<String> extra = new TreeSet<>(keys(l));
      extra.removeAll(known.get(className(l)));
      extra.removeAll(ACCEPTED.getOrDefault(className(l), Set.of()));
      assertEquals(Set.of(), extra, className(l) + ": config keys Keras did not write");
    }
  }

  /** The class, with the wrapped layer's class for TimeDistributed. */
  private static String className(JsonNode l) {
    String c = l.get("class_name").asText();
    if (c.equals("TimeDistributed")) {
      c += "(" + l.get("config").get("layer").get("class_name").asText() + ")";
    }
    return c;
  }

  /** Config keys, with the wrapped layer's keys prefixed for TimeDistributed. */
  private static Set<String> keys(JsonNode l) {
    Set<String> out = new TreeSet<>();
    Iterator<String> it = l.get("config").fieldNames();
    it.forEachRemaining(out::add);
    JsonNode inner = l.get("config").get("layer");
    if (inner != null) {
      inner.get("config").fieldNames().forEachRemaining(k -> out.add("layer." + k));
    }
    return out;
  }
}

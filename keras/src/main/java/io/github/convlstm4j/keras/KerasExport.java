package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.PendingFile;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a model as Keras files: the way out.
 *
 * <ul>
 *   <li>{@link #writeH5}: a Keras 2 / tf.keras HDF5 full model ({@code model_config},
 *       {@code keras_version}, {@code backend}, {@code model_weights} with {@code layer_names}
 *       and {@code weight_names}), loadable with {@code keras.models.load_model};
 *   <li>{@link #writeKeras}: a {@code .keras} archive ({@code metadata.json},
 *       {@code config.json}, {@code model.weights.h5}) in saving_lib's layout.
 * </ul>
 *
 * <p>The model is written as a Sequential model: an {@code InputLayer} with the input channels
 * (time, height and width left open unless the spec fixes its input shape), then one Keras
 * layer per layer spec, named as Keras names them ({@code conv_lstm2d}, {@code conv_lstm2d_1},
 * {@code batch_normalization}, ..., {@code conv3d}). Frame-wise layers on a sequence are
 * wrapped in {@code TimeDistributed} ({@code Conv2D}, {@code Conv2DTranspose}) or written as
 * {@code MaxPooling3D} with a time pool of 1; on the single frame a last-step-only ConvLSTM2D
 * leaves they stand alone; {@code Flatten}, {@code Dense}, {@code LayerNormalization},
 * {@code Softmax} and {@code Activation} are written as they are. Weights are written as
 * float32, bit for bit.
 *
 * <p>Keras' {@code hard_sigmoid} changed meaning in Keras 3 (from {@code clip(0.2x + 0.5)} to
 * {@code relu6(x + 3) / 6}), and the files say which by their {@code keras_version}. A model
 * with {@link Activation#HARD_SIGMOID} (Keras 2's) is therefore written with a Keras 2 version
 * ({@code 2.15.0} in {@code .h5}; in {@code .keras}, tf.keras 2.13.1's layout and version):
 * tf.keras 2 computes it exactly and this library reads it back exactly, but <b>Keras 3
 * loading such a file applies its own hard sigmoid</b>, so for Keras 3 train with
 * {@link Activation#SIGMOID}. A model using both definitions cannot be written. A Conv3D head
 * with {@link TimePadding#CAUSAL} time padding has no Keras equivalent and is refused.
 *
 * <p>Files are written atomically ({@link PendingFile}): on failure an existing file is left
 * unchanged.
 */
public final class KerasExport {
  private static final Logger LOG = LoggerFactory.getLogger(KerasExport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The version written into Keras 2 HDF5 files (the last tf.keras 2 release). */
  static final String KERAS2_VERSION = "2.15.0";
  /** The version of the tf.keras release that wrote the first {@code .keras} archives. */
  static final String TF_KERAS_V3_VERSION = "2.13.1";
  /** The Keras 3 version written into {@code .keras} archives (layout as saving_lib's). */
  static final String KERAS3_VERSION = "3.12.1";

  private KerasExport() {}

  /** Which Keras a file is written for. */
  private enum Flavour {
    /** Keras 2 / tf.keras, HDF5 full model. */
    KERAS2_H5,
    /** tf.keras 2.13 {@code .keras} archive. */
    TF_KERAS_ZIP,
    /** Keras 3 {@code .keras} archive. */
    KERAS3_ZIP;

    boolean zip() {
      return this != KERAS2_H5;
    }

    boolean keras3() {
      return this == KERAS3_ZIP;
    }
  }

  /**
   * Writes a Keras 2 / tf.keras HDF5 full model, the layout of {@code save_model_to_hdf5} in
   * keras/src/legacy/saving/legacy_h5_format.py (keras-team/keras at 3422977a, lines 28-76 and
   * 206-255): root attributes {@code model_config} (JSON), {@code keras_version},
   * {@code backend}; group {@code model_weights} with attributes {@code layer_names},
   * {@code keras_version}, {@code backend}; per layer a group with a {@code weight_names}
   * attribute and datasets {@code <layer>/<layer>/<var>:0}. No optimizer state and no
   * {@code training_config} are written (load with {@code compile=False}).
   *
   * @param spec the architecture
   * @param weights weights fitting the spec
   * @param path the file to create or replace
   * @throws IllegalArgumentException if the weights do not fit the spec, or the spec has what
   *     Keras cannot express (naming the layer and option)
   * @throws IOException on write failure; an existing file is then unchanged
   */
  public static void writeH5(ModelSpec spec, ModelWeights weights, Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Flavour flavour = Flavour.KERAS2_H5;
    String version = keras3HardSigmoid(spec) ? KERAS3_VERSION : KERAS2_VERSION;
    List<Exported> layers = exported(spec, weights, flavour);
    String config = modelConfig(spec, layers, flavour).toString();
    writeAtomically(path, tmp -> {
      try (WritableHdfFile h = HdfFile.write(tmp)) {
        h.putAttribute("backend", "tensorflow");
        h.putAttribute("keras_version", version);
        h.putAttribute("model_config", config);
        WritableGroup mw = h.putGroup("model_weights");
        List<String> names = new ArrayList<>();
        layers.forEach(l -> names.add(l.name));
        mw.putAttribute("backend", "tensorflow");
        mw.putAttribute("keras_version", version);
        mw.putAttribute("layer_names", names.toArray(new String[0]));
        for (Exported l : layers) {
          WritableGroup g = mw.putGroup(l.name);
          List<String> wn = new ArrayList<>();
          for (int i = 0; i < l.tensors.size(); i++) {
            wn.add(l.name + "/" + l.varNames.get(i) + ":0");
          }
          if (wn.isEmpty()) {
            // Keras writes np.asarray([]) here; jHDF 0.13.0 cannot write an empty array, and
            // Keras' load_attributes_from_hdf5_group reads an absent attribute as [] too.
            continue;
          }
          g.putAttribute("weight_names", wn.toArray(new String[0]));
          WritableGroup inner = g.putGroup(l.name);
          for (int i = 0; i < l.tensors.size(); i++) {
            inner.putDataset(l.varNames.get(i) + ":0", nested(l.tensors.get(i)));
          }
        }
      }
    });
    LOG.debug("wrote Keras HDF5 model {} (keras_version {}): {} layers", path, version,
        layers.size());
  }

  /**
   * Writes a {@code .keras} archive as {@code save_model} in keras/src/saving/saving_lib.py
   * (keras-team/keras at 3422977a, lines 75-270) does: {@code metadata.json} with
   * {@code keras_version} and {@code date_saved}, {@code config.json}, and
   * {@code model.weights.h5} with each layer's variables in
   * {@code layers/<name>[/cell]/vars/<i>} (H5IOStore, lines 1289-1480; tf.keras 2.13 wrote
   * {@code _layer_checkpoint_dependencies/<name>} instead). Entries are stored uncompressed, as
   * Keras writes them.
   *
   * @param spec the architecture
   * @param weights weights fitting the spec
   * @param path the file to create or replace
   * @throws IllegalArgumentException if the weights do not fit the spec, or the spec has what
   *     Keras cannot express (naming the layer and option)
   * @throws IOException on write failure; an existing file is then unchanged
   */
  public static void writeKeras(ModelSpec spec, ModelWeights weights, Path path)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Flavour flavour = keras2HardSigmoid(spec) ? Flavour.TF_KERAS_ZIP : Flavour.KERAS3_ZIP;
    if (flavour == Flavour.TF_KERAS_ZIP) {
      LOG.warn("{}: the model uses Keras 2's hard sigmoid, so it is written as tf.keras {} "
          + "wrote .keras files; Keras 3 would load it with its own hard_sigmoid (x/6 + 0.5)",
          path, TF_KERAS_V3_VERSION);
    }
    String version = flavour.keras3() ? KERAS3_VERSION : TF_KERAS_V3_VERSION;
    List<Exported> layers = exported(spec, weights, flavour);
    byte[] config = JSON.writeValueAsBytes(modelConfig(spec, layers, flavour));
    ObjectNode meta = NODES.objectNode();
    meta.put("keras_version", version);
    meta.put("date_saved", java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    byte[] metadata = JSON.writeValueAsBytes(meta);
    String root = flavour.keras3() ? "layers" : "_layer_checkpoint_dependencies";
    Path tmp = Files.createTempFile("convlstm4j-keras-", ".weights.h5");
    byte[] h5;
    try {
      try (WritableHdfFile h = HdfFile.write(tmp)) {
        // No empty root "vars" group (the model's own variables; Keras' reader does not need
        // it): jHDF 0.13.0 writes an empty group created at the root before a sibling group as
        // a broken object header that neither jHDF nor h5py can read.
        WritableGroup all = h.putGroup(root);
        for (Exported l : layers) {
          WritableGroup g = all.putGroup(l.name);
          WritableGroup owner = g;
          if (l.cell != null) {
            g.putGroup("vars");
            owner = g.putGroup(l.cell);
          }
          WritableGroup vars = owner.putGroup("vars");
          for (int i = 0; i < l.tensors.size(); i++) {
            vars.putDataset(Integer.toString(i), nested(l.tensors.get(i)));
          }
        }
      }
      h5 = Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
    PendingFile.write(path, out -> {
      ZipOutputStream zip = new ZipOutputStream(nonClosing(out), StandardCharsets.UTF_8);
      stored(zip, "metadata.json", metadata);
      stored(zip, "config.json", config);
      stored(zip, "model.weights.h5", h5);
      zip.finish();
    });
    LOG.debug("wrote .keras archive {} (keras_version {}): {} layers", path, version,
        layers.size());
  }

  /**
   * The Keras layers a spec is written as (without the input layer and without weights), with
   * Keras 2 configurations.
   *
   * @param spec the spec
   * @return one layer per layer spec
   */
  static List<KerasLayer> kerasLayers(ModelSpec spec) {
    List<KerasLayer> out = new ArrayList<>();
    for (Exported e : exported(spec, null, Flavour.KERAS2_H5)) {
      out.add(new KerasLayer(e.className, e.name, e.config, List.of()));
    }
    return out;
  }

  // ------------------------------------------------------------------ layers

  /** One layer as written. */
  private static final class Exported {
    final String className;
    final String name;
    final ObjectNode config;
    final ArrayNode inputShape;
    /** The saveable child holding the variables ({@code cell} for RNNs), or null. */
    final String cell;
    final List<String> varNames = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();

    Exported(String className, String name, ObjectNode config, ArrayNode inputShape,
        String cell) {
      this.className = className;
      this.name = name;
      this.config = config;
      this.inputShape = inputShape;
      this.cell = cell;
    }
  }

  private static List<Exported> exported(ModelSpec spec, ModelWeights weights,
      Flavour flavour) {
    Objects.requireNonNull(spec, "spec");
    if (weights != null) {
      weights.requireCompatible(spec);
    }
    if (spec.encoderForecaster().isPresent()) {
      throw new IllegalArgumentException("an encoder-forecaster (Shi et al. 2015) has no Keras "
          + "Sequential form; export a stacked model, got " + spec.encoderForecaster().get());
    }
    if (keras2HardSigmoid(spec) && keras3HardSigmoid(spec)) {
      throw new IllegalArgumentException("the model uses both Keras 2's and Keras 3's hard "
          + "sigmoid; one Keras file can hold only one of them");
    }
    Map<String, Integer> used = new HashMap<>();
    Map<String, Integer> kinds = new HashMap<>();
    List<Exported> out = new ArrayList<>();
    SequenceShape shape = spec.inputShape().orElse(null);
    int channels = spec.inputChannels();
    int rank = 5;
    int convBefore = 0;
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      String libName = spec.layerName(i);
      ArrayNode in = kerasShape(rank, shape, channels);
      Exported e;
      if (l instanceof SoftmaxSpec && !out.isEmpty() && foldSoftmax(out.get(out.size() - 1))) {
        // Import reads Dense/Conv2D(activation='softmax') as the layer plus a softmax; write
        // it back as Keras wrote it (shapes and channels do not change).
        kinds.merge(l.kind(), 1, Integer::sum);
        continue;
      } else if (l instanceof ConvLstmLayerSpec) {
        ConvLstmLayerSpec c = (ConvLstmLayerSpec) l;
        e = new Exported("ConvLSTM2D", unique("conv_lstm2d", used), convLstmConfig(c, flavour),
            in, "cell");
        if (!c.returnSequences()) {
          rank = 4;
        }
      } else if (l instanceof BatchNormSpec) {
        e = new Exported("BatchNormalization", unique("batch_normalization", used),
            batchNormConfig((BatchNormSpec) l, flavour), in, null);
      } else if (l instanceof Conv3dHeadSpec) {
        Conv3dHeadSpec h = (Conv3dHeadSpec) l;
        if (h.timePadding() != TimePadding.SAME) {
          throw new IllegalArgumentException("layer " + i + " (conv3d) has time padding "
              + h.timePadding() + ", which Keras' Conv3D cannot express (it pads the same "
              + "before and after): export a model with TimePadding.SAME");
        }
        e = new Exported("Conv3D", unique("conv3d", used), conv3dConfig(h, flavour), in, null);
      } else {
        e = frameLayer(l, rank, in, used, flavour);
        if (l instanceof FlattenSpec) {
          rank = 2;
        }
      }
      e.config.put("name", e.name);
      for (String w : spec.weightShapes().keySet()) {
        if (w.startsWith(libName + "/")) {
          e.varNames.add(w.substring(libName.length() + 1));
          if (weights != null) {
            e.tensors.add(weights.get(w));
          }
        }
      }
      out.add(e);
      LayerSpec.Position at = new LayerSpec.Position(i, convBefore,
          kinds.getOrDefault(l.kind(), 0), i == 0 ? "" : spec.layers().get(i - 1).kind());
      kinds.merge(l.kind(), 1, Integer::sum);
      if (l instanceof ConvLstmLayerSpec) {
        convBefore++;
      }
      if (shape != null) {
        shape = l.outputShape(shape, at);
        channels = shape.frame().channels();
      } else {
        channels = l.outputChannels(channels);
      }
    }
    return out;
  }

  /**
   * Gives a linear {@code Dense} or {@code Conv2D} (wrapped in {@code TimeDistributed} or not)
   * the softmax activation of the layer after it, as Keras writes
   * {@code Dense(activation='softmax')} (softmax over the last axis either way).
   *
   * @return whether the layer took the softmax
   */
  private static boolean foldSoftmax(Exported previous) {
    ObjectNode c = previous.config;
    if (previous.className.equals("TimeDistributed")) {
      c = (ObjectNode) c.get("layer").get("config");
      if (!previous.config.get("layer").get("class_name").asText().equals("Conv2D")) {
        return false;
      }
    } else if (!previous.className.equals("Dense") && !previous.className.equals("Conv2D")) {
      return false;
    }
    if (!c.get("activation").asText().equals("linear")) {
      return false;
    }
    c.put("activation", "softmax");
    return true;
  }

  /**
   * A frame-wise layer: on a sequence (rank 5) a per-frame layer is wrapped in
   * {@code TimeDistributed} (max pooling becomes {@code MaxPooling3D} with a time pool of 1);
   * on a single frame (rank 4) or a vector (rank 2) it stands alone.
   */
  private static Exported frameLayer(LayerSpec l, int rank, ArrayNode in,
      Map<String, Integer> used, Flavour flavour) {
    ObjectNode c = base(flavour);
    String cls;
    boolean perFrame = false;
    if (l instanceof DenseSpec) {
      DenseSpec d = (DenseSpec) l;
      cls = "Dense";
      c.put("units", d.units());
      c.put("activation", activation(d.activation()));
      c.put("use_bias", d.useBias());
      c.set("kernel_initializer", initializer("GlorotUniform", flavour));
      c.set("bias_initializer", initializer("Zeros", flavour));
      nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer",
          "kernel_constraint", "bias_constraint");
    } else if (l instanceof FlattenSpec) {
      cls = "Flatten";
      c.put("data_format", "channels_last");
    } else if (l instanceof SoftmaxSpec) {
      cls = "Softmax";
      c.put("axis", -1);
    } else if (l instanceof ActivationSpec) {
      cls = "Activation";
      c.put("activation", activation(((ActivationSpec) l).activation()));
    } else if (l instanceof LayerNormSpec) {
      LayerNormSpec n = (LayerNormSpec) l;
      cls = "LayerNormalization";
      c.put("axis", -1);
      c.put("epsilon", n.epsilon());
      c.put("center", n.center());
      c.put("scale", n.scale());
      c.set("beta_initializer", initializer("Zeros", flavour));
      c.set("gamma_initializer", initializer("Ones", flavour));
      nulls(c, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    } else if (l instanceof Conv2dSpec) {
      Conv2dSpec v = (Conv2dSpec) l;
      cls = "Conv2D";
      perFrame = true;
      convConfig(c, v.filters(), v.kernelHeight(), v.kernelWidth(), v.strideHeight(),
          v.strideWidth(), v.padding(), v.activation(), v.useBias(), flavour);
      c.put("groups", 1);
    } else if (l instanceof Conv2dTransposeSpec) {
      Conv2dTransposeSpec v = (Conv2dTransposeSpec) l;
      cls = "Conv2DTranspose";
      perFrame = true;
      convConfig(c, v.filters(), v.kernelHeight(), v.kernelWidth(), v.strideHeight(),
          v.strideWidth(), v.padding(), v.activation(), v.useBias(), flavour);
      c.putNull("output_padding");
    } else if (l instanceof MaxPoolingSpec) {
      MaxPoolingSpec m = (MaxPoolingSpec) l;
      c.put("padding", m.padding().name().toLowerCase(Locale.ROOT));
      c.put("data_format", "channels_last");
      if (rank == 5) {
        cls = "MaxPooling3D";
        c.set("pool_size", ints(1, m.poolHeight(), m.poolWidth()));
        c.set("strides", ints(1, m.strideHeight(), m.strideWidth()));
      } else {
        cls = "MaxPooling2D";
        c.set("pool_size", ints(m.poolHeight(), m.poolWidth()));
        c.set("strides", ints(m.strideHeight(), m.strideWidth()));
      }
    } else {
      throw new IllegalArgumentException("layer kind " + l.kind() + " has no Keras export");
    }
    if (perFrame && rank == 5) {
      c.put("name", unique(KerasModelFile.snakeCase(cls), used));
      ObjectNode inner = NODES.objectNode();
      if (flavour.zip()) {
        inner.put("module", "keras.layers");
      }
      inner.put("class_name", cls);
      inner.set("config", c);
      if (flavour.zip()) {
        inner.putNull("registered_name");
      }
      ObjectNode td = base(flavour);
      td.set("layer", inner);
      return new Exported("TimeDistributed", unique("time_distributed", used), td, in,
          "layer");
    }
    return new Exported(cls, unique(KerasModelFile.snakeCase(cls), used), c, in, null);
  }

  private static void convConfig(ObjectNode c, int filters, int kh, int kw, int sh, int sw,
      Padding padding, Activation act, boolean useBias, Flavour flavour) {
    c.put("filters", filters);
    c.set("kernel_size", ints(kh, kw));
    c.set("strides", ints(sh, sw));
    c.put("padding", padding.name().toLowerCase(Locale.ROOT));
    c.put("data_format", "channels_last");
    c.set("dilation_rate", ints(1, 1));
    c.put("activation", activation(act));
    c.put("use_bias", useBias);
    c.set("kernel_initializer", initializer("GlorotUniform", flavour));
    c.set("bias_initializer", initializer("Zeros", flavour));
    nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint");
  }

  /** Keras' shape of a layer input, batch first: rank 5, 4 (one frame) or 2 (a vector). */
  private static ArrayNode kerasShape(int rank, SequenceShape s, int channels) {
    ArrayNode a = NODES.arrayNode();
    a.addNull();
    if (rank == 5) {
      addDim(a, s == null ? null : s.frames());
    }
    if (rank >= 4) {
      addDim(a, s == null ? null : s.frame().height());
      addDim(a, s == null ? null : s.frame().width());
    }
    return a.add(channels);
  }

  private static void addDim(ArrayNode a, Integer d) {
    if (d == null) {
      a.addNull();
    } else {
      a.add(d);
    }
  }

  private static String unique(String stem, Map<String, Integer> used) {
    Integer n = used.get(stem);
    used.put(stem, n == null ? 0 : n + 1);
    return n == null ? stem : stem + "_" + (n + 1);
  }

  private static ObjectNode modelConfig(ModelSpec spec, List<Exported> layers,
      Flavour flavour) {
    ArrayNode list = NODES.arrayNode();
    ObjectNode input = NODES.objectNode();
    ArrayNode shape = kerasShape(5, spec.inputShape().orElse(null), spec.inputChannels());
    if (flavour.keras3()) {
      input.set("batch_shape", shape);
      input.put("dtype", "float32");
      input.put("sparse", false);
      input.put("name", "input_layer");
    } else {
      input.set("batch_input_shape", shape);
      input.put("dtype", "float32");
      input.put("sparse", false);
      input.put("ragged", false);
      input.put("name", layers.get(0).name + "_input");
    }
    list.add(entry("InputLayer", input, null, flavour));
    for (Exported e : layers) {
      list.add(entry(e.className, e.config, e.inputShape, flavour));
    }
    ObjectNode config = NODES.objectNode();
    config.put("name", "sequential");
    if (flavour.keras3()) {
      config.put("trainable", true);
      config.put("dtype", "float32");
    }
    config.set("layers", list);
    ObjectNode root = NODES.objectNode();
    if (flavour.zip()) {
      root.put("module", "keras");
    }
    root.put("class_name", "Sequential");
    root.set("config", config);
    if (flavour.zip()) {
      root.putNull("registered_name");
      ObjectNode build = NODES.objectNode();
      build.set("input_shape", shape.deepCopy());
      root.set("build_config", build);
    } else {
      root.put("keras_version", KERAS2_VERSION);
      root.put("backend", "tensorflow");
    }
    return root;
  }

  private static ObjectNode entry(String className, ObjectNode config, ArrayNode inputShape,
      Flavour flavour) {
    ObjectNode n = NODES.objectNode();
    if (flavour.zip()) {
      n.put("module", "keras.layers");
    }
    n.put("class_name", className);
    n.set("config", config);
    if (flavour.zip()) {
      n.putNull("registered_name");
      if (inputShape != null) {
        ObjectNode build = NODES.objectNode();
        build.set("input_shape", inputShape);
        n.set("build_config", build);
      }
    }
    return n;
  }

  private static ObjectNode base(Flavour flavour) {
    ObjectNode c = NODES.objectNode();
    c.put("name", "");
    c.put("trainable", true);
    c.put("dtype", "float32");
    return c;
  }

  private static ObjectNode convLstmConfig(ConvLstmLayerSpec l, Flavour flavour) {
    ObjectNode c = base(flavour);
    c.put("return_sequences", l.returnSequences());
    c.put("return_state", false);
    c.put("go_backwards", false);
    c.put("stateful", false);
    c.put("filters", l.filters());
    c.set("kernel_size", ints(l.kernelHeight(), l.kernelWidth()));
    c.set("strides", ints(1, 1));
    c.put("padding", l.padding().name().toLowerCase(Locale.ROOT));
    c.put("data_format", "channels_last");
    c.set("dilation_rate", ints(1, 1));
    c.put("activation", activation(l.activation()));
    c.put("recurrent_activation", activation(l.recurrentActivation()));
    c.put("use_bias", l.useBias());
    c.set("kernel_initializer", initializer("GlorotUniform", flavour));
    ObjectNode orthogonal = initializer("Orthogonal", flavour);
    ((ObjectNode) orthogonal.get("config")).put("gain", 1.0);
    c.set("recurrent_initializer", orthogonal);
    c.set("bias_initializer", initializer("Zeros", flavour));
    c.put("unit_forget_bias", l.unitForgetBias());
    nulls(c, "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint");
    c.put("dropout", l.dropout());
    c.put("recurrent_dropout", l.recurrentDropout());
    if (flavour.keras3()) {
      c.putNull("seed");
    }
    return c;
  }

  private static ObjectNode batchNormConfig(BatchNormSpec l, Flavour flavour) {
    ObjectNode c = base(flavour);
    c.put("axis", -1);
    c.put("momentum", l.momentum());
    c.put("epsilon", l.epsilon());
    c.put("center", true);
    c.put("scale", true);
    c.set("beta_initializer", initializer("Zeros", flavour));
    c.set("gamma_initializer", initializer("Ones", flavour));
    c.set("moving_mean_initializer", initializer("Zeros", flavour));
    c.set("moving_variance_initializer", initializer("Ones", flavour));
    nulls(c, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    return c;
  }

  private static ObjectNode conv3dConfig(Conv3dHeadSpec l, Flavour flavour) {
    ObjectNode c = base(flavour);
    c.put("filters", l.filters());
    c.set("kernel_size", ints(l.kernelTime(), l.kernelHeight(), l.kernelWidth()));
    c.set("strides", ints(1, 1, 1));
    c.put("padding", "same");
    c.put("data_format", "channels_last");
    c.set("dilation_rate", ints(1, 1, 1));
    c.put("groups", 1);
    c.put("activation", activation(l.activation()));
    c.put("use_bias", true);
    c.set("kernel_initializer", initializer("GlorotUniform", flavour));
    c.set("bias_initializer", initializer("Zeros", flavour));
    nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint");
    return c;
  }

  private static ObjectNode initializer(String cls, Flavour flavour) {
    ObjectNode n = NODES.objectNode();
    if (flavour.zip()) {
      n.put("module", "keras.initializers");
    }
    n.put("class_name", cls);
    ObjectNode config = NODES.objectNode();
    if (!cls.equals("Zeros") && !cls.equals("Ones")) {
      config.putNull("seed");
    }
    n.set("config", config);
    if (flavour.zip()) {
      n.putNull("registered_name");
    }
    return n;
  }

  private static void nulls(ObjectNode c, String... keys) {
    for (String k : keys) {
      c.putNull(k);
    }
  }

  private static ArrayNode ints(int... v) {
    ArrayNode a = NODES.arrayNode();
    for (int x : v) {
      a.add(x);
    }
    return a;
  }

  /** Keras' name of an activation; both hard sigmoids are {@code hard_sigmoid}. */
  private static String activation(Activation a) {
    return a.name().startsWith("HARD_SIGMOID") ? "hard_sigmoid"
        : a.name().toLowerCase(Locale.ROOT);
  }

  private static boolean keras2HardSigmoid(ModelSpec spec) {
    return usesActivation(spec, "HARD_SIGMOID");
  }

  private static boolean keras3HardSigmoid(ModelSpec spec) {
    return usesActivation(spec, "HARD_SIGMOID_KERAS3");
  }

  private static boolean usesActivation(ModelSpec spec, String name) {
    for (LayerSpec l : spec.layers()) {
      List<Activation> acts = new ArrayList<>();
      if (l instanceof ConvLstmLayerSpec) {
        acts.add(((ConvLstmLayerSpec) l).activation());
        acts.add(((ConvLstmLayerSpec) l).recurrentActivation());
      } else if (l instanceof Conv3dHeadSpec) {
        acts.add(((Conv3dHeadSpec) l).activation());
      } else if (l instanceof DenseSpec) {
        acts.add(((DenseSpec) l).activation());
      } else if (l instanceof Conv2dSpec) {
        acts.add(((Conv2dSpec) l).activation());
      } else if (l instanceof Conv2dTransposeSpec) {
        acts.add(((Conv2dTransposeSpec) l).activation());
      } else if (l instanceof ActivationSpec) {
        acts.add(((ActivationSpec) l).activation());
      }
      for (Activation a : acts) {
        if (a.name().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ files

  /** A tensor as the nested float array jHDF writes as a dataset of that shape. */
  static Object nested(Tensor t) {
    int[] shape = t.shape();
    float[] flat = t.toArray();
    if (shape.length == 0) {
      throw new IllegalArgumentException("scalar tensors are not written, got " + t);
    }
    Object arr = Array.newInstance(float.class, shape);
    fill(arr, shape, 0, flat, new int[] {0});
    return arr;
  }

  private static void fill(Object arr, int[] shape, int axis, float[] flat, int[] pos) {
    if (axis == shape.length - 1) {
      System.arraycopy(flat, pos[0], arr, 0, shape[axis]);
      pos[0] += shape[axis];
      return;
    }
    for (int i = 0; i < shape[axis]; i++) {
      fill(Array.get(arr, i), shape, axis + 1, flat, pos);
    }
  }

  /** Writes an HDF5 file with jHDF into a temporary file, then atomically to the target. */
  private static void writeAtomically(Path target, HdfBody body) throws IOException {
    Path tmp = Files.createTempFile("convlstm4j-keras-", ".h5");
    try {
      body.write(tmp);
      PendingFile.write(target, out -> Files.copy(tmp, out));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @FunctionalInterface
  private interface HdfBody {
    void write(Path tmp) throws IOException;
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    e.setTime(315532800000L + 86400000L); // 1980-01-02: fixed, so equal models give equal bytes
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  static JsonNode parse(byte[] json) throws IOException {
    return JSON.readTree(json);
  }
}

package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports Keras models: the three ways in.
 *
 * <ul>
 *   <li>{@link #load(Path)}: a Keras 2 / tf.keras HDF5 full model ({@code .h5}, {@code .hdf5},
 *       or an HDF5 file named {@code .keras}) or a Keras 3 {@code .keras} archive, detected by
 *       content, translated into a {@link ModelSpec} and {@link ModelWeights};
 *   <li>{@link #translate(KerasModelFile)}: the same for a file already read;
 *   <li>{@link #loadWeights(Path, ModelSpec)}: a weights-only file ({@code save_weights}) applied
 *       to a spec.
 * </ul>
 *
 * <p>Supported: Sequential models and functional models that are a plain chain (each layer
 * fed by the one before) of
 *
 * <ul>
 *   <li>{@code InputLayer} (float32, dense);
 *   <li>{@code ConvLSTM2D}: activation tanh, relu or linear; recurrent activation sigmoid or
 *       hard sigmoid; padding same or valid; any kernel size; stride and dilation 1;
 *       {@code return_sequences} true or false; channels_last, or channels_first for a model of
 *       ConvLSTM2D, BatchNormalization and Conv3D only (the imported model then reads
 *       channels-last frames: transpose the input, see the note);
 *   <li>{@code BatchNormalization} over the channel axis after any layer ({@code center} and
 *       {@code scale} false become beta 0 and gamma 1);
 *   <li>{@code LayerNormalization} over the channel axis;
 *   <li>{@code Conv3D} as the head after a ConvLSTM2D (or its batch normalization): padding
 *       same, stride 1;
 *   <li>{@code Conv2D}, {@code Conv2DTranspose} and {@code MaxPooling2D} on the frame a
 *       last-step-only ConvLSTM2D leaves, or inside {@code TimeDistributed} on every frame
 *       (any stride, padding same or valid, dilation 1, no output padding);
 *   <li>{@code MaxPooling3D} whose time pool and stride are 1;
 *   <li>{@code Flatten}, {@code Dense} (any input rank; a softmax activation becomes a
 *       separate softmax layer), {@code Softmax}, {@code Activation} (linear is dropped);
 *   <li>the layers that are the identity at inference, dropped with a note: {@code Dropout},
 *       {@code SpatialDropout1D/2D/3D}, {@code GaussianNoise}, {@code GaussianDropout},
 *       {@code AlphaDropout}, {@code ActivityRegularization}, and {@code TimeDistributed}
 *       around any of them.
 * </ul>
 *
 * <p>A model that flattens outputs a vector (a classifier): it gets the file's fixed input
 * shape, and predicts one frame of 1×1×C per sequence. Keras' {@code hard_sigmoid} is
 * {@code clip(0.2x + 0.5, 0, 1)} ({@link io.github.convlstm4j.api.Activation#HARD_SIGMOID}) in
 * files written by Keras 1 and 2 and {@code relu6(x + 3) / 6}
 * ({@link io.github.convlstm4j.api.Activation#HARD_SIGMOID_KERAS3}) from Keras 3 on: the
 * file's {@code keras_version} decides. Anything else (a layer class, an option such as
 * {@code go_backwards=true}, a ConvLSTM2D stride of 2 or a time pool of 2, a dtype other than
 * float32) is refused with an {@link UnsupportedKerasLayerException} naming the layer, its
 * class and the option, never approximated. Options that only act in training (dropouts,
 * regularizers, constraints) are ignored with a note.
 *
 * <p>Layers and weights are matched by order, as Keras matches them, and every weight's shape is
 * checked against the translated spec; the weights are the file's float32 values, bit for bit.
 */
public final class KerasImport {
  private static final Logger LOG = LoggerFactory.getLogger(KerasImport.class);

  private KerasImport() {}

  /**
   * Reads and translates a Keras model file.
   *
   * @param path a {@code .keras} archive or an HDF5 full model (detected by content)
   * @return the spec, the weights and the translation's notes
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws UnsupportedKerasLayerException naming the layer, its class and the option the
   *     library cannot represent
   * @throws KerasFormatException naming the file if it is damaged, truncated or unexpected, or
   *     its weights do not fit the architecture (naming both shapes)
   * @throws IOException on other read failures
   */
  public static ImportedModel load(Path path) throws IOException {
    KerasModelFile f = KerasModelFile.read(path);
    ImportedModel m = translate(f);
    LOG.debug("imported {} ({}, keras {}): {} parameters, {} notes", path, f.format(),
        f.kerasVersion(), m.spec().parameterCount(), m.notes().size());
    return m;
  }

  /**
   * Translates a file already read.
   *
   * @param file the file's content
   * @return the spec, the weights and the translation's notes
   * @throws KerasFormatException as {@link #load(Path)}
   */
  public static ImportedModel translate(KerasModelFile file) throws KerasFormatException {
    Objects.requireNonNull(file, "file");
    return Translators.translate(file);
  }

  /**
   * The Keras layer classes the translation accepts.
   *
   * @return class names, then {@code TimeDistributed(<class>)} for the wrapped ones
   */
  public static List<String> supportedLayers() {
    return Translators.supported();
  }

  /**
   * Reads a weights-only HDF5 file ({@code model.save_weights}) for a spec: the Keras 2 layout
   * ({@code layer_names}, {@code weight_names}) or the Keras 3 {@code .weights.h5} layout
   * ({@code layers/<name>/vars/<i>}). Layers are matched by order (the spec's layers with
   * weights to the file's layers with weights) and every shape is checked.
   *
   * @param path the weights file
   * @param spec the architecture the weights belong to
   * @return the weights under the spec's names, in its order
   * @throws KerasFormatException naming the file if it is not a weights file, is damaged, or
   *     its weights do not fit the spec (naming the layer and both shapes)
   * @throws IOException on other read failures
   */
  public static ModelWeights loadWeights(Path path, ModelSpec spec) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(spec, "spec");
    String source = path.toString();
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(8);
    }
    if (!Hdf5.isHdf5(head)) {
      throw new KerasFormatException(source + ": expected an HDF5 weights file, got first "
          + "bytes that are not the HDF5 signature");
    }
    Hdf5.requireComplete(KerasModelFile.headOf(path), Files.size(path), source);
    List<List<String>> names = namesPerLayer(spec);
    List<KerasLayer> stand = KerasExport.kerasLayers(spec);
    try (HdfFile h = new HdfFile(path)) {
      List<List<KerasWeight>> saved = new ArrayList<>();
      if (h.getAttributes().containsKey("layer_names")) {
        List<String> layerNames = Hdf5.stringListAttribute(h, "layer_names", source);
        for (String n : layerNames) {
          List<KerasWeight> w = KerasModelFile.legacyLayerWeights(h, n, source);
          if (!w.isEmpty()) {
            saved.add(w);
          }
        }
      } else if (h.getChildren().containsKey("layers")
          || h.getChildren().keySet().stream().anyMatch(
              k -> k.startsWith("_layer_checkpoint_dependencies"))) {
        for (KerasLayer l : KerasModelFile.attachV3Weights(stand, "Sequential", h, source)) {
          if (!l.weights().isEmpty()) {
            saved.add(l.weights());
          }
        }
      } else {
        throw new KerasFormatException(source + ": expected a Keras weights file (a "
            + "layer_names attribute, or a layers group), got attributes "
            + h.getAttributes().keySet() + " and groups " + h.getChildren().keySet());
      }
      if (saved.size() != names.size()) {
        throw new KerasFormatException(source + ": the spec has " + names.size()
            + " layers with weights, the file " + saved.size());
      }
      Map<String, List<Integer>> shapes = spec.weightShapes();
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        List<String> want = names.get(i);
        List<KerasWeight> got = saved.get(i);
        if (want.size() != got.size()) {
          throw new KerasFormatException(source + ": saved layer " + i + " has " + got.size()
              + " weights, but spec layer " + i + " needs " + want.size() + " " + want);
        }
        for (int j = 0; j < want.size(); j++) {
          List<Integer> s = shapes.get(want.get(j));
          if (!got.get(j).value().shapeList().equals(s)) {
            throw new KerasFormatException(source + ": weight '" + got.get(j).name()
                + "' must have shape " + s + " (" + want.get(j) + " of the spec), got "
                + got.get(j).value().shapeList());
          }
          out.put(want.get(j), got.get(j).value());
        }
      }
      return ModelWeights.of(out).requireCompatible(spec);
    } catch (HdfException | IllegalArgumentException | IllegalStateException
        | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw new KerasFormatException(source + ": damaged or unexpected HDF5 file: "
          + e.getMessage(), e);
    }
  }

  /** The spec's weight names grouped by layer (the part before {@code /}), in order. */
  static List<List<String>> namesPerLayer(ModelSpec spec) {
    Map<String, List<String>> byLayer = new LinkedHashMap<>();
    for (String n : spec.weightShapes().keySet()) {
      byLayer.computeIfAbsent(n.substring(0, n.indexOf('/')), k -> new ArrayList<>()).add(n);
    }
    return new ArrayList<>(byLayer.values());
  }
}

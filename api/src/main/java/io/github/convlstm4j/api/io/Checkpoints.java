package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.spi.ModelFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@link Checkpoint}s as NumPy {@code .npz} files that {@code numpy.load}
 * opens. Entries, in this order:
 *
 * <ul>
 *   <li>{@code checkpoint.properties}: {@code format=convlstm4j-checkpoint-1} and
 *       {@code epochsCompleted=<n>};
 *   <li>{@code spec.properties}: {@link ModelSpec#toProperties()}, one {@code key=value} per
 *       line, sorted, UTF-8 (ASCII in practice);
 *   <li>the weights under their Keras names, {@code conv_lstm2d_0/kernel.npy}, ..., in
 *       {@link ModelSpec#weightShapes()} order;
 *   <li>the optimizer state under {@code optimizer/<name>.npy}, in its order;
 *   <li>optionally {@code normalization.properties}: the {@link Normalization} the model was
 *       trained with ({@link Normalization#toProperties()}), written by
 *       {@link #write(Checkpoint, Normalization, Path)} and read by {@link #readNormalization};
 *       checkpoints without it (all before version 0.2) load as before.
 * </ul>
 *
 * <p>In Python: {@code c = numpy.load(path)}; {@code c['conv_lstm2d_0/kernel']} is an array,
 * {@code c['spec.properties']} the raw bytes of the spec.
 *
 * <p>Reading checks the archive as {@link Npz#read(Path)} does (the CRC-32 of every entry, no
 * entry name twice, sizes against the file), then the format marker, the spec, and that the
 * weights fit the spec (listing every missing, extra or mis-shaped tensor); problems are
 * {@link NpyFormatException}s naming the file and entry. A checkpoint with one flipped bit is
 * refused, never loaded.
 *
 * <p>Files of other formats are read by a {@link ModelFileReader} found through
 * {@link ServiceLoader} and chosen by the file's content (never its name): with the
 * {@code convlstm4j-keras} module on the class path, Keras {@code .h5}/{@code .hdf5} and
 * {@code .keras} files load like checkpoints (no optimizer state, 0 epochs).
 */
public final class Checkpoints {
  /** Name of the entry holding the format marker and the epoch count. */
  public static final String CHECKPOINT_ENTRY = "checkpoint.properties";
  /** Name of the entry holding the model spec. */
  public static final String SPEC_ENTRY = "spec.properties";
  /** Prefix of the optimizer-state arrays. */
  public static final String OPTIMIZER_PREFIX = "optimizer/";
  /** Name of the optional entry holding the data normalization. */
  public static final String NORMALIZATION_ENTRY = "normalization.properties";
  /** The format marker written and expected in {@link #CHECKPOINT_ENTRY}. */
  public static final String FORMAT = "convlstm4j-checkpoint-1";

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  private Checkpoints() {}

  /**
   * Loads a checkpoint written by {@link Forecaster#save} on the backend the selection rules
   * of {@link Forecasters} choose.
   *
   * @param path an {@code .npz} checkpoint
   * @return a forecaster with the checkpoint's weights, optimizer state and epoch count
   * @throws IOException if the file is missing or unreadable; a corrupt file names the entry
   */
  public static Forecaster load(Path path) throws IOException {
    return load(null, path);
  }

  /**
   * Loads a checkpoint on a named backend.
   *
   * @param backendName a provider name, or null for the selection rules
   * @param path an {@code .npz} checkpoint
   * @return the forecaster; closed again if the checkpoint does not fit it
   * @throws IOException if the file is missing or unreadable
   */
  public static Forecaster load(String backendName, Path path) throws IOException {
    Checkpoint c = read(path);
    Forecaster f = Forecasters.create(backendName, c.spec());
    try {
      f.restore(c);
      return f;
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /**
   * Writes a checkpoint atomically: a temporary file in the same folder, then a move.
   *
   * @param c the checkpoint
   * @param path the {@code .npz} file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(Checkpoint c, Path path) throws IOException {
    write(c, null, path);
  }

  /**
   * Writes a checkpoint with the normalization of the data it was trained on, atomically.
   *
   * @param c the checkpoint
   * @param normalization the normalization, or null for none (no entry is written)
   * @param path the {@code .npz} file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(Checkpoint c, Normalization normalization, Path path)
      throws IOException {
    Objects.requireNonNull(c, "checkpoint");
    Objects.requireNonNull(path, "path");
    Properties meta = new Properties();
    meta.setProperty("format", FORMAT);
    meta.setProperty("epochsCompleted", Integer.toString(c.epochsCompleted()));
    try (NpzWriter w = NpzWriter.open(path, Npz.Compression.STORED)) {
      w.putEntry(CHECKPOINT_ENTRY, propertiesBytes(meta, "convlstm4j checkpoint"));
      w.putEntry(SPEC_ENTRY, propertiesBytes(c.spec().toProperties(), "convlstm4j model spec"));
      for (Map.Entry<String, Tensor> e : c.weights().asMap().entrySet()) {
        w.putArray(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, Tensor> e : c.optimizerState().asMap().entrySet()) {
        w.putArray(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
      }
      if (normalization != null) {
        w.putEntry(NORMALIZATION_ENTRY,
            propertiesBytes(normalization.toProperties(), "convlstm4j data normalization"));
      }
      w.commit();
    }
    LOG.debug("wrote checkpoint {}: {} weights, {} optimizer tensors, {} epochs", path,
        c.weights().size(), c.optimizerState().size(), c.epochsCompleted());
  }

  /**
   * Reads a checkpoint, or a model file of another format that a {@link ModelFileReader} on
   * the class path recognises by its content (without one, an HDF5 or Keras file is refused
   * with a message saying to add {@code convlstm4j-keras}).
   *
   * @param path the {@code .npz} file, or another model file
   * @return the checkpoint, weights in the spec's order
   * @throws java.nio.file.NoSuchFileException naming the path if it does not exist
   * @throws NpyFormatException naming the file and entry if it is not a valid checkpoint,
   *     including a damaged one (bad CRC-32, an entry twice, truncated)
   * @throws IOException on other read failures
   */
  public static Checkpoint read(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    byte[] head = head(path);
    Optional<ModelFileReader> other = otherFormatReader(path, head);
    if (other.isPresent()) {
      LOG.debug("reading {} with the {} model file reader", path, other.get().name());
      return other.get().read(path);
    }
    if (Arrays.equals(head, HDF5_SIGNATURE)) {
      throw new NpyFormatException(path + ": expected a convlstm4j .npz checkpoint, got an HDF5 "
          + "file (a Keras .h5 or .keras model?): add convlstm4j-keras to the class path to "
          + "read Keras files");
    }
    NpzContents npz = Npz.read(path);
    if (!npz.hasOtherEntry(CHECKPOINT_ENTRY)) {
      throw new NpyFormatException(path + ": not a convlstm4j checkpoint: expected an entry "
          + CHECKPOINT_ENTRY + ", got entries " + entryNames(npz)
          + (npz.hasOtherEntry("config.json") ? " (a Keras .keras archive? add "
              + "convlstm4j-keras to the class path to read Keras files)" : ""));
    }
    Properties meta = parseProperties(npz.otherEntry(CHECKPOINT_ENTRY));
    String format = meta.getProperty("format");
    if (!FORMAT.equals(format)) {
      throw new NpyFormatException(path + ": entry " + CHECKPOINT_ENTRY + ": format must be "
          + FORMAT + ", got " + format);
    }
    int epochs;
    String epochText = meta.getProperty("epochsCompleted");
    try {
      epochs = Integer.parseInt(Objects.requireNonNull(epochText).trim());
    } catch (NullPointerException | NumberFormatException e) {
      throw new NpyFormatException(path + ": entry " + CHECKPOINT_ENTRY
          + ": epochsCompleted must be a non-negative integer, got " + epochText, e);
    }
    if (!npz.hasOtherEntry(SPEC_ENTRY)) {
      throw new NpyFormatException(path + ": expected an entry " + SPEC_ENTRY
          + " holding the model spec, got entries " + entryNames(npz));
    }
    ModelSpec spec;
    try {
      spec = ModelSpec.fromProperties(parseProperties(npz.otherEntry(SPEC_ENTRY)));
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(path + ": entry " + SPEC_ENTRY + ": " + e.getMessage(), e);
    }
    Map<String, Tensor> weights = new LinkedHashMap<>();
    Map<String, Tensor> optimizer = new LinkedHashMap<>();
    npz.arrays().forEach((name, t) -> {
      if (name.startsWith(OPTIMIZER_PREFIX)) {
        optimizer.put(name.substring(OPTIMIZER_PREFIX.length()), t);
      } else {
        weights.put(name, t);
      }
    });
    ModelWeights w = WeightsIo.inSpecOrder(ModelWeights.of(weights), spec, path.toString());
    try {
      return new Checkpoint(spec, w, ModelWeights.of(optimizer), epochs);
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(path + ": " + e.getMessage(), e);
    }
  }

  /** The first 8 bytes of every HDF5 file (superblock at offset 0). */
  private static final byte[] HDF5_SIGNATURE =
      {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** The model file readers on the class path; a broken one is logged and skipped. */
  private static List<ModelFileReader> modelFileReaders() {
    List<ModelFileReader> readers = new ArrayList<>();
    Iterator<ModelFileReader> it =
        ServiceLoader.load(ModelFileReader.class, Checkpoints.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return readers;
        }
        readers.add(it.next());
      } catch (ServiceConfigurationError e) {
        LOG.warn("a model file reader failed to load; skipped", e);
      }
    }
  }

  /**
   * The normalization stored in a checkpoint, checked as {@link #read(Path)} checks the archive.
   *
   * @param path the {@code .npz} checkpoint
   * @return the normalization, or empty when the checkpoint has none
   * @throws NpyFormatException naming the file and entry if the entry is malformed or the
   *     archive damaged
   * @throws IOException on other read failures
   */
  public static Optional<Normalization> readNormalization(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    if (otherFormatReader(path, head(path)).isPresent()) {
      return Optional.empty(); // another format (a Keras file) stores no normalization
    }
    NpzContents npz = Npz.read(path);
    if (!npz.hasOtherEntry(NORMALIZATION_ENTRY)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Normalization.fromProperties(parseProperties(npz.otherEntry(NORMALIZATION_ENTRY))));
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(path + ": entry " + NORMALIZATION_ENTRY + ": "
          + e.getMessage(), e);
    }
  }
  /** The file's first bytes, as many as the HDF5 signature has (fewer for a shorter file). */
  private static byte[] head(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(HDF5_SIGNATURE.length);
    }
  }

  /** The reader of another model format that recognises the file's first bytes, if any. */
  private static Optional<ModelFileReader> otherFormatReader(Path path, byte[] head)
      throws IOException {
    for (ModelFileReader r : modelFileReaders()) {
      if (r.canRead(path, head)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }


  /**
   * Properties as sorted {@code key=value} lines with one comment line, UTF-8, without the
   * timestamp {@link Properties#store} adds, so equal content gives equal bytes.
   */
  static byte[] propertiesBytes(Properties p, String comment) {
    StringWriter sw = new StringWriter();
    try {
      p.store(sw, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> lines = new ArrayList<>();
    for (String line : sw.toString().split("\\R")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        lines.add(line);
      }
    }
    lines.sort(null);
    StringBuilder sb = new StringBuilder("# ").append(comment).append('\n');
    lines.forEach(l -> sb.append(l).append('\n'));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Properties parseProperties(byte[] bytes) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    return p;
  }

  private static List<String> entryNames(NpzContents npz) {
    List<String> names = new ArrayList<>(npz.otherEntryNames());
    npz.arrays().keySet().forEach(k -> names.add(k + ".npy"));
    return names;
  }
}

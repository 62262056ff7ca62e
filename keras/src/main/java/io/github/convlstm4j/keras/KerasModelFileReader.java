package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.spi.ModelFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelFileReader} for Keras files, registered in {@code META-INF/services}: with
 * this module on the class path {@code Checkpoints.read} and {@code Checkpoints.load} (and so
 * the command line's {@code forecast} and {@code evaluate}) accept Keras {@code .h5} and
 * {@code .keras} files. It takes every HDF5 file, and zip archives holding a
 * {@code config.json} and no {@code checkpoint.properties}.
 */
public final class KerasModelFileReader implements ModelFileReader {
  private static final Logger LOG = LoggerFactory.getLogger(KerasModelFileReader.class);

  /** Creates the reader; cheap. */
  public KerasModelFileReader() {}

  @Override
  public String name() {
    return "keras";
  }

  @Override
  public boolean canRead(Path path, byte[] head) throws IOException {
    if (Hdf5.isHdf5(head)) {
      return true;
    }
    if (!Hdf5.isZip(head)) {
      return false;
    }
    try (ZipFile z = new ZipFile(path.toFile())) {
      return z.getEntry("config.json") != null && z.getEntry("checkpoint.properties") == null;
    } catch (IOException e) {
      // A damaged archive: let the .npz reader diagnose it.
      return false;
    }
  }

  /** Reads and translates the file; the notes are logged at INFO. */
  @Override
  public Checkpoint read(Path path) throws IOException {
    ImportedModel m = KerasImport.load(path);
    m.notes().forEach(n -> LOG.info("{}: {}", path, n));
    return new Checkpoint(m.spec(), m.weights(), ModelWeights.empty(), 0);
  }
}

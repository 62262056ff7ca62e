package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads model files of another format (for example Keras {@code .h5} and {@code .keras}) so
 * that {@link io.github.convlstm4j.api.io.Checkpoints#read(Path)} and everything built on it
 * accept them. Implementations are found with {@link java.util.ServiceLoader} (list the class
 * in {@code META-INF/services/io.github.convlstm4j.spi.ModelFileReader}); they must be cheap to
 * construct and do no work in static initializers.
 *
 * <p>The format is chosen by content, never by file name: each reader is shown the file's first
 * bytes and may look further into the file.
 */
public interface ModelFileReader {

  /**
   * A short stable name of the format, for messages, for example {@code keras}.
   *
   * @return the name
   */
  String name();

  /**
   * Whether this reader reads the file. Must not throw for files of other formats.
   *
   * @param path the file
   * @param head its first bytes (up to 8; fewer for a shorter file)
   * @return true if {@link #read(Path)} should be used for it
   * @throws IOException if the file cannot be read
   */
  boolean canRead(Path path, byte[] head) throws IOException;

  /**
   * Reads the file as a checkpoint: spec and weights, no optimizer state, 0 epochs.
   *
   * @param path the file
   * @return the checkpoint, whole; nothing half-read is returned
   * @throws IOException naming the file and what was expected and found if it is damaged or
   *     describes a model the library cannot represent
   */
  Checkpoint read(Path path) throws IOException;
}

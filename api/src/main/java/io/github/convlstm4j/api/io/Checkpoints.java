package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/** Reads and writes {@link Checkpoint}s as NumPy {@code .npz} files. (Being written.) */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * Writes a checkpoint atomically.
   *
   * @param c the checkpoint
   * @param path the file
   * @throws IOException on failure
   */
  public static void write(Checkpoint c, Path path) throws IOException {
    throw new IOException("not implemented yet");
  }

  /**
   * Reads a checkpoint.
   *
   * @param path the file
   * @return the checkpoint
   * @throws IOException on failure
   */
  public static Checkpoint read(Path path) throws IOException {
    throw new IOException("not implemented yet");
  }
}

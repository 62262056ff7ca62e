package io.github.convlstm4j.api.io;

import java.io.IOException;

/**
 * A NumPy {@code .npy}/{@code .npz} file (or entry) that cannot be read: bad magic, an
 * unsupported dtype, a malformed header or truncated data. The message names the file or entry
 * and what was expected and found, for example
 * {@code "model.npz: entry conv3d/kernel.npy: expected 4320 bytes of data, got 100"}.
 */
public class NpyFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was expected and what was found, prefixed by the source
   */
  public NpyFormatException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was expected and what was found, prefixed by the source
   * @param cause the underlying failure
   */
  public NpyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.github.convlstm4j.keras;

import java.io.IOException;

/**
 * A Keras file that cannot be read: damaged, truncated, of an unexpected layout, or describing
 * a model the library cannot represent. The message names the file and what was expected and
 * what was found. When it is thrown nothing has been loaded.
 */
public class KerasFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message names the file, the expected and the actual content
   */
  public KerasFormatException(String message) {
    super(message);
  }

  /**
   * An exception with a message and a cause.
   *
   * @param message names the file, the expected and the actual content
   * @param cause the underlying error
   */
  public KerasFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.github.convlstm4j.samples;

/**
 * A mistake the user can fix (a missing file, a bad value): reported as one line on stderr,
 * exit code 1, no stack trace unless {@code --verbose}.
 */
final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserException(String message) {
    super(message);
  }

  UserException(String message, Throwable cause) {
    super(message, cause);
  }
}

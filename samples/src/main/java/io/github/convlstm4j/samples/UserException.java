package io.github.convlstm4j.samples;

/**
 * A failure the user can fix that is not a usage error: a missing or unreadable file, data
 * that does not fit the options (more movies asked for than a file holds), a checkpoint that
 * would be overwritten. Reported as one line on stderr, exit code 1, no stack trace unless
 * {@code --verbose}. Bad option values are {@link UsageException}s (exit 2).
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

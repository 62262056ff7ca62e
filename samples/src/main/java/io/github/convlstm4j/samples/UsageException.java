package io.github.convlstm4j.samples;

/**
 * A usage error found after parsing: an option value out of range, options that exclude each
 * other, a backend or setting the backends refuse. Reported like picocli's own parse errors,
 * as one line naming the option and exit code 2 ({@link Main#USAGE}); every command checks its
 * options this way before it does any work.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}

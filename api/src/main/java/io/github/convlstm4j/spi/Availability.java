package io.github.convlstm4j.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and why not if it cannot.
 *
 * @param available true if {@link BackendProvider#create} is expected to work
 * @param reason a human-readable explanation, never null ("ok" when available)
 */
public record Availability(boolean available, String reason) {

  /** Rejects a null reason. */
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The backend can run.
   *
   * @param detail what was found, for example the engine version
   * @return an available result
   */
  public static Availability available(String detail) {
    return new Availability(true, detail);
  }

  /**
   * The backend cannot run.
   *
   * @param reason why, for example the missing class or native library
   * @return an unavailable result
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}

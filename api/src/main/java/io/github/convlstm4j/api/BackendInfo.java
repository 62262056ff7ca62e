package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.Capability;
import java.util.Set;

/**
 * What discovery found about one backend.
 *
 * @param name the provider's name, or the class name if the provider failed to load
 * @param priority the provider's priority ({@link Integer#MIN_VALUE} if it failed to load)
 * @param availability whether it can run here and why
 * @param capabilities declared capabilities (empty if it failed to load)
 */
public record BackendInfo(
    String name, int priority, Availability availability, Set<Capability> capabilities) {

  /** Copies the capabilities. */
  public BackendInfo {
    capabilities = Set.copyOf(capabilities);
  }

  @Override
  public String toString() {
    return name + " (priority " + priority + "): "
        + (availability.available() ? "available, " : "unavailable, ") + availability.reason();
  }
}

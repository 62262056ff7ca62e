package io.github.convlstm4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's peak resident memory, from {@code /proc/self/status} (Linux). */
final class MemoryStatus {

  private static final Path STATUS = Path.of("/proc/self/status");

  private MemoryStatus() {}

  /**
   * The peak resident set size ({@code VmHWM}) in MiB, NaN when it cannot be read (not Linux).
   */
  static double peakResidentMiB() {
    return field("VmHWM:");
  }

  /** The current resident set size ({@code VmRSS}) in MiB, NaN when unknown. */
  static double residentMiB() {
    return field("VmRSS:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS, StandardCharsets.UTF_8)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}

package io.github.convlstm4j.spi;

import java.util.Objects;

/**
 * Settings a caller passes to a backend when creating a forecaster. Read once at the boundary
 * ({@link io.github.convlstm4j.api.Forecasters} reads the system properties
 * {@code convlstm4j.threads} and {@code convlstm4j.device}); backends never read system
 * properties themselves.
 *
 * @param threads worker threads for compute, 0 for "all available processors"
 * @param device {@code auto} (GPU if the engine sees one, else CPU), {@code cpu} or
 *     {@code gpu}
 */
public record BackendOptions(int threads, String device) {

  /**
   * Validates the options.
   *
   * @throws IllegalArgumentException on negative threads or an unknown device
   */
  public BackendOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    Objects.requireNonNull(device, "device");
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + device + "'");
    }
  }

  /**
   * All processors, automatic device.
   *
   * @return the defaults
   */
  public static BackendOptions defaults() {
    return new BackendOptions(0, "auto");
  }

  /**
   * A copy with another thread count.
   *
   * @param n threads, 0 for all processors
   * @return the copy
   */
  public BackendOptions withThreads(int n) {
    return new BackendOptions(n, device);
  }

  /**
   * A copy with another device.
   *
   * @param d auto, cpu or gpu
   * @return the copy
   */
  public BackendOptions withDevice(String d) {
    return new BackendOptions(threads, d);
  }

  /**
   * The thread count to use.
   *
   * @return {@link #threads()} or the available processors when it is 0
   */
  public int effectiveThreads() {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }
}

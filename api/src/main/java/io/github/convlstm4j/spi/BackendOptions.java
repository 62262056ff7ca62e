package io.github.convlstm4j.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Settings a caller passes to a backend when creating a forecaster. Read once at the boundary
 * ({@link io.github.convlstm4j.api.Forecasters} reads the system properties
 * {@code convlstm4j.threads} and {@code convlstm4j.device}); backends never read system
 * properties themselves.
 *
 * <p>Besides threads and device, a backend may document its own settings: string pairs whose
 * key starts with the backend family's prefix and a dot (for example {@code djl.} for both DJL
 * backends). A backend rejects a key with its own prefix that it does not know and ignores the
 * keys of other backends, so one options value can configure several candidate backends.
 *
 * <p>The thread count is bounded by the machine: at most {@value #MAX_THREADS_PER_PROCESSOR}
 * per available processor ({@link #maxThreads()}). More compute threads than that only
 * oversubscribe the processors, and an engine that starts one native thread per requested
 * thread (and per pool) would start thousands.
 *
 * @param threads worker threads for compute, 0 for "all available processors", at most
 *     {@link #maxThreads()}
 * @param device {@code auto} (GPU if the engine sees one, else CPU), {@code cpu} or
 *     {@code gpu}
 * @param settings backend-specific settings by key ({@code prefix.name}), sorted by key;
 *     copied, never null
 */
public record BackendOptions(int threads, String device, Map<String, String> settings) {

  /** Most compute threads accepted per available processor. */
  public static final int MAX_THREADS_PER_PROCESSOR = 4;

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*\\.[A-Za-z0-9.-]+");

  /**
   * Validates the options.
   *
   * @throws IllegalArgumentException on a thread count outside 0..{@link #maxThreads()}, an
   *     unknown device or a malformed setting key
   */
  public BackendOptions {
    checkThreads("threads", threads);
    Objects.requireNonNull(device, "device");
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + device + "'");
    }
    Objects.requireNonNull(settings, "settings");
    TreeMap<String, String> copy = new TreeMap<>();
    settings.forEach((k, v) -> {
      Objects.requireNonNull(k, "setting key");
      Objects.requireNonNull(v, () -> "value of setting " + k);
      if (!KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("setting keys must look like 'prefix.name' (a "
            + "lower-case backend prefix, a dot, a name), got '" + k + "'");
      }
      copy.put(k, v);
    });
    settings = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * Options without backend-specific settings.
   *
   * @param threads worker threads, 0 for all processors
   * @param device auto, cpu or gpu
   */
  public BackendOptions(int threads, String device) {
    this(threads, device, Map.of());
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
    return new BackendOptions(n, device, settings);
  }

  /**
   * A copy with another device.
   *
   * @param d auto, cpu or gpu
   * @return the copy
   */
  public BackendOptions withDevice(String d) {
    return new BackendOptions(threads, d, settings);
  }

  /**
   * A copy with one backend-specific setting added or replaced.
   *
   * @param key {@code prefix.name}, documented by the backend
   * @param value the value
   * @return the copy
   */
  public BackendOptions withSetting(String key, String value) {
    Map<String, String> m = new TreeMap<>(settings);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new BackendOptions(threads, device, m);
  }

  /**
   * The settings whose key starts with {@code prefix} and a dot.
   *
   * @param prefix a backend family prefix such as {@code djl}
   * @return those settings, sorted by key
   */
  public Map<String, String> settingsWithPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    Map<String, String> m = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith(prefix + ".")) {
        m.put(k, v);
      }
    });
    return Collections.unmodifiableMap(m);
  }

  /**
   * The largest thread count options accept on this machine:
   * {@value #MAX_THREADS_PER_PROCESSOR} × {@link Runtime#availableProcessors()}.
   *
   * @return the bound, at least {@value #MAX_THREADS_PER_PROCESSOR}
   */
  public static int maxThreads() {
    return MAX_THREADS_PER_PROCESSOR * Runtime.getRuntime().availableProcessors();
  }

  /**
   * Checks a thread count the way the constructor does, for callers that name it differently
   * (a command-line option, a system property).
   *
   * @param name what the count is called in the message, e.g. {@code --threads}
   * @param threads the count, 0 for all processors
   * @return {@code threads}
   * @throws IllegalArgumentException naming {@code name}, the accepted range and the value
   *     when {@code threads} is negative or above {@link #maxThreads()}
   */
  public static int checkThreads(String name, int threads) {
    int max = maxThreads();
    if (threads < 0 || threads > max) {
      throw new IllegalArgumentException(name + " must be between 0 (all processors) and "
          + max + " (" + MAX_THREADS_PER_PROCESSOR + " per available processor, "
          + Runtime.getRuntime().availableProcessors() + " here), got " + threads);
    }
    return threads;
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

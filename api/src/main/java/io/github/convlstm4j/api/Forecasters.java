package io.github.convlstm4j.api;

import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: creates and loads {@link Forecaster}s on a backend found through
 * {@link ServiceLoader} ({@link BackendProvider}).
 *
 * <h2>How a backend is chosen</h2>
 *
 * <ol>
 *   <li>An explicit name wins: the {@code backendName} argument, else the system property
 *       {@value #BACKEND_PROPERTY}. If no provider has that name, or it is unavailable, or it
 *       cannot run the spec, creation fails with an exception that says so; there is no
 *       fallback.
 *   <li>Otherwise the available provider with the highest {@link BackendProvider#priority()}
 *       that declares every {@link Capability} the spec needs; ties are broken by name,
 *       ascending.
 *   <li>If none qualifies, an {@link IllegalStateException} lists every provider found and why
 *       each was unusable.
 * </ol>
 *
 * <p>A provider that throws while being loaded, named or probed is logged at WARN and skipped
 * (it appears in {@link #backends()} as unavailable with the error). Discovery happens on each
 * call; nothing is cached and nothing runs in static initializers.
 *
 * <p>The system properties {@value #THREADS_PROPERTY} (integer, 0 = all processors) and
 * {@value #DEVICE_PROPERTY} ({@code auto}, {@code cpu}, {@code gpu}) set the default
 * {@link BackendOptions}; they are read here and nowhere else.
 */
public final class Forecasters {

  /** System property naming the backend to use. */
  public static final String BACKEND_PROPERTY = "convlstm4j.backend";
  /** System property with the default thread count. */
  public static final String THREADS_PROPERTY = "convlstm4j.threads";
  /** System property with the default device. */
  public static final String DEVICE_PROPERTY = "convlstm4j.device";

  private static final Logger LOG = LoggerFactory.getLogger(Forecasters.class);

  private Forecasters() {}

  /**
   * Creates a forecaster on the chosen backend (see the class documentation).
   *
   * @param spec the model
   * @return a new forecaster with seeded initial weights
   */
  public static Forecaster create(ModelSpec spec) {
    return create(null, spec);
  }

  /**
   * Creates a forecaster on a named backend, or on the chosen one if the name is null.
   *
   * @param backendName a provider name, or null
   * @param spec the model
   * @return a new forecaster
   */
  public static Forecaster create(String backendName, ModelSpec spec) {
    return create(backendName, spec, defaultOptions());
  }

  /**
   * Creates a forecaster with explicit options.
   *
   * @param backendName a provider name, or null for the selection rules
   * @param spec the model
   * @param options threads and device
   * @return a new forecaster
   */
  public static Forecaster create(String backendName, ModelSpec spec, BackendOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    BackendProvider p = select(Forecasters::serviceProviders, backendName, spec);
    return p.create(spec, options);
  }

  /**
   * Loads a saved model on the backend the selection rules choose: a checkpoint written by
   * {@link Forecaster#save} (weights, optimizer state, epochs), or — with
   * {@code convlstm4j-keras} on the class path — a Keras {@code .h5}/{@code .hdf5} model or
   * {@code .keras} archive, recognised by its content, never its name. The same as
   * {@link io.github.convlstm4j.api.io.Checkpoints#load(Path)}, which documents the checks.
   *
   * @param path the file
   * @return a forecaster holding the file's weights
   * @throws IOException if the file is missing, unreadable, corrupt (naming the file and what
   *     was expected and found) or of a format no reader on the class path reads
   */
  public static Forecaster load(Path path) throws IOException {
    return Checkpoints.load(path);
  }

  /**
   * Loads a saved model (as {@link #load(Path)}) on a named backend.
   *
   * @param backendName a provider name, or null for the selection rules
   * @param path the file
   * @return a forecaster holding the file's weights; nothing stays open if it does not fit
   * @throws IOException if the file is missing, unreadable or corrupt
   */
  public static Forecaster load(String backendName, Path path) throws IOException {
    return Checkpoints.load(backendName, path);
  }

  /**
   * Every provider found, with its availability, in selection order (available ones by
   * priority, then the rest).
   *
   * @return one entry per provider
   */
  public static List<BackendInfo> backends() {
    return describe(Forecasters::serviceProviders);
  }

  /**
   * The name of the backend the rules would choose for a spec, without creating anything.
   *
   * @param spec the model
   * @return the provider name
   */
  public static String chosenBackend(ModelSpec spec) {
    return select(Forecasters::serviceProviders, null, spec).name();
  }

  static BackendOptions defaultOptions() {
    String t = System.getProperty(THREADS_PROPERTY, "0").trim();
    int threads;
    try {
      threads = Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property " + THREADS_PROPERTY + " must be an integer, got '" + t + "'", e);
    }
    BackendOptions.checkThreads("system property " + THREADS_PROPERTY, threads);
    return new BackendOptions(threads, System.getProperty(DEVICE_PROPERTY, "auto").trim());
  }

  private static Iterator<BackendProvider> serviceProviders() {
    return ServiceLoader.load(BackendProvider.class, Forecasters.class.getClassLoader())
        .iterator();
  }

  /** A loaded provider, or the error that stopped it loading. */
  private record Found(BackendProvider provider, String failedName, Availability availability) {}

  private static List<Found> discover(Supplier<Iterator<BackendProvider>> source) {
    List<Found> found = new ArrayList<>();
    Iterator<BackendProvider> it = source.get();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        BackendProvider p = it.next();
        String name;
        try {
          name = Objects.requireNonNull(p.name(), "name() returned null");
        } catch (RuntimeException | LinkageError e) {
          LOG.warn("backend provider {} failed in name(); skipped", p.getClass().getName(), e);
          found.add(new Found(null, p.getClass().getName(),
              Availability.unavailable("name() threw " + e)));
          continue;
        }
        Availability a;
        try {
          a = Objects.requireNonNull(p.probe(), "probe() returned null");
        } catch (RuntimeException | LinkageError e) {
          LOG.warn("backend provider {} failed in probe(); skipped", name, e);
          a = Availability.unavailable("probe() threw " + e);
        }
        found.add(new Found(p, name, a));
      } catch (ServiceConfigurationError e) {
        LOG.warn("a backend provider failed to load; skipped", e);
        found.add(new Found(null, "(failed provider)",
            Availability.unavailable("failed to load: " + e.getMessage())));
      }
    }
    return found;
  }

  static List<BackendInfo> describe(Supplier<Iterator<BackendProvider>> source) {
    List<BackendInfo> out = new ArrayList<>();
    for (Found f : discover(source)) {
      if (f.provider == null) {
        out.add(new BackendInfo(f.failedName, Integer.MIN_VALUE, f.availability, Set.of()));
      } else {
        out.add(new BackendInfo(f.failedName, safePriority(f.provider), f.availability,
            safeCapabilities(f.provider)));
      }
    }
    out.sort(Comparator.comparing((BackendInfo b) -> !b.availability().available())
        .thenComparing(Comparator.comparingInt(BackendInfo::priority).reversed())
        .thenComparing(BackendInfo::name));
    return out;
  }

  private static int safePriority(BackendProvider p) {
    try {
      return p.priority();
    } catch (RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }

  private static Set<Capability> safeCapabilities(BackendProvider p) {
    try {
      return Set.copyOf(p.capabilities());
    } catch (RuntimeException e) {
      return Set.of();
    }
  }

  static BackendProvider select(
      Supplier<Iterator<BackendProvider>> source, String explicitName, ModelSpec spec) {
    String name = explicitName != null ? explicitName : System.getProperty(BACKEND_PROPERTY);
    if (name != null) {
      name = name.trim();
    }
    Set<Capability> needed = Capability.requiredBy(spec);
    List<Found> found = discover(source);
    if (name != null && !name.isEmpty()) {
      for (Found f : found) {
        if (f.provider != null && f.failedName.equals(name)) {
          if (!f.availability.available()) {
            throw new IllegalStateException(
                "backend '" + name + "' is unavailable: " + f.availability.reason());
          }
          Set<Capability> missing = missing(needed, f.provider);
          if (!missing.isEmpty()) {
            throw new IllegalArgumentException("backend '" + name + "' cannot run this spec: "
                + "it lacks capabilities " + missing);
          }
          return f.provider;
        }
      }
      throw new IllegalStateException(
          "backend '" + name + "' not found; found: " + summary(found));
    }
    BackendProvider best = null;
    int bestPriority = 0;
    String bestName = null;
    for (Found f : found) {
      if (f.provider == null || !f.availability.available()
          || !missing(needed, f.provider).isEmpty()) {
        continue;
      }
      int pr = safePriority(f.provider);
      if (best == null || pr > bestPriority
          || (pr == bestPriority && f.failedName.compareTo(bestName) < 0)) {
        best = f.provider;
        bestPriority = pr;
        bestName = f.failedName;
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "no usable convlstm4j backend for a spec needing " + needed + "; found: "
              + summary(found)
              + ". Add convlstm4j-backend-reference (pure Java) or convlstm4j-backend-djl.");
    }
    LOG.debug("chose backend {} (priority {})", bestName, bestPriority);
    return best;
  }

  private static Set<Capability> missing(Set<Capability> needed, BackendProvider p) {
    Set<Capability> m = needed.isEmpty()
        ? java.util.EnumSet.noneOf(Capability.class)
        : java.util.EnumSet.copyOf(needed);
    m.removeAll(safeCapabilities(p));
    return m;
  }

  private static String summary(List<Found> found) {
    if (found.isEmpty()) {
      return "no providers on the class path";
    }
    List<String> parts = new ArrayList<>();
    for (Found f : found) {
      parts.add(f.failedName + " (" + (f.availability.available() ? "available" : "unavailable")
          + ": " + f.availability.reason()
          + (f.provider != null ? ", capabilities " + safeCapabilities(f.provider) : "") + ")");
    }
    return String.join(", ", parts);
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** Options of every subcommand that runs a model: backend, its settings, threads, verbosity. */
final class CommonOptions {

  @Option(names = "--backend", paramLabel = "NAME",
      description = "Backend to run the model on (see 'convlstm4j backends'); "
          + "default: the selection rules (highest priority available).")
  String backend;

  @Option(names = "--setting", paramLabel = "KEY=VALUE",
      description = "A backend setting, repeatable: reference.convolution=winograd|direct, "
          + "djl.inputConvolution=concatenated|per-step|hoisted. A backend refuses unknown "
          + "keys of its own prefix and ignores other backends' keys.")
  Map<String, String> settings = new TreeMap<>();

  @Option(names = "--threads", paramLabel = "N",
      description = "Compute threads, 0 = all processors (default: ${DEFAULT-VALUE}); at "
          + "most " + BackendOptions.MAX_THREADS_PER_PROCESSOR + " per processor.")
  int threads;

  @Option(names = "--verbose",
      description = "Debug logging, and stack traces for errors.")
  boolean verbose;

  /**
   * Checks these options before any work: the thread count, the form of the setting keys and
   * that {@code --backend} names a backend that was found (whether it can run here is found
   * out when it is created). The setting values are the backend's to judge:
   * {@link #create} reports a value it refuses as a usage error too.
   *
   * @throws UsageException naming the bad option
   */
  void validate() {
    backendOptions();
    if (backend != null) {
      List<String> names = new ArrayList<>();
      Forecasters.backends().forEach(b -> names.add(b.name()));
      if (!names.contains(backend.trim())) {
        throw new UsageException("--backend must be one of " + String.join(", ", names)
            + ", got '" + backend + "'");
      }
    }
  }

  /**
   * The backend options these flags describe.
   *
   * @throws UsageException on a thread count outside 0..{@link BackendOptions#maxThreads()} or
   *     a malformed setting key
   */
  BackendOptions backendOptions() {
    try {
      BackendOptions.checkThreads("--threads", threads);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    try {
      BackendOptions options = new BackendOptions(threads, "auto");
      for (Map.Entry<String, String> e : settings.entrySet()) {
        options = options.withSetting(e.getKey(), e.getValue());
      }
      return options;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--setting: " + e.getMessage(), e);
    }
  }

  /**
   * A fresh forecaster for a spec on the chosen backend.
   *
   * @throws UsageException when the backend refuses the options (a setting value it does not
   *     know, a capability the spec needs that {@code --backend} lacks)
   */
  Forecaster create(ModelSpec spec) {
    BackendOptions options = backendOptions();
    try {
      return Forecasters.create(backend, spec, options);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * A forecaster restored from a checkpoint on the chosen backend, with these options (what
   * {@link io.github.convlstm4j.api.io.Checkpoints#load} does, plus the thread count).
   */
  Forecaster load(Path checkpoint) throws IOException {
    return load(readCheckpoint(checkpoint));
  }

  /** A forecaster restored from a checkpoint already read, on the chosen backend. */
  Forecaster load(Checkpoint c) {
    Forecaster f = create(c.spec());
    try {
      f.restore(c);
      return f;
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** Reads a checkpoint, with a one-line error for a missing file. */
  static Checkpoint readCheckpoint(Path checkpoint) throws IOException {
    requireFile(checkpoint, "checkpoint");
    return Checkpoints.read(checkpoint);
  }

  /** Fails with a one-line message unless {@code file} is a readable regular file. */
  static void requireFile(Path file, String what) {
    if (!Files.exists(file)) {
      throw new UserException(what + " file not found: " + file);
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new UserException(what + " must be a readable file, got " + file);
    }
  }
}

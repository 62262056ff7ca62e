package io.github.convlstm4j.bench;

import io.github.convlstm4j.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options {@code bench} and {@code bench soak} share (a picocli mixin): which
 * configurations, threads, {@code --tiny}, the child JVMs' heap and timeout, verbosity and the
 * report files. Where the two commands' defaults differ, the command passes its own to
 * {@link #childJvm}.
 */
final class ChildRunOptions {

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  @Option(names = "--backends", split = ",", paramLabel = "LABEL",
      description = "Only these configurations, e.g. reference/vector,reference/direct,"
          + "reference/winograd,reference/scalar,djl-pytorch,djl-pytorch/per-step,djl-mxnet,"
          + "djl-mxnet/per-step,python-pytorch (bench only). A backend's name alone runs its "
          + "defaults. reference/vector and reference/scalar run the reference backend's "
          + "defaults (Vector API or scalar kernel, Winograd 3x3 convolutions); "
          + "reference/direct, reference/winograd and reference/winograd4 run the Vector API "
          + "kernel with reference.convolution=direct, winograd or winograd4 (F(4x4,3x3) for "
          + "inference), and fail if the forecaster does not report that algorithm; "
          + "reference/vector-256 and reference/vector-512 force the kernel's vector width "
          + "(reference.vectorBits). BACKEND/FORM is a DJL backend created with "
          + "djl.inputConvolution=FORM instead of its default: hoisted (one input-to-state "
          + "convolution over all frames), per-step (inside the time loop) or concatenated "
          + "(one convolution of [x_t, h_t-1] per step). Default for bench: every available "
          + "backend, reference as reference/vector, reference/direct and reference/scalar, "
          + "plus djl-pytorch/hoisted and djl-pytorch/per-step; for soak: every available "
          + "backend with its defaults.")
  List<String> only;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Threads for every backend and the peer (default 0: all cores; at most "
          + BackendOptions.MAX_THREADS_PER_PROCESSOR + " per processor).")
  int threads;

  @Option(names = "--tiny",
      description = "A tiny model and shapes (soak: also few calls; explicit options still "
          + "win) to check that everything runs (CI); measures nothing of interest.")
  boolean tiny;

  @Option(names = "--child-heap", paramLabel = "SIZE",
      description = "-Xmx of the child JVMs, e.g. 6g (default: bench 6g, soak 2g; 1g with "
          + "--tiny).")
  String childHeap;

  @Option(names = "--child-java", paramLabel = "FILE",
      description = "The java executable of the child JVMs (default: this JVM's), e.g. a "
          + "newer JDK's bin/java; the report names its version. The build's jars run on any "
          + "JDK from 17 on.")
  Path childJava;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Give up on one child process after this long (default: bench 3600, "
          + "soak 1800).")
  Long timeoutSeconds;

  @Option(names = "--verbose",
      description = "Debug logging (in the child JVMs too), and stack traces for errors.")
  boolean verbose;

  @Mixin
  ReportOutputs outputs;

  /**
   * Fails with a usage error (exit 2) on a value out of range: threads outside
   * 0..{@link BackendOptions#maxThreads()}, a timeout below 1 s, a heap size that is not a
   * number with an optional k/m/g suffix, an output file that is neither .json nor .md.
   */
  void validate(CommandLine commandLine) {
    try {
      BackendOptions.checkThreads("--threads", threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine, e.getMessage(), e);
    }
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new ParameterException(commandLine, "--timeout must be >= 1, got "
          + timeoutSeconds);
    }
    if (childHeap != null && !HEAP.matcher(childHeap).matches()) {
      throw new ParameterException(commandLine, "--child-heap must be a size such as 6g or "
          + "512m, got '" + childHeap + "'");
    }
    if (childJava != null && !(Files.isRegularFile(childJava)
        && Files.isExecutable(childJava))) {
      throw new ParameterException(commandLine, "--child-java must be an executable file, "
          + "got '" + childJava + "'");
    }
    outputs.validate(commandLine);
  }

  /** The thread count: {@code --threads}, or every processor for 0. */
  int resolvedThreads() {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /**
   * The launcher of this run's child JVMs.
   *
   * @param defaultHeap {@code -Xmx} without {@code --child-heap} and {@code --tiny}
   * @param defaultTimeout seconds without {@code --timeout}
   * @param extraFlags the command's own JVM flags for every child
   */
  ChildJvm childJvm(String defaultHeap, long defaultTimeout, List<String> extraFlags) {
    String heap = childHeap != null ? childHeap : tiny ? "1g" : defaultHeap;
    return new ChildJvm(resolvedThreads(), heap, extraFlags, verbose,
        timeoutSeconds != null ? timeoutSeconds : defaultTimeout, childJava);
  }
}

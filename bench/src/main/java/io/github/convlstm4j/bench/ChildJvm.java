package io.github.convlstm4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the bench's child JVMs, for {@code bench} and {@code bench soak} alike: the java of
 * this JVM (or {@code --child-java}'s), this JVM's class path, {@link BenchChild} as the main
 * class, one task per child.
 * Each child gets {@code -Xmx}, {@code -Dai.djl.offline=true}, its log level (warn, or debug
 * with {@code --verbose}), the command's own extra flags, {@code --add-modules
 * jdk.incubator.vector} unless it must run the reference backend's scalar kernel, and
 * {@code OMP_NUM_THREADS} / {@code MKL_NUM_THREADS} set to the thread count (MXNet reads its
 * thread count only from there).
 */
final class ChildJvm {

  private final int threads;
  private final String heap;
  private final List<String> extraFlags;
  private final boolean verbose;
  private final long timeoutSeconds;
  /** The children's java executable; null: this JVM's. */
  private final Path java;

  /**
   * A launcher.
   *
   * @param threads the thread count of the backends, at least 1 (written to the environment)
   * @param heap the {@code -Xmx} value, e.g. {@code 6g}
   * @param extraFlags further JVM flags of every child
   * @param verbose debug logging in the children
   * @param timeoutSeconds how long one child may run before it is killed
   * @param java the children's java executable, or null for this JVM's
   */
  ChildJvm(int threads, String heap, List<String> extraFlags, boolean verbose,
      long timeoutSeconds, Path java) {
    this.threads = threads;
    this.heap = heap;
    this.extraFlags = List.copyOf(extraFlags);
    this.verbose = verbose;
    this.timeoutSeconds = timeoutSeconds;
    this.java = java;
  }

  /** The java executable the children run. */
  Path javaExecutable() {
    return java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The threads of the backends in the children. */
  int threads() {
    return threads;
  }

  /** The JVM flags of a child (without the class path and the main class). */
  List<String> flags(boolean vector) {
    List<String> f = new ArrayList<>();
    if (vector) {
      f.add("--add-modules");
      f.add("jdk.incubator.vector");
    }
    f.add("-Xmx" + heap);
    f.addAll(extraFlags);
    f.add("-Dai.djl.offline=true");
    f.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + (verbose ? "debug" : "warn"));
    return f;
  }

  /** The whole command line of a child that runs {@code args} (see {@link BenchChild}). */
  List<String> command(boolean vector, List<String> args) {
    List<String> c = new ArrayList<>();
    c.add(javaExecutable().toString());
    c.addAll(flags(vector));
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(BenchChild.class.getName());
    c.addAll(args);
    return c;
  }

  /**
   * Runs one child and waits for its result (at most the timeout).
   *
   * @param vector whether the child gets the Vector API module
   * @param args the task (see {@link BenchChild})
   */
  ChildProcess.Outcome run(boolean vector, List<String> args) {
    return ChildProcess.run(command(vector, args), threadEnvironment(threads), timeoutSeconds,
        true);
  }

  /** How long one child may run, seconds. */
  long timeoutSeconds() {
    return timeoutSeconds;
  }

  /** OpenMP / MKL thread counts for native engines (MXNet reads them only from here). */
  static Map<String, String> threadEnvironment(int n) {
    return Map.of("OMP_NUM_THREADS", Integer.toString(n), "MKL_NUM_THREADS",
        Integer.toString(n));
  }

  /**
   * The facts about this machine and JVM both bench reports start with: date, CPU, cores, OS,
   * JVM, this JVM's and the child JVMs' flags, the child environment and the thread count.
   */
  Map<String, Object> machineFacts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("jvm", thisJvm());
    if (java != null) {
      // The children name their JVM themselves, as this one does above.
      ChildProcess.Outcome o = run(false, List.of("jvm"));
      m.put("childJvm", java + " (" + (o.ok() ? o.json().get("jvm")
          : "cannot run it: " + o.error()) + ")");
    }
    m.put("benchJvmFlags", String.join(" ",
        ManagementFactory.getRuntimeMXBean().getInputArguments()));
    m.put("childJvmFlags", String.join(" ", flags(true)));
    m.put("childEnvironment", "OMP_NUM_THREADS=" + threads + " MKL_NUM_THREADS=" + threads);
    m.put("threads", threads);
    return m;
  }

  /**
   * The JVMs of a {@link #machineFacts()} map for a report: the bench's, then the children's when
   * {@code --child-java} chose another ({@code "; child JVMs: ..."}).
   */
  static String jvms(Map<String, Object> machine) {
    return machine.get("jvm") + (machine.containsKey("childJvm")
        ? "; child JVMs: " + machine.get("childJvm") : "");
  }

  /** This JVM's name and runtime version, e.g. "OpenJDK 64-Bit Server VM 17.0.15+6-...". */
  static String thisJvm() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  /** The CPU model from /proc/cpuinfo, with its widest vector extension. */
  static String cpuModel() {
    try {
      String flags = "";
      String model = "unknown CPU";
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name") && model.equals("unknown CPU")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        } else if (line.startsWith("flags") && flags.isEmpty()) {
          flags = line;
        }
      }
      return model + (flags.contains("avx512f") ? " (AVX-512)"
          : flags.contains("avx2") ? " (AVX2)" : "");
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }
}

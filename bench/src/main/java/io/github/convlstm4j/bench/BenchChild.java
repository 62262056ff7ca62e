package io.github.convlstm4j.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Main class of the bench's child JVMs: runs one task and prints its result as one line,
 * {@value #MARKER} followed by a JSON object, on standard output. Not meant to be run by hand.
 *
 * <p>Arguments:
 * {@code model CONFIGURATION MODEL THREADS REPS WARMUP [PHASES]},
 * {@code kernels THREADS REPS TINY KERNEL}, {@code jvm} (this JVM's name and version) or
 * {@code soak CONFIGURATION key=value...} (see
 * {@link SoakSettings}). CONFIGURATION is a backend name or a {@link BenchConfiguration} label
 * such as {@code djl-pytorch/per-step}. PHASES ({@link ModelTimer.Phases}; default all):
 * {@code forward-only} runs only the forward pass (for profiling it, e.g. under JFR),
 * {@code stream-only} only the streaming figures, {@code inference-only} both of those,
 * {@code train-only} only the training runs (training in a forecaster that never predicted).
 */
public final class BenchChild {

  /** Prefix of the result line. */
  static final String MARKER = "BENCH-RESULT ";

  private BenchChild() {}

  /**
   * Runs one task.
   *
   * @param args the task and its arguments (see the class comment)
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Map<String, Object> result;
    try {
      result = run(args);
    } catch (RuntimeException | LinkageError e) {
      result = new LinkedHashMap<>();
      result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    result.put("jvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments());
    out.println(MARKER + Json.writeCompact(result));
    out.flush();
    // DJL engines may leave non-daemon threads behind.
    System.exit(0);
  }

  static Map<String, Object> run(String[] args) {
    if ((args.length == 6 || args.length == 7) && args[0].equals("model")) {
      return new ModelTimer(BenchConfiguration.parse(args[1]), BenchModel.parse(args[2]),
          Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          ModelTimer.Phases.parse(args.length == 7 ? args[6] : "")).run();
    }
    if (args.length == 5 && args[0].equals("kernels")) {
      return new GemmProbe(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
          Boolean.parseBoolean(args[3]), args[4]).run();
    }
    if (args.length == 1 && args[0].equals("jvm")) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("jvm", ChildJvm.thisJvm());
      return r;
    }
    if (args.length >= 2 && args[0].equals("soak")) {
      return new SoakRunner(BenchConfiguration.parse(args[1]),
          SoakSettings.parse(Arrays.asList(args).subList(2, args.length))).run();
    }
    throw new IllegalArgumentException("arguments must be 'model CONFIGURATION MODEL THREADS "
        + "REPS WARMUP [forward-only|stream-only|inference-only|train-only]', 'kernels THREADS "
        + "REPS TINY KERNEL', 'jvm' or 'soak CONFIGURATION key=value...', got "
        + String.join(" ", args));
  }
}

package io.github.convlstm4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j bench}: times every backend on the seed model and the CPU demo preset, next
 * to the FMA peak, the reference GEMM kernels and the PyTorch peer, and prints one table.
 *
 * <p>Each configuration (backend, kernel) runs on each model in its own child JVM
 * ({@link BenchChild}), so peak resident memory is per configuration; the reference backend's
 * scalar kernel runs in a child JVM without {@code --add-modules jdk.incubator.vector}, which
 * is how the reference backend falls back to it. {@code reference/vector} and
 * {@code reference/scalar} run the reference backend's default 3×3 convolution algorithm
 * (Winograd); {@code reference/direct} runs it with {@code reference.convolution=direct}, so
 * a full run shows direct, Winograd and DJL PyTorch side by side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {SoakCommand.class, SeriesCommand.class},
    header = "Time every backend (forward, training step, memory) against the FMA peak and "
        + "the PyTorch peer.",
    description = {
        "For each available backend, and the reference backend's Vector API and scalar "
            + "kernels separately, on the seed model (4x40 filters, batch 10, 15 frames, "
            + "40x40) and the CPU demo preset: forward time per batch (batched predict), "
            + "training-step time per batch (fit of one epoch on one batch, SGD, BCE), "
            + "GFLOP/s and share of the measured FMA peak, peak resident memory, and speed "
            + "ratios between every pair. Also the FMA peak and the reference GEMM kernels "
            + "on the seed's gate-convolution shapes, and the Python PyTorch peer "
            + "(bench/python/convlstm_bench.py) when python3 imports torch.",
        "reference/vector and reference/scalar run the reference backend's default 3x3 "
            + "convolution algorithm, Winograd F(2x2,3x3); reference/direct and "
            + "reference/winograd set reference.convolution=direct or winograd (reference/winograd4: "
            + "F(4x4,3x3), opt-in; reference/vector-256 and reference/vector-512 "
            + "force the kernel's vector width). GFLOP/s of the "
            + "model tables count direct-convolution FLOPs (effective GFLOP/s): Winograd does "
            + "2.25x fewer multiply-adds in 3x3 convolutions and can exceed the FMA peak.",
        "djl-pytorch/hoisted and djl-pytorch/per-step are djl-pytorch with the input-to-state "
            + "convolution hoisted out of the time loop (one convolution over all frames) or "
            + "inside it; the input-convolution table shows each form's gain over per-step.",
        "Each configuration runs in its own child JVM. A full run takes about 15-20 minutes on "
            + "2 cores, most of it the scalar kernel; --tiny checks that everything runs.",
        "'convlstm4j bench soak' measures resident memory over thousands of calls instead "
            + "(see 'convlstm4j bench soak --help')."})
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
      description = "Timed repetitions per phase (default ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
      description = "Untimed warm-up runs per phase (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--scalar-reps", paramLabel = "N", defaultValue = "2",
      description = "Timed repetitions for reference/scalar, 30-60x slower "
          + "(default ${DEFAULT-VALUE}).")
  int scalarReps;

  @Option(names = "--scalar-warmup", paramLabel = "N", defaultValue = "0",
      description = "Warm-up runs for reference/scalar (default ${DEFAULT-VALUE}; one seed "
          + "forward pass is tens of seconds, JIT warm-up is a small part of it).")
  int scalarWarmup;

  @Option(names = "--models", split = ",", paramLabel = "MODEL",
      description = "Models: seed, cpu (default: seed,cpu).")
  List<String> models;

  @Option(names = "--no-peer", description = "Do not run the Python PyTorch peer.")
  boolean noPeer;

  @Option(names = "--python", paramLabel = "EXE",
      description = "Python interpreter for the peer (default: /usr/bin/python3, else python3).")
  String python;

  @Option(names = "--peer-script", paramLabel = "FILE",
      description = "The peer script (default: bench/python/convlstm_bench.py in the working "
          + "directory or a parent).")
  Path peerScript;

  @Option(names = "--no-kernels", description = "Skip the FMA peak probe and the GEMM kernels.")
  boolean noKernels;

  @Mixin
  ChildRunOptions options;

  @Option(names = "--separate-phases",
      description = "Time the forward and the training phase in two child JVMs, so training "
          + "runs in a forecaster that never predicted (DJL PyTorch's seed-model training "
          + "diverges after a predict in the same forecaster); RSS fwd is then the forward "
          + "child's peak and RSS the training child's.")
  boolean separatePhases;

  /** Creates the command (picocli fills the options). */
  public BenchCommand() {}

  @Override
  public Integer call() throws IOException {
    validate();
    options.outputs.checkWritable();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ChildJvm jvm = options.childJvm("6g", 3600, List.of());
    int n = jvm.threads();
    List<BenchModel> chosen = chosenModels();
    List<String> skipped = new ArrayList<>();
    List<BenchConfiguration> configs;
    try {
      configs = BenchConfiguration.available(options.only,
          BenchCommand::inDefaultSet, skipped);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--backends: " + e.getMessage());
    }
    PythonPeer peer = null;
    String peerText = "not run (--no-peer)";
    if (!noPeer && wanted(PythonPeer.LABEL)) {
      progress(err, "looking for the Python peer");
      PythonPeer.Found found = PythonPeer.find(python, peerScript);
      if (found.peer().isPresent()) {
        peer = found.peer().get();
        peerText = peer.description();
      } else {
        peerText = "skipped: " + found.reason();
        skipped.add(PythonPeer.LABEL + ": skipped the peer: " + found.reason());
      }
    } else if (!noPeer) {
      peerText = "not selected by --backends";
    }
    if (configs.isEmpty() && peer == null) {
      return BenchMain.nothingMeasured(spec, skipped);
    }

    Map<String, Object> kernels = new LinkedHashMap<>();
    if (noKernels) {
      kernels.put("error", "skipped (--no-kernels)");
    } else {
      List<Map<String, Object>> parts = new ArrayList<>();
      for (String kernel : GemmProbe.kernelNames()) {
        progress(err, "FMA peak probe and reference GEMM kernel " + kernel);
        ChildProcess.Outcome o = jvm.run(true, List.of("kernels", Integer.toString(n),
            Integer.toString(reps), Boolean.toString(options.tiny), kernel));
        Map<String, Object> part = new LinkedHashMap<>();
        if (o.ok()) {
          part = o.json();
        } else {
          part.put("error", o.error());
        }
        parts.add(part);
      }
      kernels = GemmProbe.merge(parts);
      if (kernels.containsKey("error")) {
        skipped.add("kernels: " + kernels.get("error"));
      }
    }

    List<BenchResult.ModelResults> results = new ArrayList<>();
    for (BenchModel m : chosen) {
      List<Measurement> ms = new ArrayList<>();
      for (BenchConfiguration c : configs) {
        int r = c.scalar() ? scalarReps : reps;
        int w = c.scalar() ? scalarWarmup : warmup;
        progress(err, c.label() + " on " + m.label());
        ChildProcess.Outcome o = separatePhases ? separately(jvm, c, m, r, w)
            : jvm.run(c.vectorJvm(), List.of("model", c.label(), m.label(),
                Integer.toString(c.threadsOr(n)), Integer.toString(r), Integer.toString(w)));
        Measurement x = o.ok() ? Measurement.fromJson(c.label(), m.label(), o.json())
            : Measurement.failed(c.label(), m.label(), o.error());
        if (c.scalar() && !x.detail().isEmpty() && !x.detail().startsWith("scalar")) {
          x = Measurement.failed(c.label(), m.label(), "expected the scalar kernel, the child "
              + "used " + x.detail());
        }
        Optional<String> mismatch = x.raw().containsKey("runtime")
            ? c.mismatch(runtimeOf(x)) : Optional.empty();
        if (x.error() == null && mismatch.isPresent()) {
          x = Measurement.failed(c.label(), m.label(), mismatch.get());
        }
        ms.add(x);
        if (x.error() != null) {
          skipped.add(c.label() + " on " + m.label() + ": " + x.error());
        }
      }
      if (peer != null) {
        progress(err, PythonPeer.LABEL + " on " + m.label());
        Measurement x = peer.run(m, n, reps, warmup, jvm.timeoutSeconds());
        ms.add(x);
        if (x.error() != null) {
          skipped.add(PythonPeer.LABEL + " on " + m.label() + ": " + x.error());
        }
      }
      results.add(new BenchResult.ModelResults(m, ms));
    }
    BenchResult result = new BenchResult(machine(jvm, peerText), kernels, results, skipped);
    out.print(BenchReport.text(result));
    out.flush();
    options.outputs.write(() -> BenchReport.json(result), () -> BenchReport.markdown(result), err,
        "bench");
    boolean measured = results.stream().flatMap(r -> r.measurements().stream())
        .anyMatch(x -> x.forward().present() || x.train().present());
    return measured ? 0 : BenchMain.nothingMeasured(spec, skipped);
  }

  /**
   * Runs the forward and streaming phases and the training phase of one configuration in two
   * child JVMs and merges their results: the forward and streaming figures from the first, the
   * training figures and the peak RSS from the second.
   */
  private static ChildProcess.Outcome separately(ChildJvm jvm, BenchConfiguration c,
      BenchModel m, int r, int w) {
    List<String> base = List.of("model", c.label(), m.label(),
        Integer.toString(c.threadsOr(jvm.threads())), Integer.toString(r), Integer.toString(w));
    List<String> fwd = new ArrayList<>(base);
    fwd.add("inference-only");
    ChildProcess.Outcome a = jvm.run(c.vectorJvm(), fwd);
    if (!a.ok() || a.json().containsKey("error")) {
      return a;
    }
    List<String> train = new ArrayList<>(base);
    train.add("train-only");
    ChildProcess.Outcome b = jvm.run(c.vectorJvm(), train);
    Map<String, Object> merged = new LinkedHashMap<>(a.json());
    merged.put("separatePhases", true);
    if (!b.ok()) {
      merged.put("trainingError", "training child: " + b.error());
      return new ChildProcess.Outcome(merged, null);
    }
    for (String key : List.of("train", "losses", "trainingFinite", "trainingError", "error",
        "peakRssMiB")) {
      if (b.json().containsKey(key)) {
        merged.put(key, b.json().get(key));
      }
    }
    merged.put("trainingChild", b.json());
    return new ChildProcess.Outcome(merged, null);
  }

  /** The forecaster's runtime information as the child reported it. */
  private static Map<String, String> runtimeOf(Measurement x) {
    Map<String, String> m = new LinkedHashMap<>();
    Json.object(x.raw(), "runtime").forEach((k, v) -> m.put(k, String.valueOf(v)));
    return m;
  }

  private void validate() {
    options.validate(spec.commandLine());
    if (reps < 1 || warmup < 0 || scalarReps < 1 || scalarWarmup < 0) {
      throw new ParameterException(spec.commandLine(), "--reps and --scalar-reps must be >= 1, "
          + "--warmup and --scalar-warmup >= 0, got " + reps + ", " + scalarReps + ", "
          + warmup + ", " + scalarWarmup);
    }
    if (options.tiny && models != null) {
      throw new ParameterException(spec.commandLine(), "--tiny and --models exclude each other");
    }
  }

  private List<BenchModel> chosenModels() {
    if (options.tiny) {
      return List.of(BenchModel.TINY);
    }
    List<BenchModel> out = new ArrayList<>();
    for (String s : models == null ? List.of("seed", "cpu") : models) {
      try {
        out.add(BenchModel.parse(s.trim()));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--models: " + e.getMessage());
      }
    }
    return out;
  }

  private boolean wanted(String label) {
    return options.only == null || options.only.contains(label);
  }

  /**
   * The configurations a run measures when {@code --backends} is not given: every backend, the
   * reference backend as {@code reference/vector} (its defaults: Vector API kernel, Winograd
   * 3×3 convolutions), {@code reference/direct} (the same with direct convolutions) and
   * {@code reference/scalar}, and next to {@code djl-pytorch} (its default input-convolution
   * form) {@code djl-pytorch/hoisted} and {@code djl-pytorch/per-step}, so hoisting the input
   * convolution is measured against the per-step form on the primary engine whatever its
   * default is. {@code reference/winograd} is left out: it runs what {@code reference/vector}
   * runs (the report compares {@code reference/vector} with {@code reference/direct} when its
   * forecaster reports {@code convolution=winograd}).
   */
  static boolean inDefaultSet(String label) {
    if (label.equals("reference")) {
      return false;
    }
    return !label.contains("/") || label.equals(BenchResult.REFERENCE_VECTOR)
        || label.equals(BenchResult.REFERENCE_SCALAR)
        || label.equals(BenchResult.REFERENCE_DIRECT)
        || label.equals(BenchResult.DJL_PYTORCH + "/" + BenchConfiguration.PER_STEP)
        || label.equals(BenchResult.DJL_PYTORCH + "/" + BenchConfiguration.HOISTED);
  }

  private Map<String, Object> machine(ChildJvm jvm, String peerText) {
    Map<String, Object> m = jvm.machineFacts();
    m.put("reps", reps);
    m.put("warmup", warmup);
    m.put("scalarReps", scalarReps);
    m.put("scalarWarmup", scalarWarmup);
    m.put("peer", peerText);
    m.put("separatePhases", separatePhases);
    return m;
  }

  static void progress(PrintWriter err, String what) {
    err.println("bench: " + what + " ...");
    err.flush();
  }

}

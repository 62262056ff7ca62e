package io.github.convlstm4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j bench soak}: for each backend, in its own child JVM ({@link SoakRunner}),
 * thousands of {@code predict} calls, hundreds of training steps, then a stream of thousands of
 * frames pushed into one session, on one forecaster, with the process's resident memory sampled
 * as it goes; reports whether memory stays flat after
 * warm-up ({@link MemoryTrend#RULE}) and how much of any growth is Java heap.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    header = "Resident memory over thousands of predict calls, hundreds of training steps and "
        + "a 10,000-frame stream.",
    description = {
        "For each backend, in its own child JVM: one forecaster, --predicts batched predict "
            + "calls on one batch, then --steps training steps (fit of one epoch on that "
            + "batch, SGD, BCE). The process's resident set (VmRSS), the Java heap (used, "
            + "committed, live after a full GC) and the JVM's non-heap memory are sampled "
            + "every few calls; after the warm-up calls, memory must stay flat (growth to the "
            + "max below max(10 %%, 64 MiB) of the post-warm-up figure, and the least-squares "
            + "line rising by less than half that).",
        "Then a stream: one session (Forecaster.openSession) with one stream per sequence of "
            + "the batch, --stream-frames pushes of one frame per stream (each stream's "
            + "sequence over and over), a 2-frame forecast from the current state at every "
            + "sample; memory judged by the same rule after --stream-warmup pushes.",
        "Defaults: the CPU demo preset on batch 2 x 8 frames x 40x40 (moving squares), 2000 "
            + "predicts, 200 steps and 10000 stream frames; a few minutes per backend on 2 "
            + "cores. --tiny checks that it runs (the tiny model, and still 10000 stream "
            + "frames unless --stream-frames is given)."})
public final class SoakCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL", defaultValue = "cpu",
      description = "seed, cpu or tiny (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "2",
      description = "Sequences per batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--frames", paramLabel = "N", defaultValue = "8",
      description = "Frames per sequence (default ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "40",
      description = "Frame height and width (default ${DEFAULT-VALUE}; 40 uses moving-squares "
          + "movies, other sizes uniform noise).")
  int size;

  @Option(names = "--predicts", paramLabel = "N", defaultValue = "2000",
      description = "Predict calls, warm-up included (default ${DEFAULT-VALUE}).")
  int predicts;

  @Option(names = "--predict-warmup", paramLabel = "N", defaultValue = "200",
      description = "Predict calls before the first judged sample (default ${DEFAULT-VALUE}).")
  int predictWarmup;

  @Option(names = "--sample-every", paramLabel = "N", defaultValue = "25",
      description = "Sample memory every N predict calls (default ${DEFAULT-VALUE}).")
  int predictEvery;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "200",
      description = "Training steps, warm-up included (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--step-warmup", paramLabel = "N", defaultValue = "20",
      description = "Training steps before the first judged sample (default ${DEFAULT-VALUE}).")
  int stepWarmup;

  @Option(names = "--step-sample-every", paramLabel = "N", defaultValue = "5",
      description = "Sample memory every N training steps (default ${DEFAULT-VALUE}).")
  int stepEvery;

  @Option(names = "--stream-frames", paramLabel = "N", defaultValue = "10000",
      description = "Frames pushed into the session per stream, warm-up included (default "
          + "${DEFAULT-VALUE}).")
  int streamFrames;

  @Option(names = "--stream-warmup", paramLabel = "N", defaultValue = "1000",
      description = "Pushes before the first judged sample (default ${DEFAULT-VALUE}).")
  int streamWarmup;

  @Option(names = "--stream-sample-every", paramLabel = "N", defaultValue = "250",
      description = "Sample memory every N pushes (default ${DEFAULT-VALUE}).")
  int streamEvery;

  @Mixin
  ChildRunOptions options;

  /** Creates the command (picocli fills the options). */
  public SoakCommand() {}

  @Override
  public Integer call() throws IOException {
    options.validate(spec.commandLine());
    SoakSettings settings = settings();
    options.outputs.checkWritable();
    // The committed Java heap is touched when committed, so it is resident from the start:
    // otherwise RSS grows while the young generation first cycles through its regions, which
    // looks like native growth. And a full GC must not shrink the heap.
    ChildJvm jvm = options.childJvm("2g", 1800,
        List.of("-XX:+AlwaysPreTouch", "-XX:MaxHeapFreeRatio=100"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> skipped = new ArrayList<>();
    List<BenchConfiguration> configs;
    try {
      configs = BenchConfiguration.available(options.only,
          label -> !label.contains("/"), skipped);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--backends: " + e.getMessage());
    }
    if (configs.isEmpty()) {
      return BenchMain.nothingMeasured(spec, skipped);
    }
    List<SoakResult.Run> runs = new ArrayList<>();
    for (BenchConfiguration c : configs) {
      BenchCommand.progress(err, "soak " + c.label() + " (" + settings.predicts()
          + " predicts, " + settings.steps() + " training steps, " + settings.streamFrames()
          + " stream frames)");
      List<String> args = new ArrayList<>(List.of("soak", c.label()));
      args.addAll(settings.toArguments());
      ChildProcess.Outcome o = jvm.run(c.vectorJvm(), args);
      SoakResult.Run run = o.ok() ? SoakResult.Run.fromJson(c.label(), o.json())
          : SoakResult.Run.failed(c.label(), o.error());
      runs.add(run);
      if (run.error() != null) {
        skipped.add(c.label() + ": " + run.error());
      }
    }
    SoakResult result = new SoakResult(jvm.machineFacts(), settings, runs, skipped);
    out.print(SoakReport.text(result));
    out.flush();
    options.outputs.write(() -> SoakReport.json(result), () -> SoakReport.markdown(result), err,
        "bench soak");
    return runs.stream().anyMatch(r -> !r.phases().isEmpty()) ? 0
        : BenchMain.nothingMeasured(spec, skipped);
  }

  /** The settings: the options, with --tiny's values where an option was not given. */
  private SoakSettings settings() {
    try {
      BenchModel m = BenchModel.parse(pick("--model", model, "tiny"));
      return new SoakSettings(m, pick("--batch", batch, 2), pick("--frames", frames, 4),
          pick("--size", size, 8), options.threads, pick("--predicts", predicts, 12),
          pick("--predict-warmup", predictWarmup, 4), pick("--sample-every", predictEvery, 2),
          pick("--steps", steps, 6), pick("--step-warmup", stepWarmup, 2),
          pick("--step-sample-every", stepEvery, 1),
          pick("--stream-frames", streamFrames, 10_000),
          pick("--stream-warmup", streamWarmup, 1000),
          pick("--stream-sample-every", streamEvery, 250));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private <T> T pick(String option, T given, T tinyValue) {
    return options.tiny && !spec.commandLine().getParseResult().hasMatchedOption(option)
        ? tinyValue : given;
  }
}

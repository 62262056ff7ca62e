package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convlstm4j evaluate}: forecast quality of a checkpoint against persistence. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    header = "Score a checkpoint's forecasts against persistence.", sortOptions = false,
    description = "Score a checkpoint's forecasts on movies it has not trained on: feed the "
        + "first --context noisy frames, roll out --steps frames, and compare each step with "
        + "the clean frames, next to persistence (last context frame clipped to [0,1], "
        + "repeated). Prints MSE, their ratio and SSIM per step (step 1 = next frame).",
    footer = {"", "Examples:",
        "  convlstm4j evaluate --checkpoint demo-out/model.npz",
        "  convlstm4j evaluate --checkpoint model.npz --data movies.npz --from 1000 --count 200"})
final class EvaluateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
      description = "A checkpoint written by 'train' or 'demo'.")
  Path checkpoint;

  @Option(names = "--data", paramLabel = "FILE",
      description = "Movies from 'convlstm4j generate' (.npz); default: generate them from "
          + "--seed.")
  Path data;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the generated movies (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames per generated movie (default: ${DEFAULT-VALUE}).")
  int frames = 15;

  @Option(names = "--from", paramLabel = "N",
      description = "First movie scored (default: ${DEFAULT-VALUE}; keep it past the movies "
          + "the model trained on).")
  int from = 1000;

  @Option(names = "--count", paramLabel = "N",
      description = "Movies scored (default: ${DEFAULT-VALUE}).")
  int count = 50;

  @Option(names = "--context", paramLabel = "N",
      description = "Context frames fed (default: ${DEFAULT-VALUE}).")
  int context = 7;

  @Option(names = "--steps", paramLabel = "N",
      description = "Rollout steps scored (default: ${DEFAULT-VALUE}).")
  int steps = 8;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures here.")
  Path json;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    // Every option is checked before any work (exit 2 on a bad one).
    TrainingOptions.positive("--count", count);
    TrainingOptions.positive("--context", context);
    TrainingOptions.positive("--steps", steps);
    TrainingOptions.positive("--frames", frames);
    if (from < 0) {
      throw new UsageException("--from must be >= 0, got " + from);
    }
    // In long: --from + --count and --context + --steps must not overflow into the message.
    long end = (long) from + count;
    if (end > Integer.MAX_VALUE) {
      throw new UsageException("--from " + from + " + --count " + count + " must be at most "
          + Integer.MAX_VALUE + " movies, got " + end);
    }
    if (data == null && (long) context + steps > frames) {
      throw new UsageException("--context " + context + " and --steps " + steps + " need "
          + ((long) context + steps) + " frames per movie, but --frames is " + frames);
    }
    if (data == null) {
      Limits.requireMemoryForOptions("generating " + end + " movies (--from + --count) of "
          + frames + " frames", Limits.movieBytes(end, frames));
    }
    common.validate();
    // Then the files (exit 1): nothing is computed that could not be read or written.
    CommonOptions.requireFile(checkpoint, "checkpoint");
    if (json != null) {
      OutputPaths.checkFile("--json", json, true);
    }
    PrintWriter out = spec.commandLine().getOut();
    // Loaded first: the backend judges its settings before movies are read or generated.
    try (Forecaster f = common.load(checkpoint)) {
      Movies all = data != null ? MovieData.read(data)
          : MovingSquares.keras().generate((int) end, frames, seed);
      if (end > all.size()) {
        throw new UserException("movies " + from + ".." + (end - 1) + " asked for, "
            + "but " + data + " holds " + all.size());
      }
      Movies scored = all.subset(from, from + count);
      HeldOutEvaluation e = HeldOutEvaluation.run(f, scored, context, steps);
      e.printTable(out);
      if (json != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", checkpoint.toString());
        m.put("backend", f.backendName());
        m.put("epochsTrained", f.checkpoint().epochsCompleted());
        m.put("heldOut", e.toJson(from));
        JsonFiles.write(json, m);
      }
    }
    out.flush();
    return 0;
  }
}

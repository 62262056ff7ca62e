package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.FrameSource;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    description = {"Score a checkpoint's forecasts on movies it has not trained on: feed the "
        + "first --context frames, roll out --steps frames, and compare each step with the "
        + "frames that followed, next to persistence (the last context frame repeated).",
        "Moving squares (default, or --data from 'convlstm4j generate'): the context is the "
            + "noisy frames, the truth the clean ones, persistence is clipped to [0,1]; prints "
            + "MSE, their ratio and SSIM per step (step 1 = next frame).",
        "Your own file: --data FILE --layout TNHW|NTHWC|THWC|THW reads an .npy/.npz (uint8 "
            + "divided by 255, other types as stored), every sequence from --from on; "
            + "persistence is the last context frame as is. --data DIR reads a folder of PNG "
            + "frames (one series) or of one sub-folder of PNG frames per sequence (8-bit "
            + "samples divided by 255, 16-bit as stored).",
        "A checkpoint trained with 'train --normalize' holds its normalization: contexts are "
            + "normalized before they are fed and forecasts inverted after, so every score "
            + "is computed in the units of the data.",
        "--scores LIST prints a per-step table of the scores you name, model next to "
            + "persistence: " + ScoreList.NAMES + " (T a threshold, W an odd window)."},
    footer = {"", "Examples:",
        "  convlstm4j evaluate --checkpoint demo-out/model.npz",
        "  convlstm4j evaluate --checkpoint model.npz --data movies.npz --from 1000 --count 200",
        "  convlstm4j evaluate --checkpoint mm.npz --data mm-test.npy --layout TNHW "
            + "--context 10 --steps 10 --scores mse,mae,ssim,psnr,csi:0.5,fss:0.5:3"})
final class EvaluateCommand implements Callable<Integer> {

  /** Sequences rolled out and scored at a time from a file or PNG folder. */
  static final int SCORE_BATCH = 4 * HeldOutEvaluation.ROLLOUT_BATCH;

  /** Scores of --layout data when --scores is not given. */
  static final String DEFAULT_SCORES = "mse,mae,ssim";

  @Spec
  CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
      description = "A checkpoint written by 'train' or 'demo'.")
  Path checkpoint;

  @Option(names = "--data", paramLabel = "FILE",
      description = "Movies from 'convlstm4j generate' (.npz), or with --layout any .npy/.npz "
          + "of sequences, or a folder of PNG frames or of PNG sequence folders; default: "
          + "generate moving squares from --seed.")
  Path data;

  @Option(names = "--layout", paramLabel = "LAYOUT",
      description = "Axis layout of --data: TNHW (mnist_test_seq.npy), NTHWC, THWC or THW.")
  String layout;

  @Option(names = "--scores", paramLabel = "LIST",
      description = "Comma-separated scores for the per-step table, e.g. "
          + "mse,mae,ssim,psnr,csi:0.5,fss:0.5:3 (default with --layout: " + DEFAULT_SCORES
          + ").")
  String scores;

  @Option(names = "--data-range", paramLabel = "R",
      description = "Span of the values for PSNR and SSIM (default: ${DEFAULT-VALUE}, frames "
          + "in [0,1]).")
  double dataRange = 1.0;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the generated movies (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames per generated movie (default: ${DEFAULT-VALUE}).")
  int frames = 15;

  @Option(names = "--from", paramLabel = "N",
      description = "First movie scored (default: 1000, past the movies the model trained on; "
          + "0 with --layout).")
  Integer from;

  @Option(names = "--count", paramLabel = "N",
      description = "Movies scored (default: 50; with --layout every sequence from --from).")
  Integer count;

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
    NpyFrames.Layout fileLayout = parseLayout();
    boolean pngs = data != null && Files.isDirectory(data);
    if (pngs && fileLayout != null) {
      throw new UsageException("--layout describes an .npy/.npz, got the folder " + data
          + " (a folder of PNGs needs no --layout)");
    }
    boolean own = fileLayout != null || pngs;
    int first = from != null ? from : own ? 0 : 1000;
    if (count != null) {
      TrainingOptions.positive("--count", count);
    }
    int scored = count != null ? count : own ? Integer.MAX_VALUE : 50;
    TrainingOptions.positive("--context", context);
    TrainingOptions.positive("--steps", steps);
    TrainingOptions.positive("--frames", frames);
    if (first < 0) {
      throw new UsageException("--from must be >= 0, got " + first);
    }
    // In long: --from + --count and --context + --steps must not overflow into the message.
    long end = (long) first + scored;
    if (count != null && end > Integer.MAX_VALUE) {
      throw new UsageException("--from " + first + " + --count " + count + " must be at most "
          + Integer.MAX_VALUE + " movies, got " + end);
    }
    if (data == null && (long) context + steps > frames) {
      throw new UsageException("--context " + context + " and --steps " + steps + " need "
          + ((long) context + steps) + " frames per movie, but --frames is " + frames);
    }
    if (!(dataRange > 0) || !Double.isFinite(dataRange)) {
      throw new UsageException("--data-range must be positive and finite, got " + dataRange);
    }
    ScoreList list = scores != null || own
        ? ScoreList.parse(scores != null ? scores : DEFAULT_SCORES, steps, dataRange) : null;
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
    // A checkpoint trained on normalized frames: in user units in, scores in user units.
    Normalization norm = Checkpoints.readNormalization(checkpoint).orElse(Normalization.NONE);
    // Loaded first: the backend judges its settings before movies are read or generated.
    try (Forecaster f = common.load(checkpoint)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("checkpoint", checkpoint.toString());
      m.put("backend", f.backendName());
      m.put("epochsTrained", f.checkpoint().epochsCompleted());
      if (!norm.isIdentity()) {
        m.put("normalization", norm.toString());
      }
      if (own) {
        scoreFile(f, fileLayout, first, scored, list, out, m, norm);
      } else {
        Movies all = data != null ? MovieData.read(data)
            : MovingSquares.keras().generate((int) end, frames, seed);
        if (end > all.size()) {
          throw new UserException("movies " + first + ".." + (end - 1) + " asked for, "
              + "but " + data + " holds " + all.size());
        }
        Movies held = all.subset(first, (int) end);
        // Only when the movies are long enough (else run() refuses) so that a huge --steps
        // never allocates per-step totals.
        PersistenceComparison cmp = list != null
            && (long) context + steps <= held.noisy().get(0).frames()
            ? PersistenceComparison.clipped(list.config()) : null;
        HeldOutEvaluation e = HeldOutEvaluation.run(f, held, context, steps, cmp, norm);
        e.printTable(out);
        m.put("heldOut", e.toJson(first));
        if (cmp != null) {
          PersistenceComparison.Result r = cmp.result();
          list.print(out, r, "Scores of " + held.size() + " held-out movies per step "
              + "(model vs persistence clipped to [0,1]):");
          m.put("scores", list.toJson(r));
        }
      }
      if (json != null) {
        JsonFiles.write(json, m);
      }
    }
    out.flush();
    return 0;
  }

  private NpyFrames.Layout parseLayout() {
    if (layout == null) {
      return null;
    }
    if (data == null) {
      throw new UsageException("--layout describes --data FILE, which is missing");
    }
    try {
      return NpyFrames.Layout.valueOf(layout.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--layout must be one of "
          + Arrays.toString(NpyFrames.Layout.values()) + ", got '" + layout + "'", e);
    }
  }

  /**
   * Every sequence of a user's file or PNG folder from --from on: context, rollout, scores,
   * {@link #SCORE_BATCH} sequences at a time (a PNG folder is read lazily, so only those are
   * in the heap).
   */
  private void scoreFile(Forecaster f, NpyFrames.Layout fileLayout, int first, int scored,
      ScoreList list, PrintWriter out, Map<String, Object> m, Normalization norm)
      throws IOException {
    FrameSource source;
    long keep = Math.min((long) first + scored, Integer.MAX_VALUE);
    if (fileLayout == null) {
      source = PngFolders.open(data);
    } else {
      CommonOptions.requireFile(data, "--data");
      source = FrameSource.of(NpyFrames.read(data,
          NpyFrames.Options.of(fileLayout).withMaxSequences((int) keep)));
    }
    int available = source.sequences();
    if (count != null && available < keep) {
      throw new UserException("sequences " + first + ".." + (keep - 1) + " asked for, but "
          + data + " holds " + available);
    }
    if (available <= first) {
      throw new UserException("--from " + first + " must be below the " + available
          + " sequences of " + data);
    }
    int frameCount = source.frames();
    if ((long) context + steps > frameCount) {
      throw new UserException("--context " + context + " and --steps " + steps + " need "
          + ((long) context + steps) + " frames per sequence, but " + data + " has "
          + frameCount);
    }
    int last = (int) Math.min(keep, available);
    PersistenceComparison cmp = PersistenceComparison.asIs(list.config());
    for (int from = first; from < last; from += SCORE_BATCH) {
      List<FrameSequence> inputs = new ArrayList<>();
      List<FrameSequence> truths = new ArrayList<>();
      for (int i = from; i < Math.min(last, from + SCORE_BATCH); i++) {
        FrameSequence s = PngFolders.sequence(source, i, context + steps, data);
        inputs.add(s.slice(0, context));
        truths.add(s.slice(context, context + steps));
      }
      score(f, inputs, truths, cmp, data.toString(), norm);
    }
    PersistenceComparison.Result r = cmp.result();
    String what = fileLayout == null ? "PNG folder" : fileLayout.toString();
    list.print(out, r, "Forecasts of " + (last - first) + " sequences of " + data + " ("
        + what + ", from " + first + ") after " + context + " context frames, per step "
        + "(model vs persistence = last context frame" + (norm.isIdentity() ? ""
            : "; model fed normalized, " + norm + ", scored in the data's units") + "):");
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("data", data.toString());
    d.put("layout", fileLayout == null ? "png" : fileLayout.name());
    d.put("firstSequence", first);
    d.put("sequences", last - first);
    d.put("contextFrames", context);
    d.put("steps", steps);
    d.put("scores", list.toJson(r));
    m.put("heldOut", d);
  }

  /** Rolls out every context and scores model and persistence against the truths. */
  private static void score(Forecaster f, List<FrameSequence> inputs,
      List<FrameSequence> truths, PersistenceComparison scores, String source,
      Normalization norm) {
    try {
      List<FrameSequence> forecasts = HeldOutEvaluation.rollout(f, inputs, truths.get(0)
          .frames(), norm);
      for (int i = 0; i < inputs.size(); i++) {
        scores.add(inputs.get(i), truths.get(i), forecasts.get(i));
      }
    } catch (IllegalArgumentException e) {
      throw new UserException(source + ": " + e.getMessage(), e);
    }
  }
}

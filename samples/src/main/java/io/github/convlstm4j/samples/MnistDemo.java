package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.data.MnistDigits;
import io.github.convlstm4j.api.data.MovingMnist;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import io.github.convlstm4j.api.metrics.ScoreTable;
import io.github.convlstm4j.samples.images.FrameStyle;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code convlstm4j demo --dataset moving-mnist --digits PATH}: the demo on Moving MNIST.
 * Generates movies of 20 frames from the user's digits (seeded), trains the chosen preset on
 * next-frame pairs (frames 0–18 in, 1–19 out) of movies {@code [0, samples)}, feeds the first
 * {@value #CONTEXT} frames of held-out movies and rolls out {@value #STEPS} (OpenSTL's 10 → 10
 * protocol), and scores every step against the true frames next to persistence (the 10th frame
 * repeated): MSE per pixel and per frame (OpenSTL's convention), MAE, SSIM, PSNR.
 */
final class MnistDemo {

  /** Frames per movie, as OpenSTL's Moving MNIST. */
  static final int FRAMES = 20;
  /** Frame height and width, as OpenSTL's Moving MNIST. */
  static final int SIZE = 64;
  /** Frames fed. */
  static final int CONTEXT = 10;
  /** Frames forecast and scored. */
  static final int STEPS = 10;
  /** Movies trained on unless --samples says otherwise. */
  static final int DEFAULT_SAMPLES = 600;
  /** Epochs unless --epochs says otherwise. */
  static final int DEFAULT_EPOCHS = 3;
  /** Movies trained on by the CPU encoder–forecaster unless --samples says otherwise. */
  static final int DEFAULT_EF_SAMPLES = 800;
  /** Epochs of the CPU encoder–forecaster unless --epochs says otherwise. */
  static final int DEFAULT_EF_EPOCHS = 4;
  /** The scores printed. */
  static final String SCORES = "mse,mse-sum,mae,ssim,psnr";

  /** Patch size unless --patch says otherwise: 64x64x1 frames become 16x16x16 (OpenSTL's). */
  static final int DEFAULT_PATCH = 4;
  /** Filters per ConvLSTM layer unless --filters says otherwise. */
  static final int DEFAULT_FILTERS = 64;
  /** OneCycle's peak learning rate unless --max-lr says otherwise. */
  static final double DEFAULT_MAX_LR = 4e-3;
  /** Gradient clipping unless --clip-norm says otherwise. */
  static final double DEFAULT_CLIP_NORM = 1.0;

  private MnistDemo() {}

  /**
   * The Moving MNIST recipe, for every option the user did not give: the cpu preset's two
   * ConvLSTM layers with batch norm and its CAUSAL Conv3D head, on 4x4 patches (16x16x16) with
   * 64 filters; AdamW (weight decay 0.01) with a OneCycle schedule peaking at 4e-3, gradients
   * clipped to norm 1; 600 movies, 3 epochs, batch 8, BCE. With it the held-out forecasts beat
   * persistence in both MSE and SSIM at every step (README); the cpu preset as it is (250
   * movies, 3 epochs: 16x16 filters on 64x64) beat it in MSE only.
   */
  static void applyDefaults(DemoCommand d) {
    var parsed = d.spec.commandLine().getParseResult();
    TrainingOptions t = d.training;
    if (t.patch == null) {
      t.patch = DEFAULT_PATCH;
    }
    if (t.filters == null) {
      t.filters = DEFAULT_FILTERS;
    }
    if (t.optimizer == null) {
      t.optimizer = io.github.convlstm4j.api.OptimizerType.ADAMW;
    }
    RecipeOptions r = d.recipe;
    if (!parsed.hasMatchedOption("--schedule")) {
      r.schedule = RecipeOptions.Kind.ONECYCLE;
      if (r.maxLearningRate == null) {
        r.maxLearningRate = DEFAULT_MAX_LR;
      }
    }
    if (r.clipNorm == null) {
      r.clipNorm = DEFAULT_CLIP_NORM;
    }
  }

  /** Runs the demo; options were validated by the caller, --out checked. */
  static int run(DemoCommand d, Path digitsPath, PrintWriter stdout) throws Exception {
    Logger log = LoggerFactory.getLogger(MnistDemo.class);
    long start = System.nanoTime();
    boolean encoderForecaster = DemoCommand.ENCODER_FORECASTER.equals(d.model)
        || d.training.spec().encoderForecaster().isPresent();
    ModelSpec modelSpec = d.training.spec().encoderForecaster().isPresent() || !encoderForecaster
        ? d.training.spec() : DemoModels.mnistEncoderForecaster().withSeed(d.training.seed);
    TrainingConfig config = d.training.epochs != null ? d.training.training()
        : d.training.training().withEpochs(encoderForecaster && d.training.preset == Preset.CPU
            ? DEFAULT_EF_EPOCHS : DEFAULT_EPOCHS);
    int samples = samples(d);
    long total = Math.max(samples, Math.max((long) d.evalFrom + d.evalMovies,
        (long) d.movie + 1));
    Limits.requireMemoryForOptions("generating " + total + " Moving MNIST movies (--samples, "
        + "--eval-from + --eval-movies, --movie) of " + FRAMES + " frames of 64x64 and their "
        + "training pairs", Limits.product(total, FRAMES, 64 * 64, Limits.FLOAT, 3));
    OutputPaths.checkFolder("--out", d.out);
    MnistDigits digits = DigitFiles.read(digitsPath);
    ScoreList scores = ScoreList.parse(SCORES, STEPS, 1.0);
    try (Forecaster f = d.common.create(modelSpec)) {
      Files.createDirectories(d.out);
      List<FrameSequence> movies = MovingMnist.openStl(digits)
          .generate(Math.toIntExact(total), d.training.seed);
      log.info("generated {} Moving MNIST movies of {} frames from {} digits (seed {}); "
          + "training on movies 0-{}, scoring movies {}-{}, picturing movie {}", total, FRAMES,
          digits.count(), d.training.seed, samples - 1, d.evalFrom,
          d.evalFrom + d.evalMovies - 1, d.movie);
      List<FrameSequence> inputs = new ArrayList<>(samples);
      List<FrameSequence> targets = new ArrayList<>(samples);
      for (FrameSequence m : movies.subList(0, samples)) {
        if (encoderForecaster) { // Shi et al. 2015: 10 frames in, the next 10 out
          inputs.add(m.slice(0, CONTEXT));
          targets.add(m.slice(CONTEXT, FRAMES));
        } else {
          inputs.add(m.slice(0, FRAMES - 1));
          targets.add(m.slice(1, FRAMES));
        }
      }
      List<EpochEvent> history;
      Duration trainTime;
      SequenceDataset trainingSet = SequenceDataset.of(inputs, targets);
      config = d.recipe.apply(config, trainingSet);
      log.info("backend {}; model {} parameters; {}", f.backendName(),
          modelSpec.parameterCount(), TrainCommand.describe(config));
      try (TrainingProgress progress = TrainingProgress.forConsole(config.epochs())) {
        f.fit(trainingSet, config, progress);
        history = progress.epochs();
        trainTime = progress.elapsed();
      }
      inputs = null;
      targets = null;
      trainingSet = null;
      log.info("trained in {}", TrainingProgress.format(trainTime));
      f.save(d.out.resolve("model.npz"));

      long evalStart = System.nanoTime();
      List<FrameSequence> contexts = new ArrayList<>();
      List<FrameSequence> truths = new ArrayList<>();
      for (FrameSequence m : movies.subList(d.evalFrom, d.evalFrom + d.evalMovies)) {
        contexts.add(m.slice(0, CONTEXT));
        truths.add(m.slice(CONTEXT, FRAMES));
      }
      List<FrameSequence> forecasts = HeldOutEvaluation.rollout(f, contexts, STEPS);
      PersistenceComparison cmp = PersistenceComparison.asIs(scores.config());
      for (int i = 0; i < contexts.size(); i++) {
        cmp.add(contexts.get(i), truths.get(i), forecasts.get(i));
      }
      PersistenceComparison.Result result = cmp.result();
      Duration evalTime = Duration.ofNanos(System.nanoTime() - evalStart);

      FrameSequence pictured = movies.get(d.movie);
      FrameSequence context = pictured.slice(0, CONTEXT);
      FrameSequence rollout = f.forecast(context, STEPS);
      FrameStyle style = FrameStyle.DEFAULT.withColorMap(d.colorMap)
          .withScale(Limits.atMost("--scale", d.scale, FrameStyle.MAX_SCALE));
      DemoPictures.write(d.out, context, rollout, pictured, FRAMES, style);
      Charts.writeLoss(history, config.loss().name().toLowerCase(Locale.ROOT).replace('_', ' '),
          d.out.resolve("loss.png"));

      boolean mseBelow = below(result, true);
      boolean ssimAbove = below(result, false);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dataset", "moving-mnist");
      json.put("digits", digitsPath.toString());
      json.put("preset", d.training.preset.label());
      json.put("modelKind", encoderForecaster ? DemoCommand.ENCODER_FORECASTER
          : DemoCommand.STACKED);
      json.put("backend", f.backendName());
      json.put("model", DemoCommand.modelJson(modelSpec));
      json.put("training", DemoCommand.trainingJson(config, samples, FRAMES,
          Math.toIntExact(total), trainTime));
      json.put("history", DemoCommand.historyJson(history));
      Map<String, Object> held = new LinkedHashMap<>();
      held.put("description", "forecast(first " + CONTEXT + " frames, " + STEPS + ") of "
          + "held-out movies " + d.evalFrom + ".." + (d.evalFrom + d.evalMovies - 1)
          + " scored against frames " + CONTEXT + ".." + (FRAMES - 1)
          + "; persistence = frame " + (CONTEXT - 1) + " repeated");
      held.put("movies", d.evalMovies);
      held.put("scores", scores.toJson(result));
      held.put("mseBelowPersistenceAtEveryStep", mseBelow);
      held.put("ssimAbovePersistenceAtEveryStep", ssimAbove);
      json.put("heldOut", held);
      json.put("picturedMovie", d.movie);
      Map<String, Object> timing = new LinkedHashMap<>();
      timing.put("wallSeconds", DemoCommand.seconds(wall));
      timing.put("trainingSeconds", DemoCommand.seconds(trainTime));
      timing.put("evaluationSeconds", DemoCommand.seconds(evalTime));
      json.put("timing", timing);
      JsonFiles.write(d.out.resolve("metrics.json"), json);

      scores.print(stdout, result, "Forecasts of " + d.evalMovies + " held-out Moving MNIST "
          + "movies from " + CONTEXT + " context frames, per step (model vs persistence = "
          + "frame " + CONTEXT + " repeated):");
      stdout.printf(Locale.ROOT, "MSE below persistence at every step: %s; SSIM above "
          + "persistence at every step: %s%n", mseBelow ? "yes" : "NO", ssimAbove ? "yes" : "NO");
      stdout.printf(Locale.ROOT, "%nWall time %s (training %s). Wrote %s: 1_animate.png .. "
          + "%d_animate.png, rollout.gif, loss.png, metrics.json, model.npz%n",
          TrainingProgress.format(wall), TrainingProgress.format(trainTime), d.out, FRAMES);
      stdout.flush();
    }
    return 0;
  }

  /**
   * Movies trained on: --samples, else {@link #DEFAULT_EF_SAMPLES} for the CPU
   * encoder–forecaster, else {@link #DEFAULT_SAMPLES}.
   */
  static int samples(DemoCommand d) {
    TrainingOptions t = d.training;
    if (t.samples != null) {
      return t.trainingMovies();
    }
    return DemoCommand.ENCODER_FORECASTER.equals(d.model) && t.preset == Preset.CPU
        ? DEFAULT_EF_SAMPLES : DEFAULT_SAMPLES;
  }

  /** MSE below (or SSIM above) persistence at every step. */
  private static boolean below(PersistenceComparison.Result r, boolean mse) {
    ScoreTable m = r.model();
    ScoreTable p = r.persistence();
    for (int s = 1; s <= m.steps().size(); s++) {
      boolean ok = mse ? m.step(s).mse() < p.step(s).mse() : m.step(s).ssim() > p.step(s).ssim();
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

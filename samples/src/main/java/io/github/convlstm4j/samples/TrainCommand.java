package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingData;
import io.github.convlstm4j.api.data.FrameWindows;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.data.FrameSource;
import io.github.convlstm4j.api.io.MappedFrames;
import io.github.convlstm4j.api.io.NpyFrames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j train}: trains on moving-squares movies (generated from a seed or read
 * from {@code generate}'s .npz), saving a checkpoint after every epoch; {@code --resume}
 * continues from it with the optimizer state and the epoch count.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    header = "Train a model, checkpointing every epoch; --resume continues.", sortOptions = false,
    description = {
        "Train a ConvLSTM on moving-squares movies (Keras pairs: noisy input, next clean "
            + "frame as target), saving the checkpoint atomically after every epoch.",
        "Interrupted? Run the same command again with --resume: it continues at the next "
            + "epoch with the saved weights and optimizer state, so the long keras preset "
            + "can run in pieces.",
        "Your own frames: --data FILE --layout ... cuts windows out of a memory-mapped .npy "
            + "(larger than memory is fine), splits them in time, normalizes them and reports "
            + "the test loss at the end."},
    footer = {"", "Examples:",
        "  convlstm4j train --epochs 4 --checkpoint model.npz",
        "  convlstm4j train --preset keras --checkpoint seed.npz --resume",
        "  convlstm4j train --data radar.npy --layout THWC --input-frames 10 --stride 5 "
            + "--split 0.8,0.1,0.1 --normalize minmax,log1p --loss mse --checkpoint radar.npz",
        "  convlstm4j train --optimizer adamw --weight-decay 1e-2 --schedule onecycle "
            + "--max-lr 3e-3 --clip-norm 1 --epochs 20"})
final class TrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TrainingOptions training;

  @Mixin
  RecipeOptions recipe;

  @Option(names = "--data", paramLabel = "FILE",
      description = "Movies from 'convlstm4j generate' (.npz with noisy and shifted) instead "
          + "of generating them from --seed; with --layout, your own frames (any size: the "
          + "file is memory-mapped); or a folder of PNG frames (one series) or of one "
          + "sub-folder of PNG frames per sequence, read lazily (no --layout).")
  Path data;

  @Mixin
  FileDataOptions files;

  @Option(names = "--model", paramLabel = "KIND", defaultValue = DemoCommand.STACKED,
      description = "stacked (default: the preset's next-frame model) or encoder-forecaster: "
          + "the preset's ConvLSTM layers (and --patch) become the encoder of Shi et al. "
          + "2015's encoder-forecaster (its batch norms and head are left out), which forecasts "
          + "the K frames of --target future:K at once; needs --data. Output activation: "
          + "sigmoid with --loss bce, linear with mse.")
  String model;

  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "Checkpoint written after every epoch (default: ${DEFAULT-VALUE}).")
  Path checkpoint = Path.of("model.npz");

  @Option(names = "--resume",
      description = "Continue training from --checkpoint (weights, optimizer state, epochs "
          + "done) until --epochs epochs in total.")
  boolean resume;

  @Option(names = "--overwrite",
      description = "Start afresh even if --checkpoint exists (it is replaced).")
  boolean overwrite;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Logger log = LoggerFactory.getLogger(TrainCommand.class);
    PrintWriter out = spec.commandLine().getOut();
    // Every option is checked before any work (exit 2 on a bad one).
    if (resume && overwrite) {
      throw new UsageException("--resume and --overwrite exclude each other");
    }
    training.validate();
    if (training.preset.movingMnistOnly()) {
      throw new UsageException("--preset " + training.preset.label() + " is for 'demo --dataset "
          + "moving-mnist' (64x64 frames in 4x4 patches), got it for train");
    }
    recipe.validate(training.training());
    common.validate();
    checkFileOptions();
    ModelSpec asked = modelSpec();
    if (data == null) {
      training.requireMemoryForMovies(training.trainingMovies(), "--samples");
    }
    // Then the files (exit 1), so a bad path fails now, not after the first epoch.
    OutputPaths.checkFile("--checkpoint", checkpoint, false);
    Checkpoint saved = null;
    if (resume) {
      saved = CommonOptions.readCheckpoint(checkpoint);
      requireSameModel(saved.spec());
    } else if (!overwrite && Files.exists(checkpoint)) {
      throw new UserException("checkpoint " + checkpoint + " exists: add --resume to continue "
          + "it or --overwrite to start afresh");
    }
    TrainingConfig config = training.training();

    // Created first: the backend judges its settings before movies are read or generated.
    try (Forecaster f = resume ? common.load(saved) : common.create(asked);
        MappedFrames mapped = files.active() ? MappedFrames.open(data, frameOptions()) : null) {
      FrameSource frames = mapped != null ? mapped
          : pngFolder() ? PngFolders.open(data) : null;
      TrainingData set;
      Normalization normalization = null;
      FrameWindows test = null;
      if (frames != null) {
        FrameWindows.Spec ws = files.spec();
        double[] fr = files.fractions();
        FrameWindows all = FrameWindows.of(frames, ws);
        try {
          all.requireFits(f.spec());
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage());
        }
        FrameWindows.Parts parts = all.split(fr[0], fr[1], fr[2]);
        if (parts.training().isEmpty()) {
          throw new UserException(data + ": no training window: " + frames.frames()
              + " frames per sequence, " + frames.sequences() + " sequence(s), " + ws
              + ", split " + files.split);
        }
        normalization = normalizationFor(log, saved == null ? null : checkpoint, parts);
        set = all.withoutTest(fr[2]).withNormalization(normalization);
        test = parts.test().withNormalization(normalization);
        config = config.withValidationSplit(FrameWindows.validationShare(fr[0], fr[1]));
        log.info("{}: {} windows ({}): {} training, {} validation, {} test; normalization {}",
            frames, all.size(), ws, parts.training().size(), parts.validation().size(),
            parts.test().size(), normalization);
      } else {
        Movies movies = MovieData.trainingMovies(data, training);
        SequenceDataset movieSet = movies.toDataset();
        log.info("{} training movies of {} ({} for validation)", movieSet.size(),
            movieSet.get(0).input().shapeString(),
            movieSet.size() - movieSet.split(config.validationSplit()).training().size());
        set = movieSet;
      }
      config = recipe.apply(config, set);
      int done = resume ? f.checkpoint().epochsCompleted() : 0;
      log.info("backend {}; model {} parameters; {}", f.backendName(),
          f.spec().parameterCount(), describe(config));
      if (resume) {
        log.info("resuming {} after epoch {} of {}", checkpoint, done, config.epochs());
      }
      if (done >= config.epochs()) {
        out.printf(Locale.ROOT, "%s already has %d epochs (asked for %d): nothing to do.%n",
            checkpoint, done, config.epochs());
        out.flush();
        return 0;
      }
      int perEpoch = set.split(config.validationSplit()).training().size();
      long fitNanos = 0;
      try (TrainingProgress progress = TrainingProgress.forConsole(config.epochs())) {
        for (int epoch = done + 1; epoch <= config.epochs(); epoch++) {
          boolean last = epoch == config.epochs();
          long started = System.nanoTime();
          f.fit(set, config.withEpochs(1)
              .withRecalibrateBatchNorm(last && config.recalibrateBatchNorm()), progress);
          fitNanos += System.nanoTime() - started;
          if (normalization != null) {
            Checkpoints.write(f.checkpoint(), normalization, checkpoint);
          } else {
            f.save(checkpoint);
          }
          log.debug("saved {} after epoch {}", checkpoint, epoch);
        }
        Checkpoint c = f.checkpoint();
        out.printf(Locale.ROOT, "Trained to epoch %d in %s; checkpoint: %s%n",
            c.epochsCompleted(), TrainingProgress.format(progress.elapsed()), checkpoint);
        long samples = (long) perEpoch * (config.epochs() - done);
        out.printf(Locale.ROOT, "Throughput: %.2f training samples/s (%d samples in %.1f s of "
            + "fit, validation included)%n", samples / (fitNanos / 1e9), samples, fitNanos / 1e9);
        if (!progress.epochs().isEmpty()) {
          var e = progress.epochs().get(progress.epochs().size() - 1);
          out.printf(Locale.ROOT, "Last epoch: loss %.5f%s%n", e.loss(), e.hasValidation()
              ? String.format(Locale.ROOT, ", validation loss %.5f", e.validationLoss()) : "");
        }
        if (test != null && !test.isEmpty()) {
          out.printf(Locale.ROOT, "Test loss (%d windows, %s): %.5f%n", test.size(),
              config.loss().name().toLowerCase(Locale.ROOT), f.evaluate(test, config.loss()));
        }
      }
    }
    out.flush();
    return 0;
  }

  /** Refuses file-data options without {@code --layout} and movie options with it. */
  private void checkFileOptions() {
    var parsed = spec.commandLine().getParseResult();
    if (pngFolder() && files.active()) {
      throw new UsageException("--layout describes an .npy/.npz, got the folder " + data
          + " (a folder of PNGs needs no --layout)");
    }
    if (!files.active() && !pngFolder()) {
      for (String o : List.of("--array", "--input-frames", "--target", "--stride", "--split",
          "--normalize")) {
        if (parsed.hasMatchedOption(o)) {
          throw new UsageException(o + " needs --layout or a PNG folder as --data (it "
              + "applies to your own frames in --data)");
        }
      }
      return;
    }
    if (data == null) {
      throw new UsageException("--layout needs --data FILE, the frames to train on");
    }
    for (String o : List.of("--samples", "--frames", "--validation-split")) {
      if (parsed.hasMatchedOption(o)) {
        throw new UsageException(o + " does not apply with --layout: windows come from the "
            + "whole file or folder" + (o.equals("--validation-split") ? "; use --split" : ""));
      }
    }
    if (pngFolder() && parsed.hasMatchedOption("--array")) {
      throw new UsageException("--array names an array of an .npz, got the folder " + data);
    }
    files.validate();
    if (!pngFolder()) {
      CommonOptions.requireFile(data, "data");
    }
  }

  /** Whether --data names a folder (of PNG frames or PNG sequence folders). */
  private boolean pngFolder() {
    return data != null && Files.isDirectory(data);
  }

  private NpyFrames.Options frameOptions() {
    NpyFrames.Options o = NpyFrames.Options.of(files.layout);
    return files.array == null ? o : o.withArrayName(files.array);
  }

  /**
   * The normalization: the checkpoint's when resuming (refitting could change it under the
   * trained weights), else fitted on the training part.
   */
  private Normalization normalizationFor(Logger log, Path resumed, FrameWindows.Parts parts)
      throws IOException {
    if (resumed != null) {
      Normalization n = Checkpoints.readNormalization(resumed).orElse(Normalization.NONE);
      boolean asked = spec.commandLine().getParseResult().hasMatchedOption("--normalize");
      if (asked && (n.method() != files.method() || n.log1p() != files.log1p())) {
        throw new UsageException("--normalize " + files.normalize + " contradicts the "
            + "checkpoint " + resumed + ", trained with " + n + "; drop the option to "
            + "resume, or start afresh with --overwrite");
      }
      log.info("resuming with the checkpoint's normalization {}", n);
      return n;
    }
    Normalization.Method m = files.method();
    if (m == Normalization.Method.NONE && !files.log1p()) {
      return Normalization.NONE;
    }
    try {
      return parts.training().fitNormalization(m, files.log1p());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UserException("--normalize " + files.normalize + ": " + e.getMessage());
    }
  }

  /**
   * Refuses {@code --resume} with a {@code --layers}, {@code --filters} or {@code --preset} that
   * describes another model than the checkpoint's: resuming trains the saved model, so such an
   * option would be silently ignored.
   *
   * @throws UsageException naming the option, its value and what the checkpoint holds
   */
  private void requireSameModel(ModelSpec saved) {
    List<ConvLstmLayerSpec> layers = saved.convLstmLayers();
    String fix = "; drop the option to resume, or start afresh with --overwrite";
    if (training.layers != null && training.layers != layers.size()) {
      throw new UsageException("--layers " + training.layers + " contradicts the checkpoint "
          + checkpoint + ", which has " + layers.size() + " ConvLSTM layer(s)" + fix);
    }
    if (training.filters != null
        && layers.stream().anyMatch(l -> l.filters() != training.filters)) {
      throw new UsageException("--filters " + training.filters + " contradicts the checkpoint "
          + checkpoint + ", whose ConvLSTM layers have " + filters(saved) + " filters" + fix);
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--preset")
        || spec.commandLine().getParseResult().hasMatchedOption("--model")) {
      ModelSpec asked = modelSpec();
      if (!asked.withSeed(0).equals(saved.withSeed(0))) {
        throw new UsageException("--preset " + training.preset.label() + " (" + describe(asked)
            + ") contradicts the checkpoint " + checkpoint + " (" + describe(saved) + ")" + fix);
      }
    }
  }

  /**
   * The model asked for: the preset's (with --filters, --layers, --patch), or for
   * {@code --model encoder-forecaster} its ConvLSTM and patch layers as the encoder of an
   * encoder-forecaster whose horizon is --target future:K.
   */
  private ModelSpec modelSpec() {
    if (DemoCommand.STACKED.equals(model)) {
      return training.spec();
    }
    if (!DemoCommand.ENCODER_FORECASTER.equals(model)) {
      throw new UsageException("--model must be " + DemoCommand.STACKED + " or "
          + DemoCommand.ENCODER_FORECASTER + ", got '" + model + "'");
    }
    if (data == null) {
      throw new UsageException("--model " + model + " needs --data (windows of --input-frames "
          + "frames and --target future:K)");
    }
    FrameWindows.Spec windows = files.spec();
    if (windows.futureFrames() == 0) {
      throw new UsageException("--model " + model + " forecasts the following K frames: it "
          + "needs --target future:K, got --target next");
    }
    Activation output = training.training().loss() == Loss.BINARY_CROSSENTROPY
        ? Activation.SIGMOID : Activation.LINEAR;
    try {
      return DemoModels.encoderForecaster(training.spec(), windows.futureFrames(), output);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--model " + model + ": " + e.getMessage(), e);
    }
  }

  /** The filters of the ConvLSTM layers, e.g. {@code 16} or {@code 16/32}. */
  private static String filters(ModelSpec s) {
    return s.convLstmLayers().stream().map(l -> Integer.toString(l.filters())).distinct()
        .collect(Collectors.joining("/"));
  }

  /** The model in a few words: layers, filters, gates, head, parameters. */
  static String describe(ModelSpec s) {
    return s.convLstmLayers().size() + " ConvLSTM layer(s) of " + filters(s) + " filters, "
        + s.convLstmLayers().get(0).recurrentActivation().name().toLowerCase(Locale.ROOT)
            .replace('_', '-') + " gates, "
        + s.head().map(h -> h.timePadding().name() + " Conv3D head").orElse("no head") + ", "
        + s.parameterCount() + " parameters";
  }

  static String describe(TrainingConfig c) {
    return String.format(Locale.ROOT,
        "%d epochs, batch %d, validation split %.2f, %s, %s lr %s%s", c.epochs(), c.batchSize(),
        c.validationSplit(), c.loss().name().toLowerCase(Locale.ROOT),
        c.optimizer().type().name().toLowerCase(Locale.ROOT), c.optimizer().learningRate(),
        c.recalibrateBatchNorm() ? ", batch-norm recalibration" : "")
        + RecipeOptions.describe(c);
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
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
            + "can run in pieces."},
    footer = {"", "Examples:",
        "  convlstm4j train --epochs 4 --checkpoint model.npz",
        "  convlstm4j train --preset keras --checkpoint seed.npz --resume",
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
          + "of generating them from --seed.")
  Path data;

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
    recipe.validate(training.training());
    common.validate();
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
    try (Forecaster f = resume ? common.load(saved) : common.create(training.spec())) {
      Movies movies = MovieData.trainingMovies(data, training);
      SequenceDataset set = movies.toDataset();
      config = recipe.apply(config, set);
      log.info("{} training movies of {} ({} for validation)", set.size(),
          set.get(0).input().shapeString(),
          set.size() - set.split(config.validationSplit()).training().size());
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
      try (TrainingProgress progress = TrainingProgress.forConsole(config.epochs())) {
        for (int epoch = done + 1; epoch <= config.epochs(); epoch++) {
          boolean last = epoch == config.epochs();
          f.fit(set, config.withEpochs(1)
              .withRecalibrateBatchNorm(last && config.recalibrateBatchNorm()), progress);
          f.save(checkpoint);
          log.debug("saved {} after epoch {}", checkpoint, epoch);
        }
        Checkpoint c = f.checkpoint();
        out.printf(Locale.ROOT, "Trained to epoch %d in %s; checkpoint: %s%n",
            c.epochsCompleted(), TrainingProgress.format(progress.elapsed()), checkpoint);
        if (!progress.epochs().isEmpty()) {
          var e = progress.epochs().get(progress.epochs().size() - 1);
          out.printf(Locale.ROOT, "Last epoch: loss %.5f%s%n", e.loss(), e.hasValidation()
              ? String.format(Locale.ROOT, ", validation loss %.5f", e.validationLoss()) : "");
        }
      }
    }
    out.flush();
    return 0;
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
    if (spec.commandLine().getParseResult().hasMatchedOption("--preset")) {
      ModelSpec asked = training.spec();
      if (!asked.withSeed(0).equals(saved.withSeed(0))) {
        throw new UsageException("--preset " + training.preset.label() + " (" + describe(asked)
            + ") contradicts the checkpoint " + checkpoint + " (" + describe(saved) + ")" + fix);
      }
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

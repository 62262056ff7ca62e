package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.LearningRateSchedule;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.TrainingData;
import io.github.convlstm4j.api.TrainingConfig;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The modern training recipe for {@code train}: AdamW's weight decay, gradient-norm clipping and
 * a learning-rate schedule stepped per batch. The schedule's length is fixed by the whole run
 * ({@code --schedule-epochs}, default {@code --epochs}) so {@code --resume} continues it exactly
 * (its position is the checkpoint's optimizer step count); resume with the same options.
 */
final class RecipeOptions {

  /** The schedule kinds of {@code --schedule}. */
  enum Kind {
    CONSTANT, ONECYCLE, COSINE
  }

  @Option(names = "--weight-decay", paramLabel = "X",
      description = "AdamW's decoupled weight decay on kernels (default: 0.01 with "
          + "--optimizer adamw; only adamw has one).")
  Double weightDecay;

  @Option(names = "--clip-norm", paramLabel = "X",
      description = "Clip the gradients' global L2 norm to X before each update "
          + "(default: no clipping).")
  Double clipNorm;

  @Option(names = "--schedule", paramLabel = "NAME", converter = KindConverter.class,
      description = "Learning rate per batch: constant (default), onecycle (PyTorch "
          + "OneCycleLR: from max/25 up to --max-lr over 30%% of the steps, then down to "
          + "max/25/1e4) or cosine (CosineAnnealingLR from --max-lr towards 0).")
  Kind schedule = Kind.CONSTANT;

  @Option(names = "--max-lr", paramLabel = "X",
      description = "Peak learning rate of onecycle, start of cosine (default: the "
          + "optimizer's learning rate, --lr).")
  Double maxLearningRate;

  @Option(names = "--schedule-epochs", paramLabel = "N",
      description = "Epochs the schedule spans (default: --epochs); keep it when resuming.")
  Integer scheduleEpochs;

  /**
   * Checks every option that does not need the data.
   *
   * @param base the training settings of the other options
   * @throws UsageException naming the first bad option, what it must be and its value
   */
  void validate(TrainingConfig base) {
    optimizer(base.optimizer());
    if (schedule == Kind.CONSTANT) {
      if (maxLearningRate != null) {
        throw new UsageException("--max-lr needs --schedule onecycle or cosine, got --schedule "
            + "constant");
      }
      if (scheduleEpochs != null) {
        throw new UsageException("--schedule-epochs needs --schedule onecycle or cosine, got "
            + "--schedule constant");
      }
      return;
    }
    if (maxLearningRate != null
        && (!(maxLearningRate > 0) || !Double.isFinite(maxLearningRate))) {
      throw new UsageException("--max-lr must be positive and finite, got " + maxLearningRate);
    }
    if (scheduleEpochs != null && scheduleEpochs < base.epochs()) {
      throw new UsageException("--schedule-epochs must be at least --epochs (" + base.epochs()
          + "), got " + scheduleEpochs);
    }
  }

  /**
   * The settings with the recipe applied; the schedule spans {@code --schedule-epochs} (or
   * {@code --epochs}) epochs of batches on {@code data}.
   *
   * @param base the training settings of the other options
   * @param data the data fit will get
   * @return the settings
   */
  TrainingConfig apply(TrainingConfig base, TrainingData data) {
    validate(base);
    OptimizerSpec o = optimizer(base.optimizer());
    if (schedule == Kind.CONSTANT) {
      return base.withOptimizer(o);
    }
    if (maxLearningRate != null && schedule == Kind.COSINE) {
      o = o.withLearningRate(maxLearningRate);
    }
    double max = maxLearningRate != null ? maxLearningRate : o.learningRate();
    int epochs = scheduleEpochs != null ? scheduleEpochs : base.epochs();
    long total = base.withEpochs(epochs).totalSteps(data);
    LearningRateSchedule s = schedule == Kind.ONECYCLE
        ? LearningRateSchedule.oneCycle(max, total) : LearningRateSchedule.cosine(total);
    return base.withOptimizer(o).withSchedule(s);
  }

  private OptimizerSpec optimizer(OptimizerSpec o) {
    try {
      if (weightDecay != null) {
        o = o.withWeightDecay(weightDecay);
      }
      if (clipNorm != null) {
        o = o.withClipNorm(clipNorm);
      }
      return o;
    } catch (IllegalArgumentException e) {
      String option = e.getMessage().startsWith("clipNorm") ? "--clip-norm" : "--weight-decay";
      throw new UsageException(option + ": " + e.getMessage(), e);
    }
  }

  /** A few words for the log, e.g. {@code , weight decay 0.01, clip 1.0, OneCycle[...]}. */
  static String describe(TrainingConfig c) {
    StringBuilder b = new StringBuilder();
    if (c.optimizer().weightDecay() != 0) {
      b.append(", weight decay ").append(c.optimizer().weightDecay());
    }
    if (c.optimizer().clipsGradients()) {
      b.append(", clip norm ").append(c.optimizer().clipNorm());
    }
    if (c.schedule().totalSteps() > 0) {
      b.append(", ").append(c.schedule());
    }
    return b.toString();
  }

  /** Parses {@code constant} / {@code onecycle} / {@code cosine}. */
  static final class KindConverter implements ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
      try {
        return Kind.valueOf(value.toUpperCase(Locale.ROOT).replace("-", ""));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "must be constant, onecycle or cosine, got '" + value + "'");
      }
    }
  }
}

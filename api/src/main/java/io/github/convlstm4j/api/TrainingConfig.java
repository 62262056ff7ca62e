package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * How to train: epochs, batch size, validation split, loss, optimizer, seed, shuffling,
 * batch-normalization recalibration and learning-rate schedule. Immutable; start from
 * {@link #defaults()} and change fields with the {@code with…} methods.
 *
 * <p>Keras semantics: {@code validationSplit} takes the <em>last</em> fraction of the data
 * before any shuffling ({@link SequenceDataset#split(double)}); training batches are
 * reshuffled every epoch from {@code seed} when {@code shuffle} is on.
 *
 * @param epochs number of passes over the training part, at least 1
 * @param batchSize samples per batch, at least 1 (the last batch may be smaller)
 * @param validationSplit fraction in [0, 1) held out from the end of the data
 * @param loss the training loss
 * @param optimizer the optimizer and its hyper-parameters
 * @param seed seed of the per-epoch shuffling
 * @param shuffle whether batches are reshuffled every epoch
 * @param recalibrateBatchNorm whether, after the last epoch, batch-normalization moving
 *     statistics are re-estimated as plain averages over the training part in inference
 *     order (a remedy for momentum 0.99 on short runs); Keras does not do this
 * @param schedule the learning rate per optimizer step, stepped per batch; its position is the
 *     optimizer state's update count, so it continues across {@code fit} calls and restored
 *     checkpoints. A bounded schedule must cover every update a {@code fit} call would take
 *     (refused before training otherwise): give it the whole run's
 *     {@link #totalSteps(TrainingData)}
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double validationSplit,
    Loss loss,
    OptimizerSpec optimizer,
    long seed,
    boolean shuffle,
    boolean recalibrateBatchNorm,
    LearningRateSchedule schedule) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public TrainingConfig {
    if (epochs <= 0) {
      throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new IllegalArgumentException(
          "validationSplit must be in [0, 1), got " + validationSplit);
    }
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(schedule, "schedule");
  }

  /**
   * A config with the constant schedule (the form before schedules were added).
   *
   * @param epochs number of passes over the training part, at least 1
   * @param batchSize samples per batch, at least 1
   * @param validationSplit fraction in [0, 1) held out from the end of the data
   * @param loss the training loss
   * @param optimizer the optimizer and its hyper-parameters
   * @param seed seed of the per-epoch shuffling
   * @param shuffle whether batches are reshuffled every epoch
   * @param recalibrateBatchNorm whether batch-normalization statistics are re-estimated after
   *     the last epoch
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public TrainingConfig(int epochs, int batchSize, double validationSplit, Loss loss,
      OptimizerSpec optimizer, long seed, boolean shuffle, boolean recalibrateBatchNorm) {
    this(epochs, batchSize, validationSplit, loss, optimizer, seed, shuffle,
        recalibrateBatchNorm, LearningRateSchedule.constant());
  }

  /**
   * Optimizer steps (batches) per epoch on a data set: the training part (the data without its
   * last {@code validationSplit}, as {@code fit} splits it) divided into batches of
   * {@code batchSize}, the last one possibly smaller.
   *
   * @param data the data {@code fit} will get
   * @return {@code ceil(training samples / batchSize)}
   */
  public long stepsPerEpoch(TrainingData data) {
    int train = data.split(validationSplit).training().size();
    return (train + (long) batchSize - 1) / batchSize;
  }

  /**
   * Optimizer steps of all {@code epochs} on a data set: the {@code totalSteps} a bounded
   * {@link LearningRateSchedule} for this run needs, as PyTorch's {@code epochs *
   * steps_per_epoch}.
   *
   * @param data the data {@code fit} will get
   * @return {@code epochs · stepsPerEpoch(data)}
   */
  public long totalSteps(TrainingData data) {
    return epochs * stepsPerEpoch(data);
  }

  /**
   * One epoch, batch 10, no validation, binary cross-entropy, Adadelta (Keras 2 defaults), seed
   * 0, shuffled, no recalibration.
   *
   * @return the defaults
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(
        1, 10, 0.0, Loss.BINARY_CROSSENTROPY, OptimizerSpec.adadelta(), 0L, true, false);
  }

  /**
   * The seed experiment's settings: 300 epochs, batch 10, validation split 0.05, binary
   * cross-entropy, Adadelta.
   *
   * @return the settings
   */
  public static TrainingConfig kerasMovingSquares() {
    return defaults().withEpochs(300).withValidationSplit(0.05);
  }

  /**
   * A copy with another epoch count.
   *
   * @param n epochs
   * @return the copy
   */
  public TrainingConfig withEpochs(int n) {
    return new TrainingConfig(n, batchSize, validationSplit, loss, optimizer, seed, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with another batch size.
   *
   * @param n batch size
   * @return the copy
   */
  public TrainingConfig withBatchSize(int n) {
    return new TrainingConfig(epochs, n, validationSplit, loss, optimizer, seed, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with another validation split.
   *
   * @param f fraction in [0, 1)
   * @return the copy
   */
  public TrainingConfig withValidationSplit(double f) {
    return new TrainingConfig(epochs, batchSize, f, loss, optimizer, seed, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with another loss.
   *
   * @param l the loss
   * @return the copy
   */
  public TrainingConfig withLoss(Loss l) {
    return new TrainingConfig(epochs, batchSize, validationSplit, l, optimizer, seed, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with another optimizer.
   *
   * @param o the optimizer
   * @return the copy
   */
  public TrainingConfig withOptimizer(OptimizerSpec o) {
    return new TrainingConfig(epochs, batchSize, validationSplit, loss, o, seed, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with another shuffling seed.
   *
   * @param s the seed
   * @return the copy
   */
  public TrainingConfig withSeed(long s) {
    return new TrainingConfig(epochs, batchSize, validationSplit, loss, optimizer, s, shuffle,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with shuffling on or off.
   *
   * @param s whether to shuffle
   * @return the copy
   */
  public TrainingConfig withShuffle(boolean s) {
    return new TrainingConfig(epochs, batchSize, validationSplit, loss, optimizer, seed, s,
        recalibrateBatchNorm, schedule);
  }

  /**
   * A copy with batch-normalization recalibration on or off.
   *
   * @param r whether to recalibrate after training
   * @return the copy
   */
  public TrainingConfig withRecalibrateBatchNorm(boolean r) {
    return new TrainingConfig(epochs, batchSize, validationSplit, loss, optimizer, seed, shuffle,
        r, schedule);
  }

  /**
   * A copy with another learning-rate schedule.
   *
   * @param s the schedule
   * @return the copy
   */
  public TrainingConfig withSchedule(LearningRateSchedule s) {
    return new TrainingConfig(epochs, batchSize, validationSplit, loss, optimizer, seed, shuffle,
        recalibrateBatchNorm, s);
  }
}

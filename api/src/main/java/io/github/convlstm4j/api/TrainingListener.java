package io.github.convlstm4j.api;

/**
 * Receives training progress from {@link Forecaster#fit}. Calls arrive on the training thread,
 * in order: for every epoch, its batches, then the epoch. Implementations should return
 * quickly; exceptions thrown here abort training and propagate from {@code fit}.
 */
public interface TrainingListener {

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /**
   * Called after each batch's update.
   *
   * @param event the batch figures
   */
  default void onBatch(BatchEvent event) {}

  /**
   * Called after each epoch, once its validation loss is known.
   *
   * @param event the epoch figures
   */
  default void onEpoch(EpochEvent event) {}
}

package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.OptimizerSpec;

/**
 * One training batch on a backend, between its backward pass and its update: the loss and the
 * gradients have been computed, nothing has been updated yet. The forecaster core reads
 * {@link #loss()}, refuses a non-finite one, then calls {@link #apply} at most once and always
 * {@link #close()}s.
 */
public interface TrainingStep extends AutoCloseable {

  /**
   * The batch's mean loss before the update.
   *
   * @return the loss (may be NaN or infinite; the core checks)
   */
  double loss();

  /**
   * Applies one optimizer update with the gradients of this batch, and folds the batch
   * statistics into batch normalization's moving statistics. The update follows
   * {@link OptimizerSpec}'s rules exactly: first the gradients' global-norm clipping when
   * {@link OptimizerSpec#clipsGradients()}, then the type's rule (ADAMW's decoupled weight decay
   * on the weights {@link OptimizerSpec#isDecayed} selects); then the update count in the
   * optimizer state grows by one.
   *
   * @param optimizer the optimizer and its settings, with this step's learning rate (the core
   *     has applied the schedule); its state persists in the backend across steps and
   *     {@code fit} calls
   */
  void apply(OptimizerSpec optimizer);

  /** Releases what the step holds (gradients, engine arrays). Idempotent. */
  @Override
  void close();
}

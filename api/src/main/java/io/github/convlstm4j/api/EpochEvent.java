package io.github.convlstm4j.api;

import java.time.Duration;

/**
 * Reported after every epoch.
 *
 * @param epoch 1-based epoch number, counting epochs of earlier {@code fit} calls
 * @param lastEpoch the epoch number this {@code fit} call ends at
 * @param loss mean training loss over the epoch's batches, weighted by batch size
 * @param validationLoss mean loss on the validation part in inference mode, or NaN without one
 * @param elapsed time since the {@code fit} call started
 */
public record EpochEvent(int epoch, int lastEpoch, double loss, double validationLoss,
    Duration elapsed) {

  /**
   * Whether a validation loss was measured.
   *
   * @return true if {@link #validationLoss()} is a number
   */
  public boolean hasValidation() {
    return !Double.isNaN(validationLoss);
  }
}

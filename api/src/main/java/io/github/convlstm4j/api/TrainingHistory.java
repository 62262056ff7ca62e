package io.github.convlstm4j.api;

import java.util.List;

/**
 * What a {@link Forecaster#fit} call did, one entry per epoch.
 *
 * @param epochs the epoch events in order
 */
public record TrainingHistory(List<EpochEvent> epochs) {

  /**
   * Copies the list.
   */
  public TrainingHistory {
    epochs = List.copyOf(epochs);
  }

  /**
   * The last epoch's training loss.
   *
   * @return the loss, or NaN if no epoch ran
   */
  public double finalLoss() {
    return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).loss();
  }

  /**
   * The last epoch's validation loss.
   *
   * @return the validation loss, or NaN if none
   */
  public double finalValidationLoss() {
    return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).validationLoss();
  }
}

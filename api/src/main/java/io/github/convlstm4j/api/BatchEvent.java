package io.github.convlstm4j.api;

import java.time.Duration;

/**
 * Reported after every training batch.
 *
 * @param epoch 1-based epoch number, counting epochs of earlier {@code fit} calls
 * @param batch 1-based batch number within the epoch
 * @param batchesPerEpoch number of batches in the epoch
 * @param loss mean loss of this batch (before the update)
 * @param elapsed time since the {@code fit} call started
 */
public record BatchEvent(int epoch, int batch, int batchesPerEpoch, double loss,
    Duration elapsed) {}

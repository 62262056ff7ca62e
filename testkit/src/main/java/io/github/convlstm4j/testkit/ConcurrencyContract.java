package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One caller at a time: while one thread is inside a call, a call from another thread is
 * refused with an {@link IllegalStateException} that says so, the running call finishes as if
 * alone, and the forecaster stays usable. The same thread may call in again (from a listener).
 */
abstract class ConcurrencyContract extends Contract {

  private static ModelSpec spec() {
    return ModelSpec.builder(1).seed(211).addLayer(ConvLstmLayerSpec.of(1)).build();
  }

  @Test
  @DisplayName("a call from a second thread during fit is refused, and fit ends as if alone")
  void secondThreadIsRefused() throws Exception {
    kit().assumeDeclared(Capability.TRAINING);
    FrameSequence in = RandomCase.randomSequence(2, FrameShape.of(4, 4, 1), 212);
    SequenceDataset data = SequenceDataset.of(List.of(in, in), List.of(in, in));
    TrainingConfig config = TrainingConfig.defaults().withLoss(Loss.MSE).withEpochs(1)
        .withBatchSize(1).withValidationSplit(0);
    ModelWeights start = RandomCase.randomWeights(spec(), 213);
    ModelWeights alone;
    try (Forecaster f = kit().create(spec(), start)) {
      f.fit(data, config, TrainingListener.NONE);
      alone = f.weights();
    }
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Forecaster f = kit().create(spec(), start)) {
      TrainingListener pausing = new TrainingListener() {
        @Override
        public void onBatch(BatchEvent e) {
          if (e.batch() == 1) {
            f.predict(in); // the training thread itself may call in
            inside.countDown();
            await(release);
          }
        }

        @Override
        public void onEpoch(EpochEvent e) {}
      };
      CompletableFuture<TrainingHistory> training =
          CompletableFuture.supplyAsync(() -> f.fit(data, config, pausing));
      try {
        assertTrue(inside.await(60, TimeUnit.SECONDS), "fit reached its first batch event");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.predict(in),
            "predict from another thread while fit runs");
        assertTrue(e.getMessage().contains("another thread"),
            "the message must say the forecaster is in use by another thread, got: "
                + e.getMessage());
        assertThrows(IllegalStateException.class, f::weights, "weights() during fit");
      } finally {
        release.countDown();
      }
      assertEquals(1, training.get(60, TimeUnit.SECONDS).epochs().size(), "fit finished");
      kit().assertStepClose(alone, f.weights(), "weights after the refused calls");
      f.predict(in);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test did not release the training thread");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

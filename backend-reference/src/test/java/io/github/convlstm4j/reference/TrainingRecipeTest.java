package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.LearningRateSchedule;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.io.Checkpoints;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training recipe through {@code fit}: schedule position, resume, refusals. */
class TrainingRecipeTest {

  private static ModelSpec spec() {
    return ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(5).build();
  }

  private static SequenceDataset data(int n) {
    Random r = new Random(17);
    List<FrameSequence> in = TestSupport.randomBatch(r, n, 3, 5, 5, 1, 0, 1);
    List<FrameSequence> out = TestSupport.randomBatch(r, n, 3, 5, 5, 1, 0, 1);
    return SequenceDataset.of(in, out);
  }

  /** AdamW + OneCycle + clipping over the whole 2-epoch run (3 batches per epoch). */
  private static TrainingConfig recipe(SequenceDataset data) {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(2).withBatchSize(2)
        .withValidationSplit(0.2).withLoss(Loss.MSE).withSeed(3)
        .withOptimizer(OptimizerSpec.adamw().withClipNorm(0.05));
    assertEquals(3, c.stepsPerEpoch(data)); // (int) (7·0.8) = 5 samples in batches of 2
    return c.withSchedule(LearningRateSchedule.oneCycle(0.05, c.totalSteps(data)));
  }

  @Test
  @DisplayName("resume: fit 2 epochs == fit 1, checkpoint to a file, load in a new forecaster, "
      + "fit 1 more (weights and optimizer state bitwise equal)")
  void resumeContinuesTheScheduleExactly(@TempDir Path dir) throws Exception {
    SequenceDataset data = data(7);
    TrainingConfig cfg = recipe(data);
    ModelWeights straight;
    ModelWeights straightState;
    try (Forecaster f = TestSupport.forecaster(spec())) {
      f.fit(data, cfg, TrainingListener.NONE);
      straight = f.weights();
      straightState = f.checkpoint().optimizerState();
      assertEquals(6, OptimizerState.iterations(straightState));
    }
    Path file = dir.resolve("half.npz");
    try (Forecaster f = TestSupport.forecaster(spec())) {
      f.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      f.save(file);
    }
    Checkpoint saved = Checkpoints.read(file);
    assertEquals(3, OptimizerState.iterations(saved.optimizerState()));
    try (Forecaster f = TestSupport.forecaster(spec().withSeed(99))) {
      f.restore(saved);
      f.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      assertEquals(straight, f.weights());
      assertEquals(straightState, f.checkpoint().optimizerState());
    }
  }

  @Test
  @DisplayName("the schedule's rate is used: one step of OneCycle over 1 step equals a constant "
      + "step at max/25/1e4; over 2 steps its first step differs")
  void scheduleRateIsApplied() {
    SequenceDataset data = data(2);
    TrainingConfig base = TrainingConfig.defaults().withBatchSize(2).withLoss(Loss.MSE)
        .withShuffle(false).withOptimizer(OptimizerSpec.sgd());
    ModelWeights constant;
    try (Forecaster f = TestSupport.forecaster(spec())) {
      f.fit(data, base.withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5 / 25 / 1e4)),
          TrainingListener.NONE);
      constant = f.weights();
    }
    try (Forecaster f = TestSupport.forecaster(spec())) {
      // A 1-step cycle: its only step is the last one, at min = max/div/final_div.
      f.fit(data, base.withSchedule(LearningRateSchedule.oneCycle(0.5, 1)),
          TrainingListener.NONE);
      assertEquals(constant, f.weights());
    }
    try (Forecaster f = TestSupport.forecaster(spec())) {
      f.fit(data, base.withSchedule(LearningRateSchedule.oneCycle(0.5, 2)),
          TrainingListener.NONE);
      assertNotEquals(constant, f.weights());
    }
  }

  @Test
  @DisplayName("a fit that would run past a bounded schedule is refused before any update, "
      + "naming the schedule's steps and the steps needed")
  void refusesToRunPastTheSchedule() {
    SequenceDataset data = data(7);
    TrainingConfig cfg = recipe(data); // 6 steps: 2 epochs x 3 batches
    try (Forecaster f = TestSupport.forecaster(spec())) {
      f.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      ModelWeights before = f.weights();
      Checkpoint c = f.checkpoint();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.fit(data, cfg.withEpochs(2), TrainingListener.NONE));
      assertEquals("the learning-rate schedule covers 6 optimizer steps, but this fit would need "
          + "9 (3 taken before + 2 epochs x 3 batches): "
          + LearningRateSchedule.oneCycle(0.05, 6), e.getMessage());
      assertEquals(before, f.weights());
      assertEquals(c.optimizerState(), f.checkpoint().optimizerState());
      assertEquals(1, f.checkpoint().epochsCompleted());
      f.fit(data, cfg.withEpochs(1), TrainingListener.NONE); // still usable: the last 3 steps
      assertEquals(6, OptimizerState.iterations(f.checkpoint().optimizerState()));
    }
  }
}

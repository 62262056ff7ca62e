package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

  @Test
  @DisplayName("defaults: 1 epoch, batch 10, no validation, BCE, Adadelta, seed 0, shuffled")
  void defaults() {
    TrainingConfig c = TrainingConfig.defaults();
    assertEquals(1, c.epochs());
    assertEquals(10, c.batchSize());
    assertEquals(0.0, c.validationSplit());
    assertEquals(Loss.BINARY_CROSSENTROPY, c.loss());
    assertEquals(OptimizerSpec.adadelta(), c.optimizer());
    assertEquals(0L, c.seed());
    assertTrue(c.shuffle());
    assertFalse(c.recalibrateBatchNorm());
  }

  @Test
  @DisplayName("the seed schedule: 300 epochs, batch 10, validation split 0.05, BCE, Adadelta")
  void seedSchedule() {
    TrainingConfig c = TrainingConfig.kerasMovingSquares();
    assertEquals(300, c.epochs());
    assertEquals(10, c.batchSize());
    assertEquals(0.05, c.validationSplit());
    assertEquals(Loss.BINARY_CROSSENTROPY, c.loss());
    assertEquals(OptimizerType.ADADELTA, c.optimizer().type());
  }

  @Test
  @DisplayName("with-methods change one field each")
  void withers() {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(3).withBatchSize(4)
        .withValidationSplit(0.25).withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam())
        .withSeed(9).withShuffle(false).withRecalibrateBatchNorm(true);
    assertEquals(new TrainingConfig(3, 4, 0.25, Loss.MSE, OptimizerSpec.adam(), 9, false, true),
        c);
  }

  @Test
  @DisplayName("bad values are rejected naming the field and the value")
  void validation() {
    TrainingConfig d = TrainingConfig.defaults();
    assertMessage("epochs must be positive, got 0", () -> d.withEpochs(0));
    assertMessage("batchSize must be positive, got -1", () -> d.withBatchSize(-1));
    assertMessage("validationSplit must be in [0, 1), got 1.0", () -> d.withValidationSplit(1));
    assertMessage("validationSplit must be in [0, 1), got NaN",
        () -> d.withValidationSplit(Double.NaN));
    assertThrows(NullPointerException.class, () -> d.withLoss(null));
    assertThrows(NullPointerException.class, () -> d.withOptimizer(null));
  }

  @Test
  @DisplayName("optimizer factories hold the Keras 2 defaults")
  void kerasDefaults() {
    OptimizerSpec adadelta = OptimizerSpec.adadelta();
    assertEquals(OptimizerType.ADADELTA, adadelta.type());
    assertEquals(1.0, adadelta.learningRate());
    assertEquals(0.95, adadelta.rho());
    assertEquals(1e-7, adadelta.epsilon());
    OptimizerSpec adam = OptimizerSpec.adam();
    assertEquals(1e-3, adam.learningRate());
    assertEquals(0.9, adam.beta1());
    assertEquals(0.999, adam.beta2());
    assertEquals(1e-7, adam.epsilon());
    OptimizerSpec rms = OptimizerSpec.rmsprop();
    assertEquals(1e-3, rms.learningRate());
    assertEquals(0.9, rms.rho());
    assertEquals(1e-7, rms.epsilon());
    OptimizerSpec sgd = OptimizerSpec.sgd();
    assertEquals(0.01, sgd.learningRate());
    assertEquals(0.0, sgd.momentum());
    for (OptimizerType t : OptimizerType.values()) {
      assertEquals(t, OptimizerSpec.defaults(t).type());
    }
    assertEquals(OptimizerSpec.adam(), OptimizerSpec.defaults(OptimizerType.ADAM));
    assertEquals(0.5, OptimizerSpec.adadelta().withLearningRate(0.5).learningRate());
    assertEquals(0.9, OptimizerSpec.sgd().withMomentum(0.9).momentum());
  }

  @Test
  @DisplayName("optimizer hyper-parameters are validated naming the field and the value")
  void optimizerValidation() {
    assertMessage("learningRate must be positive and finite, got 0.0",
        () -> OptimizerSpec.adam().withLearningRate(0));
    assertMessage("learningRate must be positive and finite, got Infinity",
        () -> OptimizerSpec.adam().withLearningRate(Double.POSITIVE_INFINITY));
    assertMessage("momentum must be in [0, 1), got 1.0",
        () -> OptimizerSpec.sgd().withMomentum(1));
    assertMessage("rho must be in [0, 1), got -0.1",
        () -> new OptimizerSpec(OptimizerType.RMSPROP, 1e-3, -0.1, 0.9, 0.999, 1e-7, 0));
    assertMessage("beta2 must be in [0, 1), got 1.5",
        () -> new OptimizerSpec(OptimizerType.ADAM, 1e-3, 0.9, 0.9, 1.5, 1e-7, 0));
    assertMessage("epsilon must be positive and finite, got 0.0",
        () -> new OptimizerSpec(OptimizerType.ADAM, 1e-3, 0.9, 0.9, 0.999, 0, 0));
  }

  @Test
  @DisplayName("AdamW holds PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, "
      + "weight decay 1e-2; no spec clips by default")
  void adamwDefaults() {
    OptimizerSpec w = OptimizerSpec.adamw();
    assertEquals(OptimizerType.ADAMW, w.type());
    assertEquals(1e-3, w.learningRate());
    assertEquals(0.9, w.beta1());
    assertEquals(0.999, w.beta2());
    assertEquals(1e-8, w.epsilon());
    assertEquals(1e-2, w.weightDecay());
    assertEquals(w, OptimizerSpec.defaults(OptimizerType.ADAMW));
    for (OptimizerType t : OptimizerType.values()) {
      assertFalse(OptimizerSpec.defaults(t).clipsGradients(), t.toString());
    }
    assertEquals(0.0, OptimizerSpec.adam().weightDecay());
    OptimizerSpec c = w.withClipNorm(1.0).withWeightDecay(0.05).withLearningRate(0.01);
    assertTrue(c.clipsGradients());
    assertEquals(1.0, c.clipNorm());
    assertEquals(0.05, c.weightDecay());
    assertFalse(c.withClipNorm(Double.POSITIVE_INFINITY).clipsGradients());
    assertEquals(List.of("m", "v"), OptimizerState.slotNames(OptimizerType.ADAMW));
    assertEquals("adamw/m/k", OptimizerState.slotName(OptimizerType.ADAMW, "m", "k"));
  }

  @Test
  @DisplayName("AdamW decays kernels (rank >= 2), not biases or batch-norm gamma/beta (rank 1)")
  void decayedWeights() {
    assertTrue(OptimizerSpec.isDecayed(List.of(3, 3, 1, 64)));
    assertTrue(OptimizerSpec.isDecayed(List.of(3, 3, 3, 40, 1)));
    assertFalse(OptimizerSpec.isDecayed(List.of(64)));
  }

  @Test
  @DisplayName("bad recipe settings are refused naming expected and actual")
  void recipeValidation() {
    assertMessage("weightDecay must be finite and at least 0, got -0.01",
        () -> OptimizerSpec.adamw().withWeightDecay(-0.01));
    assertMessage("weightDecay must be finite and at least 0, got NaN",
        () -> OptimizerSpec.adamw().withWeightDecay(Double.NaN));
    assertMessage("weightDecay must be 0 for ADAM (decoupled weight decay is ADAMW's), got 0.01",
        () -> OptimizerSpec.adam().withWeightDecay(0.01));
    assertMessage("clipNorm must be positive (Infinity for no clipping), got 0.0",
        () -> OptimizerSpec.adam().withClipNorm(0));
    assertMessage("clipNorm must be positive (Infinity for no clipping), got -1.0",
        () -> OptimizerSpec.adam().withClipNorm(-1));
    assertMessage("clipNorm must be positive (Infinity for no clipping), got NaN",
        () -> OptimizerSpec.adam().withClipNorm(Double.NaN));
    assertThrows(NullPointerException.class,
        () -> TrainingConfig.defaults().withSchedule(null));
  }

  @Test
  @DisplayName("steps per epoch and total steps count the training part's batches")
  void totalSteps() {
    List<FrameSequence> xs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      xs.add(FrameSequence.of(1, 1, 1, 1, new float[] {i}));
    }
    SequenceDataset data = SequenceDataset.of(xs, xs);
    // 10 samples, validation 0.25 -> (int) (10·0.75) = 7 training samples; batch 3 -> 3 batches.
    TrainingConfig c = TrainingConfig.defaults().withValidationSplit(0.25).withBatchSize(3)
        .withEpochs(4);
    assertEquals(3, c.stepsPerEpoch(data));
    assertEquals(12, c.totalSteps(data));
    assertEquals(5, c.withValidationSplit(0).withBatchSize(2).stepsPerEpoch(data));
    LearningRateSchedule s = LearningRateSchedule.oneCycle(0.01, c.totalSteps(data));
    assertEquals(s, c.withSchedule(s).schedule());
    assertEquals(LearningRateSchedule.constant(), TrainingConfig.defaults().schedule());
  }

  @Test
  @DisplayName("the BCE clipping epsilon is Keras' 1e-7")
  void bceEpsilon() {
    assertEquals(1e-7, Loss.BCE_EPSILON);
  }

  private static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(expected, e.getMessage());
  }
}

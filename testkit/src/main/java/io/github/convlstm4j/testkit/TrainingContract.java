package io.github.convlstm4j.testkit;

import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.spi.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Training, for backends that declare {@link Capability#TRAINING}; skipped otherwise. */
abstract class TrainingContract extends Contract {

  @BeforeEach
  void requireTraining() {
    kit().assumeDeclared(Capability.TRAINING);
  }

  /**
   * Moving squares scaled down to 8×8 frames: a 16×16 canvas cropped at [4, 12), 1–2 squares of
   * 2×2 pixels starting in [6, 10), moving at most 1 pixel per axis and frame, Keras noise.
   */
  static SequenceDataset movingSquares(int samples, int frames, long seed) {
    MovingSquares.Settings s = new MovingSquares.Settings(16, 4, 8, 1, 2, 6, 10, 1, 1, 1, 0.1,
        0.5, 1, 1.0);
    return MovingSquares.of(s).generate(samples, frames, seed).toDataset();
  }

  @TestFactory
  @DisplayName("loss falls on a small moving-squares set (8 movies of 4 frames, 8x8, 5 epochs)")
  List<DynamicTest> lossFalls() {
    ModelSpec headed = ModelSpec.builder(1).seed(121).addLayer(ConvLstmLayerSpec.of(4))
        .addLayer(new Conv3dHeadSpec(1, 1, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build();
    ModelSpec bare = ModelSpec.builder(1).seed(121).addLayer(ConvLstmLayerSpec.of(1)).build();
    ModelSpec conv2d = ModelSpec.builder(1).seed(121).addLayer(ConvLstmLayerSpec.of(4))
        .addLayer(new Conv2dSpec(1, 3, 3, 1, 1, Padding.SAME, Activation.SIGMOID, true)).build();
    return List.of(
        dynamicTest("seed 121: 4 filters 3x3, head 1f 1x3x3 CAUSAL sigmoid, BINARY_CROSSENTROPY",
            () -> checkLossFalls(headed, Loss.BINARY_CROSSENTROPY)),
        dynamicTest("seed 121: 1 filter 3x3, no head, MSE", () -> checkLossFalls(bare, Loss.MSE)),
        dynamicTest("seed 121: 4 filters 3x3, conv2d head 1f 3x3 SAME sigmoid, "
            + "BINARY_CROSSENTROPY", () -> {
              kit().assumeDeclared(Capability.FRAME_LAYERS);
              checkLossFalls(conv2d, Loss.BINARY_CROSSENTROPY);
            }));
  }

  private void checkLossFalls(ModelSpec spec, Loss loss) {
    SequenceDataset data = movingSquares(8, 4, 122);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(5).withBatchSize(4)
        .withLoss(loss).withOptimizer(OptimizerSpec.adam().withLearningRate(0.01)).withSeed(123);
    try (Forecaster f = kit().create(spec)) {
      double before = f.evaluate(data, loss);
      TrainingHistory h = f.fit(data, cfg, TrainingListener.NONE);
      double after = f.evaluate(data, loss);
      assertEquals(5, h.epochs().size(), "epochs in the history");
      for (EpochEvent e : h.epochs()) {
        assertTrue(Double.isFinite(e.loss()), "epoch loss must be finite: " + e);
      }
      double first = h.epochs().get(0).loss();
      assertTrue(h.finalLoss() < first, "training loss must fall over 5 epochs: epoch 1 "
          + first + ", epoch 5 " + h.finalLoss());
      assertTrue(after < 0.9 * before, loss + " from evaluate must fall by 10% or more: before "
          + before + ", after " + after);
    }
  }

  private static ModelSpec oneUnit(long seed) {
    return ModelSpec.builder(1).seed(seed).addLayer(ConvLstmLayerSpec.of(1)).build();
  }

  private static SequenceDataset randomData(int n, long seed) {
    FrameShape s = FrameShape.of(4, 4, 1);
    List<FrameSequence> ins = new ArrayList<>();
    List<FrameSequence> ts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ins.add(RandomCase.randomSequence(2, s, seed + i));
      ts.add(RandomCase.randomSequence(2, s, seed + 1000 + i));
    }
    return SequenceDataset.of(ins, ts);
  }

  @Test
  @DisplayName("listener events arrive in order: batches 1..n then the epoch, losses finite, "
      + "epoch loss the size-weighted mean of its batches, epochs counted across fit calls")
  void listenerOrder() {
    SequenceDataset data = randomData(5, 131);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(2).withBatchSize(2)
        .withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam()).withSeed(132);
    try (Forecaster f = kit().create(oneUnit(133))) {
      RecordingListener rec = new RecordingListener();
      TrainingHistory h = f.fit(data, cfg, rec);
      List<String> order = new ArrayList<>();
      for (Object o : rec.events) {
        order.add(o instanceof BatchEvent
            ? "batch " + ((BatchEvent) o).epoch() + "." + ((BatchEvent) o).batch() + "/"
                + ((BatchEvent) o).batchesPerEpoch()
            : "epoch " + ((EpochEvent) o).epoch() + "/" + ((EpochEvent) o).lastEpoch());
      }
      assertEquals(List.of("batch 1.1/3", "batch 1.2/3", "batch 1.3/3", "epoch 1/2",
          "batch 2.1/3", "batch 2.2/3", "batch 2.3/3", "epoch 2/2"), order,
          "events for 5 samples, batch size 2, 2 epochs");
      Duration last = Duration.ZERO;
      int[] sizes = {2, 2, 1};
      List<BatchEvent> batches = rec.batches();
      for (int e = 0; e < 2; e++) {
        double weighted = 0;
        for (int b = 0; b < 3; b++) {
          BatchEvent be = batches.get(e * 3 + b);
          assertTrue(Double.isFinite(be.loss()), "batch loss must be finite: " + be);
          assertFalse(be.elapsed().isNegative(), "elapsed must not be negative: " + be);
          assertTrue(be.elapsed().compareTo(last) >= 0, "elapsed must not go back: " + be);
          last = be.elapsed();
          weighted += be.loss() * sizes[b];
        }
        EpochEvent ee = rec.epochs().get(e);
        assertTrue(Double.isFinite(ee.loss()), "epoch loss must be finite: " + ee);
        assertFalse(ee.hasValidation(), "no validation split, so validationLoss must be NaN: "
            + ee);
        kit().assertLossClose(weighted / 5, ee.loss(),
            "epoch " + (e + 1) + " loss as the batch-size-weighted mean of its batch losses");
      }
      assertEquals(rec.epochs(), h.epochs(), "the history must hold the reported epoch events");
      RecordingListener again = new RecordingListener();
      f.fit(data, cfg.withEpochs(1), again);
      assertEquals(3, again.epochs().get(0).epoch(), "epoch number of a later fit call");
      assertEquals(3, again.epochs().get(0).lastEpoch(), "lastEpoch of a later fit call");
      assertEquals(3, again.batches().get(0).epoch(), "batch epoch number of a later fit call");
    }
  }

  @Test
  @DisplayName("validation split holds out the last fraction: with split 0.5 the first half "
      + "trains and the last half gives the validation loss")
  void validationIsLastFraction() {
    // 4 samples: the first two have all-zero targets, the last two all-one targets, so a
    // model that is far from both tells the halves apart by its loss.
    FrameShape s = FrameShape.of(4, 4, 1);
    List<FrameSequence> ins = new ArrayList<>();
    List<FrameSequence> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ins.add(RandomCase.randomSequence(2, s, 141 + i));
      float[] v = new float[2 * s.size()];
      java.util.Arrays.fill(v, i < 2 ? 0f : 1f);
      ts.add(FrameSequence.of(2, s, v));
    }
    SequenceDataset data = SequenceDataset.of(ins, ts);
    SequenceDataset first = data.subset(0, 2);
    SequenceDataset last = data.subset(2, 4);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withValidationSplit(0.5).withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam())
        .withSeed(142).withShuffle(true);
    try (Forecaster f = kit().create(oneUnit(143))) {
      double firstBefore = f.evaluate(first, Loss.MSE);
      double lastBefore = f.evaluate(last, Loss.MSE);
      assertTrue(Math.abs(firstBefore - lastBefore) > 0.1,
          "test setup: the halves must differ, got " + firstBefore + " and " + lastBefore);
      RecordingListener rec = new RecordingListener();
      f.fit(data, cfg, rec);
      assertEquals(1, rec.batches().size(), "one batch: 2 training samples in batches of 2");
      assertEquals(1, rec.batches().get(0).batchesPerEpoch(), "batchesPerEpoch");
      kit().assertLossClose(firstBefore, rec.batches().get(0).loss(),
          "the training batch loss must be the loss of the FIRST half (no batch norm, so "
              + "training and inference agree)");
      EpochEvent e = rec.epochs().get(0);
      assertTrue(e.hasValidation(), "validation loss must be reported: " + e);
      kit().assertLossClose(f.evaluate(last, Loss.MSE), e.validationLoss(),
          "the validation loss must be the loss of the LAST half after the epoch");
    }
  }

  @Test
  @DisplayName("two fit calls of one epoch equal one fit of two epochs (optimizer state persists)")
  void fitCallsContinue() {
    SequenceDataset data = randomData(4, 151);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam());
    try (Forecaster once = kit().create(oneUnit(152)); Forecaster twice = kit().create(oneUnit(152))) {
      once.fit(data, cfg.withEpochs(2), TrainingListener.NONE);
      twice.fit(data, cfg, TrainingListener.NONE);
      twice.fit(data, cfg, TrainingListener.NONE);
      kit().assertStepClose(once.weights(), twice.weights(),
          "weights after 1 + 1 epochs against 2 epochs (Adam, no shuffle)");
    }
  }

  @Test
  @DisplayName("an exception thrown by the listener aborts fit and reaches the caller")
  void listenerExceptionPropagates() {
    SequenceDataset data = randomData(4, 161);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(3).withBatchSize(2)
        .withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam());
    class Stop extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Stop() {
        super("stop requested by the listener");
      }
    }
    List<BatchEvent> seen = new ArrayList<>();
    try (Forecaster f = kit().create(oneUnit(162))) {
      RuntimeException thrown = org.junit.jupiter.api.Assertions.assertThrows(
          RuntimeException.class, () -> f.fit(data, cfg, new TrainingListener() {
            @Override
            public void onBatch(BatchEvent event) {
              seen.add(event);
              throw new Stop();
            }
          }), "fit must propagate the listener's exception");
      Throwable root = thrown;
      while (!(root instanceof Stop) && root.getCause() != null) {
        root = root.getCause();
      }
      assertInstanceOf(Stop.class, root, "the listener's exception (or its cause chain)");
      assertEquals(1, seen.size(), "training must stop at the first failing callback");
      f.predict(data.get(0).input());
    }
  }
}

package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.Capability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safety: a diverging fit puts the model back to its state before the failing batch (so it can
 * still predict and be saved and loaded); an optimizer state that does not fit is refused on
 * restore without changing anything; a horizon too large for the heap is refused at once.
 */
abstract class SafetyContract extends Contract {

  @TempDir
  Path folder;

  /** One ConvLSTM unit and a linear 1x1x1 head: outputs are unbounded, so SGD can blow up. */
  private static ModelSpec unbounded() {
    return ModelSpec.builder(1).seed(221).addLayer(ConvLstmLayerSpec.of(1))
        .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.LINEAR, TimePadding.SAME)).build();
  }

  @Test
  @DisplayName("a diverging fit stops and leaves the weights and optimizer state of the last good batch")
  void divergenceRollsBack() throws Exception {
    kit().assumeDeclared(Capability.TRAINING);
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> target = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      in.add(RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 222 + i));
      float[] big = new float[2 * 9];
      java.util.Arrays.fill(big, 1e4f);
      target.add(FrameSequence.of(2, FrameShape.of(3, 3, 1), big));
    }
    SequenceDataset data = SequenceDataset.of(in, target);
    TrainingConfig cfg = TrainingConfig.defaults().withLoss(Loss.MSE).withEpochs(3)
        .withBatchSize(1).withValidationSplit(0).withShuffle(false)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(1e10));
    try (Forecaster f = kit().create(unbounded(), RandomCase.randomWeights(unbounded(), 223))) {
      Checkpoint[] lastGood = {f.checkpoint()};
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> f.fit(data, cfg, new TrainingListener() {
            @Override
            public void onBatch(BatchEvent event) {
              lastGood[0] = f.checkpoint();
            }
          }), "SGD at learning rate 1e10 towards targets of 1e4 must diverge within 18 batches");
      assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("batch"),
          "the message names the divergence and the batch, got: " + e.getMessage());
      Checkpoint now = f.checkpoint();
      assertEquals(lastGood[0].weights(), now.weights(),
          "weights after the divergence equal those after the last good batch");
      assertEquals(lastGood[0].optimizerState(), now.optimizerState(),
          "optimizer state after the divergence equals that after the last good batch");
      Path file = folder.resolve("after-divergence.npz");
      f.save(file);
      Checkpoint read = Checkpoints.read(file);
      try (Forecaster loaded = kit().create(read.spec())) {
        loaded.restore(read);
        kit().assertRepeatClose(f.predict(in.get(0)), loaded.predict(in.get(0)),
            "the saved model after a divergence loads and predicts the same");
      }
    }
  }

  @TestFactory
  @DisplayName("restore refuses an optimizer state that does not fit, naming it, and changes nothing")
  List<DynamicTest> badOptimizerStateIsRefused() {
    kit().assumeDeclared(Capability.TRAINING);
    ModelSpec spec = ModelSpec.builder(1).seed(231).addLayer(ConvLstmLayerSpec.of(1)).build();
    String kernelSlot = OptimizerState.slotName(
        io.github.convlstm4j.api.OptimizerType.ADAM, "m", ModelSpec.kernelName(0));
    Map<String, UnaryOperator<Map<String, Tensor>>> edits = new LinkedHashMap<>();
    edits.put("mis-shaped slot", m -> put(m, kernelSlot, Tensor.zeros(1, 1, 1, 4)));
    edits.put("unknown slot", m -> put(m, "adam/q/" + ModelSpec.kernelName(0),
        Tensor.zeros(3, 3, 1, 4)));
    edits.put("slot of a missing weight", m -> put(m, "adam/m/conv_lstm2d_7/kernel",
        Tensor.zeros(3, 3, 1, 4)));
    edits.put("NaN in a slot", m -> put(m, kernelSlot, nanLike(m.get(kernelSlot))));
    edits.put("iterations -1", m -> put(m, OptimizerState.ITERATIONS,
        Tensor.of(new int[0], new float[] {-1})));
    edits.put("iterations 1.5", m -> put(m, OptimizerState.ITERATIONS,
        Tensor.of(new int[0], new float[] {1.5f})));
    List<DynamicTest> tests = new ArrayList<>();
    edits.forEach((name, edit) -> tests.add(KitSupport.dynamicTest(name, () -> {
      FrameSequence x = RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 232);
      SequenceDataset data = SequenceDataset.of(List.of(x), List.of(x.slice(0, 2)));
      TrainingConfig cfg = TrainingConfig.defaults().withLoss(Loss.MSE).withEpochs(1)
          .withBatchSize(1).withValidationSplit(0).withOptimizer(OptimizerSpec.adam());
      try (Forecaster f = kit().create(spec, RandomCase.randomWeights(spec, 233))) {
        f.fit(data, cfg, TrainingListener.NONE);
        Checkpoint good = f.checkpoint();
        ModelWeights bad = ModelWeights.of(edit.apply(
            new LinkedHashMap<>(good.optimizerState().asMap())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> f.restore(new Checkpoint(spec, good.weights(), bad, 1)), name);
        assertTrue(e.getMessage().contains("optimizer state"),
            "the message names the optimizer state, got: " + e.getMessage());
        assertEquals(good, f.checkpoint(), "checkpoint after the refused restore");
        f.fit(data, cfg, TrainingListener.NONE);
      }
    })));
    return tests;
  }

  @Test
  @DisplayName("forecast with a horizon too large for the heap is refused at once, naming it")
  void hugeHorizonIsRefused() {
    ModelSpec spec = ModelSpec.builder(1).seed(241).addLayer(ConvLstmLayerSpec.of(1)).build();
    FrameSequence ctx = RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 242);
    try (Forecaster f = kit().create(spec, RandomCase.randomWeights(spec, 243))) {
      IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(IllegalArgumentException.class,
              () -> f.forecast(ctx, Integer.MAX_VALUE)));
      KitSupport.assertNames(e, "heap", Integer.toString(Integer.MAX_VALUE));
      assertEquals(3, f.forecast(ctx, 3).frames(), "forecast still works");
    }
  }

  private static Map<String, Tensor> put(Map<String, Tensor> m, String k, Tensor t) {
    m.put(k, t);
    return m;
  }

  private static Tensor nanLike(Tensor t) {
    float[] v = t.toArray();
    v[0] = Float.NaN;
    return Tensor.of(t.shape(), v);
  }
}

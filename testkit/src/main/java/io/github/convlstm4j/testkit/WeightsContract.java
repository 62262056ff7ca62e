package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Weights: snapshots, round trips, checkpoints, and moving weights between backends. */
abstract class WeightsContract extends Contract {

  @TempDir
  Path folder;

  @TestFactory
  @DisplayName("setWeights then weights() returns exactly what was set, in Keras order")
  List<DynamicTest> setThenGetRoundTrips() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 400, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        ModelWeights w = c.randomWeights(5);
        try (Forecaster f = kit().create(c.spec(), w)) {
          ModelWeights back = f.weights();
          assertEquals(new ArrayList<>(w.names()), new ArrayList<>(back.names()), "names in order");
          assertEquals(w, back, "weights() after setWeights(w) must equal w exactly");
        }
      }));
    }
    return tests;
  }

  @TestFactory
  @DisplayName("weights copied into a forecaster of another seed reproduce its outputs exactly")
  List<DynamicTest> copiedWeightsReproduceOutputs() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 500, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        FrameSequence in = c.randomInput(6);
        try (Forecaster a = kit().create(c.spec());
            Forecaster b = kit().create(c.spec().withSeed(c.seed() + 1))) {
          b.setWeights(a.weights());
          kit().assertRepeatClose(a.predict(in), b.predict(in), "outputs after copying weights");
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("a weights() snapshot does not change when the forecaster's weights change")
  void weightsAreSnapshots() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(111).build();
    try (Forecaster f = kit().create(spec)) {
      ModelWeights before = f.weights();
      ModelWeights copy = ModelWeights.of(before.asMap());
      f.setWeights(RandomCase.randomWeights(spec, 112));
      assertEquals(copy, before, "an earlier weights() result changed after setWeights");
    }
  }

  @TestFactory
  @DisplayName("save then restore (Checkpoints.read) reproduces outputs exactly")
  List<DynamicTest> saveAndRestore() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 600, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        FrameSequence in = c.randomInput(7);
        Path file = folder.resolve("case-" + c.seed() + ".npz");
        try (Forecaster a = kit().create(c.spec(), c.randomWeights(7))) {
          a.save(file);
          Checkpoint read = Checkpoints.read(file);
          assertEquals(c.spec(), read.spec(), "spec read back from the checkpoint");
          try (Forecaster b = kit().create(read.spec())) {
            b.restore(read);
            assertEquals(a.weights(), b.weights(), "weights after save and restore");
            kit().assertRepeatClose(a.predict(in), b.predict(in), "outputs after save and restore");
          }
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("save replaces an existing file and leaves no temporary file behind")
  void saveIsAtomic() throws IOException {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(113).build();
    Path dir = Files.createDirectory(folder.resolve("atomic"));
    Path file = dir.resolve("model.npz");
    Files.writeString(file, "an older file");
    try (Forecaster f = kit().create(spec)) {
      f.save(file);
      assertEquals(f.weights(), Checkpoints.read(file).weights(), "weights in the saved file");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of("model.npz"), names, "files in the folder after save");
    }
  }

  @TestFactory
  @DisplayName("a checkpoint of the reference backend loads here and gives its outputs, and back")
  List<DynamicTest> checkpointsMoveBetweenBackends() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 700, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        FrameSequence in = c.randomInput(8);
        Path fromRef = folder.resolve("ref-" + c.seed() + ".npz");
        Path fromHere = folder.resolve("here-" + c.seed() + ".npz");
        try (Forecaster ref = KitSupport.reference(c.spec(), c.randomWeights(8))) {
          ref.save(fromRef);
          try (Forecaster here = kit().create(c.spec())) {
            here.restore(Checkpoints.read(fromRef));
            kit().assertForwardClose(ref.predict(in), here.predict(in),
                "outputs after loading the reference's checkpoint");
            here.save(fromHere);
          }
          try (Forecaster back = KitSupport.reference(c.spec())) {
            back.restore(Checkpoints.read(fromHere));
            assertEquals(ref.weights(), back.weights(),
                "weights after reference -> this backend -> reference");
          }
        }
      }));
    }
    return tests;
  }

  @Test
  @DisplayName("restoring a checkpoint resumes training: 1 epoch + restore + 1 epoch = 2 epochs")
  void checkpointResumesTraining() {
    kit().assumeDeclared(Capability.TRAINING);
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(114).build();
    SequenceDataset data = smallDataset(spec, 115);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam());
    try (Forecaster straight = kit().create(spec); Forecaster resumed = kit().create(spec)) {
      straight.fit(data, cfg, TrainingListener.NONE);
      Checkpoint afterOne = straight.checkpoint();
      assertEquals(1, afterOne.epochsCompleted(), "epochsCompleted after one epoch");
      assertTrue(afterOne.optimizerState().size() > 0,
          "Adam's moments must be in the checkpoint's optimizer state");
      straight.fit(data, cfg, TrainingListener.NONE);
      resumed.restore(afterOne);
      assertEquals(1, resumed.checkpoint().epochsCompleted(), "epochsCompleted after restore");
      resumed.fit(data, cfg, TrainingListener.NONE);
      kit().assertStepClose(straight.weights(), resumed.weights(),
          "weights of 2 epochs against 1 epoch, restore, 1 epoch (Adam state must carry over)");
      assertEquals(2, resumed.checkpoint().epochsCompleted(), "epochsCompleted after resuming");
    }
  }

  static SequenceDataset smallDataset(ModelSpec spec, long seed) {
    FrameShape s = FrameShape.of(4, 4, spec.inputChannels());
    FrameShape o = spec.outputFrameShape(s);
    List<FrameSequence> ins = new ArrayList<>();
    List<FrameSequence> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ins.add(RandomCase.randomSequence(2, s, seed + i));
      ts.add(RandomCase.randomSequence(spec.outputFrames(2), o, seed + 100 + i));
    }
    return SequenceDataset.of(ins, ts);
  }

}

package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Imports the fixtures written by make_fixtures.py in Keras' layouts: the expected specs are
 * written by hand from the script's configurations, the expected weights recomputed from the
 * script's formula, and the expected predictions come from the script's independent NumPy
 * implementation of Keras' forward pass (expected_*.npy).
 */
class KerasImportFixturesTest {

  private static final double TOLERANCE = 1e-5;

  /** Weights in file order: tensor k of the file is value(k) under the i-th expected name. */
  private static void assertFormulaWeights(ModelWeights w, ModelSpec spec,
      List<String> moving) {
    int k = 0;
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      if (e.getKey().endsWith("/beta") && !w.contains(e.getKey())) {
        continue;
      }
      Tensor expected = Fixtures.value(k++, e.getValue(),
          moving.contains(e.getKey()));
      assertEquals(expected, w.get(e.getKey()), e.getKey());
    }
  }

  private static void assertPredicts(ImportedModel m, String expectedNpy, int frames, int h,
      int w, int c) throws IOException {
    for (String backend : List.of("reference", "djl-pytorch", "djl-mxnet")) {
      assertPredicts(m, expectedNpy, frames, h, w, c, backend);
    }
  }

  /** The prediction on one backend against the NumPy forward pass. */
  private static void assertPredicts(ImportedModel m, String expectedNpy, int frames, int h,
      int w, int c, String backend) throws IOException {
    Tensor expected = Npy.read(Fixtures.path(expectedNpy));
    try (Forecaster f = Forecasters.create(backend, m.spec())) {
      f.setWeights(m.weights());
      FrameSequence out = f.predict(FrameSequence.of(frames, h, w, c,
          Fixtures.input(frames * h * w * c)));
      assertEquals(expected.shapeList(), List.of(out.frames(), out.height(), out.width(),
          out.channels()), "output shape");
      float[] got = out.toArray();
      for (int i = 0; i < got.length; i++) {
        assertEquals(expected.get(i), got[i], TOLERANCE, backend + ": output at flat index " + i);
      }
    }
  }

  @Test
  void keras2HdfModelImportsWithSpecWeightsAndPredictions() throws IOException {
    ImportedModel m = KerasImport.load(Fixtures.path("seq_k2.h5"));
    ModelSpec expected = ModelSpec.builder(2)
        .addLayer(new ConvLstmLayerSpec(3, 3, 3, Padding.SAME, Activation.TANH,
            Activation.HARD_SIGMOID, true, true, true))
        .addLayer(new BatchNormSpec(0.9, 0.001))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
        .build();
    assertEquals(expected, m.spec());
    assertFormulaWeights(m.weights(), expected,
        List.of(ModelSpec.batchNormName(0, "moving_variance")));
    assertTrue(m.notes().stream().anyMatch(n -> n.contains("'dropout' (Dropout)")
        && n.contains("identity")), m.notes().toString());
    assertPredicts(m, "expected_seq_k2.npy", 4, 5, 6, 2);
  }

  @Test
  void functionalChainWithVariableLengthSplitNamesAndRenamedGroupsImports() throws IOException {
    KerasModelFile f = KerasModelFile.read(Fixtures.path("functional_k2.h5"));
    assertEquals("Functional", f.modelClassName());
    assertEquals("2.7.0", f.kerasVersion());
    assertEquals(KerasFormat.HDF5_MODEL, f.format());
    ImportedModel m = KerasImport.translate(f);
    ModelSpec expected = ModelSpec.builder(1)
        .addLayer(new ConvLstmLayerSpec(4, 1, 3, Padding.VALID, Activation.RELU,
            Activation.SIGMOID, true, true, true))
        .addLayer(new ConvLstmLayerSpec(2, 2, 2, Padding.SAME, Activation.TANH,
            Activation.SIGMOID, true, true, false))
        .addLayer(new BatchNormSpec(0.99, 0.01))
        .build();
    assertEquals(expected, m.spec());
    assertFormulaWeights(m.weights(), expected,
        List.of(ModelSpec.batchNormName(1, "moving_variance")));
    assertPredicts(m, "expected_functional_k2.npy", 6, 4, 7, 1);
  }

  @Test
  void keras3ArchiveImportsWithCenterFalseAsZeroBeta() throws IOException {
    KerasModelFile f = KerasModelFile.read(Fixtures.path("seq_k3.keras"));
    assertEquals(KerasFormat.KERAS_ZIP, f.format());
    assertEquals(3, f.kerasMajorVersion());
    ImportedModel m = KerasImport.translate(f);
    ModelSpec expected = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 1, 3, 3, Activation.LINEAR, TimePadding.SAME))
        .build();
    assertEquals(expected, m.spec());
    // File order: 3 + 3 ConvLSTM tensors, gamma, moving_mean, moving_variance, kernel, bias.
    List<String> order = List.of(ModelSpec.kernelName(0), ModelSpec.recurrentKernelName(0),
        ModelSpec.biasName(0), ModelSpec.kernelName(1), ModelSpec.recurrentKernelName(1),
        ModelSpec.biasName(1), ModelSpec.batchNormName(1, "gamma"),
        ModelSpec.batchNormName(1, "moving_mean"), ModelSpec.batchNormName(1, "moving_variance"),
        ModelSpec.HEAD_KERNEL, ModelSpec.HEAD_BIAS);
    for (int k = 0; k < order.size(); k++) {
      String name = order.get(k);
      assertEquals(Fixtures.value(k, expected.weightShapes().get(name),
          name.endsWith("moving_variance")), m.weights().get(name), name);
    }
    assertEquals(Tensor.zeros(2), m.weights().get(ModelSpec.batchNormName(1, "beta")),
        "center=false: beta is 0");
    assertTrue(m.notes().stream().anyMatch(n -> n.contains("center=false")), m.notes()
        .toString());
    assertPredicts(m, "expected_seq_k3.npy", 3, 5, 5, 1);
  }

  @Test
  void tfKeras213WindowsArchiveWithBackslashesAndRenamedGroupImports() throws IOException {
    ImportedModel m = KerasImport.load(Fixtures.path("tf213_windows.keras"));
    ModelSpec expected = ModelSpec.builder(1)
        .addLayer(new ConvLstmLayerSpec(2, 3, 3, Padding.VALID, Activation.TANH,
            Activation.HARD_SIGMOID, true, true, true))
        .addLayer(new ConvLstmLayerSpec(1, 3, 3, Padding.SAME, Activation.TANH,
            Activation.HARD_SIGMOID, true, true, true).withDropout(0, 0.2))
        .build();
    assertEquals(expected, m.spec());
    assertFormulaWeights(m.weights(), expected, List.of());
    assertTrue(m.notes().stream().anyMatch(n -> n.contains("recurrent_dropout=0.2")),
        m.notes().toString());
    assertTrue(m.notes().stream().anyMatch(n -> n.contains("TimeDistributed(Dropout)")),
        m.notes().toString());
    assertPredicts(m, "expected_tf213_windows.npy", 4, 6, 6, 1);
  }

  @Test
  void frameWiseLayersImportAndPredictAsTheNumpyForwardPass() throws IOException {
    ImportedModel m = KerasImport.load(Fixtures.path("frames_k2.h5"));
    List<String> kinds = new java.util.ArrayList<>();
    m.spec().layers().forEach(l -> kinds.add(l.kind()));
    assertEquals(List.of("conv2d", "layer_normalization", "conv_lstm2d", "max_pooling",
        "conv2d_transpose", "conv_lstm2d", "batch_normalization", "conv2d", "flatten", "dense",
        "softmax"), kinds);
    assertEquals(new io.github.convlstm4j.api.Conv2dTransposeSpec(2, 3, 3, 2, 2, Padding.SAME,
        Activation.LINEAR, true), m.spec().layers().get(4));
    assertEquals(new io.github.convlstm4j.api.MaxPoolingSpec(2, 2, 2, 2, Padding.SAME),
        m.spec().layers().get(3));
    assertEquals(java.util.Optional.of(new io.github.convlstm4j.api.SequenceShape(4,
        new io.github.convlstm4j.api.FrameShape(9, 9, 1))), m.spec().inputShape());
    // Every tensor of the file, in file order, is value(k) of the script's formula.
    int k = 0;
    for (Map.Entry<String, List<Integer>> e : m.spec().weightShapes().entrySet()) {
      assertEquals(Fixtures.value(k++, e.getValue(), e.getKey().endsWith("moving_variance")),
          m.weights().get(e.getKey()), e.getKey());
    }
    assertPredicts(m, "expected_frames_k2.npy", 4, 9, 9, 1);
  }

  @Test
  void hardSigmoidIsChosenByKerasVersion() throws IOException {
    // keras_version 3.5.0: relu6(x + 3) / 6, not Keras 2's clip(0.2x + 0.5).
    ImportedModel m = KerasImport.load(Fixtures.path("keras3_hard_sigmoid.h5"));
    assertEquals(Activation.HARD_SIGMOID_KERAS3,
        m.spec().convLstmLayers().get(0).recurrentActivation());
    assertPredicts(m, "expected_keras3_hard_sigmoid.npy", 3, 4, 4, 1);
    assertEquals(Activation.HARD_SIGMOID, KerasImport.load(Fixtures.path("seq_k2.h5")).spec()
        .convLstmLayers().get(0).recurrentActivation(), "keras_version 2.4.0");
  }

  @Test
  void weightsOnlyFilesApplyToASpecInBothLayouts() throws IOException {
    ModelSpec k2 = KerasImport.load(Fixtures.path("seq_k2.h5")).spec();
    ModelWeights w2 = KerasImport.loadWeights(Fixtures.path("seq_k2_weights.h5"), k2);
    assertEquals(KerasImport.load(Fixtures.path("seq_k2.h5")).weights(), w2);
    assertEquals(w2, KerasImport.loadWeights(Fixtures.path("seq_k2_keras3.weights.h5"), k2),
        "the Keras 3 weights-only layout gives the same weights");
    ImportedModel k3 = KerasImport.load(Fixtures.path("seq_k3.keras"));
    ModelSpec k3Spec = k3.spec().toBuilder().build();
    // Keras 3's weights-only layout has no beta for center=false: the spec needs one, so the
    // file does not fit; a spec read from the archive itself does.
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasImport.loadWeights(Fixtures.path("seq_k3.weights.h5"), k3Spec));
    assertTrue(e.getMessage().contains("seq_k3.weights.h5"), e.getMessage());
    assertThrows(KerasFormatException.class,
        () -> KerasModelFile.read(Fixtures.path("seq_k2_weights.h5")));
  }

  @Test
  void checkpointsReadAcceptsKerasFilesThroughTheServiceLoader() throws IOException {
    Checkpoint c = Checkpoints.read(Fixtures.path("seq_k3.keras"));
    ImportedModel m = KerasImport.load(Fixtures.path("seq_k3.keras"));
    assertEquals(m.spec(), c.spec());
    assertEquals(m.weights(), c.weights());
    assertEquals(0, c.epochsCompleted());
    assertEquals(KerasImport.load(Fixtures.path("seq_k2.h5")).spec(),
        Checkpoints.read(Fixtures.path("seq_k2.h5")).spec());
    try (Forecaster f = Checkpoints.load("reference", Fixtures.path("seq_k2.h5"))) {
      assertEquals(KerasImport.load(Fixtures.path("seq_k2.h5")).weights(), f.weights());
    }
  }

  @Test
  void forecastersLoadTakesKerasFilesDirectly() throws IOException {
    for (String name : List.of("seq_k3.keras", "seq_k2.h5")) {
      ImportedModel m = KerasImport.load(Fixtures.path(name));
      try (Forecaster f = Forecasters.load("reference", Fixtures.path(name))) {
        assertEquals(m.spec(), f.spec(), name);
        assertEquals(m.weights(), f.weights(), name);
      }
    }
    java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
        () -> Forecasters.load(Fixtures.path("seq_k3.keras").resolveSibling("absent.h5")));
    assertTrue(e.getMessage().contains("absent.h5"), e.getMessage());
  }

  @Test
  void supportedLayersListsTheRegistry() {
    List<String> s = KerasImport.supportedLayers();
    assertTrue(s.containsAll(List.of("ConvLSTM2D", "BatchNormalization", "Conv3D", "InputLayer",
        "Dropout", "SpatialDropout3D", "GaussianNoise", "TimeDistributed(Dropout)")), s
        .toString());
  }
}

package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.SequenceShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The five real Keras files of ../shared/keras-real (never copied into this repository; the
 * tests skip when the folder is absent). Each test states what the file gets today: it is read
 * completely (format, version, layers with weights) and, since the frame-wise layers exist,
 * every one imports (layer kinds and parameter count asserted) and predicts on the reference
 * backend (and on DJL's PyTorch engine, to 1e-4 of it), and round-trips through both export formats (same spec, the same bits). There are
 * no Keras outputs for these files here, so their numerical agreement with
 * Keras is covered by the fixtures (KerasImportFixturesTest), not by these tests.
 */
class RealKerasFilesTest {

  private static Path real(String name) {
    Path folder = Path.of(System.getProperty("convlstm4j.kerasReal", "../../shared/keras-real"));
    if (!Files.isDirectory(folder)) {
      folder = Path.of("../shared/keras-real");
    }
    Path p = folder.resolve(name);
    assumeTrue(Files.isRegularFile(p), "real Keras file absent: " + p);
    return p;
  }

  private static void assertRead(KerasModelFile f, KerasFormat format, String version,
      int layers, int layersWithWeights) {
    assertEquals(format, f.format(), f.toString());
    assertEquals(version, f.kerasVersion(), f.toString());
    assertEquals(layers, f.layers().size(), f.toString());
    assertEquals(layersWithWeights, f.layers().stream().filter(l -> !l.weights().isEmpty())
        .count(), f.toString());
  }

  /**
   * Imports the file, checks the spec's layer kinds and that every weight of the file arrived
   * (the parameter count h5py sums over the file's weight datasets), then predicts on the
   * reference backend: outputs of the spec's shape, finite, and for a softmax head summing to 1.
   */
  private static ImportedModel assertImports(KerasModelFile f, List<String> kinds,
      long parameters, SequenceShape input) {
    ImportedModel m;
    try {
      m = KerasImport.translate(f);
    } catch (KerasFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    List<String> got = new java.util.ArrayList<>();
    m.spec().layers().forEach(l -> got.add(l.kind()));
    assertEquals(kinds, got, m.spec().toString());
    assertEquals(parameters, m.weights().parameterCount(), "parameters");
    try (Forecaster fc = Forecasters.create("reference", m.spec())) {
      fc.setWeights(m.weights());
      float[] x = Fixtures.input(input.frames() * input.frame().height()
          * input.frame().width() * input.frame().channels());
      FrameSequence out = fc.predict(FrameSequence.of(input.frames(), input.frame(), x));
      SequenceShape want = m.spec().outputShape(input);
      assertEquals(want, new SequenceShape(out.frames(), out.frameShape()), "output shape");
      double sum = 0;
      for (float v : out.toArray()) {
        assertTrue(Float.isFinite(v), "finite output");
        sum += v;
      }
      if (kinds.get(kinds.size() - 1).equals("softmax")) {
        assertEquals(1.0, sum, 1e-5, "softmax output sums to 1");
      }
      // the same model on DJL's PyTorch engine agrees with the reference backend
      try (Forecaster djl = Forecasters.create("djl-pytorch", m.spec())) {
        djl.setWeights(m.weights());
        float[] ref = out.toArray();
        float[] d = djl.predict(FrameSequence.of(input.frames(), input.frame(), x)).toArray();
        for (int i = 0; i < ref.length; i++) {
          assertEquals(ref[i], d[i], 1e-4 * (1 + Math.abs(ref[i])),
              "djl-pytorch vs reference at flat index " + i);
        }
      }
    }
    return m;
  }

  /** Export to both formats and import again: the same spec and bit-identical weights. */
  private void assertRoundTrips(ImportedModel m) throws IOException {
    for (String name : List.of("back.h5", "back.keras")) {
      Path p = dir.resolve(name);
      if (name.endsWith(".h5")) {
        KerasExport.writeH5(m.spec(), m.weights(), p);
      } else {
        KerasExport.writeKeras(m.spec(), m.weights(), p);
      }
      ImportedModel back = KerasImport.load(p);
      assertEquals(m.spec(), back.spec(), name);
      assertEquals(m.weights(), back.weights(), name);
    }
  }

  @org.junit.jupiter.api.io.TempDir
  Path dir;

  private static SequenceShape shape(int t, int h, int w, int c) {
    return new SequenceShape(t, new FrameShape(h, w, c));
  }

  @Test
  void vadUcsdTfKeras240() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("vad_ucsd_tfk240.hdf5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.4.0", 16, 15);
    // TimeDistributed Conv2D/Conv2DTranspose, LayerNormalization, a 2x2 SAME ConvLSTM2D.
    ImportedModel m = assertImports(f, List.of("conv2d", "layer_normalization", "conv2d",
        "layer_normalization", "conv_lstm2d", "layer_normalization", "conv_lstm2d",
        "layer_normalization", "conv_lstm2d", "layer_normalization", "conv2d_transpose",
        "layer_normalization", "conv2d_transpose", "layer_normalization", "conv2d"), 40_745,
        shape(3, 64, 64, 1));
    assertEquals(Activation.HARD_SIGMOID,
        m.spec().convLstmLayers().get(1).recurrentActivation(), "Keras 2.4: clip(0.2x + 0.5)");
    assertEquals(2, m.spec().convLstmLayers().get(1).kernelHeight());
    assertRoundTrips(m);
  }

  @Test
  void harStpTfKeras270() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("har_stp_tfk270.h5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.7.0", 14, 5);
    // MaxPooling3D(1, 2, 2) per frame, TimeDistributed(Dropout) dropped, Flatten + Dense.
    ImportedModel m = assertImports(f, List.of("conv_lstm2d", "max_pooling", "conv_lstm2d",
        "max_pooling", "conv_lstm2d", "max_pooling", "conv_lstm2d", "max_pooling", "flatten",
        "dense"), 40_841, shape(10, 128, 128, 3));
    assertEquals(7, m.notes().stream().filter(n -> n.contains("recurrent_dropout")
        || n.contains("TimeDistributed(Dropout)")).count(), m.notes().toString());
    assertRoundTrips(m);
  }

  @Test
  void sstOhwTfKeras2100IsHdf5DespiteItsName() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("sst_ohw_tfk2100_h5named.keras"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.10.0", 11, 7);
    // ConvLSTM2D(return_sequences=False), BatchNormalization(axis=[3]) after it and after
    // each Conv2D on the last frame; no fixed input shape, so a small input predicts.
    assertRoundTrips(assertImports(f, List.of("conv_lstm2d", "batch_normalization", "conv2d",
        "batch_normalization", "conv2d", "batch_normalization", "conv2d"), 75_905,
        shape(5, 20, 23, 1)));
  }

  @Test
  void pfiTfKeras2131Archive() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("pfi_tfk2131.keras"));
    assertRead(f, KerasFormat.KERAS_ZIP, "2.13.1", 7, 3);
    // Its group dense_2 holds layer dense_1's weights (matched by order, shape [4, 2]).
    assertEquals(List.of(4, 2), f.layers().get(6).weights().get(0).value().shapeList());
    ImportedModel m = assertImports(f, List.of("conv_lstm2d", "flatten", "dense", "dense",
        "softmax"), 7_438, shape(10, 32, 32, 1));
    assertEquals(Activation.HARD_SIGMOID, m.spec().convLstmLayers().get(0)
        .recurrentActivation(), "tf.keras 2.13: Keras 2's hard sigmoid");
    assertEquals(Activation.RELU, m.spec().convLstmLayers().get(0).activation());
    assertRoundTrips(m);
  }

  @Test
  void ctiKeras3121LegacyH5() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("cti_k3121.h5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "3.12.1", 7, 5);
    ImportedModel m = assertImports(f, List.of("conv_lstm2d", "conv_lstm2d", "flatten",
        "dense", "dense", "dense", "softmax"), 133_066, shape(10, 1, 13, 1));
    assertEquals(1, m.spec().convLstmLayers().get(0).kernelHeight());
    assertEquals(3, m.spec().convLstmLayers().get(0).kernelWidth());
    assertRoundTrips(m);
  }
}

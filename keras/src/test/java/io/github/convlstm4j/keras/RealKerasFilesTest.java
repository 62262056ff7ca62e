package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The five real Keras files of ../shared/keras-real (never copied into this repository; the
 * tests skip when the folder is absent). Each test states what the file gets <em>today</em>:
 * every one is read completely (format, version, layers with weights), and the translation
 * either imports it or refuses it naming the first layer the library cannot represent. When the
 * library gains a layer kind, the expectation here changes deliberately.
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

  private static void assertRefused(KerasModelFile f, String layer, String cls, String option) {
    UnsupportedKerasLayerException e = assertThrows(UnsupportedKerasLayerException.class,
        () -> KerasImport.translate(f));
    assertEquals(List.of(layer, cls, String.valueOf(option)),
        List.of(e.layerName(), e.className(), String.valueOf(e.option())), e.getMessage());
  }

  @Test
  void vadUcsdTfKeras240() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("vad_ucsd_tfk240.hdf5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.4.0", 16, 15);
    // TimeDistributed(Conv2D) comes first: waits for the lead's TimeDistributed Conv2D.
    assertRefused(f, "time_distributed", "TimeDistributed", "layer");
  }

  @Test
  void harStpTfKeras270() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("har_stp_tfk270.h5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.7.0", 14, 5);
    // Waits for MaxPooling3D (then Flatten/Dense).
    assertRefused(f, "max_pooling3d_8", "MaxPooling3D", null);
  }

  @Test
  void sstOhwTfKeras2100IsHdf5DespiteItsName() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("sst_ohw_tfk2100_h5named.keras"));
    assertRead(f, KerasFormat.HDF5_MODEL, "2.10.0", 11, 7);
    // ConvLSTM2D(return_sequences=False) + BatchNormalization(axis=[3]) + Dropout translate;
    // waits for Conv2D on the last frame.
    assertRefused(f, "conv2d", "Conv2D", null);
  }

  @Test
  void pfiTfKeras2131Archive() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("pfi_tfk2131.keras"));
    assertRead(f, KerasFormat.KERAS_ZIP, "2.13.1", 7, 3);
    // Its group dense_2 holds layer dense_1's weights (matched by order, shape [4, 2]).
    assertEquals(List.of(4, 2), f.layers().get(6).weights().get(0).value().shapeList());
    // ConvLSTM2D(relu, valid, hard_sigmoid of Keras 2, return_sequences=False) translates;
    // waits for Flatten/Dense.
    assertRefused(f, "flatten", "Flatten", null);
  }

  @Test
  void ctiKeras3121LegacyH5() throws IOException {
    KerasModelFile f = KerasModelFile.read(real("cti_k3121.h5"));
    assertRead(f, KerasFormat.HDF5_MODEL, "3.12.1", 7, 5);
    // Two ConvLSTM2D (1x3 kernels, valid, relu) translate; waits for Flatten/Dense.
    assertRefused(f, "flatten", "Flatten", null);
  }
}

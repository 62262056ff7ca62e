package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the import refuses, each with an exception naming what was expected and found. */
class KerasRefusalTest {

  @TempDir
  Path dir;

  private static UnsupportedKerasLayerException refused(String fixture) {
    return assertThrows(UnsupportedKerasLayerException.class,
        () -> KerasImport.load(Fixtures.path(fixture)));
  }

  private static void assertNames(UnsupportedKerasLayerException e, String layer, String cls,
      String option) {
    assertEquals(layer, e.layerName(), e.getMessage());
    assertEquals(cls, e.className(), e.getMessage());
    assertEquals(option, e.option(), e.getMessage());
    assertTrue(e.getMessage().contains("layer '" + layer + "' (" + cls + ")"), e.getMessage());
  }

  @Test
  void anUnsupportedLayerClassIsNamed() {
    UnsupportedKerasLayerException e = refused("refuse_upsampling.h5");
    assertNames(e, "up_sampling3d", "UpSampling3D", null);
    assertTrue(e.getMessage().contains("refuse_upsampling.h5"), e.getMessage());
    assertTrue(e.getMessage().contains("is not supported"), e.getMessage());
  }

  @Test
  void poolingAcrossTimeIsRefusedNamingTheOption() {
    assertNames(refused("refuse_time_pool.h5"), "max_pooling3d", "MaxPooling3D", "pool_size");
  }

  @Test
  void goBackwardsIsRefusedNamingTheOption() {
    assertNames(refused("refuse_go_backwards.h5"), "conv_lstm2d", "ConvLSTM2D", "go_backwards");
  }

  @Test
  void stridesOtherThanOneAreRefusedNamingTheOption() {
    UnsupportedKerasLayerException e = refused("refuse_strides.h5");
    assertNames(e, "conv_lstm2d", "ConvLSTM2D", "strides");
    assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
  }

  @Test
  void aGraphThatIsNotAChainNamesTheLayerWithTwoInputs() {
    UnsupportedKerasLayerException e = assertThrows(UnsupportedKerasLayerException.class,
        () -> KerasModelFile.read(Fixtures.path("refuse_add.h5")));
    assertTrue(e.layerName().equals("right") || e.layerName().equals("add"), e.getMessage());
    assertTrue(e.getMessage().contains("chain"), e.getMessage());
  }

  @Test
  void aWeightOfTheWrongShapeNamesBothShapes() {
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasImport.load(Fixtures.path("bad_shape.h5")));
    assertTrue(e.getMessage().contains("conv_lstm2d/recurrent_kernel:0"), e.getMessage());
    assertTrue(e.getMessage().contains("[3, 3, 1, 4]"), e.getMessage());
    assertTrue(e.getMessage().contains("[3, 3, 2, 4]"), e.getMessage());
  }

  @Test
  void aTruncatedHdf5FileIsRefusedNamingIt() throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.path("seq_k2.h5"));
    for (int keep : new int[] {8, 100, 2000, all.length / 2, all.length - 100}) {
      Path p = dir.resolve("truncated_" + keep + ".h5");
      Files.write(p, Arrays.copyOf(all, keep));
      KerasFormatException e = assertThrows(KerasFormatException.class,
          () -> KerasImport.load(p), "kept " + keep + " bytes");
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }
  }

  @Test
  void aTruncatedArchiveIsRefusedNamingIt() throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.path("seq_k3.keras"));
    Path p = dir.resolve("truncated.keras");
    Files.write(p, Arrays.copyOf(all, all.length - 300));
    IOException e = assertThrows(IOException.class, () -> KerasImport.load(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
  }

  @Test
  void aFileOfAnotherFormatIsRefusedByContentNotName() throws IOException {
    Path p = dir.resolve("model.h5");
    Files.writeString(p, "not a model at all");
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasImport.load(p));
    assertTrue(e.getMessage().contains("HDF5") && e.getMessage().contains(p.toString()),
        e.getMessage());
  }

  @Test
  void anArchiveWithoutConfigIsRefusedListingItsEntries() throws IOException {
    Path p = dir.resolve("weights.keras");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      z.putNextEntry(new ZipEntry("metadata.json"));
      z.write("{\"keras_version\": \"3.1.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      z.closeEntry();
    }
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasImport.load(p));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains(
        "metadata.json"), e.getMessage());
  }

  @Test
  void anHdf5FileWithoutModelConfigIsRefused() throws IOException {
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasImport.load(Fixtures.path("seq_k2_weights.h5")));
    assertTrue(e.getMessage().contains("weights-only"), e.getMessage());
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    assertThrows(NoSuchFileException.class, () -> KerasImport.load(dir.resolve("none.h5")));
  }
}

package io.github.convlstm4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.io.Npz;
import io.github.convlstm4j.api.io.NpzContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export then import gives the same spec and bit-identical weights, in both formats. */
class KerasExportTest {

  @TempDir
  Path dir;

  /** Random weights with edge values (-0, the smallest subnormal, the largest float). */
  static ModelWeights randomWeights(ModelSpec spec, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      int n = e.getValue().stream().reduce(1, (x, y) -> x * y);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (r.nextDouble() * 2 - 1);
      }
      v[0] = -0.0f;
      if (n > 2) {
        v[1] = Float.MIN_VALUE;
        v[2] = Float.MAX_VALUE;
      }
      b.put(e.getKey(), Tensor.of(e.getValue(), v));
    }
    return b.build();
  }

  @Test
  void theSeedModelRoundTripsThroughHdf5BitForBit() throws IOException {
    ModelSpec seed = MovingSquares.kerasModel();
    ModelWeights w = randomWeights(seed, 1);
    Path p = dir.resolve("seed.h5");
    KerasExport.writeH5(seed, w, p);
    KerasModelFile f = KerasModelFile.read(p);
    assertEquals(KerasFormat.HDF5_MODEL, f.format());
    assertEquals(KerasExport.KERAS2_VERSION, f.kerasVersion());
    assertEquals("tensorflow", f.backend());
    ImportedModel m = KerasImport.translate(f);
    assertEquals(seed, m.spec());
    assertEquals(w, m.weights());
    assertEquals(407_001, m.weights().parameterCount());
    assertEquals(List.of(), m.notes());
  }

  @Test
  void theSeedModelRoundTripsThroughAKerasArchiveBitForBit() throws IOException {
    ModelSpec seed = MovingSquares.kerasModel();
    ModelWeights w = randomWeights(seed, 2);
    Path p = dir.resolve("seed.keras");
    KerasExport.writeKeras(seed, w, p);
    KerasModelFile f = KerasModelFile.read(p);
    assertEquals(KerasFormat.KERAS_ZIP, f.format());
    // Keras 2's hard sigmoid: written as tf.keras 2.13 wrote archives, so it reads back exact.
    assertEquals(KerasExport.TF_KERAS_V3_VERSION, f.kerasVersion());
    ImportedModel m = KerasImport.translate(f);
    assertEquals(seed, m.spec());
    assertEquals(w, m.weights());
  }

  @Test
  void aSigmoidModelIsWrittenAsAKeras3ArchiveInSavingLibsLayout() throws IOException {
    ModelSpec spec = ModelSpec.builder(3)
        .addLayer(new ConvLstmLayerSpec(4, 2, 3, Padding.VALID, Activation.RELU,
            Activation.SIGMOID, true, true, true))
        .addLayer(new BatchNormSpec(0.9, 0.002))
        .addLayer(new ConvLstmLayerSpec(2, 1, 1, Padding.SAME, Activation.LINEAR,
            Activation.SIGMOID, false, false, true))
        .addLayer(new Conv3dHeadSpec(2, 1, 3, 3, Activation.TANH, TimePadding.SAME))
        .build();
    ModelWeights w = randomWeights(spec, 3);
    Path p = dir.resolve("model.keras");
    KerasExport.writeKeras(spec, w, p);
    NpzContents zip = Npz.read(p);
    assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"),
        List.copyOf(zip.otherEntryNames()));
    JsonNode meta = KerasExport.parse(zip.otherEntry("metadata.json"));
    assertEquals(KerasExport.KERAS3_VERSION, meta.path("keras_version").asText());
    JsonNode config = KerasExport.parse(zip.otherEntry("config.json"));
    assertEquals("Sequential", config.path("class_name").asText());
    assertEquals("InputLayer", config.path("config").path("layers").get(0).path("class_name")
        .asText());
    String h5 = new String(zip.otherEntry("model.weights.h5"), StandardCharsets.ISO_8859_1);
    assertTrue(h5.startsWith("\u0089HDF"), "model.weights.h5 is HDF5");
    ImportedModel m = KerasImport.load(p);
    assertEquals(spec, m.spec());
    assertEquals(w, m.weights());
    Path h = dir.resolve("model.h5");
    KerasExport.writeH5(spec, w, h);
    ImportedModel fromH5 = KerasImport.load(h);
    assertEquals(spec, fromH5.spec());
    assertEquals(w, fromH5.weights());
  }

  @Test
  void exportedWeightsLoadAsAWeightsOnlyFile() throws IOException {
    ModelSpec seed = MovingSquares.kerasModel();
    ModelWeights w = randomWeights(seed, 4);
    Path p = dir.resolve("seed.h5");
    KerasExport.writeH5(seed, w, p);
    // A full model file has layer_names under model_weights, not on the root: refused as
    // weights-only, the import reads it whole.
    assertThrows(KerasFormatException.class, () -> KerasImport.loadWeights(p, seed));
    assertEquals(w, KerasImport.load(p).weights());
  }

  @Test
  void aCausalHeadHasNoKerasEquivalentAndNothingIsWritten() throws IOException {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
    Path p = dir.resolve("causal.keras");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KerasExport.writeKeras(spec, randomWeights(spec, 5), p));
    assertTrue(e.getMessage().contains("CAUSAL"), e.getMessage());
    assertFalse(Files.exists(p));
    assertThrows(IllegalArgumentException.class,
        () -> KerasExport.writeH5(spec, randomWeights(spec, 5), dir.resolve("causal.h5")));
  }

  @Test
  void anEncoderForecasterHasNoKerasFormAndNothingIsWritten() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
        .encoderForecaster(2, Activation.SIGMOID).build();
    Path p = dir.resolve("ef.keras");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KerasExport.writeKeras(spec, randomWeights(spec, 7), p));
    assertTrue(e.getMessage().contains("encoder-forecaster"), e.getMessage());
    assertFalse(Files.exists(p));
  }

  @Test
  void weightsThatDoNotFitTheSpecAreRefusedAndAnExistingFileStays() throws IOException {
    ModelSpec seed = MovingSquares.kerasModel();
    Path p = dir.resolve("seed.h5");
    Files.writeString(p, "old");
    ModelSpec other = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3)).build();
    assertThrows(IllegalArgumentException.class,
        () -> KerasExport.writeH5(seed, randomWeights(other, 6), p));
    assertEquals("old", Files.readString(p));
  }
}

package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.keras.KerasExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convlstm4j import}, and forecast/evaluate reading Keras files directly. */
class ImportCommandTest {

  @TempDir
  Path dir;

  private static final ModelSpec SPEC = ModelSpec.builder(1)
      .addLayer(ConvLstmLayerSpec.of(4))
      .addLayer(BatchNormSpec.keras())
      .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
      .build();

  private Path kerasFile(String name) throws IOException {
    ModelWeights w = KerasInitializers.initialWeights(SPEC.withSeed(7));
    Path p = dir.resolve(name);
    if (name.endsWith(".keras")) {
      KerasExport.writeKeras(SPEC, w, p);
    } else {
      KerasExport.writeH5(SPEC, w, p);
    }
    return p;
  }

  @Test
  void importPrintsAKerasStyleSummaryAndWritesACheckpoint() throws IOException {
    Path model = kerasFile("model.keras");
    Path out = dir.resolve("model.npz");
    Cli r = Cli.run("import", model.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    // 4 filters, 3x3, 1 input channel: 3*3*1*16 + 3*3*4*16 + 16 = 736; BN 4*4 = 16;
    // head 3*3*3*4*1 + 1 = 109; total 861 (hand count).
    assertTrue(r.out().contains("conv_lstm2d_0 (conv_lstm2d)"), r.out());
    assertTrue(r.out().contains("736"), r.out());
    assertTrue(r.out().contains("Total params: 861"), r.out());
    assertTrue(r.out().contains("(None, None, None, None, 1)"), r.out());
    Checkpoint c = Checkpoints.read(out);
    assertEquals(SPEC, c.spec());
    assertEquals(KerasInitializers.initialWeights(SPEC.withSeed(7)), c.weights());
  }

  @Test
  void forecastAndEvaluateReadAKerasFileDirectly() throws IOException {
    Path model = kerasFile("model.h5");
    Path frames = dir.resolve("frames.npy");
    float[] v = new float[4 * 6 * 6];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 7) / 7f;
    }
    Npy.write(Tensor.of(new int[] {4, 6, 6, 1}, v), frames);
    Path outDir = dir.resolve("fc");
    Cli r = Cli.run("forecast", "--checkpoint", model.toString(), "--input", frames.toString(),
        "--horizon", "2", "--out", outDir.toString(), "--backend", "reference");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.isDirectory(outDir));
  }

  @Test
  void aMissingOrRefusedModelFailsWithOneLine() throws IOException {
    Cli missing = Cli.run("import", dir.resolve("none.h5").toString(), "--out",
        dir.resolve("x.npz").toString());
    assertEquals(1, missing.exitCode());
    assertEquals(1, missing.errLines(), missing.err());
    assertTrue(missing.err().contains("not found"), missing.err());
    Path junk = dir.resolve("junk.h5");
    Files.writeString(junk, "not a model");
    Cli bad = Cli.run("import", junk.toString(), "--out", dir.resolve("y.npz").toString());
    assertEquals(1, bad.exitCode());
    assertEquals(1, bad.errLines(), bad.err());
    assertTrue(bad.err().contains("junk.h5"), bad.err());
    assertFalse(Files.exists(dir.resolve("y.npz")));
  }
}

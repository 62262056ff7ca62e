package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/** Shared test fixtures: a loopback-only local session, a small model, made-up movies. */
final class SparkTests {
  private SparkTests() {}

  /** A local session bound to 127.0.0.1, no UI, few shuffle partitions. */
  static SparkSession session(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("convlstm4j-spark-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate();
  }

  /** The small test model: ConvLSTM2D(4 filters, 3×3) and a causal Conv3D(1, 3×3×3) head. */
  static ModelSpec smallSpec(long seed) {
    return ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(4))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(seed)
        .build();
  }

  /** Saves the small model's seeded initial weights as a checkpoint. */
  static Path checkpoint(Path dir, long seed) throws IOException {
    Path file = dir.resolve("model-" + seed + ".npz");
    try (Forecaster f = Forecasters.create("reference", smallSpec(seed))) {
      f.save(file);
    }
    return file;
  }

  /** A movie of uniform values in [0, 1), one channel, from a seed. */
  static FrameSequence movie(long seed, int frames, int size) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[frames * size * size];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextDouble();
    }
    return FrameSequence.of(frames, size, size, 1, d);
  }
}

package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.BackendOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forecasts per second on {@code local[2]} against one JVM with a 2-thread forecaster, on the
 * same movies, the same batches and the same model (the samples' CPU demo model on the seed's
 * 40×40 frames). Measures and reports; asserts nothing about time. Run with
 * {@code flock /tmp/mvn.lock mvn -B -o -q -pl spark -am test -Pslow
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SparkSpeedTest}; the table is in the log
 * and in {@code spark/target/spark-speed.txt}.
 */
@Tag("slow")
class SparkSpeedTest {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSpeedTest.class);
  private static final int MOVIES = 48;
  private static final int FRAMES = 7;
  private static final int HORIZON = 8;
  private static final int SIZE = 40;
  private static final int BATCH = 8;
  private static final int REPEATS = 3;

  @TempDir
  Path dir;

  /** The samples' DemoModels.cpu(): 2 × [ConvLSTM2D(16) + BN], causal Conv3D(1) head. */
  private static ModelSpec demoCpu() {
    ModelSpec.Builder b = ModelSpec.builder(1);
    for (int i = 0; i < 2; i++) {
      b.addLayer(ConvLstmLayerSpec.of(16)).addLayer(BatchNormSpec.keras());
    }
    return b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
  }

  /** Best of {@link #REPEATS} runs after one warm-up, in forecasts per second. */
  private static double rate(Runnable run) {
    run.run();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < REPEATS; i++) {
      long t0 = System.nanoTime();
      run.run();
      best = Math.min(best, System.nanoTime() - t0);
    }
    return MOVIES / (best / 1e9);
  }

  @Test
  void localTwoAgainstOneJvmWithTwoThreads() throws Exception {
    Path checkpoint = dir.resolve("demo-cpu.npz");
    try (Forecaster f = Forecasters.create("reference", demoCpu())) {
      f.save(checkpoint);
    }
    List<FrameSequence> movies = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < MOVIES; i++) {
      FrameSequence m = SparkTests.movie(i, FRAMES, SIZE);
      movies.add(m);
      rows.add(RowFactory.create(i, FrameCodec.toNpy(m)));
    }

    // One JVM: one forecaster with 2 threads, the same batches of BATCH sessions.
    Checkpoint c = Checkpoints.read(checkpoint);
    double single;
    try (Forecaster f = Forecasters.create("reference", c.spec(),
        new BackendOptions(2, "auto"))) {
      f.restore(c);
      single = rate(() -> {
        for (int from = 0; from < MOVIES; from += BATCH) {
          List<FrameSequence> batch = movies.subList(from, Math.min(MOVIES, from + BATCH));
          try (ForecastSession s = f.openSession(batch.size())) {
            s.pushAll(batch);
            assertEquals(batch.size(), s.forecast(HORIZON).size());
          }
        }
      });
    }

    SparkSession spark = SparkTests.session("local[2]");
    StringBuilder table = new StringBuilder(String.format(
        "%d movies of %dx%dx%d, horizon %d, batch %d, reference backend%n", MOVIES, FRAMES,
        SIZE, SIZE, HORIZON, BATCH));
    table.append(String.format("one JVM, 1 forecaster x 2 threads : %8.2f forecasts/s%n",
        single));
    try {
      StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
          .add("sequence", DataTypes.BinaryType, false);
      Dataset<Row> all = spark.createDataFrame(rows, schema);
      int[][] runs = {{2, 2}, {4, 2}, {2, 1}};
      for (int[] run : runs) {
        int partitions = run[0];
        int threads = run[1];
        Dataset<Row> in = all.repartition(partitions).cache();
        assertEquals(MOVIES, in.count());
        ForecastTransformer t = new ForecastTransformer()
            .setCheckpointPath(checkpoint.toString()).setBackend("reference")
            .setHorizon(HORIZON).setBatchSize(BATCH).setThreads(threads);
        double spark2 = rate(() -> t.transform(in).write().format("noop").mode("overwrite")
            .save());
        table.append(String.format("local[2], %d partitions, threads=%d : %8.2f forecasts/s "
            + "(%.0f %% of one JVM)%n", partitions, threads, spark2, 100 * spark2 / single));
        in.unpersist();
      }
    } finally {
      spark.stop();
    }
    LOG.info("Spark speed\n{}", table);
    java.nio.file.Files.writeString(Path.of("target", "spark-speed.txt"), table.toString());
  }
}

package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.NpyFrames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ForecastArchive job on local[2]: a folder of .npy movies to scored Parquet rows. */
class ForecastArchiveTest {
  private static final int CONTEXT = 4;
  private static final int HORIZON = 3;
  private static final int SIZE = 8;

  @TempDir
  static Path dir;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session("local[2]");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Mean of (a - b)² over all values, written here independently of api.metrics. */
  private static double mse(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s / a.length;
  }

  @Test
  @DisplayName("forecasts, scores against the movie's next frames and persistence, and writes "
      + "one Parquet row per file; a broken file gets its reason")
  void archive() throws Exception {
    Path checkpoint = SparkTests.checkpoint(dir, 11);
    Path input = Files.createDirectories(dir.resolve("movies"));
    Map<String, FrameSequence> movies = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      FrameSequence m = SparkTests.movie(200 + i, 10, SIZE);
      Path p = input.resolve("movie-" + i + ".npy");
      NpyFrames.write(m, p);
      movies.put(p.getFileName().toString(), m);
    }
    NpyFrames.write(SparkTests.movie(300, 5, SIZE), input.resolve("short.npy"));
    Files.write(input.resolve("broken.npy"), "not npy".getBytes(StandardCharsets.US_ASCII));
    Files.write(input.resolve("notes.txt"), "ignored".getBytes(StandardCharsets.US_ASCII));
    Path output = dir.resolve("scores.parquet");

    ForecastArchive.Summary s = ForecastArchive.run(spark, ForecastArchive.Options.parse(
        "--input", input.toString(), "--checkpoint", checkpoint.toString(),
        "--output", output.toString(), "--context", "4", "--horizon", "3",
        "--backend", "reference", "--threads", "1", "--batch-size", "2", "--partitions", "2"));

    assertEquals(7, s.files());
    assertEquals(6, s.forecast());
    assertEquals(1, s.failed());
    assertEquals(5, s.scored());
    List<Row> rows = spark.read().parquet(output.toString()).collectAsList();
    assertEquals(7, rows.size());
    double mseSum = 0;
    double persistenceSum = 0;
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      for (Row r : rows) {
        String name = Path.of(java.net.URI.create(r.getAs("path"))).getFileName().toString();
        if (name.equals("broken.npy")) {
          assertNull(r.getAs("forecast"));
          assertTrue(((String) r.getAs("error")).contains("unreadable .npy"),
              (String) r.getAs("error"));
          assertNull(r.getAs("mse"));
          continue;
        }
        assertNull(r.getAs("error"), name);
        assertNotNull(r.getAs("forecast"), name);
        if (name.equals("short.npy")) {
          assertEquals(5, (Integer) r.getAs("frames"));
          assertNull(r.getAs("mse"), "5 frames hold no truth for 4 + 3");
          continue;
        }
        FrameSequence movie = movies.get(name);
        assertEquals(10, (Integer) r.getAs("frames"));
        FrameSequence pred = FrameCodec.fromNpy(r.getAs("forecast"), name);
        // Oracle for the forecast: one forecaster in this JVM.
        FrameSequence want = f.forecast(movie.slice(0, CONTEXT), HORIZON);
        assertTrue(want.maxAbsDifference(pred) <= 1e-5, name);
        float[] truth = movie.slice(CONTEXT, CONTEXT + HORIZON).toArray();
        double mse = mse(pred.toArray(), truth);
        assertEquals(mse, (Double) r.getAs("mse"), 1e-12 * mse, name);
        // Persistence by hand: frame CONTEXT-1, clipped to [0, 1] (the values already are).
        float[] last = movie.frame(CONTEXT - 1).toArray();
        float[] persistence = new float[truth.length];
        for (int t = 0; t < HORIZON; t++) {
          System.arraycopy(last, 0, persistence, t * last.length, last.length);
        }
        double pmse = mse(persistence, truth);
        assertEquals(pmse, (Double) r.getAs("persistence_mse"), 1e-12 * pmse, name);
        double ssim = r.getAs("ssim");
        assertTrue(ssim >= -1 && ssim <= 1, name + ": ssim " + ssim);
        mseSum += mse;
        persistenceSum += pmse;
      }
    }
    assertEquals(mseSum / 5, s.meanMse(), 1e-12 * mseSum);
    assertEquals(persistenceSum / 5, s.meanPersistenceMse(), 1e-12 * persistenceSum);
  }

  @Test
  @DisplayName("a missing checkpoint stops the job before it runs, naming the path")
  void missingCheckpoint() throws Exception {
    Path input = Files.createDirectories(dir.resolve("few"));
    NpyFrames.write(SparkTests.movie(1, 6, SIZE), input.resolve("a.npy"));
    String missing = dir.resolve("absent.npz").toString();
    Path output = dir.resolve("never.parquet");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForecastArchive.run(spark, ForecastArchive.Options.parse("--input",
            input.toString(), "--checkpoint", missing, "--output", output.toString())));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    assertTrue(Files.notExists(output), "nothing written");
  }

  @Test
  @DisplayName("arguments: missing, unknown and out-of-range options are named")
  void arguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForecastArchive.Options.parse("--input", "a"));
    assertTrue(e.getMessage().contains("--input, --checkpoint and --output are required"));
    e = assertThrows(IllegalArgumentException.class,
        () -> ForecastArchive.Options.parse("--colour", "red"));
    assertTrue(e.getMessage().contains("unknown option --colour"));
    e = assertThrows(IllegalArgumentException.class, () -> ForecastArchive.Options.parse(
        "--input", "a", "--checkpoint", "b", "--output", "c", "--horizon", "0"));
    assertEquals("--horizon must be at least 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ForecastArchive.Options.parse("--context", "x"));
    assertEquals("--context must be an integer, got 'x'", e.getMessage());
  }
}

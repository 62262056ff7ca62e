package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.metrics.ContingencyTable;
import io.github.convlstm4j.api.metrics.FssScore;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import io.github.convlstm4j.api.metrics.ScoreConfig;
import io.github.convlstm4j.api.metrics.ScoreTable;
import io.github.convlstm4j.api.metrics.StepScores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed scoring on local[2] with 4 partitions against one comparison fed every pair in
 * this JVM: equal to 1e-9 relative (the merge is exact, so in practice bit for bit).
 */
class DistributedScoresTest {
  private static final int PAIRS = 30;
  private static final int CONTEXT = 4;
  private static final int HORIZON = 3;
  private static final int SIZE = 8;
  private static final ScoreConfig CONFIG = ScoreConfig.of(HORIZON).withThresholds(0.3, 0.6)
      .withFss(new ScoreConfig.FssScale(0.5, 3));

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

  private static void assertRelative(double want, double got, String what) {
    if (Double.isNaN(want) || Double.isInfinite(want)) {
      assertEquals(want, got, what);
      return;
    }
    assertEquals(want, got, 1e-9 * Math.abs(want), what);
  }

  private static void assertTables(ScoreTable want, ScoreTable got, String who) {
    for (int s = 1; s <= HORIZON; s++) {
      StepScores w = want.step(s);
      StepScores g = got.step(s);
      String at = who + " step " + s + " ";
      assertEquals(w.frames(), g.frames(), at + "frames");
      assertRelative(w.mse(), g.mse(), at + "mse");
      assertRelative(w.mae(), g.mae(), at + "mae");
      assertRelative(w.mseFrameSum(), g.mseFrameSum(), at + "mseFrameSum");
      assertRelative(w.maeFrameSum(), g.maeFrameSum(), at + "maeFrameSum");
      assertRelative(w.psnr(), g.psnr(), at + "psnr");
      assertRelative(w.ssim(), g.ssim(), at + "ssim");
      assertEquals(w.categorical(), g.categorical(), at + "contingency tables (counts)");
      for (int k = 0; k < w.fss().size(); k++) {
        FssScore a = w.fss().get(k);
        FssScore b = g.fss().get(k);
        assertRelative(a.fss(), b.fss(), at + "fss " + k);
      }
    }
  }

  @Test
  @DisplayName("per-step scores over 4 partitions equal one machine's, next to persistence; "
      + "bad pairs are skipped with their reason")
  void scoresEqualOneMachine() throws Exception {
    Path checkpoint = SparkTests.checkpoint(dir, 5);
    List<Row> rows = new ArrayList<>();
    List<FrameSequence[]> good = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      FrameSequence movie = SparkTests.movie(500 + i, CONTEXT + HORIZON, SIZE);
      FrameSequence context = movie.slice(0, CONTEXT);
      FrameSequence truth = movie.slice(CONTEXT, CONTEXT + HORIZON);
      good.add(new FrameSequence[] {context, truth});
      rows.add(RowFactory.create(i, FrameCodec.toNpy(context), FrameCodec.toNpy(truth)));
    }
    byte[] garbage = "garbage".getBytes(StandardCharsets.US_ASCII);
    rows.add(RowFactory.create(100, garbage, FrameCodec.toNpy(good.get(0)[1])));
    rows.add(RowFactory.create(101, FrameCodec.toNpy(good.get(0)[0]), garbage));
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("context", DataTypes.BinaryType, false).add("truth", DataTypes.BinaryType, false);
    Dataset<Row> pairs = spark.createDataFrame(rows, schema).repartition(4);
    ForecastTransformer model = new ForecastTransformer()
        .setCheckpointPath(checkpoint.toString()).setBackend("reference").setBatchSize(4)
        .setThreads(1);

    DistributedScores.Result r = DistributedScores.score(pairs, model, "context", "truth",
        CONFIG, true);

    assertEquals(PAIRS, r.scored());
    assertEquals(2, r.skipped());
    assertEquals(2, r.reasons().size());
    assertTrue(r.reasons().stream().allMatch(s -> s.contains("unreadable .npy")),
        r.reasons().toString());
    assertEquals("sequence", model.getOrDefault(model.inputCol()), "the model is not changed");

    // One machine, the same forecasts: the transformer's, collected and fed in id order.
    Dataset<Row> forecasts = model.copy(org.apache.spark.ml.param.ParamMap.empty())
        .setInputCol("context").setHorizon(HORIZON).transform(pairs).filter("id < 100")
        .orderBy("id");
    PersistenceComparison one = PersistenceComparison.clipped(CONFIG);
    for (Row row : forecasts.collectAsList()) {
      FrameSequence[] p = good.get(row.getInt(0));
      one.add(p[0], p[1], FrameCodec.fromNpy(row.getAs("forecast"), "forecast"));
    }
    PersistenceComparison.Result want = one.result();
    assertTables(want.model(), r.scores().model(), "model");
    assertTables(want.persistence(), r.scores().persistence(), "persistence");

    // And end to end: forecasts of a forecaster in this JVM, one pair at a time (these differ
    // from the batched ones only by float rounding, so the scores agree to 1e-5 relative).
    PersistenceComparison local = PersistenceComparison.clipped(CONFIG);
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      for (FrameSequence[] p : good) {
        local.add(p[0], p[1], f.forecast(p[0], HORIZON));
      }
    }
    ScoreTable lm = local.result().model();
    for (int s = 1; s <= HORIZON; s++) {
      double w = lm.step(s).mse();
      assertEquals(w, r.scores().model().step(s).mse(), 1e-5 * w, "step " + s);
      ContingencyTable c = lm.step(s).contingency(0.3);
      assertEquals(c.total(), r.scores().model().step(s).contingency(0.3).total());
    }
    // Persistence at step 1 on uniform noise: E[(u - v)²] = 1/6 for independent uniforms.
    double p1 = r.scores().persistence().step(1).mse();
    assertTrue(Math.abs(p1 - 1.0 / 6) < 0.03, "persistence step-1 MSE " + p1);
  }
}

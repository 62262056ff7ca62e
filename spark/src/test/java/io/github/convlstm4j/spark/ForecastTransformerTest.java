package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
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
 * ForecastTransformer on local[2]: forecasts equal to a single forecaster's, bad rows in the
 * error column, one forecaster per JVM, failing fast, Pipeline and save/load.
 */
class ForecastTransformerTest {
  private static final int CONTEXT = 5;
  private static final int HORIZON = 3;
  private static final int SIZE = 8;
  // Batched sessions and a single forecast differ only by float rounding.
  private static final double TOLERANCE = 1e-5;

  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path checkpoint;
  private static Map<Integer, FrameSequence> expected;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTests.session("local[2]");
    checkpoint = SparkTests.checkpoint(dir, 7);
    // Oracle: the same checkpoint on one forecaster in this JVM, one sequence at a time.
    expected = new HashMap<>();
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      for (int id = 0; id < 6; id++) {
        expected.put(id, f.forecast(SparkTests.movie(id, 10, SIZE).slice(0, CONTEXT), HORIZON));
      }
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static ForecastTransformer transformer() {
    return new ForecastTransformer().setCheckpointPath(checkpoint.toString())
        .setBackend("reference").setContextFrames(CONTEXT).setHorizon(HORIZON).setBatchSize(2)
        .setThreads(1);
  }

  private static byte[] npy(FrameSequence s) {
    return FrameCodec.toNpy(s);
  }

  private static Dataset<Row> binaryRows() {
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < 6; id++) {
      rows.add(RowFactory.create(id, npy(SparkTests.movie(id, 10, SIZE))));
    }
    float[] nan = SparkTests.movie(13, 10, SIZE).toArray();
    nan[17] = Float.NaN;
    rows.add(RowFactory.create(10, null));
    rows.add(RowFactory.create(11, "not an npy file".getBytes(StandardCharsets.US_ASCII)));
    rows.add(RowFactory.create(12, Npy.toBytes(Tensor.of(new int[] {SIZE, SIZE},
        new float[SIZE * SIZE]))));
    rows.add(RowFactory.create(13, Npy.toBytes(Tensor.of(new int[] {10, SIZE, SIZE, 1},
        nan))));
    rows.add(RowFactory.create(14, npy(SparkTests.movie(14, 3, SIZE))));
    rows.add(RowFactory.create(15, npy(FrameSequence.of(10, SIZE, SIZE, 2,
        new float[10 * SIZE * SIZE * 2]))));
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("sequence", DataTypes.BinaryType, true);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  private static void assertForecast(FrameSequence want, FrameSequence got, int id) {
    assertEquals(want.shapeString(), got.shapeString(), "shape of row " + id);
    double diff = want.maxAbsDifference(got);
    assertTrue(diff <= TOLERANCE, "row " + id + ": max difference " + diff);
  }

  @Test
  @DisplayName("npy bytes in, npy bytes out: good rows equal a single forecaster's rollout, bad "
      + "rows get a null forecast and the reason")
  void binaryInput() throws Exception {
    List<Row> out = transformer().transform(binaryRows()).collectAsList();
    assertEquals(12, out.size());
    Map<Integer, Row> byId = new HashMap<>();
    out.forEach(r -> byId.put(r.getInt(0), r));
    assertEquals(12, byId.size(), "no row twice");
    for (int id = 0; id < 6; id++) {
      Row r = byId.get(id);
      assertNull(r.getAs("forecast_error"), "row " + id);
      FrameSequence got = FrameCodec.fromNpy(r.getAs("forecast"), "row " + id);
      assertForecast(expected.get(id), got, id);
    }
    Map<Integer, String> reasons = Map.of(
        10, "expected .npy bytes, got null",
        11, "unreadable .npy",
        12, "expected an array of shape (T, H, W, C) or (T, H, W), got shape",
        13, "values must be finite, got NaN",
        14, "expected a sequence of at least 5 frames",
        15, "the model refuses this sequence");
    reasons.forEach((id, reason) -> {
      Row r = byId.get(id);
      assertNull(r.getAs("forecast"), "forecast of bad row " + id);
      String error = r.getAs("forecast_error");
      assertNotNull(error, "error of bad row " + id);
      assertTrue(error.contains(reason), "row " + id + ": expected '" + reason + "' in '"
          + error + "'");
    });
  }

  @Test
  @DisplayName("array<float> with a shape column in, array<float> with a shape out")
  void arrayInput() {
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < 6; id++) {
      rows.add(RowFactory.create(id, boxed(SparkTests.movie(id, 10, SIZE).toArray()),
          Arrays.asList(10, SIZE, SIZE, 1)));
    }
    float[] nan = SparkTests.movie(20, 10, SIZE).toArray();
    nan[3] = Float.POSITIVE_INFINITY;
    rows.add(RowFactory.create(20, boxed(nan), Arrays.asList(10, SIZE, SIZE)));
    rows.add(RowFactory.create(21, boxed(new float[7]), Arrays.asList(10, SIZE, SIZE, 1)));
    rows.add(RowFactory.create(22, boxed(new float[SIZE * SIZE]), Arrays.asList(SIZE, SIZE)));
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("values", DataTypes.createArrayType(DataTypes.FloatType, true), true)
        .add("dims", DataTypes.createArrayType(DataTypes.IntegerType, true), true);
    Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(2);
    Dataset<Row> out = transformer().setInputCol("values").setShapeCol("dims")
        .setOutputCol("pred").setOutputShapeCol("pred_dims").setErrorCol("why").transform(in);
    assertEquals("array<float>", out.schema().apply("pred").dataType().simpleString());
    Map<Integer, Row> byId = new HashMap<>();
    out.collectAsList().forEach(r -> byId.put(r.getInt(0), r));
    assertEquals(9, byId.size());
    for (int id = 0; id < 6; id++) {
      Row r = byId.get(id);
      assertNull(r.getAs("why"));
      assertEquals(List.of(HORIZON, SIZE, SIZE, 1), r.getList(r.fieldIndex("pred_dims")));
      List<Float> v = r.getList(r.fieldIndex("pred"));
      float[] d = new float[v.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = v.get(i);
      }
      assertForecast(expected.get(id), FrameSequence.of(HORIZON, SIZE, SIZE, 1, d), id);
    }
    assertTrue(((String) byId.get(20).getAs("why")).contains("value 3 is Infinity"));
    assertTrue(((String) byId.get(21).getAs("why")).contains("needs 640 values, got 7"));
    assertTrue(((String) byId.get(22).getAs("why")).contains("expected a shape [T, H, W, C]"));
    for (int id = 20; id <= 22; id++) {
      assertNull(byId.get(id).getAs("pred"));
      assertNull(byId.get(id).getAs("pred_dims"));
    }
  }

  private static List<Float> boxed(float[] d) {
    List<Float> l = new ArrayList<>(d.length);
    for (float v : d) {
      l.add(v);
    }
    return l;
  }

  @Test
  @DisplayName("one forecaster per JVM: four partitions and two jobs create it once")
  void oneForecasterPerJvm() throws Exception {
    Path other = SparkTests.checkpoint(dir, 99);
    long before = ForecasterCache.created();
    ForecastTransformer t = transformer().setCheckpointPath(other.toString());
    Dataset<Row> in = binaryRows().repartition(4);
    assertEquals(12, t.transform(in).count());
    assertEquals(12, t.transform(in).filter("forecast_error IS NULL").count() + 6);
    assertEquals(1, ForecasterCache.created() - before);
    // What the shutdown hook runs: every cached forecaster closed and forgotten, so the next
    // job in this JVM creates a new one.
    ForecasterCache.closeAll();
    assertEquals(0, ForecasterCache.size());
    assertEquals(12, t.transform(in).count());
    assertEquals(2, ForecasterCache.created() - before);
  }

  @Test
  @DisplayName("a missing checkpoint fails in transform and transformSchema, before any job, "
      + "naming the path")
  void missingCheckpoint() {
    String missing = dir.resolve("no-such-model.npz").toString();
    ForecastTransformer t = transformer().setCheckpointPath(missing);
    Dataset<Row> in = binaryRows();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.transform(in));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.transformSchema(in.schema()));
    assertTrue(e.getMessage().contains("no such file: " + missing), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new ForecastTransformer().transformSchema(in.schema()));
    assertTrue(e.getMessage().contains("checkpointPath must be set"), e.getMessage());
  }

  @Test
  @DisplayName("a wrong input column or type is refused naming the column and type")
  void badColumns() {
    Dataset<Row> in = binaryRows();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> transformer().setInputCol("nope").transform(in));
    assertTrue(e.getMessage().contains("inputCol 'nope' is not a column; columns are [id, "
        + "sequence]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> transformer().setInputCol("id").transform(in));
    assertTrue(e.getMessage().contains("must be binary (.npy bytes) or array<float>, got int"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> transformer().setOutputCol("id").transform(in));
    assertTrue(e.getMessage().contains("output column 'id' must be new"), e.getMessage());
  }

  @Test
  @DisplayName("works in a Pipeline that is saved and loaded, with its params intact")
  void pipelineRoundTrip() throws Exception {
    ForecastTransformer t = transformer().setOutputCol("next").setErrorCol("bad");
    SQLTransformer keep = new SQLTransformer().setStatement(
        "SELECT id, sequence FROM __THIS__ WHERE id < 12");
    Pipeline p = new Pipeline().setStages(new PipelineStage[] {keep, t});
    Dataset<Row> in = binaryRows();
    PipelineModel model = p.fit(in);
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    ForecastTransformer back = (ForecastTransformer) loaded.stages()[1];
    assertEquals(t.uid(), back.uid());
    assertEquals(checkpoint.toString(), back.getOrDefault(back.checkpointPath()));
    assertEquals("reference", back.getOrDefault(back.backend()));
    assertEquals(CONTEXT, back.getOrDefault(back.contextFrames()));
    assertEquals(HORIZON, back.getOrDefault(back.horizon()));
    assertEquals(2, back.getOrDefault(back.batchSize()));
    assertEquals("next", back.getOrDefault(back.outputCol()));
    List<Row> out = loaded.transform(in).collectAsList();
    assertEquals(8, out.size(), "the SQL stage keeps ids 0-5, 10 and 11");
    for (Row r : out) {
      int id = r.getInt(0);
      if (id < 6) {
        assertForecast(expected.get(id), FrameCodec.fromNpy(r.getAs("next"), "row " + id), id);
      } else {
        assertNotNull(r.getAs("bad"));
      }
    }
    String single = dir.resolve("single").toString();
    t.write().save(single);
    ForecastTransformer alone = ForecastTransformer.load(single);
    assertEquals(t.extractParamMap().toString(), alone.extractParamMap().toString());
  }

  @Test
  @DisplayName("executors that read the shared path give the same forecasts as a broadcast")
  void sharedPath() throws Exception {
    List<Row> out = transformer().setBroadcastCheckpoint(false).transform(binaryRows())
        .filter("forecast_error IS NULL").collectAsList();
    assertEquals(6, out.size());
    for (Row r : out) {
      int id = r.getInt(0);
      FrameSequence got = FrameCodec.fromNpy(r.getAs("forecast"), "row " + id);
      assertArrayEquals(new int[] {HORIZON, SIZE, SIZE, 1},
          new int[] {got.frames(), got.height(), got.width(), got.channels()});
      assertForecast(expected.get(id), got, id);
    }
  }
}

package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.Checkpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * A task that dies half-way through its partition on its first attempt is retried
 * ({@code local[2,3]}: two threads, up to three attempts per task); the result has every row
 * exactly once, with the forecasts a single forecaster gives.
 */
class TaskRetryTest {
  private static final int ROWS = 24;
  private static final int CONTEXT = 4;
  private static final int HORIZON = 2;
  private static final int SIZE = 8;
  /** Failures injected (local mode: the tasks run in this JVM, so a static counter sees them). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  @TempDir
  static Path dir;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session("local[2,3]");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Passes rows through, but partition 1 throws after 3 rows on its first attempt. */
  static final class FailOnce implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      TaskContext tc = TaskContext.get();
      boolean fail = tc.partitionId() == 1 && tc.attemptNumber() == 0;
      return new Iterator<>() {
        private int seen;

        @Override
        public boolean hasNext() {
          return input.hasNext();
        }

        @Override
        public Row next() {
          if (fail && seen == 3) {
            FAILURES.incrementAndGet();
            throw new IllegalStateException("injected failure: partition 1, attempt 0, row 3");
          }
          seen++;
          return input.next();
        }
      };
    }
  }

  @Test
  @DisplayName("a task that fails mid-partition and is retried leaves no duplicate and no "
      + "missing row")
  void retriedTask() throws Exception {
    Path checkpoint = SparkTests.checkpoint(dir, 3);
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < ROWS; id++) {
      rows.add(RowFactory.create(id, FrameCodec.toNpy(SparkTests.movie(100 + id, 6, SIZE))));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("sequence", DataTypes.BinaryType, false);
    Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(4);
    ForecastTransformer t = new ForecastTransformer().setCheckpointPath(checkpoint.toString())
        .setBackend("reference").setContextFrames(CONTEXT).setHorizon(HORIZON).setBatchSize(2)
        .setThreads(1);
    Dataset<Row> out = t.transform(in);
    FAILURES.set(0);
    List<Row> got = out.mapPartitions(new FailOnce(), Encoders.row(out.schema()))
        .collectAsList();
    assertEquals(1, FAILURES.get(), "the injected failure happened once");
    assertEquals(ROWS, got.size(), "rows after the retry");
    TreeMap<Integer, Row> byId = new TreeMap<>();
    for (Row r : got) {
      assertNull(byId.put(r.getInt(0), r), "row " + r.getInt(0) + " twice");
    }
    assertEquals(0, byId.firstKey());
    assertEquals(ROWS - 1, byId.lastKey());
    // Oracle: the same checkpoint on one forecaster here, one sequence at a time.
    try (Forecaster f = Checkpoints.load("reference", checkpoint)) {
      for (int id = 0; id < ROWS; id++) {
        Row r = byId.get(id);
        assertNull(r.getAs("forecast_error"));
        FrameSequence want = f.forecast(SparkTests.movie(100 + id, 6, SIZE).slice(0, CONTEXT),
            HORIZON);
        FrameSequence have = FrameCodec.fromNpy(r.getAs("forecast"), "row " + id);
        double diff = want.maxAbsDifference(have);
        // Batched sessions and a single forecast differ only by float rounding.
        assertTrue(diff <= 1e-5, "row " + id + ": max difference " + diff);
      }
    }
  }
}

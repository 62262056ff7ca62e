package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.metrics.Baselines;
import io.github.convlstm4j.api.metrics.Metrics;
import io.github.convlstm4j.spark.FrameCodec.BadRowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code spark-submit}-able job: forecasts every {@code .npy} movie of a folder with a
 * checkpoint, scores each forecast against the movie's own next frames and against
 * persistence, and writes one Parquet row per file.
 *
 * <p>Each file holds one movie, shape {@code (T, H, W, C)} or {@code (T, H, W)}. The forecast
 * starts from its first {@code --context} frames and runs {@code --horizon} steps; if the movie
 * has at least {@code context + horizon} frames, frames {@code context … context+horizon-1}
 * are the truth, and the row gets per-pixel MSE and MAE, SSIM, and the persistence MSE and MAE
 * (the last context frame, clipped to [0, 1], repeated: {@link Baselines#persistence}).
 *
 * <p>Output columns: {@code path}, {@code frames} (of the movie), {@code forecast} (float32
 * {@code .npy} bytes, null if none), {@code error} (why not, else null), {@code mse},
 * {@code mae}, {@code ssim}, {@code persistence_mse}, {@code persistence_mae} (null without
 * truth or forecast). The output folder must not exist yet.
 *
 * <pre>
 * spark-submit --class io.github.convlstm4j.spark.ForecastArchive \
 *   --jars convlstm4j-api.jar,convlstm4j-backend-reference.jar,slf4j-api.jar \
 *   convlstm4j-spark.jar --input /data/movies --checkpoint /models/demo.npz \
 *   --output /results/demo.parquet --context 7 --horizon 8 --backend reference
 * </pre>
 */
public final class ForecastArchive {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastArchive.class);

  private ForecastArchive() {}

  /**
   * What to run.
   *
   * @param input folder of {@code .npy} files (read recursively)
   * @param checkpoint the checkpoint file, as the driver sees it
   * @param output the Parquet folder to create
   * @param backend backend name, empty for the selection rules
   * @param contextFrames frames to forecast from, at least 1
   * @param horizon frames to forecast, at least 1
   * @param batchSize rows per batch, at least 1
   * @param threads threads per executor forecaster, 0 for all processors
   * @param partitions partitions to spread the files over, 0 for Spark's default parallelism
   */
  public record Options(String input, String checkpoint, String output, String backend,
      int contextFrames, int horizon, int batchSize, int threads, int partitions) {
    /**
     * Validates the options.
     *
     * @param input see the record description
     * @param checkpoint see the record description
     * @param output see the record description
     * @param backend see the record description
     * @param contextFrames see the record description
     * @param horizon see the record description
     * @param batchSize see the record description
     * @param threads see the record description
     * @param partitions see the record description
     * @throws IllegalArgumentException naming the option and the value if it is out of range
     */
    public Options {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(checkpoint, "checkpoint");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(backend, "backend");
      atLeast("--context", contextFrames, 1);
      atLeast("--horizon", horizon, 1);
      atLeast("--batch-size", batchSize, 1);
      atLeast("--threads", threads, 0);
      atLeast("--partitions", partitions, 0);
    }

    /**
     * Parses command-line arguments: {@code --input DIR --checkpoint FILE --output DIR} and
     * optionally {@code --context N} (default 7), {@code --horizon N} (8), {@code --backend
     * NAME} (selection rules), {@code --batch-size N} (16), {@code --threads N} (0),
     * {@code --partitions N} (0).
     *
     * @param args the arguments
     * @return the options
     * @throws IllegalArgumentException naming an unknown, incomplete or missing option
     */
    public static Options parse(String... args) {
      String in = null;
      String ckpt = null;
      String out = null;
      String be = "";
      int ctx = 7;
      int h = 8;
      int batch = 16;
      int th = 0;
      int parts = 0;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value, got none");
        }
        String v = args[++i];
        switch (a) {
          case "--input" -> in = v;
          case "--checkpoint" -> ckpt = v;
          case "--output" -> out = v;
          case "--backend" -> be = v;
          case "--context" -> ctx = integer(a, v);
          case "--horizon" -> h = integer(a, v);
          case "--batch-size" -> batch = integer(a, v);
          case "--threads" -> th = integer(a, v);
          case "--partitions" -> parts = integer(a, v);
          default -> throw new IllegalArgumentException("unknown option " + a + "; expected "
              + "--input, --checkpoint, --output, --context, --horizon, --backend, "
              + "--batch-size, --threads or --partitions");
        }
      }
      if (in == null || ckpt == null || out == null) {
        throw new IllegalArgumentException("--input, --checkpoint and --output are required; "
            + "got --input " + in + ", --checkpoint " + ckpt + ", --output " + out);
      }
      return new Options(in, ckpt, out, be, ctx, h, batch, th, parts);
    }

    private static int integer(String option, String v) {
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be an integer, got '" + v + "'", e);
      }
    }

    private static void atLeast(String option, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(option + " must be at least " + min + ", got " + v);
      }
    }
  }

  /**
   * What a run did, read back from the written Parquet.
   *
   * @param files rows written (one per {@code .npy} file)
   * @param forecast rows with a forecast
   * @param failed rows with an error
   * @param scored rows with scores (a forecast and enough frames for the truth)
   * @param meanMse mean of the per-file MSE over scored rows (NaN if none)
   * @param meanPersistenceMse mean of the per-file persistence MSE over scored rows
   */
  public record Summary(long files, long forecast, long failed, long scored, double meanMse,
      double meanPersistenceMse) {}

  /**
   * Runs the job on {@code spark-submit}'s session and prints one summary line.
   *
   * @param args see {@link Options#parse}
   */
  public static void main(String[] args) {
    Options o = Options.parse(args);
    SparkSession spark = SparkSession.builder().appName("convlstm4j ForecastArchive")
        .getOrCreate();
    try {
      Summary s = run(spark, o);
      // A command-line entry point: the summary is its output.
      System.out.printf("%d files, %d forecast, %d failed, %d scored: mean MSE %.6g "
          + "(persistence %.6g); written to %s%n", s.files(), s.forecast(), s.failed(),
          s.scored(), s.meanMse(), s.meanPersistenceMse(), o.output());
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs the job on a session.
   *
   * @param spark the session
   * @param o the options
   * @return counts and mean scores of what was written
   * @throws IllegalArgumentException before any job if the checkpoint is missing (naming it)
   */
  public static Summary run(SparkSession spark, Options o) {
    Dataset<Row> files = spark.read().format("binaryFile")
        .option("pathGlobFilter", "*.npy").option("recursiveFileLookup", "true")
        .load(o.input()).select("path", "content");
    int parts = o.partitions() > 0 ? o.partitions()
        : spark.sparkContext().defaultParallelism();
    files = files.repartition(parts);
    ForecastTransformer t = new ForecastTransformer().setCheckpointPath(o.checkpoint())
        .setBackend(o.backend()).setInputCol("content").setContextFrames(o.contextFrames())
        .setHorizon(o.horizon()).setBatchSize(o.batchSize()).setThreads(o.threads())
        .setOutputCol("forecast").setErrorCol("error");
    Dataset<Row> forecast = t.transform(files);
    StructType schema = new StructType()
        .add("path", DataTypes.StringType, false)
        .add("frames", DataTypes.IntegerType, true)
        .add("forecast", DataTypes.BinaryType, true)
        .add("error", DataTypes.StringType, true)
        .add("mse", DataTypes.DoubleType, true)
        .add("mae", DataTypes.DoubleType, true)
        .add("ssim", DataTypes.DoubleType, true)
        .add("persistence_mse", DataTypes.DoubleType, true)
        .add("persistence_mae", DataTypes.DoubleType, true);
    Dataset<Row> scored = forecast.map(new Score(o.contextFrames(), o.horizon(), schema),
        Encoders.row(schema));
    scored.write().parquet(o.output());
    Dataset<Row> written = spark.read().parquet(o.output());
    Row agg = written.agg(functions.count(functions.lit(1)),
        functions.count(functions.col("forecast")), functions.count(functions.col("error")),
        functions.count(functions.col("mse")), functions.avg("mse"),
        functions.avg("persistence_mse")).first();
    Summary s = new Summary(agg.getLong(0), agg.getLong(1), agg.getLong(2), agg.getLong(3),
        agg.isNullAt(4) ? Double.NaN : agg.getDouble(4),
        agg.isNullAt(5) ? Double.NaN : agg.getDouble(5));
    LOG.info("ForecastArchive {} -> {}: {}", o.input(), o.output(), s);
    return s;
  }

  /** One output row from a transformed row: path, content, forecast, error. */
  static final class Score implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int context;
    private final int horizon;
    private final StructType schema;

    Score(int context, int horizon, StructType schema) {
      this.context = context;
      this.horizon = horizon;
      this.schema = schema;
    }

    @Override
    public Row call(Row r) {
      String path = r.getAs("path");
      byte[] forecastBytes = r.getAs("forecast");
      String error = r.getAs("error");
      Integer frames = null;
      Double[] scores = new Double[5];
      try {
        FrameSequence movie = FrameCodec.fromNpy(r.getAs("content"), path);
        frames = movie.frames();
        if (forecastBytes != null && movie.frames() >= context + horizon) {
          FrameSequence pred = FrameCodec.fromNpy(forecastBytes, path + " (forecast)");
          FrameSequence truth = movie.slice(context, context + horizon);
          FrameSequence persistence = Baselines.persistence(movie.slice(0, context), horizon);
          if (pred.frameShape().equals(truth.frameShape())) {
            scores[0] = Metrics.mse(pred, truth);
            scores[1] = Metrics.mae(pred, truth);
            scores[2] = ssimOrNull(pred, truth);
          }
          scores[3] = Metrics.mse(persistence, truth);
          scores[4] = Metrics.mae(persistence, truth);
        }
      } catch (BadRowException e) {
        // The transformer already put the reason in the error column.
      }
      List<Object> values = new ArrayList<>(List.of(path));
      values.add(frames);
      values.add(forecastBytes);
      values.add(error);
      for (Double d : scores) {
        values.add(d);
      }
      return new GenericRowWithSchema(values.toArray(), schema);
    }

    private static Double ssimOrNull(FrameSequence pred, FrameSequence truth) {
      try {
        return Metrics.ssim(pred, truth);
      } catch (IllegalArgumentException e) {
        // Frames smaller than the SSIM window have no SSIM.
        return null;
      }
    }
  }
}

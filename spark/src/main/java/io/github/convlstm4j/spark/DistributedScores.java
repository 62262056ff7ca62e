package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import io.github.convlstm4j.api.metrics.ScoreAccumulator;
import io.github.convlstm4j.api.metrics.ScoreConfig;
import io.github.convlstm4j.spark.FrameCodec.BadRowException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Forecast scores over a DataFrame of (context, truth) pairs, computed where the data is:
 * each partition fills a {@link PersistenceComparison} (the model's {@link ScoreAccumulator}
 * and persistence's), and the partial results are merged with {@code treeAggregate}. Merging is
 * exact, so the result equals, bit for bit, one comparison fed every pair on one machine.
 *
 * <p>Context, truth and forecast cells are {@code .npy} bytes ({@code binary}), as
 * {@link ForecastTransformer} reads and writes them. A pair whose forecast is missing (the
 * transformer's error column says why) or whose truth is unreadable, or has a frame shape
 * other than the forecast's, is skipped and counted; the first reasons are kept.
 *
 * <pre>{@code
 * ForecastTransformer model = new ForecastTransformer().setCheckpointPath("/models/radar.npz");
 * DistributedScores.Result r = DistributedScores.score(pairs, model, "context", "truth",
 *     ScoreConfig.of(8).withThresholds(0.5), true);
 * double step1Mse = r.scores().model().step(1).mse();
 * double persistence1Mse = r.scores().persistence().step(1).mse();
 * }</pre>
 */
public final class DistributedScores {
  /** How many skip reasons a result keeps. */
  public static final int MAX_REASONS = 10;

  private DistributedScores() {}

  /**
   * What a scoring run gives.
   *
   * @param scores the model's and persistence's per-step scores over the scored pairs
   * @param scored pairs scored
   * @param skipped pairs skipped (no forecast, unreadable or mis-shaped truth)
   * @param reasons the reasons of the first skipped pairs, at most {@link #MAX_REASONS}
   */
  public record Result(PersistenceComparison.Result scores, long scored, long skipped,
      List<String> reasons) {
    /**
     * Copies the reasons.
     *
     * @param scores see the record description
     * @param scored see the record description
     * @param skipped see the record description
     * @param reasons see the record description
     */
    public Result {
      Objects.requireNonNull(scores, "scores");
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Forecasts every pair's context with a transformer (its params, with {@code inputCol} set
   * to {@code contextCol}, all context frames, and {@code horizon} = {@code config.horizon()})
   * and scores the forecasts against the truth, next to persistence.
   *
   * @param pairs a DataFrame with binary {@code contextCol} and {@code truthCol}
   * @param model the transformer to forecast with (not changed; a copy is used)
   * @param contextCol the context column
   * @param truthCol the truth column: the frames after the context, 1 … horizon of them
   * @param config what to compute
   * @param clipPersistence true for persistence clipped to [0, 1]
   *     ({@link PersistenceComparison#clipped}), false for as is
   * @return scores and counts
   * @throws IllegalArgumentException before any job, as {@link ForecastTransformer#transform}
   *     does, or if a column is missing or not binary
   */
  public static Result score(Dataset<Row> pairs, ForecastTransformer model, String contextCol,
      String truthCol, ScoreConfig config, boolean clipPersistence) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    requireBinary(pairs.schema(), truthCol, "truthCol");
    String fc = fresh(pairs.schema(), "__convlstm4j_forecast");
    String err = fresh(pairs.schema(), "__convlstm4j_forecast_error");
    ForecastTransformer t = model.copy(ParamMap.empty()).setInputCol(contextCol)
        .setContextFrames(0).setHorizon(config.horizon()).setOutputCol(fc).setErrorCol(err);
    return scoreForecasts(t.transform(pairs), contextCol, truthCol, fc, err, config,
        clipPersistence);
  }

  /**
   * Scores forecasts already in the DataFrame (for example written by a
   * {@link ForecastTransformer} run earlier), next to persistence from the context.
   *
   * @param rows a DataFrame with binary context, truth and forecast columns
   * @param contextCol the context column (for persistence)
   * @param truthCol the truth column
   * @param forecastCol the forecast column; a null forecast skips the row
   * @param errorCol a string column giving why a forecast is missing, or null for none
   * @param config what to compute; forecasts longer than the truth are cut to its length
   * @param clipPersistence true for persistence clipped to [0, 1]
   * @return scores and counts
   * @throws IllegalArgumentException naming a missing or non-binary column
   */
  public static Result scoreForecasts(Dataset<Row> rows, String contextCol, String truthCol,
      String forecastCol, String errorCol, ScoreConfig config, boolean clipPersistence) {
    Objects.requireNonNull(config, "config");
    StructType schema = rows.schema();
    requireBinary(schema, contextCol, "contextCol");
    requireBinary(schema, truthCol, "truthCol");
    requireBinary(schema, forecastCol, "forecastCol");
    Dataset<Row> picked = errorCol == null
        ? rows.selectExpr("`" + contextCol + "`", "`" + truthCol + "`", "`" + forecastCol + "`",
            "CAST(NULL AS STRING)")
        : rows.selectExpr("`" + contextCol + "`", "`" + truthCol + "`", "`" + forecastCol + "`",
            "`" + errorCol + "`");
    JavaRDD<Row> rdd = picked.javaRDD();
    Partial zero = new Partial(clipPersistence ? PersistenceComparison.clipped(config)
        : PersistenceComparison.asIs(config));
    Partial total = rdd.treeAggregate(zero, Partial::add, Partial::merge);
    return new Result(total.comparison.result(), total.scored, total.skipped, total.reasons);
  }

  private static void requireBinary(StructType schema, String col, String param) {
    Objects.requireNonNull(col, param);
    if (!List.of(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException(param + " '" + col + "' is not a column; columns are "
          + List.of(schema.fieldNames()));
    }
    if (!schema.apply(col).dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(param + " '" + col + "' must be binary (.npy bytes), "
          + "got " + schema.apply(col).dataType().simpleString());
    }
  }

  private static String fresh(StructType schema, String base) {
    List<String> names = List.of(schema.fieldNames());
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  /** One partition's totals: serializable, merged at the driver. */
  static final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PersistenceComparison comparison;
    private long scored;
    private long skipped;
    private final ArrayList<String> reasons = new ArrayList<>();

    Partial(PersistenceComparison comparison) {
      this.comparison = comparison;
    }

    /** Row: context, truth, forecast, error. */
    Partial add(Row r) {
      String error = r.isNullAt(3) ? null : r.getString(3);
      if (r.isNullAt(2)) {
        skip(error != null ? error : "no forecast");
        return this;
      }
      try {
        FrameSequence context = FrameCodec.fromNpy((byte[]) r.get(0), "context");
        FrameSequence truth = FrameCodec.fromNpy((byte[]) r.get(1), "truth");
        FrameSequence forecast = FrameCodec.fromNpy((byte[]) r.get(2), "forecast");
        if (forecast.frames() > truth.frames()) {
          forecast = forecast.slice(0, truth.frames());
        }
        comparison.add(context, truth, forecast);
        scored++;
      } catch (BadRowException | IllegalArgumentException e) {
        skip(e.getMessage());
      }
      return this;
    }

    private void skip(String reason) {
      skipped++;
      if (reasons.size() < MAX_REASONS) {
        reasons.add(reason);
      }
    }

    Partial merge(Partial other) {
      comparison.merge(other.comparison);
      scored += other.scored;
      skipped += other.skipped;
      for (String s : other.reasons) {
        if (reasons.size() < MAX_REASONS) {
          reasons.add(s);
        }
      }
      return this;
    }
  }
}

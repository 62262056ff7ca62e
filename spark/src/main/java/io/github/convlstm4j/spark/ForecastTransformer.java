package io.github.convlstm4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark ML {@link Transformer} that adds a ConvLSTM forecast column to a DataFrame of frame
 * sequences, with any convlstm4j backend.
 *
 * <p><b>Input.</b> {@link #inputCol()} holds either
 *
 * <ul>
 *   <li>{@code binary}: the bytes of a {@code .npy} of shape {@code (T, H, W, C)} or
 *       {@code (T, H, W)} (float or int; uint8 is divided by 255, as
 *       {@link io.github.convlstm4j.api.io.NpyFrames} reads it); the forecast is then a
 *       {@code binary} float32 {@code .npy} of shape {@code (horizon, H', W', C')}; or
 *   <li>{@code array<float>} (or {@code array<double>}) values in C order, with their shape
 *       {@code [T, H, W, C]} or {@code [T, H, W]} in {@link #shapeCol()} ({@code array<int>}
 *       or {@code array<bigint>}); the forecast is then an {@code array<float>} with its shape
 *       in {@link #outputShapeCol()}.
 * </ul>
 *
 * <p>The forecast of a row is {@link io.github.convlstm4j.api.Forecaster#forecast} of its
 * first {@link #contextFrames()} frames (all frames when 0) over {@link #horizon()} steps.
 *
 * <p><b>Bad rows.</b> A row whose cell is null, unreadable, of the wrong shape or rank, holds a
 * NaN or infinity, has fewer frames than {@code contextFrames}, or is refused by the model gets
 * a null forecast and the reason in {@link #errorCol()}; every other row gets a null error. The
 * job goes on. The output has exactly the input's rows, in the same order within a partition.
 *
 * <p><b>Forecasters.</b> Each executor JVM creates one forecaster per (checkpoint, backend,
 * threads) on first use and reuses it for every task, partition and job; tasks in one
 * executor take turns on it one batch of {@link #batchSize()} rows at a time (so give it the
 * executor's cores with {@link #threads()}); it is closed when the JVM stops. The checkpoint
 * is read by the driver and broadcast ({@link #broadcastCheckpoint()} true, the default), or
 * read by each executor from {@link #checkpointPath()} on a file system every node mounts.
 *
 * <p><b>Failing fast.</b> {@link #transformSchema} and {@link #transform} check on the driver,
 * before any job runs, that the checkpoint file exists (naming the path), that the input
 * column exists with a supported type, and that the output columns are new.
 *
 * <p>Persistence: {@link #write()} / {@link #read()} ({@code MLWritable} /
 * {@code MLReadable}) save and load the params; it works inside a
 * {@link org.apache.spark.ml.Pipeline}.
 *
 * <pre>{@code
 * ForecastTransformer t = new ForecastTransformer()
 *     .setCheckpointPath("/shared/models/radar.npz").setBackend("reference")
 *     .setInputCol("content").setContextFrames(7).setHorizon(8).setBatchSize(16);
 * Dataset<Row> out = t.transform(spark.read().format("binaryFile").load("/data/radar"));
 * }</pre>
 */
public final class ForecastTransformer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ForecastTransformer.class);

  private final String uid;
  private final Param<String> checkpointPath;
  private final Param<String> backend;
  private final BooleanParam broadcastCheckpoint;
  private final IntParam contextFrames;
  private final IntParam horizon;
  private final IntParam batchSize;
  private final IntParam threads;
  private final Param<String> inputCol;
  private final Param<String> shapeCol;
  private final Param<String> outputCol;
  private final Param<String> outputShapeCol;
  private final Param<String> errorCol;

  /** A transformer with a random uid and the default params. */
  public ForecastTransformer() {
    this(Identifiable.randomUID("convlstm4jForecast"));
  }

  /**
   * A transformer with the given uid and the default params (used by {@link #read()}).
   *
   * @param uid the uid
   */
  public ForecastTransformer(String uid) {
    this.uid = uid;
    checkpointPath = new Param<>(this, "checkpointPath",
        "convlstm4j checkpoint (.npz) written by Forecaster.save; a path the driver sees");
    backend = new Param<>(this, "backend",
        "backend name (reference, djl-pytorch, ...), empty for convlstm4j's selection rules");
    broadcastCheckpoint = new BooleanParam(this, "broadcastCheckpoint",
        "true: the driver reads the checkpoint and broadcasts it; false: each executor reads "
            + "checkpointPath itself (a shared file system)");
    contextFrames = new IntParam(this, "contextFrames",
        "frames of each sequence to forecast from (the first ones), 0 for all (>= 0)",
        ParamValidators.gtEq(0));
    horizon = new IntParam(this, "horizon", "frames to forecast (>= 1)",
        ParamValidators.gtEq(1));
    batchSize = new IntParam(this, "batchSize",
        "rows forecast together as one batch, per partition (>= 1)", ParamValidators.gtEq(1));
    threads = new IntParam(this, "threads",
        "compute threads of each executor's forecaster, 0 for all processors (>= 0)",
        ParamValidators.gtEq(0));
    inputCol = new Param<>(this, "inputCol",
        "input column: binary .npy bytes, or array<float> with shapeCol");
    shapeCol = new Param<>(this, "shapeCol",
        "shape [T, H, W, C] or [T, H, W] of an array input (array<int>)");
    outputCol = new Param<>(this, "outputCol", "forecast column, in the input's form");
    outputShapeCol = new Param<>(this, "outputShapeCol",
        "shape [horizon, H, W, C] of an array forecast (only for array input)");
    errorCol = new Param<>(this, "errorCol",
        "why a row has no forecast; null for rows that have one");
    setDefault(backend, "");
    setDefault(broadcastCheckpoint, true);
    setDefault(contextFrames, 0);
    setDefault(horizon, 1);
    setDefault(batchSize, 16);
    setDefault(threads, 0);
    setDefault(inputCol, "sequence");
    setDefault(shapeCol, "shape");
    setDefault(outputCol, "forecast");
    setDefault(outputShapeCol, "forecast_shape");
    setDefault(errorCol, "forecast_error");
  }

  /**
   * The reader for {@link #load(String)} and for {@link org.apache.spark.ml.PipelineModel}
   * loading ({@code MLReadable}).
   *
   * @return a reader of saved transformers
   */
  public static MLReader<ForecastTransformer> read() {
    return new DefaultParamsReader<>();
  }

  /**
   * Loads a transformer saved with {@code write().save(path)}.
   *
   * @param path the folder it was saved to
   * @return the transformer, params as saved
   */
  public static ForecastTransformer load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ----- params (Spark finds them through these public no-argument methods) -----

  /**
   * The checkpoint ({@code .npz}) written by {@code Forecaster.save}; no default.
   *
   * @return the param
   */
  public Param<String> checkpointPath() {
    return checkpointPath;
  }

  /**
   * The backend name; empty (the default) for the selection rules of
   * {@link io.github.convlstm4j.api.Forecasters}.
   *
   * @return the param
   */
  public Param<String> backend() {
    return backend;
  }

  /**
   * Whether the driver broadcasts the checkpoint's bytes (default true) or executors read the
   * path themselves.
   *
   * @return the param
   */
  public BooleanParam broadcastCheckpoint() {
    return broadcastCheckpoint;
  }

  /**
   * Frames forecast from, the first ones of each sequence; 0 (the default) for all.
   *
   * @return the param
   */
  public IntParam contextFrames() {
    return contextFrames;
  }

  /**
   * Frames to forecast, default 1.
   *
   * @return the param
   */
  public IntParam horizon() {
    return horizon;
  }

  /**
   * Rows forecast as one batch, default 16.
   *
   * @return the param
   */
  public IntParam batchSize() {
    return batchSize;
  }

  /**
   * Compute threads of each executor's forecaster, 0 (the default) for all processors.
   *
   * @return the param
   */
  public IntParam threads() {
    return threads;
  }

  /**
   * The input column, default {@code sequence}.
   *
   * @return the param
   */
  public Param<String> inputCol() {
    return inputCol;
  }

  /**
   * The shape column of an array input, default {@code shape}.
   *
   * @return the param
   */
  public Param<String> shapeCol() {
    return shapeCol;
  }

  /**
   * The forecast column, default {@code forecast}.
   *
   * @return the param
   */
  public Param<String> outputCol() {
    return outputCol;
  }

  /**
   * The forecast's shape column for an array input, default {@code forecast_shape}.
   *
   * @return the param
   */
  public Param<String> outputShapeCol() {
    return outputShapeCol;
  }

  /**
   * The error column, default {@code forecast_error}.
   *
   * @return the param
   */
  public Param<String> errorCol() {
    return errorCol;
  }

  // ----- setters -----

  /**
   * Sets {@link #checkpointPath()}.
   *
   * @param v the path
   * @return this
   */
  public ForecastTransformer setCheckpointPath(String v) {
    set(checkpointPath, v);
    return this;
  }

  /**
   * Sets {@link #backend()}.
   *
   * @param v the backend name, empty for the selection rules
   * @return this
   */
  public ForecastTransformer setBackend(String v) {
    set(backend, v);
    return this;
  }

  /**
   * Sets {@link #broadcastCheckpoint()}.
   *
   * @param v true to broadcast
   * @return this
   */
  public ForecastTransformer setBroadcastCheckpoint(boolean v) {
    set(broadcastCheckpoint, v);
    return this;
  }

  /**
   * Sets {@link #contextFrames()}.
   *
   * @param v at least 0
   * @return this
   */
  public ForecastTransformer setContextFrames(int v) {
    set(contextFrames, v);
    return this;
  }

  /**
   * Sets {@link #horizon()}.
   *
   * @param v at least 1
   * @return this
   */
  public ForecastTransformer setHorizon(int v) {
    set(horizon, v);
    return this;
  }

  /**
   * Sets {@link #batchSize()}.
   *
   * @param v at least 1
   * @return this
   */
  public ForecastTransformer setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  /**
   * Sets {@link #threads()}.
   *
   * @param v at least 0
   * @return this
   */
  public ForecastTransformer setThreads(int v) {
    set(threads, v);
    return this;
  }

  /**
   * Sets {@link #inputCol()}.
   *
   * @param v the column
   * @return this
   */
  public ForecastTransformer setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  /**
   * Sets {@link #shapeCol()}.
   *
   * @param v the column
   * @return this
   */
  public ForecastTransformer setShapeCol(String v) {
    set(shapeCol, v);
    return this;
  }

  /**
   * Sets {@link #outputCol()}.
   *
   * @param v the column
   * @return this
   */
  public ForecastTransformer setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  /**
   * Sets {@link #outputShapeCol()}.
   *
   * @param v the column
   * @return this
   */
  public ForecastTransformer setOutputShapeCol(String v) {
    set(outputShapeCol, v);
    return this;
  }

  /**
   * Sets {@link #errorCol()}.
   *
   * @param v the column
   * @return this
   */
  public ForecastTransformer setErrorCol(String v) {
    set(errorCol, v);
    return this;
  }

  // ----- transformer -----

  /**
   * The input schema plus the forecast column (binary, or {@code array<float>} and its
   * {@code array<int>} shape column) and the error column (string). Checks, on the driver,
   * that the checkpoint file exists.
   *
   * @param schema the input schema
   * @return the output schema
   * @throws IllegalArgumentException naming the column and its type if the input column is
   *     missing or of an unsupported type, an array input has no int array shape column, or an
   *     output column exists already; naming the path if the checkpoint is unset or missing
   */
  @Override
  public StructType transformSchema(StructType schema) {
    checkpointFile();
    boolean binary = inputIsBinary(schema);
    StructType out = schema;
    String[] added = binary
        ? new String[] {getOrDefault(outputCol), getOrDefault(errorCol)}
        : new String[] {getOrDefault(outputCol), getOrDefault(outputShapeCol),
            getOrDefault(errorCol)};
    for (String c : added) {
      if (Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException("output column '" + c + "' must be new, but the "
            + "input already has it (columns " + Arrays.toString(schema.fieldNames()) + ")");
      }
    }
    if (binary) {
      out = out.add(getOrDefault(outputCol), DataTypes.BinaryType, true);
    } else {
      out = out.add(getOrDefault(outputCol), DataTypes.createArrayType(DataTypes.FloatType,
          false), true);
      out = out.add(getOrDefault(outputShapeCol), DataTypes.createArrayType(
          DataTypes.IntegerType, false), true);
    }
    return out.add(getOrDefault(errorCol), DataTypes.StringType, true);
  }

  /**
   * Adds the forecast and error columns (see the class description). Fails fast, before any
   * job, as {@link #transformSchema} does.
   *
   * @param dataset the input
   * @return the input's rows with the forecast columns added
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    Dataset<Row> df = dataset.toDF();
    StructType in = df.schema();
    boolean binary = inputIsBinary(in);
    Path file = checkpointFile();
    String backendName = getOrDefault(backend);
    int nThreads = (Integer) getOrDefault(threads);
    Broadcast<byte[]> bytes = null;
    String identity;
    try {
      if ((Boolean) getOrDefault(broadcastCheckpoint)) {
        byte[] content = Files.readAllBytes(file);
        identity = "sha256:" + sha256(content);
        bytes = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext())
            .broadcast(content);
      } else {
        identity = "path:" + file.toAbsolutePath() + ":" + Files.size(file) + ":"
            + Files.getLastModifiedTime(file).toMillis();
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("checkpointPath: no such file: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpointPath " + file + ": " + e.getMessage(), e);
    }
    PartitionForecaster.Settings s = new PartitionForecaster.Settings(
        new ForecasterCache.Key(identity, backendName, nThreads), file.toString(), bytes,
        binary, in.fieldIndex(getOrDefault(inputCol)),
        binary ? -1 : in.fieldIndex(getOrDefault(shapeCol)), getOrDefault(inputCol),
        (Integer) getOrDefault(contextFrames), (Integer) getOrDefault(horizon),
        (Integer) getOrDefault(batchSize), outSchema);
    LOG.debug("forecast transform {}: checkpoint {} ({}), backend '{}', {} threads", uid,
        file, identity, backendName, nThreads);
    return df.mapPartitions(new PartitionForecaster(s), Encoders.row(outSchema));
  }

  @Override
  public ForecastTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String toString() {
    return "ForecastTransformer(uid=" + uid + ")";
  }

  private Path checkpointFile() {
    if (!isDefined(checkpointPath)) {
      throw new IllegalArgumentException("checkpointPath must be set to a convlstm4j "
          + "checkpoint (.npz), got no value");
    }
    String p = getOrDefault(checkpointPath);
    Path file = Path.of(p);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("checkpointPath: expected a checkpoint file, got "
          + (Files.exists(file) ? "a folder or special file" : "no such file") + ": " + p);
    }
    return file;
  }

  private boolean inputIsBinary(StructType schema) {
    String col = getOrDefault(inputCol);
    StructField f = field(schema, col, "inputCol");
    DataType t = f.dataType();
    if (t.equals(DataTypes.BinaryType)) {
      return true;
    }
    if (t instanceof ArrayType a && isFloating(a.elementType())) {
      String sc = getOrDefault(shapeCol);
      DataType st = field(schema, sc, "shapeCol").dataType();
      if (!(st instanceof ArrayType sa && isInteger(sa.elementType()))) {
        throw new IllegalArgumentException("shapeCol '" + sc + "' must be array<int> or "
            + "array<bigint>, got " + st.simpleString());
      }
      return false;
    }
    throw new IllegalArgumentException("inputCol '" + col + "' must be binary (.npy bytes) or "
        + "array<float>, got " + t.simpleString());
  }

  private static StructField field(StructType schema, String name, String param) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(param + " '" + name + "' is not a column; columns are "
        + Arrays.toString(schema.fieldNames()));
  }

  private static boolean isFloating(DataType t) {
    return t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType);
  }

  private static boolean isInteger(DataType t) {
    return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.ShortType);
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import io.github.convlstm4j.api.metrics.ScoreConfig;
import io.github.convlstm4j.api.metrics.ScoreTable;
import io.github.convlstm4j.spi.BackendOptions;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Trains many {@link ModelSpec} / {@link TrainingConfig} combinations in parallel, one Spark
 * task per trial, each on the same data read from a shared path, and returns a DataFrame of
 * settings, per-epoch losses and held-out scores; each trial's checkpoint is written to a
 * folder the user names.
 *
 * <p><b>Data.</b> An {@code .npz} every executor can read (a shared file system), holding
 * three float arrays of layout {@code (N, T, H, W, C)}: training inputs, training targets and
 * clean truth ({@code noisy}, {@code shifted} and {@code clean} by default, as
 * {@code convlstm4j generate} writes them). The first {@code N - heldOut} movies train (with
 * each trial's own {@code validationSplit}); the last {@code heldOut} are scored: the forecast
 * of the first {@code contextFrames} input frames over {@code horizon} steps against truth
 * frames {@code contextFrames …}, per-pixel MSE per step (as
 * {@link io.github.convlstm4j.api.metrics.Metrics#mse}), next to persistence (the last context
 * frame clipped to [0, 1]).
 *
 * <p><b>Faults.</b> A trial that fails (a spec that does not fit the data, a diverging loss) gets
 * its reason in {@code error} and nulls elsewhere; the other trials go on. A retried task
 * trains again from the same seeds and rewrites its checkpoint atomically
 * ({@link Forecaster#save}), so a retry changes nothing. Names must be unique and safe as file
 * names.
 *
 * <p>Columns: {@code name}, {@code spec} (the spec's properties, sorted {@code key=value}
 * lines), {@code parameters}, {@code epochs}, {@code batch_size}, {@code optimizer},
 * {@code learning_rate}, {@code loss_function}, {@code seed}, {@code loss} and
 * {@code val_loss} ({@code array<double>}, one per epoch; NaN without validation),
 * {@code heldout_mse} and {@code persistence_mse} ({@code array<double>}, one per step),
 * {@code heldout_mse_mean}, {@code persistence_mse_mean}, {@code checkpoint}, {@code error}.
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private Sweep() {}

  /**
   * One combination to train.
   *
   * @param name unique in the sweep, letters, digits, {@code . _ -}, at most 100 characters:
   *     the checkpoint is {@code <checkpointDir>/<name>.npz}
   * @param spec the model
   * @param config how to train it
   */
  public record Trial(String name, ModelSpec spec, TrainingConfig config) {
    /**
     * Validates the fields.
     *
     * @param name see the record description
     * @param spec see the record description
     * @param config see the record description
     * @throws IllegalArgumentException if the name is not a safe file name
     */
    public Trial {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(config, "config");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("trial name must be 1-100 letters, digits, '.', '_' "
            + "or '-' starting with a letter or digit, got '" + name + "'");
      }
    }
  }

  /**
   * Where the data is and how to use it.
   *
   * @param dataPath the {@code .npz}, as every executor sees it
   * @param inputArray the training inputs' array name
   * @param targetArray the training targets' array name
   * @param truthArray the clean truth's array name (for held-out scores)
   * @param heldOut last movies kept out of training and scored, at least 1
   * @param contextFrames frames a held-out forecast starts from, at least 1
   * @param horizon held-out forecast steps, at least 1; context + horizon at most T
   * @param checkpointDir folder for the checkpoints, as every executor sees it; created
   * @param backend backend name, empty for the selection rules
   * @param threads compute threads per trial (per task), 0 for all processors
   */
  public record Options(String dataPath, String inputArray, String targetArray,
      String truthArray, int heldOut, int contextFrames, int horizon, String checkpointDir,
      String backend, int threads) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Validates the fields.
     *
     * @param dataPath see the record description
     * @param inputArray see the record description
     * @param targetArray see the record description
     * @param truthArray see the record description
     * @param heldOut see the record description
     * @param contextFrames see the record description
     * @param horizon see the record description
     * @param checkpointDir see the record description
     * @param backend see the record description
     * @param threads see the record description
     * @throws IllegalArgumentException naming a field below its minimum
     */
    public Options {
      Objects.requireNonNull(dataPath, "dataPath");
      Objects.requireNonNull(inputArray, "inputArray");
      Objects.requireNonNull(targetArray, "targetArray");
      Objects.requireNonNull(truthArray, "truthArray");
      Objects.requireNonNull(checkpointDir, "checkpointDir");
      Objects.requireNonNull(backend, "backend");
      atLeast("heldOut", heldOut, 1);
      atLeast("contextFrames", contextFrames, 1);
      atLeast("horizon", horizon, 1);
      atLeast("threads", threads, 0);
    }

    /**
     * Options for a {@code convlstm4j generate} file: arrays {@code noisy}, {@code shifted},
     * {@code clean}; context 7, horizon 8; one thread per trial; the selection rules.
     *
     * @param dataPath the {@code .npz}
     * @param heldOut movies to score
     * @param checkpointDir folder for the checkpoints
     * @return the options
     */
    public static Options movingSquares(String dataPath, int heldOut, String checkpointDir) {
      return new Options(dataPath, "noisy", "shifted", "clean", heldOut, 7, 8, checkpointDir,
          "", 1);
    }

    /**
     * These options with another context and horizon.
     *
     * @param context frames to forecast from
     * @param h steps
     * @return new options
     */
    public Options withForecast(int context, int h) {
      return new Options(dataPath, inputArray, targetArray, truthArray, heldOut, context, h,
          checkpointDir, backend, threads);
    }

    /**
     * These options on a named backend with a thread count per trial.
     *
     * @param name the backend, empty for the selection rules
     * @param n threads per trial
     * @return new options
     */
    public Options withBackend(String name, int n) {
      return new Options(dataPath, inputArray, targetArray, truthArray, heldOut, contextFrames,
          horizon, checkpointDir, name, n);
    }

    private static void atLeast(String field, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(field + " must be at least " + min + ", got " + v);
      }
    }
  }

  /** The output schema. */
  static final StructType SCHEMA = new StructType()
      .add("name", DataTypes.StringType, false)
      .add("spec", DataTypes.StringType, false)
      .add("parameters", DataTypes.LongType, false)
      .add("epochs", DataTypes.IntegerType, false)
      .add("batch_size", DataTypes.IntegerType, false)
      .add("optimizer", DataTypes.StringType, false)
      .add("learning_rate", DataTypes.DoubleType, false)
      .add("loss_function", DataTypes.StringType, false)
      .add("seed", DataTypes.LongType, false)
      .add("loss", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("val_loss", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("heldout_mse", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("persistence_mse", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add("heldout_mse_mean", DataTypes.DoubleType, true)
      .add("persistence_mse_mean", DataTypes.DoubleType, true)
      .add("checkpoint", DataTypes.StringType, true)
      .add("error", DataTypes.StringType, true);

  /**
   * Runs every trial, one task each, and returns one row per trial in the given order.
   *
   * @param spark the session
   * @param trials at least one, names unique
   * @param options data, held-out scoring, checkpoints, backend
   * @return the results (computed once, by the time this returns)
   * @throws IllegalArgumentException before any job if the list is empty, a name repeats, or
   *     the data file is missing (naming it)
   */
  public static Dataset<Row> run(SparkSession spark, List<Trial> trials, Options options) {
    Objects.requireNonNull(trials, "trials");
    Objects.requireNonNull(options, "options");
    if (trials.isEmpty()) {
      throw new IllegalArgumentException("a sweep needs at least 1 trial, got 0");
    }
    Set<String> names = new HashSet<>();
    List<TrialTask> tasks = new ArrayList<>();
    for (Trial t : trials) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("trial names must be unique, got '" + t.name()
            + "' twice");
      }
      tasks.add(new TrialTask(t, options));
    }
    if (!Files.isRegularFile(Path.of(options.dataPath()))) {
      throw new IllegalArgumentException("dataPath: expected an .npz file, got no such file: "
          + options.dataPath());
    }
    JavaRDD<TrialTask> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(tasks, tasks.size());
    List<Row> rows = rdd.map(TrialTask::run).collect();
    LOG.info("sweep of {} trials on {} done", trials.size(), options.dataPath());
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** One trial in serializable form (the API's records are plain values, not Serializable). */
  static final class TrialTask implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final Properties spec;
    private final int epochs;
    private final int batchSize;
    private final double validationSplit;
    private final String loss;
    private final String optimizer;
    private final double[] optimizerValues;
    private final long seed;
    private final boolean shuffle;
    private final boolean recalibrate;
    private final Options options;

    TrialTask(Trial t, Options options) {
      this.name = t.name();
      this.spec = t.spec().toProperties();
      TrainingConfig c = t.config();
      this.epochs = c.epochs();
      this.batchSize = c.batchSize();
      this.validationSplit = c.validationSplit();
      this.loss = c.loss().name();
      OptimizerSpec o = c.optimizer();
      this.optimizer = o.type().name();
      this.optimizerValues = new double[] {o.learningRate(), o.rho(), o.beta1(), o.beta2(),
          o.epsilon(), o.momentum()};
      this.seed = c.seed();
      this.shuffle = c.shuffle();
      this.recalibrate = c.recalibrateBatchNorm();
      this.options = options;
    }

    ModelSpec spec() {
      return ModelSpec.fromProperties(spec);
    }

    TrainingConfig config() {
      double[] v = optimizerValues;
      return new TrainingConfig(epochs, batchSize, validationSplit, Loss.valueOf(loss),
          new OptimizerSpec(OptimizerType.valueOf(optimizer), v[0], v[1], v[2], v[3], v[4],
              v[5]), seed, shuffle, recalibrate);
    }

    /** Trains, saves, scores; a failure becomes the row's error. */
    Row run() {
      ModelSpec s = spec();
      TrainingConfig c = config();
      Object[] row = new Object[SCHEMA.size()];
      row[0] = name;
      row[1] = specText();
      row[2] = s.parameterCount();
      row[3] = c.epochs();
      row[4] = c.batchSize();
      row[5] = c.optimizer().type().name().toLowerCase(java.util.Locale.ROOT);
      row[6] = c.optimizer().learningRate();
      row[7] = c.loss().name().toLowerCase(java.util.Locale.ROOT);
      row[8] = c.seed();
      try {
        Data d = Data.read(options);
        String backend = options.backend().isEmpty() ? null : options.backend();
        try (Forecaster f = Forecasters.create(backend, s,
            new BackendOptions(options.threads(), "auto"))) {
          TrainingHistory h = f.fit(d.training, c, TrainingListener.NONE);
          List<Double> losses = new ArrayList<>();
          List<Double> val = new ArrayList<>();
          for (EpochEvent e : h.epochs()) {
            losses.add(e.loss());
            val.add(e.validationLoss());
          }
          Path dir = Files.createDirectories(Path.of(options.checkpointDir()));
          Path file = dir.resolve(name + ".npz");
          f.save(file);
          PersistenceComparison cmp = PersistenceComparison.clipped(
              ScoreConfig.of(options.horizon()).withSsim(false));
          for (int i = 0; i < d.heldOutInputs.size(); i++) {
            FrameSequence context = d.heldOutInputs.get(i).slice(0, options.contextFrames());
            FrameSequence truth = d.heldOutTruth.get(i).slice(options.contextFrames(),
                options.contextFrames() + options.horizon());
            cmp.add(context, truth, f.forecast(context, options.horizon()));
          }
          PersistenceComparison.Result r = cmp.result();
          row[9] = seq(losses);
          row[10] = seq(val);
          row[11] = seq(perStepMse(r.model()));
          row[12] = seq(perStepMse(r.persistence()));
          row[13] = mean(perStepMse(r.model()));
          row[14] = mean(perStepMse(r.persistence()));
          row[15] = file.toString();
        }
      } catch (IOException e) {
        row[16] = "trial " + name + ": " + e;
      } catch (RuntimeException e) {
        row[16] = "trial " + name + ": " + e.getMessage();
        LOG.warn("trial {} failed", name, e);
      }
      return RowFactory.create(row);
    }

    private String specText() {
      StringBuilder sb = new StringBuilder();
      new TreeMap<>(spec).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      return sb.toString();
    }

    private static List<Double> perStepMse(ScoreTable t) {
      List<Double> out = new ArrayList<>();
      for (int s = 1; s <= t.config().horizon(); s++) {
        out.add(t.step(s).mse());
      }
      return out;
    }

    private static double mean(List<Double> v) {
      double s = 0;
      for (double d : v) {
        s += d;
      }
      return s / v.size();
    }

    private static scala.collection.Seq<Double> seq(List<Double> v) {
      return CollectionConverters.asScala(v);
    }
  }

  /** The training pairs and the held-out movies of one data file. */
  static final class Data {
    final SequenceDataset training;
    final List<FrameSequence> heldOutInputs;
    final List<FrameSequence> heldOutTruth;

    private Data(SequenceDataset training, List<FrameSequence> heldOutInputs,
        List<FrameSequence> heldOutTruth) {
      this.training = training;
      this.heldOutInputs = heldOutInputs;
      this.heldOutTruth = heldOutTruth;
    }

    static Data read(Options o) throws IOException {
      Path p = Path.of(o.dataPath());
      List<FrameSequence> in = array(p, o.inputArray());
      List<FrameSequence> target = array(p, o.targetArray());
      List<FrameSequence> truth = array(p, o.truthArray());
      int n = in.size();
      if (target.size() != n || truth.size() != n) {
        throw new IllegalArgumentException(p + ": arrays " + o.inputArray() + ", "
            + o.targetArray() + " and " + o.truthArray() + " must hold as many movies, got "
            + n + ", " + target.size() + " and " + truth.size());
      }
      if (o.heldOut() >= n) {
        throw new IllegalArgumentException(p + ": heldOut must leave movies to train on: "
            + "expected at most " + (n - 1) + ", got " + o.heldOut());
      }
      int frames = truth.get(0).frames();
      if (o.contextFrames() + o.horizon() > frames) {
        throw new IllegalArgumentException(p + ": contextFrames + horizon must be at most the "
            + frames + " frames of a movie, got " + o.contextFrames() + " + " + o.horizon());
      }
      int train = n - o.heldOut();
      return new Data(SequenceDataset.of(in.subList(0, train), target.subList(0, train)),
          in.subList(train, n), truth.subList(train, n));
    }

    private static List<FrameSequence> array(Path p, String name) {
      try {
        return NpyFrames.read(p, NpyFrames.Options.of(NpyFrames.Layout.NTHWC)
            .withArrayName(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }
}

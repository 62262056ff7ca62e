package io.github.convlstm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npz;
import io.github.convlstm4j.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps on local[2]: every trial trained in its own task from one shared data file. */
class SweepTest {
  private static final int MOVIES = 12;
  private static final int FRAMES = 8;
  private static final int HELD_OUT = 2;
  private static final int CONTEXT = 4;
  private static final int HORIZON = 3;

  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path data;
  private static MovingSquares.Movies movies;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTests.session("local[2]");
    movies = MovingSquares.of(MovingSquares.Settings.keras().withWindow(32, 16))
        .generate(MOVIES, FRAMES, 3);
    data = dir.resolve("movies.npz");
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    arrays.put("noisy", stack(movies.noisy()));
    arrays.put("shifted", stack(movies.shifted()));
    arrays.put("clean", stack(movies.clean()));
    Npz.write(data, arrays);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static Tensor stack(List<FrameSequence> s) {
    FrameSequence f = s.get(0);
    int n = f.size();
    float[] all = new float[s.size() * n];
    for (int i = 0; i < s.size(); i++) {
      s.get(i).copyTo(all, i * n);
    }
    return Tensor.of(new int[] {s.size(), f.frames(), f.height(), f.width(), f.channels()},
        all);
  }

  private static ModelSpec spec(int inputChannels, int filters) {
    return ModelSpec.builder(inputChannels).addLayer(ConvLstmLayerSpec.of(filters))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(5).build();
  }

  private static TrainingConfig config(double lr) {
    return TrainingConfig.defaults().withEpochs(2).withBatchSize(4).withValidationSplit(0.2)
        .withLoss(Loss.BINARY_CROSSENTROPY).withOptimizer(OptimizerSpec.adam().withLearningRate(lr))
        .withSeed(9);
  }

  private static Sweep.Options options() {
    return Sweep.Options.movingSquares(data.toString(), HELD_OUT,
        dir.resolve("checkpoints").toString()).withForecast(CONTEXT, HORIZON)
        .withBackend("reference", 1);
  }

  private static void assertRelative(double want, double got, String what) {
    assertEquals(want, got, 1e-12 * Math.abs(want), what);
  }

  @Test
  @DisplayName("trials train in parallel: losses equal a training in this JVM, checkpoints "
      + "load, held-out scores match a hand computation; a bad trial gets its reason")
  void sweep() throws Exception {
    List<Sweep.Trial> trials = List.of(
        new Sweep.Trial("f4-lr3e-3", spec(1, 4), config(3e-3)),
        new Sweep.Trial("f6-lr1e-3", spec(1, 6), config(1e-3)),
        new Sweep.Trial("two-channels", spec(2, 4), config(1e-3)));
    List<Row> rows = Sweep.run(spark, trials, options()).collectAsList();
    assertEquals(3, rows.size());
    SequenceDataset training = SequenceDataset.of(movies.noisy().subList(0, MOVIES - HELD_OUT),
        movies.shifted().subList(0, MOVIES - HELD_OUT));
    for (int i = 0; i < 2; i++) {
      Row r = rows.get(i);
      Sweep.Trial t = trials.get(i);
      assertEquals(t.name(), r.getAs("name"));
      assertNull(r.getAs("error"), t.name());
      assertEquals(2, (Integer) r.getAs("epochs"));
      assertEquals("adam", r.getAs("optimizer"));
      assertEquals(t.spec().parameterCount(), (Long) r.getAs("parameters"));
      // The same training in this JVM (same backend, seeds and thread count).
      TrainingHistory h;
      try (Forecaster f = Forecasters.create("reference", t.spec(),
          new BackendOptions(1, "auto"))) {
        h = f.fit(training, t.config(), TrainingListener.NONE);
      }
      List<Double> loss = r.getList(r.fieldIndex("loss"));
      List<Double> val = r.getList(r.fieldIndex("val_loss"));
      assertEquals(2, loss.size());
      for (int e = 0; e < 2; e++) {
        EpochEvent ev = h.epochs().get(e);
        assertRelative(ev.loss(), loss.get(e), t.name() + " loss " + e);
        assertRelative(ev.validationLoss(), val.get(e), t.name() + " val_loss " + e);
      }
      // Held-out scores by hand from the written checkpoint: per-pixel MSE per step.
      Path ckpt = Path.of((String) r.getAs("checkpoint"));
      assertEquals(dir.resolve("checkpoints").resolve(t.name() + ".npz"), ckpt);
      List<Double> mse = r.getList(r.fieldIndex("heldout_mse"));
      List<Double> pmse = r.getList(r.fieldIndex("persistence_mse"));
      assertEquals(HORIZON, mse.size());
      double[] want = new double[HORIZON];
      double[] wantP = new double[HORIZON];
      try (Forecaster f = Checkpoints.load("reference", ckpt)) {
        for (int m = MOVIES - HELD_OUT; m < MOVIES; m++) {
          FrameSequence context = movies.noisy().get(m).slice(0, CONTEXT);
          FrameSequence pred = f.forecast(context, HORIZON);
          FrameSequence last = context.frame(CONTEXT - 1);
          for (int s = 0; s < HORIZON; s++) {
            FrameSequence truth = movies.clean().get(m).frame(CONTEXT + s);
            FrameSequence p = pred.frame(s);
            double sq = 0;
            double sqP = 0;
            for (int k = 0; k < truth.size(); k++) {
              float y = truth.get(0, k / 16, k % 16, 0);
              double d = p.get(0, k / 16, k % 16, 0) - (double) y;
              double clipped = Math.min(1f, Math.max(0f, last.get(0, k / 16, k % 16, 0)));
              double dp = clipped - y;
              sq += d * d;
              sqP += dp * dp;
            }
            want[s] += sq / truth.size() / HELD_OUT;
            wantP[s] += sqP / truth.size() / HELD_OUT;
          }
        }
      }
      for (int s = 0; s < HORIZON; s++) {
        assertEquals(want[s], mse.get(s), 1e-9 * want[s], t.name() + " step " + (s + 1));
        assertEquals(wantP[s], pmse.get(s), 1e-9 * wantP[s], t.name() + " persistence");
      }
    }
    Row bad = rows.get(2);
    assertEquals("two-channels", bad.getAs("name"));
    String error = bad.getAs("error");
    assertNotNull(error);
    assertTrue(error.startsWith("trial two-channels: "), error);
    assertNull(bad.getAs("loss"));
    assertNull(bad.getAs("checkpoint"));
    assertTrue(Files.notExists(dir.resolve("checkpoints").resolve("two-channels.npz")));
  }

  @Test
  @DisplayName("no trials, a repeated name, an unsafe name or a missing data file fail before "
      + "any job")
  void refusals() {
    Sweep.Trial a = new Sweep.Trial("a", spec(1, 4), config(1e-3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sweep.run(spark, List.of(), options()));
    assertEquals("a sweep needs at least 1 trial, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Sweep.run(spark, List.of(a, a), options()));
    assertEquals("trial names must be unique, got 'a' twice", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Sweep.Trial("../evil", spec(1, 4), config(1e-3)));
    assertTrue(e.getMessage().contains("got '../evil'"));
    String missing = dir.resolve("none.npz").toString();
    e = assertThrows(IllegalArgumentException.class, () -> Sweep.run(spark, List.of(a),
        Sweep.Options.movingSquares(missing, 1, dir.toString())));
    assertTrue(e.getMessage().contains("no such file: " + missing), e.getMessage());
  }
}

package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyStreamWriter;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --data FILE --layout ...: the user's own frames, and forecast in the user's units. */
class TrainOwnDataTest {
  @TempDir Path dir;

  static final int T = 40;
  static final int SIDE = 8;

  /** A "rain rate" series: 40 frames of 8x8, values in [0, 20), written frame by frame. */
  static float[] writeSeries(Path p) throws Exception {
    Random r = new Random(4);
    float[] all = new float[T * SIDE * SIDE];
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) (20 * r.nextDouble() * r.nextDouble());
    }
    try (NpyStreamWriter w = NpyStreamWriter.create(p, T, SIDE, SIDE, 1)) {
      for (int t = 0; t < T; t++) {
        w.write(all, t * SIDE * SIDE, SIDE * SIDE);
      }
      w.commit();
    }
    return all;
  }

  @Test
  @DisplayName("train fits the normalization on the training part only and stores it; "
      + "forecast answers in the units of the file")
  void trainThenForecastInUserUnits() throws Exception {
    Path data = dir.resolve("rain.npy");
    float[] all = writeSeries(data);
    Path ck = dir.resolve("ck.npz");
    Cli train = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--stride", "2", "--split", "0.6,0.2,0.2",
        "--normalize", "minmax,log1p", "--filters", "3", "--layers", "1", "--batch-size", "4",
        "--epochs", "1", "--loss", "mse", "--checkpoint", ck.toString());
    assertEquals(0, train.exitCode(), train.err());
    assertTrue(train.out().contains("Test loss (2 windows, mse)"), train.out());

    // Training part by hand: test cut round(40 · 0.8) = 32, validation cut round(32 · 0.75)
    // = 24, so frames 0..23; min and max of log1p over them.
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 24 * SIDE * SIDE; i++) {
      min = Math.min(min, Math.log1p(all[i]));
      max = Math.max(max, Math.log1p(all[i]));
    }
    Normalization n = Checkpoints.readNormalization(ck).orElseThrow();
    assertEquals(Normalization.Method.MINMAX, n.method());
    assertTrue(n.log1p());
    assertEquals(1 / (max - min), n.scale(), 1e-12);
    assertEquals(-min / (max - min), n.offset(), 1e-12);

    // --resume keeps the checkpoint's normalization (refitting could change it under the
    // weights) and refuses a --normalize that contradicts it.
    Cli resumed = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--stride", "2", "--split", "0.6,0.2,0.2", "--filters", "3",
        "--layers", "1", "--batch-size", "4", "--epochs", "2", "--loss", "mse",
        "--checkpoint", ck.toString(), "--resume");
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(2, Checkpoints.read(ck).epochsCompleted());
    assertEquals(n, Checkpoints.readNormalization(ck).orElseThrow());
    Cli contradicts = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--stride", "2", "--split", "0.6,0.2,0.2", "--filters", "3",
        "--layers", "1", "--batch-size", "4", "--epochs", "3", "--loss", "mse",
        "--normalize", "standard", "--checkpoint", ck.toString(), "--resume");
    assertEquals(2, contradicts.exitCode(), contradicts.err());
    assertTrue(contradicts.err().contains("--normalize standard contradicts the checkpoint"),
        contradicts.err());

    Path out = dir.resolve("fc");
    Cli fc = Cli.run("forecast", "--checkpoint", ck.toString(), "--input", data.toString(),
        "--layout", "THWC", "--context", "6", "--horizon", "2", "--out", out.toString());
    assertEquals(0, fc.exitCode(), fc.err());
    Tensor forecast = Npy.read(out.resolve("forecast.npy"));
    // The model's sigmoid output lies in (0, 1), the normalized range of the training data:
    // inverted, the forecast lies within the training data's range in user units (and not
    // in (0, 1), for data reaching 20).
    float lo = (float) Math.expm1(min);
    float hi = (float) Math.expm1(max);
    for (int i = 0; i < forecast.size(); i++) {
      float v = forecast.get(i);
      assertTrue(v >= lo - 1e-3f && v <= hi + 1e-3f, "forecast value " + v + " in user units");
    }
  }

  @Test
  @DisplayName("file-data options are checked before any work")
  void optionErrors() throws Exception {
    Path data = dir.resolve("rain.npy");
    writeSeries(data);
    Path ck = dir.resolve("ck.npz");
    Cli noLayout = Cli.run("train", "--data", data.toString(), "--input-frames", "4",
        "--checkpoint", ck.toString());
    assertEquals(2, noLayout.exitCode(), noLayout.err());
    assertTrue(noLayout.err().contains("--input-frames needs --layout"), noLayout.err());
    Cli samples = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--samples", "3", "--checkpoint", ck.toString());
    assertEquals(2, samples.exitCode(), samples.err());
    Cli split = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--split", "0.5,0.5", "--checkpoint", ck.toString());
    assertEquals(2, split.exitCode(), split.err());
    assertTrue(split.err().contains("got '0.5,0.5'"), split.err());
    Cli norm = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--normalize", "zscore", "--checkpoint", ck.toString());
    assertEquals(2, norm.exitCode(), norm.err());
    Cli rank = Cli.run("train", "--data", data.toString(), "--layout", "NTHWC",
        "--checkpoint", ck.toString());
    assertEquals(1, rank.exitCode(), rank.err());
    assertTrue(rank.err().contains(data + ": layout NTHWC needs rank 5, got shape "
        + "[40, 8, 8, 1]"), rank.err());
    Cli future = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--target", "future:2", "--checkpoint", ck.toString());
    assertEquals(1, future.exitCode(), future.err());
    assertTrue(future.err().contains(data.toString()), future.err());
    assertTrue(future.err().contains("targets"), future.err());
  }
  @Test
  @DisplayName("train --model encoder-forecaster: the preset's ConvLSTM layers as the encoder, "
      + "K from --target future:K; it needs --data and a future target")
  void encoderForecaster() throws Exception {
    Path data = dir.resolve("rain.npy");
    writeSeries(data);
    Path ck = dir.resolve("ef.npz");
    Cli train = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--target", "future:2", "--stride", "2", "--model",
        "encoder-forecaster", "--filters", "3", "--layers", "1", "--batch-size", "4",
        "--epochs", "1", "--loss", "mse", "--normalize", "minmax", "--checkpoint",
        ck.toString());
    assertEquals(0, train.exitCode(), train.err());
    ModelSpec spec = Checkpoints.read(ck).spec();
    assertEquals(2, spec.encoderForecaster().orElseThrow().horizon());
    assertEquals(Activation.LINEAR, spec.encoderForecaster().orElseThrow().outputActivation());
    // By hand: encoder 3x3x1x12 + 3x3x3x12 + 12 = 108 + 324 + 12; forecaster layer 1 has no
    // input kernel: 324 + 12; output 1x1x3x1 + 1 = 4 -> 784.
    assertEquals(784, spec.parameterCount(), spec.toString());
    Cli noData = Cli.run("train", "--model", "encoder-forecaster", "--checkpoint",
        ck.toString(), "--overwrite");
    assertEquals(2, noData.exitCode(), noData.err());
    assertTrue(noData.err().contains("--model encoder-forecaster needs --data"), noData.err());
    Cli next = Cli.run("train", "--data", data.toString(), "--layout", "THWC",
        "--input-frames", "4", "--model", "encoder-forecaster", "--checkpoint", ck.toString(),
        "--overwrite");
    assertEquals(2, next.exitCode(), next.err());
    assertTrue(next.err().contains("needs --target future:K, got --target next"), next.err());
    Cli kind = Cli.run("train", "--model", "pyramid", "--checkpoint", ck.toString());
    assertEquals(2, kind.exitCode(), kind.err());
    assertTrue(kind.err().contains("got 'pyramid'"), kind.err());
  }
}

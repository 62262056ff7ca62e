package io.github.convlstm4j.djl;

import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A measurement, not a test: seconds per forward pass (predict on a batch of 10 movies of 15
 * frames of 40×40) and per Adadelta training step (batch 10) of the seed model, per engine.
 * Run with {@code java -cp <test classpath> io.github.convlstm4j.djl.SeedModelTiming
 * [pytorch|mxnet] [reps] [predict|nopredict|forward-only] [n] [t] [hw] [hoisted|per-step|concatenated]}.
 */
public final class SeedModelTiming {

  private SeedModelTiming() {}

  /** The VmHWM line of /proc/self/status (peak resident memory), or "" where there is none. */
  static String peakRss() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("").replaceAll("\\s+", " ");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * Entry point.
   *
   * @param args engine name and repetitions
   */
  public static void main(String[] args) {
    String engine = args.length > 0 ? args[0] : "pytorch";
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ModelSpec spec = MovingSquares.kerasModel();
    Random r = new Random(1);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> tg = new ArrayList<>();
    int n = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int t = args.length > 4 ? Integer.parseInt(args[4]) : 15;
    int hw = args.length > 5 ? Integer.parseInt(args[5]) : 40;
    for (int i = 0; i < n; i++) {
      in.add(TestModels.randomSequence(r, t, hw, hw, 1));
      float[] y = new float[t * hw * hw];
      for (int k = 0; k < y.length; k++) {
        y[k] = r.nextFloat() < 0.1 ? 1f : 0f;
      }
      tg.add(FrameSequence.of(t, hw, hw, 1, y));
    }
    SequenceDataset data = SequenceDataset.of(in, tg);
    String form = args.length > 6 ? args[6] : "concatenated";
    BackendOptions options = BackendOptions.defaults().withThreads(2)
        .withSetting(DjlBackendProvider.INPUT_CONVOLUTION, form);
    boolean forwardOnly = args.length > 2 && args[2].equals("forward-only");
    try (Forecaster f = engine.equals("mxnet") ? new DjlMxnetProvider().create(spec, options)
        : new DjlPytorchProvider().create(spec, options)) {
      for (int i = 0; i < reps + 1; i++) {
        long t0 = System.nanoTime();
        if (!(args.length > 2 && args[2].equals("nopredict"))) {
          f.predict(in);
        }
        long t1 = System.nanoTime();
        if (!forwardOnly) {
          f.fit(data, TrainingConfig.defaults().withBatchSize(n), TrainingListener.NONE);
        }
        long t2 = System.nanoTime();
        System.out.printf("%s %s rep %d: forward %.2f s, training step %.2f s, %s%n", engine,
            form, i, (t1 - t0) / 1e9, (t2 - t1) / 1e9, peakRss());
      }
    }
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.reference.kernel.MatMuls;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints forward and training-step times of the seed model (batch 10, 15 frames, 40×40) on all
 * processors, the direct and the Winograd convolution alternating in one JVM. Not an
 * assertion: a measurement, tagged slow. Run with
 * {@code mvn -pl backend-reference test -Dslow -Dtest=SeedModelTiming}.
 */
@Tag("slow")
class SeedModelTiming {

  @Test
  void timeSeedModel() {
    ModelSpec spec = MovingSquares.kerasModel();
    int threads = Runtime.getRuntime().availableProcessors();
    Random r = new Random(1);
    List<FrameSequence> x = TestSupport.randomBatch(r, 10, 15, 40, 40, 1, 0, 1);
    List<FrameSequence> y = TestSupport.randomBatch(r, 10, 15, 40, 40, 1, 0, 1);
    SequenceDataset data = SequenceDataset.of(x, y);
    TrainingConfig one = TrainingConfig.defaults().withEpochs(1).withBatchSize(10)
        .withLoss(Loss.BINARY_CROSSENTROPY).withOptimizer(OptimizerSpec.adadelta());
    // -Dalgorithms=winograd (or direct) times one algorithm only, e.g. under a profiler.
    ConvolutionAlgorithm[] algorithms = java.util.Arrays.stream(
        System.getProperty("algorithms", "direct,winograd").split(","))
        .map(ConvolutionAlgorithm::parse).toArray(ConvolutionAlgorithm[]::new);
    ReferenceForecaster[] fcs = new ReferenceForecaster[algorithms.length];
    for (int a = 0; a < algorithms.length; a++) {
      fcs[a] = new ReferenceForecaster(spec, new BackendOptions(threads, "auto"),
          MatMuls.best(threads), algorithms[a]);
    }
    try {
      for (int i = 0; i < 4; i++) {
        for (int a = 0; a < algorithms.length; a++) {
          ReferenceForecaster fc = fcs[a];
          long t0 = System.nanoTime();
          fc.predict(x);
          long t1 = System.nanoTime();
          fc.fit(data, one, TrainingListener.NONE);
          long t2 = System.nanoTime();
          System.out.printf("seed model, %s, kernel %s, %d threads: forward %.3f s, training "
              + "step %.3f s, workspace %.0f MB%n", algorithms[a].settingValue(),
              fc.runtimeInfo().get("kernel"), threads, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
              fc.workspaceBytes() / 1e6);
        }
      }
    } finally {
      for (ReferenceForecaster fc : fcs) {
        fc.close();
      }
    }
  }
}

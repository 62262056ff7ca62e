package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What is specific to the DJL backend's forecasters on PyTorch: DJL allows one open gradient
 * collector per JVM, so forecasters on several threads take turns per batch. The rest of the
 * {@link Forecaster} contract is the forecaster core's and the conformance kit's
 * ({@code DjlPytorchConformanceTest}).
 */
class DjlConcurrentTrainingTest {

  @Test
  @DisplayName("two PyTorch forecasters train on two threads at once, each as it would alone")
  void concurrentTrainingOnTwoThreads() throws Exception {
    ModelSpec spec = ReferenceAgreementTest.trainingSpec();
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 6, 3, 6, 6, 44);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2).withEpochs(3)
        .withShuffle(false);
    ModelWeights alone;
    try (Forecaster f = TestModels.pytorch(spec)) {
      f.fit(data, cfg, TrainingListener.NONE);
      alone = f.weights();
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<ModelWeights>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(pool.submit(() -> {
          try (Forecaster f = TestModels.pytorch(spec)) {
            f.fit(data, cfg, TrainingListener.NONE);
            return f.weights();
          }
        }));
      }
      for (java.util.concurrent.Future<ModelWeights> run : runs) {
        ModelWeights w = run.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertTrue(w.maxAbsDifference(alone) <= 1e-6,
            "concurrent run differs from the run alone by " + w.maxAbsDifference(alone));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

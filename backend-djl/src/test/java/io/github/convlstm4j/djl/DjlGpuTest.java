package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.reference.ReferenceBackendProvider;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * djl-pytorch on a GPU: runs only where the PyTorch engine sees one, which needs DJL's CUDA
 * natives ({@code mvn -Pgpu ...}, see README "The DJL backend and GPUs") and a CUDA device;
 * skipped (an assumption, not a failure) otherwise, as on the CPU build. Tagged {@code gpu}.
 */
@Tag("gpu")
class DjlGpuTest {

  private static int gpus() {
    try {
      return Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }

  @Test
  @DisplayName("on a GPU: device auto picks it, forward and a training step agree with the "
      + "reference")
  void gpuForwardAndStepAgreeWithTheReference() {
    int gpus = gpus();
    assumeTrue(gpus > 0, "no GPU seen by the PyTorch engine (CPU natives or no CUDA device)");
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(8))
        .addLayer(ConvLstmLayerSpec.of(8)).seed(3).build();
    Random rnd = new Random(5);
    ModelWeights w = TestModels.randomWeights(spec, 7L, 0.5);
    List<FrameSequence> in = List.of(TestModels.randomSequence(rnd, 4, 8, 8, 1),
        TestModels.randomSequence(rnd, 4, 8, 8, 1));
    List<FrameSequence> target = List.of(TestModels.randomSequence(rnd, 4, 8, 8, 8),
        TestModels.randomSequence(rnd, 4, 8, 8, 8));
    try (Forecaster g = new DjlPytorchProvider().create(spec, BackendOptions.defaults());
        Forecaster r = new ReferenceBackendProvider().create(spec, BackendOptions.defaults())) {
      String device = g.runtimeInfo().get("device");
      assertTrue(device != null && device.startsWith("gpu"), "device auto with " + gpus
          + " GPU(s) should run on one, runtimeInfo " + g.runtimeInfo());
      g.setWeights(w);
      r.setWeights(w);
      List<FrameSequence> a = g.predict(in);
      List<FrameSequence> b = r.predict(in);
      for (int i = 0; i < in.size(); i++) {
        double diff = a.get(i).maxAbsDifference(b.get(i));
        // cuDNN may use TF32 / other summation orders: a looser bound than the CPU's 1e-5.
        assertTrue(diff <= 1e-3, "max |gpu - reference| = " + diff);
      }
      TrainingConfig one = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
          .withLoss(Loss.MSE).withOptimizer(OptimizerSpec.sgd()).withShuffle(false)
          .withValidationSplit(0);
      g.fit(SequenceDataset.of(in, target), one, TrainingListener.NONE);
      r.fit(SequenceDataset.of(in, target), one, TrainingListener.NONE);
      double moved = r.weights().maxAbsDifference(w);
      double apart = g.weights().maxAbsDifference(r.weights());
      assertTrue(moved > 0 && apart <= 1e-2 * moved + 1e-5,
          "after one SGD step the GPU and reference weights differ by " + apart
              + " (step " + moved + ")");
    }
  }
}

package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The MXNet engine: the same numerics as the reference, and two engines in one JVM. */
class DjlMxnetTest {

  @Test
  @DisplayName("MXNet forward outputs equal the reference within 1e-5 on every option")
  void forwardAgrees() {
    Random rnd = new Random(12);
    for (ModelSpec spec : ReferenceAgreementTest.optionSpecs()) {
      ModelWeights w = TestModels.randomWeights(spec, rnd.nextLong(), 0.5);
      FrameSequence x = TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels());
      try (Forecaster d = TestModels.mxnet(spec);
          Forecaster r = ReferenceAgreementTest.reference(spec)) {
        assertEquals(r.weights(), d.weights(), "identical initialization " + spec);
        d.setWeights(w);
        r.setWeights(w);
        double diff = d.predict(x).maxAbsDifference(r.predict(x));
        assertTrue(diff <= 1e-5, "max |mxnet - reference| = " + diff + " for " + spec);
      }
    }
  }

  @Test
  @DisplayName("MXNet one step of Adadelta and Adam moves the weights as the reference")
  void oneStepAgrees() {
    ModelSpec spec = ReferenceAgreementTest.trainingSpec();
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 3, 3, 6, 5, 21);
    for (OptimizerSpec o : new OptimizerSpec[] {OptimizerSpec.adadelta(), OptimizerSpec.adam(),
        OptimizerSpec.sgd().withLearningRate(0.5)}) {
      TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
          .withOptimizer(o).withLoss(Loss.BINARY_CROSSENTROPY);
      try (Forecaster d = TestModels.mxnet(spec);
          Forecaster r = ReferenceAgreementTest.reference(spec)) {
        ModelWeights before = d.weights();
        TrainingHistory hd = d.fit(data, cfg, TrainingListener.NONE);
        TrainingHistory hr = r.fit(data, cfg, TrainingListener.NONE);
        assertEquals(hr.finalLoss(), hd.finalLoss(), 1e-5 * hr.finalLoss(), o.toString());
        double rel = ReferenceAgreementTest.relativeUpdateDifference(before, d.weights(),
            r.weights());
        assertTrue(rel <= 1e-4, o + ": relative update difference " + rel);
      }
    }
  }

  @Test
  @DisplayName("a PyTorch and an MXNet forecaster work side by side in one JVM")
  void twoEnginesInOneJvm() {
    ModelSpec spec = ReferenceAgreementTest.trainingSpec();
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 4, 3, 6, 6, 33);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2).withEpochs(2);
    try (Forecaster pt = TestModels.pytorch(spec); Forecaster mx = TestModels.mxnet(spec)) {
      assertEquals("djl-pytorch", pt.backendName());
      assertEquals("djl-mxnet", mx.backendName());
      FrameSequence x = data.get(0).input();
      double before = pt.predict(x).maxAbsDifference(mx.predict(x));
      assertTrue(before <= 1e-5, "same initial weights, same output: " + before);
      TrainingHistory a = pt.fit(data, cfg, TrainingListener.NONE);
      TrainingHistory b = mx.fit(data, cfg, TrainingListener.NONE);
      assertEquals(a.finalLoss(), b.finalLoss(), 1e-4 * a.finalLoss());
      List<FrameSequence> pa = pt.predict(List.of(x, data.get(1).input()));
      List<FrameSequence> pb = mx.predict(List.of(x, data.get(1).input()));
      assertTrue(pa.get(1).maxAbsDifference(pb.get(1)) <= 1e-4);
    }
  }
}

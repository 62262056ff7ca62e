package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Evaluation and batch-norm recalibration against closed forms: {@code evaluate} is the mean
 * element loss over every element of every sample (20 samples, more than one evaluation batch);
 * recalibration over one batch holding every sample sets the moving statistics to the plain
 * statistics of the layer's output.
 */
abstract class EvaluationContract extends Contract {

  @Test
  @DisplayName("evaluate is the mean loss over all elements (closed form for a constant output)")
  void evaluateClosedForm() {
    kit().assumeDeclared(Capability.CONV3D_HEAD);
    ModelSpec spec = ModelSpec.builder(1).seed(251).addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build();
    // A zero head kernel with bias b makes every output sigmoid(b): the MSE against targets y
    // is mean((sigmoid(b) - y)^2) and the BCE is mean(-(y log p + (1-y) log(1-p))).
    Map<String, Tensor> m = new LinkedHashMap<>(RandomCase.randomWeights(spec, 252).asMap());
    m.put(ModelSpec.HEAD_KERNEL, Tensor.zeros(3, 3, 3, 3, 1));
    m.put(ModelSpec.HEAD_BIAS, Tensor.of(new int[] {1}, new float[] {0.4f}));
    Random r = new Random(5);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> tg = new ArrayList<>();
    double mse = 0;
    double bce = 0;
    double p = 1 / (1 + Math.exp(-0.4));
    for (int s = 0; s < 20; s++) {
      in.add(RandomCase.randomSequence(2, FrameShape.of(3, 3, 1), 253 + s));
      float[] y = new float[18];
      for (int k = 0; k < y.length; k++) {
        y[k] = r.nextFloat();
        mse += (p - y[k]) * (p - y[k]);
        bce += -(y[k] * Math.log(p) + (1 - y[k]) * Math.log(1 - p));
      }
      tg.add(FrameSequence.of(2, 3, 3, 1, y));
    }
    SequenceDataset data = SequenceDataset.of(in, tg);
    try (Forecaster f = kit().create(spec, ModelWeights.of(m))) {
      kit().assertLossClose(mse / 360, f.evaluate(data, Loss.MSE), "MSE of sigmoid(0.4)");
      kit().assertLossClose(bce / 360, f.evaluate(data, Loss.BINARY_CROSSENTROPY),
          "BCE of sigmoid(0.4)");
    }
  }

  @Test
  @DisplayName("recalibration over one batch of every sample sets the plain output statistics")
  void recalibration() {
    kit().assumeDeclared(Capability.TRAINING);
    kit().assumeDeclared(Capability.BATCH_NORM);
    ModelSpec bn = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2)).addLayer(BatchNormSpec.keras()).seed(3).build();
    ModelSpec plain = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    List<FrameSequence> inputs = new ArrayList<>();
    List<FrameSequence> targets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inputs.add(RandomCase.randomSequence(4, FrameShape.of(6, 7, 1), 260 + i));
      targets.add(RandomCase.randomSequence(4, FrameShape.of(6, 7, 2), 270 + i));
    }
    SequenceDataset d = SequenceDataset.of(inputs, targets);
    try (Forecaster f = kit().create(bn); Forecaster raw = kit().create(plain)) {
      // Batch size 5 = one batch holding all samples: the average is the plain statistic.
      f.fit(d, TrainingConfig.defaults().withBatchSize(5).withRecalibrateBatchNorm(true)
          .withLoss(Loss.MSE), TrainingListener.NONE);
      ModelWeights w = f.weights();
      Map<String, Tensor> m = new LinkedHashMap<>();
      for (String name : plain.weightShapes().keySet()) {
        m.put(name, w.get(name));
      }
      raw.setWeights(ModelWeights.of(m));
      double[] sum = new double[2];
      double[] sq = new double[2];
      long n = 0;
      for (FrameSequence in : d.inputs()) {
        float[] h = raw.predict(in).toArray();
        for (int i = 0; i < h.length; i += 2) {
          for (int c = 0; c < 2; c++) {
            sum[c] += h[i + c];
            sq[c] += h[i + c] * (double) h[i + c];
          }
          n++;
        }
      }
      for (int c = 0; c < 2; c++) {
        double mean = sum[c] / n;
        kit().assertLossClose(mean, w.get(ModelSpec.batchNormName(0, "moving_mean")).get(c),
            "moving mean of channel " + c);
        kit().assertLossClose(sq[c] / n - mean * mean,
            w.get(ModelSpec.batchNormName(0, "moving_variance")).get(c),
            "moving variance of channel " + c);
      }
    }
  }
}

package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Determinism and initialization: the seed fixes everything, and follows Keras' initializers. */
abstract class DeterminismContract extends Contract {

  /** A spec using every declared inference feature that changes the weight list. */
  private ModelSpec richSpec(long seed) {
    ModelSpec.Builder b = ModelSpec.builder(2).seed(seed);
    boolean bn = kit().declares(Capability.BATCH_NORM);
    b.addLayer(ConvLstmLayerSpec.of(4));
    if (bn) {
      b.addLayer(BatchNormSpec.keras());
    }
    b.addLayer(ConvLstmLayerSpec.of(3).withKernel(1, 1).withBias(true, false));
    if (kit().declares(Capability.CONV3D_HEAD)) {
      b.addLayer(new Conv3dHeadSpec(2, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME));
    }
    return b.build();
  }

  private static final FrameShape SHAPE = FrameShape.of(5, 4, 2);

  @Test
  @DisplayName("two forecasters from the same seed have identical weights and outputs")
  void sameSeedSameWeightsAndOutputs() {
    ModelSpec spec = richSpec(91);
    FrameSequence in = RandomCase.randomSequence(3, SHAPE, 92);
    try (Forecaster a = kit().create(spec); Forecaster b = kit().create(spec)) {
      assertEquals(a.weights(), b.weights(), "initial weights of two forecasters with seed 91");
      kit().assertRepeatClose(a.predict(in), b.predict(in), "outputs of two seed-91 forecasters");
    }
  }

  @Test
  @DisplayName("different seeds give different initial weights")
  void differentSeedDifferentWeights() {
    try (Forecaster a = kit().create(richSpec(93)); Forecaster b = kit().create(richSpec(94))) {
      Tensor ka = a.weights().get(ModelSpec.kernelName(0));
      Tensor kb = b.weights().get(ModelSpec.kernelName(0));
      assertNotEquals(ka, kb, "kernel of seed 93 equals kernel of seed 94");
      assertNotEquals(a.weights().get(ModelSpec.recurrentKernelName(0)),
          b.weights().get(ModelSpec.recurrentKernelName(0)),
          "recurrent kernel of seed 93 equals that of seed 94");
    }
  }

  @Test
  @DisplayName("predict keeps no state between calls: A, then B, then A gives the same A")
  void predictKeepsNoState() {
    ModelSpec spec = richSpec(95);
    FrameSequence a = RandomCase.randomSequence(3, SHAPE, 96);
    FrameSequence b = RandomCase.randomSequence(3, SHAPE, 97);
    try (Forecaster f = kit().create(spec)) {
      FrameSequence first = f.predict(a);
      f.predict(b);
      kit().assertRepeatClose(first, f.predict(a), "predict(A) after predict(B)");
      kit().assertForwardClose(first, f.predict(List.of(b, a)).get(1),
          "predict(A) in a batch after B");
    }
  }

  @Test
  @DisplayName("initial weights follow Keras: glorot-uniform kernels, orthogonal recurrent "
      + "kernels, zero bias with forget slice set to 1, batch norm 1/0/0/1")
  void initialWeightsFollowKeras() {
    ModelSpec spec = richSpec(99);
    try (Forecaster f = kit().create(spec)) {
      ModelWeights w = f.weights();
      assertEquals(new ArrayList<>(spec.weightShapes().keySet()), new ArrayList<>(w.names()),
          "weight names in Keras get_weights() order");
      for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
        assertEquals(e.getValue(), w.get(e.getKey()).shapeList(), "shape of " + e.getKey());
      }
      int cin = spec.inputChannels();
      for (int i = 0; i < spec.convLstmLayers().size(); i++) {
        ConvLstmLayerSpec l = spec.convLstmLayers().get(i);
        int k = l.kernelHeight() * l.kernelWidth();
        int f4 = 4 * l.filters();
        checkGlorot(w.get(ModelSpec.kernelName(i)), k * cin, k * f4, ModelSpec.kernelName(i));
        checkOrthogonal(w.get(ModelSpec.recurrentKernelName(i)), k * l.filters(), f4,
            ModelSpec.recurrentKernelName(i));
        if (l.useBias()) {
          Tensor b = w.get(ModelSpec.biasName(i));
          for (int j = 0; j < f4; j++) {
            boolean forget = j >= l.filters() && j < 2 * l.filters();
            float expected = l.unitForgetBias() && forget ? 1f : 0f;
            assertEquals(expected, b.get(j), ModelSpec.biasName(i) + "[" + j + "] (unitForgetBias "
                + l.unitForgetBias() + ", gate order i, f, c, o)");
          }
        }
        if (spec.batchNormAfter(i).isPresent()) {
          String[] parts = {"gamma", "beta", "moving_mean", "moving_variance"};
          float[] values = {1, 0, 0, 1};
          for (int p = 0; p < parts.length; p++) {
            Tensor t = w.get(ModelSpec.batchNormName(i, parts[p]));
            for (int j = 0; j < t.size(); j++) {
              assertEquals(values[p], t.get(j), ModelSpec.batchNormName(i, parts[p]) + "[" + j + "]");
            }
          }
        }
        cin = l.filters();
      }
      spec.head().ifPresent(h -> {
        int k = h.kernelTime() * h.kernelHeight() * h.kernelWidth();
        int lastFilters = spec.convLstmLayers().get(spec.convLstmLayers().size() - 1).filters();
        checkGlorot(w.get(ModelSpec.HEAD_KERNEL), k * lastFilters, k * h.filters(),
            ModelSpec.HEAD_KERNEL);
        Tensor b = w.get(ModelSpec.HEAD_BIAS);
        for (int j = 0; j < b.size(); j++) {
          assertEquals(0f, b.get(j), ModelSpec.HEAD_BIAS + "[" + j + "]");
        }
      });
    }
  }

  /** Glorot uniform: inside ±sqrt(6/(fan_in+fan_out)), spread over the range, mean near 0. */
  private static void checkGlorot(Tensor t, int fanIn, int fanOut, String name) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    double max = 0;
    double sumSq = 0;
    for (int i = 0; i < t.size(); i++) {
      double v = t.get(i);
      assertTrue(Math.abs(v) <= limit * (1 + 1e-6), name + "[" + i + "] = " + v
          + " lies outside the glorot-uniform limit " + limit + " (fan_in " + fanIn
          + ", fan_out " + fanOut + ")");
      max = Math.max(max, Math.abs(v));
      sumSq += v * v;
    }
    // a uniform(-L, L) sample has E[v^2] = L^2/3; allow wide bounds for small tensors
    double meanSq = sumSq / t.size();
    double expected = limit * limit / 3;
    double m = max;
    assertTrue(m >= 0.5 * limit, name + ": largest |value| " + m
        + " is far below the glorot limit " + limit + "; not uniform over the range?");
    assertTrue(meanSq > 0.5 * expected && meanSq < 1.6 * expected, name + ": mean square "
        + meanSq + " should be near limit^2/3 = " + expected + " for glorot-uniform");
  }

  /** Orthogonal on the (rows × cols) matrix: orthonormal columns if rows >= cols, else rows. */
  private static void checkOrthogonal(Tensor t, int rows, int cols, String name) {
    float[] m = t.toArray();
    boolean byColumns = rows >= cols;
    int n = byColumns ? cols : rows;
    for (int a = 0; a < n; a++) {
      for (int b = a; b < n; b++) {
        double dot = 0;
        if (byColumns) {
          for (int r = 0; r < rows; r++) {
            dot += (double) m[r * cols + a] * m[r * cols + b];
          }
        } else {
          for (int c = 0; c < cols; c++) {
            dot += (double) m[a * cols + c] * m[b * cols + c];
          }
        }
        double expected = a == b ? 1 : 0;
        if (Math.abs(dot - expected) > 1e-4) {
          fail(name + " viewed as a " + rows + "x" + cols + " matrix must have orthonormal "
              + (byColumns ? "columns" : "rows") + ": dot(" + a + ", " + b + ") = " + dot
              + ", expected " + expected);
        }
      }
    }
  }

  @Test
  @DisplayName("training twice from the same seed and config gives the same weights")
  void trainingRepeats() {
    kit().assumeDeclared(Capability.TRAINING);
    ModelSpec spec = ModelSpec.builder(1).seed(101).addLayer(ConvLstmLayerSpec.of(1)).build();
    FrameShape s = FrameShape.of(4, 4, 1);
    List<FrameSequence> ins = new ArrayList<>();
    List<FrameSequence> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ins.add(RandomCase.randomSequence(2, s, 102 + i));
      ts.add(RandomCase.randomSequence(2, s, 202 + i));
    }
    SequenceDataset data = SequenceDataset.of(ins, ts);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(2).withBatchSize(2)
        .withLoss(Loss.MSE).withOptimizer(OptimizerSpec.adam()).withSeed(103).withShuffle(true);
    try (Forecaster a = kit().create(spec); Forecaster b = kit().create(spec)) {
      a.fit(data, cfg, TrainingListener.NONE);
      b.fit(data, cfg, TrainingListener.NONE);
      double d = a.weights().maxAbsDifference(b.weights());
      assertTrue(d <= kit().tolerances().repeatAbsolute(), "weights of two identical training "
          + "runs differ by " + d + ", repeat tolerance " + kit().tolerances().repeatAbsolute());
    }
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The frame-wise (inference-only) layers on the reference backend: each kernel against hand
 * calculations or an identity it must satisfy, and whole models against the ConvLSTM-only
 * model plus the layer computed by hand in the test.
 */
class FrameLayersTest {


  /**
   * Conv2D 2×2, stride 2, SAME on a 3×3 frame: output ceil(3/2) = 2 per axis, total padding
   * (2-1)·2 + 2 - 3 = 1, 0 before and 1 after. Kernel [[1,2],[3,4]], bias 0.5, input 1..9 row
   * major: (0,0) 1·1+2·2+4·3+5·4 = 37.5 with bias; (0,1) 3·1+6·3 = 21.5 (column 3 is padding);
   * (1,0) 7·1+8·2 = 23.5; (1,1) 9·1 = 9.5.
   */
  @Test
  @DisplayName("Conv2D with stride 2 and SAME padding matches the hand calculation")
  void conv2dStridedSameByHand() {
    Conv2dSpec s = new Conv2dSpec(1, 2, 2, 2, 2, Padding.SAME, Activation.LINEAR, true);
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] y = FrameKernels.conv2d(x, 1, new FrameShape(3, 3, 1), s, new float[] {1, 2, 3, 4},
        new float[] {0.5f});
    assertArrayEquals(new float[] {37.5f, 21.5f, 23.5f, 9.5f}, y);
  }

  /**
   * The transposed convolution is the adjoint of the strided convolution with the kernel's two
   * channel axes swapped: {@code <conv(x), y> = <x, convT(y)>} for any x and y (no bias, linear).
   * Checked for SAME and VALID, even and odd kernels, strides 1-3, several channels.
   */
  @Test
  @DisplayName("Conv2DTranspose is the adjoint of the strided Conv2D")
  void transposeIsAdjoint() {
    Random r = new Random(3);
    for (Padding p : Padding.values()) {
      for (int k = 1; k <= 4; k++) {
        for (int st = 1; st <= 3; st++) {
          int cin = 2;
          int cout = 3;
          int n = 7;
          Conv2dSpec conv = new Conv2dSpec(cout, k, k, st, st, p, Activation.LINEAR, false);
          int outH = p.outputSize(n, k, st);
          if (outH <= 0) {
            continue;
          }
          Conv2dTransposeSpec tr = new Conv2dTransposeSpec(cin, k, k, st, st, p,
              Activation.LINEAR, false);
          // the transpose of an outH input must give back n (SAME: n must be outH·st)
          if (tr.outputSize(outH, k, st) != n) {
            continue;
          }
          float[] kern = new float[k * k * cin * cout]; // [k, k, cin, cout]
          for (int i = 0; i < kern.length; i++) {
            kern[i] = (float) r.nextGaussian();
          }
          float[] x = new float[n * n * cin];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
          }
          float[] y = new float[outH * outH * cout];
          for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
          }
          float[] cx = FrameKernels.conv2d(x, 1, new FrameShape(n, n, cin), conv, kern, null);
          // Keras' transpose kernel layout [k, k, out=cin, in=cout] is the same memory as
          // conv's [k, k, cin, cout]
          float[] ty = FrameKernels.conv2dTranspose(y, 1, new FrameShape(outH, outH, cout), tr,
              kern, null);
          double lhs = 0;
          double scale = 0;
          for (int i = 0; i < y.length; i++) {
            lhs += (double) cx[i] * y[i];
            scale += Math.abs((double) cx[i] * y[i]);
          }
          double rhs = 0;
          for (int i = 0; i < x.length; i++) {
            rhs += (double) x[i] * ty[i];
          }
          assertEquals(lhs, rhs, 1e-5 * (1 + scale), p + " k=" + k + " s=" + st);
        }
      }
    }
  }

  /**
   * A 1×1 input through Conv2DTranspose 3×3, stride 2, SAME: output 2×2, cut before
   * max(3-2, 0)/2 = 0, so output (y, x) = x·W[y, x]: the kernel's top-left 2×2 block.
   * VALID: output 1·2 + max(3-2, 0) = 3 per axis, the whole kernel.
   */
  @Test
  @DisplayName("Conv2DTranspose places the kernel as Keras' output-length rules say")
  void transposeByHand() {
    float[] kern = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    Conv2dTransposeSpec same = new Conv2dTransposeSpec(1, 3, 3, 2, 2, Padding.SAME,
        Activation.LINEAR, false);
    assertArrayEquals(new float[] {2, 4, 8, 10},
        FrameKernels.conv2dTranspose(new float[] {2}, 1, new FrameShape(1, 1, 1), same, kern,
            null));
    Conv2dTransposeSpec valid = new Conv2dTransposeSpec(1, 3, 3, 2, 2, Padding.VALID,
        Activation.LINEAR, false);
    assertArrayEquals(kern, FrameKernels.conv2dTranspose(new float[] {1}, 1,
        new FrameShape(1, 1, 1), valid, kern, null));
  }

  /**
   * Max pooling 2×2 stride 2 SAME on a 3×3 frame: windows {1,2,4,5}, {3,6}, {7,8}, {9}, with
   * negative values so that a zero pad would win if padding counted.
   */
  @Test
  @DisplayName("max pooling SAME ignores the padded cells")
  void maxPoolSame() {
    float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    MaxPoolingSpec s = new MaxPoolingSpec(2, 2, 2, 2, Padding.SAME);
    assertArrayEquals(new float[] {-1, -3, -7, -9},
        FrameKernels.maxPool(x, 1, new FrameShape(3, 3, 1), s));
  }

  /**
   * Layer norm of (1, 2, 3, 6): mean 3, biased variance (4+1+0+9)/4 = 3.5; with eps 0.5 the
   * divisor is 2, so (-1, -0.5, 0, 1.5), then ·gamma (2) + beta (1): (-1, 0, 1, 4).
   */
  @Test
  @DisplayName("layer normalization by hand")
  void layerNormByHand() {
    float[] y = FrameKernels.layerNorm(new float[] {1, 2, 3, 6}, 1, 4, 0.5,
        new float[] {2, 2, 2, 2}, new float[] {1, 1, 1, 1});
    assertArrayEquals(new float[] {-1, 0, 1, 4}, y, 1e-6f);
  }

  /** Softmax of (0, ln 3): (1/4, 3/4); of (1000, 1000): halves (no overflow). */
  @Test
  @DisplayName("softmax by hand, stable for large inputs")
  void softmaxByHand() {
    assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f},
        FrameKernels.softmax(new float[] {0, (float) Math.log(3), 1000, 1000}, 2, 2), 1e-6f);
  }

  /**
   * ConvLSTM → MaxPooling → Flatten → Dense → Softmax: the output equals the ConvLSTM-only
   * model's prediction (same weights) pooled, flattened and passed through a dense layer and a
   * softmax computed in the test.
   */
  @Test
  @DisplayName("a classifier chain equals the ConvLSTM prediction plus the head done by hand")
  void classifierChain() {
    Random r = new Random(5);
    ConvLstmLayerSpec conv = ConvLstmLayerSpec.of(3).withRecurrentActivation(
        Activation.HARD_SIGMOID_KERAS3);
    ModelSpec full = ModelSpec.builder(2).inputShape(3, 4, 4)
        .addLayer(conv).addLayer(new MaxPoolingSpec(2, 2, 2, 2, Padding.VALID))
        .addLayer(new FlattenSpec()).addLayer(new DenseSpec(4, Activation.LINEAR, true))
        .addLayer(new SoftmaxSpec()).seed(9).build();
    ModelSpec core = ModelSpec.builder(2).addLayer(conv).seed(9).build();
    FrameSequence x = TestSupport.random(r, 3, 4, 4, 2, -1, 1);
    try (ReferenceForecaster a = TestSupport.forecaster(full);
        ReferenceForecaster b = TestSupport.forecaster(core)) {
      ModelWeights w = a.weights();
      ModelWeights.Builder coreW = ModelWeights.builder();
      core.weightShapes().keySet().forEach(n -> coreW.put(n, w.get(n)));
      b.setWeights(coreW.build());
      FrameSequence h = b.predict(x); // 3 × 4 × 4 × 3
      // flatten: 3 frames × 2 × 2 pooled positions × 3 channels = 36 inputs
      assertEquals(List.of(36, 4), w.get("dense_0/kernel").shapeList());
      float[] kernel = w.get("dense_0/kernel").toArray(); // [36, 4]
      float[] bias = w.get("dense_0/bias").toArray();
      double[] logits = new double[4];
      for (int u = 0; u < 4; u++) {
        logits[u] = bias[u];
      }
      int i = 0;
      for (int t = 0; t < 3; t++) {
        for (int py = 0; py < 2; py++) {
          for (int px = 0; px < 2; px++) {
            for (int c = 0; c < 3; c++) {
              double m = Math.max(Math.max(h.get(t, 2 * py, 2 * px, c),
                  h.get(t, 2 * py, 2 * px + 1, c)), Math.max(h.get(t, 2 * py + 1, 2 * px, c),
                  h.get(t, 2 * py + 1, 2 * px + 1, c)));
              for (int u = 0; u < 4; u++) {
                logits[u] += m * kernel[i * 4 + u];
              }
              i++;
            }
          }
        }
      }
      double max = Math.max(Math.max(logits[0], logits[1]), Math.max(logits[2], logits[3]));
      double sum = 0;
      for (double l : logits) {
        sum += Math.exp(l - max);
      }
      FrameSequence y = a.predict(x);
      assertEquals("1x1x1x4", y.shapeString());
      for (int u = 0; u < 4; u++) {
        assertEquals(Math.exp(logits[u] - max) / sum, y.get(0, 0, 0, u), 1e-6, "class " + u);
      }
    }
  }

  /**
   * TimeDistributed Conv2D (stride 2) → LayerNorm → ConvLSTM → BatchNorm after a Conv2D:
   * setWeights reaches the ConvLSTM inside the chain (the ConvLSTM stage aliases the model's
   * parameters), checked by zeroing its kernels: the output is then the batch norm of
   * constant frames.
   */
  @Test
  @DisplayName("setWeights reaches every stage of a chain")
  void setWeightsReachesChain() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(new Conv2dSpec(2, 3, 3, 2, 2, Padding.SAME, Activation.RELU, true))
        .addLayer(new LayerNormSpec(1e-3, true, true))
        .addLayer(ConvLstmLayerSpec.of(2).withBias(true, false))
        .addLayer(new Conv2dSpec(1, 1, 1, 1, 1, Padding.VALID, Activation.LINEAR, true))
        .addLayer(BatchNormSpec.keras()).seed(2).build();
    assertEquals(List.of(0, 1, 3, 4), spec.frameLayers());
    assertEquals(List.of(1, 4), spec.inferenceOnlyLayers());
    FrameSequence x = TestSupport.random(new Random(1), 2, 5, 5, 1, 0, 1);
    try (ReferenceForecaster f = TestSupport.forecaster(spec)) {
      Map<String, Tensor> b = new LinkedHashMap<>(f.weights().asMap());
      b.put("conv_lstm2d_0/kernel", Tensor.zeros(3, 3, 2, 8));
      b.put("conv_lstm2d_0/recurrent_kernel", Tensor.zeros(3, 3, 2, 8));
      b.put("conv_lstm2d_0/bias", Tensor.zeros(8)); // gates 0.5, candidate 0: H = 0
      b.put("conv2d_1/bias", Tensor.of(new int[] {1}, new float[] {2}));
      b.put("conv2d_1/kernel", Tensor.zeros(1, 1, 2, 1));
      b.put("batch_normalization_l4/moving_mean", Tensor.of(new int[] {1}, new float[] {1}));
      b.put("batch_normalization_l4/moving_variance",
          Tensor.of(new int[] {1}, new float[] {4 - 1e-3f}));
      f.setWeights(ModelWeights.of(b));
      FrameSequence y = f.predict(x); // (2 - 1) / sqrt(4) = 0.5 everywhere
      assertEquals("2x3x3x1", y.shapeString());
      for (int t = 0; t < 2; t++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            assertEquals(0.5, y.get(t, i, j, 0), 1e-6);
          }
        }
      }
    }
  }

  @Test
  @DisplayName("fit refuses untrainable layers by name; sessions and forecast refuse frame layers")
  void refusals() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1))
        .addLayer(new DenseSpec(1, Activation.SIGMOID, true))
        .addLayer(new LayerNormSpec(1e-3, true, true)).build();
    FrameSequence x = FrameSequence.of(2, 2, 2, 1, new float[8]);
    try (ReferenceForecaster f = TestSupport.forecaster(spec)) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> f.fit(SequenceDataset.of(List.of(x), List.of(x)), TrainingConfig.defaults(),
              TrainingListener.NONE));
      assertTrue(e.getMessage().contains("layer 2 ('layer_normalization_0', "
          + "layer_normalization) cannot be trained"), e.getMessage());
      e = assertThrows(UnsupportedOperationException.class, () -> f.openSession(1));
      assertTrue(e.getMessage().contains("layer 1 ('dense_0', dense) is frame-wise"),
          e.getMessage());
      assertThrows(UnsupportedOperationException.class, () -> f.forecast(x, 2));
      assertEquals("2x2x2x1", f.predict(x).shapeString()); // still usable
    }
  }

  /**
   * Keras 3's hard sigmoid gates, one step of a 1×1 LSTM on one value, by hand: zero kernels,
   * bias (i, f, c, o) = (1.5, 0, 0.9, -1.5): i = 1.5/6 + 0.5 = 0.75, c̃ = tanh 0.9,
   * o = 0.25; C = 0.75·tanh 0.9, H = 0.25·tanh C.
   */
  @Test
  @DisplayName("HARD_SIGMOID_KERAS3 gates follow x/6 + 0.5")
  void keras3HardSigmoidByHand() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)
        .withRecurrentActivation(Activation.HARD_SIGMOID_KERAS3)).build();
    try (ReferenceForecaster f = TestSupport.forecaster(spec)) {
      Map<String, Tensor> b = new LinkedHashMap<>(f.weights().asMap());
      b.put("conv_lstm2d_0/kernel", Tensor.zeros(1, 1, 1, 4));
      b.put("conv_lstm2d_0/recurrent_kernel", Tensor.zeros(1, 1, 1, 4));
      b.put("conv_lstm2d_0/bias", Tensor.of(new int[] {4}, new float[] {1.5f, 0, 0.9f, -1.5f}));
      f.setWeights(ModelWeights.of(b));
      double c = 0.75 * Math.tanh(0.9);
      assertEquals(0.25 * Math.tanh(c),
          f.predict(FrameSequence.of(1, 1, 1, 1, new float[] {7})).get(0, 0, 0, 0), 1e-6);
    }
    assertEquals(0.75, Activation.HARD_SIGMOID_KERAS3.apply(1.5), 0);
    assertEquals(1.0, Activation.HARD_SIGMOID_KERAS3.apply(3), 0);
    assertEquals(0.0, Activation.HARD_SIGMOID_KERAS3.apply(-3.5), 0);
  }

  /**
   * A ConvLSTM layer after a flatten reads one 1×1 frame of T·H·W·C channels: with a 1×1
   * kernel, zero recurrent kernel and input kernel, and bias (i, f, c, o) = (b, b, b, b), the
   * output is the scalar LSTM step o·tanh(i·tanh(c̃)) of the bias alone, and the stage must
   * have been built with 2·2·2·1 = 8 input channels (else the weights would not fit).
   */
  @Test
  @DisplayName("a ConvLSTM layer after a flatten gets the flattened channels")
  void convLstmAfterFlatten() {
    ModelSpec spec = ModelSpec.builder(1).inputShape(2, 2, 2)
        .addLayer(new FlattenSpec())
        .addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)).build();
    assertEquals(List.of(1, 1, 8, 4), spec.weightShapes().get("conv_lstm2d_0/kernel"));
    try (ReferenceForecaster f = TestSupport.forecaster(spec)) {
      Map<String, Tensor> b = new LinkedHashMap<>(f.weights().asMap());
      b.put("conv_lstm2d_0/kernel", Tensor.zeros(1, 1, 8, 4));
      b.put("conv_lstm2d_0/recurrent_kernel", Tensor.zeros(1, 1, 1, 4));
      b.put("conv_lstm2d_0/bias", Tensor.of(new int[] {4}, new float[] {1, 1, 1, 1}));
      f.setWeights(ModelWeights.of(b));
      double s = 1 / (1 + Math.exp(-1));
      assertEquals(s * Math.tanh(s * Math.tanh(1)),
          f.predict(FrameSequence.of(2, 2, 2, 1, new float[8])).get(0, 0, 0, 0), 1e-6);
    }
  }

  @Test
  @DisplayName("a model with a fixed input shape refuses other shapes, naming both")
  void fixedInputShape() {
    ModelSpec spec = ModelSpec.builder(1).inputShape(2, 3, 3).addLayer(ConvLstmLayerSpec.of(1))
        .addLayer(new FlattenSpec()).addLayer(new DenseSpec(2, Activation.LINEAR, false))
        .build();
    try (ReferenceForecaster f = TestSupport.forecaster(spec)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.predict(FrameSequence.of(3, 3, 3, 1, new float[27])));
      assertTrue(e.getMessage().contains("2 frames of 3x3x1") && e.getMessage().contains("got 3"),
          e.getMessage());
      assertEquals("1x1x1x2", f.predict(FrameSequence.of(2, 3, 3, 1, new float[18]))
          .shapeString());
    }
  }
}

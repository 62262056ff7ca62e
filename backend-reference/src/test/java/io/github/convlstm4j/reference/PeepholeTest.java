package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The paper's peepholes on the reference backend, against closed forms. */
class PeepholeTest {

  @Test
  @DisplayName("zero peepholes compute exactly the plain ConvLSTM; non-zero ones change it")
  void zeroPeepholesArePlain() {
    ModelSpec plain = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(8))
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 2)).seed(3).build();
    ModelSpec peep = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(8).withPeephole(true))
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 2).withPeephole(true)).seed(3).build();
    FrameSequence x = TestSupport.random(new Random(5), 4, 6, 5, 2, 0, 1);
    try (ReferenceForecaster a = TestSupport.forecaster(plain);
        ReferenceForecaster b = TestSupport.forecaster(peep)) {
      ModelWeights w = a.weights();
      ModelWeights.Builder wb = ModelWeights.builder();
      for (String n : peep.weightShapes().keySet()) {
        wb.put(n, w.names().contains(n) ? w.get(n)
            : Tensor.of(peep.weightShapes().get(n), new float[peep.weightShapes().get(n).get(0)]));
      }
      b.setWeights(wb.build());
      assertArrayEquals(a.predict(x).toArray(), b.predict(x).toArray());
      b.parameter(ModelSpec.peepholeName(1, "o"))[0] = 0.5f;
      assertTrue(a.predict(x).maxAbsDifference(b.predict(x)) > 1e-4);
    }
  }

  @Test
  @DisplayName("one step of a 1x1 cell with peepholes matches the hand-computed equations")
  void closedForm() {
    // One filter, 1x1 kernels, one pixel, two steps: x0 = 1, x1 = 0.5. Kernel (i, f, c, o)
    // = (0.3, -0.2, 0.5, 0.1), recurrent (0.2, 0.1, -0.3, 0.4), bias (0.1, 1, 0, -0.1),
    // peepholes w_ci 0.7, w_cf -0.4, w_co 0.9.
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)
        .withPeephole(true)).build();
    float[] k = {0.3f, -0.2f, 0.5f, 0.1f};
    float[] u = {0.2f, 0.1f, -0.3f, 0.4f};
    float[] bias = {0.1f, 1f, 0f, -0.1f};
    double wi = 0.7;
    double wf = -0.4;
    double wo = 0.9;
    ModelWeights w = ModelWeights.builder()
        .put("conv_lstm2d_0/kernel", Tensor.of(List.of(1, 1, 1, 4), k))
        .put("conv_lstm2d_0/recurrent_kernel", Tensor.of(List.of(1, 1, 1, 4), u))
        .put("conv_lstm2d_0/bias", Tensor.of(List.of(4), bias))
        .put("conv_lstm2d_0/peephole_i", Tensor.of(List.of(1), new float[] {(float) wi}))
        .put("conv_lstm2d_0/peephole_f", Tensor.of(List.of(1), new float[] {(float) wf}))
        .put("conv_lstm2d_0/peephole_o", Tensor.of(List.of(1), new float[] {(float) wo}))
        .build();
    // Independent double-precision evaluation of eq. 3 of Shi et al. 2015.
    double h = 0;
    double c = 0;
    double[] xs = {1, 0.5};
    double[] expected = new double[2];
    for (int t = 0; t < 2; t++) {
      double x = xs[t];
      double i = sigmoid(k[0] * x + u[0] * h + bias[0] + wi * c);
      double f = sigmoid(k[1] * x + u[1] * h + bias[1] + wf * c);
      double g = Math.tanh(k[2] * x + u[2] * h + bias[2]);
      c = f * c + i * g;
      double o = sigmoid(k[3] * x + u[3] * h + bias[3] + wo * c);
      h = o * Math.tanh(c);
      expected[t] = h;
    }
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      fc.setWeights(w);
      float[] out = fc.predict(FrameSequence.of(2, 1, 1, 1, new float[] {1f, 0.5f})).toArray();
      assertEquals(expected[0], out[0], 1e-6);
      assertEquals(expected[1], out[1], 1e-6);
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The two head formulations agree; the fast cell math matches its definitions. */
class HeadAndMathTest {

  @ParameterizedTest
  @EnumSource(TimePadding.class)
  @DisplayName("head as tap products equals head as im2col, outputs and gradients")
  void headFormulationsAgree(TimePadding tp) {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(new Conv3dHeadSpec(2, 3, 2, 3, Activation.SIGMOID, tp)).seed(8).build();
    Random r = new Random(3);
    List<FrameSequence> in = TestSupport.randomBatch(r, 2, 4, 5, 6, 1, 0, 1);
    List<FrameSequence> y = TestSupport.randomBatch(r, 2, 4, 5, 6, 2, 0, 1);
    try (ReferenceForecaster taps = TestSupport.forecaster(spec);
        ReferenceForecaster cols = TestSupport.forecaster(spec)) {
      cols.headByTaps(false);
      assertTrue(taps.predict(in.get(0)).maxAbsDifference(cols.predict(in.get(0))) < 1e-6);
      ReferenceForecaster.Gradients a = taps.gradients(in, y, Loss.BINARY_CROSSENTROPY);
      ReferenceForecaster.Gradients b = cols.gradients(in, y, Loss.BINARY_CROSSENTROPY);
      assertEquals(a.loss(), b.loss(), 1e-7);
      for (Map.Entry<String, float[]> e : a.parameters().entrySet()) {
        float[] g = b.parameters().get(e.getKey());
        for (int i = 0; i < g.length; i++) {
          assertEquals(g[i], e.getValue()[i], 1e-6, e.getKey() + "[" + i + "]");
        }
      }
      for (int s = 0; s < 2; s++) {
        assertTrue(a.inputs().get(s).maxAbsDifference(b.inputs().get(s)) < 1e-6);
      }
    }
  }

  @Test
  @DisplayName("chunking the input convolution and the head by time step changes nothing")
  void timeChunkingAgrees() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2))
        .addLayer(new Conv3dHeadSpec(2, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).seed(4)
        .build();
    Random r = new Random(4);
    List<FrameSequence> in = TestSupport.randomBatch(r, 2, 5, 5, 6, 1, 0, 1);
    List<FrameSequence> y = TestSupport.randomBatch(r, 2, 5, 5, 6, 2, 0, 1);
    try (ReferenceForecaster whole = TestSupport.forecaster(spec);
        ReferenceForecaster chunked = TestSupport.forecaster(spec)) {
      chunked.colBudget(1); // every im2col holds a single time step
      chunked.headByTaps(false); // and the head's im2col path is chunked too
      whole.headByTaps(false);
      for (int i = 0; i < 2; i++) {
        assertTrue(whole.predict(in.get(i)).maxAbsDifference(chunked.predict(in.get(i)))
            < 1e-6);
      }
      ReferenceForecaster.Gradients a = whole.gradients(in, y, Loss.MSE);
      ReferenceForecaster.Gradients b = chunked.gradients(in, y, Loss.MSE);
      assertEquals(a.loss(), b.loss(), 1e-7);
      for (Map.Entry<String, float[]> e : a.parameters().entrySet()) {
        float[] g = b.parameters().get(e.getKey());
        for (int i = 0; i < g.length; i++) {
          assertEquals(e.getValue()[i], g[i], 1e-6, e.getKey() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  @DisplayName("the rational tanh and the sigmoid built on it stay within 4e-7 of Math")
  void fastActivationsAreAccurate() {
    float[] x = new float[400_001];
    float[] zero = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (-20 + i * 1e-4);
    }
    float[] t = x.clone();
    CellMath.activate(Activation.TANH, t, 0, zero, 0, x.length);
    float[] s = x.clone();
    CellMath.activate(Activation.SIGMOID, s, 0, zero, 0, x.length);
    double worstT = 0;
    double worstS = 0;
    for (int i = 0; i < x.length; i++) {
      worstT = Math.max(worstT, Math.abs(t[i] - Math.tanh(x[i])));
      worstS = Math.max(worstS, Math.abs(s[i] - 1 / (1 + Math.exp(-(double) x[i]))));
    }
    assertTrue(worstT < 4e-7, "tanh error " + worstT);
    assertTrue(worstS < 4e-7, "sigmoid error " + worstS);
    assertEquals(0f, CellMath.tanh(0f));
    assertEquals(-CellMath.tanh(0.3f), CellMath.tanh(-0.3f));
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Shi et al. 2015 encoder–forecaster on the reference backend. */
class EncoderForecasterTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("2 layers: peepholes 3x3, then 3x3 input / 1x1 state; sigmoid out, BCE",
            ModelSpec.builder(2)
                .addLayer(ConvLstmLayerSpec.of(2).withPeephole(true))
                .addLayer(ConvLstmLayerSpec.of(3).withRecurrentKernel(1, 1).withPeephole(true))
                .encoderForecaster(3, Activation.SIGMOID).seed(21).build(),
            Loss.BINARY_CROSSENTROPY),
        Arguments.of("patch 2, 5x5 input / 3x3 state, hard sigmoid, no bias; linear out, MSE",
            ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
                .addLayer(ConvLstmLayerSpec.of(2).withKernel(5, 5).withRecurrentKernel(3, 3)
                    .withRecurrentActivation(Activation.HARD_SIGMOID).withBias(false, false))
                .addLayer(new DepthToSpaceSpec(2))
                .encoderForecaster(2, Activation.LINEAR).seed(22).build(), Loss.MSE),
        Arguments.of("3 layers of 1, 2, 2 filters, even 2x2 state kernel, peepholes; MSE",
            ModelSpec.builder(1)
                .addLayer(ConvLstmLayerSpec.of(1).withPeephole(true))
                .addLayer(ConvLstmLayerSpec.of(2).withRecurrentKernel(2, 2))
                .addLayer(ConvLstmLayerSpec.of(2).withKernel(1, 1).withPeephole(true))
                .encoderForecaster(2, Activation.TANH).seed(23).build(), Loss.MSE));
  }

  /** Mean loss of the predictions, in double (inference and training agree: no BN here). */
  private static double meanLoss(ReferenceForecaster fc, List<FrameSequence> in,
      List<FrameSequence> targets, Loss loss) {
    List<FrameSequence> out = fc.predict(in);
    double sum = 0;
    long count = 0;
    for (int b = 0; b < in.size(); b++) {
      float[] p = out.get(b).toArray();
      float[] y = targets.get(b).toArray();
      for (int i = 0; i < p.length; i++) {
        sum += Network.elementLoss(loss, p[i], y[i]);
      }
      count += p.length;
    }
    return sum / count;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  @DisplayName("BPTT through forecaster and encoder matches central finite differences for every weight")
  void gradientCheck(String name, ModelSpec spec, Loss loss) {
    Random r = new Random(spec.seed());
    int h = 4;
    int w = 6;
    List<FrameSequence> inputs = TestSupport.randomBatch(r, 2, 3, h, w, spec.inputChannels(),
        0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      for (String p : spec.weightShapes().keySet()) {
        float[] v = fc.parameter(p);
        if (p.contains("/peephole_")) {
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
          }
        } else if (p.endsWith("/bias")) {
          for (int i = 0; i < v.length; i++) {
            v[i] += (float) (0.4 * (r.nextDouble() - 0.5));
          }
        }
      }
      FrameSequence out0 = fc.predict(inputs.get(0));
      assertEquals(spec.encoderForecaster().orElseThrow().horizon(), out0.frames());
      List<FrameSequence> targets = TestSupport.randomBatch(r, 2, out0.frames(), out0.height(),
          out0.width(), out0.channels(), 0, 1);
      ReferenceForecaster.Gradients g = fc.encoderForecasterGradients(inputs, targets, loss);
      assertEquals(meanLoss(fc, inputs, targets, loss), g.loss(), 1e-6);
      assertEquals(spec.weightShapes().keySet(), g.parameters().keySet());
      List<String> failures = new ArrayList<>();
      int checked = 0;
      for (Map.Entry<String, float[]> e : g.parameters().entrySet()) {
        float[] v = fc.parameter(e.getKey());
        for (int i = 0; i < v.length; i++) {
          int at = i;
          GradientCheckTest.LossAt f = value -> {
            v[at] = value;
            return meanLoss(fc, inputs, targets, loss);
          };
          double analytic = e.getValue()[i];
          double numeric = GradientCheckTest.centralDifference(f, v[i], GradientCheckTest.STEP);
          if (!close(analytic, numeric, GradientCheckTest.ATOL)) {
            double fine = GradientCheckTest.centralDifference(f, v[i],
                GradientCheckTest.STEP / 10);
            if (!close(analytic, fine, GradientCheckTest.ATOL_FINE)) {
              failures.add(e.getKey() + "[" + i + "]: analytic " + analytic + ", numeric "
                  + numeric + " / " + fine);
            }
          }
          checked++;
        }
      }
      assertTrue(failures.isEmpty(), name + ": " + failures.size() + " of " + checked
          + " differ, first: " + failures.subList(0, Math.min(10, failures.size())));
    }
  }

  private static boolean close(double analytic, double numeric, double atol) {
    return Math.abs(analytic - numeric)
        <= atol + GradientCheckTest.RTOL * Math.max(Math.abs(analytic), Math.abs(numeric));
  }

  @Test
  @DisplayName("a 1x1 one-filter model with chosen weights: 2 input frames, K = 2, by hand")
  void closedForm() {
    // One pixel, one channel, one filter, peepholes everywhere. Encoder E: kernel (i, f, c, o)
    // (0.3, -0.2, 0.5, 0.1), recurrent (0.2, 0.1, -0.3, 0.4), bias (0.1, 1, 0, -0.1),
    // peepholes (0.7, -0.4, 0.9). Forecaster P (no input): recurrent (-0.5, 0.3, 0.6, 0.2),
    // bias (0, 0.5, 0.2, 0.1), peepholes (0.1, 0.2, -0.3). Output: y = sigmoid(1.5 h - 0.2).
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)
        .withPeephole(true)).encoderForecaster(2, Activation.SIGMOID).build();
    double[] k = {0.3, -0.2, 0.5, 0.1};
    double[] u = {0.2, 0.1, -0.3, 0.4};
    double[] b = {0.1, 1, 0, -0.1};
    double[] pe = {0.7, -0.4, 0.9};
    double[] uf = {-0.5, 0.3, 0.6, 0.2};
    double[] bf = {0, 0.5, 0.2, 0.1};
    double[] pf = {0.1, 0.2, -0.3};
    ModelWeights w = ModelWeights.builder()
        .put("conv_lstm2d_0/kernel", t(List.of(1, 1, 1, 4), k))
        .put("conv_lstm2d_0/recurrent_kernel", t(List.of(1, 1, 1, 4), u))
        .put("conv_lstm2d_0/bias", t(List.of(4), b))
        .put("conv_lstm2d_0/peephole_i", t(List.of(1), pe[0]))
        .put("conv_lstm2d_0/peephole_f", t(List.of(1), pe[1]))
        .put("conv_lstm2d_0/peephole_o", t(List.of(1), pe[2]))
        .put("forecaster_lstm_0/recurrent_kernel", t(List.of(1, 1, 1, 4), uf))
        .put("forecaster_lstm_0/bias", t(List.of(4), bf))
        .put("forecaster_lstm_0/peephole_i", t(List.of(1), pf[0]))
        .put("forecaster_lstm_0/peephole_f", t(List.of(1), pf[1]))
        .put("forecaster_lstm_0/peephole_o", t(List.of(1), pf[2]))
        .put("forecast_output/kernel", t(List.of(1, 1, 1, 1), 1.5))
        .put("forecast_output/bias", t(List.of(1), -0.2))
        .build();
    // Hand evaluation of eq. 3 of Shi et al. 2015 in double: encoder over x = (1, 0.5) from
    // zeros, then the forecaster from the encoder's (h, c) with no input, 3 steps (K = 2 and
    // one step past it for forecast).
    double h = 0;
    double c = 0;
    for (double x : new double[] {1, 0.5}) {
      double i = sig(k[0] * x + u[0] * h + b[0] + pe[0] * c);
      double f = sig(k[1] * x + u[1] * h + b[1] + pe[1] * c);
      double g = Math.tanh(k[2] * x + u[2] * h + b[2]);
      c = f * c + i * g;
      h = sig(k[3] * x + u[3] * h + b[3] + pe[2] * c) * Math.tanh(c);
    }
    double[] y = new double[3];
    for (int s = 0; s < 3; s++) {
      double i = sig(uf[0] * h + bf[0] + pf[0] * c);
      double f = sig(uf[1] * h + bf[1] + pf[1] * c);
      double g = Math.tanh(uf[2] * h + bf[2]);
      c = f * c + i * g;
      h = sig(uf[3] * h + bf[3] + pf[2] * c) * Math.tanh(c);
      y[s] = sig(1.5 * h - 0.2);
    }
    FrameSequence x = FrameSequence.of(2, 1, 1, 1, new float[] {1f, 0.5f});
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      fc.setWeights(w);
      float[] p = fc.predict(x).toArray();
      assertEquals(2, p.length);
      assertEquals(y[0], p[0], 1e-6);
      assertEquals(y[1], p[1], 1e-6);
      float[] f3 = fc.forecast(x, 3).toArray();
      assertEquals(y[0], f3[0], 1e-6);
      assertEquals(y[1], f3[1], 1e-6);
      assertEquals(y[2], f3[2], 1e-6);
    }
  }

  private static Tensor t(List<Integer> shape, double... v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.of(shape, f);
  }

  private static double sig(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  @DisplayName("forecast past K extends predict; sessions: push = re-running, forecast leaves the state, export/import")
  void forecastAndSessions() {
    ModelSpec spec = models().findFirst().orElseThrow().get()[1] instanceof ModelSpec m ? m
        : null;
    Random r = new Random(3);
    FrameSequence x = TestSupport.random(r, 4, 5, 4, 2, 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      FrameSequence p = fc.predict(x);
      FrameSequence f = fc.forecast(x, 5);
      assertEquals(5, f.frames());
      assertTrue(p.maxAbsDifference(f.slice(0, 3)) < 1e-6);
      try (ForecastSession s = fc.openSession(1)) {
        for (int t = 0; t < 3; t++) {
          s.push(List.of(x.frame(t)));
        }
        FrameSequence first = s.push(List.of(x.frame(3))).get(0);
        assertTrue(first.maxAbsDifference(p.frame(0)) < 1e-6);
        FrameSequence sf = s.forecast(5).get(0);
        assertTrue(sf.maxAbsDifference(f) < 1e-6);
        assertTrue(s.forecast(5).get(0).maxAbsDifference(f) < 1e-6, "forecast changed state");
        SessionState st = s.state();
        assertTrue(st.tensors().containsKey("conv_lstm2d_1/c"));
        try (ForecastSession back = fc.openSession(st)) {
          assertTrue(back.forecast(5).get(0).maxAbsDifference(f) < 1e-6);
        }
        // A 5th frame: the same as predicting on all 5.
        FrameSequence x5 = x.append(TestSupport.random(r, 1, 5, 4, 2, 0, 1));
        FrameSequence next = s.push(List.of(x5.frame(4))).get(0);
        assertTrue(next.maxAbsDifference(fc.predict(x5).frame(0)) < 1e-6);
      }
      assertThrows(IllegalArgumentException.class, () -> fc.predict(
          TestSupport.random(r, 2, 5, 4, 3, 0, 1)));
      assertThrows(IllegalArgumentException.class, () -> fc.forecast(x, 0));
    }
  }

  @Test
  @DisplayName("a checkpoint keeps the encoder-forecaster: spec, weights and predictions")
  void checkpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    ModelSpec spec = (ModelSpec) models().skip(1).findFirst().orElseThrow().get()[1];
    FrameSequence x = TestSupport.random(new Random(8), 3, 4, 6, 1, 0, 1);
    java.nio.file.Path file = dir.resolve("ef.npz");
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      fc.save(file);
      try (io.github.convlstm4j.api.Forecaster back =
          io.github.convlstm4j.api.io.Checkpoints.load(file)) {
        assertEquals(spec, back.spec());
        assertArrayEquals(fc.predict(x).toArray(), back.predict(x).toArray());
      }
    }
  }

  @Test
  @DisplayName("fit on (T input, K target) pairs lowers the loss; targets of T frames are refused")
  void training() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4))
        .encoderForecaster(2, Activation.SIGMOID).seed(5).build();
    // A moving bright pixel: 3 input frames, the next 2 as targets.
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      float[] frames = new float[5 * 6 * 6];
      for (int t = 0; t < 5; t++) {
        frames[t * 36 + (s % 6) * 6 + t] = 1f;
      }
      FrameSequence seq = FrameSequence.of(5, 6, 6, 1, frames);
      in.add(seq.slice(0, 3));
      out.add(seq.slice(3, 5));
    }
    SequenceDataset data = SequenceDataset.of(in, out);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec)) {
      TrainingConfig cfg = TrainingConfig.defaults().withEpochs(30).withBatchSize(4)
          .withValidationSplit(0).withLoss(Loss.BINARY_CROSSENTROPY)
          .withOptimizer(OptimizerSpec.adam().withLearningRate(0.01));
      double before = fc.evaluate(data, Loss.BINARY_CROSSENTROPY);
      TrainingHistory hist = fc.fit(data, cfg, TrainingListener.NONE);
      double after = fc.evaluate(data, Loss.BINARY_CROSSENTROPY);
      assertTrue(after < 0.5 * before, "loss " + before + " -> " + after + " " + hist);
      assertThrows(IllegalArgumentException.class, () -> fc.fit(SequenceDataset.of(in, in),
          cfg, TrainingListener.NONE));
      assertArrayEquals(fc.predict(in.get(0)).toArray(), fc.predict(in.get(0)).toArray());
    }
  }
}

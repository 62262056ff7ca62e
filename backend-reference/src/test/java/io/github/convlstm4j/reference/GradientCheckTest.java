package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.TimePadding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation through time against central finite differences, for every element of every
 * trainable tensor and of the input, on small random models covering every option, with the
 * direct and the Winograd 3×3 convolution (Winograd serves 3×3 convolutions summing at least
 * {@value Network#WINOGRAD_MIN_CHANNELS} channels: the input gradients here, and with 8 filters
 * the forward convolutions too).
 *
 * <p>The forward pass is float32; the loss is summed in double. Central differences use a step
 * of {@value #STEP} (the actual float step {@code (float)(v+h) - (float)(v-h)} is the divisor);
 * an element passes when {@code |analytic - numeric| <= ATOL + RTOL·max(|analytic|,
 * |numeric|)} with ATOL = {@value #ATOL} and RTOL = {@value #RTOL}. Float rounding in the loss
 * difference is about 1e-8, i.e. about 1e-6 after division by 2h; the truncation error is
 * O(h²). HARD_SIGMOID has kinks at ±2.5 where a difference quotient straddling the kink is
 * wrong by design; an element that fails at step h is therefore re-checked once at h/10 with
 * ATOL = {@value #ATOL_FINE} (rounding noise is ten times larger there) and must pass then.
 */
class GradientCheckTest {

  static final double STEP = 3e-3;
  static final double ATOL = 2e-5;
  static final double RTOL = 2e-2;
  static final double ATOL_FINE = 6e-5;

  /** A loss as a function of the current parameters and inputs. */
  interface LossAt {
    double at(float value);
  }

  /** Central difference quotient of {@code f} around {@code keep} with step {@code h}. */
  static double centralDifference(LossAt f, float keep, double h) {
    float plus = (float) (keep + h);
    float minus = (float) (keep - h);
    double lp = f.at(plus);
    double lm = f.at(minus);
    f.at(keep);
    return (lp - lm) / ((double) plus - minus);
  }

  static Stream<Arguments> models() {
    List<Arguments> l = new ArrayList<>();
    l.add(Arguments.of("1 layer SAME 3x3 sigmoid, bias, MSE", ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2)).seed(1).build(), Loss.MSE));
    l.add(Arguments.of("2 layers: even 2x3 SAME + BN, VALID 3x3 hard sigmoid no bias; "
        + "head SAME kt=3 2x2 sigmoid, BCE", ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 3)).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID)
            .withRecurrentActivation(Activation.HARD_SIGMOID).withBias(false, false))
        .addLayer(new Conv3dHeadSpec(1, 3, 2, 2, Activation.SIGMOID, TimePadding.SAME))
        .seed(2).build(), Loss.BINARY_CROSSENTROPY));
    l.add(Arguments.of("1 layer 2x2 VALID + BN, last step only; head CAUSAL kt=2 3x3, BCE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2).withPadding(Padding.VALID)
            .withReturnSequences(false)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(2, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(3).build(), Loss.BINARY_CROSSENTROPY));
    l.add(Arguments.of("2 layers SAME 3x3 + BN, hard sigmoid, last step only, no head, MSE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(3).withReturnSequences(false))
        .addLayer(BatchNormSpec.keras())
        .seed(4).build(), Loss.MSE));
    l.add(Arguments.of("1x1 kernel, LINEAR cell, no bias; head CAUSAL kt=3 1x1 LINEAR, MSE",
        ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(1, 1).withActivation(Activation.LINEAR)
            .withBias(false, false))
        .addLayer(new Conv3dHeadSpec(2, 3, 1, 1, Activation.LINEAR, TimePadding.CAUSAL))
        .seed(5).build(), Loss.MSE));
    l.add(Arguments.of("head SAME even kt=2 2x3 tanh over a 3x2 SAME layer, MSE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 2).withBias(true, false))
        .addLayer(new Conv3dHeadSpec(1, 2, 2, 3, Activation.TANH, TimePadding.SAME))
        .seed(6).build(), Loss.MSE));
    l.add(Arguments.of("2 layers of 8 filters, SAME 3x3 then VALID 3x3 hard sigmoid, MSE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(8))
        .addLayer(ConvLstmLayerSpec.of(8).withPadding(Padding.VALID)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .seed(7).build(), Loss.MSE));
    // The paper's cells (Shi et al. 2015, eq. 3): peepholes, and state-to-state kernels of
    // their own size; 8 filters put the 3x3 convolutions through Winograd, too.
    l.add(Arguments.of("peepholes, 1 layer SAME 3x3 sigmoid, bias, MSE", ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withPeephole(true)).seed(8).build(), Loss.MSE));
    l.add(Arguments.of("peepholes + hard sigmoid, no bias, 5x5 input / 1x1 state kernels, then "
        + "peepholes 2x2 input / 3x3 state, last step only, MSE", ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(5, 5).withRecurrentKernel(1, 1)
            .withPeephole(true).withRecurrentActivation(Activation.HARD_SIGMOID)
            .withBias(false, false))
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2).withRecurrentKernel(3, 3)
            .withPeephole(true).withReturnSequences(false))
        .seed(9).build(), Loss.MSE));
    l.add(Arguments.of("VALID 3x3 input / 2x3 state kernel + BN, head SAME, BCE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID).withRecurrentKernel(2, 3))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
        .seed(10).build(), Loss.BINARY_CROSSENTROPY));
    l.add(Arguments.of("peepholes, 8 filters, 3x3 input / 1x1 state, then 3x3 / 3x3, MSE",
        ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(8).withRecurrentKernel(1, 1).withPeephole(true))
        .addLayer(ConvLstmLayerSpec.of(8).withPeephole(true))
        .seed(11).build(), Loss.MSE));
    List<Arguments> both = new ArrayList<>();
    for (Arguments a : l) {
      for (ConvolutionAlgorithm c : ConvolutionAlgorithm.values()) {
        Object[] o = a.get();
        both.add(Arguments.of(o[0] + ", " + c.settingValue(), o[1], o[2], c));
      }
    }
    return both.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void gradientsMatchFiniteDifferences(String name, ModelSpec spec, Loss loss,
      ConvolutionAlgorithm convolution) {
    Random r = new Random(spec.seed() * 31 + 7);
    int n = 2;
    int t = 3;
    List<FrameSequence> inputs =
        TestSupport.randomBatch(r, n, t, 4, 5, spec.inputChannels(), 0, 1);
    try (ReferenceForecaster fc = TestSupport.forecaster(spec, convolution)) {
      // Random, non-trivial bias and batch-norm parameters so every term matters.
      for (String p : spec.weightShapes().keySet()) {
        if (p.contains("/peephole_")) { // zeros at initialization: make them matter
          float[] v = fc.parameter(p);
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
          }
        } else if (p.endsWith("/bias") || p.endsWith("/gamma") || p.endsWith("/beta")) {
          float[] v = fc.parameter(p);
          for (int i = 0; i < v.length; i++) {
            v[i] += (float) (0.2 * (r.nextDouble() - 0.5));
          }
        }
      }
      FrameSequence out0 = fc.predict(inputs.get(0));
      List<FrameSequence> targets = TestSupport.randomBatch(r, n, out0.frames(), out0.height(),
          out0.width(), out0.channels(), 0, 1);
      ReferenceForecaster.Gradients g = fc.gradients(inputs, targets, loss);
      List<String> failures = new ArrayList<>();
      int checked = 0;
      for (Map.Entry<String, float[]> e : g.parameters().entrySet()) {
        float[] v = fc.parameter(e.getKey());
        for (int i = 0; i < v.length; i++) {
          int at = i;
          LossAt f = value -> {
            v[at] = value;
            return fc.trainingLoss(inputs, targets, loss);
          };
          compare(e.getKey() + "[" + i + "]", e.getValue()[i], f, v[i], failures);
          checked++;
        }
      }
      for (int b = 0; b < n; b++) {
        float[] x = inputs.get(b).toArray();
        float[] gx = g.inputs().get(b).toArray();
        for (int i = 0; i < x.length; i++) {
          int at = i;
          int sample = b;
          LossAt f = value -> {
            x[at] = value;
            return fc.trainingLoss(replace(inputs, sample, x), targets, loss);
          };
          compare("input" + b + "[" + i + "]", gx[i], f, x[i], failures);
          checked++;
        }
      }
      assertTrue(failures.isEmpty(), name + ": " + failures.size() + " of " + checked
          + " gradient elements differ, first: "
          + failures.subList(0, Math.min(10, failures.size())));
    }
  }

  private static List<FrameSequence> replace(List<FrameSequence> l, int b, float[] x) {
    List<FrameSequence> c = new ArrayList<>(l);
    FrameSequence s = l.get(b);
    c.set(b, FrameSequence.of(s.frames(), s.frameShape(), x));
    return c;
  }

  private static void compare(String what, double analytic, LossAt f, float keep,
      List<String> failures) {
    double numeric = centralDifference(f, keep, STEP);
    if (close(analytic, numeric, ATOL)) {
      return;
    }
    double fine = centralDifference(f, keep, STEP / 10);
    if (!close(analytic, fine, ATOL_FINE)) {
      failures.add(what + ": analytic " + analytic + ", numeric " + numeric + " (step " + STEP
          + "), " + fine + " (step " + STEP / 10 + ")");
    }
  }

  private static boolean close(double analytic, double numeric, double atol) {
    double tol = atol + RTOL * Math.max(Math.abs(analytic), Math.abs(numeric));
    return Math.abs(analytic - numeric) <= tol;
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Tensor;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One or two steps of each optimizer on a known gradient, against the Keras 2 update rules of
 * {@link OptimizerSpec}'s Javadoc written out by hand for a single weight w = 0.5 with
 * gradient g = 0.2 (then g = -0.1).
 */
class OptimizerTest {

  private static final ModelSpec SPEC =
      ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withKernel(1, 1)).build();
  private static final String W = ModelSpec.biasName(0);

  private static Parameters params(float w, float g) {
    Parameters p = new Parameters(SPEC);
    p.get(W).value[0] = w;
    p.get(W).grad[0] = g;
    return p;
  }

  @Test
  @DisplayName("Adadelta: a = rho·a + (1-rho)·g²; d = g·sqrt(u+eps)/sqrt(a+eps); w -= lr·d; "
      + "u = rho·u + (1-rho)·d²")
  void adadelta() {
    Parameters p = params(0.5f, 0.2f);
    Optimizer o = new Optimizer(p);
    OptimizerSpec s = OptimizerSpec.adadelta(); // lr 1, rho .95, eps 1e-7
    o.step(s);
    double a = 0.05 * 0.04; // 0.002
    double d = 0.2 * Math.sqrt(0 + 1e-7) / Math.sqrt(a + 1e-7);
    double w = 0.5 - d;
    double u = 0.05 * d * d;
    assertEquals(w, p.get(W).value[0], 1e-7);
    p.get(W).grad[0] = -0.1f;
    o.step(s);
    double a2 = 0.95 * a + 0.05 * 0.01;
    double d2 = -0.1 * Math.sqrt(u + 1e-7) / Math.sqrt(a2 + 1e-7);
    assertEquals(w - d2, p.get(W).value[0], 1e-7);
    ModelWeights st = o.state();
    assertEquals(0.95 * u + 0.05 * d2 * d2, st.get("adadelta/accum_var/" + W).get(0), 1e-9);
    assertEquals(a2, st.get("adadelta/accum_grad/" + W).get(0), 1e-9);
    assertEquals(2f, st.get(io.github.convlstm4j.api.OptimizerState.ITERATIONS).get(0));
  }

  @Test
  @DisplayName("Adam: lr_t = lr·sqrt(1-b2^t)/(1-b1^t); w -= lr_t·m/(sqrt(v)+eps)")
  void adam() {
    Parameters p = params(0.5f, 0.2f);
    Optimizer o = new Optimizer(p);
    OptimizerSpec s = OptimizerSpec.adam(); // 1e-3, .9, .999, 1e-7
    o.step(s);
    double m = 0.1 * 0.2;
    double v = 0.001 * 0.04;
    double w = 0.5 - 1e-3 * Math.sqrt(1 - 0.999) / (1 - 0.9) * m / (Math.sqrt(v) + 1e-7);
    assertEquals(w, p.get(W).value[0], 1e-7); // ≈ 0.5 - 0.001 (first Adam step ≈ lr)
    assertEquals(0.499, p.get(W).value[0], 1e-6);
    p.get(W).grad[0] = -0.1f;
    o.step(s);
    double m2 = 0.9 * m + 0.1 * -0.1;
    double v2 = 0.999 * v + 0.001 * 0.01;
    double lr2 = 1e-3 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
    assertEquals(w - lr2 * m2 / (Math.sqrt(v2) + 1e-7), p.get(W).value[0], 1e-7);
    assertEquals(m2, o.state().get("adam/m/" + W).get(0), 1e-8);
    assertEquals(v2, o.state().get("adam/v/" + W).get(0), 1e-10);
  }

  @Test
  @DisplayName("RMSprop: a = rho·a + (1-rho)·g²; w -= lr·g/(sqrt(a)+eps)")
  void rmsprop() {
    Parameters p = params(0.5f, 0.2f);
    Optimizer o = new Optimizer(p);
    o.step(OptimizerSpec.rmsprop()); // 1e-3, rho .9, eps 1e-7
    double a = 0.1 * 0.04;
    assertEquals(0.5 - 1e-3 * 0.2 / (Math.sqrt(a) + 1e-7), p.get(W).value[0], 1e-7);
    assertEquals(a, o.state().get("rmsprop/accum/" + W).get(0), 1e-9);
  }

  @Test
  @DisplayName("SGD: v = momentum·v - lr·g; w += v")
  void sgd() {
    Parameters p = params(0.5f, 0.2f);
    Optimizer o = new Optimizer(p);
    OptimizerSpec s = OptimizerSpec.sgd().withMomentum(0.9); // lr 0.01
    o.step(s);
    assertEquals(0.5 - 0.002, p.get(W).value[0], 1e-7);
    p.get(W).grad[0] = -0.1f;
    o.step(s);
    double v2 = 0.9 * -0.002 + 0.001;
    assertEquals(0.498 + v2, p.get(W).value[0], 1e-7);
    assertEquals(v2, o.state().get("sgd/momentum/" + W).get(0), 1e-9);
  }

  @Test
  @DisplayName("state round-trips (the core checks states before they arrive: OptimizerState)")
  void stateRoundTrip() {
    Parameters p = params(0.5f, 0.2f);
    Optimizer o = new Optimizer(p);
    o.step(OptimizerSpec.adam());
    ModelWeights st = o.state();
    assertTrue(st.names().contains("adam/m/" + ModelSpec.kernelName(0)), st.names().toString());
    Optimizer o2 = new Optimizer(new Parameters(SPEC));
    o2.restore(st);
    assertEquals(st, o2.state());
    assertEquals(1, o2.iterations());
  }

  @Test
  @DisplayName("AdamW by hand: w -= lr·(m̂/(sqrt(v̂)+eps) + wd·w) on a kernel weight; a bias "
      + "gets the same Adam step without decay")
  void adamwByHand() {
    String k = ModelSpec.kernelName(0); // [1, 1, 1, 4]: decayed
    Parameters p = new Parameters(SPEC);
    p.get(k).value[0] = 0.5f;
    p.get(k).grad[0] = 0.2f;
    p.get(W).value[0] = 0.5f; // bias [4]: not decayed
    p.get(W).grad[0] = 0.2f;
    Optimizer o = new Optimizer(p);
    OptimizerSpec s = OptimizerSpec.adamw(); // lr 1e-3, betas .9/.999, eps 1e-8, wd 1e-2
    o.step(s);
    // Step 1 by hand: m = 0.1·0.2 = 0.02, v = 0.001·0.04 = 4e-5; m̂ = 0.02/0.1 = 0.2,
    // v̂ = 4e-5/0.001 = 0.04, sqrt(v̂) = 0.2; m̂/(sqrt(v̂)+eps) = 0.2/0.20000001 = 0.99999995.
    // kernel: 0.5 - 1e-3·(0.99999995 + 0.01·0.5) = 0.5 - 0.00100499995 = 0.49899500005
    // bias:   0.5 - 1e-3·0.99999995 = 0.49900000005
    assertEquals(0.49899500005, p.get(k).value[0], 1e-7);
    assertEquals(0.49900000005, p.get(W).value[0], 1e-7);
    // Zero gradient elements of the kernel still decay: w·(1 - lr·wd) = w·0.99999.
    float w1 = p.get(k).value[1];
    assertEquals(0.0f, p.get(k).grad[1]);
    p.get(k).grad[0] = -0.1f;
    p.get(W).grad[0] = -0.1f;
    float k1 = p.get(k).value[0];
    float b1 = p.get(W).value[0];
    o.step(s);
    // Step 2: m = 0.9·0.02 + 0.1·(-0.1) = 0.008, v = 0.999·4e-5 + 0.001·0.01 = 4.996e-5;
    // m̂ = 0.008/0.19 = 0.042105263, v̂ = 4.996e-5/0.001999 = 0.024992496,
    // sqrt(v̂) = 0.158090152; m̂/(sqrt(v̂)+eps) = 0.266337...
    double ratio = (0.008 / 0.19) / (Math.sqrt(4.996e-5 / 0.001999) + 1e-8);
    assertEquals(0.2663369, ratio, 1e-6);
    assertEquals(k1 - 1e-3 * (ratio + 0.01 * k1), p.get(k).value[0], 1e-7);
    assertEquals(b1 - 1e-3 * ratio, p.get(W).value[0], 1e-7);
    assertEquals(w1 * 0.99999 * 0.99999, p.get(k).value[1], 1e-7);
    ModelWeights st = o.state();
    assertEquals(0.008, st.get("adamw/m/" + k).get(0), 1e-9);
    assertEquals(4.996e-5, st.get("adamw/v/" + k).get(0), 1e-11);
    assertEquals(2f, st.get(io.github.convlstm4j.api.OptimizerState.ITERATIONS).get(0));
  }

  @Test
  @DisplayName("clipping: a global gradient norm of 5 over three tensors is scaled to the max "
      + "norm; a norm below the max is untouched")
  void clipsGlobalNorm() {
    String k = ModelSpec.kernelName(0);
    String r = ModelSpec.recurrentKernelName(0);
    // Gradients 3 (kernel), 4 (recurrent kernel), 0 elsewhere, and a bias gradient of 0:
    // global L2 norm sqrt(9 + 16) = 5 (per tensor 3 and 4: clipping is global, not per tensor).
    for (double max : new double[] {1.0, 2.5, 10.0}) {
      Parameters p = new Parameters(SPEC);
      p.get(k).grad[0] = 3f;
      p.get(r).grad[2] = 4f;
      float k0 = p.get(k).value[0];
      float r0 = p.get(r).value[2];
      Optimizer o = new Optimizer(p);
      // Plain SGD with lr 1: the weight moves by exactly -g (clipped).
      o.step(OptimizerSpec.sgd().withLearningRate(1.0).withClipNorm(max));
      double c = max < 5 ? max / (5 + 1e-6) : 1.0; // clip_grad_norm_'s coefficient
      assertEquals(-3 * c, p.get(k).value[0] - k0, 1e-6, "kernel, max norm " + max);
      assertEquals(-4 * c, p.get(r).value[2] - r0, 1e-6, "recurrent kernel, max norm " + max);
      assertEquals(3f, p.get(k).grad[0], "the gradient arrays are not changed");
      if (max < 5) {
        double norm = Math.hypot(p.get(k).value[0] - k0, p.get(r).value[2] - r0);
        assertEquals(max, norm, 1e-5, "the applied step has the max norm");
      }
    }
  }
}

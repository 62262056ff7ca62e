package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a training step keeps (issue 18, target 3): per layer its gates and cell states, and
 * besides them two layer outputs (the layers take turns), one activation gradient and the
 * head's tap products; no buffer of pre-activation gradients, and no layer's {@code H} (the
 * backward pass recomputes it). And what the sharing must not change:
 * a second step on the same buffers gives the bits of a fresh network, kernels prepared again
 * in place after a weight change give the bits of fresh ones (F(2×2) and F(4×4); the test fails
 * when the kernel cache serves a stale kernel), and the output of the pass is intact after the
 * backward pass.
 */
class TrainingMemoryTest {

  static final int N = 2;
  static final int T = 40;
  static final int H = 16;
  static final int W = 16;
  static final int F = 8;
  static final int LAYERS = 3;

  /** The seed model's structure, scaled down: ConvLSTM + BN layers, then a Conv3D head. */
  static ModelSpec seedLike(boolean head) {
    return seedLike(LAYERS, head);
  }

  static ModelSpec seedLike(int layers, boolean head) {
    ModelSpec.Builder b = ModelSpec.builder(1);
    for (int i = 0; i < layers; i++) {
      b.addLayer(ConvLstmLayerSpec.of(F).withRecurrentActivation(Activation.HARD_SIGMOID))
          .addLayer(BatchNormSpec.keras());
    }
    if (head) {
      b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME));
    }
    return b.seed(7).build();
  }

  /** The model's parameters with Keras' initial weights (seeded by the spec). */
  static Parameters initialized(ModelSpec spec) {
    Parameters p = new Parameters(spec);
    p.load(KerasInitializers.initialWeights(spec));
    return p;
  }

  /** One training step (forward with batch statistics, backward) on fixed random data. */
  static double step(Network net) {
    Random r = new Random(11);
    float[] x = net.prepareInput(N, T, H, W);
    for (int e = 0; e < T * N * H * W; e++) {
      x[e] = r.nextFloat();
    }
    float[] y = new float[net.outputFrames() * N * net.outputFrameSize()];
    for (int e = 0; e < y.length; e++) {
      y[e] = r.nextFloat();
    }
    net.forward(Network.Mode.TRAINING, true);
    return net.backward(Loss.BINARY_CROSSENTROPY, y, false);
  }

  static float[][] gradients(Parameters p) {
    return p.all().stream().filter(Param::trainable).map(q -> q.grad.clone())
        .toArray(float[][]::new);
  }

  @ParameterizedTest
  @EnumSource(value = ConvolutionAlgorithm.class, names = {"WINOGRAD", "WINOGRAD4"})
  void aTrainingStepKeepsGatesCellsAndStatesPerLayerAndLittleElse(ConvolutionAlgorithm c) {
    ModelSpec spec = seedLike(true);
    Parallel par = new Parallel(2);
    try (Network net = new Network(spec, initialized(spec), par, MatMuls.best(2), c)) {
      step(net);
      long bytes = net.arenaBytes();
      step(net);
      assertEquals(bytes, net.arenaBytes(), "a second step of the same shape allocates nothing");
      // The bound, by hand from the shapes. Per frame and position a layer keeps its 4F gate
      // activations and F cell states: 5F floats. Besides the layers: two layer outputs (2F,
      // H then the batch norm in place), one activation gradient (F; the largest activation,
      // the input having one channel) and the head's tap products (27 taps x 1 filter):
      // 3F + 27.
      long frameFloats = (long) T * N * H * W;
      long kept = frameFloats * (LAYERS * 5L * F + 3L * F + 27);
      // Plus the input, the target and the output (one channel each: 3 per frame and
      // position) and buffers that do not grow with the frames (Winograd tiles of a block of
      // images per thread, transformed kernels, one-step states: about 0.5M floats here),
      // allowed 2^20 floats. The code before issue 18's target 3 kept also a dz buffer (4F),
      // a batch-norm output per layer (LAYERS - 1 more) and a second gradient buffer (F):
      // 7F = 56 floats more per frame and position, 1.15M floats with these shapes, more
      // than the allowance. (The H of every layer, kept until session 10, is pinned by the
      // next test: its LAYERS - 1 = 2F floats more are within the allowance here.)
      long bound = (kept + 3 * frameFloats + (1 << 20)) * Float.BYTES;
      assertTrue(bytes <= bound, "arena after a training step: expected at most " + bound
          + " bytes, got " + bytes);
    }
  }

  @ParameterizedTest
  @EnumSource(value = ConvolutionAlgorithm.class, names = {"WINOGRAD", "WINOGRAD4"})
  void aLayerMoreKeepsOnlyItsGatesAndCells(ConvolutionAlgorithm c) {
    // Another ConvLSTM + BN layer of the same shape adds exactly its gates (4F) and cell
    // states (F) per frame and position to what a training step holds: the layers' outputs
    // H live in two buffers whatever the depth (recomputed for the backward pass), and every
    // other buffer is per network. Keeping H per layer, as before session 10, adds F more.
    long[] bytes = new long[2];
    for (int k = 0; k < 2; k++) {
      ModelSpec spec = seedLike(LAYERS + k, true);
      try (Network net = new Network(spec, initialized(spec), new Parallel(2),
          MatMuls.best(2), c)) {
        step(net);
        bytes[k] = net.arenaBytes();
      }
    }
    long frameFloats = (long) T * N * H * W;
    assertEquals(frameFloats * 5L * F * Float.BYTES, bytes[1] - bytes[0],
        "bytes a training step holds for one more layer");
  }

  @Test
  void aStepOnReusedBuffersEqualsAStepOnFreshOnes() {
    ModelSpec spec = seedLike(true);
    Parallel par = new Parallel(2);
    Parameters pa = initialized(spec);
    Parameters pb = initialized(spec);
    try (Network a = new Network(spec, pa, par, MatMuls.best(2));
        Network b = new Network(spec, pb, par, MatMuls.best(2))) {
      // a runs a step on other data first, so its buffers (the gate buffers that held dz,
      // the shared batch-norm output) hold stale values; b starts fresh. The moving
      // statistics the first step updates play no part in a training step.
      float[] x = a.prepareInput(N, T, H, W);
      Arrays.fill(x, 0, T * N * H * W, 0.25f);
      a.forward(Network.Mode.TRAINING, false);
      a.backward(Loss.MSE, new float[a.outputFrames() * N * a.outputFrameSize()], false);
      double la = step(a);
      double lb = step(b);
      assertEquals(lb, la, 0.0, "loss");
      float[][] ga = gradients(pa);
      float[][] gb = gradients(pb);
      boolean nonZero = false;
      for (int i = 0; i < ga.length; i++) {
        assertArrayEquals(gb[i], ga[i], 0f, "gradient " + i);
        for (float v : ga[i]) {
          nonZero |= v != 0f;
        }
      }
      assertTrue(nonZero, "non-trivial gradients");
    }
  }

  @ParameterizedTest
  @EnumSource(value = ConvolutionAlgorithm.class, names = {"WINOGRAD", "WINOGRAD4"})
  void kernelsPreparedAgainInPlaceAfterAWeightChangeEqualFreshOnes(ConvolutionAlgorithm c) {
    // The network keeps its prepared Winograd kernels (forward and adjoint) and, when the
    // weights change, transforms and packs them again into the same arrays. A network that
    // stepped with the initial weights and then with changed ones must give the bits of a
    // fresh network that only ever saw the changed weights; a stale kernel would not.
    ModelSpec spec = seedLike(true);
    Parallel par = new Parallel(2);
    Parameters pa = initialized(spec);
    Parameters pb = initialized(spec);
    try (Network a = new Network(spec, pa, par, MatMuls.best(2), c);
        Network b = new Network(spec, pb, par, MatMuls.best(2), c)) {
      double before = step(a);
      perturbKernels(pa);
      perturbKernels(pb);
      double la = step(a);
      double lb = step(b);
      assertTrue(la != before, "the changed weights change the loss");
      assertEquals(lb, la, 0.0, "loss");
      float[][] ga = gradients(pa);
      float[][] gb = gradients(pb);
      for (int i = 0; i < ga.length; i++) {
        assertArrayEquals(gb[i], ga[i], 0f, "gradient " + i);
      }
    }
  }

  /** Adds a small deterministic pattern to every ConvLSTM kernel and recurrent kernel. */
  private static void perturbKernels(Parameters p) {
    for (Param q : p.all()) {
      if (q.trainable() && (q.name.endsWith("/kernel")
          || q.name.endsWith("/recurrent_kernel"))) {
        for (int i = 0; i < q.value.length; i++) {
          q.value[i] += 0.01f * ((i % 7) - 3);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, LAYERS})
  void theOutputOfThePassIsIntactAfterTheBackwardPass(int layers) {
    // No head: the output is the last layer's batch-norm output, in the buffer that the
    // backward pass reuses for the layers' inputs and the last layer's one-step gates.
    ModelSpec spec = seedLike(layers, false);
    Parallel par = new Parallel(1);
    try (Network net = new Network(spec, initialized(spec), par, MatMuls.best(1))) {
      Random r = new Random(3);
      float[] x = net.prepareInput(N, T, H, W);
      for (int e = 0; e < T * N * H * W; e++) {
        x[e] = r.nextFloat();
      }
      net.forward(Network.Mode.TRAINING, false);
      float[] out = Arrays.copyOfRange(net.output(), net.outputOffset(),
          net.outputOffset() + net.outputSize());
      assertTrue(out[0] != out[1] || out[1] != out[2], "a non-trivial output");
      float[] y = new float[net.outputSize()];
      net.backward(Loss.MSE, y, false);
      assertArrayEquals(out, Arrays.copyOfRange(net.output(), net.outputOffset(),
          net.outputOffset() + net.outputSize()), 0f);
    }
  }
}

package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A tiny random model, input shape and weights, all derived from one seed and the
 * capabilities the backend declares, so that a failing case is reproduced by its seed alone.
 * Sizes stay small: 1–2 layers, 1–4 filters, frames up to 7×7, up to 4 time steps.
 *
 * @param seed the seed every part derives from
 * @param spec the model (its initializer seed is {@code seed})
 * @param frames time steps T of the input
 * @param inputShape frame shape of the input
 */
record RandomCase(long seed, ModelSpec spec, int frames, FrameShape inputShape) {

  /**
   * Derives a case from a seed, using only features in {@code allowed}.
   *
   * @param seed the seed
   * @param allowed capabilities the backend declares
   * @return the case
   */
  static RandomCase of(long seed, Set<Capability> allowed) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
    int cin = 1 + r.nextInt(2);
    int n = 1 + r.nextInt(2);
    ModelSpec.Builder b = ModelSpec.builder(cin).seed(seed);
    int minHeight = 1;
    int minWidth = 1;
    // The paper's cell options draw from a stream of their own, so the cases drawn before they
    // existed keep every other choice.
    Random paper = new Random(seed * 0x2545F4914F6CDD1DL + 29);
    for (int i = 0; i < n; i++) {
      boolean last = i == n - 1;
      int f = 1 + r.nextInt(4);
      int kh = kernel(r, allowed);
      int kw = kernel(r, allowed);
      Padding p = allowed.contains(Capability.VALID_PADDING) && r.nextInt(3) == 0
          ? Padding.VALID : Padding.SAME;
      if (p == Padding.VALID) {
        minHeight += kh - 1;
        minWidth += kw - 1;
      }
      Activation ra = allowed.contains(Capability.HARD_SIGMOID) && r.nextInt(5) < 2
          ? Activation.HARD_SIGMOID : Activation.SIGMOID;
      int pick = r.nextInt(6);
      Activation act = pick == 0 ? Activation.RELU : pick == 1 ? Activation.LINEAR
          : Activation.TANH;
      boolean bias = r.nextInt(5) != 0;
      boolean seq = !(last && allowed.contains(Capability.LAST_STEP_ONLY) && r.nextInt(4) == 0);
      boolean bn = allowed.contains(Capability.BATCH_NORM) && r.nextInt(10) < 3;
      boolean peephole = allowed.contains(Capability.PEEPHOLES) && paper.nextInt(3) == 0;
      boolean ownRecurrent = allowed.contains(Capability.RECURRENT_KERNEL_SIZE)
          && paper.nextInt(3) == 0;
      int rkh = ownRecurrent ? kernel(paper, allowed) : kh;
      int rkw = ownRecurrent ? kernel(paper, allowed) : kw;
      b.addLayer(new ConvLstmLayerSpec(f, kh, kw, p, act, ra, bias, bias, seq, rkh, rkw,
          peephole));
      if (bn) {
        b.addLayer(BatchNormSpec.keras());
      }
    }
    if (allowed.contains(Capability.CONV3D_HEAD) && r.nextBoolean()) {
      int pick = r.nextInt(3);
      Activation act = pick == 0 ? Activation.LINEAR : pick == 1 ? Activation.TANH
          : Activation.SIGMOID;
      int kt = allowed.contains(Capability.EVEN_KERNELS) ? 1 + r.nextInt(3) : 1 + 2 * r.nextInt(2);
      b.addLayer(new Conv3dHeadSpec(1 + r.nextInt(2), kt, kernel(r, allowed), kernel(r, allowed),
          act, r.nextBoolean() ? TimePadding.SAME : TimePadding.CAUSAL));
    }
    int t = 1 + r.nextInt(4);
    int h = Math.max(minHeight, 2 + r.nextInt(6));
    int w = Math.max(minWidth, 2 + r.nextInt(6));
    return new RandomCase(seed, b.build(), t, new FrameShape(h, w, cin));
  }

  private static int kernel(Random r, Set<Capability> allowed) {
    if (allowed.contains(Capability.EVEN_KERNELS)) {
      return 1 + r.nextInt(3);
    }
    return r.nextBoolean() ? 1 : 3;
  }

  /**
   * Seeded random weights that fit the spec: kernels and biases uniform in [-0.6, 0.6),
   * batch-normalization gamma in [0.5, 1.5), beta and moving mean in [-0.3, 0.3), moving
   * variance in [0.5, 1.5).
   *
   * @param salt varies the weights for the same case
   * @return the weights
   */
  ModelWeights randomWeights(long salt) {
    return randomWeights(spec, seed * 31 + salt);
  }

  /**
   * Seeded random weights for any spec (see {@link #randomWeights(long)}).
   *
   * @param spec the model
   * @param seed the seed
   * @return the weights
   */
  static ModelWeights randomWeights(ModelSpec spec, long seed) {
    Random r = new Random(seed);
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : spec.weightShapes().entrySet()) {
      int size = e.getValue().stream().reduce(1, (a, c) -> a * c);
      float[] v = new float[size];
      String name = e.getKey();
      for (int i = 0; i < size; i++) {
        double u = r.nextDouble();
        if (name.endsWith("/gamma") || name.endsWith("/moving_variance")) {
          v[i] = (float) (0.5 + u);
        } else if (name.endsWith("/beta") || name.endsWith("/moving_mean")) {
          v[i] = (float) (0.6 * u - 0.3);
        } else {
          v[i] = (float) (1.2 * u - 0.6);
        }
      }
      b.put(name, Tensor.of(e.getValue(), v));
    }
    return b.build();
  }

  /**
   * A seeded random input with values in [0, 1).
   *
   * @param salt varies the input for the same case
   * @return {@code frames × inputShape}
   */
  FrameSequence randomInput(long salt) {
    return randomSequence(frames, inputShape, seed * 131 + salt);
  }

  /**
   * A seeded random sequence with values in [0, 1).
   *
   * @param frames time steps
   * @param shape frame shape
   * @param seed the seed
   * @return the sequence
   */
  static FrameSequence randomSequence(int frames, FrameShape shape, long seed) {
    Random r = new Random(seed);
    float[] v = new float[frames * shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return FrameSequence.of(frames, shape, v);
  }

  /**
   * A seeded random target of the network's output shape, values in [0, 1).
   *
   * @param salt varies the target
   * @return {@code outputFrames × outputFrameShape}
   */
  FrameSequence randomTarget(long salt) {
    return randomSequence(spec.outputFrames(frames), spec.outputFrameShape(inputShape),
        seed * 1009 + salt);
  }

  /**
   * Whether the output frame shape equals the input frame shape, so that
   * {@code forecast} can run.
   *
   * @return true if outputs can be fed back
   */
  boolean canForecast() {
    return spec.outputFrameShape(inputShape).equals(inputShape);
  }

  /**
   * A short description that names the seed and every shape, used as a display name.
   *
   * @return for example {@code seed 3: input 2x5x4x1, layers [2f 3x1 SAME tanh/sigmoid]}
   */
  String describe() {
    List<String> ls = new ArrayList<>();
    for (int i = 0; i < spec.convLstmLayers().size(); i++) {
      ConvLstmLayerSpec l = spec.convLstmLayers().get(i);
      ls.add(l.filters() + "f " + l.kernelHeight() + "x" + l.kernelWidth() + " " + l.padding()
          + " " + l.activation().name().toLowerCase() + "/"
          + l.recurrentActivation().name().toLowerCase()
          + (l.useBias() ? "" : " nobias")
          + (l.returnSequences() ? "" : " last-step")
          + (spec.batchNormAfter(i).isPresent() ? " +bn" : ""));
    }
    String head = spec.head().map(h -> ", head " + h.filters() + "f " + h.kernelTime() + "x"
        + h.kernelHeight() + "x" + h.kernelWidth() + " " + h.timePadding() + " "
        + h.activation().name().toLowerCase()).orElse("");
    return "seed " + seed + ": input " + frames + "x" + inputShape + ", layers " + ls + head;
  }

  @Override
  public String toString() {
    return describe();
  }
}

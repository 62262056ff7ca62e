package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.convlstm4j.testkit.KitSupport.dynamicTest;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LearningRateSchedule;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Numerics. Golden values come from three independent sources: the scalar LSTM equations
 * (a 1×1 frame makes a ConvLSTM an LSTM), a closed form for hard-sigmoid clipping, and a plain
 * double-precision forward ({@link PlainConvLstm}) with a finite-difference gradient; the
 * reference backend is the oracle for losses and every optimizer's step.
 */
abstract class NumericsContract extends Contract {

  // ---- scalar LSTM: the design's equations on one pixel, in plain double code ----

  /**
   * The LSTM equations of the design on a single pixel: {@code z = W·x + b + U·h},
   * gates i, f, c, o in that order.
   *
   * @param x inputs per step, {@code [T][C]}
   * @param w input weights, {@code [C][4F]} flattened
   * @param u recurrent weights, {@code [F][4F]} flattened
   * @param b bias {@code [4F]} or null
   * @return hidden outputs per step, {@code [T][F]}
   */
  static double[][] scalarLstm(double[][] x, float[] w, float[] u, float[] b, int f,
      Activation act, Activation ra) {
    int g4 = 4 * f;
    double[] h = new double[f];
    double[] c = new double[f];
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      double[] z = new double[g4];
      for (int g = 0; g < g4; g++) {
        z[g] = b == null ? 0 : b[g];
        for (int ch = 0; ch < x[t].length; ch++) {
          z[g] += x[t][ch] * w[ch * g4 + g];
        }
        for (int k = 0; k < f; k++) {
          z[g] += h[k] * u[k * g4 + g];
        }
      }
      double[] nh = new double[f];
      for (int k = 0; k < f; k++) {
        double i = ra.apply(z[k]);
        double fg = ra.apply(z[f + k]);
        double cand = act.apply(z[2 * f + k]);
        double o = ra.apply(z[3 * f + k]);
        c[k] = fg * c[k] + i * cand;
        nh[k] = o * act.apply(c[k]);
      }
      h = nh;
      out[t] = nh.clone();
    }
    return out;
  }

  private static float[] uniform(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * (2 * r.nextDouble() - 1));
    }
    return v;
  }

  /** Runs a 1×1-frame case against the scalar equations. */
  private void checkAgainstScalar(ModelSpec spec, float[] wTap, float[] uTap, long seed) {
    ConvLstmLayerSpec l = spec.convLstmLayers().get(0);
    int f = l.filters();
    int cin = spec.inputChannels();
    int frames = 4;
    Random r = new Random(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    int kh = l.kernelHeight();
    int kw = l.kernelWidth();
    float[] kernel = uniform(r, kh * kw * cin * 4 * f, 1.5);
    float[] recurrent = uniform(r, kh * kw * f * 4 * f, 1.5);
    float[] bias = l.useBias() ? uniform(r, 4 * f, 1.0) : null;
    m.put(ModelSpec.kernelName(0), Tensor.of(new int[] {kh, kw, cin, 4 * f}, kernel));
    m.put(ModelSpec.recurrentKernelName(0), Tensor.of(new int[] {kh, kw, f, 4 * f}, recurrent));
    if (bias != null) {
      m.put(ModelSpec.biasName(0), Tensor.of(new int[] {4 * f}, bias));
    }
    FrameSequence input = RandomCase.randomSequence(frames, FrameShape.of(1, 1, cin), seed + 1);
    double[][] x = new double[frames][cin];
    for (int t = 0; t < frames; t++) {
      for (int ch = 0; ch < cin; ch++) {
        x[t][ch] = input.get(t, 0, 0, ch);
      }
    }
    // the only taps that ever meet the 1x1 frame: (tapRow, tapCol) given by the caller
    int tapRow = (int) wTap[0];
    int tapCol = (int) wTap[1];
    float[] w = new float[cin * 4 * f];
    float[] u = new float[f * 4 * f];
    System.arraycopy(kernel, (tapRow * kw + tapCol) * cin * 4 * f, w, 0, w.length);
    System.arraycopy(recurrent, ((int) uTap[0] * kw + (int) uTap[1]) * f * 4 * f, u, 0,
        u.length);
    double[][] expected = scalarLstm(x, w, u, bias, f, l.activation(), l.recurrentActivation());
    try (Forecaster fc = kit().create(spec, ModelWeights.of(m))) {
      FrameSequence out = fc.predict(input);
      assertEquals(frames + "x1x1x" + f, out.shapeString(), "output shape");
      for (int t = 0; t < frames; t++) {
        for (int k = 0; k < f; k++) {
          double e = expected[t][k];
          float a = out.get(t, 0, 0, k);
          int tt = t;
          int kk = k;
          assertTrue(kit().tolerances().forwardAccepts(e, a),
              () -> "step " + tt + ", unit " + kk + ": the LSTM equations give " + e
                  + ", the backend " + a);
        }
      }
    }
  }

  @TestFactory
  @DisplayName("a 1x1 kernel on a 1x1 frame computes the scalar LSTM equations")
  List<DynamicTest> scalarLstmEquations() {
    Activation[][] pairs = {
        {Activation.TANH, Activation.SIGMOID},
        {Activation.TANH, Activation.HARD_SIGMOID},
        {Activation.RELU, Activation.SIGMOID},
        {Activation.LINEAR, Activation.SIGMOID}};
    List<DynamicTest> tests = new ArrayList<>();
    long seed = 51;
    for (Activation[] p : pairs) {
      for (boolean bias : new boolean[] {true, false}) {
        long s = seed++;
        String name = "seed " + s + ": " + p[0].name().toLowerCase() + "/"
            + p[1].name().toLowerCase() + (bias ? "" : " without bias")
            + ", 2 inputs, 2 units, 4 steps";
        tests.add(dynamicTest(name, () -> {
          ModelSpec spec = ModelSpec.builder(2).seed(s).addLayer(new ConvLstmLayerSpec(2, 1, 1,
              Padding.SAME, p[0], p[1], bias, false, true)).build();
          checkAgainstScalar(spec, new float[] {0, 0}, new float[] {0, 0}, s);
        }));
      }
    }
    return tests;
  }

  @TestFactory
  @DisplayName("SAME kernels on a 1x1 frame use only tap ((kh-1)/2, (kw-1)/2), also for even sizes")
  List<DynamicTest> sameKernelCentreTap() {
    // taps worked out by hand from "total/2 before": 3 -> 1, 2 -> 0, 4 -> 1, 1 -> 0
    int[][] rows = {{3, 3, 1, 1}, {2, 2, 0, 0}, {4, 3, 1, 1}, {1, 2, 0, 0}, {2, 4, 0, 1}};
    List<DynamicTest> tests = new ArrayList<>();
    long seed = 61;
    for (int[] row : rows) {
      long s = seed++;
      tests.add(dynamicTest("seed " + s + ": kernel " + row[0] + "x" + row[1] + " uses tap ("
          + row[2] + ", " + row[3] + ")", () -> {
            ModelSpec spec = ModelSpec.builder(1).seed(s)
                .addLayer(ConvLstmLayerSpec.of(2).withKernel(row[0], row[1])).build();
            checkAgainstScalar(spec, new float[] {row[2], row[3]}, new float[] {row[2], row[3]},
                s);
          }));
    }
    return tests;
  }

  @Test
  @DisplayName("HARD_SIGMOID gates clip: preactivations 1, -5, 3 give gates 0.7, 0, 1 exactly")
  void hardSigmoidClips() {
    // One unit, one input, 1x1 kernel and frame. Kernel: only the candidate gets the input
    // (weight 1); recurrent kernel zero; bias i=1, f=-5, c=0, o=3. Hand calculation with
    // hard_sigmoid(x) = clip(0.2x + 0.5, 0, 1): i = 0.7, f = 0 (clipped), o = 1 (clipped),
    // so C_t = 0.7 tanh(x_t) and H_t = tanh(0.7 tanh(x_t)), with no memory of earlier steps.
    ModelSpec spec = ModelSpec.builder(1).seed(71).addLayer(new ConvLstmLayerSpec(1, 1, 1,
        Padding.SAME, Activation.TANH, Activation.HARD_SIGMOID, true, false, true))
        .build();
    ModelWeights w = ModelWeights.builder()
        .put(ModelSpec.kernelName(0), Tensor.of(new int[] {1, 1, 1, 4}, new float[] {0, 0, 1, 0}))
        .put(ModelSpec.recurrentKernelName(0), Tensor.zeros(1, 1, 1, 4))
        .put(ModelSpec.biasName(0), Tensor.of(new int[] {4}, new float[] {1, -5, 0, 3}))
        .build();
    float[] xs = {0.5f, -1.0f, 2.0f};
    FrameSequence input = FrameSequence.of(3, 1, 1, 1, xs);
    try (Forecaster f = kit().create(spec, w)) {
      FrameSequence out = f.predict(input);
      for (int t = 0; t < xs.length; t++) {
        double expected = Math.tanh(0.7 * Math.tanh(xs[t]));
        float actual = out.get(t, 0, 0, 0);
        int tt = t;
        assertTrue(kit().tolerances().forwardAccepts(expected, actual),
            () -> "step " + tt + ": tanh(0.7 tanh(" + xs[tt] + ")) = " + expected
                + ", backend gave " + actual + " (a smooth sigmoid would give another value)");
      }
    }
  }

  @TestFactory
  @DisplayName("random models: predict matches a plain double-precision forward of the equations")
  List<DynamicTest> matchesPlainForward() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        ModelWeights w = c.randomWeights(1);
        FrameSequence in = c.randomInput(1);
        try (Forecaster f = kit().create(c.spec(), w)) {
          kit().assertForwardClose(PlainConvLstm.predict(c.spec(), w, in), f.predict(in),
              "predict against the plain forward");
        }
      }));
    }
    return tests;
  }

  @TestFactory
  @DisplayName("random models: predict agrees with the reference backend")
  List<DynamicTest> agreesWithReferenceForward() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 100, kit().declared());
      tests.add(dynamicTest(c.describe(), () -> {
        ModelWeights w = c.randomWeights(2);
        FrameSequence in = c.randomInput(2);
        try (Forecaster f = kit().create(c.spec(), w);
            Forecaster ref = KitSupport.reference(c.spec(), w)) {
          kit().assertForwardClose(ref.predict(in), f.predict(in),
              "predict against the reference backend");
        }
      }));
    }
    return tests;
  }

  @TestFactory
  @DisplayName("random models: evaluate gives the mean loss of the plain forward and of the reference")
  List<DynamicTest> evaluateAgrees() {
    List<DynamicTest> tests = new ArrayList<>();
    for (long seed : kit().seeds()) {
      RandomCase c = RandomCase.of(seed + 200, kit().declared());
      for (Loss loss : Loss.values()) {
        tests.add(dynamicTest(c.describe() + ", " + loss, () -> {
          ModelWeights w = c.randomWeights(3);
          List<FrameSequence> ins = List.of(c.randomInput(3), c.randomInput(4), c.randomInput(5));
          List<FrameSequence> ts = List.of(c.randomTarget(3), c.randomTarget(4),
              c.randomTarget(5));
          SequenceDataset data = SequenceDataset.of(ins, ts);
          double sum = 0;
          long n = 0;
          for (int i = 0; i < ins.size(); i++) {
            PlainConvLstm.Block out = PlainConvLstm.predict(c.spec(), w, ins.get(i));
            sum += PlainConvLstm.lossSum(loss, out.data(), ts.get(i).toArray());
            n += out.data().length;
          }
          double expected = sum / n;
          try (Forecaster f = kit().create(c.spec(), w);
              Forecaster ref = KitSupport.reference(c.spec(), w)) {
            double actual = f.evaluate(data, loss);
            kit().assertLossClose(expected, actual, loss + " from evaluate against the plain forward");
            kit().assertLossClose(ref.evaluate(data, loss), actual,
                loss + " from evaluate against the reference backend");
          }
        }));
      }
    }
    return tests;
  }

  private static Loss lossFor(ModelSpec spec) {
    return spec.head().map(h -> h.activation() == Activation.SIGMOID).orElse(false)
        ? Loss.BINARY_CROSSENTROPY : Loss.MSE;
  }

  @TestFactory
  @DisplayName("random models: the training recipe (AdamW with weight decay or SGD with momentum, "
      + "gradient clipping, a OneCycle or cosine schedule) over 3 steps gives the reference's "
      + "weights and optimizer state")
  List<DynamicTest> recipeAgreesWithReference() {
    List<DynamicTest> tests = new ArrayList<>();
    long[] seeds = kit().seeds();
    // Clip norms small enough to clip every step (SGD shows clipping directly, AdamW mostly
    // normalizes it away); the schedules span exactly these 3 steps.
    OptimizerSpec[] optimizers = {
      OptimizerSpec.adamw().withWeightDecay(0.1).withClipNorm(1e-3),
      OptimizerSpec.sgd().withLearningRate(0.5).withMomentum(0.9).withClipNorm(1e-2)};
    LearningRateSchedule[] schedules = {
      LearningRateSchedule.oneCycle(1e-3, 3), LearningRateSchedule.cosine(3)};
    for (int s = 0; s < Math.min(2, seeds.length); s++) {
      RandomCase c = RandomCase.of(seeds[s] + 400, kit().declared());
      Loss loss = lossFor(c.spec());
      for (int k = 0; k < optimizers.length; k++) {
        OptimizerSpec opt = optimizers[k];
        LearningRateSchedule schedule = schedules[k];
        tests.add(dynamicTest(c.describe() + ", " + loss + ", " + opt.type() + " clip "
            + opt.clipNorm() + ", " + schedule + ", 3 batches of 2", () -> {
          kit().assumeDeclared(Capability.TRAINING);
          ModelWeights w = c.randomWeights(5);
          List<FrameSequence> in = new ArrayList<>();
          List<FrameSequence> out = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            in.add(c.randomInput(10 + i));
            out.add(c.randomTarget(10 + i));
          }
          SequenceDataset data = SequenceDataset.of(in, out);
          TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
              .withShuffle(false).withLoss(loss).withSeed(c.seed()).withOptimizer(opt)
              .withSchedule(schedule);
          try (Forecaster f = kit().create(c.spec(), w);
              Forecaster ref = KitSupport.reference(c.spec(), w)) {
            RecordingListener mine = new RecordingListener();
            RecordingListener theirs = new RecordingListener();
            f.fit(data, cfg, mine);
            ref.fit(data, cfg, theirs);
            for (int b = 0; b < 3; b++) {
              kit().assertLossClose(theirs.batches().get(b).loss(), mine.batches().get(b).loss(),
                  "loss of batch " + (b + 1));
            }
            kit().assertStepClose(ref.weights(), f.weights(), "weights after 3 recipe steps");
            ModelWeights st = f.checkpoint().optimizerState();
            assertEquals(3L, OptimizerState.iterations(st), "optimizer steps in the state");
            assertEquals(ref.checkpoint().optimizerState().names(), st.names(),
                "optimizer state names");
          }
        }));
      }
    }
    return tests;
  }

  @TestFactory
  @DisplayName("random models: one optimizer step gives the reference's weights, loss and events")
  List<DynamicTest> oneStepAgreesWithReference() {
    List<DynamicTest> tests = new ArrayList<>();
    long[] seeds = kit().seeds();
    for (int s = 0; s < Math.min(3, seeds.length); s++) {
      RandomCase c = RandomCase.of(seeds[s] + 300, kit().declared());
      for (OptimizerType type : OptimizerType.values()) {
        OptimizerSpec opt = OptimizerSpec.defaults(type);
        Loss loss = lossFor(c.spec());
        tests.add(dynamicTest(c.describe() + ", " + type + ", " + loss + ", 1 batch of 2",
            () -> {
              kit().assumeDeclared(Capability.TRAINING);
              ModelWeights w = c.randomWeights(4);
              SequenceDataset data = SequenceDataset.of(
                  List.of(c.randomInput(6), c.randomInput(7)),
                  List.of(c.randomTarget(6), c.randomTarget(7)));
              TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
                  .withShuffle(false).withLoss(loss).withOptimizer(opt).withSeed(c.seed());
              try (Forecaster f = kit().create(c.spec(), w);
                  Forecaster ref = KitSupport.reference(c.spec(), w)) {
                RecordingListener mine = new RecordingListener();
                RecordingListener theirs = new RecordingListener();
                f.fit(data, cfg, mine);
                ref.fit(data, cfg, theirs);
                assertEquals(1, mine.batches().size(), "batch events for 2 samples in batches of 2");
                BatchEvent b = mine.batches().get(0);
                kit().assertLossClose(theirs.batches().get(0).loss(), b.loss(),
                    "loss of the batch (before the update)");
                kit().assertLossClose(theirs.epochs().get(0).loss(), mine.epochs().get(0).loss(),
                    "loss of the epoch");
                kit().assertStepClose(ref.weights(), f.weights(), type + " weights after one step");
                kit().assertLossClose(ref.evaluate(data, loss), f.evaluate(data, loss),
                    "evaluate after the step");
              }
            }));
      }
    }
    return tests;
  }

  @TestFactory
  @DisplayName("an SGD step equals w - lr * the finite-difference gradient of the plain forward")
  List<DynamicTest> sgdStepMatchesFiniteDifferences() {
    List<DynamicTest> tests = new ArrayList<>();
    ModelSpec plain = ModelSpec.builder(1).seed(81)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3)).build();
    ModelSpec headed = ModelSpec.builder(1).seed(82)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3))
        .addLayer(new Conv3dHeadSpec(1, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build();
    tests.add(dynamicTest("seed 81: input 3x4x4x1, layers [2f 3x3 SAME tanh/sigmoid], MSE",
        () -> checkSgdStep(plain, Loss.MSE, 81)));
    tests.add(dynamicTest("seed 82: input 3x4x4x1, layers [2f 3x3 SAME tanh/sigmoid], head 1f "
        + "2x3x3 CAUSAL sigmoid, BINARY_CROSSENTROPY",
        () -> checkSgdStep(headed, Loss.BINARY_CROSSENTROPY, 82)));
    ModelSpec patched = ModelSpec.builder(1).seed(83).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new Conv3dHeadSpec(4, 2, 1, 1, Activation.SIGMOID, TimePadding.CAUSAL))
        .addLayer(new DepthToSpaceSpec(2)).build();
    tests.add(dynamicTest("seed 83: input 3x4x4x1, layers [space-to-depth 2, 2f 3x3 SAME "
        + "tanh/sigmoid, head 4f 2x1x1 CAUSAL sigmoid, depth-to-space 2], BINARY_CROSSENTROPY",
        () -> checkSgdStep(patched, Loss.BINARY_CROSSENTROPY, 83)));
    tests.add(dynamicTest("seed 84: input 3x4x4x1, layers [2f 3x3 SAME tanh/sigmoid, conv2d "
        + "head 2f 3x3 SAME sigmoid], BINARY_CROSSENTROPY", () -> {
          kit().assumeDeclared(Capability.FRAME_LAYERS);
          checkSgdStep(conv2dHead(84, false), Loss.BINARY_CROSSENTROPY, 84);
        }));
    tests.add(dynamicTest("seed 85: input 3x4x4x1, layers [2f 3x3 SAME tanh/sigmoid last step, "
        + "flatten, dense 3 sigmoid], BINARY_CROSSENTROPY", () -> {
          kit().assumeDeclared(Capability.FRAME_LAYERS);
          checkSgdStep(classifier(85), Loss.BINARY_CROSSENTROPY, 85);
        }));
    return tests;
  }

  /**
   * A ConvLSTM layer (2 filters, 3×3), optionally its batch normalization, and a Conv2D head
   * (2 filters, 3×3 SAME, sigmoid) on every frame.
   */
  static ModelSpec conv2dHead(long seed, boolean batchNorm) {
    ModelSpec.Builder b = ModelSpec.builder(1).seed(seed)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3));
    if (batchNorm) {
      b.addLayer(BatchNormSpec.keras());
    }
    return b.addLayer(new Conv2dSpec(2, 3, 3, 1, 1, Padding.SAME, Activation.SIGMOID, true))
        .build();
  }

  /**
   * A classifier of 3 frames of 4×4×1: a ConvLSTM layer (2 filters, 3×3, last step only),
   * flatten (32 values), dense (3 units, sigmoid): one 1×1 frame of 3 channels per sequence.
   */
  static ModelSpec classifier(long seed) {
    return ModelSpec.builder(1).seed(seed).inputShape(3, 4, 4)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3).withReturnSequences(false))
        .addLayer(new FlattenSpec())
        .addLayer(new DenseSpec(3, Activation.SIGMOID, true)).build();
  }

  @TestFactory
  @DisplayName("dropout and recurrent dropout: two training steps (the core's seeded masks) give "
      + "the reference's losses and weights")
  List<DynamicTest> dropoutStepsAgreeWithReference() {
    ModelSpec stacked = ModelSpec.builder(1).seed(88)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(3, 3).withDropout(0.3, 0.4))
        .addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3).withDropout(0, 0.5)).build();
    ModelSpec headed = ModelSpec.builder(1).seed(89)
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(3, 3).withDropout(0.5, 0.2))
        .addLayer(new Conv2dSpec(1, 3, 3, 1, 1, Padding.SAME, Activation.SIGMOID, true))
        .build();
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(dynamicTest("seed 88: input 3x4x4x1, layers [3f 3x3 dropout 0.3/0.4 + batch norm, "
        + "2f 3x3 recurrent dropout 0.5], MSE, ADAM, 2 batches of 2",
        () -> checkDropoutSteps(stacked, Loss.MSE)));
    tests.add(dynamicTest("seed 89: input 3x4x4x1, layers [2f 3x3 dropout 0.5/0.2, conv2d 1f 3x3 "
        + "SAME sigmoid], BINARY_CROSSENTROPY, ADAM, 2 batches of 2", () -> {
          kit().assumeDeclared(Capability.FRAME_LAYERS);
          checkDropoutSteps(headed, Loss.BINARY_CROSSENTROPY);
        }));
    return tests;
  }

  private void checkDropoutSteps(ModelSpec spec, Loss loss) {
    kit().assumeDeclared(Capability.TRAINING);
    FrameShape shape = FrameShape.of(4, 4, 1);
    FrameShape outShape = spec.outputFrameShape(shape);
    long seed = spec.seed();
    List<FrameSequence> ins = new ArrayList<>();
    List<FrameSequence> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ins.add(RandomCase.randomSequence(3, shape, seed + i));
      ts.add(RandomCase.randomSequence(3, outShape, seed + 10 + i));
    }
    ModelWeights w = RandomCase.randomWeights(spec, seed);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(loss).withSeed(seed).withOptimizer(OptimizerSpec.adam());
    SequenceDataset data = SequenceDataset.of(ins, ts);
    try (Forecaster f = kit().create(spec, w); Forecaster ref = KitSupport.reference(spec, w);
        Forecaster other = KitSupport.reference(spec, w)) {
      RecordingListener mine = new RecordingListener();
      RecordingListener theirs = new RecordingListener();
      f.fit(data, cfg, mine);
      ref.fit(data, cfg, theirs);
      other.fit(data, cfg.withSeed(seed + 1), TrainingListener.NONE);
      assertNotEquals(other.weights(), ref.weights(), "another training seed draws other masks");
      for (int b = 0; b < 2; b++) {
        kit().assertLossClose(theirs.batches().get(b).loss(), mine.batches().get(b).loss(),
            "loss of batch " + (b + 1) + " with dropout");
      }
      kit().assertStepClose(ref.weights(), f.weights(), "weights after 2 steps with dropout");
    }
  }

  @TestFactory
  @DisplayName("frame-layer heads (conv2d after ConvLSTM + batch norm; flatten + dense "
      + "classifier): one optimizer step of every type gives the reference's loss and weights")
  List<DynamicTest> frameHeadStepAgreesWithReference() {
    List<DynamicTest> tests = new ArrayList<>();
    ModelSpec[] specs = {conv2dHead(86, true), classifier(87)};
    String[] names = {"[2f 3x3 + batch norm, conv2d 2f 3x3 SAME sigmoid]",
        "[2f 3x3 last step, flatten, dense 3 sigmoid]"};
    for (int k = 0; k < specs.length; k++) {
      ModelSpec spec = specs[k];
      for (OptimizerType type : OptimizerType.values()) {
        tests.add(dynamicTest("seed " + spec.seed() + ": input 3x4x4x1, layers " + names[k]
            + ", " + type + ", BINARY_CROSSENTROPY, 1 batch of 2", () -> {
              kit().assumeDeclared(Capability.TRAINING);
              kit().assumeDeclared(Capability.FRAME_LAYERS);
              FrameShape shape = FrameShape.of(4, 4, 1);
              FrameShape outShape = spec.outputFrameShape(shape);
              int outFrames = spec.outputFrames(3);
              long seed = spec.seed();
              ModelWeights w = RandomCase.randomWeights(spec, seed);
              SequenceDataset data = SequenceDataset.of(
                  List.of(RandomCase.randomSequence(3, shape, seed + 1),
                      RandomCase.randomSequence(3, shape, seed + 2)),
                  List.of(RandomCase.randomSequence(outFrames, outShape, seed + 3),
                      RandomCase.randomSequence(outFrames, outShape, seed + 4)));
              TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
                  .withShuffle(false).withLoss(Loss.BINARY_CROSSENTROPY)
                  .withOptimizer(OptimizerSpec.defaults(type));
              try (Forecaster f = kit().create(spec, w);
                  Forecaster ref = KitSupport.reference(spec, w)) {
                RecordingListener mine = new RecordingListener();
                RecordingListener theirs = new RecordingListener();
                f.fit(data, cfg, mine);
                ref.fit(data, cfg, theirs);
                kit().assertLossClose(theirs.batches().get(0).loss(),
                    mine.batches().get(0).loss(), "loss of the batch (before the update)");
                ModelWeights after = f.weights();
                assertNotEquals(w, after, "one step must change the weights");
                kit().assertStepClose(ref.weights(), after, type + " weights after one step");
                kit().assertLossClose(ref.evaluate(data, Loss.BINARY_CROSSENTROPY),
                    f.evaluate(data, Loss.BINARY_CROSSENTROPY), "evaluate after the step");
              }
            }));
      }
    }
    return tests;
  }

  private void checkSgdStep(ModelSpec spec, Loss loss, long seed) {
    kit().assumeDeclared(Capability.TRAINING);
    double lr = 0.1;
    FrameShape shape = FrameShape.of(4, 4, 1);
    ModelWeights w = RandomCase.randomWeights(spec, seed);
    List<FrameSequence> ins = List.of(RandomCase.randomSequence(3, shape, seed + 1),
        RandomCase.randomSequence(3, shape, seed + 2));
    FrameShape outShape = spec.outputFrameShape(shape);
    int outFrames = spec.outputFrames(3);
    List<FrameSequence> ts = List.of(RandomCase.randomSequence(outFrames, outShape, seed + 3),
        RandomCase.randomSequence(outFrames, outShape, seed + 4));
    double before = meanLoss(spec, w, ins, ts, loss);
    // central differences of the double-precision mean loss, step 1e-4 (error O(1e-8))
    Map<String, Tensor> expected = new LinkedHashMap<>();
    double eps = 1e-4;
    for (Map.Entry<String, Tensor> e : w.asMap().entrySet()) {
      float[] v = e.getValue().toArray();
      float[] next = v.clone();
      for (int i = 0; i < v.length; i++) {
        float plus = (float) (v[i] + eps);
        float minus = (float) (v[i] - eps);
        double g = (meanLossWith(spec, w, e.getKey(), i, plus, ins, ts, loss)
            - meanLossWith(spec, w, e.getKey(), i, minus, ins, ts, loss))
            / ((double) plus - minus);
        next[i] = (float) (v[i] - lr * g);
      }
      expected.put(e.getKey(), Tensor.of(e.getValue().shape(), next));
    }
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(loss).withOptimizer(OptimizerSpec.sgd().withLearningRate(lr));
    try (Forecaster f = kit().create(spec, w)) {
      RecordingListener events = new RecordingListener();
      f.fit(SequenceDataset.of(ins, ts), cfg, events);
      kit().assertLossClose(before, events.batches().get(0).loss(),
          "batch loss before the update against the plain forward");
      ModelWeights after = f.weights();
      assertNotEquals(w, after, "one SGD step must change the weights");
      kit().assertStepClose(ModelWeights.of(expected), after,
          "weights after one SGD step (lr " + lr + ") against finite differences");
    }
  }

  private static double meanLoss(ModelSpec spec, ModelWeights w, List<FrameSequence> ins,
      List<FrameSequence> ts, Loss loss) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < ins.size(); i++) {
      PlainConvLstm.Block out = PlainConvLstm.predict(spec, w, ins.get(i));
      sum += PlainConvLstm.lossSum(loss, out.data(), ts.get(i).toArray());
      n += out.data().length;
    }
    return sum / n;
  }

  private static double meanLossWith(ModelSpec spec, ModelWeights w, String name, int index,
      float value, List<FrameSequence> ins, List<FrameSequence> ts, Loss loss) {
    Map<String, Tensor> m = new LinkedHashMap<>(w.asMap());
    float[] v = m.get(name).toArray();
    v[index] = value;
    m.put(name, Tensor.of(m.get(name).shape(), v));
    return meanLoss(spec, ModelWeights.of(m), ins, ts, loss);
  }
}

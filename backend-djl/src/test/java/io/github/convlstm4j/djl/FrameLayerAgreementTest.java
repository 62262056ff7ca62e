package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ActivationSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv2dSpec;
import io.github.convlstm4j.api.Conv2dTransposeSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DenseSpec;
import io.github.convlstm4j.api.FlattenSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerNormSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.MaxPoolingSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.SoftmaxSpec;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frame-wise Keras layers on both DJL engines agree with the reference backend (the
 * numerical oracle, whose kernels are plain loops over each layer's definition), on tiny
 * shapes chosen to hit the awkward cases: TensorFlow's asymmetric SAME split with strides for
 * even and odd kernels on odd sizes, transposes with kernel smaller than, equal to and larger
 * than the stride (SAME and VALID), max pooling whose windows reach into the padding.
 */
class FrameLayerAgreementTest {

  private static final ConvLstmLayerSpec BASE = ConvLstmLayerSpec.of(2);

  /** Forward tolerance per element, as {@code ReferenceAgreementTest}'s single layers. */
  private static final double TOLERANCE = 1e-5;

  private static ModelSpec after(LayerSpec... frameLayers) {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(BASE);
    for (LayerSpec l : frameLayers) {
      b.addLayer(l);
    }
    return b.build();
  }

  private static Conv2dSpec conv(int f, int kh, int kw, int sh, int sw, Padding p) {
    return new Conv2dSpec(f, kh, kw, sh, sw, p, Activation.LINEAR, true);
  }

  private static Conv2dTransposeSpec transpose(int f, int kh, int kw, int sh, int sw,
      Padding p) {
    return new Conv2dTransposeSpec(f, kh, kw, sh, sw, p, Activation.LINEAR, true);
  }

  /** Every frame layer kind, each on its own after one ConvLSTM layer, and some chains. */
  static List<ModelSpec> frameSpecs() {
    List<ModelSpec> s = new ArrayList<>();
    // conv2d: strided SAME with odd and even kernels (odd input sizes 5 × 7), VALID strided.
    s.add(after(conv(3, 3, 3, 2, 2, Padding.SAME)));
    s.add(after(conv(3, 2, 2, 2, 2, Padding.SAME)));
    s.add(after(conv(2, 4, 3, 3, 2, Padding.SAME)));
    s.add(after(conv(2, 2, 4, 1, 1, Padding.SAME)));
    s.add(after(conv(2, 3, 2, 2, 3, Padding.VALID)));
    s.add(after(new Conv2dSpec(2, 3, 3, 1, 1, Padding.SAME, Activation.RELU, false)));
    // conv2d_transpose: k > s, k = s, k < s; SAME and VALID.
    s.add(after(transpose(2, 3, 3, 2, 2, Padding.SAME)));
    s.add(after(transpose(2, 2, 2, 2, 2, Padding.SAME)));
    s.add(after(transpose(2, 4, 5, 2, 3, Padding.SAME)));
    s.add(after(transpose(2, 1, 2, 3, 3, Padding.SAME)));
    s.add(after(transpose(3, 3, 3, 2, 2, Padding.VALID)));
    s.add(after(transpose(2, 2, 3, 3, 1, Padding.VALID)));
    s.add(after(new Conv2dTransposeSpec(2, 3, 2, 1, 1, Padding.SAME, Activation.SIGMOID,
        false)));
    // max pooling: SAME with the window in the padding (odd sizes), VALID.
    s.add(after(new MaxPoolingSpec(2, 2, 2, 2, Padding.SAME)));
    s.add(after(new MaxPoolingSpec(3, 3, 2, 2, Padding.SAME)));
    s.add(after(new MaxPoolingSpec(2, 3, 1, 2, Padding.VALID)));
    // layer normalization with and without each part; batch normalization after a frame layer.
    s.add(after(new LayerNormSpec(1e-3, true, true)));
    s.add(after(new LayerNormSpec(1e-2, false, true)));
    s.add(after(new LayerNormSpec(1e-3, true, false)));
    s.add(after(conv(3, 1, 1, 1, 1, Padding.SAME), new BatchNormSpec(0.99, 1e-2)));
    // dense on every position, softmax over channels, element-wise activations.
    s.add(after(new DenseSpec(3, Activation.TANH, true)));
    s.add(after(new DenseSpec(2, Activation.LINEAR, false), new SoftmaxSpec()));
    for (Activation a : Activation.values()) {
      s.add(after(new ActivationSpec(a)));
    }
    // A ConvLSTM layer after frame layers (its weights named conv_lstm2d_1 and followed by its
    // batch normalization and the head), and a last-step-only layer before a frame layer.
    s.add(ModelSpec.builder(2).addLayer(BASE).addLayer(new MaxPoolingSpec(2, 2, 2, 2,
        Padding.SAME)).addLayer(conv(2, 2, 2, 1, 1, Padding.SAME))
        .addLayer(ConvLstmLayerSpec.of(3).withRecurrentActivation(Activation.HARD_SIGMOID_KERAS3))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).build());
    s.add(ModelSpec.builder(1).addLayer(BASE.withReturnSequences(false))
        .addLayer(transpose(2, 3, 3, 2, 2, Padding.SAME)).build());
    // Frame layers before the first ConvLSTM layer (a VALID one) and after its batch norm.
    s.add(ModelSpec.builder(2).addLayer(conv(3, 3, 3, 2, 2, Padding.SAME))
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2).withPadding(Padding.VALID))
        .addLayer(new BatchNormSpec(0.9, 1e-2)).addLayer(new DenseSpec(2, Activation.SIGMOID,
            true)).build());
    return s;
  }

  /** The classifier: ConvLSTM, pooling, flatten, dense, softmax, for a fixed input shape. */
  static ModelSpec classifier() {
    return ModelSpec.builder(1).inputShape(3, 5, 7)
        .addLayer(BASE.withRecurrentActivation(Activation.HARD_SIGMOID_KERAS3))
        .addLayer(new MaxPoolingSpec(2, 2, 2, 2, Padding.SAME)).addLayer(new FlattenSpec())
        .addLayer(new DenseSpec(6, Activation.RELU, true)).addLayer(new DenseSpec(4,
            Activation.LINEAR, true)).addLayer(new SoftmaxSpec()).build();
  }

  static Stream<BackendProvider> engines() {
    return Stream.of(new DjlPytorchProvider(), new DjlMxnetProvider());
  }

  private static void assertAgrees(Function<ModelSpec, Forecaster> djl, ModelSpec spec,
      List<FrameSequence> in, long seed) {
    ModelWeights w = TestModels.randomWeights(spec, seed, 0.7);
    try (Forecaster d = djl.apply(spec); Forecaster r = ReferenceAgreementTest.reference(spec)) {
      d.setWeights(w);
      r.setWeights(w);
      assertEquals(w, d.weights(), "weights round-trip through the DJL layouts: " + spec);
      List<FrameSequence> a = d.predict(in);
      List<FrameSequence> b = r.predict(in);
      for (int i = 0; i < in.size(); i++) {
        assertEquals(b.get(i).shapeString(), a.get(i).shapeString(), spec.toString());
        double diff = a.get(i).maxAbsDifference(b.get(i));
        assertTrue(diff <= TOLERANCE, "max |djl - reference| = " + diff + " for " + spec);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  @DisplayName("every frame-wise layer kind agrees with the reference (odd sizes, strides)")
  void frameLayersAgree(BackendProvider provider) {
    assertTrue(provider.capabilities().contains(Capability.FRAME_LAYERS));
    Random rnd = new Random(31);
    for (ModelSpec spec : frameSpecs()) {
      List<FrameSequence> in = List.of(
          TestModels.randomSequence(rnd, 2, 5, 7, spec.inputChannels()),
          TestModels.randomSequence(rnd, 2, 5, 7, spec.inputChannels()));
      assertAgrees(s -> provider.create(s, BackendOptions.defaults()
          .withThreads(2)), spec, in, rnd.nextLong());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  @DisplayName("a flatten + dense + softmax classifier agrees and evaluates like the reference")
  void classifierAgrees(BackendProvider provider) {
    ModelSpec spec = classifier();
    Random rnd = new Random(32);
    List<FrameSequence> in = List.of(TestModels.randomSequence(rnd, 3, 5, 7, 1),
        TestModels.randomSequence(rnd, 3, 5, 7, 1), TestModels.randomSequence(rnd, 3, 5, 7, 1));
    Function<ModelSpec, Forecaster> create = s -> provider.create(s,
        BackendOptions.defaults().withThreads(2));
    assertAgrees(create, spec, in, 33);
    ModelWeights w = TestModels.randomWeights(spec, 34, 0.7);
    List<FrameSequence> targets = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      float[] y = new float[4];
      y[i % 4] = 1f; // one-hot classes
      targets.add(FrameSequence.of(1, 1, 1, 4, y));
    }
    SequenceDataset data = SequenceDataset.of(in, targets);
    try (Forecaster d = create.apply(spec); Forecaster r = ReferenceAgreementTest.reference(spec)) {
      d.setWeights(w);
      r.setWeights(w);
      FrameSequence p = d.predict(in.get(0));
      assertEquals(1, p.frames());
      assertEquals(new FrameShape(1, 1, 4), p.frameShape());
      float[] probabilities = p.toArray();
      double sum = 0;
      for (float v : probabilities) {
        sum += v;
      }
      assertEquals(1.0, sum, 1e-5, "softmax output sums to 1");
      for (Loss loss : Loss.values()) {
        double a = d.evaluate(data, loss);
        double b = r.evaluate(data, loss);
        assertEquals(b, a, 1e-6 + 1e-5 * Math.abs(b), loss.toString());
      }
      // one Adam step of the whole classifier (dense, flatten, max pooling, the ConvLSTM)
      TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(3)
          .withShuffle(false).withLoss(Loss.BINARY_CROSSENTROPY)
          .withOptimizer(OptimizerSpec.adam());
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      assertWeightsClose(r.weights(), d.weights(), "classifier after one Adam step");
    }
  }

  /**
   * Frame layers before, between and after ConvLSTM layers train like the reference: two SGD
   * steps (batches of 2) of a strided Conv2D, a ConvLSTM layer with its batch normalization,
   * max pooling, an activation, a second ConvLSTM layer and a Dense head, then batch-norm
   * recalibration; weights, moving statistics and losses within 1e-5 absolute + 1e-4 relative (the kit's step tolerance).
   * A layer normalization is refused by name, and the forecaster stays usable.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  @DisplayName("a chain with frame layers before, between and after ConvLSTM layers trains "
      + "like the reference; layer normalization is refused by name")
  void chainTrainsLikeReference(BackendProvider provider) {
    ModelSpec spec = ModelSpec.builder(2)
        .addLayer(new Conv2dSpec(3, 2, 2, 2, 2, Padding.SAME, Activation.RELU, true))
        .addLayer(BASE).addLayer(BatchNormSpec.keras())
        .addLayer(new MaxPoolingSpec(2, 2, 1, 1, Padding.SAME))
        .addLayer(new ActivationSpec(Activation.TANH))
        .addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new DenseSpec(1, Activation.SIGMOID, true)).seed(36).build();
    Random rnd = new Random(36);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> targets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      in.add(TestModels.randomSequence(rnd, 3, 5, 7, 2));
      targets.add(TestModels.randomSequence(rnd, 3, 3, 4, 1));
    }
    SequenceDataset data = SequenceDataset.of(in, targets);
    ModelWeights w = TestModels.randomWeights(spec, 37, 0.7);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(Loss.MSE)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5)).withRecalibrateBatchNorm(true);
    try (Forecaster d = provider.create(spec, BackendOptions.defaults().withThreads(2));
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      d.setWeights(w);
      r.setWeights(w);
      double a = d.fit(data, cfg, TrainingListener.NONE).epochs().get(0).loss();
      double b = r.fit(data, cfg, TrainingListener.NONE).epochs().get(0).loss();
      assertEquals(b, a, 1e-6 + 1e-5 * Math.abs(b), "epoch loss");
      assertWeightsClose(r.weights(), d.weights(), "chain after two SGD steps");
    }
    ModelSpec normed = ModelSpec.builder(2).addLayer(BASE)
        .addLayer(new LayerNormSpec(1e-3, true, true)).build();
    try (Forecaster d = provider.create(normed, BackendOptions.defaults().withThreads(2))) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> d.fit(SequenceDataset.of(in, in), TrainingConfig.defaults(),
              TrainingListener.NONE));
      assertTrue(e.getMessage().contains("'layer_normalization_0'"), e.getMessage());
      assertEquals("3x5x7x2", d.predict(in.get(0)).shapeString(), "usable after the refusal");
    }
  }

  /**
   * Dropout and recurrent dropout on both engines: two Adam steps with the core's seeded masks
   * (a ConvLSTM layer with both rates and hard-sigmoid gates, folded on DJL, then a Dense head)
   * give the reference's weights within 1e-5 absolute + 1e-4 relative.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  @DisplayName("training with dropout masks agrees with the reference")
  void dropoutTrainsLikeReference(BackendProvider provider) {
    ModelSpec spec = ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(3).withDropout(0.4, 0.3)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new DenseSpec(1, Activation.SIGMOID, true)).seed(38).build();
    Random rnd = new Random(38);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> targets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      in.add(TestModels.randomSequence(rnd, 3, 5, 6, 2));
      targets.add(TestModels.randomSequence(rnd, 3, 5, 6, 1));
    }
    ModelWeights w = TestModels.randomWeights(spec, 39, 0.7);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2)
        .withShuffle(false).withLoss(Loss.BINARY_CROSSENTROPY).withSeed(40)
        .withOptimizer(OptimizerSpec.adam());
    try (Forecaster d = provider.create(spec, BackendOptions.defaults().withThreads(2));
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      d.setWeights(w);
      r.setWeights(w);
      SequenceDataset data = SequenceDataset.of(in, targets);
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      assertWeightsClose(r.weights(), d.weights(), "two Adam steps with dropout");
    }
  }

  private static void assertWeightsClose(ModelWeights expected, ModelWeights actual,
      String what) {
    for (String name : expected.names()) {
      float[] e = expected.get(name).toArray();
      float[] a = actual.get(name).toArray();
      for (int i = 0; i < e.length; i++) {
        double tol = 1e-5 + 1e-4 * Math.abs(e[i]);
        int at = i;
        assertTrue(Math.abs(e[i] - a[i]) <= tol, () -> what + ": " + name + "[" + at
            + "] reference " + e[at] + ", djl " + a[at]);
      }
    }
  }

  @Test
  @DisplayName("Keras 3 hard-sigmoid gates (slope 1/6, folded) agree with the reference")
  void keras3HardSigmoidGatesAgree() {
    Random rnd = new Random(35);
    ModelSpec[] specs = {
      ModelSpec.builder(2).addLayer(BASE.withRecurrentActivation(Activation.HARD_SIGMOID_KERAS3))
          .build(),
      ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 3)
          .withRecurrentActivation(Activation.HARD_SIGMOID_KERAS3).withBias(false, false))
          .addLayer(BatchNormSpec.keras()).addLayer(new Conv3dHeadSpec(1, 3, 3, 3,
              Activation.HARD_SIGMOID_KERAS3, TimePadding.CAUSAL)).build(),
    };
    for (ModelSpec spec : specs) {
      List<FrameSequence> in = List.of(TestModels.randomSequence(rnd, 4, 6, 5,
          spec.inputChannels()), TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels()));
      // Large weights (scale 2) so that many gate pre-activations land in the clipped parts.
      ModelWeights w = TestModels.randomWeights(spec, rnd.nextLong(), 2.0);
      for (Function<ModelSpec, Forecaster> djl : List.<Function<ModelSpec, Forecaster>>of(
          TestModels::pytorch, TestModels::mxnet)) {
        try (Forecaster d = djl.apply(spec);
            Forecaster r = ReferenceAgreementTest.reference(spec)) {
          d.setWeights(w);
          r.setWeights(w);
          for (FrameSequence x : in) {
            double diff = d.predict(x).maxAbsDifference(r.predict(x));
            assertTrue(diff <= TOLERANCE, "max |djl - reference| = " + diff + " for " + spec);
          }
        }
      }
    }
    // One training step through the folded gates moves the weights as the reference does.
    ModelSpec spec = specs[1];
    SequenceDataset data = ReferenceAgreementTest.dataset(spec, 3, 3, 6, 5, 36);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5));
    try (Forecaster d = TestModels.pytorch(spec);
        Forecaster r = ReferenceAgreementTest.reference(spec)) {
      ModelWeights before = d.weights();
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      double rel = ReferenceAgreementTest.relativeUpdateDifference(before, d.weights(),
          r.weights());
      assertTrue(rel <= 1e-4, "relative update difference " + rel);
    }
  }
}

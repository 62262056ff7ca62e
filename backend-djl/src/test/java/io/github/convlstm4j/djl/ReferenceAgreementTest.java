package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.LearningRateSchedule;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.reference.ReferenceBackendProvider;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The PyTorch engine agrees with the reference backend (the numerical oracle). */
class ReferenceAgreementTest {

  static Forecaster reference(ModelSpec spec) {
    return new ReferenceBackendProvider().create(spec, BackendOptions.defaults().withThreads(2));
  }

  /** Single-layer specs covering every option, plus heads and batch norm. */
  static List<ModelSpec> optionSpecs() {
    List<ModelSpec> specs = new ArrayList<>();
    ConvLstmLayerSpec base = ConvLstmLayerSpec.of(3);
    ConvLstmLayerSpec[] layers = {
      base,
      base.withKernel(2, 2),
      base.withKernel(4, 3).withPadding(Padding.VALID),
      base.withKernel(2, 3).withPadding(Padding.VALID),
      base.withRecurrentActivation(Activation.HARD_SIGMOID),
      base.withBias(false, false),
      base.withBias(true, false),
      base.withActivation(Activation.RELU),
      base.withActivation(Activation.LINEAR).withKernel(1, 1),
      base.withReturnSequences(false),
      // The paper's cells: peepholes, state-to-state kernels of their own size.
      base.withPeephole(true),
      base.withPeephole(true).withRecurrentActivation(Activation.HARD_SIGMOID)
          .withBias(false, false),
      base.withKernel(5, 5).withRecurrentKernel(1, 1),
      base.withPadding(Padding.VALID).withRecurrentKernel(2, 3).withPeephole(true),
    };
    for (ConvLstmLayerSpec l : layers) {
      specs.add(ModelSpec.builder(2).addLayer(l).seed(specs.size()).build());
    }
    specs.add(ModelSpec.builder(2).addLayer(base).addLayer(BatchNormSpec.keras())
        .seed(specs.size()).build());
    specs.add(ModelSpec.builder(2).addLayer(base.withKernel(2, 4).withReturnSequences(false))
        .addLayer(BatchNormSpec.keras()).seed(specs.size()).build());
    for (TimePadding tp : TimePadding.values()) {
      specs.add(ModelSpec.builder(2).addLayer(base).addLayer(BatchNormSpec.keras())
          .addLayer(new Conv3dHeadSpec(2, 3, 3, 3, Activation.SIGMOID, tp)).build());
      specs.add(ModelSpec.builder(1).addLayer(base.withKernel(2, 2))
          .addLayer(new Conv3dHeadSpec(1, 2, 2, 4, Activation.LINEAR, tp)).build());
    }
    specs.add(ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new BatchNormSpec(0.9, 1e-2))
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(2, 2).withPadding(Padding.VALID))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build());
    return specs;
  }

  @Test
  @DisplayName("initial weights are identical to the reference backend's for the same seed")
  void identicalInitialization() {
    List<ModelSpec> specs = new ArrayList<>(optionSpecs());
    specs.add(MovingSquares.kerasModel().withSeed(42));
    specs.add(ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(16))
        .addLayer(BatchNormSpec.keras()).addLayer(ConvLstmLayerSpec.of(16))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build());
    for (ModelSpec spec : specs) {
      try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
        assertEquals(r.weights(), d.weights(), spec.toString());
      }
    }
  }

  @Test
  @DisplayName("forward outputs equal the reference within 1e-5 on random single-layer models")
  void forwardAgrees() {
    Random rnd = new Random(11);
    for (ModelSpec spec : optionSpecs()) {
      ModelWeights w = TestModels.randomWeights(spec, rnd.nextLong(), 0.5);
      List<FrameSequence> in = List.of(
          TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels()),
          TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels()));
      try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
        d.setWeights(w);
        r.setWeights(w);
        List<FrameSequence> a = d.predict(in);
        List<FrameSequence> b = r.predict(in);
        for (int i = 0; i < in.size(); i++) {
          assertEquals(b.get(i).shapeString(), a.get(i).shapeString(), spec.toString());
          double diff = a.get(i).maxAbsDifference(b.get(i));
          assertTrue(diff <= 1e-5, "max |djl - reference| = " + diff + " for " + spec);
        }
        assertTrue(d.predict(in.get(1)).maxAbsDifference(a.get(1)) <= 1e-6,
            "single and batched predict agree");
      }
    }
  }

  /** Every engine with every input-convolution form other than its default. */
  static Stream<Arguments> otherForms() {
    return Stream.of(new DjlPytorchProvider(), new DjlMxnetProvider()).flatMap(p ->
        Arrays.stream(InputConvolution.values())
            .filter(f -> f != (p instanceof DjlPytorchProvider ? DjlEngineKind.PYTORCH
                : DjlEngineKind.MXNET).defaultInputConvolution())
            .map(f -> Arguments.of(p, f)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("otherForms")
  @DisplayName("the other input-convolution forms agree with the reference too (forward, one step)")
  void otherInputConvolutionFormsAgree(DjlBackendProvider provider, InputConvolution form) {
    BackendOptions options = BackendOptions.defaults().withThreads(2)
        .withSetting(DjlBackendProvider.INPUT_CONVOLUTION, form.settingValue());
    Random rnd = new Random(12);
    for (ModelSpec spec : optionSpecs()) {
      ModelWeights w = TestModels.randomWeights(spec, rnd.nextLong(), 0.5);
      List<FrameSequence> in = List.of(
          TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels()),
          TestModels.randomSequence(rnd, 4, 6, 5, spec.inputChannels()));
      try (Forecaster d = provider.create(spec, options); Forecaster r = reference(spec)) {
        d.setWeights(w);
        r.setWeights(w);
        List<FrameSequence> a = d.predict(in);
        List<FrameSequence> b = r.predict(in);
        for (int i = 0; i < in.size(); i++) {
          double diff = a.get(i).maxAbsDifference(b.get(i));
          assertTrue(diff <= 1e-5, form + ": max |djl - reference| = " + diff + " for " + spec);
        }
      }
    }
    ModelSpec spec = trainingSpec();
    SequenceDataset data = dataset(spec, 3, 3, 6, 5, 21);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
        .withOptimizer(OptimizerSpec.sgd().withLearningRate(0.5));
    try (Forecaster d = provider.create(spec, options); Forecaster r = reference(spec)) {
      ModelWeights before = d.weights();
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      double rel = relativeUpdateDifference(before, d.weights(), r.weights());
      assertTrue(rel <= 1e-4, form + ": relative update difference " + rel);
    }
  }

  @Test
  @DisplayName("the seed model's forward equals the reference within 1e-4")
  void seedModelForwardAgrees() {
    ModelSpec spec = MovingSquares.kerasModel();
    Random rnd = new Random(3);
    FrameSequence x = TestModels.randomSequence(rnd, 4, 16, 16, 1);
    try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
      ModelWeights w = TestModels.randomWeights(spec, 5, 0.15);
      d.setWeights(w);
      r.setWeights(w);
      double diff = d.predict(x).maxAbsDifference(r.predict(x));
      assertTrue(diff <= 1e-4, "max |djl - reference| = " + diff);
    }
  }

  static SequenceDataset dataset(ModelSpec spec, int n, int t, int h, int w, long seed) {
    Random rnd = new Random(seed);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FrameSequence x = TestModels.randomSequence(rnd, t, h, w, spec.inputChannels());
      in.add(x);
      var os = spec.outputFrameShape(x.frameShape());
      int frames = spec.outputFrames(t);
      float[] y = new float[frames * os.size()];
      for (int k = 0; k < y.length; k++) {
        y[k] = rnd.nextFloat();
      }
      out.add(FrameSequence.of(frames, os, y));
    }
    return SequenceDataset.of(in, out);
  }

  static ModelSpec trainingSpec() {
    return ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3).withRecurrentActivation(Activation.HARD_SIGMOID)
            ).addLayer(BatchNormSpec.keras())
        .addLayer(ConvLstmLayerSpec.of(2).withKernel(2, 2)).addLayer(BatchNormSpec.keras())
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME)).seed(9)
        .build();
  }

  /** Largest |a - b| relative to the largest |b| of the tensor, over all tensors. */
  static double relativeUpdateDifference(ModelWeights before, ModelWeights a, ModelWeights b) {
    double worst = 0;
    for (String name : before.names()) {
      Tensor t0 = before.get(name);
      Tensor ta = a.get(name);
      Tensor tb = b.get(name);
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < t0.size(); i++) {
        double db = (double) tb.get(i) - t0.get(i);
        double da = (double) ta.get(i) - t0.get(i);
        scale = Math.max(scale, Math.abs(db));
        diff = Math.max(diff, Math.abs(da - db));
      }
      worst = Math.max(worst, scale == 0 ? diff : diff / scale);
    }
    return worst;
  }

  @Test
  @DisplayName("one step of every optimizer moves the weights as the reference (1e-4 relative)")
  void oneStepAgrees() {
    ModelSpec spec = trainingSpec();
    SequenceDataset data = dataset(spec, 3, 3, 6, 5, 21);
    OptimizerSpec[] optimizers = {OptimizerSpec.sgd().withLearningRate(0.5),
        OptimizerSpec.sgd().withMomentum(0.9), OptimizerSpec.adam(), OptimizerSpec.adadelta(),
        OptimizerSpec.rmsprop()};
    for (Loss loss : Loss.values()) {
      for (OptimizerSpec o : optimizers) {
        TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
            .withLoss(loss).withOptimizer(o);
        try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
          ModelWeights before = d.weights();
          TrainingHistory hd = d.fit(data, cfg, TrainingListener.NONE);
          TrainingHistory hr = r.fit(data, cfg, TrainingListener.NONE);
          assertEquals(hr.finalLoss(), hd.finalLoss(), 1e-5 * Math.abs(hr.finalLoss()),
              o + " " + loss);
          double rel = relativeUpdateDifference(before, d.weights(), r.weights());
          assertTrue(rel <= 1e-4, o + " " + loss + ": relative update difference " + rel);
          // The moving statistics moved once, identically.
          assertTrue(d.weights().maxAbsDifference(r.weights()) <= 1e-5, o + " " + loss);
        }
      }
    }
  }

  @Test
  @DisplayName("one training step with peepholes and own state-to-state kernels agrees (1e-4)")
  void peepholeStepAgrees() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(5, 5).withRecurrentKernel(3, 3)
            .withPeephole(true))
        .addLayer(ConvLstmLayerSpec.of(2).withRecurrentKernel(1, 1).withPeephole(true)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.SIGMOID, TimePadding.SAME))
        .seed(13).build();
    // The initial weights with random peepholes (zeros at initialization), so they matter from
    // the start.
    ModelWeights.Builder wb = ModelWeights.builder();
    Random rnd = new Random(14);
    try (Forecaster r = reference(spec)) {
      ModelWeights init = r.weights();
      for (String name : init.names()) {
        Tensor t = init.get(name);
        if (name.contains("/peephole_")) {
          float[] v = new float[t.size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5);
          }
          t = Tensor.of(t.shape(), v);
        }
        wb.put(name, t);
      }
    }
    ModelWeights w = wb.build();
    SequenceDataset data = dataset(spec, 3, 4, 6, 5, 22);
    for (OptimizerSpec o : new OptimizerSpec[] {OptimizerSpec.sgd().withLearningRate(0.5),
        OptimizerSpec.adam()}) {
      TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(3).withShuffle(false)
          .withLoss(Loss.BINARY_CROSSENTROPY).withOptimizer(o);
      try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
        d.setWeights(w);
        r.setWeights(w);
        TrainingHistory hd = d.fit(data, cfg, TrainingListener.NONE);
        TrainingHistory hr = r.fit(data, cfg, TrainingListener.NONE);
        assertEquals(hr.finalLoss(), hd.finalLoss(), 1e-5 * Math.abs(hr.finalLoss()),
            o.toString());
        double rel = relativeUpdateDifference(w, d.weights(), r.weights());
        assertTrue(rel <= 1e-4, o + ": relative update difference " + rel);
      }
    }
  }

  @Test
  @DisplayName("three epochs of training end within 2% of the reference's loss")
  void threeEpochsAgree() {
    ModelSpec spec = trainingSpec();
    SequenceDataset data = dataset(spec, 8, 4, 6, 6, 5);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(3).withBatchSize(3)
        .withValidationSplit(0.25).withRecalibrateBatchNorm(true).withSeed(4);
    try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
      TrainingHistory hd = d.fit(data, cfg, TrainingListener.NONE);
      TrainingHistory hr = r.fit(data, cfg, TrainingListener.NONE);
      for (int e = 0; e < 3; e++) {
        double a = hd.epochs().get(e).loss();
        double b = hr.epochs().get(e).loss();
        assertEquals(b, a, 0.02 * b, "epoch " + (e + 1));
        double va = hd.epochs().get(e).validationLoss();
        double vb = hr.epochs().get(e).validationLoss();
        assertEquals(vb, va, 0.02 * vb, "validation epoch " + (e + 1));
      }
      assertTrue(d.weights().maxAbsDifference(r.weights()) < 1e-3);
    }
  }

  @Test
  @DisplayName("a checkpoint moves between the backends and training continues identically")
  void checkpointMovesBetweenBackends() {
    ModelSpec spec = trainingSpec();
    SequenceDataset data = dataset(spec, 4, 3, 5, 5, 8);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2)
        .withOptimizer(OptimizerSpec.adam()).withShuffle(true);
    try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec);
        Forecaster r2 = reference(spec)) {
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      var cd = d.checkpoint();
      var cr = r.checkpoint();
      assertEquals(cr.optimizerState().names(), cd.optimizerState().names());
      assertEquals(cr.epochsCompleted(), cd.epochsCompleted());
      assertTrue(cd.optimizerState().maxAbsDifference(cr.optimizerState()) < 1e-5);
      r2.restore(cd); // DJL checkpoint continues on the reference
      d.restore(cr); // reference checkpoint continues on DJL
      TrainingHistory a = d.fit(data, cfg, TrainingListener.NONE);
      TrainingHistory b = r2.fit(data, cfg, TrainingListener.NONE);
      assertEquals(2, a.epochs().get(0).epoch());
      assertEquals(b.finalLoss(), a.finalLoss(), 1e-4 * b.finalLoss());
      assertTrue(d.weights().maxAbsDifference(r2.weights()) < 1e-4);
    }
  }

  @Test
  @DisplayName("AdamW + OneCycle + gradient clipping: 6 steps, resumed from a checkpoint half-way "
      + "on a new DJL forecaster, move the weights as the reference's straight run (1e-4)")
  void recipeAgreesOverSteps() {
    ModelSpec spec = trainingSpec();
    SequenceDataset data = dataset(spec, 6, 3, 6, 5, 31);
    TrainingConfig cfg = TrainingConfig.defaults().withEpochs(2).withBatchSize(2)
        .withLoss(Loss.MSE).withSeed(2)
        .withOptimizer(OptimizerSpec.adamw().withWeightDecay(0.05).withClipNorm(0.02));
    cfg = cfg.withSchedule(LearningRateSchedule.oneCycle(0.01, cfg.totalSteps(data)));
    assertEquals(6, cfg.totalSteps(data));
    try (Forecaster d = TestModels.pytorch(spec); Forecaster d2 = TestModels.pytorch(spec);
        Forecaster r = reference(spec)) {
      ModelWeights before = r.weights();
      TrainingHistory hr = r.fit(data, cfg, TrainingListener.NONE);
      TrainingHistory h1 = d.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      d2.restore(d.checkpoint());
      TrainingHistory h2 = d2.fit(data, cfg.withEpochs(1), TrainingListener.NONE);
      assertEquals(hr.epochs().get(0).loss(), h1.finalLoss(), 1e-5 * hr.epochs().get(0).loss());
      assertEquals(hr.finalLoss(), h2.finalLoss(), 1e-4 * hr.finalLoss());
      double rel = relativeUpdateDifference(before, d2.weights(), r.weights());
      assertTrue(rel <= 1e-4, "relative update difference " + rel);
      var sd = d2.checkpoint().optimizerState();
      var sr = r.checkpoint().optimizerState();
      assertEquals(sr.names(), sd.names());
      assertEquals(6f, sd.get(io.github.convlstm4j.api.OptimizerState.ITERATIONS).get(0));
    }
  }

  @Test
  @Tag("slow")
  @DisplayName("one Adadelta step of the seed model agrees with the reference (slow)")
  void seedModelStepAgrees() {
    ModelSpec spec = MovingSquares.kerasModel();
    SequenceDataset data = dataset(spec, 2, 4, 12, 12, 2);
    TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(2).withShuffle(false);
    try (Forecaster d = TestModels.pytorch(spec); Forecaster r = reference(spec)) {
      ModelWeights before = d.weights();
      d.fit(data, cfg, TrainingListener.NONE);
      r.fit(data, cfg, TrainingListener.NONE);
      double rel = relativeUpdateDifference(before, d.weights(), r.weights());
      assertTrue(rel <= 1e-3, "relative update difference " + rel);
    }
  }

}

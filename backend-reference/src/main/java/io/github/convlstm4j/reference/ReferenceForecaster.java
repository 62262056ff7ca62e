package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.AbstractForecaster;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.DropoutMasks;
import io.github.convlstm4j.spi.EngineTensor;
import io.github.convlstm4j.spi.LayerState;
import io.github.convlstm4j.spi.NonFiniteValue;
import io.github.convlstm4j.spi.PackedBatch;
import io.github.convlstm4j.spi.TrainingStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure-Java {@link Forecaster}: exact Keras {@code ConvLSTM2D} semantics (see the design's
 * "ConvLSTM semantics"), batch normalization, the Conv3D head, full backpropagation through
 * time and the Keras 2 optimizers, on flat float arrays. Create it through
 * {@link io.github.convlstm4j.api.Forecasters} (provider name {@code reference}).
 *
 * <p>Documented choices where Keras leaves room:
 *
 * <ul>
 *   <li>Binary cross-entropy clips predictions to {@code [1e-7, 1 - 1e-7]} and its gradient is
 *       zero where a prediction lies outside that range (the derivative of the clip).
 *   <li>Batch normalization uses the biased batch variance, both to normalize and in the moving
 *       average; the moving statistics are updated once per training batch.
 *   <li>Inside the ConvLSTM cell, tanh and sigmoid are a float rational approximation within
 *       4e-7 of the exact functions (so the loops vectorize); the head's activation is exact.
 *   <li>The input-to-state convolution runs for as many time steps at once as fit an im2col
 *       buffer of 2^23 floats (32 MB) (all steps for small inputs, one step of the
 *       whole batch for the seed model's 40-channel layers), always at least one step of the
 *       whole batch per matrix multiply.
 * </ul>
 *
 * <p>Backend-neutral behaviour (checks, the training loop, rollout, evaluation, checkpoints,
 * one caller at a time) is {@link AbstractForecaster}'s; this class supplies its primitives.
 * Work inside a call uses {@link BackendOptions#effectiveThreads()} threads; results do not
 * depend on that number.
 */
public final class ReferenceForecaster extends AbstractForecaster {

  private final Parallel par;
  private final Parameters params;
  private final Optimizer optimizer;
  private final Network net;
  /** The chain for models with frame-wise layers (then {@link #net} is null), else null. */
  private final LayerChain chain;
  /** The network of an encoder–forecaster (then {@link #net} is null), else null. */
  private final EncoderForecasterNet encFc;

  /**
   * Creates a forecaster with freshly initialized weights.
   *
   * @param spec the model
   * @param options thread count (the device must be {@code auto} or {@code cpu})
   * @param matMul the matrix-multiply kernel
   */
  ReferenceForecaster(ModelSpec spec, BackendOptions options, MatMul matMul) {
    this(spec, options, matMul, ConvolutionAlgorithm.WINOGRAD);
  }

  /**
   * Creates a forecaster with freshly initialized weights and a given 3×3 convolution
   * algorithm.
   */
  ReferenceForecaster(ModelSpec spec, BackendOptions options, MatMul matMul,
      ConvolutionAlgorithm convolution) {
    super(ReferenceBackendProvider.NAME, spec);
    Objects.requireNonNull(options, "options");
    this.par = new Parallel(options.effectiveThreads());
    ModelSpec core = coreSpec(); // patch layers are the core's, around this model
    this.params = new Parameters(core);
    params.load(KerasInitializers.initialWeights(core));
    this.optimizer = new Optimizer(params);
    if (core.encoderForecaster().isPresent()) {
      this.net = null;
      this.chain = null;
      this.encFc = new EncoderForecasterNet(core, params, par, matMul);
    } else if (core.frameLayers().isEmpty()) {
      this.net = new Network(core, params, par, matMul, convolution);
      this.chain = null;
      this.encFc = null;
    } else {
      this.net = null;
      this.chain = new LayerChain(core, params, par, matMul, convolution);
      this.encFc = null;
    }
    this.matMul = matMul;
    this.convolution = convolution;
  }

  private final MatMul matMul;
  private final ConvolutionAlgorithm convolution;

  // ---------------------------------------------------------------- primitives

  @Override
  protected Map<String, String> describeRuntime() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("threads", Integer.toString(par.threads()));
    m.put("kernel", matMul.name());
    m.put("convolution", convolution.settingValue());
    if (chain != null) {
      m.put("frame layers", "FrameKernels (plain loops)");
    }
    return m;
  }

  @Override
  protected Forward forward(PackedBatch input, List<LayerState> initialState,
      EngineTensor headContext, boolean returnState) {
    if (chain != null) { // the core sends no state or head context for such models
      return new Forward(chain.forward(input), List.of(), null);
    }
    if (encFc != null) {
      return encoderForecasterForward(input, initialState, returnState);
    }
    net.loadInput(input);
    int layers = coreSpec().convLstmLayers().size();
    int window = headWindow();
    float[][] h0 = null;
    float[][] c0 = null;
    if (initialState != null) {
      h0 = new float[layers][];
      c0 = new float[layers][];
      for (int i = 0; i < layers; i++) {
        h0[i] = values(initialState.get(i).hState());
        c0[i] = values(initialState.get(i).cState());
      }
    }
    float[][] h1 = returnState ? new float[layers][] : null;
    float[][] c1 = returnState ? new float[layers][] : null;
    float[][] features = returnState && window > 0 ? new float[1][] : null;
    if (h0 == null && headContext == null && !returnState) {
      net.forward(Network.Mode.INFERENCE, false);
    } else {
      net.forwardWithState(h0, c0, h1, c1, window,
          headContext == null ? null : values(headContext), features);
    }
    List<LayerState> state = new ArrayList<>();
    EngineTensor headFeatures = null;
    if (returnState) {
      for (int i = 0; i < layers; i++) {
        int[] shape = {input.samples(), net.layerHeight(i), net.layerWidth(i),
            coreSpec().convLstmLayers().get(i).filters()};
        state.add(new LayerState(owned(shape, h1[i]), owned(shape, c1[i])));
      }
      if (features != null) {
        headFeatures = owned(new int[] {input.samples(), window,
            net.layerHeight(layers - 1), net.layerWidth(layers - 1),
            coreSpec().convLstmLayers().get(layers - 1).filters()}, features[0]);
      }
    }
    return new Forward(net.outputBatch(), state, headFeatures);
  }

  /** {@link #forward} of an encoder–forecaster: K predictions, the encoder's final states. */
  private Forward encoderForecasterForward(PackedBatch input, List<LayerState> initialState,
      boolean returnState) {
    encFc.loadInput(input);
    int layers = encFc.layers();
    float[][] h0 = null;
    float[][] c0 = null;
    if (initialState != null) {
      h0 = new float[layers][];
      c0 = new float[layers][];
      for (int i = 0; i < layers; i++) {
        h0[i] = values(initialState.get(i).hState());
        c0[i] = values(initialState.get(i).cState());
      }
    }
    encFc.encode(h0, c0);
    encFc.forecast(encFc.horizon(), null, null);
    List<LayerState> state = new ArrayList<>();
    if (returnState) {
      FrameShape s = input.frameShape();
      for (int i = 0; i < layers; i++) {
        int[] shape = {input.samples(), s.height(), s.width(),
            coreSpec().convLstmLayers().get(i).filters()};
        state.add(new LayerState(owned(shape, encFc.encoderH(i)),
            owned(shape, encFc.encoderC(i))));
      }
    }
    return new Forward(encFc.outputBatch(), state, null);
  }

  @Override
  protected PackedBatch forecastFrom(List<LayerState> encoderState, int steps) {
    int layers = encFc.layers();
    float[][] h0 = new float[layers][];
    float[][] c0 = new float[layers][];
    int[] shape = encoderState.get(0).shape();
    for (int i = 0; i < layers; i++) {
      h0[i] = values(encoderState.get(i).hState());
      c0[i] = values(encoderState.get(i).cState());
    }
    encFc.shape(shape[0], shape[1], shape[2]);
    encFc.forecast(steps, h0, c0);
    return encFc.outputBatch();
  }

  /**
   * A state tensor that keeps the network's fresh channels-last array as its payload (nobody
   * writes it again), so the next push reads it without copying; the tensor is made only when
   * someone reads it.
   */
  private static EngineTensor owned(int[] shape, float[] values) {
    return EngineTensor.deferred(shape, new StateArray(values), () -> Tensor.of(shape, values));
  }

  /** The channels-last values of a state tensor: its array when it is ours, else a copy. */
  private static float[] values(EngineTensor t) {
    return t.payload() instanceof StateArray a ? a.values() : t.tensor().toArray();
  }

  /** A state array this backend made, channels-last, read-only from then on. */
  private record StateArray(float[] values) {}

  @Override
  protected double lossSum(PackedBatch input, PackedBatch target, Loss loss) {
    if (chain != null) {
      PackedBatch out = chain.forward(input);
      float[] p = new float[out.size()];
      float[] y = new float[target.size()];
      out.copyTo(p, 0);
      target.copyTo(y, 0);
      double sum = 0;
      for (int i = 0; i < p.length; i++) {
        sum += Network.elementLoss(loss, p[i], y[i]);
      }
      return sum;
    }
    if (encFc != null) {
      encFc.loadInput(input);
      encFc.encode(null, null);
      encFc.forecast(encFc.horizon(), null, null);
      return encFc.lossSum(loss, EncoderForecasterNet.timeMajor(target));
    }
    net.loadInput(input);
    float[] y = net.loadTargets(target);
    net.forward(Network.Mode.INFERENCE, false);
    return net.lossSum(loss, y);
  }

  @Override
  protected TrainingStep trainingStep(PackedBatch input, PackedBatch target, Loss loss) {
    double value;
    applyDropout(batchDropout());
    try {
      if (encFc != null) {
        encFc.loadInput(input);
        encFc.encode(null, null);
        encFc.forecast(encFc.horizon(), null, null);
        value = encFc.backward(loss, EncoderForecasterNet.timeMajor(target));
      } else if (chain != null) {
        value = chainBackward(input, target, loss, true, false).loss();
      } else {
        net.loadInput(input);
        float[] y = net.loadTargets(target);
        net.forward(Network.Mode.TRAINING, true);
        value = net.backward(loss, y, false);
      }
    } finally {
      applyDropout(DropoutMasks.none());
    }
    return new TrainingStep() {
      @Override
      public double loss() {
        return value;
      }

      @Override
      public void apply(OptimizerSpec spec) {
        optimizer.step(spec);
      }

      @Override
      public void close() {}
    };
  }

  /** Hands a batch's dropout masks (or none) to the network or the chain's networks. */
  private void applyDropout(DropoutMasks m) {
    float[][][] in = null;
    float[][][] rec = null;
    if (!m.isEmpty()) {
      // an encoder-forecaster's forecasting layers follow the encoder's (DropoutMasks)
      int layers = coreSpec().convLstmLayers().size() * (encFc != null ? 2 : 1);
      in = new float[layers][][];
      rec = new float[layers][][];
      for (int i = 0; i < layers; i++) {
        in[i] = gates(m, i, true);
        rec[i] = gates(m, i, false);
      }
    }
    if (chain != null) {
      chain.dropout(in, rec);
    } else if (encFc != null) {
      encFc.dropout(in, rec);
    } else if (net != null) {
      net.dropout(in, rec);
    }
  }

  private static float[][] gates(DropoutMasks m, int layer, boolean input) {
    if ((input ? m.input(layer, 0) : m.recurrent(layer, 0)) == null) {
      return null;
    }
    float[][] g = new float[4][];
    for (int q = 0; q < 4; q++) {
      g[q] = input ? m.input(layer, q) : m.recurrent(layer, q);
    }
    return g;
  }

  /** The mean loss of a chain's batch and its input gradient (channels-last) or null. */
  private record ChainResult(double loss, float[] inputGradient) {}

  /** A training-mode pass through the chain and the backward pass of the mean loss. */
  private ChainResult chainBackward(PackedBatch input, PackedBatch target, Loss loss,
      boolean updateMovingStatistics, boolean wantInputGradient) {
    PackedBatch out = chain.trainingForward(input, updateMovingStatistics);
    float[] p = new float[out.size()];
    float[] y = new float[target.size()];
    out.copyTo(p, 0);
    target.copyTo(y, 0);
    int count = p.length;
    double sum = 0;
    float[] d = new float[count];
    for (int i = 0; i < count; i++) {
      sum += Network.elementLoss(loss, p[i], y[i]);
      d[i] = (float) Network.elementLossGradient(loss, p[i], y[i], count);
    }
    return new ChainResult(sum / count, chain.backward(d, wantInputGradient));
  }

  @Override
  protected Optional<NonFiniteValue> firstNonFiniteWeight() {
    for (Param p : params.all()) {
      float[] v = p.value;
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          return Optional.of(new NonFiniteValue(p.name, v[i], i));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  protected double[][] batchNormInputStatistics(PackedBatch input, int layer) {
    if (chain != null) {
      return chain.layerStatistics(input, layer);
    }
    net.loadInput(input);
    net.forward(Network.Mode.INFERENCE, false, layer, false);
    int f = coreSpec().convLstmLayers().get(layer).filters();
    double[] mean = new double[f];
    double[] var = new double[f];
    net.outputStatistics(layer, mean, var);
    return new double[][] {mean, var};
  }

  @Override
  protected ModelWeights readWeights() {
    return params.snapshot();
  }

  @Override
  protected void writeWeights(ModelWeights weights) {
    params.load(weights);
  }

  @Override
  protected ModelWeights readOptimizerState() {
    return optimizer.state();
  }

  @Override
  protected void writeOptimizerState(ModelWeights state) {
    optimizer.restore(state);
  }

  @Override
  protected void release() {
    if (chain != null) {
      chain.close();
    } else if (encFc != null) {
      encFc.close();
    } else {
      net.close();
    }
  }

  // ---------------------------------------------------------------- test hooks

  /**
   * Mean loss and parameter gradients of one batch of an encoder–forecaster, without any
   * update, with the {@link #fixDropout} masks; for tests.
   */
  Gradients encoderForecasterGradients(List<FrameSequence> inputs, List<FrameSequence> targets,
      Loss loss) {
    applyDropout(testDropout);
    try {
      return encoderForecasterGradientsWithMasks(inputs, targets, loss);
    } finally {
      applyDropout(DropoutMasks.none());
    }
  }

  private Gradients encoderForecasterGradientsWithMasks(List<FrameSequence> inputs,
      List<FrameSequence> targets, Loss loss) {
    return guarded(() -> {
      checkBatch(inputs);
      checkTargets(inputs.get(0), targets);
      encFc.loadInput(coreInput(PackedBatch.of(inputs)));
      encFc.encode(null, null);
      encFc.forecast(encFc.horizon(), null, null);
      double value = encFc.backward(loss,
          EncoderForecasterNet.timeMajor(coreTarget(PackedBatch.of(targets))));
      Map<String, float[]> grads = new LinkedHashMap<>();
      for (Param p : params.all()) {
        grads.put(p.name, p.grad.clone());
      }
      return new Gradients(value, grads, List.of());
    });
  }

  /** Dropout masks the test hooks below apply (none by default); for tests. */
  private DropoutMasks testDropout = DropoutMasks.none();

  /** Sets the dropout masks of {@link #gradients} and {@link #trainingLoss}; for tests. */
  void fixDropout(DropoutMasks masks) {
    testDropout = Objects.requireNonNull(masks, "masks");
  }

  /** Loss and gradients of one batch in training mode, without any update; for tests. */
  Gradients gradients(List<FrameSequence> inputs, List<FrameSequence> targets, Loss loss) {
    applyDropout(testDropout);
    try {
      return gradientsWithMasks(inputs, targets, loss);
    } finally {
      applyDropout(DropoutMasks.none());
    }
  }

  private Gradients gradientsWithMasks(List<FrameSequence> inputs, List<FrameSequence> targets,
      Loss loss) {
    return guarded(() -> {
      double value;
      float[] g;
      if (chain != null) {
        checkBatch(inputs);
        checkTargets(inputs.get(0), targets);
        ChainResult r = chainBackward(coreInput(PackedBatch.of(inputs)),
            coreTarget(PackedBatch.of(targets)), loss, false, true);
        value = r.loss();
        g = r.inputGradient();
      } else {
        value = net.backward(loss, trainingForward(inputs, targets), true);
        g = null;
      }
      Map<String, float[]> grads = new LinkedHashMap<>();
      for (Param p : params.all()) {
        if (p.trainable()) {
          grads.put(p.name, p.grad.clone());
        }
      }
      FrameSequence first = inputs.get(0);
      int n = inputs.size();
      int frames = first.frames();
      FrameShape coreFrame = coreInput(PackedBatch.of(List.of(first))).frameShape();
      int fs = coreFrame.size();
      float[] packed = g; // [N, T, core frame]
      if (packed == null) {
        float[] tm = net.inputGradient();
        packed = new float[n * frames * fs];
        for (int b = 0; b < n; b++) {
          for (int t = 0; t < frames; t++) {
            System.arraycopy(tm, (t * n + b) * fs, packed, (b * frames + t) * fs, fs);
          }
        }
      }
      List<FrameSequence> inGrads =
          inputGradient(PackedBatch.adopt(n, frames, coreFrame, packed)).sequences();
      return new Gradients(value, grads, inGrads);
    });
  }

  /** Mean loss of one batch in training mode (batch statistics, no update); for tests. */
  double trainingLoss(List<FrameSequence> inputs, List<FrameSequence> targets, Loss loss) {
    applyDropout(testDropout);
    try {
      return trainingLossWithMasks(inputs, targets, loss);
    } finally {
      applyDropout(DropoutMasks.none());
    }
  }

  private double trainingLossWithMasks(List<FrameSequence> inputs, List<FrameSequence> targets,
      Loss loss) {
    return guarded(() -> {
      if (chain != null) {
        checkBatch(inputs);
        checkTargets(inputs.get(0), targets);
        PackedBatch out = chain.trainingForward(coreInput(PackedBatch.of(inputs)), false);
        float[] p = new float[out.size()];
        float[] y = new float[out.size()];
        out.copyTo(p, 0);
        coreTarget(PackedBatch.of(targets)).copyTo(y, 0);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
          sum += Network.elementLoss(loss, p[i], y[i]);
        }
        return sum / p.length;
      }
      if (encFc != null) {
        checkBatch(inputs);
        checkTargets(inputs.get(0), targets);
        encFc.loadInput(coreInput(PackedBatch.of(inputs)));
        encFc.encode(null, null);
        encFc.forecast(encFc.horizon(), null, null);
        PackedBatch y = coreTarget(PackedBatch.of(targets));
        return encFc.lossSum(loss, EncoderForecasterNet.timeMajor(y)) / y.size();
      }
      return net.lossSum(loss, trainingForward(inputs, targets)) / net.outputSize();
    });
  }

  /** Checks a batch, runs it in training mode (no moving-statistics update); the targets. */
  private float[] trainingForward(List<FrameSequence> inputs, List<FrameSequence> targets) {
    checkBatch(inputs);
    checkTargets(inputs.get(0), targets);
    net.loadInput(coreInput(PackedBatch.of(inputs)));
    float[] y = net.loadTargets(coreTarget(PackedBatch.of(targets)));
    net.forward(Network.Mode.TRAINING, false);
    return y;
  }

  /** Sets the im2col budget in floats; for tests. */
  void colBudget(long floats) {
    net.colBudget(floats);
  }

  /** Chooses the head formulation (tap products or im2col); for tests. */
  void headByTaps(boolean byTaps) {
    net.headByTaps(byTaps);
  }

  /** The live value array of a parameter; for tests. */
  float[] parameter(String name) {
    return params.get(name).value;
  }

  /** Bytes held in reusable buffers; for benchmarks. */
  long workspaceBytes() {
    return chain != null ? chain.arenaBytes() : net.arenaBytes();
  }

  /**
   * Loss and gradients of one batch.
   *
   * @param loss the mean loss
   * @param parameters gradient per trainable weight, Keras names and layouts
   * @param inputs gradient per input sequence
   */
  record Gradients(double loss, Map<String, float[]> parameters, List<FrameSequence> inputs) {}
}

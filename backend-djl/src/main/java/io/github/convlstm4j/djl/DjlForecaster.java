package io.github.convlstm4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.spi.AbstractForecaster;
import io.github.convlstm4j.spi.EngineTensor;
import io.github.convlstm4j.spi.LayerState;
import io.github.convlstm4j.spi.NonFiniteValue;
import io.github.convlstm4j.spi.PackedBatch;
import io.github.convlstm4j.spi.TrainingStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link io.github.convlstm4j.api.Forecaster} on a DJL engine: the primitives of
 * {@link AbstractForecaster}. Parameters live in one {@link NDManager} owned by the
 * forecaster, in DJL layouts; every call and every training batch works in its own
 * sub-manager, so no temporary outlives its call.
 *
 * <p>Training: for each batch, detached copies ({@link NDArray#stopGradient()}) of the
 * parameters are made fresh leaves that require gradients, the forward pass and the loss run
 * inside a {@link GradientCollector}, and the Keras 2 optimizer ({@link KerasOptimizer})
 * updates the persistent parameters in place after the collector is closed. Fresh leaves per
 * batch mean that a gradient is never accumulated across batches (PyTorch accumulates into
 * {@code .grad}, MXNet overwrites) and never needs zeroing. See {@link DjlBackendProvider} for
 * the NaN hazard this also avoids.
 */
final class DjlForecaster extends AbstractForecaster {

  private static final int PREDICT_CHUNK = 16;

  private final DjlEngineKind kind;
  private final Engine engine;
  private final NDManager manager;
  private final ConvLstmGraph graph;
  /** The chain for models with frame-wise layers, else null (then {@link #graph} runs). */
  private final FrameLayerChain chain;
  /** The graph of an encoder–forecaster, else null (then {@link #graph} runs). */
  private final EncoderForecasterGraph encFc;
  private final Map<String, List<Integer>> kerasShapes;
  /** All weights by Keras name, DJL layouts, in {@link ModelSpec#weightShapes()} order. */
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final BatchLayouts layouts;
  /** Streaming states returned by {@link #forward}, kept on the engine for the next calls. */
  private final EngineStates states;
  /** Inference kernels prepared from {@link #params}; cleared whenever a parameter changes. */
  private final InferenceKernels inferenceKernels;
  private KerasOptimizer optimizer;
  private ModelWeights pendingOptimizerState = ModelWeights.empty();

  DjlForecaster(DjlEngineKind kind, Engine engine, NDManager manager, ModelSpec spec,
      ModelWeights initial, InputConvolution inputConvolution) {
    super(kind.backendName(), spec);
    this.kind = kind;
    this.engine = engine;
    this.manager = manager;
    ModelSpec core = coreSpec(); // patch layers are the core's, around this model
    this.graph = new ConvLstmGraph(core, inputConvolution);
    this.chain = core.frameLayers().isEmpty() ? null
        : new FrameLayerChain(core, inputConvolution);
    this.encFc = core.encoderForecaster().isPresent() ? new EncoderForecasterGraph(core) : null;
    // The chain's output is [N, T, C, H, W] even when it ends with a Conv3D head.
    this.layouts = new BatchLayouts(chain == null && graph.outputChannelsBeforeTime());
    this.kerasShapes = core.weightShapes();
    this.states = new EngineStates(manager);
    this.inferenceKernels = new InferenceKernels(manager);
    graph.keepInferenceKernels(inferenceKernels);
    for (Map.Entry<String, List<Integer>> e : kerasShapes.entrySet()) {
      Tensor t = initial.get(e.getKey());
      params.put(e.getKey(), DjlArrays.owned(manager,
          KerasLayouts.toDjl(t.toArray(), e.getValue()),
          new Shape(KerasLayouts.djlShape(e.getValue()))));
    }
  }

  @Override
  protected Map<String, String> describeRuntime() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("threads", kind == DjlEngineKind.PYTORCH
        ? String.valueOf(System.getProperty("ai.djl.pytorch.num_threads"))
        : String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("engine", engine.getEngineName() + " " + engine.getVersion());
    m.put("device", String.valueOf(manager.getDevice()));
    m.put("inputConvolution", graph.inputConvolution().settingValue());
    return m;
  }

  @Override
  protected int maxInferenceBatch() {
    return PREDICT_CHUNK;
  }

  // ---------------------------------------------------------------- inference

  @Override
  protected Forward forward(PackedBatch input, List<LayerState> initialState,
      EngineTensor headContext, boolean returnState) {
    ModelSpec spec = coreSpec();
    FrameShape outShape = spec.outputFrameShape(input.frameShape());
    int outFrames = spec.outputFrames(input.frames());
    if (chain != null) { // the core sends no state or head context for such models
      try (NDManager call = manager.newSubManager()) {
        attachParams(call);
        NDArray y = chain.forward(layouts.input(call, input), params);
        return new Forward(PackedBatch.adopt(input.samples(), outFrames, outShape,
            layouts.output(y)), List.of(), null);
      }
    }
    int window = headWindow();
    try {
      return encFc != null ? encoderForecasterForward(input, initialState, returnState, outShape,
          outFrames) : forwardWithState(input, initialState, headContext, returnState, window,
          outShape, outFrames);
    } finally {
      states.trim(); // after the call's manager gave back the kept arrays it borrowed
    }
  }

  /** An encoder–forecaster's K frames, with the encoder's final states kept like any state. */
  private Forward encoderForecasterForward(PackedBatch input, List<LayerState> initialState,
      boolean returnState, FrameShape outShape, int outFrames) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray x = layouts.input(call, input);
      List<ConvLstmGraph.State> finals = returnState ? new ArrayList<>() : null;
      NDArray y = encFc.run(x, params, states.statesToEngine(call, initialState), finals,
          encFc.horizon());
      PackedBatch out = PackedBatch.adopt(input.samples(), outFrames, outShape,
          layouts.output(y));
      return finals == null ? new Forward(out, List.of(), null)
          : new Forward(out, states.keep(finals, null).states(), null);
    }
  }

  private Forward forwardWithState(PackedBatch input, List<LayerState> initialState,
      EngineTensor headContext, boolean returnState, int window, FrameShape outShape,
      int outFrames) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray x = layouts.input(call, input);
      List<ConvLstmGraph.State> initial = states.statesToEngine(call, initialState);
      List<ConvLstmGraph.State> finals = returnState ? new ArrayList<>() : null;
      List<NDArray> features = returnState && window > 0 ? new ArrayList<>() : null;
      NDArray y = initial == null && finals == null && headContext == null
          ? graph.forward(x, params, false).output()
          : graph.forwardWithState(x, params, initial, finals, window,
              states.featuresToEngine(call, headContext), features).output();
      PackedBatch out = PackedBatch.adopt(input.samples(), outFrames, outShape,
          layouts.output(y));
      if (finals == null) {
        return new Forward(out, List.of(), null);
      }
      EngineStates.Kept kept = states.keep(finals, features == null ? null : features.get(0));
      return new Forward(out, kept.states(), kept.features());
    }
  }

  @Override
  protected double lossSum(PackedBatch input, PackedBatch target, Loss loss) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray x = layouts.input(call, input);
      NDArray y = layouts.target(call, target);
      NDArray out = chain != null ? chain.forward(x, params)
          : encFc != null ? encFc.run(x, params, null, null, encFc.horizon())
          : graph.forward(x, params, false).output();
      return ConvLstmGraph.elementLoss(out, y, loss).toType(DataType.FLOAT64, false).sum()
          .getDouble();
    }
  }

  @Override
  protected PackedBatch forecastFrom(List<LayerState> encoderState, int steps) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray y = encFc.forecast(params, states.statesToEngine(call, encoderState), steps);
      int[] s = encoderState.get(0).shape();
      FrameShape frame = new FrameShape(s[1], s[2], coreSpec().inputChannels());
      return PackedBatch.adopt(s[0], steps, frame, layouts.output(y));
    } finally {
      states.trim(); // after the call's manager gave back the kept arrays it borrowed
    }
  }

  // ---------------------------------------------------------------- training

  @Override
  protected TrainingStep trainingStep(PackedBatch input, PackedBatch target, Loss lossType) {
    inferenceKernels.clear(); // the weights change with this step
    NDManager batch = manager.newSubManager();
    try {
      attachParams(batch);
      NDArray x = layouts.input(batch, input);
      NDArray y = layouts.target(batch, target);
      Map<String, NDArray> leaves = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray leaf = e.getValue().stopGradient();
        if (isTrainable(e.getKey())) {
          leaf.setRequiresGradient(true);
        }
        leaves.put(e.getKey(), leaf);
      }
      float loss;
      List<FrameLayerChain.Moving> moving = new ArrayList<>();
      synchronized (kind.collectorLock()) {
        try (GradientCollector collector = engine.newGradientCollector()) {
          NDArray output;
          if (encFc != null) {
            output = encFc.runTraining(x, leaves, batchDropout());
          } else if (chain != null) {
            output = chain.forward(x, leaves, true, moving, batchDropout());
          } else {
            ConvLstmGraph.Output out = graph.forwardTraining(x, leaves, batchDropout(), 0);
            output = out.output();
            for (ConvLstmGraph.BatchStats s : out.batchStats()) {
              moving.add(new FrameLayerChain.Moving(
                  ModelSpec.batchNormName(s.layer(), "moving_mean"),
                  ModelSpec.batchNormName(s.layer(), "moving_variance"),
                  coreSpec().batchNormAfter(s.layer()).orElseThrow().momentum(), s.mean(),
                  s.variance()));
            }
          }
          NDArray l = ConvLstmGraph.loss(output, y, lossType);
          collector.backward(l);
          loss = l.getFloat();
        }
      }
      Map<String, NDArray> grads = new LinkedHashMap<>();
      for (String name : trainable(params).keySet()) {
        grads.put(name, leaves.get(name).getGradient());
      }
      return new DjlTrainingStep(batch, loss, grads, this::prepareOptimizer, trainable(params),
          () -> updateMovingStatistics(moving));
    } catch (RuntimeException | Error e) {
      batch.close();
      throw e;
    }
  }

  /** The optimizer for {@code spec}: the current one updated, or a new one of its type. */
  private KerasOptimizer prepareOptimizer(OptimizerSpec spec) {
    inferenceKernels.clear(); // the weights change now
    if (optimizer != null && optimizer.spec().type() == spec.type()) {
      optimizer.setSpec(spec);
      return optimizer;
    }
    if (optimizer != null) {
      optimizer.close();
    }
    optimizer = KerasOptimizer.create(spec, trainable(params), kerasShapes,
        pendingOptimizerState, manager);
    pendingOptimizerState = ModelWeights.empty();
    return optimizer;
  }

  @Override
  protected Optional<NonFiniteValue> firstNonFiniteWeight() {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        // 0·x is 0 for finite x and NaN for NaN or ±Inf (isInfinite is missing on MXNet).
        if (Float.isNaN(e.getValue().mul(0f).sum().getFloat())) {
          float[] v = KerasLayouts.toKeras(e.getValue().toFloatArray(),
              kerasShapes.get(e.getKey()));
          int i = 0;
          while (i < v.length && Float.isFinite(v[i])) {
            i++;
          }
          return Optional.of(new NonFiniteValue(e.getKey(), i < v.length ? v[i] : Float.NaN, i));
        }
      }
      return Optional.empty();
    }
  }

  private void updateMovingStatistics(List<FrameLayerChain.Moving> stats) {
    for (FrameLayerChain.Moving s : stats) {
      float m = (float) s.momentum();
      NDArray mean = params.get(s.meanName());
      NDArray var = params.get(s.varianceName());
      mean.muli(m).addi(s.mean().stopGradient().mul(1f - m));
      var.muli(m).addi(s.variance().stopGradient().mul(1f - m));
    }
  }

  @Override
  protected double[][] batchNormInputStatistics(PackedBatch input, int layer) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray x = layouts.input(call, input);
      ConvLstmGraph.BatchStats s = chain != null ? chain.layerStatistics(x, params, layer)
          : graph.layerStatistics(x, params, layer);
      float[] mean = s.mean().toFloatArray();
      float[] var = s.variance().toFloatArray();
      double[][] r = new double[2][mean.length];
      for (int c = 0; c < mean.length; c++) {
        r[0][c] = mean[c];
        r[1][c] = var[c];
      }
      return r;
    }
  }

  // ---------------------------------------------------------------- weights

  @Override
  protected ModelWeights readWeights() {
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : kerasShapes.entrySet()) {
      b.put(e.getKey(), Tensor.of(e.getValue(),
          KerasLayouts.toKeras(params.get(e.getKey()).toFloatArray(), e.getValue())));
    }
    return b.build();
  }

  @Override
  protected void writeWeights(ModelWeights weights) {
    for (Map.Entry<String, List<Integer>> e : kerasShapes.entrySet()) {
      replaceParam(e.getKey(), KerasLayouts.toDjl(weights.get(e.getKey()).toArray(),
          e.getValue()));
    }
  }

  /**
   * Replaces a parameter by an engine-owned copy of {@code djlData}. Never {@code NDArray.set}:
   * on PyTorch that points the tensor at a Java direct buffer instead of copying (see
   * {@link DjlArrays#owned}).
   */
  private void replaceParam(String name, float[] djlData) {
    inferenceKernels.clear();
    NDArray old = params.get(name);
    params.put(name, DjlArrays.owned(manager, djlData, old.getShape()));
    old.close();
  }

  @Override
  protected ModelWeights readOptimizerState() {
    return optimizer != null ? optimizer.state(kerasShapes) : pendingOptimizerState;
  }

  /** Kept until the next training step builds the optimizer from it (and checks it then). */
  @Override
  protected void writeOptimizerState(ModelWeights state) {
    if (optimizer != null) {
      optimizer.close();
      optimizer = null;
    }
    pendingOptimizerState = state;
  }

  @Override
  protected void release() {
    states.clear();
    inferenceKernels.clear();
    if (optimizer != null) {
      optimizer.close();
    }
    manager.close();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Engine arrays kept between calls, for tests: streaming states and prepared inference
   * kernels (bounded: at most {@value EngineStates#KEPT_CALLS} calls' states).
   *
   * @return states' arrays, kernels' arrays, and all arrays of the forecaster's managers
   */
  int[] keptArrays() {
    return new int[] {states.keptArrays(), inferenceKernels.keptArrays(),
        manager.getManagedArrays().size()};
  }

  private void attachParams(NDManager call) {
    call.tempAttachAll(params.values().toArray(new NDArray[0]));
  }

  private static boolean isTrainable(String name) {
    return !BatchNormSpec.isMovingStatistic(name);
  }

  private static Map<String, NDArray> trainable(Map<String, NDArray> all) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (isTrainable(k)) {
        m.put(k, v);
      }
    });
    return m;
  }
}

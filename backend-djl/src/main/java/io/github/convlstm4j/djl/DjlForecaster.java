package io.github.convlstm4j.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Forecaster} on a DJL engine. Parameters live in one {@link NDManager} owned by the
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
final class DjlForecaster implements Forecaster {

  private static final int PREDICT_CHUNK = 16;

  private final DjlEngineKind kind;
  private final Engine engine;
  private final NDManager manager;
  private final ModelSpec spec;
  private final ConvLstmGraph graph;
  private final Map<String, List<Integer>> kerasShapes;
  /** All weights by Keras name, DJL layouts, in {@link ModelSpec#weightShapes()} order. */
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  /** Per-call inputs and targets reach the engine through these (no allocation per call). */
  private final StagingBuffer inputStage = new StagingBuffer();
  private final StagingBuffer targetStage = new StagingBuffer();
  private KerasOptimizer optimizer;
  private ModelWeights pendingOptimizerState = ModelWeights.empty();
  private int epochsCompleted;
  private boolean closed;

  DjlForecaster(DjlEngineKind kind, Engine engine, NDManager manager, ModelSpec spec,
      ModelWeights initial, InputConvolution inputConvolution) {
    this.kind = kind;
    this.engine = engine;
    this.manager = manager;
    this.spec = spec;
    this.graph = new ConvLstmGraph(spec, inputConvolution);
    this.kerasShapes = spec.weightShapes();
    for (Map.Entry<String, List<Integer>> e : kerasShapes.entrySet()) {
      Tensor t = initial.get(e.getKey());
      params.put(e.getKey(), DjlArrays.owned(manager,
          KerasLayouts.toDjl(t.toArray(), e.getValue()),
          new Shape(KerasLayouts.djlShape(e.getValue()))));
    }
  }

  @Override
  public String backendName() {
    ensureOpen();
    return kind.backendName();
  }

  @Override
  public ModelSpec spec() {
    ensureOpen();
    return spec;
  }

  @Override
  public Map<String, String> runtimeInfo() {
    ensureOpen();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("backend", kind.backendName());
    m.put("threads", kind == DjlEngineKind.PYTORCH
        ? String.valueOf(System.getProperty("ai.djl.pytorch.num_threads"))
        : String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("engine", engine.getEngineName() + " " + engine.getVersion());
    m.put("device", String.valueOf(manager.getDevice()));
    m.put("inputConvolution", graph.inputConvolution().settingValue());
    return java.util.Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- inference

  @Override
  public FrameSequence predict(FrameSequence input) {
    Objects.requireNonNull(input, "input");
    return predict(List.of(input)).get(0);
  }

  @Override
  public List<FrameSequence> predict(List<FrameSequence> inputs) {
    ensureOpen();
    FrameSequence first = FrameSequence.requireUniformBatch(inputs, "inputs");
    FrameShape outShape = spec.outputFrameShape(first.frameShape());
    int outFrames = spec.outputFrames(first.frames());
    List<FrameSequence> result = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += PREDICT_CHUNK) {
      int count = Math.min(PREDICT_CHUNK, inputs.size() - from);
      float[] packed = new float[count * first.size()];
      for (int b = 0; b < count; b++) {
        inputs.get(from + b).copyTo(packed, b * first.size());
      }
      float[] out = run(packed, count, first.frames(), first.frameShape());
      int outSize = outFrames * outShape.size();
      for (int b = 0; b < count; b++) {
        float[] one = new float[outSize];
        System.arraycopy(out, b * outSize, one, 0, outSize);
        result.add(FrameSequence.of(outFrames, outShape, one));
      }
    }
    return result;
  }

  /** Inference on a packed channels-last batch; returns the packed channels-last output. */
  private float[] run(float[] channelsLast, int n, int frames, FrameShape shape) {
    try (NDManager call = manager.newSubManager()) {
      attachParams(call);
      NDArray x = input(call, channelsLast, n, frames, shape);
      NDArray y = graph.forward(x, params, false).output();
      return outputToChannelsLast(y);
    }
  }

  @Override
  public FrameSequence forecast(FrameSequence context, int horizon) {
    ensureOpen();
    Objects.requireNonNull(context, "context");
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    FrameShape out = spec.outputFrameShape(context.frameShape());
    if (!out.equals(context.frameShape())) {
      throw new IllegalArgumentException("forecast needs output frames shaped like the input, "
          + context.frameShape() + ", got output frames " + out);
    }
    FrameSequence sequence = context;
    List<FrameSequence> generated = new ArrayList<>(horizon);
    for (int k = 0; k < horizon; k++) {
      FrameSequence next = predict(sequence).lastFrame();
      generated.add(next);
      sequence = sequence.append(next);
    }
    return FrameSequence.concat(generated);
  }

  // ---------------------------------------------------------------- training

  @Override
  public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
      TrainingListener listener) {
    ensureOpen();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(listener, "listener");
    requireMatchingTargets(data);
    SequenceDataset.Split split = data.split(config.validationSplit());
    SequenceDataset training = split.training();
    if (training.isEmpty()) {
      throw new IllegalArgumentException("training part must hold at least 1 sample, got 0 ("
          + data.size() + " samples, validationSplit " + config.validationSplit() + ")");
    }
    prepareOptimizer(config);
    long start = System.nanoTime();
    int lastEpoch = epochsCompleted + config.epochs();
    List<EpochEvent> events = new ArrayList<>();
    FrameSequence in0 = training.get(0).input();
    int inSize = in0.size();
    int outSize = training.get(0).target().size();
    int batchSize = Math.min(config.batchSize(), training.size());
    float[] inputs = new float[batchSize * inSize];
    float[] targets = new float[batchSize * outSize];
    int batches = (training.size() + config.batchSize() - 1) / config.batchSize();
    for (int e = 0; e < config.epochs(); e++) {
      int epoch = epochsCompleted;
      int[] order = training.epochOrder(config.shuffle(), config.seed(), epoch);
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * config.batchSize();
        int count = Math.min(config.batchSize(), training.size() - from);
        training.packBatch(order, from, count, inputs, targets);
        double loss = trainStep(inputs, targets, count, in0, config.loss(), epoch + 1, b + 1);
        lossSum += loss * count;
        listener.onBatch(new BatchEvent(epoch + 1, b + 1, batches, loss, since(start)));
      }
      if (e == config.epochs() - 1 && config.recalibrateBatchNorm()
          && spec.layers().stream().anyMatch(ConvLstmLayerSpec::batchNormalization)) {
        recalibrateBatchNorm(training, config.batchSize());
      }
      double validation = split.validation().isEmpty()
          ? Double.NaN
          : meanLoss(split.validation(), config.loss(), PREDICT_CHUNK);
      epochsCompleted++;
      EpochEvent event = new EpochEvent(epochsCompleted, lastEpoch, lossSum / training.size(),
          validation, since(start));
      events.add(event);
      listener.onEpoch(event);
    }
    return new TrainingHistory(events);
  }

  private void prepareOptimizer(TrainingConfig config) {
    if (optimizer != null && optimizer.spec().type() == config.optimizer().type()) {
      optimizer.setSpec(config.optimizer());
      return;
    }
    if (optimizer != null) {
      optimizer.close();
    }
    optimizer = KerasOptimizer.create(config.optimizer(), trainable(params), kerasShapes,
        pendingOptimizerState, manager);
    pendingOptimizerState = ModelWeights.empty();
  }

  /** One optimizer step on a packed batch; returns the batch loss before the update. */
  private double trainStep(float[] inputs, float[] targets, int n, FrameSequence example,
      Loss lossType, int epoch, int batchNumber) {
    try (NDManager batch = manager.newSubManager()) {
      attachParams(batch);
      batch.tempAttachAll(optimizer.slotArrays().toArray(new NDArray[0]));
      NDArray x = input(batch, inputs, n, example.frames(), example.frameShape());
      NDArray y = target(batch, targets, n, example);
      Map<String, NDArray> leaves = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray leaf = e.getValue().stopGradient();
        if (isTrainable(e.getKey())) {
          leaf.setRequiresGradient(true);
        }
        leaves.put(e.getKey(), leaf);
      }
      float loss;
      ConvLstmGraph.Output out;
      synchronized (kind.collectorLock()) {
        try (GradientCollector collector = engine.newGradientCollector()) {
          out = graph.forward(x, leaves, true);
          NDArray l = ConvLstmGraph.loss(out.output(), y, lossType);
          collector.backward(l);
          loss = l.getFloat();
        }
      }
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException("training diverged at epoch " + epoch + ", batch "
            + batchNumber + ": the loss is " + loss);
      }
      Map<String, NDArray> grads = new LinkedHashMap<>();
      for (String name : trainable(params).keySet()) {
        grads.put(name, leaves.get(name).getGradient());
      }
      optimizer.step(trainable(params), grads);
      updateMovingStatistics(out.batchStats());
      requireFiniteParameters(epoch, batchNumber);
      return loss;
    }
  }

  /** Throws, naming the tensor, if an update produced NaN or infinity. */
  private void requireFiniteParameters(int epoch, int batchNumber) {
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray p = e.getValue();
      // 0·x is 0 for finite x and NaN for NaN or ±Inf (isInfinite is missing on MXNet).
      if (Float.isNaN(p.mul(0f).sum().getFloat())) {
        float[] v = p.toFloatArray();
        int i = 0;
        while (i < v.length && Float.isFinite(v[i])) {
          i++;
        }
        throw new IllegalStateException("training diverged at epoch " + epoch + ", batch "
            + batchNumber + ": " + e.getKey() + " holds " + (i < v.length ? v[i] : Float.NaN)
            + " at flat index " + i + " (DJL layout) after the update");
      }
    }
  }

  private void updateMovingStatistics(List<ConvLstmGraph.BatchStats> stats) {
    float m = (float) spec.batchNormMomentum();
    for (ConvLstmGraph.BatchStats s : stats) {
      NDArray mean = params.get(ModelSpec.batchNormName(s.layer(), "moving_mean"));
      NDArray var = params.get(ModelSpec.batchNormName(s.layer(), "moving_variance"));
      mean.muli(m).addi(s.mean().stopGradient().mul(1f - m));
      var.muli(m).addi(s.variance().stopGradient().mul(1f - m));
    }
  }

  /**
   * Re-estimates the moving statistics, as the reference backend does: each batch-normalization
   * layer in turn, first to last, gets as moving mean and variance the batch-size-weighted
   * average, over the training part in sample order and in batches of {@code batchSize}, of the
   * batch statistics of its input in an inference-mode pass (earlier layers already
   * recalibrated).
   */
  private void recalibrateBatchNorm(SequenceDataset training, int batchSize) {
    FrameSequence ex = training.get(0).input();
    int[] order = training.epochOrder(false, 0, 0);
    for (int i = 0; i < spec.layers().size(); i++) {
      if (!spec.layers().get(i).batchNormalization()) {
        continue;
      }
      int f = spec.layers().get(i).filters();
      double[] meanSum = new double[f];
      double[] varSum = new double[f];
      for (int from = 0; from < training.size(); from += batchSize) {
        int count = Math.min(batchSize, training.size() - from);
        float[] in = new float[count * ex.size()];
        float[] tg = new float[count * training.get(0).target().size()];
        training.packBatch(order, from, count, in, tg);
        try (NDManager call = manager.newSubManager()) {
          attachParams(call);
          NDArray x = input(call, in, count, ex.frames(), ex.frameShape());
          ConvLstmGraph.BatchStats s = graph.layerStatistics(x, params, i);
          float[] mean = s.mean().toFloatArray();
          float[] var = s.variance().toFloatArray();
          for (int c = 0; c < f; c++) {
            meanSum[c] += (double) mean[c] * count;
            varSum[c] += (double) var[c] * count;
          }
        }
      }
      float[] mean = new float[f];
      float[] var = new float[f];
      for (int c = 0; c < f; c++) {
        mean[c] = (float) (meanSum[c] / training.size());
        var[c] = (float) (varSum[c] / training.size());
      }
      replaceParam(ModelSpec.batchNormName(i, "moving_mean"), mean);
      replaceParam(ModelSpec.batchNormName(i, "moving_variance"), var);
    }
  }

  @Override
  public double evaluate(SequenceDataset data, Loss loss) {
    ensureOpen();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(loss, "loss");
    if (data.isEmpty()) {
      throw new IllegalArgumentException("data must hold at least 1 sample, got 0");
    }
    requireMatchingTargets(data);
    return meanLoss(data, loss, PREDICT_CHUNK);
  }

  private double meanLoss(SequenceDataset data, Loss loss, int batchSize) {
    FrameSequence ex = data.get(0).input();
    FrameSequence target = data.get(0).target();
    int[] order = data.epochOrder(false, 0, 0);
    double sum = 0;
    for (int from = 0; from < data.size(); from += batchSize) {
      int count = Math.min(batchSize, data.size() - from);
      float[] in = new float[count * ex.size()];
      float[] tg = new float[count * target.size()];
      data.packBatch(order, from, count, in, tg);
      try (NDManager call = manager.newSubManager()) {
        attachParams(call);
        NDArray x = input(call, in, count, ex.frames(), ex.frameShape());
        NDArray y = target(call, tg, count, ex);
        NDArray out = graph.forward(x, params, false).output();
        sum += ConvLstmGraph.elementLoss(out, y, loss).toType(ai.djl.ndarray.types.DataType.FLOAT64,
            false).sum().getDouble();
      }
    }
    return sum / ((double) data.size() * target.size());
  }

  private void requireMatchingTargets(SequenceDataset data) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("data must hold at least 1 sample, got 0");
    }
    FrameSequence in = data.get(0).input();
    FrameSequence target = data.get(0).target();
    FrameShape outShape = spec.outputFrameShape(in.frameShape());
    int outFrames = spec.outputFrames(in.frames());
    if (target.frames() != outFrames || !target.frameShape().equals(outShape)) {
      throw new IllegalArgumentException("targets must be " + outFrames + "x" + outShape
          + " (the network output for inputs " + in.shapeString() + "), got "
          + target.shapeString());
    }
  }

  // ---------------------------------------------------------------- weights

  @Override
  public ModelWeights weights() {
    ensureOpen();
    ModelWeights.Builder b = ModelWeights.builder();
    for (Map.Entry<String, List<Integer>> e : kerasShapes.entrySet()) {
      b.put(e.getKey(), Tensor.of(e.getValue(),
          KerasLayouts.toKeras(params.get(e.getKey()).toFloatArray(), e.getValue())));
    }
    return b.build();
  }

  @Override
  public void setWeights(ModelWeights weights) {
    ensureOpen();
    Objects.requireNonNull(weights, "weights");
    weights.requireCompatible(spec).requireFinite();
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
    NDArray old = params.get(name);
    params.put(name, DjlArrays.owned(manager, djlData, old.getShape()));
    old.close();
  }

  @Override
  public Checkpoint checkpoint() {
    ensureOpen();
    ModelWeights state = optimizer != null ? optimizer.state(kerasShapes) : pendingOptimizerState;
    return new Checkpoint(spec, weights(), state, epochsCompleted);
  }

  @Override
  public void restore(Checkpoint checkpoint) {
    ensureOpen();
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (!checkpoint.spec().withSeed(spec.seed()).equals(spec)) {
      throw new IllegalArgumentException(
          "checkpoint spec must be " + spec + " (any seed), got " + checkpoint.spec());
    }
    setWeights(checkpoint.weights());
    if (optimizer != null) {
      optimizer.close();
      optimizer = null;
    }
    pendingOptimizerState = checkpoint.optimizerState();
    epochsCompleted = checkpoint.epochsCompleted();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (optimizer != null) {
      optimizer.close();
    }
    manager.close();
  }

  @Override
  public String toString() {
    return "DjlForecaster[backend=" + kind.backendName() + ", engine=" + engine.getEngineName()
        + " " + engine.getVersion() + ", device=" + manager.getDevice() + ", inputConvolution="
        + graph.inputConvolution().settingValue() + ", spec=" + spec
        + ", epochsCompleted=" + epochsCompleted + (closed ? ", closed" : "") + "]";
  }

  // ---------------------------------------------------------------- helpers

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this " + kind.backendName() + " forecaster is closed");
    }
  }

  private void attachParams(NDManager call) {
    call.tempAttachAll(params.values().toArray(new NDArray[0]));
  }

  private static boolean isTrainable(String name) {
    return !name.endsWith("/moving_mean") && !name.endsWith("/moving_variance");
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

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** A packed channels-last batch {@code [N, T, H, W, C]} as the network input layout. */
  private NDArray input(NDManager m, float[] channelsLast, int n, int frames,
      FrameShape s) {
    int c = s.channels();
    int count = n * frames * s.size();
    if (channelsLast.length != count) {
      channelsLast = java.util.Arrays.copyOf(channelsLast, count);
    }
    float[] data = c == 1 ? channelsLast : KerasLayouts.permute(channelsLast,
        new int[] {n * frames, s.height(), s.width(), c}, new int[] {0, 3, 1, 2});
    return inputStage.wrap(m, data, new Shape(n, frames, c, s.height(), s.width()));
  }

  /** A packed channels-last target batch in the network's output layout. */
  private NDArray target(NDManager m, float[] channelsLast, int n, FrameSequence example) {
    FrameShape o = spec.outputFrameShape(example.frameShape());
    int t = spec.outputFrames(example.frames());
    int count = n * t * o.size();
    float[] packed = channelsLast.length == count ? channelsLast
        : java.util.Arrays.copyOf(channelsLast, count);
    if (graph.outputChannelsBeforeTime()) {
      float[] data = KerasLayouts.permute(packed,
          new int[] {n, t, o.height(), o.width(), o.channels()}, new int[] {0, 4, 1, 2, 3});
      return targetStage.wrap(m, data, new Shape(n, o.channels(), t, o.height(), o.width()));
    }
    float[] data = KerasLayouts.permute(packed,
        new int[] {n * t, o.height(), o.width(), o.channels()}, new int[] {0, 3, 1, 2});
    return targetStage.wrap(m, data, new Shape(n, t, o.channels(), o.height(), o.width()));
  }

  /** The network output as a packed channels-last {@code [N, T, H, W, C]} array. */
  private float[] outputToChannelsLast(NDArray y) {
    Shape s = y.getShape();
    int[] dims = new int[5];
    for (int i = 0; i < 5; i++) {
      dims[i] = Math.toIntExact(s.get(i));
    }
    float[] flat = y.toFloatArray();
    if (graph.outputChannelsBeforeTime()) { // [N, C, T, H, W]
      return KerasLayouts.permute(flat, dims, new int[] {0, 2, 3, 4, 1});
    }
    // [N, T, C, H, W]
    return KerasLayouts.permute(flat, dims, new int[] {0, 1, 3, 4, 2});
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.BackendOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *   <li>With {@link TrainingConfig#recalibrateBatchNorm()}, after the last epoch's batches and
 *       before its validation loss is measured, each batch-normalization layer in turn (first to
 *       last) gets as moving mean and variance the batch-size-weighted average, over the training
 *       part in order and in batches of {@code batchSize}, of the batch statistics of its input
 *       in an inference-mode forward pass (earlier layers already recalibrated).
 *   <li>Inside the ConvLSTM cell, tanh and sigmoid are a float rational approximation within
 *       4e-7 of the exact functions (so the loops vectorize); the head's activation is exact.
 *   <li>The input-to-state convolution runs for as many time steps at once as fit an im2col
 *       buffer of 2^23 floats (32 MB) (all steps for small inputs, one step of the
 *       whole batch for the seed model's 40-channel layers), always at least one step of the
 *       whole batch per matrix multiply.
 *   <li>{@link #evaluate} and validation losses run in batches of at most 16 samples and return
 *       the mean over all elements.
 *   <li>If a loss or a weight becomes NaN or infinite during {@link #fit}, training stops with an
 *       {@link IllegalStateException} naming the epoch, the batch and the tensor; the weights
 *       are then left as they were after the failing update.
 * </ul>
 *
 * <p>Not thread-safe: one caller at a time. Work inside a call uses
 * {@link BackendOptions#effectiveThreads()} threads; results do not depend on that number.
 */
public final class ReferenceForecaster implements Forecaster {

  /** Largest batch used by {@link #evaluate} and validation. */
  static final int EVALUATION_BATCH = 16;

  private final ModelSpec spec;
  private final Parallel par;
  private final Parameters params;
  private final Optimizer optimizer;
  private final Network net;
  private int epochsCompleted;
  private boolean closed;

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
    this.spec = Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    this.par = new Parallel(options.effectiveThreads());
    this.params = new Parameters(spec);
    params.load(KerasInitializers.initialWeights(spec));
    this.optimizer = new Optimizer(params);
    this.net = new Network(spec, params, par, matMul, convolution);
  }

  @Override
  public String backendName() {
    checkOpen();
    return ReferenceBackendProvider.NAME;
  }

  @Override
  public ModelSpec spec() {
    checkOpen();
    return spec;
  }

  @Override
  public Map<String, String> runtimeInfo() {
    checkOpen();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("backend", ReferenceBackendProvider.NAME);
    m.put("threads", Integer.toString(par.threads()));
    m.put("kernel", net.matMul().name());
    m.put("convolution", net.convolution().settingValue());
    return Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- inference

  @Override
  public FrameSequence predict(FrameSequence input) {
    Objects.requireNonNull(input, "input");
    return predict(List.of(input)).get(0);
  }

  @Override
  public List<FrameSequence> predict(List<FrameSequence> inputs) {
    checkOpen();
    checkBatch(inputs);
    loadInputs(inputs);
    net.forward(Network.Mode.INFERENCE, false);
    return extractOutputs(inputs.size());
  }

  @Override
  public FrameSequence forecast(FrameSequence context, int horizon) {
    checkOpen();
    Objects.requireNonNull(context, "context");
    FrameShape out = checkInput(context, "context");
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    if (!out.equals(context.frameShape())) {
      throw new IllegalArgumentException("forecast needs output frames shaped like the input "
          + "frames: input frame " + context.frameShape() + ", output frame " + out);
    }
    List<FrameSequence> generated = new ArrayList<>(horizon);
    FrameSequence seq = context;
    for (int k = 0; k < horizon; k++) {
      loadInputs(List.of(seq));
      net.forward(Network.Mode.INFERENCE, false);
      FrameSequence next = extractOutputs(1).get(0).lastFrame();
      generated.add(next);
      if (k + 1 < horizon) {
        seq = seq.append(next);
      }
    }
    return FrameSequence.concat(generated);
  }

  @Override
  public double evaluate(SequenceDataset data, Loss loss) {
    checkOpen();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(loss, "loss");
    checkDataset(data, "data");
    return meanLoss(data, loss);
  }

  private double meanLoss(SequenceDataset data, Loss loss) {
    int[] order = data.epochOrder(false, 0, 0);
    double sum = 0;
    long count = 0;
    for (int from = 0; from < data.size(); from += EVALUATION_BATCH) {
      int n = Math.min(EVALUATION_BATCH, data.size() - from);
      float[] y = loadBatch(data, order, from, n);
      net.forward(Network.Mode.INFERENCE, false);
      sum += net.lossSum(loss, y);
      count += net.outputSize();
    }
    return sum / count;
  }

  // ---------------------------------------------------------------- training

  @Override
  public TrainingHistory fit(SequenceDataset data, TrainingConfig config,
      TrainingListener listener) {
    checkOpen();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(listener, "listener");
    checkDataset(data, "data");
    SequenceDataset.Split split = data.split(config.validationSplit());
    SequenceDataset train = split.training();
    SequenceDataset validation = split.validation();
    if (train.isEmpty()) {
      throw new IllegalArgumentException("the training part must hold at least 1 sample, got 0 ("
          + data.size() + " samples with validationSplit " + config.validationSplit() + ")");
    }
    long start = System.nanoTime();
    int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
    int lastEpoch = epochsCompleted + config.epochs();
    List<EpochEvent> history = new ArrayList<>();
    for (int e = 0; e < config.epochs(); e++) {
      int epoch = epochsCompleted + 1;
      int[] order = train.epochOrder(config.shuffle(), config.seed(), epochsCompleted);
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * config.batchSize();
        int n = Math.min(config.batchSize(), train.size() - from);
        float[] y = loadBatch(train, order, from, n);
        net.forward(Network.Mode.TRAINING, true);
        double loss = net.backward(config.loss(), y, false);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("training diverged at epoch " + epoch + ", batch "
              + (b + 1) + ": the loss is " + loss);
        }
        optimizer.step(config.optimizer());
        requireFiniteParameters(epoch, b + 1);
        lossSum += loss * n;
        listener.onBatch(new BatchEvent(epoch, b + 1, batches, loss, since(start)));
      }
      epochsCompleted++;
      if (e == config.epochs() - 1 && config.recalibrateBatchNorm()) {
        recalibrateBatchNorm(train, config.batchSize());
      }
      double val = validation.isEmpty() ? Double.NaN : meanLoss(validation, config.loss());
      EpochEvent event =
          new EpochEvent(epoch, lastEpoch, lossSum / train.size(), val, since(start));
      history.add(event);
      listener.onEpoch(event);
    }
    return new TrainingHistory(history);
  }

  private void requireFiniteParameters(int epoch, int batch) {
    for (Param p : params.all()) {
      float[] v = p.value;
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalStateException("training diverged at epoch " + epoch + ", batch "
              + batch + ": " + p.name + " holds " + v[i] + " at flat index " + i
              + " after the update");
        }
      }
    }
  }

  private void recalibrateBatchNorm(SequenceDataset train, int batchSize) {
    int[] order = train.epochOrder(false, 0, 0);
    for (int i = 0; i < spec.layers().size(); i++) {
      if (!spec.layers().get(i).batchNormalization()) {
        continue;
      }
      int f = spec.layers().get(i).filters();
      double[] meanSum = new double[f];
      double[] varSum = new double[f];
      double[] mean = new double[f];
      double[] var = new double[f];
      for (int from = 0; from < train.size(); from += batchSize) {
        int n = Math.min(batchSize, train.size() - from);
        loadBatch(train, order, from, n);
        net.forward(Network.Mode.INFERENCE, false, i, false);
        net.outputStatistics(i, mean, var);
        for (int c = 0; c < f; c++) {
          meanSum[c] += mean[c] * n;
          varSum[c] += var[c] * n;
        }
      }
      float[] mm = params.get(ModelSpec.batchNormName(i, "moving_mean")).value;
      float[] mv = params.get(ModelSpec.batchNormName(i, "moving_variance")).value;
      for (int c = 0; c < f; c++) {
        mm[c] = (float) (meanSum[c] / train.size());
        mv[c] = (float) (varSum[c] / train.size());
      }
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Loss and gradients of one batch in training mode, without any update; for tests. */
  Gradients gradients(List<FrameSequence> inputs, List<FrameSequence> targets, Loss loss) {
    checkOpen();
    checkBatch(inputs);
    checkTargets(inputs.get(0), targets);
    loadInputs(inputs);
    float[] y = loadTargets(targets);
    net.forward(Network.Mode.TRAINING, false);
    double value = net.backward(loss, y, true);
    Map<String, float[]> grads = new LinkedHashMap<>();
    for (Param p : params.all()) {
      if (p.trainable()) {
        grads.put(p.name, p.grad.clone());
      }
    }
    FrameSequence first = inputs.get(0);
    int n = inputs.size();
    int fs = first.frameShape().size();
    float[] g = net.inputGradient();
    List<FrameSequence> inGrads = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      float[] s = new float[first.frames() * fs];
      for (int t = 0; t < first.frames(); t++) {
        System.arraycopy(g, (t * n + b) * fs, s, t * fs, fs);
      }
      inGrads.add(FrameSequence.of(first.frames(), first.frameShape(), s));
    }
    return new Gradients(value, grads, inGrads);
  }

  /** Mean loss of one batch in training mode (batch statistics, no update); for tests. */
  double trainingLoss(List<FrameSequence> inputs, List<FrameSequence> targets, Loss loss) {
    checkOpen();
    checkBatch(inputs);
    checkTargets(inputs.get(0), targets);
    loadInputs(inputs);
    float[] y = loadTargets(targets);
    net.forward(Network.Mode.TRAINING, false);
    return net.lossSum(loss, y) / net.outputSize();
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
    return net.arenaBytes();
  }

  /**
   * Loss and gradients of one batch.
   *
   * @param loss the mean loss
   * @param parameters gradient per trainable weight, Keras names and layouts
   * @param inputs gradient per input sequence
   */
  record Gradients(double loss, Map<String, float[]> parameters, List<FrameSequence> inputs) {}

  // ---------------------------------------------------------------- weights

  @Override
  public ModelWeights weights() {
    checkOpen();
    return params.snapshot();
  }

  @Override
  public void setWeights(ModelWeights weights) {
    checkOpen();
    Objects.requireNonNull(weights, "weights");
    weights.requireCompatible(spec);
    weights.requireFinite();
    params.load(weights);
  }

  @Override
  public Checkpoint checkpoint() {
    checkOpen();
    return new Checkpoint(spec, params.snapshot(), optimizer.state(), epochsCompleted);
  }

  @Override
  public void restore(Checkpoint checkpoint) {
    checkOpen();
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (!checkpoint.spec().withSeed(spec.seed()).equals(spec)) {
      throw new IllegalArgumentException("checkpoint spec must equal this forecaster's spec "
          + "(the seed may differ): expected " + spec + ", got " + checkpoint.spec());
    }
    ModelWeights w = checkpoint.weights();
    w.requireCompatible(spec);
    w.requireFinite();
    optimizer.restore(checkpoint.optimizerState());
    params.load(w);
    epochsCompleted = checkpoint.epochsCompleted();
  }

  /**
   * Epochs trained so far, across {@code fit} calls and restored checkpoints.
   *
   * @return the count
   */
  public int epochsCompleted() {
    checkOpen();
    return epochsCompleted;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      net.close();
      par.close();
    }
  }

  @Override
  public String toString() {
    return "ReferenceForecaster[kernel=" + net.matMul().name() + ", convolution="
        + net.convolution().settingValue() + ", threads=" + par.threads() + ", spec=" + spec + (closed ? ", closed" : "") + "]";
  }

  // ---------------------------------------------------------------- validation and packing

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this forecaster is closed");
    }
  }

  /** Validates one input sequence and returns its output frame shape. */
  private FrameShape checkInput(FrameSequence s, String what) {
    try {
      return spec.outputFrameShape(s.frameShape());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  private void checkBatch(List<FrameSequence> inputs) {
    checkInput(FrameSequence.requireUniformBatch(inputs, "inputs"), "inputs[0]");
  }

  private String expectedTarget(FrameSequence input) {
    FrameShape out = spec.outputFrameShape(input.frameShape());
    return spec.outputFrames(input.frames()) + "x" + out;
  }

  private void checkTargets(FrameSequence input, List<FrameSequence> targets) {
    Objects.requireNonNull(targets, "targets");
    String expected = expectedTarget(input);
    for (int i = 0; i < targets.size(); i++) {
      FrameSequence t = Objects.requireNonNull(targets.get(i), "targets[" + i + "]");
      if (!t.shapeString().equals(expected)) {
        throw new IllegalArgumentException("targets[" + i + "] must be " + expected
            + " (the network output for inputs " + input.shapeString() + "), got "
            + t.shapeString());
      }
    }
  }

  private void checkDataset(SequenceDataset data, String what) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException(what + " must hold at least 1 sample, got 0");
    }
    SequenceDataset.Sample s = data.get(0);
    checkInput(s.input(), what + " input");
    String expected = expectedTarget(s.input());
    if (!s.target().shapeString().equals(expected)) {
      throw new IllegalArgumentException(what + " targets must be " + expected
          + " (the network output for inputs " + s.input().shapeString() + "), got "
          + s.target().shapeString());
    }
  }

  private void loadInputs(List<FrameSequence> inputs) {
    FrameSequence first = inputs.get(0);
    int n = inputs.size();
    int t = first.frames();
    int fs = first.frameShape().size();
    float[] x = net.prepareInput(n, t, first.height(), first.width());
    float[] stage = net.scratch("stageIn", (long) n * t * fs);
    for (int b = 0; b < n; b++) {
      inputs.get(b).copyTo(stage, b * t * fs);
    }
    toTimeMajor(stage, n, t, fs, x);
  }

  private float[] loadTargets(List<FrameSequence> targets) {
    FrameSequence first = targets.get(0);
    int n = targets.size();
    int t = first.frames();
    int fs = first.frameShape().size();
    float[] stage = net.scratch("stageOut", (long) n * t * fs);
    for (int b = 0; b < n; b++) {
      targets.get(b).copyTo(stage, b * t * fs);
    }
    float[] y = net.scratch("y", (long) n * t * fs);
    toTimeMajor(stage, n, t, fs, y);
    return y;
  }

  /** Packs samples {@code order[from..from+n)} and returns the time-major targets. */
  private float[] loadBatch(SequenceDataset data, int[] order, int from, int n) {
    SequenceDataset.Sample s0 = data.get(0);
    int t = s0.input().frames();
    int fs = s0.input().frameShape().size();
    int tt = s0.target().frames();
    int tfs = s0.target().frameShape().size();
    float[] x = net.prepareInput(n, t, s0.input().height(), s0.input().width());
    float[] stageIn = net.scratch("stageIn", (long) n * t * fs);
    float[] stageOut = net.scratch("stageOut", (long) n * tt * tfs);
    data.packBatch(order, from, n, stageIn, stageOut);
    toTimeMajor(stageIn, n, t, fs, x);
    float[] y = net.scratch("y", (long) n * tt * tfs);
    toTimeMajor(stageOut, n, tt, tfs, y);
    return y;
  }

  private static void toTimeMajor(float[] src, int n, int t, int frameSize, float[] dst) {
    for (int b = 0; b < n; b++) {
      for (int ti = 0; ti < t; ti++) {
        System.arraycopy(src, (b * t + ti) * frameSize, dst, (ti * n + b) * frameSize,
            frameSize);
      }
    }
  }

  private List<FrameSequence> extractOutputs(int n) {
    int tOut = net.outputFrames();
    int fo = net.outputFrameSize();
    float[] out = net.output();
    int off = net.outputOffset();
    int channels = spec.outputChannels();
    List<FrameSequence> result = new ArrayList<>(n);
    float[] s = new float[tOut * fo];
    for (int b = 0; b < n; b++) {
      for (int t = 0; t < tOut; t++) {
        System.arraycopy(out, off + (t * n + b) * fo, s, t * fo, fo);
      }
      result.add(FrameSequence.of(tOut, net.outputHeight(), net.outputWidth(), channels, s));
    }
    return result;
  }
}

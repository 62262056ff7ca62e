package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.spi.PackedBatch;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ConvLSTM network on flat arrays: forward pass (inference or training mode), loss, and
 * backpropagation through time into the parameters' gradient buffers.
 *
 * <p>Layout: every activation tensor is time-major and channels-last, {@code [T, N, H, W, C]},
 * so one time step of the whole batch is one contiguous block of {@code N·H·W} rows. Per layer
 * and step the 4F gate pre-activations of all positions form one {@code [N·H·W, 4F]} matrix in
 * Keras gate order i, f, c, o.
 *
 * <p>Forward, per layer: the input-to-state convolution of many time steps at once (one im2col
 * plus one GEMM per chunk of steps whose im2col fits {@link #COL_BUDGET} floats; for small
 * inputs that is all steps), then per step the recurrent convolution of {@code H_{t-1}}
 * (im2col + GEMM accumulated onto the same gate block), then the element-wise gate math:
 * {@code C_t = f⊙C_{t-1} + i⊙act(c̃)}, {@code H_t = o⊙act(C_t)}, with the bias added to the
 * pre-activations there. Batch normalization (optional) follows the layer; the Conv3D head is
 * one im2col + GEMM per chunk of output steps.
 *
 * <p>With {@link ConvolutionAlgorithm#WINOGRAD} (the default), 3×3 convolutions go through
 * {@link Winograd3x3} instead of im2col + GEMM: for a SAME layer one joint convolution of
 * {@code [X_t, H_{t-1}]} per step replaces both convolutions (backward: {@code dz_t} into both
 * input gradients per step, and one pass over {@code [X_t, H_{t-1}]} for both weight
 * gradients); other layers use it per convolution when it sums at least
 * {@link #WINOGRAD_MIN_CHANNELS} channels. With {@link ConvolutionAlgorithm#WINOGRAD4} the
 * same convolutions go through {@link Winograd4x4} instead (same joint form), in training too
 * (both {@link WinogradConvolution}s).
 *
 * <p>Training mode keeps, per layer and step, the gate activations and the cell states for the
 * backward pass, and normalizes with the batch statistics. The layers' outputs take turns in two
 * buffers (batch norm in place), so the backward pass recomputes a layer's {@code H_t} from its
 * gates and cells ({@link CellOps#hidden}, the same bits) when it needs it, and the batch norm's
 * output from {@code H_t} when the next layer's backward pass needs it as input;
 * {@code act(C_t)} is recomputed too. Inference mode keeps only what the next step and layer
 * need and normalizes with the moving statistics.
 *
 * <p>Backward, per layer, from the last step to the first: the element-wise gate derivatives
 * into a {@code [T, N·H·W, 4F]} block of pre-activation gradients {@code dz} (in the next
 * layer's dead gate buffer, or the layer's own, see {@code GateGradients}), and the gradient
 * into {@code H_{t-1}} through the recurrent convolution (GEMM with the transposed recurrent
 * kernel, then col2im). After the loop the weight gradients of both convolutions and the input
 * gradient are GEMMs over all steps. The head's input gradient is a convolution of its output
 * gradient with the flipped kernel.
 *
 * <p>All buffers come from an {@link Arena} and are reused across calls. Not thread-safe.
 */
final class Network implements AutoCloseable {

  /** Largest im2col buffer (floats) used for multi-step chunks, unless one step needs more. */
  static final int COL_BUDGET = 1 << 23;
  private static final int ELEMENT_GRAIN = 256;
  /**
   * Fewest summed channels for which a 3×3 convolution goes through {@link Winograd3x3}: with
   * fewer, its transforms cost more than the multiply-adds they save.
   */
  static final int WINOGRAD_MIN_CHANNELS = 8;

  /** How a forward pass runs. */
  enum Mode {
    /** Moving batch-norm statistics, nothing cached. */
    INFERENCE,
    /** Batch statistics, caches for {@link #backward}. */
    TRAINING
  }

  /** Static facts of one ConvLSTM layer. */
  private static final class Layer {
    final ConvLstmLayerSpec spec;
    /** The batch normalization after the layer, or null. */
    final BatchNormSpec batchNorm;
    final int index;
    final int cin;
    final int f;
    final int kh;
    final int kw;
    /** The state-to-state kernel's rows and columns. */
    final int rkh;
    final int rkw;
    final int padTop;
    final int padLeft;
    final int recTop;
    final int recLeft;
    final Param kernel;
    final Param recurrent;
    final Param bias;
    /** Peephole weights {@code [F]} for i, f and o, or null without peepholes. */
    final Param peepI;
    final Param peepF;
    final Param peepO;
    final Param gamma;
    final Param beta;
    final Param movingMean;
    final Param movingVariance;
    final double[] batchMean;
    final double[] batchInvStd;
    final float[] zeroBias;
    int hin;
    int win;
    int ho;
    int wo;

    Layer(ConvLstmLayerSpec spec, BatchNormSpec batchNorm, int index, int cin, Parameters p) {
      this.spec = spec;
      this.batchNorm = batchNorm;
      this.index = index;
      this.cin = cin;
      this.f = spec.filters();
      this.kh = spec.kernelHeight();
      this.kw = spec.kernelWidth();
      this.padTop = spec.padding().before(kh);
      this.padLeft = spec.padding().before(kw);
      this.rkh = spec.recurrentKernelHeight();
      this.rkw = spec.recurrentKernelWidth();
      this.recTop = (rkh - 1) / 2;
      this.recLeft = (rkw - 1) / 2;
      this.kernel = p.get(ModelSpec.kernelName(index));
      this.recurrent = p.get(ModelSpec.recurrentKernelName(index));
      this.bias = spec.useBias() ? p.get(ModelSpec.biasName(index)) : null;
      boolean peep = spec.peephole();
      this.peepI = peep ? p.get(ModelSpec.peepholeName(index, "i")) : null;
      this.peepF = peep ? p.get(ModelSpec.peepholeName(index, "f")) : null;
      this.peepO = peep ? p.get(ModelSpec.peepholeName(index, "o")) : null;
      boolean bn = batchNorm != null;
      this.gamma = bn ? p.get(ModelSpec.batchNormName(index, "gamma")) : null;
      this.beta = bn ? p.get(ModelSpec.batchNormName(index, "beta")) : null;
      this.movingMean = bn ? p.get(ModelSpec.batchNormName(index, "moving_mean")) : null;
      this.movingVariance = bn ? p.get(ModelSpec.batchNormName(index, "moving_variance")) : null;
      this.batchMean = new double[f];
      this.batchInvStd = new double[f];
      this.zeroBias = new float[4 * f];
    }

    int positions() {
      return ho * wo;
    }
  }

  private final ModelSpec spec;
  private final Parameters params;
  private final Parallel par;
  private final MatMul mm;
  private final CellOps cellOps;
  private final Arena arena = new Arena();
  /**
   * Prepared Winograd kernels (forward and adjoint) by layer and kind, kept across passes:
   * streaming runs one frame per pass, and transforming every layer's kernels again each time
   * cost about a tenth of it; packing them per convolution cost as much again.
   */
  private final Map<String, TransformedKernel> kernelCache = new HashMap<>();
  private final ConvolutionAlgorithm convolution;
  /**
   * The algorithm of every 3×3 convolution (forward, input gradients, weight gradients):
   * F(2×2) or, with {@code reference.convolution=winograd4}, F(4×4); null when they run direct.
   */
  private final WinogradConvolution winograd;
  private final Layer[] layers;
  private final Conv3dHeadSpec head;
  private final Param headKernel;
  private final Param headBias;
  private final ColumnSums columnSums;
  private long colBudget = COL_BUDGET;

  // Shape and results of the last forward pass.
  private int batch;
  private int frames;
  private int height;
  private int width;
  private Mode lastMode;
  private boolean lastComplete;
  private final float[][] layerOutBuf;
  private final int[] layerOutOff;
  private float[] outBuf;
  private int outOff;
  private int outFrames;
  private float[] inputGrad;
  // States in and out of the pass under way (forwardWithState), else null.
  private float[][] initialH;
  private float[][] initialC;
  private float[][] finalH;
  private float[][] finalC;
  private int headWindow;
  private float[] headContext;
  private float[][] headFeaturesOut;

  Network(ModelSpec spec, Parameters params, Parallel par, MatMul mm) {
    this(spec, params, par, mm, ConvolutionAlgorithm.WINOGRAD);
  }

  Network(ModelSpec spec, Parameters params, Parallel par, MatMul mm,
      ConvolutionAlgorithm convolution) {
    this.spec = spec;
    this.params = params;
    this.par = par;
    this.columnSums = new ColumnSums(par);
    this.mm = mm;
    this.cellOps = CellOps.forKernel(mm);
    this.convolution = convolution;
    this.winograd = switch (convolution) {
      case DIRECT -> null;
      case WINOGRAD -> new Winograd3x3(par, mm.serial(), cellOps, arena);
      case WINOGRAD4 -> new Winograd4x4(par, mm.serial(), arena);
    };
    this.layers = new Layer[spec.convLstmLayers().size()];
    int cin = spec.inputChannels();
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new Layer(spec.convLstmLayers().get(i), spec.batchNormAfter(i).orElse(null), i,
          cin, params);
      cin = layers[i].f;
    }
    this.head = spec.head().orElse(null);
    this.headKernel = head == null ? null : params.get(ModelSpec.HEAD_KERNEL);
    this.headBias = head == null ? null : params.get(ModelSpec.HEAD_BIAS);
    this.layerOutBuf = new float[layers.length][];
    this.layerOutOff = new int[layers.length];
  }

  MatMul matMul() {
    return mm;
  }

  ConvolutionAlgorithm convolution() {
    return convolution;
  }

  long arenaBytes() {
    return arena.bytes();
  }

  /** A reusable buffer of at least {@code size} floats (stale contents). */
  float[] scratch(String name, long size) {
    return arena.get("scratch:" + name, size);
  }

  // ---------------------------------------------------------------- shapes and buffers

  /**
   * Sets the batch shape and returns the time-major input buffer {@code [T, N, H, W, C]} the
   * caller fills before {@link #forward}.
   */
  float[] prepareInput(int n, int t, int h, int w) {
    this.batch = n;
    this.frames = t;
    this.height = h;
    this.width = w;
    int hin = h;
    int win = w;
    for (Layer l : layers) {
      l.hin = hin;
      l.win = win;
      l.ho = l.spec.padding().outputSize(hin, l.kh);
      l.wo = l.spec.padding().outputSize(win, l.kw);
      if (l.ho <= 0 || l.wo <= 0) {
        throw new IllegalArgumentException("layer " + l.index + " needs frames of at least "
            + l.kh + "x" + l.kw + ", got " + hin + "x" + win);
      }
      hin = l.ho;
      win = l.wo;
    }
    lastMode = null;
    return arena.get("x", (long) t * n * h * w * spec.inputChannels());
  }

  private Layer last() {
    return layers[layers.length - 1];
  }

  /** Frames of the network output. */
  int outputFrames() {
    return last().spec.returnSequences() ? frames : 1;
  }

  /** Floats per output frame of one sample. */
  int outputFrameSize() {
    Layer l = last();
    return l.positions() * (head == null ? l.f : head.filters());
  }

  /** Output height of ConvLSTM layer {@code i} (its state's height). */
  int layerHeight(int i) {
    return layers[i].ho;
  }

  /** Output width of ConvLSTM layer {@code i} (its state's width). */
  int layerWidth(int i) {
    return layers[i].wo;
  }

  /** Output height. */
  int outputHeight() {
    return last().ho;
  }

  /** Output width. */
  int outputWidth() {
    return last().wo;
  }

  /** Output buffer of the last complete forward pass, time-major {@code [T', N, H', W', C']}. */
  float[] output() {
    return outBuf;
  }

  int outputOffset() {
    return outOff;
  }

  int outputSize() {
    return outFrames * batch * outputFrameSize();
  }

  /** The input gradient of the last {@link #backward} that asked for it, time-major. */
  float[] inputGradient() {
    return inputGrad;
  }

  private int timeChunk(long rowsPerStep, long columns) {
    long perStep = Math.max(1, rowsPerStep * columns);
    return (int) Math.max(1, Math.min(frames, colBudget / perStep));
  }

  // ---------------------------------------------------------------- batches in and out

  /** Sets the batch shape and loads a channels-last batch as the time-major input. */
  void loadInput(PackedBatch batch) {
    FrameShape s = batch.frameShape();
    float[] x = prepareInput(batch.samples(), batch.frames(), s.height(), s.width());
    toTimeMajor(batch, x);
  }

  /** The time-major copy of a channels-last target batch, in a reused buffer. */
  float[] loadTargets(PackedBatch batch) {
    float[] y = scratch("y", (long) batch.size());
    toTimeMajor(batch, y);
    return y;
  }

  /** Copies a channels-last batch into {@code dst} time-major, {@code [T, N, H, W, C]}. */
  static void toTimeMajor(PackedBatch batch, float[] dst) {
    int n = batch.samples();
    int fs = batch.frameShape().size();
    for (int b = 0; b < n; b++) {
      for (int ti = 0; ti < batch.frames(); ti++) {
        batch.copyFrame(b, ti, dst, (ti * n + b) * fs);
      }
    }
  }

  /** The last forward pass's output as a new channels-last batch. */
  PackedBatch outputBatch() {
    int n = batch;
    int tOut = outputFrames();
    int fo = outputFrameSize();
    float[] packed = new float[n * tOut * fo];
    for (int b = 0; b < n; b++) {
      for (int t = 0; t < tOut; t++) {
        System.arraycopy(outBuf, outOff + (t * n + b) * fo, packed, (b * tOut + t) * fo, fo);
      }
    }
    return PackedBatch.adopt(n, tOut, new FrameShape(outputHeight(), outputWidth(),
        spec.outputChannels()), packed);
  }

  // ---------------------------------------------------------------- forward

  /** Full forward pass from zero states. */
  void forward(Mode mode, boolean updateMovingStatistics) {
    forward(mode, updateMovingStatistics, layers.length - 1, true);
  }

  /**
   * Full inference-mode forward pass from given initial states, keeping each layer's state
   * after the last step.
   *
   * @param initialH per layer {@code [N, H', W', F]} channels-last, or null for zeros
   * @param initialC per layer likewise, or null for zeros (with {@code initialH})
   * @param finalH receives per layer a copy of {@code H} after the last step, or null
   * @param finalC receives per layer a copy of {@code C} after the last step, or null
   */
  void forwardWithState(float[][] initialH, float[][] initialC, float[][] finalH,
      float[][] finalC) {
    forwardWithState(initialH, initialC, finalH, finalC, 0, null, null);
  }

  /**
   * {@link #forwardWithState(float[][], float[][], float[][], float[][])} where the head first
   * sees {@code window} frames of context features.
   *
   * @param window frames of head context, 0 for none
   * @param headContext the head's input features of the {@code window} frames before the
   *     input, {@code [N, w, H', W', F]} channels-last, or null for zeros
   * @param headFeatures receives in [0] the head's input features of the last {@code window}
   *     frames, {@code [N, w, H', W', F]}, or null
   */
  void forwardWithState(float[][] initialH, float[][] initialC, float[][] finalH,
      float[][] finalC, int window, float[] headContext, float[][] headFeatures) {
    this.initialH = initialH;
    this.initialC = initialC;
    this.finalH = finalH;
    this.finalC = finalC;
    this.headWindow = window;
    this.headContext = headContext;
    this.headFeaturesOut = headFeatures;
    try {
      forward(Mode.INFERENCE, false, layers.length - 1, true);
    } finally {
      this.initialH = null;
      this.initialC = null;
      this.finalH = null;
      this.finalC = null;
      this.headWindow = 0;
      this.headContext = null;
      this.headFeaturesOut = null;
    }
  }

  /**
   * Forward through layers {@code 0..upTo}; the batch normalization of layer {@code upTo} runs
   * only if {@code lastBatchNorm}; the head runs only after the last layer with its batch norm.
   */
  void forward(Mode mode, boolean updateMovingStatistics, int upTo, boolean lastBatchNorm) {
    boolean train = mode == Mode.TRAINING;
    float[] in = arena.get("x", 0);
    int inOff = 0;
    for (int i = 0; i <= upTo; i++) {
      Layer l = layers[i];
      forwardLayer(l, in, inOff, train);
      int outT = l.spec.returnSequences() ? frames : 1;
      int stepF = batch * l.positions() * l.f;
      // Layers take turns with two buffers (the next layer reads this one while it writes the
      // other), and the batch norm runs in place. Training keeps no H: the backward pass
      // recomputes a layer's H, and its batch-norm output, from the gates and cells it keeps
      // anyway (recomputeOutput).
      float[] hs = arena.get("h" + (i % 2), 0);
      int hOff = (frames - outT) * stepF;
      if (l.batchNorm != null && (i < upTo || lastBatchNorm)) {
        int rows = outT * batch * l.positions();
        if (train) {
          batchNormTrain(l, hs, hOff, rows, updateMovingStatistics);
        } else {
          batchNormInference(l, hs, hOff, rows);
        }
      }
      layerOutBuf[i] = hs;
      layerOutOff[i] = hOff;
      in = hs;
      inOff = hOff;
    }
    lastComplete = upTo == layers.length - 1 && lastBatchNorm;
    if (lastComplete && head != null && headWindow > 0) {
      headForwardWithContext(in, inOff, outputFrames());
    } else if (lastComplete && head != null) {
      headForward(in, inOff, outputFrames());
      outBuf = arena.get("out", 0);
      outOff = 0;
    } else {
      outBuf = in;
      outOff = inOff;
    }
    outFrames = layers[upTo].spec.returnSequences() ? frames : 1;
    lastMode = mode;
  }

  private void forwardLayer(Layer l, float[] in, int inOff, boolean train) {
    if (train && dropping(l)) {
      forwardLayerDropout(l, in, inOff);
      return;
    }
    int f = l.f;
    int g = 4 * f;
    int rowsStep = batch * l.positions();
    int stepG = rowsStep * g;
    int stepF = rowsStep * f;
    int inFrame = l.hin * l.win * l.cin;
    int k = l.kh * l.kw * l.cin;
    int kr = l.rkh * l.rkw * f;
    // Joint: per step, so a chunk of one step (inference then keeps one step of gates).
    int tc = jointWinograd(l) ? 1 : timeChunk(rowsStep, k);
    int i = l.index;
    float[] gates = train ? arena.get("g" + i, (long) frames * stepG)
        : arena.get("g", (long) tc * stepG);
    float[] cells = train ? arena.get("c" + i, (long) frames * stepF)
        : arena.get("c", 2L * stepF);
    float[] hs = arena.get("h" + (i % 2), (long) frames * stepF);
    // An initial state (inference only): H_{-1} is read from it, C_{-1} sits in the ring slot
    // before step 0.
    float[] h0 = initialH == null ? null : initialH[i];
    if (h0 != null && train) {
      throw new IllegalStateException("initial states are for inference only");
    }
    if (h0 != null) {
      System.arraycopy(initialC[i], 0, cells, stepF, stepF);
    }
    // Joint: one Winograd convolution of [X_t, H_{t-1}] per step. Otherwise the input-to-state
    // convolution of many steps at once, then the recurrent one per step.
    float[] uJoint = jointWinograd(l) ? jointKernel(l, false) : null;
    boolean joint = uJoint != null;
    float[] uIn = joint ? null
        : winogradKernel(l.index, l.kh, l.kw, "wu", l.kernel.value, l.cin, g, false);
    float[] uRec = joint ? null
        : winogradKernel(l.index, l.rkh, l.rkw, "wr", l.recurrent.value, f, g, false);
    float[] col = arena.get("col", Math.max(!joint && uIn == null ? (long) tc * rowsStep * k : 0,
        !joint && uRec == null ? (long) rowsStep * kr : 0));
    Winograd3x3.Output[] toGates = {null};
    for (int t0 = 0; t0 < frames; t0 += tc) {
      int cnt = Math.min(tc, frames - t0);
      int gBase = train ? t0 * stepG : 0;
      // Input-to-state convolution of steps t0..t0+cnt-1 at once (joint: per step below).
      int stepsIn = inOff + t0 * batch * inFrame;
      if (uIn != null) {
        winograd.convolve(in, stepsIn, cnt * batch, l.hin, l.win, l.cin, l.padTop, l.padLeft,
            uIn, g, l.ho, l.wo, gates, gBase, false);
      } else if (!joint) {
        Im2col.im2col(par, in, stepsIn, cnt * batch, l.hin, l.win, l.cin, l.kh, l.kw,
            l.padTop, l.padLeft, l.ho, l.wo, col);
        mm.gemm(false, false, cnt * rowsStep, g, k, col, 0, k, l.kernel.value, 0, g,
            gates, gBase, g, false);
      }
      for (int t = t0; t < t0 + cnt; t++) {
        int gOff = train ? t * stepG : (t - t0) * stepG;
        if (joint) {
          toGates[0] = new Winograd3x3.Output(gates, gOff, g, false);
          Winograd3x3.Input[] xh = {
              new Winograd3x3.Input(in, inOff + t * batch * inFrame, l.cin),
              new Winograd3x3.Input(t > 0 ? hs : h0, t > 0 ? (t - 1) * stepF : 0, f)};
          winograd.convolve(xh, batch, l.hin, l.win, l.padTop, l.padLeft, uJoint, l.ho, l.wo,
              toGates);
        } else if ((t > 0 || h0 != null) && uRec != null) {
          // Recurrent convolution of H_{t-1}, SAME, accumulated onto the same gate block.
          winograd.convolve(t > 0 ? hs : h0, t > 0 ? (t - 1) * stepF : 0, batch, l.ho, l.wo,
              f, l.recTop, l.recLeft, uRec, g, l.ho, l.wo, gates, gOff, true);
        } else if (t > 0 || h0 != null) {
          Im2col.im2col(par, t > 0 ? hs : h0, t > 0 ? (t - 1) * stepF : 0, batch, l.ho, l.wo,
              f, l.rkh, l.rkw, l.recTop, l.recLeft, l.ho, l.wo, col);
          mm.gemm(false, false, rowsStep, g, kr, col, 0, kr, l.recurrent.value, 0, g,
              gates, gOff, g, true);
        }
        int cOff = train ? t * stepF : (t % 2) * stepF;
        int cPrev = t == 0 ? (h0 != null ? stepF : -1)
            : train ? (t - 1) * stepF : ((t - 1) % 2) * stepF;
        cellStep(l, rowsStep, gates, gOff, cells, cOff, cPrev, hs, t * stepF);
      }
    }
    if (finalH != null) {
      int last = frames - 1;
      finalH[i] = Arrays.copyOfRange(hs, last * stepF, frames * stepF);
      int cLast = train ? last * stepF : (last % 2) * stepF;
      finalC[i] = Arrays.copyOfRange(cells, cLast, cLast + stepF);
    }
  }

  /**
   * The transform of a 3×3 kernel {@code [3, 3, cin, cout]} by the network's Winograd
   * algorithm ({@code adjoint}: of its input-gradient kernel), kept in {@link #kernelCache}
   * under {@code name} and the layer, or null when the convolution runs direct: another
   * algorithm chosen, another kernel size, or fewer than {@link #WINOGRAD_MIN_CHANNELS} summed
   * channels ({@code cin}, or {@code cout} for the adjoint).
   */
  private float[] winogradKernel(int layer, int kh, int kw, String name, float[] kernel, int cin,
      int cout, boolean adjoint) {
    int summed = adjoint ? cout : cin;
    if (winograd == null || !Winograd3x3.applies(kh, kw) || summed < WINOGRAD_MIN_CHANNELS) {
      return null;
    }
    int rows = adjoint ? cout : cin;
    int cols = adjoint ? cin : cout;
    return transformed(name + (adjoint ? "a" : "") + layer, rows, cols, new float[][] {kernel},
        u -> winograd.transform(kernel, cin, cout, adjoint, u, rows, cols, 0, 0));
  }

  /**
   * A prepared Winograd kernel ({@link WinogradConvolution#prepared}) of {@code rows × cols}
   * per ξ from {@link #kernelCache}: the one kept under {@code key} when its raw kernels still
   * hold the same values (compared element by element, so a pass after any weight change
   * transforms again), else {@code transform} into a scratch buffer and prepared again, into
   * the kept arrays when their sizes still fit (a training step allocates nothing here).
   */
  private float[] transformed(String key, int rows, int cols, float[][] sources,
      Consumer<float[]> transform) {
    TransformedKernel cached = kernelCache.get(key);
    if (cached != null && cached.matches(sources)) {
      return cached.prepared();
    }
    float[] u = arena.get("winogradKernel", (long) winograd.positions() * rows * cols);
    transform.accept(u);
    float[] prepared = winograd.prepared(u, rows, cols, cached == null ? null : cached.prepared());
    float[][] copies = new float[sources.length][];
    for (int i = 0; i < sources.length; i++) {
      float[] old = cached == null ? null : cached.sources()[i];
      copies[i] = old != null && old.length == sources[i].length ? old
          : new float[sources[i].length];
      System.arraycopy(sources[i], 0, copies[i], 0, sources[i].length);
    }
    kernelCache.put(key, new TransformedKernel(copies, prepared));
    return prepared;
  }

  /** A prepared kernel and copies of the raw kernels it was made from. */
  private record TransformedKernel(float[][] sources, float[] prepared) {
    boolean matches(float[][] current) {
      for (int i = 0; i < current.length; i++) {
        if (!Arrays.equals(sources[i], current[i])) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Whether a layer's input and recurrent convolutions run as one Winograd convolution of the
   * concatenation {@code [X_t, H_{t-1}]} per step (forward) and {@code dz_t} into both input
   * gradients (backward): both 3×3 with the same padding and output size (SAME input
   * padding), and enough channels.
   */
  private boolean jointWinograd(Layer l) {
    return winograd != null && Winograd3x3.applies(l.kh, l.kw)
        && Winograd3x3.applies(l.rkh, l.rkw) && l.padTop == l.recTop
        && l.padLeft == l.recLeft && l.hin == l.ho && l.win == l.wo
        && l.cin + l.f >= WINOGRAD_MIN_CHANNELS;
  }

  /**
   * The transformed kernel of the joint convolution: forward {@code [ξ][C_in + F][4F]} (the
   * input kernel's rows, then the recurrent kernel's), adjoint {@code [ξ][4F][C_in + F]}.
   */
  private float[] jointKernel(Layer l, boolean adjoint) {
    int g = 4 * l.f;
    int c = l.cin + l.f;
    int rows = adjoint ? g : c;
    int cols = adjoint ? c : g;
    return transformed((adjoint ? "wja" : "wj") + l.index, rows, cols,
        new float[][] {l.kernel.value, l.recurrent.value}, u -> {
          winograd.transform(l.kernel.value, l.cin, g, adjoint, u, rows, cols, 0, 0);
          winograd.transform(l.recurrent.value, l.f, g, adjoint, u, rows, cols,
              adjoint ? 0 : l.cin, adjoint ? l.cin : 0);
        });
  }

  /**
   * Whether the weight gradient of a 3×3 convolution over {@code cin} input channels goes
   * through the Winograd algorithm.
   */
  private boolean winogradWeights(int kh, int kw, int cin) {
    return winograd != null && Winograd3x3.applies(kh, kw) && cin >= WINOGRAD_MIN_CHANNELS;
  }

  private void cellStep(Layer l, int rows, float[] gates, int gOff, float[] cells, int cOff,
      int cPrev, float[] hs, int hOff) {
    int f = l.f;
    float[] b = l.bias == null ? l.zeroBias : l.bias.value;
    Activation ra = l.spec.recurrentActivation();
    Activation act = l.spec.activation();
    if (l.peepI != null) {
      float[] wi = l.peepI.value;
      float[] wf = l.peepF.value;
      float[] wo = l.peepO.value;
      par.forRange(rows, ELEMENT_GRAIN / Math.max(1, f) + 1, (from, to) ->
          cellOps.forwardPeephole(ra, act, f, b, wi, wf, wo, gates, gOff, cells, cOff, cPrev, hs,
              hOff, from, to));
      return;
    }
    par.forRange(rows, ELEMENT_GRAIN / Math.max(1, f) + 1, (from, to) ->
        cellOps.forward(ra, act, f, b, gates, gOff, cells, cOff, cPrev, hs, hOff, from, to));
  }

  /** Batch statistics of {@code x} into the layer, then the batch norm in place. */
  private void batchNormTrain(Layer l, float[] x, int xOff, int rows, boolean updateMoving) {
    int f = l.f;
    double[] mean = l.batchMean;
    double[] inv = l.batchInvStd;
    reduce(rows, f, mean, (from, to, acc, off) -> {
      for (int r = from; r < to; r++) {
        int p = xOff + r * f;
        for (int c = 0; c < f; c++) {
          acc[off + c] += x[p + c];
        }
      }
    });
    for (int c = 0; c < f; c++) {
      mean[c] /= rows;
    }
    double[] var = new double[f];
    reduce(rows, f, var, (from, to, acc, off) -> {
      for (int r = from; r < to; r++) {
        int p = xOff + r * f;
        for (int c = 0; c < f; c++) {
          double d = x[p + c] - mean[c];
          acc[off + c] += d * d;
        }
      }
    });
    for (int c = 0; c < f; c++) {
      var[c] /= rows;
      inv[c] = 1.0 / Math.sqrt(var[c] + l.batchNorm.epsilon());
    }
    batchNormApply(l, x, xOff, rows);
    if (updateMoving) {
      double momentum = l.batchNorm.momentum();
      for (int c = 0; c < f; c++) {
        l.movingMean.value[c] =
            (float) (momentum * l.movingMean.value[c] + (1 - momentum) * mean[c]);
        l.movingVariance.value[c] =
            (float) (momentum * l.movingVariance.value[c] + (1 - momentum) * var[c]);
      }
    }
  }

  /**
   * {@code y = gamma·(x - mean)/sqrt(var + eps) + beta} with the batch statistics of the last
   * training forward pass ({@code l.batchMean}, {@code l.batchInvStd}), in place: the
   * forward's batch norm and its recomputation for the backward pass (the same operations, so
   * the same bits).
   */
  private void batchNormApply(Layer l, float[] x, int xOff, int rows) {
    int f = l.f;
    float[] center = new float[f];
    float[] scale = new float[f];
    float[] shift = new float[f];
    for (int c = 0; c < f; c++) {
      center[c] = (float) l.batchMean[c];
      scale[c] = (float) (l.gamma.value[c] * l.batchInvStd[c]);
      shift[c] = l.beta.value[c];
    }
    par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
        cellOps.normalize(x, xOff, f, center, scale, shift, from, to));
  }

  /**
   * Layer {@code i}'s output of the last training forward pass, back in its buffer
   * ({@code "h" + i % 2}, which the layer two further on has reused since): {@code H} of every
   * step recomputed from the gate activations and cell states the layer keeps for its backward
   * pass ({@link CellOps#hidden}, the forward's own operations), then, if {@code batchNorm}
   * and the layer has one, its batch norm with the pass's batch statistics; so the same bits as
   * the forward pass. Points the layer's output there. Needs the layer's gates, which are intact
   * until its own backward pass (the gradients of the layer above go into the gates of the one
   * above that) and, for the last layer, until its loop over the steps.
   */
  private void recomputeOutput(int i, boolean batchNorm) {
    Layer l = layers[i];
    int f = l.f;
    int rowsStep = batch * l.positions();
    int stepF = rowsStep * f;
    int outT = l.spec.returnSequences() ? frames : 1;
    float[] hs = arena.get("h" + (i % 2), (long) frames * stepF);
    float[] gates = arena.get("g" + i, 0);
    float[] cells = arena.get("c" + i, 0);
    Activation act = l.spec.activation();
    par.forRange(frames * rowsStep, ELEMENT_GRAIN / f + 1, (from, to) ->
        cellOps.hidden(act, f, gates, 0, cells, 0, hs, 0, from, to));
    int off = (frames - outT) * stepF;
    if (batchNorm && l.batchNorm != null) {
      batchNormApply(l, hs, off, outT * rowsStep);
    }
    layerOutBuf[i] = hs;
    layerOutOff[i] = off;
  }

  private void batchNormInference(Layer l, float[] x, int xOff, int rows) {
    int f = l.f;
    float[] center = l.movingMean.value;
    float[] scale = new float[f];
    float[] shift = l.beta.value;
    for (int c = 0; c < f; c++) {
      scale[c] = (float) (l.gamma.value[c]
          / Math.sqrt(l.movingVariance.value[c] + l.batchNorm.epsilon()));
    }
    // y = gamma·(x - moving_mean)/sqrt(moving_variance + eps) + beta, in place
    par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) ->
        cellOps.normalize(x, xOff, f, center, scale, shift, from, to));
  }

  /**
   * Batch mean and biased variance of layer {@code i}'s output (before its batch norm) in the
   * last forward pass, which must have stopped before that batch norm.
   */
  void outputStatistics(int i, double[] mean, double[] var) {
    Layer l = layers[i];
    int f = l.f;
    int rows = (l.spec.returnSequences() ? frames : 1) * batch * l.positions();
    float[] x = layerOutBuf[i];
    int xOff = layerOutOff[i];
    reduce(rows, f, mean, (from, to, acc, off) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < f; c++) {
          acc[off + c] += x[xOff + r * f + c];
        }
      }
    });
    for (int c = 0; c < f; c++) {
      mean[c] /= rows;
    }
    reduce(rows, f, var, (from, to, acc, off) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < f; c++) {
          double d = x[xOff + r * f + c] - mean[c];
          acc[off + c] += d * d;
        }
      }
    });
    for (int c = 0; c < f; c++) {
      var[c] /= rows;
    }
  }

  private void headForward(float[] in, int inOff, int tOut) {
    Layer l = last();
    int cin = l.f;
    int co = head.filters();
    int h = l.ho;
    int w = l.wo;
    int kt = head.kernelTime();
    int k3 = kt * head.kernelHeight() * head.kernelWidth() * cin;
    int rowsT = batch * h * w;
    float[] out = arena.get("out", (long) tOut * rowsT * co);
    int tb = head.timePadding().before(kt);
    int pt = (head.kernelHeight() - 1) / 2;
    int pl = (head.kernelWidth() - 1) / 2;
    if (headByTaps(tOut * rowsT)) {
      headForwardByTaps(in, inOff, tOut, out);
    } else {
      int tc = (int) Math.max(1, Math.min(tOut, colBudget / Math.max(1L, (long) rowsT * k3)));
      float[] col = arena.get("col", (long) tc * rowsT * k3);
      for (int t0 = 0; t0 < tOut; t0 += tc) {
        int cnt = Math.min(tc, tOut - t0);
        Im2col.im2col3d(par, in, inOff, tOut, batch, h, w, cin, kt, head.kernelHeight(),
            head.kernelWidth(), tb, pt, pl, t0, cnt, col);
        mm.gemm(false, false, cnt * rowsT, co, k3, col, 0, k3, headKernel.value, 0, co, out,
            t0 * rowsT * co, co, false);
      }
    }
    float[] b = headBias.value;
    Activation act = head.activation();
    par.forRange(tOut * rowsT, ELEMENT_GRAIN, (from, to) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < co; c++) {
          out[r * co + c] = Act.apply(act, out[r * co + c] + b[c]);
        }
      }
    });
  }

  /**
   * The head over {@code headWindow} frames of context features followed by the {@code tOut}
   * frames of {@code in}; the output keeps the last {@code tOut} frames, and the features of
   * the last {@code headWindow} frames go to {@code headFeaturesOut}.
   */
  private void headForwardWithContext(float[] in, int inOff, int tOut) {
    Layer l = last();
    int w = headWindow;
    int hwf = l.ho * l.wo * l.f;
    int frame = batch * hwf;
    float[] joined = arena.get("headIn", (long) (w + tOut) * frame);
    for (int k = 0; k < w; k++) {
      for (int b = 0; b < batch; b++) {
        int dst = (k * batch + b) * hwf;
        if (headContext == null) {
          Arrays.fill(joined, dst, dst + hwf, 0f);
        } else {
          System.arraycopy(headContext, (b * w + k) * hwf, joined, dst, hwf);
        }
      }
    }
    System.arraycopy(in, inOff, joined, w * frame, tOut * frame);
    headForward(joined, 0, w + tOut);
    outBuf = arena.get("out", 0);
    outOff = w * batch * l.ho * l.wo * head.filters();
    if (headFeaturesOut != null) {
      float[] features = new float[batch * w * hwf];
      for (int k = 0; k < w; k++) {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(joined, ((tOut + k) * batch + b) * hwf, features, (b * w + k) * hwf,
              hwf);
        }
      }
      headFeaturesOut[0] = features;
    }
  }

  /** Whether the head runs as tap products (see {@link #headForwardByTaps}). */
  private boolean headByTaps(long rows) {
    int taps = head.kernelTime() * head.kernelHeight() * head.kernelWidth();
    return headByTaps && rows * taps * head.filters() <= 4L * COL_BUDGET;
  }

  private boolean headByTaps = true;

  /** Sets the im2col budget in floats (tests use a tiny one to force one step per chunk). */
  void colBudget(long floats) {
    this.colBudget = floats;
  }

  /** Chooses the head formulation: tap products when small enough (default) or im2col. */
  void headByTaps(boolean byTaps) {
    this.headByTaps = byTaps;
  }

  /** The head kernel rearranged to {@code [C_in, taps·C_out]}: {@code [c, tap·co + o]}. */
  private float[] headTapKernel() {
    int cin = last().f;
    int co = head.filters();
    int taps = head.kernelTime() * head.kernelHeight() * head.kernelWidth();
    float[] k = headKernel.value;
    float[] kall = arena.get("headKall", (long) cin * taps * co);
    for (int tap = 0; tap < taps; tap++) {
      for (int c = 0; c < cin; c++) {
        for (int o = 0; o < co; o++) {
          kall[c * taps * co + tap * co + o] = k[(tap * cin + c) * co + o];
        }
      }
    }
    return kall;
  }

  /**
   * The head as tap products: {@code Y = X · K'} with {@code K'} the kernel as
   * {@code [C_in, taps·C_out]} (one GEMM over all positions with a wide right-hand side instead
   * of an im2col of {@code taps·C_in} columns), then {@code out[t, y, x, o] = Σ_{dt,dy,dx}
   * Y[(t+dt-tb, y+dy-pt, x+dx-pl), (dt,dy,dx,o)]} over in-range positions, summed in tap order.
   */
  private void headForwardByTaps(float[] in, int inOff, int tOut, float[] out) {
    Layer l = last();
    int cin = l.f;
    int co = head.filters();
    int h = l.ho;
    int w = l.wo;
    int kt = head.kernelTime();
    int kh = head.kernelHeight();
    int kw = head.kernelWidth();
    int tcN = kt * kh * kw * co;
    int rows = tOut * batch * h * w;
    int tb = head.timePadding().before(kt);
    int pt = (kh - 1) / 2;
    int pl = (kw - 1) / 2;
    float[] kall = headTapKernel();
    float[] y = arena.get("headY", (long) rows * tcN);
    mm.gemm(false, false, rows, tcN, cin, in, inOff, cin, kall, 0, tcN, y, 0, tcN, false);
    int n = batch;
    par.forRange(tOut * n * h, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int yy = r % h;
        int b = (r / h) % n;
        int t = r / (h * n);
        for (int x = 0; x < w; x++) {
          for (int o = 0; o < co; o++) {
            float s = 0f;
            for (int dt = 0; dt < kt; dt++) {
              int ti = t + dt - tb;
              if (ti < 0 || ti >= tOut) {
                continue;
              }
              for (int dy = 0; dy < kh; dy++) {
                int iy = yy + dy - pt;
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int dx = 0; dx < kw; dx++) {
                  int ix = x + dx - pl;
                  if (ix < 0 || ix >= w) {
                    continue;
                  }
                  s += y[(((ti * n + b) * h + iy) * w + ix) * tcN + ((dt * kh + dy) * kw + dx) * co
                      + o];
                }
              }
            }
            out[(r * w + x) * co + o] = s;
          }
        }
      }
    });
  }

  /**
   * Backward of {@link #headForwardByTaps} for the pre-activation gradient {@code d}:
   * {@code dY[(t, y, x), (dt,dy,dx,o)] = d[(t-dt+tb, y-dy+pt, x-dx+pl), o]} (zero outside), then
   * {@code dK' = Xᵀ·dY} and {@code dX = dY·K'ᵀ}.
   */
  private void headBackwardByTaps(float[] d, float[] in, int inOff, float[] dIn) {
    Layer l = last();
    int cin = l.f;
    int co = head.filters();
    int h = l.ho;
    int w = l.wo;
    int kt = head.kernelTime();
    int kh = head.kernelHeight();
    int kw = head.kernelWidth();
    int taps = kt * kh * kw;
    int tcN = taps * co;
    int tOut = outputFrames();
    int rows = tOut * batch * h * w;
    int tb = head.timePadding().before(kt);
    int pt = (kh - 1) / 2;
    int pl = (kw - 1) / 2;
    float[] dy = arena.get("headY", (long) rows * tcN);
    int n = batch;
    par.forRange(tOut * n * h, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int yi = r % h;
        int b = (r / h) % n;
        int ti = r / (h * n);
        for (int xi = 0; xi < w; xi++) {
          int row = (r * w + xi) * tcN;
          for (int dt = 0; dt < kt; dt++) {
            int t = ti - dt + tb;
            for (int ky = 0; ky < kh; ky++) {
              int oy = yi - ky + pt;
              for (int kx = 0; kx < kw; kx++) {
                int ox = xi - kx + pl;
                int dst = row + ((dt * kh + ky) * kw + kx) * co;
                if (t < 0 || t >= tOut || oy < 0 || oy >= h || ox < 0 || ox >= w) {
                  Arrays.fill(dy, dst, dst + co, 0f);
                } else {
                  System.arraycopy(d, (((t * n + b) * h + oy) * w + ox) * co, dy, dst, co);
                }
              }
            }
          }
        }
      }
    });
    float[] kall = headTapKernel();
    float[] dk = arena.get("headdK", (long) cin * tcN);
    mm.gemm(true, false, cin, tcN, rows, in, inOff, cin, dy, 0, tcN, dk, 0, tcN, false);
    float[] grad = headKernel.grad;
    for (int tap = 0; tap < taps; tap++) {
      for (int c = 0; c < cin; c++) {
        for (int o = 0; o < co; o++) {
          grad[(tap * cin + c) * co + o] = dk[c * tcN + tap * co + o];
        }
      }
    }
    mm.gemm(false, true, rows, cin, tcN, dy, 0, tcN, kall, 0, tcN, dIn, 0, cin, false);
  }

  // ---------------------------------------------------------------- loss

  /**
   * Sum over all output elements of the per-element loss against a time-major target of the
   * output's shape (BCE with predictions clipped to {@code [1e-7, 1 - 1e-7]}), in double.
   */
  double lossSum(Loss loss, float[] target) {
    float[] p = outBuf;
    int off = outOff;
    double[] s = new double[1];
    reduce(outputSize(), 1, s, (from, to, acc, o) -> {
      double sum = 0;
      for (int e = from; e < to; e++) {
        sum += elementLoss(loss, p[off + e], target[e]);
      }
      acc[o] += sum;
    });
    return s[0];
  }

  static double elementLoss(Loss loss, float p, float y) {
    if (loss == Loss.MSE) {
      double d = (double) p - y;
      return d * d;
    }
    double pc = Math.min(Math.max(p, Loss.BCE_EPSILON), 1 - Loss.BCE_EPSILON);
    return -(y * Math.log(pc) + (1.0 - y) * Math.log(1 - pc));
  }

  /**
   * Derivative of the mean loss with respect to one prediction; zero for BCE where the
   * prediction is clipped (outside {@code [1e-7, 1 - 1e-7]}), as for a clip in autograd.
   */
  static double elementLossGradient(Loss loss, float p, float y, double count) {
    if (loss == Loss.MSE) {
      return 2.0 * ((double) p - y) / count;
    }
    if (p < Loss.BCE_EPSILON || p > 1 - Loss.BCE_EPSILON) {
      return 0;
    }
    return ((double) p - y) / ((double) p * (1.0 - p)) / count;
  }

  // ---------------------------------------------------------------- backward

  /**
   * Backpropagates the mean loss of the last TRAINING forward pass into every trainable
   * parameter's gradient (overwritten), and into {@link #inputGradient()} if asked.
   *
   * @return the mean loss
   */
  double backward(Loss loss, float[] target, boolean wantInputGradient) {
    if (lastMode != Mode.TRAINING || !lastComplete) {
      throw new IllegalStateException("backward needs a complete TRAINING forward pass");
    }
    params.zeroGradients();
    float[] da = gradientBuffer("dA");
    int count = outputSize();
    double sum = lossSum(loss, target);
    float[] p = outBuf;
    int off = outOff;
    par.forRange(count, ELEMENT_GRAIN, (from, to) -> {
      for (int e = from; e < to; e++) {
        da[e] = (float) elementLossGradient(loss, p[off + e], target[e], count);
      }
    });
    propagate(da, wantInputGradient);
    return sum / count;
  }

  /**
   * Backpropagates a given gradient of the output of the last TRAINING forward pass (the
   * stage of a longer chain whose later layers supply it) into every trainable parameter's
   * gradient (overwritten), and into {@link #inputGradient()} if asked.
   *
   * @param outputGradient d(loss)/d(output), time-major in the output's layout, at least
   *     {@link #outputSize()} values (not modified)
   * @param wantInputGradient whether to compute the input gradient
   */
  void backwardFromOutput(float[] outputGradient, boolean wantInputGradient) {
    if (lastMode != Mode.TRAINING || !lastComplete) {
      throw new IllegalStateException("backward needs a complete TRAINING forward pass");
    }
    params.zeroGradients();
    float[] da = gradientBuffer("dA");
    System.arraycopy(outputGradient, 0, da, 0, outputSize());
    propagate(da, wantInputGradient);
  }

  /** A buffer for activation gradients, large enough for any layer's input or output. */
  private float[] gradientBuffer(String name) {
    long maxAct = (long) frames * batch * height * width * spec.inputChannels();
    for (Layer l : layers) {
      maxAct = Math.max(maxAct, (long) frames * batch * l.positions() * l.f);
    }
    return arena.get(name, Math.max(maxAct, outputSize()));
  }

  /**
   * From the output gradient in {@code da} back to the input. Each stage writes its input
   * gradient over its output gradient where that is safe ({@link #headInPlace},
   * {@link #inputGradientInPlace}), else into a second gradient buffer, then the two swap.
   */
  private void propagate(float[] da, boolean wantInputGradient) {
    float[] cur = da;
    float[] other = null;
    // Without a head the pass's output is the last layer's, whose buffer the backward pass
    // reuses (recomputeOutput) after the layer's own gates are gone: kept aside for callers.
    float[] kept = null;
    if (head == null) {
      kept = arena.get("passOutput", outputSize());
      System.arraycopy(outBuf, outOff, kept, 0, outputSize());
    }
    if (head != null && headInPlace()) {
      headBackward(cur, cur);
    } else if (head != null) {
      other = gradientBuffer("dB");
      headBackward(cur, other);
      float[] s = cur;
      cur = other;
      other = s;
    }
    for (int i = layers.length - 1; i >= 0; i--) {
      Layer l = layers[i];
      // H of this layer, for its batch norm's gradient and its recurrent weight gradient (the
      // layer above has used the buffer for this layer's batch-norm output, its input).
      recomputeOutput(i, false);
      if (l.batchNorm != null) {
        batchNormBackward(l, cur);
      }
      boolean needIn = i > 0 || wantInputGradient;
      if (needIn && inputGradientInPlace(l)) {
        layerBackward(l, cur, cur);
        continue;
      }
      if (needIn && other == null) {
        other = gradientBuffer("dB");
      }
      layerBackward(l, cur, needIn ? other : null);
      float[] s = cur;
      cur = other;
      other = s;
    }
    inputGrad = wantInputGradient ? cur : null;
    if (kept != null) {
      int last = layers.length - 1;
      outBuf = kept;
      outOff = 0;
      layerOutBuf[last] = kept;
      layerOutOff[last] = 0;
    }
  }

  /**
   * Whether the head's input gradient may overwrite its output gradient: as tap products it
   * reads the output gradient only before it writes the input gradient (im2col reads it
   * chunk by chunk while writing).
   */
  private boolean headInPlace() {
    Layer l = last();
    return headByTaps((long) outputFrames() * batch * l.ho * l.wo);
  }

  /**
   * Whether a layer's backward pass may write its input gradient over its output gradient:
   * it does when it reads the output gradient only in its loop over the steps (from the last
   * to the first) and writes the input gradient after it, or, with the joint Winograd
   * convolution, writes step t's input gradient in the loop right after it read step t's
   * output gradient, which is safe when the output gradient holds only the last step or when
   * an input step is no smaller than an output step (step t's input gradient then starts at or
   * after step t's output gradient, beyond the steps still unread).
   */
  private boolean inputGradientInPlace(Layer l) {
    if (dropping(l) || !jointWinograd(l) || !l.spec.returnSequences()) {
      return true;
    }
    return (long) l.hin * l.win * l.cin >= (long) l.positions() * l.f;
  }

  private void headBackward(float[] d, float[] dIn) {
    Layer l = last();
    int cin = l.f;
    int co = head.filters();
    int h = l.ho;
    int w = l.wo;
    int kt = head.kernelTime();
    int kh = head.kernelHeight();
    int kw = head.kernelWidth();
    int k3 = kt * kh * kw * cin;
    int kf = kt * kh * kw * co;
    int tOut = outputFrames();
    int rowsT = batch * h * w;
    int rows = tOut * rowsT;
    float[] out = outBuf;
    Activation act = head.activation();
    par.forRange(rows * co, ELEMENT_GRAIN, (from, to) -> {
      for (int e = from; e < to; e++) {
        d[e] *= Act.derivativeFromOutput(act, out[e]);
      }
    });
    double[] bsum = new double[co];
    reduce(rows, co, bsum, (from, to, acc, o) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < co; c++) {
          acc[o + c] += d[r * co + c];
        }
      }
    });
    for (int c = 0; c < co; c++) {
      headBias.grad[c] = (float) bsum[c];
    }
    int tb = head.timePadding().before(kt);
    int pt = (kh - 1) / 2;
    int pl = (kw - 1) / 2;
    float[] in = layerOutBuf[layers.length - 1];
    int inOff = layerOutOff[layers.length - 1];
    if (headByTaps(rows)) {
      headBackwardByTaps(d, in, inOff, dIn);
      return;
    }
    int tc = (int) Math.max(1, Math.min(tOut, colBudget / Math.max(1L,
        (long) rowsT * Math.max(k3, kf))));
    float[] col = arena.get("col", (long) tc * rowsT * Math.max(k3, kf));
    for (int t0 = 0; t0 < tOut; t0 += tc) {
      int cnt = Math.min(tc, tOut - t0);
      Im2col.im2col3d(par, in, inOff, tOut, batch, h, w, cin, kt, kh, kw, tb, pt, pl, t0, cnt,
          col);
      mm.gemm(true, false, k3, co, cnt * rowsT, col, 0, k3, d, t0 * rowsT * co, co,
          headKernel.grad, 0, co, true);
    }
    // Input gradient: convolution of d with the flipped kernel
    // kf[(dt', dy', dx', co), c] = K[kt-1-dt', kh-1-dy', kw-1-dx', c, co].
    float[] flip = arena.get("headFlip", (long) kf * cin);
    float[] kv = headKernel.value;
    for (int dt = 0; dt < kt; dt++) {
      for (int dy = 0; dy < kh; dy++) {
        for (int dx = 0; dx < kw; dx++) {
          int src = (((kt - 1 - dt) * kh + (kh - 1 - dy)) * kw + (kw - 1 - dx)) * cin * co;
          int dstRow = ((dt * kh + dy) * kw + dx) * co;
          for (int c = 0; c < cin; c++) {
            for (int o = 0; o < co; o++) {
              flip[(dstRow + o) * cin + c] = kv[src + c * co + o];
            }
          }
        }
      }
    }
    for (int t0 = 0; t0 < tOut; t0 += tc) {
      int cnt = Math.min(tc, tOut - t0);
      Im2col.im2col3d(par, d, 0, tOut, batch, h, w, co, kt, kh, kw, kt - 1 - tb, kh - 1 - pt,
          kw - 1 - pl, t0, cnt, col);
      mm.gemm(false, false, cnt * rowsT, cin, kf, col, 0, kf, flip, 0, cin, dIn,
          t0 * rowsT * cin, cin, false);
    }
  }

  private void batchNormBackward(Layer l, float[] dy) {
    int f = l.f;
    int outT = l.spec.returnSequences() ? frames : 1;
    int rows = outT * batch * l.positions();
    float[] x = arena.get("h" + (l.index % 2), 0); // H (recomputeOutput)
    int xOff = (frames - outT) * batch * l.positions() * f;
    double[] mean = l.batchMean;
    double[] inv = l.batchInvStd;
    double[] sums = new double[2 * f];
    reduce(rows, 2 * f, sums, (from, to, acc, o) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < f; c++) {
          double g = dy[r * f + c];
          acc[o + c] += g;
          acc[o + f + c] += g * (x[xOff + r * f + c] - mean[c]) * inv[c];
        }
      }
    });
    float[] a = new float[f];
    float[] b = new float[f];
    float[] cx = new float[f];
    float[] center = new float[f];
    for (int c = 0; c < f; c++) {
      l.beta.grad[c] = (float) sums[c];
      l.gamma.grad[c] = (float) sums[f + c];
      // dx = gamma·inv·(dy - Σdy/M - xhat·Σ(dy·xhat)/M), xhat = (x - mean)·inv
      double gi = l.gamma.value[c] * inv[c];
      a[c] = (float) gi;
      b[c] = (float) (gi * sums[c] / rows);
      cx[c] = (float) (gi * sums[f + c] / rows * inv[c]);
      center[c] = (float) mean[c];
    }
    par.forRange(rows, ELEMENT_GRAIN / f + 1, (from, to) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < f; c++) {
          int e = r * f + c;
          dy[e] = a[c] * dy[e] - b[c] - cx[c] * (x[xOff + e] - center[c]);
        }
      }
    });
  }

  /**
   * BPTT through one layer. {@code dOut} holds the gradient of the layer's returned output
   * (all steps, or only the last); writes the input gradient to {@code dIn} when non-null.
   */
  private void layerBackward(Layer l, float[] dOut, float[] dIn) {
    if (dropping(l)) {
      layerBackwardDropout(l, dOut, dIn);
      return;
    }
    int i = l.index;
    int f = l.f;
    int g = 4 * f;
    int rowsStep = batch * l.positions();
    int stepG = rowsStep * g;
    int stepF = rowsStep * f;
    int k = l.kh * l.kw * l.cin;
    int kr = l.rkh * l.rkw * f;
    float[] gates = arena.get("g" + i, 0);
    float[] cells = arena.get("c" + i, 0);
    float[] hs = arena.get("h" + (i % 2), 0); // H (recomputeOutput)
    GateGradients z = new GateGradients(i, stepG);
    float[] dz = z.dz;
    float[] dc = arena.zeroed("dc", stepF);
    float[] dh = arena.zeroed("dhrec", stepF);
    // Input-gradient kernels: Winograd transforms of the flipped kernels, or the kernels
    // transposed to [4F, K] so that the input-gradient products are plain GEMMs.
    float[] uJoint = dIn != null && jointWinograd(l) ? jointKernel(l, true) : null;
    float[] uRec = uJoint != null ? null
        : winogradKernel(l.index, l.rkh, l.rkw, "wr", l.recurrent.value, f, g, true);
    float[] uIn = dIn == null || uJoint != null ? null
        : winogradKernel(l.index, l.kh, l.kw, "wu", l.kernel.value, l.cin, g, true);
    int inFrameSize = l.hin * l.win * l.cin;
    Winograd3x3.Input[] fromDz = {null};
    Winograd3x3.Output[] toGradients = {null, new Winograd3x3.Output(dh, 0, f, false)};
    boolean recDirect = uJoint == null && uRec == null;
    float[] col = recDirect ? arena.get("col", (long) rowsStep * kr) : null;
    float[] recT = recDirect
        ? transpose(l.recurrent.value, kr, g, arena.get("recT", (long) kr * g)) : null;
    float[] kernelT = dIn != null && uJoint == null && uIn == null
        ? transpose(l.kernel.value, k, g, arena.get("kernelT", (long) k * g)) : null;
    for (int t = frames - 1; t >= 0; t--) {
      // dz_t: at gOff of zs (dz itself, or the one-step buffer that z.store moves into dz)
      int gOff = cellBackward(l, z, gates, cells, dh, dOut, dc, t);
      float[] zs = z.step;
      if (uJoint != null) {
        // dX_t and dH_{t-1} (unused at t = 0): dz_t convolved with both flipped kernels
        fromDz[0] = new Winograd3x3.Input(zs, gOff, g);
        toGradients[0] = new Winograd3x3.Output(dIn, t * batch * inFrameSize, l.cin, false);
        winograd.convolve(fromDz, batch, l.ho, l.wo, 2 - l.padTop, 2 - l.padLeft, uJoint,
            l.hin, l.win, toGradients);
      } else if (t > 0 && uRec != null) {
        // dH_{t-1}: dz_t convolved with the flipped recurrent kernel
        winograd.convolve(zs, gOff, batch, l.ho, l.wo, g, 2 - l.recTop, 2 - l.recLeft, uRec,
            f, l.ho, l.wo, dh, 0, false);
      } else if (t > 0) {
        // dH_{t-1} = col2im(dz_t · Uᵀ)
        mm.gemm(false, false, rowsStep, kr, g, zs, gOff, g, recT, 0, kr, col, 0, kr,
            false);
        Im2col.col2im(par, cellOps, col, batch, l.ho, l.wo, f, l.rkh, l.rkw, l.recTop,
            l.recLeft, l.ho, l.wo, dh, 0);
      }
      z.store(t);
    }
    if (l.bias != null) {
      biasGradient(l.bias, dz, frames * rowsStep, g);
    }
    if (l.peepI != null) {
      peepholeGradients(l, dz, cells, rowsStep);
    }
    if (i > 0) {
      recomputeOutput(i - 1, true); // the layer's input, for the weight gradients
    }
    float[] in = i == 0 ? arena.get("x", 0) : layerOutBuf[i - 1];
    int inOff = i == 0 ? 0 : layerOutOff[i - 1];
    int inFrame = l.hin * l.win * l.cin;
    // Kernel: Σ_t conv(X_t) against dz_t; recurrent kernel: Σ_{t≥1} conv(H_{t-1}) against dz_t.
    int tc = timeChunk(rowsStep, k);
    boolean jointWeights = jointWinograd(l) && frames > 1;
    if (jointWeights) {
      // Step 0 has no H_{-1}; from step 1 on one pass over [X_t, H_{t-1}] serves both.
      winograd.weightGradient(in, inOff, batch, l.hin, l.win, l.cin, l.padTop, l.padLeft, dz,
          0, g, l.ho, l.wo, l.kernel.grad);
      winograd.weightGradient(new Winograd3x3.Input[] {
          new Winograd3x3.Input(in, inOff + batch * inFrame, l.cin),
          new Winograd3x3.Input(hs, 0, f)}, (frames - 1) * batch, l.hin, l.win, l.padTop,
          l.padLeft, dz, stepG, g, l.ho, l.wo,
          new float[][] {l.kernel.grad, l.recurrent.grad});
    } else if (winogradWeights(l.kh, l.kw, l.cin)) {
      winograd.weightGradient(in, inOff, frames * batch, l.hin, l.win, l.cin, l.padTop,
          l.padLeft, dz, 0, g, l.ho, l.wo, l.kernel.grad);
    } else {
      col = arena.get("col", (long) tc * rowsStep * k);
      for (int t0 = 0; t0 < frames; t0 += tc) {
        int cnt = Math.min(tc, frames - t0);
        Im2col.im2col(par, in, inOff + t0 * batch * inFrame, cnt * batch, l.hin, l.win, l.cin,
            l.kh, l.kw, l.padTop, l.padLeft, l.ho, l.wo, col);
        mm.gemm(true, false, k, g, cnt * rowsStep, col, 0, k, dz, t0 * stepG, g,
            l.kernel.grad, 0, g, true);
      }
    }
    if (!jointWeights && frames > 1 && winogradWeights(l.rkh, l.rkw, f)) {
      winograd.weightGradient(hs, 0, (frames - 1) * batch, l.ho, l.wo, f, l.recTop, l.recLeft,
          dz, stepG, g, l.ho, l.wo, l.recurrent.grad);
    } else if (!jointWeights && frames > 1) {
      int tcr = timeChunk(rowsStep, kr);
      col = arena.get("col", (long) tcr * rowsStep * kr);
      for (int t0 = 1; t0 < frames; t0 += tcr) {
        int cnt = Math.min(tcr, frames - t0);
        Im2col.im2col(par, hs, (t0 - 1) * stepF, cnt * batch, l.ho, l.wo, f, l.rkh, l.rkw,
            l.recTop, l.recLeft, l.ho, l.wo, col);
        mm.gemm(true, false, kr, g, cnt * rowsStep, col, 0, kr, dz, t0 * stepG, g,
            l.recurrent.grad, 0, g, true);
      }
    }
    // Input: dz convolved with the flipped kernel (already done per step when joint).
    if (uJoint != null) {
      return;
    }
    if (uIn != null) {
      winograd.convolve(dz, 0, frames * batch, l.ho, l.wo, g, 2 - l.padTop, 2 - l.padLeft,
          uIn, l.cin, l.hin, l.win, dIn, 0, false);
    } else if (dIn != null) {
      col = arena.get("col", (long) tc * rowsStep * k);
      for (int t0 = 0; t0 < frames; t0 += tc) {
        int cnt = Math.min(tc, frames - t0);
        mm.gemm(false, false, cnt * rowsStep, k, g, dz, t0 * stepG, g, kernelT, 0, k,
            col, 0, k, false);
        Im2col.col2im(par, cellOps, col, cnt * batch, l.hin, l.win, l.cin, l.kh, l.kw,
            l.padTop, l.padLeft, l.ho, l.wo, dIn, t0 * batch * inFrame);
      }
    }
  }

  /**
   * The element-wise backward step t of layer {@code l} (with or without peepholes), shared by
   * the plain and the dropout backward pass: writes {@code dz_t} into {@code z.step} at the
   * returned offset ({@link GateGradients#begin}) and replaces {@code dc} by the gradient into
   * {@code C_{t-1}}; {@code dh} is the recurrent gradient into {@code H_t}, {@code dOut} the
   * layer's output gradient (only its last step read when the layer returns one frame).
   */
  private int cellBackward(Layer l, GateGradients z, float[] gates, float[] cells, float[] dh,
      float[] dOut, float[] dc, int t) {
    int f = l.f;
    int rowsStep = batch * l.positions();
    int stepF = rowsStep * f;
    int dOutOff = !l.spec.returnSequences() ? (t == frames - 1 ? 0 : -1) : t * stepF;
    int fOff = t * stepF;
    int cPrev = t == 0 ? -1 : (t - 1) * stepF;
    int gOff = z.begin(gates, t);
    float[] gs = z.gates;
    float[] zs = z.step;
    Activation ra = l.spec.recurrentActivation();
    Activation act = l.spec.activation();
    if (l.peepI != null) {
      float[] wi = l.peepI.value;
      float[] wf = l.peepF.value;
      float[] wo = l.peepO.value;
      par.forRange(rowsStep, ELEMENT_GRAIN / f + 1, (from, to) ->
          cellOps.backwardPeephole(ra, act, f, wi, wf, wo, gs, gOff, cells, fOff, cPrev, dh,
              dOut, dOutOff, dc, zs, from, to));
    } else {
      par.forRange(rowsStep, ELEMENT_GRAIN / f + 1, (from, to) ->
          cellOps.backward(ra, act, f, gs, gOff, cells, fOff, cPrev, dh, dOut, dOutOff, dc, zs,
              from, to));
    }
    return gOff;
  }

  /**
   * Where a layer's backward pass puts its gate pre-activation gradients {@code dz}
   * ({@code [T, N·H·W, 4F]}, step t at {@code t·stepG}) without a buffer of their own: the
   * gate buffer of the next layer, whose backward pass is done (its gates are dead), when
   * there is one; for the last layer its own gate buffer, step by step from the last step:
   * step t's gates are copied to a one-step buffer, its gradients written to another and then
   * over the gates of step t, which no earlier step reads (the cell gradient carries the
   * forget gate of step t into step t-1). The cell step reads gates and writes {@code dz} at
   * one offset and is not in place (it writes {@code dz_o} before it reads o), hence the
   * copies. The two one-step buffers are buffers that are dead during the loop over the steps:
   * the output buffer of the layer below (the layer's input, recomputed there after the loop;
   * unused in a one-layer network) and
   * the head's tap products.
   */
  private final class GateGradients {
    /** All steps' gradients once every step is stored. */
    final float[] dz;
    /** The gates the cell step reads for the current step, at the offset of {@link #begin}. */
    float[] gates;
    /** Where the cell step writes the current step's gradients, at the same offset. */
    final float[] step;
    private final int stepG;
    private final boolean copies;
    private float[] layerGates;
    private final int layer;

    GateGradients(int layer, int stepG) {
      this.layer = layer;
      this.stepG = stepG;
      this.copies = layer == layers.length - 1;
      long size = (long) frames * stepG;
      this.dz = copies ? arena.get("g" + layer, size) : arena.get("g" + (layer + 1), size);
      this.step = copies ? arena.get("headY", stepG) : dz;
    }

    /** Prepares step {@code t} and returns the offset of its gates and gradients. */
    int begin(float[] layerGates, int t) {
      this.layerGates = layerGates;
      if (!copies) {
        gates = layerGates;
        return t * stepG;
      }
      gates = arena.get("h" + ((layer + 1) % 2), stepG);
      System.arraycopy(layerGates, t * stepG, gates, 0, stepG);
      return 0;
    }

    /** Moves step {@code t}'s gradients to their place in {@link #dz}. */
    void store(int t) {
      if (copies) {
        System.arraycopy(step, 0, layerGates, t * stepG, stepG);
      }
    }
  }

  /**
   * Peephole weight gradients: {@code dW_ci = Σ dz_i⊙C_{t-1}}, {@code dW_cf = Σ dz_f⊙C_{t-1}}
   * over the steps t ≥ 1 (training starts from a zero state) and {@code dW_co = Σ dz_o⊙C_t}
   * over all steps, each summed over the batch and the positions, in double.
   */
  private void peepholeGradients(Layer l, float[] dz, float[] cells, int rowsStep) {
    int f = l.f;
    int g = 4 * f;
    double[] s = new double[3 * f];
    reduce(frames * rowsStep, 3 * f, s, (from, to, acc, o) -> {
      for (int r = from; r < to; r++) {
        int gr = r * g;
        int cr = r * f;
        int prev = r - rowsStep; // the same position one step earlier
        for (int j = 0; j < f; j++) {
          acc[o + 2 * f + j] += dz[gr + 3 * f + j] * cells[cr + j];
          if (prev >= 0) {
            float cp = cells[prev * f + j];
            acc[o + j] += dz[gr + j] * cp;
            acc[o + f + j] += dz[gr + f + j] * cp;
          }
        }
      }
    });
    for (int j = 0; j < f; j++) {
      l.peepI.grad[j] = (float) s[j];
      l.peepF.grad[j] = (float) s[f + j];
      l.peepO.grad[j] = (float) s[2 * f + j];
    }
  }

  /** Writes the transpose of the row-major {@code rows × cols} matrix {@code a} into dst. */
  static float[] transpose(float[] a, int rows, int cols, float[] dst) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        dst[c * rows + r] = a[r * cols + c];
      }
    }
    return dst;
  }

  // ---------------------------------------------------------------- dropout (training)

  /** Training dropout masks per layer and gate, or null (see {@link #dropout}). */
  private float[][][] dropInput;
  private float[][][] dropRecurrent;

  /**
   * Sets the dropout masks of the next TRAINING forward pass and its backward pass (Keras
   * semantics, see {@link io.github.convlstm4j.spi.DropoutMasks}): per layer, null or four
   * masks (gates i, f, c, o) of the step input {@code [N, H, W, C_in]} and of the state
   * {@code [N, H', W', F]}, channels-last, applied at every time step. A layer with a mask
   * runs its convolutions per gate, im2col and GEMM on the masked input and state; layers
   * without keep their usual path. Null arrays clear them.
   */
  void dropout(float[][][] input, float[][][] recurrent) {
    this.dropInput = input;
    this.dropRecurrent = recurrent;
  }

  private boolean dropping(Layer l) {
    return dropInput != null
        && (dropInput[l.index] != null || dropRecurrent[l.index] != null);
  }

  /** {@code x[off ..]} times {@code mask} into {@code dst}, or x itself without a mask. */
  private static float[] masked(float[] x, int off, int n, float[] mask, float[] dst) {
    if (mask == null) {
      return x;
    }
    for (int e = 0; e < n; e++) {
      dst[e] = x[off + e] * mask[e];
    }
    return dst;
  }

  /** The training forward of a layer with dropout masks: per step and gate, direct. */
  private void forwardLayerDropout(Layer l, float[] in, int inOff) {
    int i = l.index;
    int f = l.f;
    int g = 4 * f;
    int rowsStep = batch * l.positions();
    int stepG = rowsStep * g;
    int stepF = rowsStep * f;
    int inStep = batch * l.hin * l.win * l.cin;
    int k = l.kh * l.kw * l.cin;
    int kr = l.rkh * l.rkw * f;
    float[] gates = arena.get("g" + i, (long) frames * stepG);
    float[] cells = arena.get("c" + i, (long) frames * stepF);
    float[] hs = arena.get("h" + (i % 2), (long) frames * stepF);
    float[] xm = arena.get("dropX", inStep);
    float[] hm = arena.get("dropH", stepF);
    float[] col = arena.get("col", Math.max((long) rowsStep * k, (long) rowsStep * kr));
    float[][] mIn = dropInput[i];
    float[][] mRec = dropRecurrent[i];
    for (int t = 0; t < frames; t++) {
      int gOff = t * stepG;
      int xOff = inOff + t * inStep;
      for (int q = 0; q < 4; q++) {
        float[] x = masked(in, xOff, inStep, mIn == null ? null : mIn[q], xm);
        Im2col.im2col(par, x, x == in ? xOff : 0, batch, l.hin, l.win, l.cin, l.kh, l.kw,
            l.padTop, l.padLeft, l.ho, l.wo, col);
        mm.gemm(false, false, rowsStep, f, k, col, 0, k, l.kernel.value, q * f, g, gates,
            gOff + q * f, g, false);
        if (t > 0) {
          int hOff = (t - 1) * stepF;
          float[] h = masked(hs, hOff, stepF, mRec == null ? null : mRec[q], hm);
          Im2col.im2col(par, h, h == hs ? hOff : 0, batch, l.ho, l.wo, f, l.rkh, l.rkw,
              l.recTop, l.recLeft, l.ho, l.wo, col);
          mm.gemm(false, false, rowsStep, f, kr, col, 0, kr, l.recurrent.value, q * f, g, gates,
              gOff + q * f, g, true);
        }
      }
      cellStep(l, rowsStep, gates, gOff, cells, t * stepF, t == 0 ? -1 : (t - 1) * stepF, hs,
          t * stepF);
    }
  }

  /**
   * BPTT through a layer with dropout masks (see {@link #forwardLayerDropout}): the gradient
   * into {@code H_{t-1}}, the input gradient and both weight gradients per gate, each through
   * its gate's mask.
   */
  private void layerBackwardDropout(Layer l, float[] dOut, float[] dIn) {
    int i = l.index;
    int f = l.f;
    int g = 4 * f;
    int rowsStep = batch * l.positions();
    int stepG = rowsStep * g;
    int stepF = rowsStep * f;
    int inStep = batch * l.hin * l.win * l.cin;
    int k = l.kh * l.kw * l.cin;
    int kr = l.rkh * l.rkw * f;
    float[] gates = arena.get("g" + i, 0);
    float[] cells = arena.get("c" + i, 0);
    float[] hs = arena.get("h" + (i % 2), 0); // H (recomputeOutput)
    GateGradients z = new GateGradients(i, stepG);
    float[] dz = z.dz;
    float[] dc = arena.zeroed("dc", stepF);
    float[] dh = arena.zeroed("dhrec", stepF);
    float[] col = arena.get("col", Math.max((long) rowsStep * k, (long) rowsStep * kr));
    float[] part = arena.get("dropPart", Math.max(inStep, stepF));
    float[] xm = arena.get("dropX", inStep);
    float[] hm = arena.get("dropH", stepF);
    float[][] mIn = dropInput[i];
    float[][] mRec = dropRecurrent[i];
    for (int t = frames - 1; t >= 0; t--) {
      // dz_t: at gOff of zs (dz itself, or the one-step buffer that z.store moves into dz)
      int gOff = cellBackward(l, z, gates, cells, dh, dOut, dc, t);
      float[] zs = z.step;
      if (t > 0) {
        // dH_{t-1} = Σ_q r_q ⊙ col2im(dz_q · U_qᵀ)
        Arrays.fill(dh, 0, stepF, 0f);
        for (int q = 0; q < 4; q++) {
          mm.gemm(false, true, rowsStep, kr, f, zs, gOff + q * f, g, l.recurrent.value, q * f,
              g, col, 0, kr, false);
          Im2col.col2im(par, cellOps, col, batch, l.ho, l.wo, f, l.rkh, l.rkw, l.recTop,
              l.recLeft, l.ho, l.wo, part, 0);
          addMasked(part, mRec == null ? null : mRec[q], dh, 0, stepF);
        }
      }
      z.store(t);
    }
    if (l.bias != null) {
      biasGradient(l.bias, dz, frames * rowsStep, g);
    }
    if (l.peepI != null) {
      peepholeGradients(l, dz, cells, rowsStep);
    }
    if (i > 0) {
      recomputeOutput(i - 1, true); // the layer's input, for the weight gradients
    }
    float[] in = i == 0 ? arena.get("x", 0) : layerOutBuf[i - 1];
    int inOff = i == 0 ? 0 : layerOutOff[i - 1];
    for (int t = 0; t < frames; t++) {
      int gOff = t * stepG;
      int xOff = inOff + t * inStep;
      if (dIn != null) {
        Arrays.fill(dIn, t * inStep, (t + 1) * inStep, 0f);
      }
      for (int q = 0; q < 4; q++) {
        // kernel: Σ_t im2col(m_q ⊙ X_t)ᵀ · dz_q; input: Σ_q m_q ⊙ col2im(dz_q · W_qᵀ)
        float[] x = masked(in, xOff, inStep, mIn == null ? null : mIn[q], xm);
        Im2col.im2col(par, x, x == in ? xOff : 0, batch, l.hin, l.win, l.cin, l.kh, l.kw,
            l.padTop, l.padLeft, l.ho, l.wo, col);
        mm.gemm(true, false, k, f, rowsStep, col, 0, k, dz, gOff + q * f, g, l.kernel.grad,
            q * f, g, true);
        if (dIn != null) {
          mm.gemm(false, true, rowsStep, k, f, dz, gOff + q * f, g, l.kernel.value, q * f, g,
              col, 0, k, false);
          Im2col.col2im(par, cellOps, col, batch, l.hin, l.win, l.cin, l.kh, l.kw, l.padTop,
              l.padLeft, l.ho, l.wo, part, 0);
          addMasked(part, mIn == null ? null : mIn[q], dIn, t * inStep, inStep);
        }
        if (t > 0) {
          // recurrent kernel: Σ_{t≥1} im2col(r_q ⊙ H_{t-1})ᵀ · dz_q
          int hOff = (t - 1) * stepF;
          float[] h = masked(hs, hOff, stepF, mRec == null ? null : mRec[q], hm);
          Im2col.im2col(par, h, h == hs ? hOff : 0, batch, l.ho, l.wo, f, l.rkh, l.rkw,
              l.recTop, l.recLeft, l.ho, l.wo, col);
          mm.gemm(true, false, kr, f, rowsStep, col, 0, kr, dz, gOff + q * f, g,
              l.recurrent.grad, q * f, g, true);
        }
      }
    }
  }

  /** {@code dst[off + e] += src[e]·mask[e]} (mask null: 1) for {@code e < n}. */
  private static void addMasked(float[] src, float[] mask, float[] dst, int off, int n) {
    for (int e = 0; e < n; e++) {
      dst[off + e] += mask == null ? src[e] : src[e] * mask[e];
    }
  }

  // ---------------------------------------------------------------- reductions

  /** Sets a bias gradient to the column sums of {@code dz}, {@code rows} rows of {@code g}. */
  private void biasGradient(Param bias, float[] dz, int rows, int g) {
    double[] bs = new double[g];
    reduce(rows, g, bs, (from, to, acc, o) -> {
      for (int r = from; r < to; r++) {
        for (int c = 0; c < g; c++) {
          acc[o + c] += dz[r * g + c];
        }
      }
    });
    for (int c = 0; c < g; c++) {
      bias.grad[c] = (float) bs[c];
    }
  }

  /** Deterministic column sums over rows (see {@link ColumnSums}). */
  void reduce(int rows, int width, double[] result, ColumnSums.Block body) {
    columnSums.sum(rows, width, result, body);
  }

  @Override
  public void close() {
    arena.clear();
  }
}

package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ConvLSTM network as DJL operations (Keras {@code ConvLSTM2D} semantics, see the design):
 * per layer the input-to-state and recurrent convolutions organized as {@link InputConvolution}
 * says, then per step the gate arithmetic; batch normalization with element-wise operations;
 * the Conv3D head.
 *
 * <p>Memory: every intermediate is closed right after its last use (the gates and cell
 * arithmetic of a time step live in a step sub-manager; a layer's input and its convolution
 * outputs are closed when the layer is done), so the engine reuses the same blocks instead of
 * holding the whole call's intermediates until it ends. Under autograd this only drops our
 * handles: the engine's graph keeps what the backward pass needs. Without autograd (inference,
 * evaluation) the cell arithmetic also runs in place.
 *
 * <p>Layouts: the network input is {@code [N, T, C, H, W]}; between layers sequences are
 * {@code [N, T, F, H, W]}; the output is {@code [N, C, T, H, W]} with a head
 * ({@link #outputChannelsBeforeTime()}) and {@code [N, T', F, H, W]} without. Kernels are OIHW
 * ({@code [4F, C_in, kh, kw]}) and {@code [C_out, C_in, kt, kh, kw]}.
 *
 * <p>Every array created here lives in the manager of the input (the caller's per-call
 * sub-manager); parameters must be attached to that manager for the duration of the call.
 */
final class ConvLstmGraph {

  /** Batch statistics of one batch-normalization layer seen in a training forward pass. */
  record BatchStats(int layer, NDArray mean, NDArray variance) {}

  /** The network output and, in training mode, the batch statistics per BN layer. */
  record Output(NDArray output, List<BatchStats> batchStats) {}

  /**
   * One layer's recurrent state in DJL layout {@code [N, F, H, W]}, as engine arrays (going in)
   * or as copies (coming out).
   */
  record State(NDArray h, NDArray c) {}

  /** One layer's recurrent state after the last step, copied out, DJL layout. */
  record StateCopy(float[] h, float[] c, long[] shape) {}

  private final ModelSpec spec;
  private final InputConvolution inputConvolution;

  /**
   * A graph for a spec.
   *
   * @param spec the model
   * @param inputConvolution how the input-to-state convolution is organized in time
   */
  ConvLstmGraph(ModelSpec spec, InputConvolution inputConvolution) {
    this.spec = spec;
    this.inputConvolution = inputConvolution;
  }

  /** How the input-to-state convolution is organized. */
  InputConvolution inputConvolution() {
    return inputConvolution;
  }

  /** Whether the output layout is {@code [N, C, T, H, W]} (with a head). */
  boolean outputChannelsBeforeTime() {
    return spec.head().isPresent();
  }

  /**
   * Runs the network.
   *
   * @param input {@code [N, T, C, H, W]}
   * @param p parameters by Keras name, in DJL layouts
   * @param training batch statistics (true) or moving statistics (false) in batch norm
   * @return the output and the batch statistics
   */
  Output forward(NDArray input, Map<String, NDArray> p, boolean training) {
    return run(input, p, training, -1, null, null);
  }

  /**
   * Runs the network in inference mode from given initial states and copies out each layer's
   * state after the last step.
   *
   * @param input {@code [N, T, C, H, W]}
   * @param p parameters
   * @param initial per layer {@code (h, c)} in the input's manager, or null for zeros
   * @param finals receives per layer the state after the last step, or null
   * @return the output
   */
  Output forwardWithState(NDArray input, Map<String, NDArray> p, List<State> initial,
      List<StateCopy> finals) {
    return run(input, p, false, -1, initial, finals);
  }

  /**
   * {@link #forwardWithState} where the Conv3D head first sees {@code window} frames of
   * context features, and the features of the last {@code window} frames are copied out.
   *
   * @param headContext {@code [N, w, F, H, W]} in the input's manager, or null for zeros
   * @param headFeatures receives the last {@code w} frames' features {@code [N, w, F, H, W]},
   *     or null
   */
  Output forwardWithState(NDArray input, Map<String, NDArray> p, List<State> initial,
      List<StateCopy> finals, int window, NDArray headContext, List<float[]> headFeatures) {
    this.headWindow = window;
    this.headContext = headContext;
    this.headFeaturesOut = headFeatures;
    try {
      return run(input, p, false, -1, initial, finals);
    } finally {
      this.headWindow = 0;
      this.headContext = null;
      this.headFeaturesOut = null;
    }
  }

  // The head context of the call under way (forwardWithState), else 0 / null.
  private int headWindow;
  private NDArray headContext;
  private List<float[]> headFeaturesOut;

  /**
   * The batch mean and biased variance per channel of layer {@code layer}'s output (the input
   * of its batch normalization) in an inference-mode pass, for batch-norm recalibration.
   *
   * @param input {@code [N, T, C, H, W]}
   * @param p parameters
   * @param layer the layer
   * @return the statistics, mean and variance of shape {@code [F]}
   */
  BatchStats layerStatistics(NDArray input, Map<String, NDArray> p, int layer) {
    return run(input, p, false, layer, null, null).batchStats().get(0);
  }

  private Output run(NDArray input, Map<String, NDArray> p, boolean training, int statsLayer,
      List<State> initial, List<StateCopy> finals) {
    // Every intermediate is closed right after its last use, so the engine's allocator hands the
    // same memory to the next operation instead of touching fresh pages (issue 4). Under
    // autograd this is safe too: closing drops only our handle, the engine's graph keeps
    // (reference-counts) what the backward pass needs. In-place updates only without autograd.
    boolean inPlace = !training;
    NDArray x = input;
    List<BatchStats> stats = new ArrayList<>();
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    for (int i = 0; i < layers.size(); i++) {
      ConvLstmLayerSpec l = layers.get(i);
      NDArray layerInput = x;
      x = convLstm(x, l, p.get(ModelSpec.kernelName(i)), p.get(ModelSpec.recurrentKernelName(i)),
          l.useBias() ? p.get(ModelSpec.biasName(i)) : null,
          l.peephole() ? new NDArray[] {p.get(ModelSpec.peepholeName(i, "i")),
              p.get(ModelSpec.peepholeName(i, "f")), p.get(ModelSpec.peepholeName(i, "o"))}
              : null, inPlace, initial == null ? null : initial.get(i), finals);
      closeIntermediate(layerInput, input);
      if (i == statsLayer) {
        NDArray[] ms = meanAndVariance(x);
        long f = x.getShape().get(2);
        stats.add(new BatchStats(i, ms[0].reshape(f), ms[1].reshape(f)));
        return new Output(x, stats);
      }
      if (spec.batchNormAfter(i).isPresent()) {
        NDArray normalized = batchNorm(x, i, p, training, stats);
        closeIntermediate(x, input);
        x = normalized;
      }
    }
    if (spec.head().isPresent() && headWindow > 0) {
      NDArray features = x;
      x = headWithContext(x, p);
      closeIntermediate(features, input);
    } else if (spec.head().isPresent()) {
      NDArray features = x;
      x = head(x, spec.head().get(), p.get(ModelSpec.HEAD_KERNEL), p.get(ModelSpec.HEAD_BIAS));
      closeIntermediate(features, input);
    }
    return new Output(x, stats);
  }

  /**
   * The head over {@code headWindow} context frames (or zeros) followed by {@code x}'s frames;
   * keeps the output of {@code x}'s frames and copies out the last {@code headWindow} frames'
   * features.
   */
  private NDArray headWithContext(NDArray x, Map<String, NDArray> p) {
    Shape s = x.getShape();
    long t = s.get(1);
    int w = headWindow;
    NDArray context = headContext != null ? headContext
        : x.getManager().zeros(new Shape(s.get(0), w, s.get(2), s.get(3), s.get(4)));
    NDArray joined = NDArrays.concat(new NDList(context, x), 1);
    if (headFeaturesOut != null) {
      try (NDArray last = joined.get(":, " + t + ":, :, :, :")) {
        headFeaturesOut.add(last.toFloatArray());
      }
    }
    NDArray all = head(joined, spec.head().get(), p.get(ModelSpec.HEAD_KERNEL),
        p.get(ModelSpec.HEAD_BIAS));
    NDArray kept = all.get(":, :, " + w + ":, :, :");
    joined.close();
    all.close();
    return kept;
  }

  /** Closes {@code array} unless it is the caller's {@code input}. */
  private static void closeIntermediate(NDArray array, NDArray input) {
    if (array != input) {
      array.close();
    }
  }

  /**
   * One ConvLSTM layer; {@code peepholes} holds the peephole weights {@code [F]} of i, f and o
   * (Shi et al. 2015, eq. 3: i and f see {@code C_{t-1}}, o the new {@code C_t}), or null.
   */
  private NDArray convLstm(NDArray x, ConvLstmLayerSpec l, NDArray kernel,
      NDArray recurrentKernel, NDArray bias, NDArray[] peepholes, boolean inPlace,
      State initial, List<StateCopy> finals) {
    Shape s = x.getShape();
    long n = s.get(0);
    long t = s.get(1);
    long c = s.get(2);
    int f = l.filters();
    int kh = l.kernelHeight();
    int kw = l.kernelWidth();
    NDManager layerManager = x.getManager();
    int[] inputBefore = {l.padding().before(kh), l.padding().before(kw)};
    int[] inputAfter = {l.padding().after(kh), l.padding().after(kw)};
    int rkh = l.recurrentKernelHeight();
    int rkw = l.recurrentKernelWidth();
    int[] sameBefore = {Padding.SAME.before(rkh), Padding.SAME.before(rkw)};
    int[] sameAfter = {Padding.SAME.after(rkh), Padding.SAME.after(rkw)};
    // One convolution over [X, H] needs both kernels of one size.
    InputConvolution form = inputConvolution == InputConvolution.CONCATENATED
        && (l.padding() != Padding.SAME || rkh != kh || rkw != kw)
        ? InputConvolution.HOISTED : inputConvolution;
    NDList owned = new NDList(); // layer-level intermediates, closed at the end
    // Hard-sigmoid gates: fold Keras' 0.2 z + 0.5 into the kernels and bias of the i, f and o
    // gates, so each of those gates is a single clip instead of multiply, add and clip.
    // Not with peepholes: their terms join the pre-activations after the convolutions.
    boolean folded = peepholes == null && (l.recurrentActivation() == Activation.HARD_SIGMOID
        || l.recurrentActivation() == Activation.HARD_SIGMOID_KERAS3);
    NDArray[] peep = null;
    if (peepholes != null) { // [F] -> [1, F, 1, 1], broadcast over the batch and positions
      peep = new NDArray[3];
      for (int g = 0; g < 3; g++) {
        peep[g] = peepholes[g].reshape(1, f, 1, 1);
        owned.add(peep[g]);
      }
    }
    if (folded) {
      NDArray[] f3 = foldHardSigmoid(kernel, recurrentKernel, bias, f,
          hardSigmoidSlope(l.recurrentActivation())[0], layerManager, owned);
      kernel = f3[0];
      recurrentKernel = f3[1];
      bias = f3[2];
    }
    NDList steps;
    NDArray joinedKernel = null;
    if (form == InputConvolution.HOISTED) {
      // Input-to-state: one convolution over all N·T frames; the steps are views of it.
      NDArray frames = x.reshape(n * t, c, s.get(3), s.get(4));
      NDArray xz = conv(frames, kernel, bias, inputBefore, inputAfter);
      Shape zs = xz.getShape();
      NDArray xz5 = xz.reshape(n, t, 4L * f, zs.get(2), zs.get(3));
      owned.addAll(new NDList(frames, xz, xz5));
      steps = t > 1 ? xz5.split(t, 1) : new NDList(xz5);
    } else {
      steps = t > 1 ? x.split(t, 1) : new NDList(x);
      if (form == InputConvolution.CONCATENATED) {
        joinedKernel = NDArrays.concat(new NDList(kernel, recurrentKernel), 1);
        owned.add(joinedKernel);
      }
    }
    // An initial state joins the step loop as if an earlier step had produced it.
    NDArray hidden = initial == null ? null : initial.h();
    NDArray cell = initial == null ? null : initial.c();
    NDList outputs = new NDList();
    for (int step = 0; step < t; step++) {
      // Every array of this step lives in a step manager closed at its end; only the new state
      // (and the output sequence) moves back to the layer's manager.
      NDManager stepManager = layerManager.newSubManager();
      NDArray zIn = steps.get(step);
      zIn.attach(stepManager);
      if (hidden != null) {
        if (l.returnSequences()) {
          hidden.tempAttach(stepManager);
        } else {
          hidden.attach(stepManager);
        }
        cell.attach(stepManager);
      }
      NDArray frame = zIn.squeeze(1);
      NDArray z;
      if (form == InputConvolution.HOISTED) {
        z = hidden == null ? frame
            : frame.add(conv(hidden, recurrentKernel, null, sameBefore, sameAfter));
      } else if (form == InputConvolution.CONCATENATED && hidden != null) {
        z = conv(NDArrays.concat(new NDList(frame, hidden), 1), joinedKernel, bias, sameBefore,
            sameAfter);
      } else {
        z = conv(frame, kernel, bias, inputBefore, inputAfter);
        if (hidden != null) {
          z = z.add(conv(hidden, recurrentKernel, null, sameBefore, sameAfter));
        }
      }
      NDList gates = z.split(4, 1);
      if (peep != null) {
        hidden = peepholeStep(l, gates, peep, cell);
        NDArray newCell = peepholeCell;
        peepholeCell = null;
        hidden.attach(layerManager);
        newCell.attach(layerManager);
        cell = newCell;
        stepManager.close();
        if (l.returnSequences()) {
          outputs.add(hidden);
        }
        continue;
      }
      // Without autograd the fresh gate arrays may be updated in place.
      NDArray in = gate(gates.get(0), l.recurrentActivation(), folded);
      NDArray candidate = activate(gates.get(2), l.activation());
      NDArray out = gate(gates.get(3), l.recurrentActivation(), folded);
      NDArray inCandidate = inPlace ? in.muli(candidate) : in.mul(candidate);
      if (cell == null) {
        cell = inCandidate;
      } else {
        NDArray forget = gate(gates.get(1), l.recurrentActivation(), folded);
        cell = inPlace ? forget.muli(cell).addi(inCandidate)
            : forget.mul(cell).add(inCandidate);
      }
      NDArray cellActivation = activate(cell, l.activation());
      hidden = inPlace ? out.muli(cellActivation) : out.mul(cellActivation);
      hidden.attach(layerManager);
      cell.attach(layerManager);
      stepManager.close();
      if (l.returnSequences()) {
        outputs.add(hidden);
      }
    }
    if (finals != null) {
      finals.add(new StateCopy(hidden.toFloatArray(), cell.toFloatArray(),
          hidden.getShape().getShape()));
    }
    NDArray result = l.returnSequences() ? NDArrays.stack(outputs, 1) : hidden.expandDims(1);
    outputs.close();
    hidden.close();
    cell.close();
    steps.close();
    owned.close();
    return result;
  }

  /** The new cell state of the last {@link #peepholeStep}, handed back beside its output. */
  private NDArray peepholeCell;

  /**
   * One step of the cell with peepholes (no in-place updates: simple and autograd-safe):
   * {@code i = ra(z_i + w_ci⊙C_{t-1})}, {@code f = ra(z_f + w_cf⊙C_{t-1})},
   * {@code C_t = f⊙C_{t-1} + i⊙act(z_c)}, {@code o = ra(z_o + w_co⊙C_t)},
   * {@code H_t = o⊙act(C_t)}; without a previous cell state the peephole terms of i and f and
   * the forget term vanish. Returns {@code H_t}, leaves {@code C_t} in {@link #peepholeCell}.
   */
  private NDArray peepholeStep(ConvLstmLayerSpec l, NDList gates, NDArray[] peep,
      NDArray cell) {
    Activation ra = l.recurrentActivation();
    NDArray zi = gates.get(0);
    NDArray zf = gates.get(1);
    if (cell != null) {
      // cell first: results live in the operand's manager, the step's, closed with it
      zi = zi.add(cell.mul(peep[0]));
      zf = zf.add(cell.mul(peep[1]));
    }
    NDArray in = activate(zi, ra);
    NDArray candidate = activate(gates.get(2), l.activation());
    NDArray inCandidate = in.mul(candidate);
    NDArray newCell = cell == null ? inCandidate : activate(zf, ra).mul(cell).add(inCandidate);
    NDArray out = activate(gates.get(3).add(newCell.mul(peep[2])), ra);
    peepholeCell = newCell;
    return out.mul(activate(newCell, l.activation()));
  }

  /**
   * Scales the rows of the i, f and o gates of both kernels and of the bias by the hard
   * sigmoid's slope 0.2 and adds its offset 0.5 to their bias, so that the gate pre-activations
   * come out as {@code 0.2 z + 0.5}. The scale and offset are engine-owned (autograd saves the
   * scale for the kernels' gradients; see {@link #activate}).
   *
   * @return the folded kernel, recurrent kernel and bias (a bias even without one before)
   */
  private static NDArray[] foldHardSigmoid(NDArray kernel, NDArray recurrentKernel,
      NDArray bias, int f, float slope, NDManager manager, NDList owned) {
    float[] scale = new float[4 * f];
    float[] shift = new float[4 * f];
    for (int g = 0; g < 4; g++) {
      boolean candidate = g == 2; // Keras gate order i, f, c, o; c keeps its activation
      for (int j = 0; j < f; j++) {
        scale[g * f + j] = candidate ? 1f : slope;
        shift[g * f + j] = candidate ? 0f : 0.5f;
      }
    }
    NDArray rowScale = DjlArrays.owned(manager, scale, new Shape(4L * f, 1, 1, 1));
    NDArray biasScale = rowScale.reshape(4L * f);
    NDArray biasShift = DjlArrays.owned(manager, shift, new Shape(4L * f));
    NDArray k = kernel.mul(rowScale);
    NDArray u = recurrentKernel.mul(rowScale);
    NDArray b = bias == null ? biasShift : bias.mul(biasScale).add(biasShift);
    owned.addAll(new NDList(rowScale, biasScale, biasShift, k, u, b));
    return new NDArray[] {k, u, b};
  }

  /** A gate's activation; a folded hard sigmoid only needs the clip. */
  private static NDArray gate(NDArray z, Activation a, boolean folded) {
    return folded ? z.clip(0f, 1f) : activate(z, a);
  }

  private NDArray batchNorm(NDArray x, int layer, Map<String, NDArray> p, boolean training,
      List<BatchStats> stats) {
    long f = x.getShape().get(2);
    Shape channel = new Shape(1, 1, f, 1, 1);
    NDArray gamma = p.get(ModelSpec.batchNormName(layer, "gamma")).reshape(channel);
    NDArray beta = p.get(ModelSpec.batchNormName(layer, "beta")).reshape(channel);
    NDArray mean;
    NDArray variance;
    if (training) {
      NDArray[] ms = meanAndVariance(x);
      mean = ms[0];
      variance = ms[1];
      stats.add(new BatchStats(layer, mean.reshape(f), variance.reshape(f)));
    } else {
      mean = p.get(ModelSpec.batchNormName(layer, "moving_mean")).reshape(channel);
      variance = p.get(ModelSpec.batchNormName(layer, "moving_variance")).reshape(channel);
    }
    NDArray scale = variance.add((float) spec.batchNormAfter(layer).orElseThrow().epsilon())
        .sqrt();
    if (training) {
      return x.sub(mean).div(scale).mul(gamma).add(beta);
    }
    // Same arithmetic in place on the first result: no autograd to keep the intermediates for.
    NDArray normalized = x.sub(mean).divi(scale).muli(gamma).addi(beta);
    scale.close();
    return normalized;
  }

  /** Per-channel mean and biased variance over (N, T, H, W) of {@code [N, T, F, H, W]}. */
  private static NDArray[] meanAndVariance(NDArray x) {
    NDArray mean = meanOverAllButChannels(x);
    NDArray variance = meanOverAllButChannels(x.sub(mean).square());
    return new NDArray[] {mean, variance};
  }

  /**
   * Mean over axes 4, 3, 1, 0 one at a time, keeping dimensions (DJL's PyTorch engine reduces
   * one axis per call); equal-sized groups make the mean of means the overall mean.
   */
  private static NDArray meanOverAllButChannels(NDArray x) {
    NDArray m = x;
    for (int axis : new int[] {4, 3, 1, 0}) {
      m = m.mean(new int[] {axis}, true);
    }
    return m;
  }

  private static NDArray head(NDArray x, Conv3dHeadSpec h, NDArray kernel, NDArray bias) {
    NDArray channelsFirst = x.transpose(0, 2, 1, 3, 4); // [N, F, T, H, W]
    int[] before = {h.timePadding().before(h.kernelTime()), Padding.SAME.before(h.kernelHeight()),
        Padding.SAME.before(h.kernelWidth())};
    int[] after = {h.timePadding().after(h.kernelTime()), Padding.SAME.after(h.kernelHeight()),
        Padding.SAME.after(h.kernelWidth())};
    return activate(conv(channelsFirst, kernel, bias, before, after), h.activation());
  }

  /**
   * A stride-1 convolution over the trailing spatial axes with zero padding {@code before} /
   * {@code after} per spatial axis. The symmetric part goes to the engine's convolution; the
   * asymmetric rest (even kernels, causal time) is added by concatenating zeros.
   */
  static NDArray conv(NDArray x, NDArray kernel, NDArray bias, int[] before, int[] after) {
    int dims = before.length;
    long[] symmetric = new long[dims];
    NDArray padded = x;
    for (int d = 0; d < dims; d++) {
      int sym = Math.min(before[d], after[d]);
      symmetric[d] = sym;
      padded = padAxis(padded, 2 + d, before[d] - sym, after[d] - sym);
    }
    long[] ones = new long[dims];
    java.util.Arrays.fill(ones, 1L);
    Shape unit = new Shape(ones);
    return padded.getNDArrayInternal()
        .convolution(padded, kernel, bias, unit, new Shape(symmetric), unit, 1)
        .singletonOrThrow();
  }

  /** Adds zeros before and after along one axis. */
  static NDArray padAxis(NDArray x, int axis, int before, int after) {
    if (before == 0 && after == 0) {
      return x;
    }
    NDList parts = new NDList();
    // copies: Shape.getShape() hands out the shape's own array, which x's shape would share
    long[] dims = x.getShape().getShape().clone();
    if (before > 0) {
      dims[axis] = before;
      parts.add(x.getManager().zeros(new Shape(dims), x.getDataType()));
    }
    parts.add(x);
    if (after > 0) {
      long[] d2 = x.getShape().getShape().clone();
      d2[axis] = after;
      parts.add(x.getManager().zeros(new Shape(d2), x.getDataType()));
    }
    return NDArrays.concat(parts, axis);
  }

  /** The slope of Keras 2's hard sigmoid, {@code 0.2 x + 0.5} clipped to [0, 1]. */
  private static final float[] HARD_SIGMOID_SLOPE = {0.2f};
  /** The slope of Keras 3's hard sigmoid, {@code x / 6 + 0.5} clipped to [0, 1]. */
  private static final float[] HARD_SIGMOID_KERAS3_SLOPE = {1f / 6f};

  private static float[] hardSigmoidSlope(Activation a) {
    return a == Activation.HARD_SIGMOID_KERAS3 ? HARD_SIGMOID_KERAS3_SLOPE : HARD_SIGMOID_SLOPE;
  }

  /** Applies an activation with Keras semantics. */
  static NDArray activate(NDArray x, Activation a) {
    switch (a) {
      case TANH:
        return x.tanh();
      case SIGMOID:
        return ai.djl.nn.Activation.sigmoid(x);
      case HARD_SIGMOID:
      case HARD_SIGMOID_KERAS3:
        // Not x.mul(0.2f): DJL's PyTorch engine wraps a Number operand in a tensor over a Java
        // direct buffer and closes it after the call, but autograd saves that tensor for the
        // backward pass (d(0.2 x)/dx = 0.2), which then reads freed, reused memory: garbage or
        // NaN gradients once a GC ran between forward and backward (issue 4's NaN hazard,
        // DjlTrainingHazardTest). An engine-owned scalar stays valid as long as autograd holds it.
        try (NDArray slope = DjlArrays.owned(x.getManager(), hardSigmoidSlope(a), new Shape())) {
          return x.mul(slope).add(0.5f).clip(0f, 1f);
        }
      case RELU:
        return ai.djl.nn.Activation.relu(x);
      case LINEAR:
        return x;
      default:
        throw new AssertionError(a);
    }
  }

  /**
   * Mean loss over all elements.
   *
   * @param output network output
   * @param target target in the same layout
   * @param loss which loss
   * @return a scalar
   */
  static NDArray loss(NDArray output, NDArray target, Loss loss) {
    return elementLoss(output, target, loss).mean();
  }

  /** Loss per element, before the mean. */
  static NDArray elementLoss(NDArray output, NDArray target, Loss loss) {
    switch (loss) {
      case BINARY_CROSSENTROPY: {
        float eps = (float) Loss.BCE_EPSILON;
        NDArray p = output.clip(eps, 1f - eps);
        NDArray positive = target.mul(p.log());
        NDArray negative = target.neg().add(1f).mul(p.neg().add(1f).log());
        return positive.add(negative).neg();
      }
      case MSE:
        return output.sub(target).square();
      default:
        throw new AssertionError(loss);
    }
  }
}

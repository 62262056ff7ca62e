package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.LearningRateSchedule;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.SessionState;
import io.github.convlstm4j.api.SpaceToDepthSpec;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingData;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.io.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The forecaster core: every backend-neutral behaviour of a {@link Forecaster}, written once.
 * A backend extends this class and implements the primitives only (the pattern of SLF4J's
 * {@code AbstractLogger} and Micrometer's {@code MeterRegistry}): an inference forward pass of
 * a packed batch with each layer's recurrent state in and out, the summed loss of a batch, one
 * training step, the input statistics of a batch-normalization layer, and weights and optimizer
 * state in and out.
 *
 * <p>What the core does, identically for every backend:
 *
 * <ul>
 *   <li>Argument checks at every entry, with messages naming the expected and the actual value;
 *       a refused call leaves the forecaster unchanged and usable.
 *   <li>{@link #predict(List)} in chunks of at most {@link #maxInferenceBatch()} sequences.
 *   <li>Streaming sessions ({@link #openSession(int)}, {@link CoreSession}) on the
 *       {@link #forward} primitive with states (and the head's context features) in and out,
 *       one frame step per push, and {@link #forecast} on a session: the autoregressive
 *       rollout (predict on the context, append the last output frame, repeat) without
 *       re-running history.
 *   <li>{@link #fit}: the validation part is the last {@code validationSplit} of the data before
 *       shuffling; per epoch the training part is shuffled with
 *       {@link TrainingData#epochOrder} seeded by the config's seed and the 0-based count of
 *       epochs completed before it; the batches are packed on a background thread one batch
 *       ahead of training (the packing thread ends with the epoch, also when training stops
 *       early, and a packing failure is thrown by the fit); per batch one {@link TrainingStep},
 *       whose loss must be
 *       finite, then the update, after which every weight must be finite (otherwise training
 *       stops with an {@link IllegalStateException} naming the epoch, the batch and the loss or
 *       the tensor, its value and flat index, and the weights, moving statistics and optimizer
 *       state are put back to those from before the failing batch); listener events after
 *       every batch and every epoch. Each update gets the optimizer spec with the learning rate
 *       of {@link TrainingConfig#schedule()} at the optimizer state's update count
 *       ({@link OptimizerState#iterations}); a bounded schedule that cannot cover every update
 *       of the call is refused before any. Gradient clipping and weight decay are the
 *       backend's, from the spec. With
 *       {@link TrainingConfig#recalibrateBatchNorm()}, after the last epoch's batches and
 *       before its validation loss, each batch-normalization layer in turn (first to last)
 *       gets as moving mean and variance the batch-size-weighted average, over the training part
 *       in order and in batches of {@code batchSize}, of the batch statistics of its input in an
 *       inference-mode pass (earlier layers already recalibrated).
 *   <li>{@link #evaluate} and validation losses: inference mode, batches of at most
 *       {@link #EVALUATION_BATCH} samples, the mean over all elements.
 *   <li>Weights, checkpoints (spec equal but for the seed; weights complete, well shaped and
 *       finite; optimizer state fitting the model by {@link OptimizerState#problems}, all
 *       checked before anything changes) and {@link #save}, which writes only what
 *       {@link io.github.convlstm4j.api.io.Checkpoints#load} accepts.
 *   <li>Close: idempotent; every other call after it throws {@link IllegalStateException}.
 *   <li>Concurrency: one caller at a time. A call that arrives while another thread is inside a
 *       call of the same forecaster is refused with an {@link IllegalStateException} and
 *       changes nothing; the running call is not disturbed. Calls from the thread already inside
 *       (for example from a {@link TrainingListener}) are allowed.
 * </ul>
 */
public abstract class AbstractForecaster implements Forecaster {

  /** Largest batch used by {@link #evaluate} and for validation losses. */
  public static final int EVALUATION_BATCH = 16;

  private final String backendName;
  private final ModelSpec spec;
  private final ModelSpec core;
  /** The leading space-to-depth layer applied to inputs, or null. */
  private final SpaceToDepthSpec inputPatches;
  /** The trailing depth-to-space layer applied to outputs, or null. */
  private final DepthToSpaceSpec outputPatches;
  private final ReentrantLock inUse = new ReentrantLock();
  private int epochsCompleted;
  private DropoutMasks batchDropout = DropoutMasks.none();
  private volatile boolean closed;

  /**
   * The result of an inference forward pass (of the {@link #forward} primitive).
   *
   * @param output the network output, {@code [N, T', H', W', C_out]}
   * @param state each ConvLSTM layer's state after the last step, in layer order, or an empty
   *     list when it was not asked for
   * @param headFeatures when the state was asked for and {@link #headWindow()} {@code w > 0}:
   *     the head's input (the last ConvLSTM layer's output after its batch normalization) of
   *     the last {@code w} frames of the head context followed by the input, {@code [N, w, H',
   *     W', F]}, possibly in the backend's form ({@link EngineTensor#deferred}); else null
   */
  public record Forward(PackedBatch output, List<LayerState> state, EngineTensor headFeatures) {
    /** Copies the state list. */
    public Forward {
      Objects.requireNonNull(output, "output");
      state = List.copyOf(state);
    }
  }

  /**
   * Starts the core.
   *
   * @param backendName the provider's name
   * @param spec the model (validated by its builder)
   */
  protected AbstractForecaster(String backendName, ModelSpec spec) {
    this.backendName = Objects.requireNonNull(backendName, "backendName");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.core = spec.coreSpec();
    this.inputPatches = spec.inputPatches().orElse(null);
    this.outputPatches = spec.outputPatches().orElse(null);
  }

  // ================================================================ patch layers

  /**
   * The model a backend runs: {@link ModelSpec#coreSpec()}, the spec without its patch layers.
   * Every batch, state and head context a primitive receives or returns is shaped for it: the
   * core applies the leading {@link SpaceToDepthSpec} to the inputs before a primitive sees
   * them, the trailing {@link DepthToSpaceSpec} to the outputs a primitive returns, and the
   * inverse of that to the targets (a permutation leaves the mean losses unchanged, so the
   * gradients a backend computes in its own shapes are the patched model's).
   *
   * @return the core spec, {@link #spec()} for a model without patch layers
   */
  protected final ModelSpec coreSpec() {
    return core;
  }

  /**
   * An input batch as the backend's core sees it (space-to-depth applied, if the model has it).
   *
   * @param input a batch of the model's inputs
   * @return the core's input, {@code input} itself without patch layers
   */
  protected final PackedBatch coreInput(PackedBatch input) {
    return coreInput(input, null, null);
  }

  /**
   * A target batch as the backend's core sees it (the inverse of the trailing depth-to-space).
   *
   * @param target a batch of the model's targets
   * @return the core's targets, {@code target} itself without a trailing depth-to-space
   */
  protected final PackedBatch coreTarget(PackedBatch target) {
    return coreTarget(target, null, null);
  }

  /**
   * A gradient with respect to the core's input mapped back to the model's input (the inverse
   * of the leading space-to-depth), for backends' test hooks.
   *
   * @param coreGradient {@code [N, T, H/p, W/p, p²C]}
   * @return {@code [N, T, H, W, C]}, {@code coreGradient} itself without patch layers
   */
  protected final PackedBatch inputGradient(PackedBatch coreGradient) {
    if (inputPatches == null) {
      return coreGradient;
    }
    return permute(new DepthToSpaceSpec(inputPatches.patch()), coreGradient, null, null);
  }

  private PackedBatch coreInput(PackedBatch input, float[] raw, float[] reuse) {
    return inputPatches == null ? input : permute(inputPatches, input, raw, reuse);
  }

  private PackedBatch coreTarget(PackedBatch target, float[] raw, float[] reuse) {
    return outputPatches == null ? target
        : permute(new SpaceToDepthSpec(outputPatches.patch()), target, raw, reuse);
  }

  private PackedBatch modelOutput(PackedBatch coreOutput) {
    return outputPatches == null ? coreOutput : permute(outputPatches, coreOutput, null, null);
  }

  /**
   * A patch layer applied to every frame of a batch.
   *
   * @param raw the batch's own array when the caller holds it, else null (then copied)
   * @param reuse an array of at least the batch's size to write into, else null (allocated)
   */
  private static PackedBatch permute(LayerSpec patches, PackedBatch b, float[] raw,
      float[] reuse) {
    float[] src = raw;
    if (src == null) {
      src = new float[b.size()];
      b.copyTo(src, 0);
    }
    float[] dst = reuse == null ? new float[b.size()] : reuse;
    int frames = b.samples() * b.frames();
    FrameShape out;
    if (patches instanceof SpaceToDepthSpec) {
      SpaceToDepthSpec s = (SpaceToDepthSpec) patches;
      s.apply(src, dst, frames, b.frameShape());
      out = s.outputShape(new SequenceShape(1, b.frameShape()),
          new LayerSpec.Position(0, 0, 0, "")).frame();
    } else {
      DepthToSpaceSpec d = (DepthToSpaceSpec) patches;
      d.apply(src, dst, frames, b.frameShape());
      out = d.outputShape(new SequenceShape(1, b.frameShape()),
          new LayerSpec.Position(0, 0, 0, "")).frame();
    }
    return PackedBatch.adopt(b.samples(), b.frames(), out, dst);
  }

  /** The frame shape the core sees for a model input frame. */
  private FrameShape coreFrame(FrameShape frame) {
    if (inputPatches == null) {
      return frame;
    }
    return inputPatches.outputShape(new SequenceShape(1, frame),
        new LayerSpec.Position(0, 0, 0, "")).frame();
  }

  // ================================================================ primitives

  /**
   * Backend-specific entries of {@link #runtimeInfo()} (the core adds {@code backend} first).
   *
   * @return at least {@code threads}, in a stable order
   */
  protected abstract Map<String, String> describeRuntime();

  /**
   * An inference-mode forward pass (batch normalization with its moving statistics).
   *
   * @param input a checked batch
   * @param initialState null for zero initial states, else one state per ConvLSTM layer whose
   *     shapes the core has checked ({@link #checkState})
   * @param headContext null when {@link #headWindow()} is 0 or for zeros (the start of a
   *     sequence); else the head's input features of the {@code w} frames before the input,
   *     {@code [N, w, H', W', F]}, which the Conv3D head sees before the input's own features
   *     (the output has the input's frames only); when it is one this backend returned, its
   *     {@link EngineTensor#payload()} is the backend's own
   * @param returnState whether to return each layer's state after the last step, and the
   *     head features of the last {@code w} frames
   * @return the output (and the state if asked)
   */
  protected abstract Forward forward(PackedBatch input, List<LayerState> initialState,
      EngineTensor headContext, boolean returnState);

  /**
   * The sum over all elements of the element-wise loss of an inference-mode forward pass.
   *
   * @param input a checked batch
   * @param target targets of the output's shape
   * @param loss the loss
   * @return the sum, accumulated in double
   */
  protected abstract double lossSum(PackedBatch input, PackedBatch target, Loss loss);

  /**
   * A training-mode forward and backward pass (batch statistics, and the dropout masks of
   * {@link #batchDropout()} when the model has dropout) that has not updated anything yet.
   *
   * @param input a checked batch
   * @param target targets of the output's shape
   * @param loss the loss
   * @return the step, which the core closes
   */
  protected abstract TrainingStep trainingStep(PackedBatch input, PackedBatch target, Loss loss);

  /**
   * The first NaN or infinite value among the weights, for the divergence check after an
   * update.
   *
   * @return the value, or empty when every weight is finite
   */
  protected abstract Optional<NonFiniteValue> firstNonFiniteWeight();

  /**
   * The per-channel mean and biased variance, over (N, T, H, W), of the input of ConvLSTM layer
   * {@code layer}'s batch normalization in an inference-mode pass (earlier layers normalized
   * with their moving statistics).
   *
   * @param input a checked batch
   * @param layer a ConvLSTM layer index with batch normalization
   * @return {@code {mean, variance}}, each of the layer's filters
   */
  protected abstract double[][] batchNormInputStatistics(PackedBatch input, int layer);

  /**
   * The weights, Keras names and layouts.
   *
   * @return a snapshot
   */
  protected abstract ModelWeights readWeights();

  /**
   * Replaces every weight.
   *
   * @param weights weights the core has checked: exactly the spec's names and shapes, finite
   */
  protected abstract void writeWeights(ModelWeights weights);

  /**
   * The optimizer state (Keras slot names, plus the iteration count), empty before training.
   *
   * @return a snapshot
   */
  protected abstract ModelWeights readOptimizerState();

  /**
   * Replaces the optimizer state, or refuses it before changing anything.
   *
   * @param state a state from {@link #readOptimizerState()} of this or another backend
   * @throws IllegalArgumentException naming every unknown, mis-shaped or invalid entry
   */
  protected abstract void writeOptimizerState(ModelWeights state);

  /** Releases native memory, threads and buffers; called once, by {@link #close()}. */
  protected abstract void release();

  /**
   * The forecasting network of an encoder–forecaster
   * ({@link io.github.convlstm4j.api.EncoderForecasterSpec}), inference mode, unrolled
   * {@code steps} steps from the encoder's states: forecasting layer i starts from
   * {@code encoderState.get(i)}, the first reads no input, each step's prediction is the 1×1
   * output convolution over all forecasting layers' hidden states and the output activation.
   * For such a spec {@link #forward} returns the first {@code horizon} of these frames for the
   * encoder state after its input (and that state); training is {@link #trainingStep} on
   * {@code horizon}-frame targets, with the gradient flowing from the forecaster into the
   * encoder's final states.
   *
   * <p>Only called for specs with an encoder–forecaster, which a backend without
   * {@link Capability#ENCODER_FORECASTER} never gets (its provider refuses them); the default
   * therefore refuses.
   *
   * @param encoderState one state per encoder (ConvLSTM) layer, checked by the core
   * @param steps at least 1
   * @return {@code [N, steps, H, W, C]} of the core spec (before any depth-to-space)
   */
  protected PackedBatch forecastFrom(List<LayerState> encoderState, int steps) {
    throw new UnsupportedOperationException("backend " + backendName + " does not declare "
        + Capability.ENCODER_FORECASTER + " and cannot run an encoder-forecaster");
  }

  /**
   * {@link #forecastFrom} as model outputs (depth-to-space applied), one sequence per stream;
   * for sessions.
   */
  final List<FrameSequence> unrollForecaster(List<LayerState> encoderState, int steps) {
    return guarded(() -> modelOutput(forecastFrom(encoderState, steps)).sequences());
  }

  /**
   * Whether the model is an encoder–forecaster.
   *
   * @return true if {@link ModelSpec#encoderForecaster()} is present
   */
  protected final boolean isEncoderForecaster() {
    return spec.encoderForecaster().isPresent();
  }

  /**
   * The largest batch one {@link #forward} call gets from {@link #predict(List)}.
   *
   * @return at least 1; unlimited by default
   */
  protected int maxInferenceBatch() {
    return Integer.MAX_VALUE;
  }

  // ================================================================ Forecaster

  @Override
  public final String backendName() {
    checkOpen();
    return backendName;
  }

  @Override
  public final ModelSpec spec() {
    checkOpen();
    return spec;
  }

  @Override
  public final Map<String, String> runtimeInfo() {
    return guarded(() -> {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("backend", backendName);
      m.putAll(describeRuntime());
      return Collections.unmodifiableMap(m);
    });
  }

  /**
   * Epochs trained so far, across {@code fit} calls and restored checkpoints.
   *
   * @return the count
   */
  public final int epochsCompleted() {
    checkOpen();
    return epochsCompleted;
  }

  @Override
  public final FrameSequence predict(FrameSequence input) {
    Objects.requireNonNull(input, "input");
    return predict(List.of(input)).get(0);
  }

  @Override
  public final List<FrameSequence> predict(List<FrameSequence> inputs) {
    return guarded(() -> {
      checkBatch(inputs);
      List<FrameSequence> out = new ArrayList<>(inputs.size());
      int chunk = Math.max(1, maxInferenceBatch());
      for (int from = 0; from < inputs.size(); from += chunk) {
        List<FrameSequence> part = inputs.subList(from, Math.min(inputs.size(), from + chunk));
        out.addAll(modelOutput(forward(coreInput(PackedBatch.of(part)), null, null, false)
            .output()).sequences());
      }
      return out;
    });
  }

  /**
   * The outputs of a batch and each ConvLSTM layer's state after its last frame.
   *
   * @param outputs one network output per input, as {@link #predict(List)} gives
   * @param state one (h, c) per ConvLSTM layer, in layer order, each {@code [N, H', W', F]}
   * @param headFeatures the Conv3D head's input features of the last {@link #headWindow()}
   *     frames, {@code [N, w, H', W', F]}, or null when {@code w} is 0
   */
  public record StatefulOutput(List<FrameSequence> outputs, List<LayerState> state,
      Tensor headFeatures) {
    /** Copies the lists. */
    public StatefulOutput {
      outputs = List.copyOf(outputs);
      state = List.copyOf(state);
    }
  }

  /**
   * Runs a batch in inference mode from given recurrent states and returns the outputs with
   * each layer's state after the last frame: Keras' {@code initial_state} and
   * {@code return_state}, the building block of streaming (one frame at a time). Running a
   * sequence in two parts, the second from the first part's state, gives the ConvLSTM layers'
   * outputs of one run over the whole sequence; a Conv3D head of time kernel {@code kt > 1}
   * sees only the frames of the part it is given.
   *
   * @param inputs a batch as for {@link #predict(List)}, in one call (no chunking)
   * @param initialState null for zero states, else one state per ConvLSTM layer, in order,
   *     each {@code [N, H', W', F]} (the layer's output frame size and filters)
   * @return the outputs and the states
   * @throws IllegalArgumentException for a bad batch, or a state of the wrong count or shape,
   *     naming the layer, the expected and the actual shape
   */
  public final StatefulOutput forwardWithState(List<FrameSequence> inputs,
      List<LayerState> initialState) {
    Step s = runFrom(inputs, initialState, null);
    return new StatefulOutput(s.outputs(), s.state(),
        s.headFeatures() == null ? null : s.headFeatures().tensor());
  }

  /** A session step's outputs, states and head features (in the backend's form). */
  record Step(List<FrameSequence> outputs, List<LayerState> state, EngineTensor headFeatures) {}

  /** {@link #forwardWithState} with the head's context, for sessions. */
  final Step runFrom(List<FrameSequence> inputs, List<LayerState> initialState,
      EngineTensor headContext) {
    return guarded(() -> {
      requireNoFrameLayers("states");
      checkBatch(inputs);
      PackedBatch batch = PackedBatch.of(inputs);
      if (initialState != null) {
        checkState(initialState, batch.samples(), batch.frameShape());
      }
      if (headContext != null) {
        checkHeadContext(headContext, batch.samples(), batch.frameShape());
      }
      Forward f = forward(coreInput(batch), initialState, headContext, true);
      return new Step(modelOutput(f.output()).sequences(), f.state(), f.headFeatures());
    });
  }

  /**
   * How many frames before a step the Conv3D head's time kernel reaches: {@code kt - 1} for
   * CAUSAL, {@code (kt - 1) / 2} for SAME time padding; 0 without a head or when the last
   * ConvLSTM layer returns only its last step.
   *
   * @return w, at least 0
   */
  protected final int headWindow() {
    if (!spec.returnsSequences()) {
      return 0;
    }
    return spec.head().map(h -> h.timePadding().before(h.kernelTime())).orElse(0);
  }

  /**
   * Checks head context features for {@code samples} sequences of {@code frame} frames:
   * {@code [N, w, H', W', F_last]}.
   */
  final void checkHeadContext(EngineTensor context, int samples, FrameShape frame) {
    int w = headWindow();
    if (w == 0) {
      throw new IllegalArgumentException("this model's head needs no context frames, got "
          + context.shapeList());
    }
    FrameShape out = core.outputFrameShape(coreFrame(frame));
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    List<Integer> expected = List.of(samples, w, out.height(), out.width(),
        layers.get(layers.size() - 1).filters());
    if (!context.shapeList().equals(expected)) {
      throw new IllegalArgumentException("head context must be " + expected
          + " ([N, w, H, W, F] of the last ConvLSTM layer), got " + context.shapeList());
    }
  }

  @Override
  public final ForecastSession openSession(int streams) {
    return guarded(() -> {
      requireNoFrameLayers("streaming sessions");
      return new CoreSession(this, streams);
    });
  }

  @Override
  public final ForecastSession openSession(SessionState state) {
    return guarded(() -> {
      requireNoFrameLayers("streaming sessions");
      return CoreSession.restore(this, state);
    });
  }

  /**
   * Refuses a model with frame-wise layers ({@link ModelSpec#frameLayers()}) for work that
   * needs the ConvLSTM core's own layers: states, sessions, rollouts.
   *
   * @param what the refused work, for the message
   * @throws UnsupportedOperationException naming the first such layer
   */
  private void requireNoFrameLayers(String what) {
    List<Integer> frame = spec.frameLayers();
    if (!frame.isEmpty()) {
      int i = frame.get(0);
      throw new UnsupportedOperationException(what + " support conv_lstm2d, "
          + "batch_normalization after conv_lstm2d and conv3d layers; layer " + i + " ('"
          + spec.layerName(i) + "', " + spec.layers().get(i).kind() + ") is frame-wise: "
          + "this model can predict, evaluate and (without inference-only layers) fit ("
          + frame.size() + " frame-wise layers)");
    }
  }

  /**
   * Refuses to train a model with inference-only layers ({@link ModelSpec#inferenceOnlyLayers()}).
   *
   * @throws UnsupportedOperationException naming the first such layer and what does train
   */
  private void requireAllTrainable() {
    List<Integer> only = spec.inferenceOnlyLayers();
    if (!only.isEmpty()) {
      int i = only.get(0);
      throw new UnsupportedOperationException("fit supports conv_lstm2d, batch_normalization "
          + "after conv_lstm2d, conv3d, conv2d, dense, flatten, max_pooling, softmax, activation "
          + "and the patch layers; layer " + i + " ('" + spec.layerName(i) + "', "
          + spec.layers().get(i).kind() + ") cannot be trained: this model can predict and "
          + "evaluate (" + only.size() + " such layers)");
    }
  }

  /**
   * The dropout masks of the training batch under way: inside {@link #trainingStep} of
   * {@link #fit}, the masks the core made for that batch with {@link DropoutMasks#of} (the
   * core's spec, the batch's sample count and input shape, seeded by
   * {@link DropoutMasks#batchSeed} from the training seed, the epochs completed before and the
   * 0-based batch index), which the step must apply; {@link DropoutMasks#none()} otherwise
   * (and always for a model without dropout).
   *
   * @return the masks
   */
  protected final DropoutMasks batchDropout() {
    return batchDropout;
  }

  @Override
  public final FrameSequence forecast(FrameSequence context, int horizon) {
    return guarded(() -> {
      Objects.requireNonNull(context, "context");
      requireNoFrameLayers("forecast rollouts");
      FrameShape out = checkInput(context, "context");
      if (horizon < 1) {
        throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
      }
      checkHorizon(horizon, context.frameShape(), 1);
      if (!out.equals(context.frameShape())) {
        throw new IllegalArgumentException("forecast needs output frames shaped like the input "
            + "frames: input frame " + context.frameShape() + ", output frame " + out);
      }
      if (isEncoderForecaster()) {
        // Shi et al. 2015, §3.2: the encoder reads the context, the forecasting network
        // unrolls from its final states, as far as asked (past K too).
        Forward f = forward(coreInput(PackedBatch.of(List.of(context))), null, null, true);
        return modelOutput(forecastFrom(f.state(), horizon)).sequences().get(0);
      }
      try (ForecastSession session = new CoreSession(this, 1)) {
        session.pushAll(List.of(context));
        return session.forecast(horizon).get(0);
      }
    });
  }

  /** Refuses a rollout whose frames (twice over) cannot fit in the heap. */
  final void checkHorizon(int horizon, FrameShape frame, int streams) {
    long bytes = 8L * streams * horizon * frame.size();
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes > heap) {
      throw new IllegalArgumentException("horizon " + horizon + " needs about " + bytes
          + " bytes for " + streams + " x " + frame + " frames, more than the heap's " + heap
          + " (at most " + heap / (8L * streams * frame.size()) + " here)");
    }
  }

  @Override
  public final double evaluate(TrainingData data, Loss loss) {
    return guarded(() -> {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(loss, "loss");
      checkDataset(data, "data");
      return meanLoss(data, loss);
    });
  }

  @Override
  public final TrainingHistory fit(TrainingData data, TrainingConfig config,
      TrainingListener listener) {
    return guarded(() -> {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(listener, "listener");
      requireAllTrainable();
      checkDataset(data, "data");
      TrainingData.Split split = data.split(config.validationSplit());
      TrainingData train = split.training();
      if (train.isEmpty()) {
        throw new IllegalArgumentException("the training part must hold at least 1 sample, got "
            + "0 (" + data.size() + " samples with validationSplit "
            + config.validationSplit() + ")");
      }
      return trainEpochs(train, split.validation(), config, listener);
    });
  }

  private TrainingHistory trainEpochs(TrainingData train, TrainingData validation,
      TrainingConfig config, TrainingListener listener) {
    long start = System.nanoTime();
    int batchSize = config.batchSize();
    int batches = (train.size() + batchSize - 1) / batchSize;
    int lastEpoch = epochsCompleted + config.epochs();
    LearningRateSchedule schedule = config.schedule();
    long stepsBefore = OptimizerState.iterations(readOptimizerState());
    if (schedule.totalSteps() > 0
        && stepsBefore + (long) config.epochs() * batches > schedule.totalSteps()) {
      throw new IllegalArgumentException("the learning-rate schedule covers "
          + schedule.totalSteps() + " optimizer steps, but this fit would need "
          + (stepsBefore + (long) config.epochs() * batches) + " (" + stepsBefore
          + " taken before + " + config.epochs() + " epochs x " + batches + " batches): "
          + schedule);
    }
    BatchPrefetch.Buffers buffers =
        new BatchPrefetch.Buffers(train, Math.min(batchSize, train.size()));
    List<EpochEvent> history = new ArrayList<>();
    for (int e = 0; e < config.epochs(); e++) {
      int epoch = epochsCompleted + 1;
      int[] order = train.epochOrder(config.shuffle(), config.seed(), epochsCompleted);
      double lossSum = 0;
      try (BatchPrefetch prefetch = new BatchPrefetch(train, order, batchSize, buffers)) {
        for (int b = 0; b < batches; b++) {
          int n = prefetch.next();
          ModelWeights weightsBefore = readWeights();
          ModelWeights optimizerBefore = readOptimizerState();
          String diverged = null;
          double loss;
          PackedBatch coreIn = coreInput(prefetch.input(n));
          batchDropout = DropoutMasks.of(core, n,
              new SequenceShape(coreIn.frames(), coreIn.frameShape()),
              DropoutMasks.batchSeed(config.seed(), epochsCompleted, b));
          try (TrainingStep step = trainingStep(coreIn, coreTarget(prefetch.target(n)),
              config.loss())) {
            loss = step.loss();
            if (!Double.isFinite(loss)) {
              diverged = "the loss is " + loss;
            } else {
              OptimizerSpec o = config.optimizer();
              long position = OptimizerState.iterations(optimizerBefore);
              step.apply(o.withLearningRate(schedule.learningRate(o.learningRate(), position)));
            }
          } finally {
            batchDropout = DropoutMasks.none();
          }
          if (diverged == null) {
            Optional<NonFiniteValue> bad = firstNonFiniteWeight();
            if (bad.isPresent()) {
              diverged = bad.get().tensor() + " holds " + bad.get().value() + " at flat index "
                  + bad.get().flatIndex() + " after the update";
            }
          }
          if (diverged != null) {
            writeOptimizerState(optimizerBefore);
            writeWeights(weightsBefore);
            throw new IllegalStateException("training diverged at epoch " + epoch + ", batch "
                + (b + 1) + ": " + diverged + "; the weights and optimizer state are back to "
                + "those from before this batch");
          }
          lossSum += loss * n;
          listener.onBatch(new BatchEvent(epoch, b + 1, batches, loss, since(start)));
        }
      }
      epochsCompleted++;
      if (e == config.epochs() - 1 && config.recalibrateBatchNorm()) {
        recalibrateBatchNorm(train, batchSize);
      }
      double val = validation.isEmpty() ? Double.NaN : meanLoss(validation, config.loss());
      EpochEvent event =
          new EpochEvent(epoch, lastEpoch, lossSum / train.size(), val, since(start));
      history.add(event);
      listener.onEpoch(event);
    }
    return new TrainingHistory(history);
  }

  private double meanLoss(TrainingData data, Loss loss) {
    int[] order = data.epochOrder(false, 0, 0);
    BatchBuffers buffers = buffers(data, Math.min(EVALUATION_BATCH, data.size()));
    double sum = 0;
    long count = 0;
    for (int from = 0; from < data.size(); from += EVALUATION_BATCH) {
      int n = Math.min(EVALUATION_BATCH, data.size() - from);
      buffers.pack(order, from, n);
      PackedBatch target = buffers.target(n);
      sum += lossSum(buffers.input(n), target, loss);
      count += target.size();  // a permutation keeps the count
    }
    return sum / count;
  }

  private void recalibrateBatchNorm(TrainingData train, int batchSize) {
    int[] order = train.epochOrder(false, 0, 0);
    BatchBuffers buffers = buffers(train, Math.min(batchSize, train.size()));
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    for (int i = 0; i < layers.size(); i++) {
      if (spec.batchNormAfter(i).isEmpty()) {
        continue;
      }
      int f = layers.get(i).filters();
      double[] meanSum = new double[f];
      double[] varSum = new double[f];
      for (int from = 0; from < train.size(); from += batchSize) {
        int n = Math.min(batchSize, train.size() - from);
        buffers.pack(order, from, n);
        double[][] stats = batchNormInputStatistics(buffers.input(n), i);
        for (int c = 0; c < f; c++) {
          meanSum[c] += stats[0][c] * n;
          varSum[c] += stats[1][c] * n;
        }
      }
      float[] mean = new float[f];
      float[] var = new float[f];
      for (int c = 0; c < f; c++) {
        mean[c] = (float) (meanSum[c] / train.size());
        var[c] = (float) (varSum[c] / train.size());
      }
      Map<String, Tensor> all = new LinkedHashMap<>(readWeights().asMap());
      all.put(ModelSpec.batchNormName(i, "moving_mean"), Tensor.of(new int[] {f}, mean));
      all.put(ModelSpec.batchNormName(i, "moving_variance"), Tensor.of(new int[] {f}, var));
      writeWeights(ModelWeights.of(all));
    }
  }

  @Override
  public final ModelWeights weights() {
    return guarded(this::readWeights);
  }

  @Override
  public final void setWeights(ModelWeights weights) {
    guarded(() -> {
      Objects.requireNonNull(weights, "weights");
      weights.requireCompatible(spec).requireFinite();
      writeWeights(weights);
      return null;
    });
  }

  @Override
  public final Checkpoint checkpoint() {
    return guarded(() ->
        new Checkpoint(spec, readWeights(), readOptimizerState(), epochsCompleted));
  }

  @Override
  public final void restore(Checkpoint checkpoint) {
    guarded(() -> {
      Objects.requireNonNull(checkpoint, "checkpoint");
      if (!checkpoint.spec().withSeed(spec.seed()).equals(spec)) {
        throw new IllegalArgumentException("checkpoint spec must equal this forecaster's spec "
            + "(the seed may differ): expected " + spec + ", got " + checkpoint.spec());
      }
      ModelWeights w = checkpoint.weights();
      w.requireCompatible(spec).requireFinite();
      OptimizerState.requireFits(checkpoint.optimizerState(), spec);
      writeOptimizerState(checkpoint.optimizerState());
      writeWeights(w);
      epochsCompleted = checkpoint.epochsCompleted();
      return null;
    });
  }

  @Override
  public final void save(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Checkpoint c = checkpoint();
    try {
      c.weights().requireFinite();
      OptimizerState.requireFits(c.optimizerState(), spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("refusing to save " + path + ": " + e.getMessage(), e);
    }
    Checkpoints.write(c, path);
  }

  @Override
  public final void close() {
    if (!inUse.tryLock()) {
      throw new IllegalStateException("this " + backendName
          + " forecaster is in use by another thread; close it after that call returns");
    }
    try {
      if (!closed) {
        closed = true;
        release();
      }
    } finally {
      inUse.unlock();
    }
  }

  @Override
  public String toString() {
    StringBuilder info = new StringBuilder();
    if (closed) {
      info.append("closed");
    } else {
      describeRuntime().forEach((k, v) ->
          info.append(info.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    }
    return getClass().getSimpleName() + "[backend=" + backendName + ", " + info + ", spec="
        + spec + ", epochsCompleted=" + epochsCompleted + "]";
  }

  // ================================================================ checks for subclasses

  /**
   * Runs a call as the only caller: refuses it when another thread is inside a call of this
   * forecaster, and when the forecaster is closed.
   *
   * @param call the call
   * @param <T> its result
   * @return its result
   */
  protected final <T> T guarded(Supplier<T> call) {
    if (!inUse.tryLock()) {
      throw new IllegalStateException("this " + backendName + " forecaster is in use by "
          + "another thread: a forecaster serves one caller at a time (create one per thread)");
    }
    try {
      checkOpen();
      return call.get();
    } finally {
      inUse.unlock();
    }
  }

  /**
   * Throws if closed.
   *
   * @throws IllegalStateException naming the backend
   */
  protected final void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this " + backendName + " forecaster is closed");
    }
  }

  /**
   * Validates one input sequence.
   *
   * @param s the sequence
   * @param what its name in messages
   * @return its output frame shape
   */
  protected final FrameShape checkInput(FrameSequence s, String what) {
    try {
      return spec.outputShape(new SequenceShape(s.frames(), s.frameShape())).frame();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Validates a batch: at least one sequence, one shape, fit for the spec.
   *
   * @param inputs the batch
   */
  protected final void checkBatch(List<FrameSequence> inputs) {
    checkInput(FrameSequence.requireUniformBatch(inputs, "inputs"), "inputs[0]");
  }

  /**
   * Validates targets against the network output for an input.
   *
   * @param input an input of the batch
   * @param targets one target per input
   */
  protected final void checkTargets(FrameSequence input, List<FrameSequence> targets) {
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

  /**
   * Validates recurrent states for a batch: one per ConvLSTM layer, each {@code [N, H', W', F]}
   * with the layer's output frame size and filters.
   *
   * @param state the states, in layer order
   * @param samples N, the sequences they go with
   * @param frame the input frame shape of those sequences
   * @throws IllegalArgumentException naming the layer, the expected and the actual shape
   */
  protected final void checkState(List<LayerState> state, int samples, FrameShape frame) {
    Objects.requireNonNull(state, "state");
    List<ConvLstmLayerSpec> layers = spec.convLstmLayers();
    if (state.size() != layers.size()) {
      throw new IllegalArgumentException("state must hold one (h, c) per ConvLSTM layer: "
          + layers.size() + " layers, got " + state.size() + " states");
    }
    FrameShape coreFrame = coreFrame(frame);
    int h = coreFrame.height();
    int w = coreFrame.width();
    for (int i = 0; i < layers.size(); i++) {
      ConvLstmLayerSpec l = layers.get(i);
      h = l.padding().outputSize(h, l.kernelHeight());
      w = l.padding().outputSize(w, l.kernelWidth());
      List<Integer> expected = List.of(samples, h, w, l.filters());
      LayerState s = Objects.requireNonNull(state.get(i), "state[" + i + "]");
      if (!s.shapeList().equals(expected)) {  // LayerState guarantees c's shape is h's
        throw new IllegalArgumentException("state[" + i + "] must be " + expected
            + " (layer " + i + "'s [N, H, W, F] for " + samples + " sequences of " + frame
            + " frames), got "
            + s.shapeList());
      }
    }
  }

  private String expectedTarget(FrameSequence input) {
    FrameShape out = spec.outputFrameShape(input.frameShape());
    return spec.outputFrames(input.frames()) + "x" + out;
  }

  private void checkDataset(TrainingData data, String what) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException(what + " must hold at least 1 sample, got 0");
    }
    SequenceShape in = data.inputShape();
    FrameShape out;
    try {
      out = spec.outputFrameShape(in.frame());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " input: " + e.getMessage(), e);
    }
    String expected = spec.outputFrames(in.frames()) + "x" + out;
    if (!data.targetShape().toString().equals(expected)) {
      throw new IllegalArgumentException(what + " targets must be " + expected
          + " (the network output for inputs " + in + "), got " + data.targetShape());
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private BatchBuffers buffers(TrainingData data, int capacity) {
    return new BatchBuffers(data, capacity);
  }

  /**
   * Reusable packing buffers for the batches of one dataset; the batches they hand out are
   * shaped for the core (patch layers applied into buffers of their own).
   */
  private final class BatchBuffers {
    private final TrainingData data;
    private final SequenceShape in0;
    private final SequenceShape out0;
    private final float[] inputs;
    private final float[] targets;

    BatchBuffers(TrainingData data, int capacity) {
      this.data = data;
      this.in0 = data.inputShape();
      this.out0 = data.targetShape();
      this.inputs = new float[Math.multiplyExact(capacity, in0.frames() * in0.frame().size())];
      this.targets =
          new float[Math.multiplyExact(capacity, out0.frames() * out0.frame().size())];
      this.coreInputs = inputPatches == null ? null : new float[inputs.length];
      this.coreTargets = outputPatches == null ? null : new float[targets.length];
    }

    private final float[] coreInputs;
    private final float[] coreTargets;

    void pack(int[] order, int from, int n) {
      data.packBatch(order, from, n, inputs, targets);
    }

    PackedBatch input(int n) {
      return coreInput(PackedBatch.adopt(n, in0.frames(), in0.frame(), inputs), inputs,
          coreInputs);
    }

    PackedBatch target(int n) {
      return coreTarget(PackedBatch.adopt(n, out0.frames(), out0.frame(), targets),
          targets, coreTargets);
    }
  }
}

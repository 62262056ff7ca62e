package io.github.convlstm4j.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A ConvLSTM model bound to one backend: inference, autoregressive forecasting, training and
 * weights. Obtain one from {@link Forecasters}.
 *
 * <p>Inputs are validated at every entry: a sequence whose channels differ from
 * {@link ModelSpec#inputChannels()}, whose frames are too small for VALID layers, an empty
 * list, a negative horizon or weights that do not fit the spec are rejected with an
 * {@link IllegalArgumentException} naming the expected and the actual value, and the
 * forecaster stays usable. {@link #close()} releases native resources; closing twice is
 * harmless; any other call after close throws {@link IllegalStateException}.
 *
 * <p>Threads: a forecaster serves one caller at a time. A call made while another thread is
 * inside a call of the same forecaster is refused with an {@link IllegalStateException} saying
 * so; it changes nothing and does not disturb the running call (use one forecaster per thread,
 * or take turns). Calls from the thread already inside, for example from a
 * {@link TrainingListener}, are allowed.
 */
public interface Forecaster extends AutoCloseable {

  /**
   * The name of the backend that runs this model ({@code reference}, {@code djl-pytorch}, …).
   *
   * @return the backend name
   */
  String backendName();

  /**
   * What runs this model, for logs, reports and benchmarks, so that callers need no backend
   * internals. Keys are stable lower-case words; every backend gives {@code backend} (its
   * name) and {@code threads}; the reference backend adds {@code kernel} (the matrix kernel,
   * for example {@code vector-512}) and {@code convolution} ({@code winograd} or
   * {@code direct}); the DJL backend adds {@code engine} (name and version), {@code device} and
   * {@code inputConvolution}.
   *
   * @return an unmodifiable map in a stable order
   */
  Map<String, String> runtimeInfo();

  /**
   * The architecture.
   *
   * @return the spec
   */
  ModelSpec spec();

  /**
   * The network output for one sequence, like Keras {@code model.predict} on a batch of one,
   * in inference mode (batch normalization uses its moving statistics).
   *
   * @param input {@code T × H × W × C_in}
   * @return {@code T' × H' × W' × C_out}, with {@code T' = T} when the last layer returns
   *     sequences, else 1; H', W' per {@link ModelSpec#outputFrameShape}
   */
  FrameSequence predict(FrameSequence input);

  /**
   * The network output for several sequences of one shape, computed as one batch.
   *
   * @param inputs at least one sequence, all of one shape
   * @return one output per input, in order; equal to calling {@link #predict(FrameSequence)}
   *     on each within the backend's stated tolerance
   */
  List<FrameSequence> predict(List<FrameSequence> inputs);

  /**
   * Autoregressive rollout: predict on the context, append the last output frame to the
   * sequence, and repeat {@code horizon} times. Needs an output frame shape equal to the input
   * frame shape. Computed on a {@link ForecastSession} (each layer's state carried, no history
   * re-run), equal to that definition up to floating-point rounding.
   *
   * @param context the frames seen, {@code T × H × W × C}
   * @param horizon frames to generate, at least 1; the rollout must fit in the heap (the
   *     context and the generated frames, twice over), else it is refused up front with an
   *     {@link IllegalArgumentException} naming the largest horizon that fits
   * @return the {@code horizon} generated frames
   * @throws UnsupportedOperationException if the model holds frame-wise layers
   *     ({@link ModelSpec#frameLayers()}), naming the first
   */
  FrameSequence forecast(FrameSequence context, int horizon);

  /**
   * Opens a streaming session of {@code streams} streams from zero states: push one frame per
   * stream at a time and read its output, roll out forecasts without changing the state. See
   * {@link ForecastSession} for what the outputs equal.
   *
   * @param streams N, at least 1
   * @return the session, open
   * @throws UnsupportedOperationException if the model holds frame-wise layers
   *     ({@link ModelSpec#frameLayers()}), naming the first
   */
  ForecastSession openSession(int streams);

  /**
   * Opens a session from an exported state (of this model, on any backend).
   *
   * @param state from {@link ForecastSession#state()}
   * @return the session, open
   * @throws IllegalArgumentException naming every missing, extra or mis-shaped tensor
   * @throws UnsupportedOperationException if the model holds frame-wise layers
   */
  ForecastSession openSession(SessionState state);

  /**
   * Trains on a dataset, in the heap or windows over a file. The validation part is
   * {@code data.split(config.validationSplit())}: the last {@code validationSplit} of the data
   * (before shuffling). Batches are packed on a background thread while the previous batch
   * trains; the result is the same as packing them in turn. Optimizer state persists across
   * calls, so two calls of n epochs equal one call of 2n with the same seeds.
   *
   * @param data training pairs; target shapes must equal the network output shapes
   * @param config training settings
   * @param listener progress receiver, {@link TrainingListener#NONE} for none
   * @return the per-epoch history
   * @throws IllegalStateException if a loss or a weight becomes NaN or infinite, naming the
   *     epoch, the batch and the value; the weights, moving statistics and optimizer state are
   *     then those from before the failing batch
   * @throws UnsupportedOperationException if the model holds inference-only layers
   *     ({@link ModelSpec#inferenceOnlyLayers()}: Conv2DTranspose, LayerNormalization, batch
   *     normalization after a frame-wise layer), naming the first; a backend that cannot
   *     train at all says so through its provider's capabilities and throws
   *     {@link IllegalStateException} here. ConvLSTM dropout and recurrent dropout train with
   *     Keras' masks (see {@link io.github.convlstm4j.spi.DropoutMasks}), seeded from the
   *     config's seed, the epoch and the batch
   */
  TrainingHistory fit(TrainingData data, TrainingConfig config, TrainingListener listener);

  /**
   * Trains on an in-heap dataset: {@link #fit(TrainingData, TrainingConfig, TrainingListener)}.
   *
   * @param data training pairs; target shapes must equal the network output shapes
   * @param config training settings
   * @param listener progress receiver, {@link TrainingListener#NONE} for none
   * @return the per-epoch history
   */
  default TrainingHistory fit(SequenceDataset data, TrainingConfig config,
      TrainingListener listener) {
    return fit((TrainingData) data, config, listener);
  }

  /**
   * Mean loss over a dataset, in inference mode.
   *
   * @param data pairs whose targets match the network output shapes
   * @param loss the loss to measure
   * @return the mean of the loss over all elements of all samples
   */
  double evaluate(TrainingData data, Loss loss);

  /**
   * Mean loss over an in-heap dataset: {@link #evaluate(TrainingData, Loss)}.
   *
   * @param data pairs whose targets match the network output shapes
   * @param loss the loss to measure
   * @return the mean of the loss over all elements of all samples
   */
  default double evaluate(SequenceDataset data, Loss loss) {
    return evaluate((TrainingData) data, loss);
  }

  /**
   * The current weights in Keras names and layouts.
   *
   * @return a snapshot
   */
  ModelWeights weights();

  /**
   * Replaces all weights.
   *
   * @param weights weights that fit {@link #spec()} exactly, all finite
   * @throws IllegalArgumentException listing every missing, extra or mis-shaped tensor
   */
  void setWeights(ModelWeights weights);

  /**
   * The spec, weights, optimizer state and epoch count, enough to resume training.
   *
   * @return a snapshot
   */
  Checkpoint checkpoint();

  /**
   * Restores weights, optimizer state and epoch count from a checkpoint of the same spec
   * (the seed may differ).
   *
   * @param checkpoint the checkpoint
   */
  void restore(Checkpoint checkpoint);

  /**
   * Saves {@link #checkpoint()} as a NumPy {@code .npz}, atomically: a temporary file in the
   * same folder is written and then moved over {@code path}, so an existing file is never left
   * damaged.
   *
   * @param path the target file
   * @throws IOException if writing fails
   * @throws IllegalStateException if the weights or optimizer state could not be loaded back
   *     (never written)
   */
  void save(Path path) throws IOException;

  /**
   * Releases resources. Idempotent.
   */
  @Override
  void close();
}

package io.github.convlstm4j.api;

import java.util.List;

/**
 * A live view of one or more streams (a batch of N sequences advanced together): push one new
 * frame per stream, read that step's output, roll out forecasts from the current state without
 * changing it. Obtain one from {@link Forecaster#openSession(int)} or
 * {@link Forecaster#openSession(SessionState)}.
 *
 * <p><b>Exact.</b> After frames {@code x_0 … x_t} have been pushed, {@link #lastOutputs()}
 * equals the last output frame of {@link Forecaster#predict} on the whole sequence
 * {@code x_0 … x_t}, and {@link #forecast(int)} equals {@link Forecaster#forecast} on it, up to
 * floating-point rounding (the session carries each ConvLSTM layer's state instead of
 * re-running history). With a Conv3D head of SAME time padding, the definition's last output
 * frame sees zero padding after the last frame; so does a pushed step's output: it is the
 * output the model gives when that frame is the last one it has seen, not the (denoised)
 * output it would give frame t once frame t+1 has arrived.
 *
 * <p>A session belongs to its forecaster and shares its one-caller-at-a-time rule; it keeps
 * only Java memory. Sessions are not thread-safe. Closing the forecaster makes its sessions
 * unusable.
 */
public interface ForecastSession extends AutoCloseable {

  /**
   * Number of streams.
   *
   * @return N, at least 1
   */
  int streams();

  /**
   * Frames pushed so far (per stream), including those of an imported state.
   *
   * @return the count
   */
  long framesSeen();

  /**
   * Pushes one new frame into every stream.
   *
   * @param frames one sequence of 1 frame per stream, in stream order, all of one shape (and of
   *     the shape of earlier frames); finite
   * @return each stream's output for this step, 1 frame each (for an encoder–forecaster,
   *     {@link ModelSpec#encoderForecaster()}, the first forecast frame from the encoder's new
   *     state)
   * @throws IllegalArgumentException for a wrong count, frame count, shape or channels, naming
   *     the expected and the actual value; the session is unchanged
   */
  List<FrameSequence> push(List<FrameSequence> frames);

  /**
   * Pushes the frames of one sequence per stream, in order, as consecutive pushes would (the
   * outputs of all but the last are not returned).
   *
   * @param sequences one sequence per stream, all of one shape
   * @return each stream's output after its last frame, 1 frame each
   * @throws IllegalArgumentException as {@link #push}
   */
  List<FrameSequence> pushAll(List<FrameSequence> sequences);

  /**
   * Each stream's output after the last pushed frame.
   *
   * @return one 1-frame sequence per stream
   * @throws IllegalStateException before the first push
   */
  List<FrameSequence> lastOutputs();

  /**
   * Rolls out {@code horizon} frames per stream from the current state without changing it:
   * the first is {@link #lastOutputs()}, each next one the output after pushing the previous.
   * Needs output frames shaped like input frames. For an encoder–forecaster
   * ({@link ModelSpec#encoderForecaster()}) the forecasting network unrolls {@code horizon}
   * steps from the current encoder state instead (past the model's horizon too; the first frame
   * is still {@link #lastOutputs()}).
   *
   * @param horizon frames per stream, at least 1
   * @return one sequence of {@code horizon} frames per stream
   * @throws IllegalArgumentException for a horizon below 1 or output frames shaped unlike the
   *     input; {@link IllegalStateException} before the first push
   */
  List<FrameSequence> forecast(int horizon);

  /**
   * An independent copy: pushes into either leave the other unchanged.
   *
   * @return the copy, open
   */
  ForecastSession fork();

  /**
   * The state, as named tensors in Keras layouts (see {@link SessionState}).
   *
   * @return a snapshot
   */
  SessionState state();

  /** Releases the session. Idempotent; other calls afterwards throw IllegalStateException. */
  @Override
  void close();
}

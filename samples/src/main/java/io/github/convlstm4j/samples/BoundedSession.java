package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The session of {@code convlstm4j stream}, with an optional bound on the history its forecasts
 * come from ({@code --history N}): once the session has seen N frames, the next push starts a
 * new session from the last {@code N / 2} frames (pushed again) and then pushes the new frame,
 * so every forecast comes from the last {@code N / 2 + 1} to N frames. A model trained on short
 * movies drifts on long feeds (its state has never run that long); this keeps it within the
 * lengths it knows, at the cost of re-pushing {@code N / 2} frames every {@code N / 2 + 1}.
 * With N = 0 the session runs over the whole feed.
 */
final class BoundedSession implements AutoCloseable {

  private final Forecaster forecaster;
  private final int history;
  private final Deque<FrameSequence> recent = new ArrayDeque<>();
  private ForecastSession session;

  /**
   * Opens the session.
   *
   * @param forecaster the model
   * @param history the bound N, 0 for none
   */
  BoundedSession(Forecaster forecaster, int history) {
    this.forecaster = forecaster;
    this.history = history;
    this.session = forecaster.openSession(1);
  }

  /**
   * Pushes one frame, into a new session first filled with the last {@code N / 2} frames when
   * the bound is reached. If the push is refused, nothing changes.
   *
   * @param frame one checked frame
   * @return the frames pushed again into a new session before this one, 0 if none was started
   * @throws IllegalArgumentException as {@link ForecastSession#push}
   */
  int push(FrameSequence frame) {
    if (history == 0 || session.framesSeen() < history) {
      session.push(List.of(frame));
      remember(frame);
      return 0;
    }
    List<FrameSequence> keep = new ArrayList<>(recent).subList(recent.size() - history / 2,
        recent.size());
    ForecastSession fresh = forecaster.openSession(1);
    try {
      if (!keep.isEmpty()) {
        fresh.pushAll(List.of(FrameSequence.concat(keep)));
      }
      fresh.push(List.of(frame));
    } catch (RuntimeException e) {
      fresh.close();
      throw e;
    }
    session.close();
    session = fresh;
    remember(frame);
    return keep.size();
  }

  private void remember(FrameSequence frame) {
    if (history > 0) {
      recent.addLast(frame);
      if (recent.size() > history) {
        recent.removeFirst();
      }
    }
  }

  /** The forecast from the current state, which it leaves unchanged. */
  FrameSequence forecast(int horizon) {
    return session.forecast(horizon).get(0);
  }

  @Override
  public void close() {
    session.close();
  }
}

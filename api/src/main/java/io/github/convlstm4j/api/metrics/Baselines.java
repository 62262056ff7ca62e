package io.github.convlstm4j.api.metrics;

import io.github.convlstm4j.api.FrameSequence;
import java.util.Objects;

/** Forecasts that need no model, to put a model's scores in context. */
public final class Baselines {

  private Baselines() {}

  /**
   * Persistence: "nothing moves". The last context frame, clipped to [0, 1], repeated {@code
   * horizon} times. The clip removes the noise of the moving-squares input (which can hold
   * -0.1) so the baseline is a valid image like the clean targets; values inside [0, 1] are
   * kept as they are.
   *
   * @param context the frames seen so far, at least one
   * @param horizon frames to forecast, at least 1
   * @return {@code horizon} copies of the clipped last frame
   * @throws IllegalArgumentException if {@code horizon < 1}
   */
  public static FrameSequence persistence(FrameSequence context, int horizon) {
    Objects.requireNonNull(context, "context");
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    float[] last = context.lastFrame().toArray();
    for (int i = 0; i < last.length; i++) {
      last[i] = Math.min(1f, Math.max(0f, last[i]));
    }
    int n = last.length;
    long total = (long) n * horizon;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("horizon " + horizon + " times a frame of " + n
          + " values must be at most " + Integer.MAX_VALUE + " values, got " + total);
    }
    float[] out = new float[(int) total];
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(last, 0, out, t * n, n);
    }
    return FrameSequence.of(horizon, context.frameShape(), out);
  }
}

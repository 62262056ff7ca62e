package io.github.convlstm4j.api;

/** Padding of the Conv3D head along time. */
public enum TimePadding {
  /**
   * Keras {@code padding="same"}: output frame t sees hidden frames around t, including later
   * ones, so it has seen later inputs.
   */
  SAME,
  /** Pads only before ({@code kernelT - 1} zero frames): no output sees a later input. */
  CAUSAL;

  /**
   * Zero frames added before the first frame.
   *
   * @param kernel kernel size along time
   * @return frames added before
   */
  public int before(int kernel) {
    return this == SAME ? (kernel - 1) / 2 : kernel - 1;
  }

  /**
   * Zero frames added after the last frame.
   *
   * @param kernel kernel size along time
   * @return frames added after
   */
  public int after(int kernel) {
    return this == SAME ? (kernel - 1) - (kernel - 1) / 2 : 0;
  }
}

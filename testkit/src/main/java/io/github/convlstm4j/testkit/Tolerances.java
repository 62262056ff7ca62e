package io.github.convlstm4j.testkit;

/**
 * Every numerical tolerance the {@link BackendConformanceKit} uses, in one place. A value
 * {@code actual} is accepted against {@code expected} when
 * {@code |actual - expected| <= absolute + relative * |expected|}.
 *
 * <p>The defaults ({@link #defaults()}) suit a float32 backend on the tiny models the kit uses
 * (at most 2 layers, 4 filters, 8×8 frames, 4 steps). An adopter whose backend legitimately
 * differs more (for example a GPU with TF32 matrix multiplies) overrides
 * {@link BackendConformanceKit#tolerances()} and should say why in a comment.
 *
 * @param forwardAbsolute absolute part for network outputs, per element (default 1e-5)
 * @param forwardRelative relative part for network outputs, per element (default 1e-5)
 * @param lossAbsolute absolute part for losses from {@code evaluate} and training events
 *     (default 1e-6)
 * @param lossRelative relative part for losses (default 1e-5)
 * @param stepAbsolute absolute part for weights after one optimizer step, per element
 *     (default 1e-5)
 * @param stepRelative relative part for weights after one optimizer step, per element (default
 *     1e-4)
 * @param repeatAbsolute largest allowed difference between two runs of the same backend on the
 *     same weights and input (default 0: bitwise identical)
 */
public record Tolerances(
    double forwardAbsolute,
    double forwardRelative,
    double lossAbsolute,
    double lossRelative,
    double stepAbsolute,
    double stepRelative,
    double repeatAbsolute) {

  /**
   * Validates that every tolerance is finite and not negative.
   *
   * @param forwardAbsolute absolute part for network outputs
   * @param forwardRelative relative part for network outputs
   * @param lossAbsolute absolute part for losses
   * @param lossRelative relative part for losses
   * @param stepAbsolute absolute part for weights after one optimizer step
   * @param stepRelative relative part for weights after one optimizer step
   * @param repeatAbsolute largest difference between two identical runs
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public Tolerances {
    requireNonNegative("forwardAbsolute", forwardAbsolute);
    requireNonNegative("forwardRelative", forwardRelative);
    requireNonNegative("lossAbsolute", lossAbsolute);
    requireNonNegative("lossRelative", lossRelative);
    requireNonNegative("stepAbsolute", stepAbsolute);
    requireNonNegative("stepRelative", stepRelative);
    requireNonNegative("repeatAbsolute", repeatAbsolute);
  }

  /**
   * The documented defaults: forward 1e-5 absolute + 1e-5 relative per element, loss 1e-6
   * absolute + 1e-5 relative, weights after one step 1e-5 absolute + 1e-4 relative, repeated
   * runs bitwise identical.
   *
   * @return the defaults
   */
  public static Tolerances defaults() {
    return new Tolerances(1e-5, 1e-5, 1e-6, 1e-5, 1e-5, 1e-4, 0.0);
  }

  /**
   * A copy with other forward tolerances.
   *
   * @param absolute absolute part
   * @param relative relative part
   * @return the copy
   */
  public Tolerances withForward(double absolute, double relative) {
    return new Tolerances(absolute, relative, lossAbsolute, lossRelative, stepAbsolute,
        stepRelative, repeatAbsolute);
  }

  /**
   * A copy with other loss tolerances.
   *
   * @param absolute absolute part
   * @param relative relative part
   * @return the copy
   */
  public Tolerances withLoss(double absolute, double relative) {
    return new Tolerances(forwardAbsolute, forwardRelative, absolute, relative, stepAbsolute,
        stepRelative, repeatAbsolute);
  }

  /**
   * A copy with other tolerances for weights after an optimizer step.
   *
   * @param absolute absolute part
   * @param relative relative part
   * @return the copy
   */
  public Tolerances withStep(double absolute, double relative) {
    return new Tolerances(forwardAbsolute, forwardRelative, lossAbsolute, lossRelative,
        absolute, relative, repeatAbsolute);
  }

  /**
   * A copy with another tolerance for repeated runs.
   *
   * @param absolute largest allowed difference, 0 for bitwise identical
   * @return the copy
   */
  public Tolerances withRepeat(double absolute) {
    return new Tolerances(forwardAbsolute, forwardRelative, lossAbsolute, lossRelative,
        stepAbsolute, stepRelative, absolute);
  }

  /**
   * Whether {@code actual} is within the forward tolerance of {@code expected}.
   *
   * @param expected the oracle's value
   * @param actual the backend's value
   * @return true if accepted
   */
  public boolean forwardAccepts(double expected, double actual) {
    return accepts(expected, actual, forwardAbsolute, forwardRelative);
  }

  /**
   * Whether {@code actual} is within the loss tolerance of {@code expected}.
   *
   * @param expected the oracle's value
   * @param actual the backend's value
   * @return true if accepted
   */
  public boolean lossAccepts(double expected, double actual) {
    return accepts(expected, actual, lossAbsolute, lossRelative);
  }

  /**
   * Whether {@code actual} is within the after-step tolerance of {@code expected}.
   *
   * @param expected the oracle's value
   * @param actual the backend's value
   * @return true if accepted
   */
  public boolean stepAccepts(double expected, double actual) {
    return accepts(expected, actual, stepAbsolute, stepRelative);
  }

  private static boolean accepts(double expected, double actual, double abs, double rel) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return false;
    }
    return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
  }

  private static void requireNonNegative(String name, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
  }
}

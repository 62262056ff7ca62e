package io.github.convlstm4j.api.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The per-step result of a {@link ScoreAccumulator}: immutable.
 *
 * @param config what was computed
 * @param steps one entry per step 1 … {@code config.horizon()}, in order
 */
public record ScoreTable(ScoreConfig config, List<StepScores> steps) {

  /**
   * Copies the list and checks it has one entry per step.
   *
   * @param config see the record description
   * @param steps see the record description
   * @throws IllegalArgumentException if the step count differs from the horizon
   */
  public ScoreTable {
    Objects.requireNonNull(config, "config");
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    if (steps.size() != config.horizon()) {
      throw new IllegalArgumentException("steps must hold " + config.horizon()
          + " entries (the horizon), got " + steps.size());
    }
  }

  /**
   * One step.
   *
   * @param step 1-based
   * @return its scores
   * @throws IndexOutOfBoundsException unless {@code 1 <= step <= horizon}
   */
  public StepScores step(int step) {
    if (step < 1 || step > steps.size()) {
      throw new IndexOutOfBoundsException(
          "step must be in [1, " + steps.size() + "], got " + step);
    }
    return steps.get(step - 1);
  }
}

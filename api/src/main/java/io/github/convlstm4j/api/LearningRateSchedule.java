package io.github.convlstm4j.api;

/**
 * How the learning rate changes from one optimizer step to the next, stepped per batch. The
 * position in the schedule is the number of optimizer updates taken so far, which the optimizer
 * state records ({@link OptimizerState#iterations}): a checkpoint therefore carries it, and a
 * restored forecaster continues the schedule exactly where the saved one stopped.
 *
 * <p>The rate of update number {@code step} (0-based: the first update of a fresh model is step
 * 0) is {@link #learningRate(double, long)}; the base rate is the optimizer's
 * {@link OptimizerSpec#learningRate()}. A bounded schedule ({@link #totalSteps()} &gt; 0) covers
 * steps {@code 0 … totalSteps-1}; {@code fit} refuses, before any update, to run past it.
 *
 * <p>Three kinds: {@link Constant} (the base rate throughout), {@link OneCycle} (PyTorch
 * {@code OneCycleLR}) and {@link Cosine} (PyTorch {@code CosineAnnealingLR}).
 */
public sealed interface LearningRateSchedule
    permits LearningRateSchedule.Constant, LearningRateSchedule.OneCycle,
        LearningRateSchedule.Cosine {

  /**
   * The learning rate of one update.
   *
   * @param base the optimizer's learning rate
   * @param step the number of updates taken before this one, in {@code [0, totalSteps())} for a
   *     bounded schedule, at least 0 otherwise
   * @return the rate, positive for a positive base
   * @throws IllegalArgumentException for a step outside the schedule, naming both
   */
  double learningRate(double base, long step);

  /**
   * The number of updates the schedule covers.
   *
   * @return at least 1 for a bounded schedule, 0 for an unbounded one ({@link Constant})
   */
  long totalSteps();

  /**
   * The optimizer's learning rate at every step.
   *
   * @return the constant schedule
   */
  static LearningRateSchedule constant() {
    return new Constant();
  }

  /**
   * PyTorch {@code OneCycleLR} with its defaults: cosine annealing, {@code pct_start} 0.3,
   * {@code div_factor} 25, {@code final_div_factor} 1e4.
   *
   * @param maxLearningRate the peak rate
   * @param totalSteps the updates of the whole run, usually
   *     {@link TrainingConfig#totalSteps(SequenceDataset)}
   * @return the schedule
   * @throws IllegalArgumentException for a bad rate or step count, naming the value
   */
  static OneCycle oneCycle(double maxLearningRate, long totalSteps) {
    return new OneCycle(maxLearningRate, totalSteps, 0.3, 25.0, 1e4);
  }

  /**
   * PyTorch {@code CosineAnnealingLR} with {@code T_max = totalSteps} and {@code eta_min} 0.
   *
   * @param totalSteps the updates of the whole run
   * @return the schedule
   * @throws IllegalArgumentException for a step count below 1
   */
  static Cosine cosine(long totalSteps) {
    return new Cosine(totalSteps, 0.0);
  }

  /** The optimizer's learning rate at every step; unbounded. */
  record Constant() implements LearningRateSchedule {

    /**
     * {@inheritDoc}
     *
     * @return {@code base}
     */
    @Override
    public double learningRate(double base, long step) {
      if (step < 0) {
        throw new IllegalArgumentException("step must be at least 0, got " + step);
      }
      return base;
    }

    /**
     * {@inheritDoc}
     *
     * @return 0: unbounded
     */
    @Override
    public long totalSteps() {
      return 0;
    }
  }

  /**
   * The 1cycle policy of PyTorch's {@code torch.optim.lr_scheduler.OneCycleLR}
   * (https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.OneCycleLR.html),
   * two phases ({@code three_phase=False}), cosine annealing ({@code anneal_strategy='cos'}).
   * The base rate is ignored. With {@code initial = maxLearningRate/divFactor},
   * {@code min = initial/finalDivFactor}, {@code e1 = pctStart·totalSteps - 1} and
   * {@code e2 = totalSteps - 1}, and {@code cos(a, b, x) = b + (a-b)/2·(1 + cos(π·x))}:
   *
   * <ul>
   *   <li>{@code step ≤ e1}: {@code cos(initial, max, step/e1)} (rising);
   *   <li>otherwise {@code cos(max, min, (step - e1)/(e2 - e1))} (falling).
   * </ul>
   *
   * So step 0 uses {@code initial}, the rate peaks near step {@code pctStart·totalSteps - 1} and
   * the last step ({@code totalSteps - 1}) uses {@code min}. Where a phase has no length (PyTorch
   * then divides by zero) its end rate is used.
   *
   * <p>Not done: PyTorch's default {@code cycle_momentum=True} also cycles SGD momentum or Adam's
   * {@code beta1} between 0.85 and 0.95 inversely to the rate; here {@code beta1} and the
   * momentum stay as the optimizer spec sets them (PyTorch's {@code cycle_momentum=False}).
   *
   * @param maxLearningRate the peak rate, positive and finite
   * @param totalSteps the updates of the whole run, at least 1
   * @param pctStart fraction of the steps spent rising, in (0, 1)
   * @param divFactor {@code initial = maxLearningRate/divFactor}, positive and finite
   * @param finalDivFactor {@code min = initial/finalDivFactor}, positive and finite
   */
  record OneCycle(double maxLearningRate, long totalSteps, double pctStart, double divFactor,
      double finalDivFactor) implements LearningRateSchedule {

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the bad field, what it must be and its value
     */
    public OneCycle {
      if (!(maxLearningRate > 0) || !Double.isFinite(maxLearningRate)) {
        throw new IllegalArgumentException(
            "maxLearningRate must be positive and finite, got " + maxLearningRate);
      }
      if (totalSteps < 1) {
        throw new IllegalArgumentException("a one-cycle schedule needs its total number of "
            + "optimizer steps (epochs x batches per epoch, see TrainingConfig.totalSteps): "
            + "totalSteps must be at least 1, got " + totalSteps);
      }
      if (!(pctStart > 0 && pctStart < 1)) {
        throw new IllegalArgumentException("pctStart must be in (0, 1), got " + pctStart);
      }
      if (!(divFactor > 0) || !Double.isFinite(divFactor)) {
        throw new IllegalArgumentException(
            "divFactor must be positive and finite, got " + divFactor);
      }
      if (!(finalDivFactor > 0) || !Double.isFinite(finalDivFactor)) {
        throw new IllegalArgumentException(
            "finalDivFactor must be positive and finite, got " + finalDivFactor);
      }
    }

    /**
     * {@inheritDoc}
     *
     * @return the 1cycle rate of {@code step}; {@code base} is ignored
     */
    @Override
    public double learningRate(double base, long step) {
      requireStep(step, totalSteps, "one-cycle");
      double initial = maxLearningRate / divFactor;
      double min = initial / finalDivFactor;
      double e1 = pctStart * totalSteps - 1;
      double e2 = totalSteps - 1;
      if (step <= e1) {
        return anneal(initial, maxLearningRate, step, 0, e1);
      }
      return anneal(maxLearningRate, min, step, e1, e2);
    }

    private static double anneal(double from, double to, long step, double start, double end) {
      double pct = end > start ? (step - start) / (end - start) : 1.0;
      return to + (from - to) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
  }

  /**
   * PyTorch's {@code torch.optim.lr_scheduler.CosineAnnealingLR}
   * (https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html)
   * in its closed form, with {@code T_max = totalSteps}, {@code η_max} the base rate and
   * {@code η_min = minLearningRate}:
   * {@code η(step) = η_min + (η_max - η_min)·(1 + cos(π·step / totalSteps))/2}. Step 0 uses the
   * base rate; the last step ({@code totalSteps - 1}) a rate just above {@code η_min}. PyTorch
   * lets the rate rise again past {@code T_max}; this schedule ends there instead ({@code fit}
   * refuses to run past it).
   *
   * @param totalSteps {@code T_max}: the updates of the whole run, at least 1
   * @param minLearningRate {@code η_min}, finite and at least 0
   */
  record Cosine(long totalSteps, double minLearningRate) implements LearningRateSchedule {

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the bad field, what it must be and its value
     */
    public Cosine {
      if (totalSteps < 1) {
        throw new IllegalArgumentException("a cosine schedule needs its total number of "
            + "optimizer steps (epochs x batches per epoch, see TrainingConfig.totalSteps): "
            + "totalSteps must be at least 1, got " + totalSteps);
      }
      if (!(minLearningRate >= 0) || !Double.isFinite(minLearningRate)) {
        throw new IllegalArgumentException(
            "minLearningRate must be finite and at least 0, got " + minLearningRate);
      }
    }

    /**
     * {@inheritDoc}
     *
     * @return the cosine-annealed rate of {@code step} from {@code base}
     */
    @Override
    public double learningRate(double base, long step) {
      requireStep(step, totalSteps, "cosine");
      return minLearningRate
          + (base - minLearningRate) * (1 + Math.cos(Math.PI * step / totalSteps)) / 2;
    }
  }

  private static void requireStep(long step, long total, String kind) {
    if (step < 0 || step >= total) {
      throw new IllegalArgumentException("the " + kind + " schedule covers steps 0 to "
          + (total - 1) + ", got step " + step);
    }
  }
}

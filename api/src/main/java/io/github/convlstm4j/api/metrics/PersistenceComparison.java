package io.github.convlstm4j.api.metrics;

import io.github.convlstm4j.api.FrameSequence;
import java.io.Serializable;
import java.util.Collections;
import java.util.Objects;

/**
 * A model's scores always next to persistence's: two {@link ScoreAccumulator}s of one config
 * fed together. {@link #add(FrameSequence, FrameSequence, FrameSequence)} takes the context the
 * model saw, the truth that followed it and the model's forecast, builds the persistence
 * forecast from the context and scores both against the truth. Mergeable and serializable
 * like the accumulators (merging is exact, see {@link ScoreAccumulator}).
 *
 * <p>Persistence is the last context frame repeated. {@link #clipped(ScoreConfig)} clips it to
 * [0, 1] first, as {@link Baselines#persistence} (for frames in [0, 1] whose inputs may carry
 * noise outside, such as moving squares); {@link #asIs(ScoreConfig)} repeats it unchanged (for
 * data in the user's units, such as rain rates).
 */
public final class PersistenceComparison implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Both tables.
   *
   * @param model the model's scores
   * @param persistence persistence's scores on the same pairs
   */
  public record Result(ScoreTable model, ScoreTable persistence) {
    /**
     * Checks both are present.
     *
     * @param model see the record description
     * @param persistence see the record description
     */
    public Result {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(persistence, "persistence");
    }
  }

  private final boolean clip;
  private final ScoreAccumulator model;
  private final ScoreAccumulator persistence;

  private PersistenceComparison(ScoreConfig config, boolean clip) {
    this.clip = clip;
    this.model = new ScoreAccumulator(config);
    this.persistence = new ScoreAccumulator(config);
  }

  /**
   * Persistence clipped to [0, 1], as {@link Baselines#persistence}.
   *
   * @param config what to compute, for both
   * @return an empty comparison
   */
  public static PersistenceComparison clipped(ScoreConfig config) {
    return new PersistenceComparison(config, true);
  }

  /**
   * Persistence as the last context frame unchanged.
   *
   * @param config what to compute, for both
   * @return an empty comparison
   */
  public static PersistenceComparison asIs(ScoreConfig config) {
    return new PersistenceComparison(config, false);
  }

  /**
   * Whether persistence is clipped to [0, 1].
   *
   * @return true for {@link #clipped}
   */
  public boolean clipsPersistence() {
    return clip;
  }

  /**
   * Scores one forecast and persistence.
   *
   * @param context the frames the model saw, at least one, same frame shape as the truth
   * @param truth the frames that followed, 1 … horizon
   * @param prediction the model's forecast, the shape of {@code truth}
   * @return this comparison
   * @throws IllegalArgumentException as {@link ScoreAccumulator#add}, or if the context's frame
   *     shape differs from the truth's; nothing is counted then
   */
  public PersistenceComparison add(FrameSequence context, FrameSequence truth,
      FrameSequence prediction) {
    Objects.requireNonNull(context, "context");
    Metrics.requireSameShape(prediction, truth);
    if (!context.frameShape().equals(truth.frameShape())) {
      throw new IllegalArgumentException("context frames must be " + truth.frameShape()
          + " like the truth, got " + context.frameShape());
    }
    FrameSequence base = clip ? Baselines.persistence(context, truth.frames())
        : FrameSequence.concat(Collections.nCopies(truth.frames(), context.lastFrame()));
    // The model's pair is checked fully (horizon, frame shape) before either is counted.
    model.check(prediction, truth);
    model.add(prediction, truth);
    persistence.add(base, truth);
    return this;
  }

  /**
   * Adds another comparison's totals (exact; the other is unchanged).
   *
   * @param other a comparison of an equal config and the same persistence kind
   * @return this comparison
   * @throws IllegalArgumentException if configs, frame shapes or persistence kinds differ
   */
  public PersistenceComparison merge(PersistenceComparison other) {
    Objects.requireNonNull(other, "other");
    if (other.clip != clip) {
      throw new IllegalArgumentException("can merge only comparisons of one persistence: "
          + "expected " + (clip ? "clipped" : "as is") + ", got "
          + (other.clip ? "clipped" : "as is"));
    }
    if (!model.config().equals(other.model.config())) {
      throw new IllegalArgumentException("can merge only comparisons of the same config: "
          + "expected " + model.config() + ", got " + other.model.config());
    }
    // Check the frame shape on a probe first so a refused merge changes neither accumulator.
    if (model.frameShape() != null && other.model.frameShape() != null
        && !model.frameShape().equals(other.model.frameShape())) {
      throw new IllegalArgumentException("merged frames must be " + model.frameShape()
          + " like the frames scored before, got " + other.model.frameShape());
    }
    model.merge(other.model);
    persistence.merge(other.persistence);
    return this;
  }

  /**
   * The model's and persistence's scores so far.
   *
   * @return both tables
   */
  public Result result() {
    return new Result(model.result(), persistence.result());
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.metrics.Baselines;
import io.github.convlstm4j.api.metrics.Metrics;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Forecast quality on movies the model has not trained on, as the design prescribes: feed the
 * first {@code context} noisy frames, roll out {@code steps} frames (a streaming session of
 * {@value #ROLLOUT_BATCH} movies at a time, what {@link Forecaster#forecast} does for one), and
 * score each step against the movie's <em>clean</em> frames
 * {@code context … context+steps-1}, next to persistence (the last context frame clipped to
 * [0, 1], repeated). Per-position outputs of {@code predict} are never scored here.
 *
 * @param movies movies scored
 * @param context context frames fed
 * @param modelMse mean MSE per step over the movies
 * @param persistenceMse the same for persistence
 * @param modelMae mean absolute error per step
 * @param persistenceMae the same for persistence
 * @param modelSsim mean SSIM per step
 * @param persistenceSsim the same for persistence
 * @param crossCheck largest difference between the batched rollout of the first movie and
 *     {@link Forecaster#forecast} of it (float rounding only)
 */
record HeldOutEvaluation(int movies, int context, double[] modelMse, double[] persistenceMse,
    double[] modelMae, double[] persistenceMae, double[] modelSsim, double[] persistenceSsim,
    double crossCheck) {

  /** Movies rolled out together, as the streams of one session. */
  static final int ROLLOUT_BATCH = 25;
  /** Largest expected difference between batched and one-by-one rollouts. */
  static final double CROSS_CHECK_TOLERANCE = 1e-3;

  /** The quality bar of the default demo: step-1 MSE at most this fraction of persistence's. */
  static final double STEP1_RATIO_BAR = 0.5;

  /**
   * Scores a forecaster.
   *
   * @param f the trained model
   * @param heldOut movies never trained on
   * @param context context frames, at least 1
   * @param steps steps to roll out and score, at least 1, {@code context + steps <= frames}
   */
  static HeldOutEvaluation run(Forecaster f, Movies heldOut, int context, int steps) {
    return run(f, heldOut, context, steps, null);
  }

  /**
   * Scores a forecaster and, if {@code scores} is given, also adds every (context, clean
   * truth, forecast) to it, from the same rollout.
   */
  static HeldOutEvaluation run(Forecaster f, Movies heldOut, int context, int steps,
      PersistenceComparison scores) {
    return run(f, heldOut, context, steps, scores, Normalization.NONE);
  }

  /**
   * {@link #run(Forecaster, Movies, int, int, PersistenceComparison)} of a model trained on
   * normalized frames: contexts normalized before, forecasts inverted after (see
   * {@link #rollout(Forecaster, List, int, Normalization)}), so every score is in the movies'
   * own units.
   */
  static HeldOutEvaluation run(Forecaster f, Movies heldOut, int context, int steps,
      PersistenceComparison scores, Normalization norm) {
    int n = heldOut.size();
    int frames = heldOut.noisy().get(0).frames();
    if ((long) context + steps > frames) {
      throw new UserException("scoring " + steps + " steps after " + context
          + " context frames needs movies of at least " + ((long) context + steps)
          + " frames, got " + frames);
    }
    double[] mMse = new double[steps];
    double[] pMse = new double[steps];
    double[] mMae = new double[steps];
    double[] pMae = new double[steps];
    double[] mSsim = new double[steps];
    double[] pSsim = new double[steps];
    List<FrameSequence> contexts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      contexts.add(heldOut.noisy().get(i).slice(0, context));
    }
    List<FrameSequence> forecasts = rollout(f, contexts, steps, norm);
    // The session of many streams is Forecaster.forecast done for many movies at once; check it.
    double crossCheck = forecasts.get(0).maxAbsDifference(
        norm.invert(f.forecast(norm.apply(contexts.get(0)), steps)));
    if (!(crossCheck <= CROSS_CHECK_TOLERANCE)) {
      LoggerFactory.getLogger(HeldOutEvaluation.class).warn("batched rollout differs from "
          + "Forecaster.forecast by {} (more than {})", crossCheck, CROSS_CHECK_TOLERANCE);
    }
    for (int i = 0; i < n; i++) {
      FrameSequence ctx = contexts.get(i);
      FrameSequence truth = heldOut.clean().get(i).slice(context, context + steps);
      FrameSequence forecast = forecasts.get(i);
      FrameSequence persistence = Baselines.persistence(ctx, steps);
      if (scores != null) {
        scores.add(ctx, truth, forecast);
      }
      add(mMse, Metrics.msePerFrame(forecast, truth));
      add(pMse, Metrics.msePerFrame(persistence, truth));
      add(mMae, Metrics.maePerFrame(forecast, truth));
      add(pMae, Metrics.maePerFrame(persistence, truth));
      add(mSsim, Metrics.ssimPerFrame(forecast, truth));
      add(pSsim, Metrics.ssimPerFrame(persistence, truth));
    }
    for (double[] a : new double[][] {mMse, pMse, mMae, pMae, mSsim, pSsim}) {
      for (int s = 0; s < steps; s++) {
        a[s] /= n;
      }
    }
    return new HeldOutEvaluation(n, context, mMse, pMse, mMae, pMae, mSsim, pSsim, crossCheck);
  }

  /**
   * {@link Forecaster#forecast} of many contexts at once: predict on the sequences (batched),
   * append each one's last output frame, repeat. Same rule, better use of the cores.
   *
   * @param f the model
   * @param contexts sequences of one shape
   * @param horizon frames to generate
   * @return the generated frames per context
   */
  static List<FrameSequence> rollout(Forecaster f, List<FrameSequence> contexts, int horizon) {
    return rollout(f, contexts, horizon, Normalization.NONE);
  }

  /**
   * {@link #rollout(Forecaster, List, int)} of a model trained on normalized frames: the
   * contexts (in the user's units) are normalized before they are fed, the forecasts inverted
   * back into the user's units.
   *
   * @param f the model
   * @param contexts sequences of one shape, in the user's units
   * @param horizon frames to generate
   * @param n the checkpoint's normalization ({@link Normalization#NONE} for none)
   * @return the generated frames per context, in the user's units
   */
  static List<FrameSequence> rollout(Forecaster f, List<FrameSequence> contexts, int horizon,
      Normalization n) {
    if (!n.isIdentity()) {
      List<FrameSequence> normalized = new ArrayList<>(contexts.size());
      contexts.forEach(c -> normalized.add(n.apply(c)));
      List<FrameSequence> out = new ArrayList<>(contexts.size());
      rollout(f, normalized, horizon, Normalization.NONE).forEach(o -> out.add(n.invert(o)));
      return out;
    }
    List<FrameSequence> out = new ArrayList<>(contexts.size());
    for (int from = 0; from < contexts.size(); from += ROLLOUT_BATCH) {
      List<FrameSequence> batch =
          contexts.subList(from, Math.min(contexts.size(), from + ROLLOUT_BATCH));
      try (ForecastSession session = f.openSession(batch.size())) {
        session.pushAll(batch);
        out.addAll(session.forecast(horizon));
      }
    }
    return out;
  }

  private static void add(double[] sum, double[] v) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += v[i];
    }
  }

  int steps() {
    return modelMse.length;
  }

  /** Model MSE over persistence MSE, per step. */
  double[] ratio() {
    double[] r = new double[steps()];
    for (int s = 0; s < r.length; s++) {
      r[s] = modelMse[s] / persistenceMse[s];
    }
    return r;
  }

  static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  /** Whether every scored step beats persistence. */
  boolean allStepsBelowPersistence() {
    for (int s = 0; s < steps(); s++) {
      if (!(modelMse[s] < persistenceMse[s])) {
        return false;
      }
    }
    return true;
  }

  /** Step-1 ratio at most {@link #STEP1_RATIO_BAR} and every step below persistence. */
  boolean meetsQualityBar() {
    return ratio()[0] <= STEP1_RATIO_BAR && allStepsBelowPersistence();
  }

  /** The figures for metrics.json. */
  Map<String, Object> toJson(int firstMovie) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", "forecast(first " + context + " noisy frames, " + steps()
        + ") of held-out movies scored against their clean frames " + context + ".."
        + (context + steps() - 1) + "; persistence = frame " + (context - 1)
        + " clipped to [0,1], repeated");
    m.put("method", "autoregressive rollout on a streaming session of " + ROLLOUT_BATCH
        + " movies (push the context, then feed each last output frame back, carrying the "
        + "state), identical to Forecaster.forecast: max |difference| on the first movie "
        + crossCheck);
    m.put("movies", movies);
    m.put("firstMovie", firstMovie);
    m.put("contextFrames", context);
    m.put("steps", steps());
    m.put("modelMse", modelMse);
    m.put("persistenceMse", persistenceMse);
    m.put("mseRatio", ratio());
    m.put("modelSsim", modelSsim);
    m.put("persistenceSsim", persistenceSsim);
    m.put("modelMae", modelMae);
    m.put("persistenceMae", persistenceMae);
    Map<String, Object> mean = new LinkedHashMap<>();
    mean.put("modelMse", mean(modelMse));
    mean.put("persistenceMse", mean(persistenceMse));
    mean.put("mseRatio", mean(modelMse) / mean(persistenceMse));
    mean.put("modelSsim", mean(modelSsim));
    mean.put("persistenceSsim", mean(persistenceSsim));
    m.put("meanOverSteps", mean);
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("modelMse", modelMse[0]);
    next.put("persistenceMse", persistenceMse[0]);
    next.put("mseRatio", ratio()[0]);
    next.put("modelSsim", modelSsim[0]);
    next.put("persistenceSsim", persistenceSsim[0]);
    m.put("nextFrame", next);
    Map<String, Object> bar = new LinkedHashMap<>();
    bar.put("rule", "step-1 MSE <= " + STEP1_RATIO_BAR
        + " x persistence and every step below persistence");
    bar.put("step1Ratio", ratio()[0]);
    bar.put("allStepsBelowPersistence", allStepsBelowPersistence());
    bar.put("met", meetsQualityBar());
    m.put("qualityBar", bar);
    return m;
  }

  /** A short table for the terminal. */
  void printTable(PrintWriter out) {
    out.printf(Locale.ROOT, "%nForecasts of %d held-out movies from %d context frames, scored "
        + "against clean frames (persistence = last frame repeated):%n", movies, context);
    out.printf(Locale.ROOT, "%5s  %10s  %12s  %6s  %10s  %12s%n", "step", "model MSE",
        "persist. MSE", "ratio", "model SSIM", "persist. SSIM");
    double[] r = ratio();
    for (int s = 0; s < steps(); s++) {
      out.printf(Locale.ROOT, "%5d  %10.5f  %12.5f  %6.3f  %10.4f  %12.4f%n", s + 1,
          modelMse[s], persistenceMse[s], r[s], modelSsim[s], persistenceSsim[s]);
    }
    out.printf(Locale.ROOT, "%5s  %10.5f  %12.5f  %6.3f  %10.4f  %12.4f%n", "mean",
        mean(modelMse), mean(persistenceMse), mean(modelMse) / mean(persistenceMse),
        mean(modelSsim), mean(persistenceSsim));
    out.printf(Locale.ROOT, "Quality bar (step-1 ratio <= %.1f, every step below "
        + "persistence): %s%n", STEP1_RATIO_BAR, meetsQualityBar() ? "met" : "NOT met");
  }
}

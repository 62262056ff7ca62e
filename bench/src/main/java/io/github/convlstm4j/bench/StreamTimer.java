package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming figures of one forecaster, in the current JVM, all on one stream (batch 1):
 *
 * <ul>
 *   <li><b>rollout by re-running</b>: the definition of a rollout, computed the quadratic way
 *       here in the bench: {@code predict} on the context, append the last output frame,
 *       {@code predict} on the grown sequence, ... until {@value #HORIZON} frames;
 *   <li><b>rollout by session</b>: {@link Forecaster#forecast} of the same context and horizon
 *       (the core runs it on a session that carries the state);
 *   <li>the largest absolute difference between the two rollouts, which must be at most
 *       {@value #TOLERANCE} (they compute the same frames);
 *   <li><b>one push</b>: {@link ForecastSession#push} of one new frame into a session that has
 *       seen the context (each of {@value #PUSHES} pushes timed on its own);
 *   <li><b>predict</b>: {@link Forecaster#predict} of one sequence of the model's frame count
 *       (15 for the seed model).
 * </ul>
 *
 * Each figure: {@code warmup} untimed runs, then {@code reps} timed ones; the two rollouts
 * alternate within a repetition, so both see the same machine load.
 */
final class StreamTimer {

  /** Context frames of the rollout (the seed's 7). */
  static final int CONTEXT = 7;
  /** Frames rolled out (the seed's 16). */
  static final int HORIZON = 16;
  /** Timed pushes per repetition, after the context. */
  static final int PUSHES = 8;
  /** Largest absolute difference allowed between the two rollouts. */
  static final double TOLERANCE = 1e-5;
  /** {@link #TOLERANCE} as reports write it. */
  static final String TOLERANCE_TEXT = "1e-5";

  private StreamTimer() {}

  /** The frames one stream needs: the context and the pushes after it. */
  static int framesNeeded(int predictFrames) {
    return Math.max(predictFrames, CONTEXT + PUSHES);
  }

  /**
   * Measures.
   *
   * @param f the forecaster
   * @param movie one sequence of at least {@link #framesNeeded} frames
   * @param predictFrames frames of the predict the push is compared with
   * @param reps timed repetitions
   * @param warmup untimed repetitions first
   * @return the figures as a JSON object
   */
  static Map<String, Object> run(Forecaster f, FrameSequence movie, int predictFrames, int reps,
      int warmup) {
    FrameSequence context = movie.slice(0, CONTEXT);
    FrameSequence predictInput = movie.slice(0, predictFrames);
    List<Double> rerun = new ArrayList<>();
    List<Double> session = new ArrayList<>();
    List<Double> push = new ArrayList<>();
    List<Double> predict = new ArrayList<>();
    double maxDiff = 0;
    for (int i = 0; i < warmup + reps; i++) {
      boolean timed = i >= warmup;
      long t0 = System.nanoTime();
      FrameSequence byRerun = rolloutByRerunning(f, context, HORIZON);
      long t1 = System.nanoTime();
      FrameSequence bySession = f.forecast(context, HORIZON);
      long t2 = System.nanoTime();
      maxDiff = Math.max(maxDiff, byRerun.maxAbsDifference(bySession));
      f.predict(predictInput);
      long t3 = System.nanoTime();
      if (timed) {
        rerun.add((t1 - t0) / 1e9);
        session.add((t2 - t1) / 1e9);
        predict.add((t3 - t2) / 1e9);
      }
      try (ForecastSession s = f.openSession(1)) {
        s.pushAll(List.of(context));
        for (int k = CONTEXT; k < CONTEXT + PUSHES; k++) {
          FrameSequence frame = movie.frame(k);
          long p0 = System.nanoTime();
          s.push(List.of(frame));
          if (timed) {
            push.add((System.nanoTime() - p0) / 1e9);
          }
        }
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("batch", 1);
    r.put("context", CONTEXT);
    r.put("horizon", HORIZON);
    r.put("predictFrames", predictFrames);
    r.put("pushesPerRep", PUSHES);
    r.put("rolloutRerun", Stats.of(rerun).toJson());
    r.put("rolloutSession", Stats.of(session).toJson());
    r.put("push", Stats.of(push).toJson());
    r.put("predict", Stats.of(predict).toJson());
    r.put("rolloutMaxAbsDifference", maxDiff);
    r.put("tolerance", TOLERANCE);
    r.put("rolloutsAgree", maxDiff <= TOLERANCE);
    return r;
  }

  /**
   * The rollout by its definition, re-running the whole grown sequence for every new frame:
   * {@code predict(context)}, append its last output frame, {@code predict} again, ...
   *
   * @return {@code horizon} frames
   */
  static FrameSequence rolloutByRerunning(Forecaster f, FrameSequence context, int horizon) {
    FrameSequence seq = context;
    List<FrameSequence> out = new ArrayList<>(horizon);
    for (int k = 0; k < horizon; k++) {
      FrameSequence next = f.predict(seq).lastFrame();
      out.add(next);
      if (k + 1 < horizon) {
        seq = seq.append(next);
      }
    }
    return FrameSequence.concat(out);
  }
}

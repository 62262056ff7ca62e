package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Times one backend on one model, in the current JVM: batched {@code predict} of one batch
 * (forward), the streaming figures on one stream ({@link StreamTimer}: rollout by re-running
 * against rollout by session, one push against one predict), then {@code fit} of one epoch on
 * exactly one batch with SGD and binary cross-entropy, no validation, no shuffling (training
 * step). Each phase: {@code warmup} untimed runs, then {@code reps} timed ones. The phases can
 * be run apart ({@link Phases}).
 */
final class ModelTimer {

  /** Which phases run. */
  enum Phases {
    /** Forward, streaming, then training. */
    ALL(true, true, true),
    /** Forward only (e.g. to profile it). */
    FORWARD_ONLY(true, false, false),
    /** Streaming only ({@link StreamTimer}). */
    STREAM_ONLY(false, true, false),
    /** Forward and streaming, no training (the first child of {@code --separate-phases}). */
    INFERENCE_ONLY(true, true, false),
    /**
     * Training only, without a predict before it (DJL PyTorch's seed-model training diverges
     * after a predict of the same shape; see the DJL backend's provider notes).
     */
    TRAIN_ONLY(false, false, true);

    final boolean forward;
    final boolean stream;
    final boolean train;

    Phases(boolean forward, boolean stream, boolean train) {
      this.forward = forward;
      this.stream = stream;
      this.train = train;
    }

    /**
     * From the child's optional last argument: none, forward-only, stream-only,
     * inference-only or train-only.
     */
    static Phases parse(String arg) {
      return switch (arg) {
        case "" -> ALL;
        case "forward-only" -> FORWARD_ONLY;
        case "stream-only" -> STREAM_ONLY;
        case "inference-only" -> INFERENCE_ONLY;
        case "train-only" -> TRAIN_ONLY;
        default -> throw new IllegalArgumentException("phases must be forward-only, "
            + "stream-only, inference-only or train-only, got '" + arg + "'");
      };
    }
  }

  private final BenchConfiguration config;
  private final BenchModel model;
  private final int threads;
  private final int reps;
  private final int warmup;
  private final Phases phases;

  ModelTimer(BenchConfiguration config, BenchModel model, int threads, int reps, int warmup,
      Phases phases) {
    this.phases = phases;
    this.config = config;
    this.model = model;
    this.threads = threads;
    this.reps = reps;
    this.warmup = warmup;
  }

  /** Runs and returns the result as a JSON object (errors are reported in it, not thrown). */
  Map<String, Object> run() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("backend", config.backend());
    r.put("configuration", config.label());
    r.put("settings", new LinkedHashMap<String, Object>(config.settings()));
    r.put("model", model.label());
    r.put("threads", threads);
    r.put("reps", reps);
    r.put("warmup", warmup);
    SequenceDataset data = BenchData.batch(model.spec(), model.batch(), model.frames(),
        model.frameShape(), 7L);
    List<FrameSequence> inputs = data.inputs();
    long t0 = System.nanoTime();
    try (Forecaster f = Forecasters.create(config.backend(), model.spec(),
        config.options(threads))) {
      r.put("createSeconds", (System.nanoTime() - t0) / 1e9);
      Optional<String> mismatch = config.record(f, r);
      if (mismatch.isPresent()) {
        r.put("error", mismatch.get());
        r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
        return r;
      }
      if (phases.forward) {
        forward(f, inputs, r);
      }
      if (phases.stream) {
        stream(f, r);
      }
      if (phases.train) {
        train(f, data, r);
      }
    } catch (RuntimeException | LinkageError e) {
      r.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
    return r;
  }

  private void forward(Forecaster f, List<FrameSequence> inputs, Map<String, Object> r) {
    List<Double> forward = new ArrayList<>();
    boolean forwardFinite = true;
    for (int i = 0; i < warmup + reps; i++) {
      long s = System.nanoTime();
      List<FrameSequence> out = f.predict(inputs);
      double seconds = (System.nanoTime() - s) / 1e9;
      if (i >= warmup) {
        forward.add(seconds);
      }
      forwardFinite &= allFinite(out);
    }
    r.put("forward", Stats.of(forward).toJson());
    r.put("forwardFinite", forwardFinite);
    r.put("peakRssForwardMiB", MemoryStatus.peakResidentMiB());
  }

  /** The streaming figures ({@link StreamTimer}); an error is reported in them, not thrown. */
  private void stream(Forecaster f, Map<String, Object> r) {
    FrameSequence movie = BenchData.batch(model.spec(), 1,
        StreamTimer.framesNeeded(model.frames()), model.frameShape(), 11L).inputs().get(0);
    try {
      r.put("stream", StreamTimer.run(f, movie, model.frames(), reps, warmup));
    } catch (RuntimeException e) {
      r.put("stream", Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private void train(Forecaster f, SequenceDataset data, Map<String, Object> r) {
    TrainingConfig config = new TrainingConfig(1, model.batch(), 0.0, Loss.BINARY_CROSSENTROPY,
        OptimizerSpec.sgd(), 0L, false, false);
    List<Double> train = new ArrayList<>();
    List<Object> losses = new ArrayList<>();
    boolean finite = true;
    String trainingError = null;
    for (int i = 0; i < warmup + reps; i++) {
      long s = System.nanoTime();
      TrainingHistory h;
      try {
        h = f.fit(data, config, TrainingListener.NONE);
      } catch (RuntimeException e) {
        trainingError = e.getClass().getSimpleName() + ": " + e.getMessage();
        finite = false;
        break;
      }
      double seconds = (System.nanoTime() - s) / 1e9;
      if (i >= warmup) {
        train.add(seconds);
      }
      double loss = h.finalLoss();
      losses.add(loss);
      finite &= Double.isFinite(loss);
    }
    if (trainingError == null) {
      try {
        f.weights().requireFinite();
      } catch (RuntimeException e) {
        trainingError = "weights not finite after training: " + e.getMessage();
        finite = false;
      }
    }
    r.put("train", Stats.of(train).toJson());
    r.put("losses", losses);
    r.put("trainingFinite", finite);
    if (trainingError != null) {
      r.put("trainingError", trainingError);
    }
  }

  /**
   * Whether every value of the outputs is finite (a guard for the report: {@code FrameSequence}
   * already rejects non-finite values, so a backend producing them fails in {@code predict}).
   */
  static boolean allFinite(List<FrameSequence> out) {
    for (FrameSequence s : out) {
      for (float v : s.toArray()) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.github.convlstm4j.samples.bench;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.reference.ReferenceForecaster;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times one backend on one model, in the current JVM: batched {@code predict} of one batch
 * (forward), then {@code fit} of one epoch on exactly one batch with SGD and binary
 * cross-entropy, no validation, no shuffling (training step). Each phase: {@code warmup}
 * untimed runs, then {@code reps} timed ones.
 */
final class ModelTimer {

  private final String backend;
  private final BenchModel model;
  private final int threads;
  private final int reps;
  private final int warmup;
  private final boolean training;

  ModelTimer(String backend, BenchModel model, int threads, int reps, int warmup,
      boolean training) {
    this.training = training;
    this.backend = backend;
    this.model = model;
    this.threads = threads;
    this.reps = reps;
    this.warmup = warmup;
  }

  /** Runs and returns the result as a JSON object (errors are reported in it, not thrown). */
  Map<String, Object> run() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("backend", backend);
    r.put("model", model.label());
    r.put("threads", threads);
    r.put("reps", reps);
    r.put("warmup", warmup);
    SequenceDataset data = data();
    List<FrameSequence> inputs = data.inputs();
    long t0 = System.nanoTime();
    try (Forecaster f = Forecasters.create(backend, model.spec(),
        new BackendOptions(threads, "cpu"))) {
      r.put("createSeconds", (System.nanoTime() - t0) / 1e9);
      r.put("kernel", f instanceof ReferenceForecaster ? ((ReferenceForecaster) f).kernelName()
          : engineOf(f.toString()));
      r.put("forecaster", f.toString());
      List<Double> forward = new ArrayList<>();
      boolean forwardFinite = true;
      for (int i = 0; i < warmup + reps; i++) {
        long s = System.nanoTime();
        List<FrameSequence> out = f.predict(inputs);
        double seconds = (System.nanoTime() - s) / 1e9;
        if (i >= warmup) {
          forward.add(seconds);
        }
        forwardFinite &= finite(out);
      }
      r.put("forward", Stats.of(forward).toJson());
      r.put("forwardFinite", forwardFinite);
      r.put("peakRssForwardMiB", MemoryStatus.peakResidentMiB());
      if (training) {
        train(f, data, r);
      }
    } catch (RuntimeException | LinkageError e) {
      r.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
    return r;
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

  /** One batch: moving-squares movies for 40×40 frames, uniform noise otherwise. */
  private SequenceDataset data() {
    FrameShape shape = model.frameShape();
    int n = model.batch();
    int t = model.frames();
    if (shape.height() == 40 && shape.width() == 40 && shape.channels() == 1) {
      return MovingSquares.keras().generate(n, t, 7L).toDataset();
    }
    Random rnd = new Random(7L);
    List<FrameSequence> in = new ArrayList<>();
    List<FrameSequence> out = new ArrayList<>();
    FrameShape outShape = model.spec().outputFrameShape(shape);
    int tOut = model.spec().outputFrames(t);
    for (int i = 0; i < n; i++) {
      in.add(FrameSequence.of(t, shape, uniform(rnd, t * shape.size())));
      out.add(FrameSequence.of(tOut, outShape, uniform(rnd, tOut * outShape.size())));
    }
    return SequenceDataset.of(in, out);
  }

  /** "engine=PyTorch 2.7.1, device=cpu()" out of a DJL forecaster's toString, else "". */
  static String engineOf(String description) {
    int from = description.indexOf("engine=");
    int to = description.indexOf(", spec=");
    return from >= 0 && to > from ? description.substring(from, to) : "";
  }

  private static float[] uniform(Random rnd, int size) {
    float[] a = new float[size];
    for (int j = 0; j < size; j++) {
      a[j] = rnd.nextFloat();
    }
    return a;
  }

  private static boolean finite(List<FrameSequence> out) {
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

package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.ForecastSession;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The soak, in the current JVM: one forecaster, {@code predicts} batched {@code predict} calls
 * on the same batch, then {@code steps} training steps ({@code fit} of one epoch on that batch,
 * SGD, binary cross-entropy), then a stream of {@code streamFrames} pushes into one session of
 * one stream per sequence of the batch (each stream its sequence's frames, over and over).
 * Every {@code every} calls, and right after warm-up and at the end
 * of each phase, it samples the process's resident set ({@code VmRSS}), the Java heap in use
 * and committed, and the JVM's committed non-heap memory (metaspace, code cache). Right after
 * warm-up and at the end of each phase, after that sample, it also runs a full garbage
 * collection and records the live heap, so a Java-heap leak and a native one can be told apart.
 */
final class SoakRunner {

  private static final double MIB = 1024.0 * 1024.0;

  private final BenchConfiguration config;
  private final SoakSettings settings;

  SoakRunner(BenchConfiguration config, SoakSettings settings) {
    this.config = config;
    this.settings = settings;
  }

  /** One call of a phase; {@code check}: also check its result (at sample points). */
  @FunctionalInterface
  private interface Call {
    void run(int index, boolean check);
  }

  /** Runs and returns the result as a JSON object (errors are reported in it, not thrown). */
  Map<String, Object> run() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("configuration", config.label());
    r.put("backend", config.backend());
    r.put("settings", new LinkedHashMap<String, Object>(config.settings()));
    r.put("soak", settings.toJson());
    r.put("rssBeforeCreateMiB", MemoryStatus.residentMiB());
    SequenceDataset data = BenchData.batch(settings.model().spec(), settings.batch(),
        settings.frames(), settings.frameShape(), 7L);
    List<FrameSequence> inputs = data.inputs();
    long t0 = System.nanoTime();
    try (Forecaster f = Forecasters.create(config.backend(), settings.model().spec(),
        config.options(settings.threads()))) {
      r.put("createSeconds", (System.nanoTime() - t0) / 1e9);
      Optional<String> mismatch = config.record(f, r);
      if (mismatch.isPresent()) {
        r.put("error", mismatch.get());
      } else {
        boolean[] finite = {true};
        r.put("predict", phase(settings.predicts(), settings.predictWarmup(),
            settings.predictEvery(), (i, check) -> {
              List<FrameSequence> out = f.predict(inputs);
              if (check) {
                finite[0] &= ModelTimer.allFinite(out);
              }
            }));
        r.put("predictFinite", finite[0]);
        TrainingConfig tc = new TrainingConfig(1, settings.batch(), 0.0,
            Loss.BINARY_CROSSENTROPY, OptimizerSpec.sgd(), 0L, false, false);
        List<Double> losses = new ArrayList<>();
        Map<String, Object> train = phase(settings.steps(), settings.stepWarmup(),
            settings.stepEvery(), (i, check) -> {
              double loss = f.fit(data, tc, TrainingListener.NONE).finalLoss();
              if (check) {
                losses.add(loss);
              }
              if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training loss " + loss + " at step " + i);
              }
            });
        r.put("train", train);
        r.put("sampledLosses", losses);
        try {
          f.weights().requireFinite();
          r.put("trainingFinite", !train.containsKey("error"));
        } catch (RuntimeException e) {
          r.put("trainingFinite", false);
          r.put("trainingError", "weights not finite after training: " + e.getMessage());
        }
        stream(f, inputs, r);
      }
    } catch (RuntimeException | LinkageError e) {
      r.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
    return r;
  }

  /**
   * The stream phase: one session of {@code batch} streams, each pushed its sequence's frames
   * over and over ({@code streamFrames} pushes); at the sample points also a 2-frame forecast
   * from the current state (which forks the session state), whose frames {@code FrameSequence}
   * guarantees finite.
   */
  private void stream(Forecaster f, List<FrameSequence> inputs, Map<String, Object> r) {
    try (ForecastSession session = f.openSession(inputs.size())) {
      r.put("stream", phase(settings.streamFrames(), settings.streamWarmup(),
          settings.streamEvery(), (i, check) -> {
            int t = (i - 1) % settings.frames();
            List<FrameSequence> frame = new ArrayList<>(inputs.size());
            for (FrameSequence s : inputs) {
              frame.add(s.frame(t));
            }
            session.push(frame);
            if (check) {
              session.forecast(2);
            }
          }));
      r.put("streamFramesSeen", session.framesSeen());
    }
  }

  private static Map<String, Object> phase(int calls, int warmup, int every, Call call) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("calls", calls);
    p.put("warmup", warmup);
    p.put("every", every);
    List<Object> samples = new ArrayList<>();
    long t0 = System.nanoTime();
    long afterWarmup = t0;
    samples.add(sample(0, t0));
    if (warmup == 0) {
      p.put("liveHeapAfterWarmupMiB", liveHeapMiB());
    }
    int done = 0;
    try {
      for (int i = 1; i <= calls; i++) {
        boolean sampled = i == warmup || i % every == 0 || i == calls;
        call.run(i, sampled);
        done = i;
        if (sampled) {
          samples.add(sample(i, t0));
        }
        if (i == warmup) {
          p.put("liveHeapAfterWarmupMiB", liveHeapMiB());
          afterWarmup = System.nanoTime();
        }
      }
    } catch (RuntimeException e) {
      p.put("error", "call " + (done + 1) + ": " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
      samples.add(sample(done, t0));
    }
    long end = System.nanoTime();
    p.put("completed", done);
    p.put("seconds", (end - t0) / 1e9);
    p.put("secondsPerCallAfterWarmup", done > warmup ? (end - afterWarmup) / 1e9
        / (done - warmup) : Double.NaN);
    p.put("liveHeapEndMiB", liveHeapMiB());
    p.put("samples", samples);
    return p;
  }

  private static Map<String, Object> sample(int calls, long t0) {
    Runtime rt = Runtime.getRuntime();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("calls", calls);
    s.put("seconds", (System.nanoTime() - t0) / 1e9);
    s.put("rssMiB", MemoryStatus.residentMiB());
    s.put("heapUsedMiB", (rt.totalMemory() - rt.freeMemory()) / MIB);
    s.put("heapCommittedMiB", rt.totalMemory() / MIB);
    s.put("nonHeapCommittedMiB",
        ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted() / MIB);
    return s;
  }

  /** The Java heap in use after a full collection, MiB. */
  private static double liveHeapMiB() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / MIB;
  }
}

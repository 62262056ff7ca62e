package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.FrameShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one soak child does: the model and input shape, then {@code predicts} batched
 * {@code predict} calls and {@code steps} training steps, sampling memory every
 * {@code predictEvery} calls and every {@code stepEvery} steps. The first
 * {@code predictWarmup} / {@code stepWarmup} calls of each phase are warm-up: sampled, but not
 * judged. Then a stream: one session of {@code batch} streams, {@code streamFrames} pushes of
 * one frame per stream, sampled every {@code streamEvery} pushes.
 *
 * @param model the model
 * @param batch sequences per batch
 * @param frames frames per sequence
 * @param size frame height and width
 * @param threads backend threads, 0 for all processors
 * @param predicts predict calls, warm-up included
 * @param predictWarmup predict calls before the first judged sample
 * @param predictEvery sample interval of the predict phase, in calls
 * @param steps training steps, warm-up included
 * @param stepWarmup training steps before the first judged sample
 * @param stepEvery sample interval of the training phase, in steps
 * @param streamFrames frames pushed into the session per stream, warm-up included
 * @param streamWarmup pushes before the first judged sample
 * @param streamEvery sample interval of the stream phase, in pushes
 */
record SoakSettings(BenchModel model, int batch, int frames, int size, int threads,
    int predicts, int predictWarmup, int predictEvery, int steps, int stepWarmup,
    int stepEvery, int streamFrames, int streamWarmup, int streamEvery) {

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the first bad value
   */
  SoakSettings {
    positive("batch", batch);
    positive("frames", frames);
    positive("size", size);
    positive("predictEvery", predictEvery);
    positive("stepEvery", stepEvery);
    positive("streamEvery", streamEvery);
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    phase("predicts", predicts, "predictWarmup", predictWarmup);
    phase("steps", steps, "stepWarmup", stepWarmup);
    phase("streamFrames", streamFrames, "streamWarmup", streamWarmup);
  }

  /** The input frame shape. */
  FrameShape frameShape() {
    return new FrameShape(size, size, model.spec().inputChannels());
  }

  /** The shape in one line, e.g. "batch 2, 8 frames, 40x40x1". */
  String shapeDescription() {
    return "batch " + batch + ", " + frames + " frames, " + size + "x" + size + "x"
        + model.spec().inputChannels();
  }

  /** As {@code key=value} arguments for a child JVM. */
  List<String> toArguments() {
    List<String> a = new ArrayList<>();
    toJson().forEach((k, v) -> a.add(k + "=" + v));
    return a;
  }

  /** As a JSON object (the same keys as {@link #toArguments()}). */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model.label());
    m.put("batch", batch);
    m.put("frames", frames);
    m.put("size", size);
    m.put("threads", threads);
    m.put("predicts", predicts);
    m.put("predictWarmup", predictWarmup);
    m.put("predictEvery", predictEvery);
    m.put("steps", steps);
    m.put("stepWarmup", stepWarmup);
    m.put("stepEvery", stepEvery);
    m.put("streamFrames", streamFrames);
    m.put("streamWarmup", streamWarmup);
    m.put("streamEvery", streamEvery);
    return m;
  }

  /**
   * Parses {@code key=value} arguments; every key of {@link #toArguments()} is required.
   *
   * @throws IllegalArgumentException on a missing, unknown or malformed argument
   */
  static SoakSettings parse(List<String> args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("soak arguments must be key=value, got '" + a + "'");
      }
      m.put(a.substring(0, eq), a.substring(eq + 1));
    }
    SoakSettings s = new SoakSettings(BenchModel.parse(required(m, "model")),
        integer(m, "batch"), integer(m, "frames"), integer(m, "size"), integer(m, "threads"),
        integer(m, "predicts"), integer(m, "predictWarmup"), integer(m, "predictEvery"),
        integer(m, "steps"), integer(m, "stepWarmup"), integer(m, "stepEvery"),
        integer(m, "streamFrames"), integer(m, "streamWarmup"), integer(m, "streamEvery"));
    for (String k : m.keySet()) {
      if (!s.toJson().containsKey(k)) {
        throw new IllegalArgumentException("unknown soak argument '" + k + "', expected one of "
            + s.toJson().keySet());
      }
    }
    return s;
  }

  private static String required(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("soak argument " + key + "=... is missing, got "
          + m.keySet());
    }
    return v;
  }

  private static int integer(Map<String, String> m, String key) {
    String v = required(m, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  private static void phase(String calls, int n, String warmup, int w) {
    if (n < 1) {
      throw new IllegalArgumentException(calls + " must be >= 1, got " + n);
    }
    if (w < 0 || w >= n) {
      throw new IllegalArgumentException(warmup + " must be >= 0 and below " + calls + " ("
          + n + "), got " + w);
    }
  }
}

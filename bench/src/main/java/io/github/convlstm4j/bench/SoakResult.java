package io.github.convlstm4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one soak run measured: the machine and settings, and per configuration what its
 * child JVM reported, with each phase's memory judged by {@link MemoryTrend}.
 */
final class SoakResult {

  /** The phases of a soak, in order, as keys of the child's JSON. */
  static final List<String> PHASES = List.of("predict", "train", "stream");

  /**
   * One phase of one configuration, judged.
   *
   * @param phase {@code predict}, {@code train} or {@code stream}
   * @param calls calls completed, warm-up included
   * @param warmup warm-up calls
   * @param secondsPerCall mean seconds per call after warm-up
   * @param rss the resident set's trend over the post-warm-up samples
   * @param heapCommittedDelta committed Java heap, last minus first post-warm-up sample, MiB
   * @param nonHeapDelta committed JVM non-heap memory, last minus first post-warm-up sample
   * @param liveHeapDelta live Java heap after a full GC, end of phase minus after warm-up
   * @param liveHeapEnd live Java heap after a full GC at the end of the phase, MiB
   * @param rssCurve up to {@value #CURVE_POINTS} samples spread over the whole phase
   *     (warm-up included), for a glance at its shape
   * @param error why the phase stopped early, or null
   */
  record Phase(String phase, int calls, int warmup, double secondsPerCall, MemoryTrend rss,
      double heapCommittedDelta, double nonHeapDelta, double liveHeapDelta, double liveHeapEnd,
      List<MemoryTrend.Sample> rssCurve, String error) {

    /** The growth of the resident set not explained by the JVM's committed memory, MiB. */
    double otherDelta() {
      return rss.last() - rss.start() - heapCommittedDelta - nonHeapDelta;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("phase", phase);
      m.put("calls", calls);
      m.put("warmup", warmup);
      m.put("secondsPerCall", secondsPerCall);
      m.put("rss", rss.toJson());
      m.put("heapCommittedDeltaMiB", heapCommittedDelta);
      m.put("nonHeapCommittedDeltaMiB", nonHeapDelta);
      m.put("liveHeapDeltaMiB", liveHeapDelta);
      m.put("liveHeapEndMiB", liveHeapEnd);
      m.put("otherDeltaMiB", otherDelta());
      m.put("error", error);
      return m;
    }
  }

  /** Points of {@link Phase#rssCurve()}. */
  static final int CURVE_POINTS = 9;

  /**
   * One configuration's soak.
   *
   * @param label the configuration label
   * @param phases the judged phases (those the child reported samples for)
   * @param peakRssMiB the child's VmHWM at the end
   * @param detail kernel or engine details
   * @param error why the configuration failed, or null
   * @param raw everything the child reported
   */
  record Run(String label, List<Phase> phases, double peakRssMiB, String detail, String error,
      Map<String, Object> raw) {
    Run {
      phases = List.copyOf(phases);
    }

    /** Whether every phase ran and was judged flat. */
    boolean flat() {
      return error == null && phases.size() == PHASES.size()
          && phases.stream().allMatch(p -> p.error() == null
              && p.rss().verdict().equals(MemoryTrend.FLAT));
    }

    /** From a child's JSON result. */
    static Run fromJson(String label, Map<String, Object> j) {
      List<Phase> phases = new ArrayList<>();
      for (String name : PHASES) {
        Map<String, Object> p = Json.object(j, name);
        if (p.containsKey("samples")) {
          phases.add(phase(name, p));
        }
      }
      String error = j.containsKey("error") ? String.valueOf(j.get("error")) : null;
      if (error == null && j.containsKey("trainingError")) {
        error = "training: " + j.get("trainingError");
      }
      if (error == null && Boolean.FALSE.equals(j.get("predictFinite"))) {
        error = "predict returned non-finite values";
      }
      return new Run(label, phases, Json.number(j, "peakRssMiB"),
          Json.string(j, "kernel", ""), error, j);
    }

    /** A configuration whose child produced nothing. */
    static Run failed(String label, String error) {
      return new Run(label, List.of(), Double.NaN, "", error, Map.of());
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", label);
      m.put("flat", flat());
      m.put("peakRssMiB", peakRssMiB);
      m.put("detail", detail);
      m.put("error", error);
      List<Object> ps = new ArrayList<>();
      for (Phase p : phases) {
        ps.add(p.toJson());
      }
      m.put("phases", ps);
      m.put("child", raw);
      return m;
    }
  }

  final Map<String, Object> machine;
  final SoakSettings settings;
  final List<Run> runs;
  final List<String> skipped;

  SoakResult(Map<String, Object> machine, SoakSettings settings, List<Run> runs,
      List<String> skipped) {
    this.machine = new LinkedHashMap<>(machine);
    this.settings = settings;
    this.runs = List.copyOf(runs);
    this.skipped = List.copyOf(skipped);
  }

  /** Whether at least one configuration ran and every one that ran is flat. */
  boolean allFlat() {
    return !runs.isEmpty() && runs.stream().allMatch(Run::flat);
  }

  /** Judges one phase of a child's JSON. */
  static Phase phase(String name, Map<String, Object> p) {
    int warmup = (int) Json.number(p, "warmup");
    List<MemoryTrend.Sample> all = new ArrayList<>();
    List<MemoryTrend.Sample> after = new ArrayList<>();
    List<Map<String, Object>> afterRaw = new ArrayList<>();
    for (Object o : (List<?>) p.get("samples")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) o;
      MemoryTrend.Sample x = new MemoryTrend.Sample((long) Json.number(s, "calls"),
          Json.number(s, "rssMiB"));
      all.add(x);
      if (x.calls() >= warmup) {
        after.add(x);
        afterRaw.add(s);
      }
    }
    if (after.isEmpty()) {
      after.add(all.get(all.size() - 1));
      afterRaw.add(Map.of());
    }
    Map<String, Object> first = afterRaw.get(0);
    Map<String, Object> last = afterRaw.get(afterRaw.size() - 1);
    return new Phase(name, (int) Json.number(p, "completed"), warmup,
        Json.number(p, "secondsPerCallAfterWarmup"), MemoryTrend.of(after),
        Json.number(last, "heapCommittedMiB") - Json.number(first, "heapCommittedMiB"),
        Json.number(last, "nonHeapCommittedMiB")
            - Json.number(first, "nonHeapCommittedMiB"),
        Json.number(p, "liveHeapEndMiB") - Json.number(p, "liveHeapAfterWarmupMiB"),
        Json.number(p, "liveHeapEndMiB"), spread(all, CURVE_POINTS),
        p.containsKey("error") ? String.valueOf(p.get("error")) : null);
  }

  /** Up to {@code n} elements of {@code all}, evenly spread, first and last included. */
  static <T> List<T> spread(List<T> all, int n) {
    if (all.size() <= n) {
      return List.copyOf(all);
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(all.get((int) Math.round(i * (all.size() - 1) / (double) (n - 1))));
    }
    return out;
  }

  /** Everything as one JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("machine", machine);
    j.put("settings", settings.toJson());
    j.put("rule", MemoryTrend.RULE);
    j.put("allFlat", allFlat());
    List<Object> rs = new ArrayList<>();
    for (Run r : runs) {
      rs.add(r.toJson());
    }
    j.put("runs", rs);
    j.put("skipped", new ArrayList<Object>(skipped));
    return j;
  }
}

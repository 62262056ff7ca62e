package io.github.convlstm4j.bench;

import static io.github.convlstm4j.bench.ReportWriter.firstLine;
import static io.github.convlstm4j.bench.ReportWriter.fixed0;
import static io.github.convlstm4j.bench.ReportWriter.fixed1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link SoakResult} as plain text (stdout), Markdown or JSON. */
final class SoakReport {

  private final SoakResult r;
  private final ReportWriter out;

  private SoakReport(SoakResult r, boolean markdown) {
    this.r = r;
    this.out = new ReportWriter(markdown);
  }

  /** The plain-text report. */
  static String text(SoakResult r) {
    return new SoakReport(r, false).render();
  }

  /** The Markdown report. */
  static String markdown(SoakResult r) {
    return new SoakReport(r, true).render();
  }

  /** The JSON report. */
  static String json(SoakResult r) {
    return Json.write(r.toJson());
  }

  private String render() {
    out.heading("convlstm4j bench soak: resident memory over many calls");
    setup();
    summary();
    details();
    curves();
    out.skipped(r.skipped);
    return out.toString();
  }

  private void setup() {
    Map<String, Object> m = r.machine;
    SoakSettings s = r.settings;
    out.bullet("Machine: " + m.get("cpu") + ", " + m.get("cores") + " cores seen by the JVM, "
        + m.get("os") + "; JVM " + ChildJvm.jvms(m));
    out.bullet("Child JVM flags: " + m.get("childJvmFlags") + ", environment "
        + m.get("childEnvironment") + "; one child JVM per configuration");
    out.bullet("Model " + s.model().label() + " (" + s.model().description() + "), "
        + s.shapeDescription() + ", " + m.get("threads") + " threads");
    out.bullet("Predict phase: " + s.predicts() + " batched predict calls on the same batch ("
        + s.predictWarmup() + " warm-up), memory sampled every " + s.predictEvery()
        + " calls; training phase: " + s.steps() + " training steps (fit of one epoch on "
        + "that batch, SGD, BCE; " + s.stepWarmup() + " warm-up), sampled every "
        + s.stepEvery() + " steps; stream phase: one session of " + s.batch() + " stream(s), "
        + s.streamFrames() + " pushes of one frame per stream (each its sequence's frames over "
        + "and over; " + s.streamWarmup() + " warm-up), sampled every " + s.streamEvery()
        + " pushes, with a 2-frame forecast from the current state at each sample");
    out.bullet("RSS = VmRSS of /proc/self/status; start = the sample right after warm-up; max, "
        + "last and the slope (least squares, MiB per 1,000 calls) over the samples after "
        + "warm-up; peak = VmHWM at the end of the child");
    out.bullet("Rule: " + MemoryTrend.RULE);
    out.bullet("Heap: committed Java heap and committed non-heap (metaspace, code cache) from the "
        + "JVM at the same samples, their change from start to last; live heap = heap used "
        + "after a full GC (System.gc()) right after warm-up and at the end of the phase, "
        + "taken after that phase's RSS sample; the child JVMs run with -XX:+AlwaysPreTouch, "
        + "so the committed heap is resident from the start and the young generation cycling "
        + "through fresh regions does not show as growth; other = RSS change not explained by "
        + "the committed heap and non-heap (native allocations: engine, allocator, thread "
        + "stacks)");
    out.blank();
  }

  private void summary() {
    out.heading("Summary");
    TextTable t = new TextTable(List.of("backend", "phase", "calls", "s/call",
        "RSS start MiB", "max", "last", "growth", "allowance", "slope MiB/1k", "verdict"));
    for (SoakResult.Run run : r.runs) {
      if (run.phases().isEmpty()) {
        t.row(List.of(run.label(), "-", "-", "-", "-", "-", "-", "-", "-", "-",
            "ERROR " + firstLine(String.valueOf(run.error()))));
      }
      for (SoakResult.Phase p : run.phases()) {
        MemoryTrend m = p.rss();
        t.row(List.of(run.label(), p.phase(), p.calls() + " (" + p.warmup() + " warm-up)",
            seconds(p.secondsPerCall()), fixed0(m.start()), fixed0(m.max()), fixed0(m.last()),
            fixed0(m.growth()), fixed0(m.allowance()), fixed1(m.slopePerThousand()),
            p.error() != null ? "ERROR " + firstLine(p.error()) : m.verdict()));
      }
    }
    out.table(t);
    out.line("Memory flat after warm-up in every configuration and phase: "
        + (r.allFlat() ? "yes" : "NO"));
    out.blank();
  }

  private void details() {
    out.heading("Where the memory is (change from the post-warm-up sample to the last one)");
    TextTable t = new TextTable(List.of("backend", "phase", "RSS change MiB",
        "heap committed", "non-heap", "other (native)", "live heap after warm-up -> end",
        "peak (VmHWM) MiB", "verdict detail"));
    for (SoakResult.Run run : r.runs) {
      for (SoakResult.Phase p : run.phases()) {
        t.row(List.of(run.label(), p.phase(), signed(p.rss().last() - p.rss().start()),
            signed(p.heapCommittedDelta()), signed(p.nonHeapDelta()), signed(p.otherDelta()),
            fixed1(p.liveHeapEnd() - p.liveHeapDelta()) + " -> " + fixed1(p.liveHeapEnd())
                + " (" + signed1(p.liveHeapDelta()) + ")",
            fixed0(run.peakRssMiB()), p.rss().explanation()));
      }
    }
    out.table(t);
    for (SoakResult.Run run : r.runs) {
      out.bullet(run.label() + ": " + (run.detail().isEmpty() ? "" : run.detail() + "; ")
          + "created in " + seconds(Json.number(run.raw(), "createSeconds")) + " s"
          + (run.error() != null ? "; ERROR " + firstLine(run.error()) : ""));
    }
    out.blank();
  }

  private void curves() {
    out.heading("RSS over the calls (MiB; calls in brackets, warm-up included)");
    for (SoakResult.Run run : r.runs) {
      for (SoakResult.Phase p : run.phases()) {
        List<String> points = new ArrayList<>();
        for (MemoryTrend.Sample s : p.rssCurve()) {
          points.add(fixed0(s.mib()) + " [" + s.calls() + "]");
        }
        out.bullet(run.label() + " " + p.phase() + ": " + String.join(", ", points));
      }
    }
    out.blank();
  }

  // ------------------------------------------------------------------ output helpers

  private static String seconds(double s) {
    return Double.isFinite(s) ? String.format(Locale.ROOT, "%.3g", s) : "-";
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.0f", v) : "-";
  }

  private static String signed1(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f", v) : "-";
  }
}

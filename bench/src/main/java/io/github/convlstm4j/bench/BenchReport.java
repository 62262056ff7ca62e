package io.github.convlstm4j.bench;

import static io.github.convlstm4j.bench.ReportWriter.firstLine;
import static io.github.convlstm4j.bench.ReportWriter.fixed0;
import static io.github.convlstm4j.bench.ReportWriter.fixed1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Renders a {@link BenchResult} as plain text (stdout), Markdown or JSON. */
final class BenchReport {

  private final BenchResult r;
  private final ReportWriter out;

  private BenchReport(BenchResult r, boolean markdown) {
    this.r = r;
    this.out = new ReportWriter(markdown);
  }

  /** The plain-text report. */
  static String text(BenchResult r) {
    return new BenchReport(r, false).render();
  }

  /** The Markdown report. */
  static String markdown(BenchResult r) {
    return new BenchReport(r, true).render();
  }

  /** The JSON report. */
  static String json(BenchResult r) {
    return Json.write(r.toJson());
  }

  private String render() {
    out.heading("convlstm4j bench");
    machine();
    kernels();
    for (BenchResult.ModelResults mr : r.models) {
      model(mr);
    }
    targets();
    out.skipped(r.skipped);
    return out.toString();
  }

  private void machine() {
    Map<String, Object> m = r.machine;
    out.bullet("Machine: " + m.get("cpu") + ", " + m.get("cores") + " cores seen by the JVM, "
        + m.get("os") + "; the machine is shared and its timings are noisy");
    out.bullet("Threads: " + m.get("threads") + "; repetitions: " + m.get("warmup")
        + " warm-up + " + m.get("reps") + " timed (reference/scalar: " + m.get("scalarWarmup")
        + " + " + m.get("scalarReps") + "); figures are median / min / max of the timed runs");
    out.bullet("JVM: " + ChildJvm.jvms(m) + "; bench JVM flags: " + m.get("benchJvmFlags"));
    out.bullet("Child JVM flags: " + m.get("childJvmFlags") + " (reference/scalar: without "
        + "--add-modules jdk.incubator.vector), environment " + m.get("childEnvironment")
        + (Boolean.TRUE.equals(m.get("separatePhases"))
            ? "; two child JVMs per configuration and model (--separate-phases): forward "
                + "only, then training only in a forecaster that never predicted; RSS fwd is "
                + "the first's peak RSS (VmHWM), RSS the second's"
            : "; one child JVM per configuration and model, so peak RSS (VmHWM) is that "
                + "configuration's own"));
    out.bullet("Python peer: " + m.get("peer"));
    out.bullet("FLOPs: " + Flops.FORMULA);
    out.bullet("Model tables: " + Flops.EFFECTIVE);
    out.bullet("Ratio tables: entry (row A, column B) = median(B) / median(A), how many times "
        + "faster A is than B");
    out.blank();
  }

  private void kernels() {
    out.heading("FMA peak and reference GEMM kernels");
    double peak = r.peak();
    if (Double.isNaN(peak)) {
      out.line("Not measured: " + r.kernels.getOrDefault("error", "skipped"));
      out.blank();
      return;
    }
    out.line(String.format(Locale.ROOT, "FMA peak (Vector API FMA loop, %s threads, median of "
        + "runs): %.1f GFLOP/s; probed again after the GEMMs: %.1f GFLOP/s", r.machine.get(
            "threads"), peak, Json.number(r.kernels, "peakGflopsAfter")));
    out.blank();
    TextTable t = new TextTable(List.of("kernel", "shape (seed gate convolution)", "m", "n",
        "k", "median s", "GFLOP/s", "% of peak"));
    for (Map<String, Object> row : r.gemmRows()) {
      double gf = Json.number(row, "gflops");
      t.row(List.of(String.valueOf(row.get("kernel")), String.valueOf(row.get("shape")),
          integer(row, "m"), integer(row, "n"), integer(row, "k"),
          seconds(Json.number(Json.object(row, "seconds"), "median")), fixed1(gf),
          percent(gf / peak)));
    }
    out.table(t);
    out.line("GFLOP/s here are the products' own multiply-adds; the kernel target (>= 70% of the "
        + "peak) is judged on every vector row, im2col and Winograd F(2x2) and F(4x4) shapes, per "
        + "vector width. The ceiling row is not judged: one small product whose operands stay "
        + "in cache, repeated on every thread, measures what the register tiles reach on this "
        + "machine and JVM without packing or memory traffic.");
    out.blank();
  }

  private void model(BenchResult.ModelResults mr) {
    BenchModel m = mr.model();
    double fwd = Flops.forward(m);
    double train = Flops.trainingStep(m);
    out.heading("Model " + m.label() + ": " + m.description());
    out.line(String.format(Locale.ROOT, "%s; forward %.1f GFLOP, training step %.1f GFLOP "
        + "(3 x forward)", m.shapeDescription(), fwd / 1e9, train / 1e9));
    out.blank();
    double peak = r.peak();
    TextTable t = new TextTable(List.of("backend", "forward s med", "min", "max",
        "eff GFLOP/s", "eff % peak", "train s med", "min", "max", "eff GFLOP/s", "eff % peak",
        "RSS fwd MiB", "RSS MiB", "train finite", "detail"));
    List<String> winograd = new ArrayList<>();
    for (Measurement x : mr.measurements()) {
      double fg = fwd / x.forward().median() / 1e9;
      double tg = train / x.train().median() / 1e9;
      String finite = x.train().present() || x.raw().containsKey("trainingError")
          ? (x.trainingFinite() ? "yes" : "NO") : "-";
      t.row(List.of(x.label(), seconds(x.forward().median()), seconds(x.forward().min()),
          seconds(x.forward().max()), fixed1(fg), percent(fg / peak),
          seconds(x.train().median()), seconds(x.train().min()), seconds(x.train().max()),
          fixed1(tg), percent(tg / peak), fixed0(x.peakRssForwardMiB()),
          fixed0(x.peakRssMiB()), finite,
          x.error() != null ? "ERROR " + firstLine(x.error()) : x.detail()));
      if (x.convolution().filter("winograd"::equals).isPresent()) {
        winograd.add(x.label());
      }
    }
    out.table(t);
    out.line("eff GFLOP/s = direct-convolution FLOPs / median time (eff % peak: of the FMA peak)"
        + (winograd.isEmpty() ? "."
            : "; " + String.join(", ", winograd) + " ran convolution=winograd, 2.25x fewer "
                + "multiply-adds in 3x3 convolutions, so their effective figures can exceed "
                + "the FMA peak: a speed, not a share of the hardware's peak (that is the "
                + "GEMM kernel table's)."));
    out.blank();
    ratios("Forward speed ratios (" + m.label() + ")", mr, Measurement::forward);
    ratios("Training-step speed ratios (" + m.label() + ")", mr, Measurement::train);
    hoisting(mr);
    threadScaling(mr);
    streaming(mr);
  }

  private void threadScaling(BenchResult.ModelResults mr) {
    Map<String, Map<String, Object>> scaling = BenchResult.threadScaling(mr);
    if (scaling.isEmpty()) {
      return;
    }
    out.line("Thread scaling (" + mr.model().label() + "): median time of CONFIGURATION@N "
        + "divided by CONFIGURATION's (which ran on the run's threads): how many times faster "
        + "the run's threads are than N");
    out.blank();
    TextTable t = new TextTable(List.of("configuration", "threads vs N", "forward",
        "training step"));
    for (Map.Entry<String, Map<String, Object>> e : scaling.entrySet()) {
      Map<String, Object> v = e.getValue();
      t.row(List.of(String.valueOf(v.get("base")), v.get("runThreads") + " vs " + v.get("threads"),
          ratio((Double) v.get("forward")), ratio((Double) v.get("train"))));
    }
    out.table(t);
  }

  private void streaming(BenchResult.ModelResults mr) {
    List<Measurement> rows = mr.measurements().stream()
        .filter(x -> x.stream("rolloutSession").present() || x.streamError() != null).toList();
    if (rows.isEmpty()) {
      return;
    }
    int frames = mr.model().frames();
    out.line("Streaming (" + mr.model().label() + "; one stream, batch 1): a rollout of "
        + StreamTimer.HORIZON + " frames from " + StreamTimer.CONTEXT + " context frames by "
        + "re-running (predict on the grown sequence, append its last output frame: the "
        + "definition, computed by the bench) and by session (Forecaster.forecast, which "
        + "carries the state); one push into a session that has seen " + StreamTimer.CONTEXT
        + " frames; one predict of a " + frames + "-frame sequence. Medians of the timed "
        + "runs (pushes: " + StreamTimer.PUSHES + " per run); agree = the rollouts differ by "
        + "at most " + StreamTimer.TOLERANCE_TEXT);
    out.blank();
    TextTable t = new TextTable(List.of("backend", "rollout re-run s", "rollout session s",
        "re-run / session", "push s", "predict-" + frames + " s", "push / predict",
        "max |diff|", "agree"));
    for (Measurement x : rows) {
      if (x.streamError() != null) {
        t.row(List.of(x.label(), "-", "-", "-", "-", "-", "-", "-",
            "ERROR " + firstLine(x.streamError())));
        continue;
      }
      double diff = x.streamNumber("rolloutMaxAbsDifference");
      t.row(List.of(x.label(), seconds(x.stream("rolloutRerun").median()),
          seconds(x.stream("rolloutSession").median()), ratio(x.rolloutSpeedup()),
          String.format(Locale.ROOT, "%.4f", x.stream("push").median()),
          seconds(x.stream("predict").median()),
          String.format(Locale.ROOT, "%.3f", x.pushOverPredict()),
          String.format(Locale.ROOT, "%.1e", diff),
          diff <= StreamTimer.TOLERANCE ? "yes" : "NO"));
    }
    out.table(t);
  }

  private void hoisting(BenchResult.ModelResults mr) {
    Map<String, Map<String, Object>> gains = BenchResult.hoistingGains(mr);
    if (gains.isEmpty()) {
      return;
    }
    out.line("Input convolution scheduling (" + mr.model().label() + "): median time of "
        + "BACKEND/per-step divided by this configuration's; above 1, this configuration's "
        + "form (hoisted: one input convolution over all frames) is faster than per-step");
    out.blank();
    TextTable t = new TextTable(List.of("configuration", "input convolution", "forward",
        "training step"));
    for (Map.Entry<String, Map<String, Object>> e : gains.entrySet()) {
      t.row(List.of(e.getKey(), String.valueOf(e.getValue().get("form")),
          ratio((Double) e.getValue().get("forward")), ratio((Double) e.getValue().get("train"))));
    }
    out.table(t);
  }

  private static String ratio(Double v) {
    return v != null && Double.isFinite(v) ? String.format(Locale.ROOT, "%.2fx", v) : "-";
  }

  private void ratios(String title, BenchResult.ModelResults mr,
      Function<Measurement, Stats> phase) {
    Map<String, Map<String, Double>> matrix = Ratios.matrix(mr.measurements(), phase);
    if (matrix.size() < 2) {
      return;
    }
    out.line(title + ": row is this many times faster than column");
    out.blank();
    List<String> header = new ArrayList<>();
    header.add("faster \\ than");
    header.addAll(matrix.keySet());
    TextTable t = new TextTable(header);
    for (Map.Entry<String, Map<String, Double>> e : matrix.entrySet()) {
      List<String> row = new ArrayList<>();
      row.add(e.getKey());
      for (String col : matrix.keySet()) {
        row.add(String.format(Locale.ROOT, "%.2f", e.getValue().get(col)));
      }
      t.row(row);
    }
    out.table(t);
  }

  private void targets() {
    BenchResult.ModelResults tm = r.targetModel();
    out.heading("Targets" + (tm == null ? "" : " (model " + tm.model().label()
        + (tm.model() == BenchModel.SEED ? "" : "; the targets are about the seed model, "
            + "these figures only show the check runs") + ")"));
    TextTable t = new TextTable(List.of("target", "measured", "status"));
    for (Target x : r.targets()) {
      t.row(List.of(x.goal(), x.measured(), x.status()));
    }
    out.table(t);
    List<Target> info = r.informative();
    if (info.stream().anyMatch(x -> x.status().equals(BenchResult.INFORMATIVE))) {
      out.heading("Informative (not targets): 3x3 convolution algorithm of the reference backend");
      TextTable i = new TextTable(List.of("figure", "measured", "status"));
      for (Target x : info) {
        i.row(List.of(x.goal(), x.measured(), x.status()));
      }
      out.table(i);
    }
  }

  // ------------------------------------------------------------------ output helpers

  private static String integer(Map<String, Object> row, String key) {
    double v = Json.number(row, key);
    return Double.isNaN(v) ? "-" : Long.toString((long) v);
  }

  static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "-";
    }
    return String.format(Locale.ROOT, s >= 100 ? "%.1f" : s >= 10 ? "%.2f" : "%.3f", s);
  }

  private static String percent(double f) {
    return Double.isFinite(f) ? String.format(Locale.ROOT, "%.1f%%", 100 * f) : "-";
  }
}

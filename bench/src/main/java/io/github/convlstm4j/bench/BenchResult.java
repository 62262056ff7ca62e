package io.github.convlstm4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything one bench run measured: the machine, the FMA peak and GEMM figures, each model's
 * measurements, what was skipped, and the targets evaluated from them.
 */
final class BenchResult {

  /** Label of the reference backend with the Vector API kernel. */
  static final String REFERENCE_VECTOR = "reference/vector";
  /** Label of the reference backend with the scalar kernel. */
  static final String REFERENCE_SCALAR = "reference/scalar";
  /** Label of the reference backend with direct (im2col) 3×3 convolutions. */
  static final String REFERENCE_DIRECT = "reference/direct";
  /** Label of the reference backend with Winograd 3×3 convolutions, the setting explicit. */
  static final String REFERENCE_WINOGRAD = "reference/winograd";
  /** The reference backend with F(4×4, 3×3) convolutions, in prediction and training. */
  static final String REFERENCE_WINOGRAD4 = "reference/winograd4";
  /** Issue 18 target 2 on AVX2: reference/winograd4 this many times faster than djl-pytorch. */
  static final double WINOGRAD4_SPEED_TARGET = 2.0;
  /** Status of a row that is shown for information, not judged. */
  static final String INFORMATIVE = "informative";
  /** Label of the DJL PyTorch backend. */
  static final String DJL_PYTORCH = "djl-pytorch";
  /** Share of the FMA peak the reference kernels should reach. */
  static final double KERNEL_TARGET = 0.70;
  /** How many times faster a rollout by session should be than by re-running. */
  static final double ROLLOUT_TARGET = 8.0;
  /** The largest share of one predict's time one push may take. */
  static final double PUSH_TARGET = 0.1;
  /** Issue 18: two threads at least this many times faster than one. */
  static final double THREAD_SCALING_TARGET = 1.8;

  /** One model's measurements. */
  record ModelResults(BenchModel model, List<Measurement> measurements) {
    ModelResults {
      measurements = List.copyOf(measurements);
    }
  }

  final Map<String, Object> machine;
  final Map<String, Object> kernels;
  final List<ModelResults> models;
  final List<String> skipped;

  BenchResult(Map<String, Object> machine, Map<String, Object> kernels,
      List<ModelResults> models, List<String> skipped) {
    this.machine = new LinkedHashMap<>(machine);
    this.kernels = new LinkedHashMap<>(kernels);
    this.models = List.copyOf(models);
    this.skipped = List.copyOf(skipped);
  }

  /** The FMA peak in GFLOP/s, NaN if not measured. */
  double peak() {
    return Json.number(kernels, "peakGflops");
  }

  /** The GEMM rows of the kernel probe. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> gemmRows() {
    Object rows = kernels.get("gemm");
    List<Map<String, Object>> out = new ArrayList<>();
    if (rows instanceof List) {
      for (Object o : (List<?>) rows) {
        if (o instanceof Map) {
          out.add((Map<String, Object>) o);
        }
      }
    }
    return out;
  }

  /** The model the targets are evaluated on: the seed if it ran, else the first one. */
  ModelResults targetModel() {
    for (ModelResults m : models) {
      if (m.model() == BenchModel.SEED) {
        return m;
      }
    }
    return models.isEmpty() ? null : models.get(0);
  }

  /**
   * The targets of issues 3, 4 and 5, and the streaming targets (rollout by session against
   * re-running, one push against one predict, their agreement), evaluated on
   * {@link #targetModel()}. The reference
   * targets are judged on {@code reference/vector}, the backend's defaults (Winograd 3×3
   * convolutions); the measured text names the algorithm the forecaster reported.
   */
  List<Target> targets() {
    List<Target> t = new ArrayList<>();
    ModelResults mr = targetModel();
    List<Measurement> ms = mr == null ? List.of() : mr.measurements();
    String py = PythonPeer.LABEL;
    String fmt = "%.2fx" + convolutionNote(ms, REFERENCE_VECTOR).replace("%", "%%");
    t.add(Target.atLeast("reference training step >= 1.5x faster than djl-pytorch's",
        Ratios.speedup(ms, REFERENCE_VECTOR, DJL_PYTORCH, Measurement::train), 1.5,
        fmt, "djl-pytorch or reference not measured"));
    t.add(Target.atLeast("reference forward >= 2x faster than djl-pytorch's",
        Ratios.speedup(ms, REFERENCE_VECTOR, DJL_PYTORCH, Measurement::forward), 2.0,
        fmt, "djl-pytorch or reference not measured"));
    t.add(Target.atLeast("reference forward no slower than the Python peer's",
        Ratios.speedup(ms, REFERENCE_VECTOR, py, Measurement::forward), 1.0, fmt,
        "Python peer or reference not measured"));
    t.add(kernelTarget());
    t.add(Target.atLeast("djl-pytorch forward no slower than the Python peer's",
        Ratios.speedup(ms, DJL_PYTORCH, py, Measurement::forward), 1.0, "%.2fx",
        "Python peer or djl-pytorch not measured"));
    t.add(finiteTarget());
    t.add(threadScalingTarget(mr));
    t.add(winograd4Target(ms));
    int frames = mr == null ? BenchModel.SEED.frames() : mr.model().frames();
    t.add(everyConfiguration("rollout " + StreamTimer.CONTEXT + " -> " + StreamTimer.HORIZON
        + " by session >= 8x faster than by re-running (batch 1, every backend)", ms,
        Measurement::rolloutSpeedup, ROLLOUT_TARGET, true, "%.2fx"));
    t.add(everyConfiguration("one push <= 1/10 of a " + frames + "-frame predict (batch 1, "
        + "every backend)", ms, Measurement::pushOverPredict, PUSH_TARGET, false, "%.3f"));
    t.add(everyConfiguration("rollout by session = rollout by re-running within "
        + StreamTimer.TOLERANCE_TEXT + " (largest |difference|, every backend)", ms,
        m -> m.streamNumber("rolloutMaxAbsDifference"), StreamTimer.TOLERANCE, false, "%.1e"));
    return t;
  }

  /**
   * A streaming target judged on every configuration that measured it: met when the worst
   * figure is ({@code atLeast}) at least or (else) at most {@code threshold}; the measured text
   * gives the worst figure and every configuration's.
   */
  private static Target everyConfiguration(String goal, List<Measurement> ms,
      ToDoubleFunction<Measurement> figure, double threshold, boolean atLeast, String format) {
    List<String> parts = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    double worst = Double.NaN;
    String worstLabel = "";
    for (Measurement m : ms) {
      double v = figure.applyAsDouble(m);
      if (m.streamError() != null) {
        failed.add(m.label() + " (" + m.streamError() + ")");
      }
      if (Double.isNaN(v)) {
        continue;
      }
      parts.add(m.label() + " " + String.format(Locale.ROOT, format, v));
      if (Double.isNaN(worst) || (atLeast ? v < worst : v > worst)) {
        worst = v;
        worstLabel = m.label();
      }
    }
    String failures = failed.isEmpty() ? "" : "; streaming failed: " + String.join("; ", failed);
    if (Double.isNaN(worst)) {
      return new Target(goal, "no streaming figures measured" + failures, "not measured");
    }
    boolean met = atLeast ? worst >= threshold : worst <= threshold;
    String measured = (atLeast ? "lowest " : "highest ") + String.format(Locale.ROOT, format,
        worst) + " (" + worstLabel + "): " + String.join(", ", parts) + failures;
    return new Target(goal, measured, !met ? "NOT met" : failed.isEmpty() ? "met"
        : "met where measured");
  }

  /** " (reference/vector: convolution=winograd)", or "" if it reported no algorithm. */
  private static String convolutionNote(List<Measurement> ms, String label) {
    for (Measurement m : ms) {
      if (m.label().equals(label) && m.convolution().isPresent()) {
        return " (" + label + ": convolution=" + m.convolution().get() + ")";
      }
    }
    return "";
  }

  /**
   * Figures shown next to the targets but not judged: per model, how many times faster the
   * reference backend's Winograd 3×3 convolutions are than the direct ones, forward and
   * training step. The Winograd side is {@code reference/winograd}, or, when that was not
   * measured, {@code reference/vector} if its forecaster reported {@code convolution=winograd}
   * (the backend's default); the direct side is {@code reference/direct}.
   */
  List<Target> informative() {
    List<Target> t = new ArrayList<>();
    for (ModelResults mr : models) {
      List<Measurement> ms = mr.measurements();
      String winograd = winogradLabel(ms);
      String name = winograd == null ? REFERENCE_WINOGRAD : winograd
          + (winograd.equals(REFERENCE_WINOGRAD) ? "" : " (convolution=winograd)");
      String missing = winograd == null ? "no Winograd reference configuration measured"
          : REFERENCE_DIRECT + " or " + winograd + " not measured";
      t.add(informative(mr.model().label() + ": " + name + " vs " + REFERENCE_DIRECT
          + ", forward (times faster)", winograd == null ? Double.NaN
          : Ratios.speedup(ms, winograd, REFERENCE_DIRECT, Measurement::forward), missing));
      t.add(informative(mr.model().label() + ": " + name + " vs " + REFERENCE_DIRECT
          + ", training step (times faster)", winograd == null ? Double.NaN
          : Ratios.speedup(ms, winograd, REFERENCE_DIRECT, Measurement::train), missing));
    }
    return t;
  }

  private static Target informative(String goal, double value, String missing) {
    return Double.isNaN(value) ? new Target(goal, missing, "not measured")
        : new Target(goal, String.format(java.util.Locale.ROOT, "%.2fx", value), INFORMATIVE);
  }

  /** The configuration that ran Winograd convolutions (see {@link #informative()}), or null. */
  private static String winogradLabel(List<Measurement> ms) {
    String fallback = null;
    for (Measurement m : ms) {
      if (m.error() != null || !m.convolution().filter("winograd"::equals).isPresent()) {
        continue;
      }
      if (m.label().equals(REFERENCE_WINOGRAD)) {
        return m.label();
      }
      if (m.label().equals(REFERENCE_VECTOR)) {
        fallback = m.label();
      }
    }
    return fallback;
  }

  /**
   * The kernel target (issue 18): the Vector API GEMM kernel's share of the FMA peak on every
   * seed GEMM shape of the kernel probe, the im2col products and the Winograd F(2×2) and
   * F(4×4) chunk and weight-gradient products
   * alike, for every vector width the probe measured ({@code vector-256}, and
   * {@code vector-512} on AVX-512 machines); the worst row per width is reported. Judged
   * against the larger of the two peak probes (before and after the GEMMs): on a shared machine
   * a probe taken while another process ran reads low, which would flatter the kernel.
   */
  private Target kernelTarget() {
    String goal = "reference Vector API kernel >= 70% of the FMA peak (the larger of the two "
        + "probes) on every seed GEMM shape (im2col and Winograd F(2x2) and F(4x4) products), "
        + "every vector width";
    double after = kernels.containsKey("peakGflopsAfter")
        ? Json.number(kernels, "peakGflopsAfter") : Double.NaN;
    double peak = Double.isNaN(after) ? peak() : Math.max(peak(), after);
    Map<String, double[]> worst = new java.util.TreeMap<>();
    Map<String, String> worstShape = new java.util.HashMap<>();
    Map<String, Double> ceilings = new java.util.TreeMap<>();
    for (Map<String, Object> row : gemmRows()) {
      String kernel = String.valueOf(row.get("kernel"));
      if (Boolean.TRUE.equals(row.get("ceiling"))) {
        ceilings.put(kernel, Json.number(row, "gflops") / peak);
      } else if (kernel.startsWith("vector")) {
        double f = Json.number(row, "gflops") / peak;
        double[] w = worst.computeIfAbsent(kernel, k -> new double[] {Double.NaN});
        if (Double.isNaN(w[0]) || f < w[0]) {
          w[0] = f;
          String shape = String.valueOf(row.get("shape"));
          int colon = shape.indexOf(':');
          worstShape.put(kernel, colon < 0 ? shape : shape.substring(0, colon));
        }
      }
    }
    if (worst.isEmpty() || Double.isNaN(peak)) {
      return new Target(goal, "kernels or peak not measured", "not measured");
    }
    List<String> parts = new ArrayList<>();
    boolean met = true;
    for (Map.Entry<String, double[]> e : worst.entrySet()) {
      double w = e.getValue()[0];
      met &= w >= KERNEL_TARGET;
      Double ceiling = ceilings.get(e.getKey());
      parts.add(String.format(java.util.Locale.ROOT, "%s lowest %.0f%% (%s)", e.getKey(),
          100 * w, worstShape.get(e.getKey()))
          + (ceiling == null ? "" : String.format(java.util.Locale.ROOT,
              ", its ceiling row %.0f%%", 100 * ceiling)));
    }
    return new Target(goal, String.join("; ", parts), met ? "met" : "NOT met");
  }

  private Target finiteTarget() {
    String goal = "no NaN in any backend's training (every model)";
    List<String> notFinite = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    int trained = 0;
    for (ModelResults mr : models) {
      for (Measurement m : mr.measurements()) {
        String where = m.label() + " on " + mr.model().label();
        Object error = m.raw().get("trainingError");
        if (error != null) {
          (String.valueOf(error).contains("NaN") || String.valueOf(error).contains("finite")
              ? notFinite : failed).add(where + " (" + error + ")");
        } else if (m.train().present()) {
          trained++;
          if (!m.trainingFinite()) {
            notFinite.add(where);
          }
        }
      }
    }
    if (trained == 0 && notFinite.isEmpty()) {
      return new Target(goal, failed.isEmpty() ? "no training measured"
          : "training failed: " + String.join("; ", failed), "not measured");
    }
    List<String> parts = new ArrayList<>();
    parts.add(trained + " training runs completed");
    if (!notFinite.isEmpty()) {
      parts.add("NaN/infinite: " + String.join("; ", notFinite));
    }
    if (!failed.isEmpty()) {
      parts.add("training failed (not a NaN): " + String.join("; ", failed));
    }
    String status = !notFinite.isEmpty() ? "NOT met" : failed.isEmpty() ? "met"
        : "met where measured";
    return new Target(goal, String.join("; ", parts), status);
  }

  /**
   * The gain of scheduling the input convolution otherwise than per step, on one model: for
   * every configuration of a DJL backend measured next to {@code BACKEND/per-step} (the
   * backend's default, hoisted unless the backend changed it, or an explicit
   * {@code BACKEND/FORM}), the per-step median divided by this configuration's median, per
   * phase (above 1: this configuration is faster than per-step).
   *
   * @return configuration label -> {@code form} (the input convolution the forecaster reported,
   *     e.g. {@code hoisted}), {@code forward}, {@code train} (ratios, NaN if a phase is missing)
   */
  static Map<String, Map<String, Object>> hoistingGains(ModelResults mr) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Measurement m : mr.measurements()) {
      int slash = m.label().indexOf('/');
      String backend = slash < 0 ? m.label() : m.label().substring(0, slash);
      String perStep = backend + "/" + BenchConfiguration.PER_STEP;
      if (m.label().equals(perStep) || !backend.startsWith("djl-")
          || mr.measurements().stream().noneMatch(x -> x.label().equals(perStep))) {
        continue;
      }
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("form", m.runtime("inputConvolution").orElse("?"));
      g.put("forward", Ratios.speedup(mr.measurements(), m.label(), perStep,
          Measurement::forward));
      g.put("train", Ratios.speedup(mr.measurements(), m.label(), perStep,
          Measurement::train));
      out.put(m.label(), g);
    }
    return out;
  }

  /**
   * Issue 18's speed target as it applies to an AVX2 machine: {@code reference/winograd4}
   * (F(4×4), opt-in) forward and training step both at least
   * {@value #WINOGRAD4_SPEED_TARGET}× faster than djl-pytorch's in the same run.
   */
  private static Target winograd4Target(List<Measurement> ms) {
    String goal = REFERENCE_WINOGRAD4 + " forward and training step >= "
        + (int) WINOGRAD4_SPEED_TARGET + "x faster than " + DJL_PYTORCH + "'s";
    double fwd = Ratios.speedup(ms, REFERENCE_WINOGRAD4, DJL_PYTORCH, Measurement::forward);
    double train = Ratios.speedup(ms, REFERENCE_WINOGRAD4, DJL_PYTORCH, Measurement::train);
    if (Double.isNaN(fwd) || Double.isNaN(train)) {
      return new Target(goal, DJL_PYTORCH + " or " + REFERENCE_WINOGRAD4
          + " not measured (both phases)", "not measured");
    }
    return bothPhases(goal, fwd, train, WINOGRAD4_SPEED_TARGET);
  }

  /** Met when both the forward and the training-step figure reach {@code threshold}. */
  private static Target bothPhases(String goal, double fwd, double train, double threshold) {
    boolean met = fwd >= threshold && train >= threshold;
    return new Target(goal, String.format(java.util.Locale.ROOT,
        "forward %.2fx, training step %.2fx", fwd, train), met ? "met" : "NOT met");
  }

  /** Issue 18's thread-scaling target, judged on {@code reference/vector} against {@code @1}. */
  private static Target threadScalingTarget(ModelResults mr) {
    String goal = "two threads >= " + THREAD_SCALING_TARGET + "x one thread ("
        + REFERENCE_VECTOR + " vs " + REFERENCE_VECTOR + BenchConfiguration.THREADS
        + "1, forward and training step)";
    Map<String, Object> s = mr == null ? null
        : threadScaling(mr).get(REFERENCE_VECTOR + BenchConfiguration.THREADS + "1");
    if (s == null || ((Number) s.get("runThreads")).intValue() != 2) {
      return new Target(goal, REFERENCE_VECTOR + " on 2 threads (--threads 2) and "
          + REFERENCE_VECTOR + BenchConfiguration.THREADS + "1 not both measured",
          "not measured");
    }
    double fwd = (Double) s.get("forward");
    double train = (Double) s.get("train");
    if (Double.isNaN(fwd) || Double.isNaN(train)) {
      return new Target(goal, "a phase failed: forward " + fwd + ", training step " + train,
          "not measured");
    }
    return bothPhases(goal, fwd, train, THREAD_SCALING_TARGET);
  }

  /**
   * How configurations scale with threads, on one model: for every {@code X@N} measured next
   * to {@code X} (which ran on the run's thread count), the median time of {@code X@N} divided
   * by {@code X}'s, per phase (how many times faster X's threads are than N).
   *
   * @return label of {@code X@N} -> {@code base} (X), {@code threads} (N), {@code runThreads}
   *     (X's), {@code forward}, {@code train} (ratios, NaN if a phase is missing)
   */
  static Map<String, Map<String, Object>> threadScaling(ModelResults mr) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Measurement few : mr.measurements()) {
      String base = BenchConfiguration.baseLabel(few.label());
      if (base.equals(few.label())) {
        continue;
      }
      for (Measurement all : mr.measurements()) {
        if (!all.label().equals(base) || !all.raw().containsKey("threads")
            || !few.raw().containsKey("threads")) {
          continue;
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("base", base);
        g.put("threads", (int) Json.number(few.raw(), "threads"));
        g.put("runThreads", (int) Json.number(all.raw(), "threads"));
        g.put("forward", Ratios.speedup(mr.measurements(), base, few.label(),
            Measurement::forward));
        g.put("train", Ratios.speedup(mr.measurements(), base, few.label(),
            Measurement::train));
        out.put(few.label(), g);
      }
    }
    return out;
  }

  /** Everything as one JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("machine", machine);
    j.put("flopFormula", Flops.FORMULA);
    j.put("gflopsDefinition", Flops.EFFECTIVE);
    j.put("ratioDefinition", "ratios[phase][A][B] = median(B) / median(A): how many times "
        + "faster A is than B");
    j.put("kernels", kernels);
    List<Object> ms = new ArrayList<>();
    for (ModelResults mr : models) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", mr.model().label());
      m.put("description", mr.model().description());
      m.put("shape", mr.model().shapeDescription());
      m.put("forwardGflop", Flops.forward(mr.model()) / 1e9);
      m.put("trainingStepGflop", Flops.trainingStep(mr.model()) / 1e9);
      List<Object> rows = new ArrayList<>();
      for (Measurement x : mr.measurements()) {
        rows.add(x.toJson());
      }
      m.put("results", rows);
      Map<String, Object> ratios = new LinkedHashMap<>();
      ratios.put("forward", Ratios.matrix(mr.measurements(), Measurement::forward));
      ratios.put("train", Ratios.matrix(mr.measurements(), Measurement::train));
      m.put("ratios", ratios);
      m.put("hoistingGain", hoistingGains(mr));
      m.put("threadScaling", threadScaling(mr));
      ms.add(m);
    }
    j.put("models", ms);
    List<Object> ts = new ArrayList<>();
    for (Target t : targets()) {
      ts.add(t.toJson());
    }
    ModelResults tm = targetModel();
    j.put("targetsModel", tm == null ? null : tm.model().label());
    j.put("targets", ts);
    List<Object> info = new ArrayList<>();
    for (Target t : informative()) {
      info.add(t.toJson());
    }
    j.put("informative", info);
    j.put("skipped", new ArrayList<Object>(skipped));
    return j;
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.metrics.ContingencyTable;
import io.github.convlstm4j.api.metrics.PersistenceComparison;
import io.github.convlstm4j.api.metrics.ScoreConfig;
import io.github.convlstm4j.api.metrics.ScoreConfig.FssScale;
import io.github.convlstm4j.api.metrics.ScoreTable;
import io.github.convlstm4j.api.metrics.StepScores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The {@code --scores} option of {@code evaluate}: a comma-separated list such as {@code
 * mse,mae,ssim,psnr,csi:0.5,fss:0.5:3}, the {@link ScoreConfig} it needs, and the per-step table
 * of model next to persistence.
 *
 * <p>Names: {@code mse}, {@code mae} (per pixel), {@code mse-sum}, {@code mae-sum} (summed over
 * each frame, OpenSTL's convention), {@code psnr}, {@code ssim}, {@code csi:T}, {@code pod:T},
 * {@code far:T}, {@code ets:T}, {@code hss:T} (event: value &gt; T) and {@code fss:T:W} (event:
 * value &gt;= T, odd window W), in the data's units after reading (uint8 files are divided by
 * 255).
 */
final class ScoreList {

  /** The names accepted, for messages. */
  static final String NAMES = "mse, mae, mse-sum, mae-sum, psnr, ssim, csi:T, pod:T, far:T, "
      + "ets:T, hss:T, fss:T:W";

  /** One column: its label and how to read it from a step. */
  record Column(String label, ToDoubleFunction<StepScores> value) {}

  private final String spec;
  private final List<Column> columns;
  private final ScoreConfig config;

  private ScoreList(String spec, List<Column> columns, ScoreConfig config) {
    this.spec = spec;
    this.columns = List.copyOf(columns);
    this.config = config;
  }

  /**
   * Parses a list.
   *
   * @param spec the option's value
   * @param horizon steps scored
   * @param dataRange range for PSNR and SSIM
   * @throws UsageException naming the list and the bad entry
   */
  static ScoreList parse(String spec, int horizon, double dataRange) {
    if (spec == null || spec.isBlank()) {
      throw new UsageException("--scores must name at least one of " + NAMES + ", got '"
          + spec + "'");
    }
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<Double> thresholds = new LinkedHashSet<>();
    Set<FssScale> scales = new LinkedHashSet<>();
    boolean ssim = false;
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim().toLowerCase(Locale.ROOT);
      String[] parts = item.split(":", -1);
      String name = parts[0];
      try {
        if (!seen.add(item)) {
          throw new IllegalArgumentException("it is listed twice");
        }
        switch (name) {
          case "mse" -> columns.add(new Column("mse", StepScores::mse));
          case "mae" -> columns.add(new Column("mae", StepScores::mae));
          case "mse-sum" -> columns.add(new Column("mse-sum", StepScores::mseFrameSum));
          case "mae-sum" -> columns.add(new Column("mae-sum", StepScores::maeFrameSum));
          case "psnr" -> columns.add(new Column("psnr", StepScores::psnr));
          case "ssim" -> {
            ssim = true;
            columns.add(new Column("ssim", StepScores::ssim));
          }
          case "csi", "pod", "far", "ets", "hss" -> {
            if (parts.length != 2) {
              throw new IllegalArgumentException(name + " takes one threshold, for example "
                  + name + ":0.5");
            }
            double t = number(parts[1]);
            new ScoreConfig(1, 1, false, List.of(t), List.of()); // validates the threshold
            thresholds.add(t + 0.0);
            columns.add(new Column(name + ":" + parts[1], s -> categorical(s.contingency(t),
                name)));
          }
          case "fss" -> {
            if (parts.length != 3) {
              throw new IllegalArgumentException(
                  "fss takes a threshold and an odd window, for example fss:0.5:3");
            }
            double t = number(parts[1]);
            int w;
            try {
              w = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("window must be an integer, got '"
                  + parts[2] + "'", e);
            }
            FssScale scale = new FssScale(t, w);
            scales.add(scale);
            columns.add(new Column(item, s -> s.fss(scale.threshold(), scale.window()).fss()));
          }
          default -> throw new IllegalArgumentException("unknown score, expected one of "
              + NAMES);
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException("--scores '" + spec + "': '" + raw.trim() + "': "
            + e.getMessage(), e);
      }
    }
    ScoreConfig config = new ScoreConfig(horizon, dataRange, ssim, new ArrayList<>(thresholds),
        new ArrayList<>(scales));
    return new ScoreList(spec, columns, config);
  }

  private static double number(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("threshold must be a number, got '" + s + "'", e);
    }
  }

  private static double categorical(ContingencyTable t, String name) {
    return switch (name) {
      case "csi" -> t.csi();
      case "pod" -> t.pod();
      case "far" -> t.far();
      case "ets" -> t.ets();
      case "hss" -> t.hss();
      default -> throw new IllegalStateException(name);
    };
  }

  ScoreConfig config() {
    return config;
  }

  String spec() {
    return spec;
  }

  List<Column> columns() {
    return columns;
  }

  /** The per-step table: per score a model and a persistence column. */
  void print(PrintWriter out, PersistenceComparison.Result r, String title) {
    out.printf(Locale.ROOT, "%n%s%n", title);
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%5s %8s", "step",
        "frames"));
    for (Column c : columns) {
      int w = width(c);
      head.append("  ").append(pad(c.label() + " model", w)).append(' ')
          .append(pad("persist.", w));
    }
    out.println(head);
    ScoreTable model = r.model();
    ScoreTable pers = r.persistence();
    for (int s = 1; s <= model.steps().size(); s++) {
      StepScores m = model.step(s);
      StepScores p = pers.step(s);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d %8d", s,
          m.frames()));
      for (Column c : columns) {
        int w = width(c);
        row.append("  ").append(pad(cell(c.value().applyAsDouble(m)), w)).append(' ')
            .append(pad(cell(c.value().applyAsDouble(p)), w));
      }
      out.println(row);
    }
    out.println("(n/a: undefined, no event in forecast or truth; mse/mae per pixel, *-sum per "
        + "frame; csi..hss: value > T; fss: value >= T, window W, zero padding)");
  }

  private static int width(Column c) {
    return Math.max(11, c.label().length() + 6);
  }

  private static String pad(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }

  private static String cell(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    return a != 0 && (a < 1e-3 || a >= 1e5)
        ? String.format(Locale.ROOT, "%.4e", v) : String.format(Locale.ROOT, "%.5f", v);
  }

  /** The figures for --json: per score, model and persistence per step. */
  Map<String, Object> toJson(PersistenceComparison.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spec", spec);
    m.put("persistence", "last context frame repeated");
    for (Column c : columns) {
      Map<String, Object> pair = new LinkedHashMap<>();
      pair.put("model", values(r.model(), c));
      pair.put("persistence", values(r.persistence(), c));
      m.put(c.label(), pair);
    }
    return m;
  }

  private static double[] values(ScoreTable t, Column c) {
    double[] v = new double[t.steps().size()];
    for (int s = 0; s < v.length; s++) {
      v[s] = c.value().applyAsDouble(t.steps().get(s));
    }
    return v;
  }
}

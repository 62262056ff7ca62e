package io.github.convlstm4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pairwise speed ratios between configurations measured in the same run: entry (row A, column
 * B) is {@code median(B) / median(A)}, how many times faster A is than B (above 1: A is
 * faster).
 */
final class Ratios {

  private Ratios() {}

  /** The matrix over the configurations that have a figure for {@code phase}. */
  static Map<String, Map<String, Double>> matrix(List<Measurement> ms,
      Function<Measurement, Stats> phase) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Measurement a : ms) {
      if (!phase.apply(a).present()) {
        continue;
      }
      Map<String, Double> row = new LinkedHashMap<>();
      for (Measurement b : ms) {
        if (phase.apply(b).present()) {
          row.put(b.label(), phase.apply(b).median() / phase.apply(a).median());
        }
      }
      out.put(a.label(), row);
    }
    return out;
  }

  /** How many times faster {@code a} is than {@code b} in {@code phase}, NaN if unknown. */
  static double speedup(List<Measurement> ms, String a, String b,
      Function<Measurement, Stats> phase) {
    Stats sa = find(ms, a, phase);
    Stats sb = find(ms, b, phase);
    return sa.present() && sb.present() ? sb.median() / sa.median() : Double.NaN;
  }

  private static Stats find(List<Measurement> ms, String label,
      Function<Measurement, Stats> phase) {
    for (Measurement m : ms) {
      if (m.label().equals(label)) {
        return phase.apply(m);
      }
    }
    return Stats.NONE;
  }
}

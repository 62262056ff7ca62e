package io.github.convlstm4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One performance target and whether this run met it.
 *
 * @param goal what is asked, in words
 * @param measured the figure measured, in words
 * @param status {@code met}, {@code NOT met} or {@code not measured}
 */
record Target(String goal, String measured, String status) {

  /** A target decided by {@code value >= threshold}; not measured when the value is NaN. */
  static Target atLeast(String goal, double value, double threshold, String format,
      String missing) {
    if (Double.isNaN(value)) {
      return new Target(goal, missing, "not measured");
    }
    return new Target(goal, String.format(java.util.Locale.ROOT, format, value),
        value >= threshold ? "met" : "NOT met");
  }

  /** As a JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("goal", goal);
    m.put("measured", measured);
    m.put("status", status);
    return m;
  }
}

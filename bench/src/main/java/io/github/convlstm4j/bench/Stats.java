package io.github.convlstm4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Median, minimum and maximum of timed repetitions, in seconds (warm-up runs excluded).
 *
 * @param median the median (mean of the middle two for an even count)
 * @param min the fastest run
 * @param max the slowest run
 * @param samples every timed run in order
 */
record Stats(double median, double min, double max, List<Double> samples) {

  /** No measurement. */
  static final Stats NONE = new Stats(Double.NaN, Double.NaN, Double.NaN, List.of());

  Stats {
    samples = List.copyOf(samples);
  }

  /** Statistics of the given samples, {@link #NONE} when there are none. */
  static Stats of(List<Double> samples) {
    if (samples.isEmpty()) {
      return NONE;
    }
    double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Stats(median, s[0], s[n - 1], samples);
  }

  /** Whether there is a measurement. */
  boolean present() {
    return !samples.isEmpty();
  }

  /** As a JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", median);
    m.put("min", min);
    m.put("max", max);
    m.put("samples", new ArrayList<Object>(samples));
    return m;
  }

  /** From a JSON object with a {@code samples} array (median etc. are recomputed). */
  static Stats fromJson(Map<String, Object> m) {
    Object s = m.get("samples");
    List<Double> samples = new ArrayList<>();
    if (s instanceof List) {
      for (Object o : (List<?>) s) {
        if (o instanceof Number) {
          samples.add(((Number) o).doubleValue());
        }
      }
    }
    return of(samples);
  }
}

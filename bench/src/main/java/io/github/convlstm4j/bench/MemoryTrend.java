package io.github.convlstm4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a memory figure stays flat over many calls: the post-warm-up samples of one phase of
 * a soak, their growth and least-squares slope, and the verdict of the flatness rule
 * {@link #RULE}.
 *
 * @param start the first post-warm-up sample (the figure right after warm-up), MiB
 * @param max the largest post-warm-up sample, MiB
 * @param last the last sample, MiB
 * @param growth {@code max - start}, MiB
 * @param allowance {@code max(10 % of start, 64 MiB)}
 * @param slopePerThousand least-squares slope of the samples against the call count, MiB per
 *     1,000 calls
 * @param fittedRise the slope times the calls the samples span, MiB
 * @param samples how many post-warm-up samples
 * @param verdict {@link #FLAT}, {@link #GROWS} or {@link #TOO_FEW}
 */
record MemoryTrend(double start, double max, double last, double growth, double allowance,
    double slopePerThousand, double fittedRise, int samples, String verdict) {

  /** Verdict: the rule holds. */
  static final String FLAT = "flat";
  /** Verdict: the rule does not hold. */
  static final String GROWS = "GROWS";
  /** Verdict: fewer than three post-warm-up samples, nothing decided. */
  static final String TOO_FEW = "too few samples";
  /** Relative allowance: 10 % of the post-warm-up figure. */
  static final double RELATIVE_ALLOWANCE = 0.10;
  /** Absolute allowance floor, MiB. */
  static final double ABSOLUTE_ALLOWANCE_MIB = 64;
  /** The rule in words. */
  static final String RULE = "flat when, over the samples after warm-up, (1) the largest "
      + "resident set exceeds the one right after warm-up by less than the allowance "
      + "max(10 % of it, 64 MiB), and (2) the least-squares line through the samples rises by "
      + "less than half the allowance over the calls they span; at least 3 samples";

  /** One sample: calls completed in the phase and the figure then. */
  record Sample(long calls, double mib) {}

  /**
   * The trend of {@code samples} (calls ascending), all taken after warm-up; the first is the
   * reference point.
   *
   * @throws IllegalArgumentException if {@code samples} is empty
   */
  static MemoryTrend of(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("samples must not be empty, got 0");
    }
    double start = samples.get(0).mib();
    double max = start;
    for (Sample s : samples) {
      max = Math.max(max, s.mib());
    }
    double last = samples.get(samples.size() - 1).mib();
    double allowance = Math.max(RELATIVE_ALLOWANCE * start, ABSOLUTE_ALLOWANCE_MIB);
    double slope = slopePerCall(samples);
    long span = samples.get(samples.size() - 1).calls() - samples.get(0).calls();
    double rise = slope * span;
    double growth = max - start;
    String verdict = samples.size() < 3 ? TOO_FEW
        : growth < allowance && rise < allowance / 2 ? FLAT : GROWS;
    return new MemoryTrend(start, max, last, growth, allowance, 1000 * slope, rise,
        samples.size(), verdict);
  }

  /**
   * The least-squares slope of the figures against the call counts, MiB per call; 0 for fewer
   * than two distinct call counts.
   */
  static double slopePerCall(List<Sample> samples) {
    double mx = 0;
    double my = 0;
    for (Sample s : samples) {
      mx += s.calls();
      my += s.mib();
    }
    mx /= samples.size();
    my /= samples.size();
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      double dx = s.calls() - mx;
      sxy += dx * (s.mib() - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  /** As a JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("startMiB", start);
    m.put("maxMiB", max);
    m.put("lastMiB", last);
    m.put("growthMiB", growth);
    m.put("allowanceMiB", allowance);
    m.put("slopeMiBPer1000Calls", slopePerThousand);
    m.put("fittedRiseMiB", fittedRise);
    m.put("samples", samples);
    m.put("verdict", verdict);
    return m;
  }

  /** The verdict with the figures that decided it, e.g. "flat (growth 12 < 64 MiB, ...)". */
  String explanation() {
    if (verdict.equals(TOO_FEW)) {
      return verdict + " (" + samples + ")";
    }
    return String.format(Locale.ROOT, "%s (growth %.0f %s %.0f MiB; fitted rise %.1f %s %.0f "
        + "MiB)", verdict, growth, growth < allowance ? "<" : ">=", allowance, fittedRise,
        fittedRise < allowance / 2 ? "<" : ">=", allowance / 2);
  }
}

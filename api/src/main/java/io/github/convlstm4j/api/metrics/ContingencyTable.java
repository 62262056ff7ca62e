package io.github.convlstm4j.api.metrics;

/**
 * A 2×2 contingency table of yes/no events at one threshold, and the categorical scores derived
 * from it. A value is an <em>event</em> if it is strictly greater than the threshold ({@code
 * value > threshold}, as pysteps' {@code verification/detcatscores.py} {@code
 * det_cat_fct_accum}); with {@code H} hits (forecast yes, observed yes), {@code M} misses
 * (forecast no, observed yes), {@code F} false alarms (forecast yes, observed no) and {@code R}
 * correct negatives (both no), {@code N = H + M + F + R}:
 *
 * <ul>
 *   <li>POD, probability of detection: {@code H / (H + M)}
 *   <li>FAR, false alarm ratio: {@code F / (H + F)}
 *   <li>CSI, critical success index (threat score): {@code H / (H + M + F)}
 *   <li>ETS, equitable threat score (Gilbert skill score): {@code (H - Hr) / (H + M + F - Hr)}
 *       with {@code Hr = (H + M)(H + F) / N}, the hits expected by chance
 *   <li>HSS, Heidke skill score: {@code 2(H·R - F·M) / ((H + M)(M + R) + (H + F)(F + R))}
 * </ul>
 *
 * <p>These are the formulas of pysteps' {@code det_cat_fct_compute} and of the WWRP/WGNE Joint
 * Working Group on Forecast Verification Research's page "Forecast verification: issues,
 * methods and FAQ" (dichotomous forecasts). Arithmetic is in double from the exact counts.
 * <b>Undefined cases</b>: a score whose denominator is 0 is {@code NaN} (for example CSI when
 * neither forecast nor observation holds an event, POD when nothing was observed); pysteps
 * gives NaN for the same cases. {@code NaN} means "no information", not "bad".
 *
 * @param threshold the event threshold
 * @param hits forecast and observed events, {@code >= 0}
 * @param misses observed events not forecast, {@code >= 0}
 * @param falseAlarms forecast events not observed, {@code >= 0}
 * @param correctNegatives neither forecast nor observed, {@code >= 0}
 */
public record ContingencyTable(double threshold, long hits, long misses, long falseAlarms,
    long correctNegatives) {

  /**
   * Validates the counts.
   *
   * @param threshold see the record description
   * @param hits see the record description
   * @param misses see the record description
   * @param falseAlarms see the record description
   * @param correctNegatives see the record description
   * @throws IllegalArgumentException if a count is negative
   */
  public ContingencyTable {
    if (hits < 0 || misses < 0 || falseAlarms < 0 || correctNegatives < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got hits " + hits + ", misses "
          + misses + ", false alarms " + falseAlarms + ", correct negatives "
          + correctNegatives);
    }
  }

  /**
   * All values counted.
   *
   * @return {@code H + M + F + R}
   */
  public long total() {
    return hits + misses + falseAlarms + correctNegatives;
  }

  /**
   * Probability of detection.
   *
   * @return {@code H / (H + M)}, NaN if nothing was observed
   */
  public double pod() {
    return ratio(hits, (double) hits + misses);
  }

  /**
   * False alarm ratio.
   *
   * @return {@code F / (H + F)}, NaN if nothing was forecast
   */
  public double far() {
    return ratio(falseAlarms, (double) hits + falseAlarms);
  }

  /**
   * Critical success index.
   *
   * @return {@code H / (H + M + F)}, NaN if neither side holds an event
   */
  public double csi() {
    return ratio(hits, (double) hits + misses + falseAlarms);
  }

  /**
   * Equitable threat score.
   *
   * @return {@code (H - Hr) / (H + M + F - Hr)}, NaN if the denominator is 0 (or nothing was
   *     counted)
   */
  public double ets() {
    double n = total();
    if (n == 0) {
      return Double.NaN;
    }
    double h = hits;
    double hr = (h + misses) * (h + falseAlarms) / n;
    return ratio(h - hr, h + misses + falseAlarms - hr);
  }

  /**
   * Heidke skill score.
   *
   * @return {@code 2(H·R - F·M) / ((H + M)(M + R) + (H + F)(F + R))}, NaN if the denominator
   *     is 0
   */
  public double hss() {
    double h = hits;
    double m = misses;
    double f = falseAlarms;
    double r = correctNegatives;
    return ratio(2 * (h * r - f * m), (h + m) * (m + r) + (h + f) * (f + r));
  }

  private static double ratio(double num, double den) {
    return den == 0 ? Double.NaN : num / den;
  }
}

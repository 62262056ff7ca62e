package io.github.convlstm4j.api.metrics;

/**
 * The fractions skill score (Roberts &amp; Lean 2008, "Scale-selective verification of rainfall
 * accumulations from high-resolution forecasts of convective events", Mon. Wea. Rev. 136) at one
 * threshold and window, with the sums it is made of.
 *
 * <p>Per frame and channel the forecast and observed fields become binary ({@code value >=
 * threshold}, as pysteps' {@code verification/spatialscores.py} {@code fss_accum}); the
 * fraction {@code P(r, c)} is the number of events in the {@code window × window} box centred on
 * {@code (r, c)} divided by {@code window²}, cells outside the frame counting as no event (zero
 * padding: scipy's {@code uniform_filter(I, size=window, mode="constant", cval=0)}, which
 * pysteps uses). The sums run over every pixel, channel and frame scored:
 * {@code FSS = 1 - Σ(Pf - Po)² / (ΣPf² + ΣPo²)}. pysteps accumulates {@code ΣPf·Po} instead of
 * {@code Σ(Pf - Po)²}; the two are the same score ({@code Σ(Pf - Po)² = ΣPf² - 2ΣPf·Po + ΣPo²}).
 *
 * <p><b>Undefined case</b>: with no event in either field {@code ΣPf² + ΣPo² = 0} and the score
 * is {@code NaN} (pysteps: {@code 1 - 0/0}).
 *
 * @param threshold the event threshold
 * @param window the side of the square window, odd
 * @param sumSquaredDifference {@code Σ(Pf - Po)²}
 * @param sumForecastSquared {@code ΣPf²}
 * @param sumObservedSquared {@code ΣPo²}
 */
public record FssScore(double threshold, int window, double sumSquaredDifference,
    double sumForecastSquared, double sumObservedSquared) {

  /**
   * The score.
   *
   * @return {@code 1 - Σ(Pf - Po)² / (ΣPf² + ΣPo²)} in [0, 1], NaN without any event
   */
  public double fss() {
    double den = sumForecastSquared + sumObservedSquared;
    return den == 0 ? Double.NaN : 1 - sumSquaredDifference / den;
  }
}

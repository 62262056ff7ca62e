package io.github.convlstm4j.api.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ScoreAccumulator} computes. Immutable and validated at construction; two
 * accumulators can be {@linkplain ScoreAccumulator#merge merged} only if their configs are
 * equal.
 *
 * <p>Every accumulator computes per step the MSE and MAE in both conventions and the PSNR;
 * SSIM is optional (it needs frames of at least 7×7 and costs most of the time); the
 * contingency scores (CSI, POD, FAR, ETS, HSS) are computed at each of {@link #thresholds()},
 * the fractions skill score at each {@link FssScale} of {@link #fss()}.
 *
 * @param horizon the most forecast steps one {@code add} may hold, at least 1
 * @param dataRange span of possible values for PSNR and SSIM (1 for frames in [0, 1]), positive
 *     and finite
 * @param ssim whether SSIM is computed
 * @param thresholds event thresholds of the contingency scores, each finite and {@code >= 0},
 *     no duplicates (kept in the given order)
 * @param fss (threshold, window) pairs of the fractions skill score, no duplicates
 */
public record ScoreConfig(int horizon, double dataRange, boolean ssim, List<Double> thresholds,
    List<FssScale> fss) implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * One scale of the fractions skill score: an event threshold and a square window.
   *
   * @param threshold event threshold: a value is an event if {@code value >= threshold} (the
   *     FSS convention of pysteps); finite and {@code >= 0}
   * @param window side of the square neighbourhood in pixels, odd and {@code >= 1} (odd so the
   *     window is centred on its pixel; 1 compares the binary fields themselves)
   */
  public record FssScale(double threshold, int window) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Validates both fields.
     *
     * @param threshold see the record description
     * @param window see the record description
     * @throws IllegalArgumentException naming the bad value
     */
    public FssScale {
      requireThreshold("FSS threshold", threshold);
      threshold += 0.0; // -0.0 becomes 0.0, so equal scales are equal records
      if (window < 1 || window % 2 == 0) {
        throw new IllegalArgumentException(
            "FSS window must be an odd number of pixels >= 1, got " + window);
      }
    }
  }

  /**
   * Validates every field and copies the lists.
   *
   * @param horizon see the record description
   * @param dataRange see the record description
   * @param ssim see the record description
   * @param thresholds see the record description
   * @param fss see the record description
   * @throws IllegalArgumentException naming the bad value
   */
  public ScoreConfig {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
    }
    if (!(dataRange > 0) || !Double.isFinite(dataRange)) {
      throw new IllegalArgumentException(
          "dataRange must be positive and finite, got " + dataRange);
    }
    List<Double> checked = new ArrayList<>();
    for (Double t : Objects.requireNonNull(thresholds, "thresholds")) {
      requireThreshold("threshold", Objects.requireNonNull(t, "threshold"));
      checked.add(t + 0.0); // -0.0 becomes 0.0
    }
    thresholds = List.copyOf(checked);
    if (thresholds.stream().distinct().count() != thresholds.size()) {
      throw new IllegalArgumentException("thresholds must be distinct, got " + thresholds);
    }
    fss = List.copyOf(Objects.requireNonNull(fss, "fss"));
    if (fss.stream().distinct().count() != fss.size()) {
      throw new IllegalArgumentException("FSS scales must be distinct, got " + fss);
    }
  }

  /**
   * MSE, MAE, PSNR and SSIM for frames in [0, 1] (data range 1), no thresholds.
   *
   * @param horizon the most steps per {@code add}
   * @return the config
   */
  public static ScoreConfig of(int horizon) {
    return new ScoreConfig(horizon, Metrics.DEFAULT_DATA_RANGE, true, List.of(), List.of());
  }

  /**
   * This config with another data range.
   *
   * @param range positive and finite
   * @return a new config
   */
  public ScoreConfig withDataRange(double range) {
    return new ScoreConfig(horizon, range, ssim, thresholds, fss);
  }

  /**
   * This config with SSIM switched on or off.
   *
   * @param on whether SSIM is computed
   * @return a new config
   */
  public ScoreConfig withSsim(boolean on) {
    return new ScoreConfig(horizon, dataRange, on, thresholds, fss);
  }

  /**
   * This config with these contingency thresholds (replacing any).
   *
   * @param values finite, {@code >= 0}, distinct
   * @return a new config
   */
  public ScoreConfig withThresholds(double... values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return new ScoreConfig(horizon, dataRange, ssim, list, fss);
  }

  /**
   * This config with these FSS scales (replacing any).
   *
   * @param scales distinct scales
   * @return a new config
   */
  public ScoreConfig withFss(FssScale... scales) {
    return new ScoreConfig(horizon, dataRange, ssim, thresholds, List.of(scales));
  }

  static void requireThreshold(String what, double t) {
    if (!(t >= 0) || !Double.isFinite(t)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + t);
    }
  }
}

package io.github.convlstm4j.api.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The scores of one forecast step over everything accumulated. A step without frames has
 * {@code frames == 0} and {@code NaN} for every mean.
 *
 * @param step the forecast step, 1-based (1 = the first frame after the context)
 * @param frames frames scored at this step (one per sequence that reached it)
 * @param mse mean squared error per value (pixel and channel)
 * @param mae mean absolute error per value
 * @param mseFrameSum squared error summed over each frame, averaged over frames (OpenSTL's
 *     "MSE" on Moving MNIST); {@code mse · H·W·C}
 * @param maeFrameSum absolute error summed over each frame, averaged over frames
 * @param psnr mean over frames of the per-frame PSNR, as {@link Metrics#psnrPerFrame};
 *     {@code +Infinity} if some frame was exact
 * @param ssim mean over frames of the per-frame SSIM, as {@link Metrics#ssimPerFrame}; NaN if
 *     SSIM was not configured
 * @param categorical one contingency table per configured threshold, in config order
 * @param fss one FSS per configured scale, in config order
 */
public record StepScores(int step, long frames, double mse, double mae, double mseFrameSum,
    double maeFrameSum, double psnr, double ssim, List<ContingencyTable> categorical,
    List<FssScore> fss) {

  /**
   * Copies the lists.
   *
   * @param step see the record description
   * @param frames see the record description
   * @param mse see the record description
   * @param mae see the record description
   * @param mseFrameSum see the record description
   * @param maeFrameSum see the record description
   * @param psnr see the record description
   * @param ssim see the record description
   * @param categorical see the record description
   * @param fss see the record description
   */
  public StepScores {
    categorical = List.copyOf(Objects.requireNonNull(categorical, "categorical"));
    fss = List.copyOf(Objects.requireNonNull(fss, "fss"));
  }

  /**
   * The contingency table at a configured threshold.
   *
   * @param threshold one of the config's thresholds
   * @return its table
   * @throws IllegalArgumentException if the threshold was not configured, listing those that
   *     were
   */
  public ContingencyTable contingency(double threshold) {
    for (ContingencyTable t : categorical) {
      if (Double.compare(t.threshold(), threshold + 0.0) == 0) {
        return t;
      }
    }
    throw new IllegalArgumentException("threshold must be one of "
        + categorical.stream().map(ContingencyTable::threshold).toList() + ", got " + threshold);
  }

  /**
   * The FSS at a configured scale.
   *
   * @param threshold the scale's threshold
   * @param window the scale's window
   * @return its score
   * @throws IllegalArgumentException if the scale was not configured, listing those that were
   */
  public FssScore fss(double threshold, int window) {
    for (FssScore s : fss) {
      if (Double.compare(s.threshold(), threshold + 0.0) == 0 && s.window() == window) {
        return s;
      }
    }
    throw new IllegalArgumentException("FSS scale must be one of "
        + fss.stream().map(s -> s.threshold() + ":" + s.window()).toList() + ", got "
        + threshold + ":" + window);
  }
}

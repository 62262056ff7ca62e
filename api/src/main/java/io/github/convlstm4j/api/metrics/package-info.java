/**
 * Scores of forecasts against targets: per-pixel MSE, MAE and binary cross-entropy, the
 * per-frame-sum MSE and MAE of the video-prediction literature, PSNR, SSIM as scikit-image
 * computes it, and the persistence baseline ({@link io.github.convlstm4j.api.metrics.Metrics},
 * {@link io.github.convlstm4j.api.metrics.Baselines}).
 *
 * <p>For scoring many forecasts, in pieces: {@link
 * io.github.convlstm4j.api.metrics.ScoreAccumulator} accumulates per forecast step those scores
 * plus the nowcasting scores (CSI, POD, FAR, ETS, HSS at thresholds, FSS at thresholds and
 * window sizes) and merges exactly; {@link
 * io.github.convlstm4j.api.metrics.PersistenceComparison} keeps a model's and persistence's
 * side by side.
 */
package io.github.convlstm4j.api.metrics;

/**
 * Scores of forecasts against targets: per-pixel MSE, MAE and binary cross-entropy, the
 * per-frame-sum MSE and MAE of the video-prediction literature, PSNR, SSIM as scikit-image
 * computes it, and the persistence baseline.
 */
package io.github.convlstm4j.api.metrics;

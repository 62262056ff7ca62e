package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.io.PendingFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The demo's charts, drawn with XChart and saved as PNG. */
final class Charts {

  private Charts() {}

  /**
   * Training and validation loss per epoch.
   *
   * @param epochs the epoch events
   * @param lossName the loss, for the axis title
   * @param file the PNG to write
   */
  static void writeLoss(List<EpochEvent> epochs, String lossName, Path file) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Training history").xAxisTitle("epoch").yAxisTitle(lossName).build();
    int n = epochs.size();
    double[] x = new double[n];
    double[] loss = new double[n];
    double[] val = new double[n];
    boolean hasVal = n > 0;
    boolean positive = true;
    for (int i = 0; i < n; i++) {
      EpochEvent e = epochs.get(i);
      x[i] = e.epoch();
      loss[i] = e.loss();
      val[i] = e.validationLoss();
      hasVal &= e.hasValidation();
      positive &= e.loss() > 0 && (!e.hasValidation() || e.validationLoss() > 0);
    }
    if (n == 0) {
      x = new double[] {0};
      loss = new double[] {0};
    }
    chart.getStyler().setYAxisLogarithmic(positive && n > 1);
    chart.getStyler().setMarkerSize(6);
    chart.addSeries("training loss", x, loss).setMarker(SeriesMarkers.CIRCLE);
    if (hasVal) {
      chart.addSeries("validation loss", x, val).setMarker(SeriesMarkers.DIAMOND);
    }
    save(chart, file);
  }

  /**
   * Mean squared error per rollout step, model against persistence.
   *
   * @param model model MSE per step
   * @param persistence persistence MSE per step
   * @param movies how many held-out movies were averaged, for the title
   * @param file the PNG to write
   */
  static void writeSteps(double[] model, double[] persistence, int movies, Path file)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Forecast error per rollout step (" + movies + " held-out movies)")
        .xAxisTitle("rollout step (frames after the 7 context frames)")
        .yAxisTitle("MSE per pixel vs clean frames").build();
    double[] x = new double[model.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setYAxisMin(0.0);
    XYSeries m = chart.addSeries("model (forecast)", x, model);
    m.setMarker(SeriesMarkers.CIRCLE);
    XYSeries p = chart.addSeries("persistence (last frame repeated)", x, persistence);
    p.setMarker(SeriesMarkers.SQUARE);
    save(chart, file);
  }

  private static void save(XYChart chart, Path file) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    PendingFile.write(file, out -> out.write(png));
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.BatchEvent;
import io.github.convlstm4j.api.EpochEvent;
import io.github.convlstm4j.api.TrainingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows training progress: a progress bar per epoch (batch, loss, ETA) on stdout when a console
 * is attached ({@code System.console() != null}), and one log line per epoch (with the ETA of
 * the whole run). Collects the epoch events, also across several
 * {@code fit} calls.
 */
final class TrainingProgress implements TrainingListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingProgress.class);

  private final boolean interactive;
  private final int lastEpoch;
  private final List<EpochEvent> epochs = new ArrayList<>();
  private final long started = System.nanoTime();
  private int firstEpoch = -1;
  private ProgressBar bar;
  private int barEpoch = -1;
  private double lossSum;
  private int lossCount;

  /**
   * @param interactive whether to draw a progress bar
   * @param lastEpoch the epoch number training ends at (for "epoch 3/20" and the ETA)
   */
  TrainingProgress(boolean interactive, int lastEpoch) {
    this.interactive = interactive;
    this.lastEpoch = lastEpoch;
  }

  /** A progress bar when a console is attached, log lines otherwise. */
  static TrainingProgress forConsole(int lastEpoch) {
    return new TrainingProgress(System.console() != null, lastEpoch);
  }

  @Override
  public void onBatch(BatchEvent e) {
    if (firstEpoch < 0) {
      firstEpoch = e.epoch();
    }
    if (barEpoch != e.epoch()) {
      lossSum = 0;
      lossCount = 0;
    }
    lossSum += e.loss();
    lossCount++;
    if (!interactive) {
      return;
    }
    if (barEpoch != e.epoch()) {
      closeBar();
      bar = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", e.epoch(), lastEpoch))
          .setInitialMax(e.batchesPerEpoch())
          .setStyle(ProgressBarStyle.ASCII)
          .setUnit(" batches", 1)
          .setUpdateIntervalMillis(250)
          // stdout: the launcher filters the JVM's incubator warning out of stderr line by
          // line, which would hold back a bar redrawn with carriage returns.
          .setConsumer(new ConsoleProgressBarConsumer(System.out))
          .build();
      barEpoch = e.epoch();
    }
    bar.stepTo(e.batch());
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / lossCount));
  }

  @Override
  public void onEpoch(EpochEvent e) {
    if (firstEpoch < 0) {
      firstEpoch = e.epoch();
    }
    barEpoch = -1;
    closeBar();
    epochs.add(e);
    String val = e.hasValidation()
        ? String.format(Locale.ROOT, ", val_loss %.5f", e.validationLoss()) : "";
    LOG.info(String.format(Locale.ROOT, "epoch %d/%d: loss %.5f%s, %s elapsed%s", e.epoch(),
        lastEpoch, e.loss(), val, format(elapsed()), eta(e.epoch())));
  }

  private String eta(int epoch) {
    int done = epoch - firstEpoch + 1;
    int left = lastEpoch - epoch;
    if (left <= 0 || done <= 0) {
      return "";
    }
    Duration per = elapsed().dividedBy(done);
    return ", ETA " + format(per.multipliedBy(left));
  }

  /** Time since this listener was created. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Every epoch event seen, in order. */
  List<EpochEvent> epochs() {
    return List.copyOf(epochs);
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void close() {
    closeBar();
  }
}

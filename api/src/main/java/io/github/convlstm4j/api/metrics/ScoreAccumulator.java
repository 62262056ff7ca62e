package io.github.convlstm4j.api.metrics;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-step forecast scores accumulated over any number of (prediction, truth) pairs, mergeable,
 * so that a large archive can be scored in pieces (threads, files, Spark partitions) and the
 * pieces combined.
 *
 * <p>{@link #add(FrameSequence, FrameSequence)} takes a forecast of up to {@link
 * ScoreConfig#horizon()} frames and its truth: frame {@code t} of both is scored as step {@code
 * t + 1}. {@link #result()} gives, per step: MSE and MAE per value and summed per frame, mean
 * per-frame PSNR, mean per-frame SSIM, the contingency scores at every threshold and the FSS at
 * every scale of the {@link ScoreConfig} (see {@link StepScores}, {@link ContingencyTable},
 * {@link FssScore} for the definitions and their undefined cases). Values are read as given:
 * every {@link FrameSequence} is finite by construction, so no NaN can enter.
 *
 * <h2>Exact merging</h2>
 *
 * <p>Every per-frame quantity (squared and absolute error summed over the frame, PSNR, SSIM,
 * the three FSS sums) is computed from that frame alone in a fixed order, and per-step totals
 * are kept as exact sums ({@code ExactSum}: Shewchuk's partials, Python's {@code math.fsum})
 * and contingency counts as {@code long}s. The totals therefore do not depend on the order or
 * grouping in which frames arrive: {@code a.merge(b).result()} equals, bit for bit, the result
 * of one accumulator fed a's and b's pairs in any order. Means are divided out only in {@link
 * #result()}.
 *
 * <p>All frames must share one frame shape: the first {@code add} fixes it (an empty
 * accumulator has none). Not thread-safe: use one per thread and merge. {@link Serializable},
 * so a partial result can cross JVMs (Spark executors) and be merged at the driver.
 */
public final class ScoreAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ScoreConfig config;
  /** Frame shape fixed by the first add, or 0 when nothing was added. */
  private int height;
  private int width;
  private int channels;

  private final long[] frames;
  private final ExactSum[] squaredError;
  private final ExactSum[] absoluteError;
  private final ExactSum[] psnr;
  private final long[] exactFrames;
  private final ExactSum[] ssim;
  /** [threshold][step]. */
  private final long[][] hits;
  private final long[][] misses;
  private final long[][] falseAlarms;
  private final long[][] correctNegatives;
  /** [scale][step], in event counts (fractions times window²). */
  private final ExactSum[][] fssDiff;
  private final ExactSum[][] fssForecast;
  private final ExactSum[][] fssObserved;

  /**
   * An empty accumulator.
   *
   * @param config what to compute
   */
  public ScoreAccumulator(ScoreConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    int steps = config.horizon();
    int nt = config.thresholds().size();
    int nf = config.fss().size();
    frames = new long[steps];
    exactFrames = new long[steps];
    squaredError = sums(steps);
    absoluteError = sums(steps);
    psnr = sums(steps);
    ssim = sums(steps);
    hits = new long[nt][steps];
    misses = new long[nt][steps];
    falseAlarms = new long[nt][steps];
    correctNegatives = new long[nt][steps];
    fssDiff = new ExactSum[nf][];
    fssForecast = new ExactSum[nf][];
    fssObserved = new ExactSum[nf][];
    for (int k = 0; k < nf; k++) {
      fssDiff[k] = sums(steps);
      fssForecast[k] = sums(steps);
      fssObserved[k] = sums(steps);
    }
  }

  private static ExactSum[] sums(int n) {
    ExactSum[] a = new ExactSum[n];
    for (int i = 0; i < n; i++) {
      a[i] = new ExactSum();
    }
    return a;
  }

  /**
   * The configuration.
   *
   * @return what this accumulator computes
   */
  public ScoreConfig config() {
    return config;
  }

  /**
   * The frame shape fixed by the first {@code add} or merge.
   *
   * @return the shape, or {@code null} while nothing was added
   */
  public FrameShape frameShape() {
    return height == 0 ? null : new FrameShape(height, width, channels);
  }

  /**
   * Scores one forecast: frame {@code t} of both sequences is step {@code t + 1}. The
   * arguments are checked before anything is counted, so a refused call changes nothing.
   *
   * @param prediction the forecast, 1 … horizon frames
   * @param truth the observed frames, same shape
   * @return this accumulator
   * @throws IllegalArgumentException if the shapes differ, there are more frames than the
   *     horizon, the frame shape differs from the one fixed earlier, or SSIM is configured and
   *     frames are smaller than 7×7 (each naming the expected and the actual value)
   */
  public ScoreAccumulator add(FrameSequence prediction, FrameSequence truth) {
    check(prediction, truth);
    int t = prediction.frames();
    FrameShape shape = prediction.frameShape();
    double[] ssimPerFrame = config.ssim()
        ? Metrics.ssimPerFrame(prediction, truth, config.dataRange()) : null;
    if (height == 0) {
      height = shape.height();
      width = shape.width();
      channels = shape.channels();
    }
    int n = shape.size();
    float[] p = prediction.toArray();
    float[] y = truth.toArray();
    double range2 = config.dataRange() * config.dataRange();
    List<Double> thresholds = config.thresholds();
    for (int step = 0; step < t; step++) {
      int base = step * n;
      double sq = 0;
      double abs = 0;
      for (int i = base, end = base + n; i < end; i++) {
        double d = (double) p[i] - y[i];
        sq += d * d;
        abs += Math.abs(d);
      }
      frames[step]++;
      squaredError[step].add(sq);
      absoluteError[step].add(abs);
      // As Metrics.psnrPerFrame: the frame's mean squared error, then 10·log10(range² / mse).
      double mse = sq / n;
      if (mse == 0) {
        exactFrames[step]++;
      } else {
        psnr[step].add(10 * Math.log10(range2 / mse));
      }
      if (ssimPerFrame != null) {
        ssim[step].add(ssimPerFrame[step]);
      }
      for (int k = 0; k < thresholds.size(); k++) {
        countEvents(p, y, base, n, thresholds.get(k), k, step);
      }
      for (int k = 0; k < config.fss().size(); k++) {
        fssFrame(p, y, base, config.fss().get(k), k, step);
      }
    }
    return this;
  }

  /** Everything {@link #add} checks, without counting. */
  void check(FrameSequence prediction, FrameSequence truth) {
    Metrics.requireSameShape(prediction, truth);
    int t = prediction.frames();
    if (t > config.horizon()) {
      throw new IllegalArgumentException("a forecast must have at most " + config.horizon()
          + " frames (the horizon), got " + t);
    }
    requireFrameShape(prediction.frameShape(), "prediction");
  }

  private void countEvents(float[] p, float[] y, int base, int n, double thr, int k, int step) {
    long h = 0;
    long m = 0;
    long f = 0;
    for (int i = base, end = base + n; i < end; i++) {
      boolean fc = p[i] > thr;
      boolean ob = y[i] > thr;
      if (fc && ob) {
        h++;
      } else if (ob) {
        m++;
      } else if (fc) {
        f++;
      }
    }
    hits[k][step] += h;
    misses[k][step] += m;
    falseAlarms[k][step] += f;
    correctNegatives[k][step] += n - h - m - f;
  }

  /** The three FSS sums of one frame, in event counts, all channels. */
  private void fssFrame(float[] p, float[] y, int base, ScoreConfig.FssScale scale, int k,
      int step) {
    int h = height;
    int w = width;
    int ch = channels;
    int half = scale.window() / 2;
    int stride = w + 1;
    long[] sf = new long[(h + 1) * stride];
    long[] so = new long[sf.length];
    double diff = 0;
    double fc2 = 0;
    double ob2 = 0;
    for (int c = 0; c < ch; c++) {
      // Summed-area tables of the binary fields (value >= threshold).
      for (int r = 0; r < h; r++) {
        long rf = 0;
        long ro = 0;
        for (int col = 0; col < w; col++) {
          int i = base + (r * w + col) * ch + c;
          rf += p[i] >= scale.threshold() ? 1 : 0;
          ro += y[i] >= scale.threshold() ? 1 : 0;
          int o = (r + 1) * stride + col + 1;
          sf[o] = sf[o - stride] + rf;
          so[o] = so[o - stride] + ro;
        }
      }
      for (int r = 0; r < h; r++) {
        int r0 = Math.max(0, r - half);
        int r1 = Math.min(h, r + half + 1);
        for (int col = 0; col < w; col++) {
          int c0 = Math.max(0, col - half);
          int c1 = Math.min(w, col + half + 1);
          long cf = sf[r1 * stride + c1] - sf[r0 * stride + c1] - sf[r1 * stride + c0]
              + sf[r0 * stride + c0];
          long co = so[r1 * stride + c1] - so[r0 * stride + c1] - so[r1 * stride + c0]
              + so[r0 * stride + c0];
          double d = cf - co;
          diff += d * d;
          fc2 += (double) cf * cf;
          ob2 += (double) co * co;
        }
      }
    }
    fssDiff[k][step].add(diff);
    fssForecast[k][step].add(fc2);
    fssObserved[k][step].add(ob2);
  }

  private void requireFrameShape(FrameShape shape, String what) {
    if (height != 0 && (shape.height() != height || shape.width() != width
        || shape.channels() != channels)) {
      throw new IllegalArgumentException(what + " frames must be " + frameShape()
          + " like the frames scored before, got " + shape);
    }
    if (config.ssim() && (shape.height() < Metrics.SSIM_WINDOW
        || shape.width() < Metrics.SSIM_WINDOW)) {
      throw new IllegalArgumentException("SSIM needs frames of at least " + Metrics.SSIM_WINDOW
          + "x" + Metrics.SSIM_WINDOW + ", got " + shape.height() + "x" + shape.width()
          + " (switch SSIM off with ScoreConfig.withSsim(false))");
    }
  }

  /**
   * Adds another accumulator's totals to this one (the other is unchanged). Exact: the result
   * is the one a single accumulator fed both inputs would give, bit for bit.
   *
   * @param other an accumulator with an equal config and, if both have data, the same frame
   *     shape; may be this one (its totals are then doubled)
   * @return this accumulator
   * @throws IllegalArgumentException if the configs or the frame shapes differ, naming both;
   *     this accumulator is then unchanged
   */
  public ScoreAccumulator merge(ScoreAccumulator other) {
    Objects.requireNonNull(other, "other");
    if (!config.equals(other.config)) {
      throw new IllegalArgumentException("can merge only accumulators of the same config: "
          + "expected " + config + ", got " + other.config);
    }
    if (other.height == 0) {
      return this;
    }
    requireFrameShape(other.frameShape(), "merged");
    height = other.height;
    width = other.width;
    channels = other.channels;
    int steps = config.horizon();
    // Snapshot the other's longs first: other may be this.
    long[] otherFrames = other.frames.clone();
    long[] otherExact = other.exactFrames.clone();
    for (int s = 0; s < steps; s++) {
      frames[s] += otherFrames[s];
      exactFrames[s] += otherExact[s];
      squaredError[s].add(other.squaredError[s]);
      absoluteError[s].add(other.absoluteError[s]);
      psnr[s].add(other.psnr[s]);
      ssim[s].add(other.ssim[s]);
    }
    for (int k = 0; k < hits.length; k++) {
      long[][] o = {other.hits[k].clone(), other.misses[k].clone(),
          other.falseAlarms[k].clone(), other.correctNegatives[k].clone()};
      for (int s = 0; s < steps; s++) {
        hits[k][s] += o[0][s];
        misses[k][s] += o[1][s];
        falseAlarms[k][s] += o[2][s];
        correctNegatives[k][s] += o[3][s];
      }
    }
    for (int k = 0; k < fssDiff.length; k++) {
      for (int s = 0; s < steps; s++) {
        fssDiff[k][s].add(other.fssDiff[k][s]);
        fssForecast[k][s].add(other.fssForecast[k][s]);
        fssObserved[k][s].add(other.fssObserved[k][s]);
      }
    }
    return this;
  }

  /**
   * The scores so far; the accumulator stays usable.
   *
   * @return one {@link StepScores} per step 1 … horizon
   */
  public ScoreTable result() {
    int steps = config.horizon();
    long frameSize = (long) height * width * channels;
    List<StepScores> out = new ArrayList<>(steps);
    for (int s = 0; s < steps; s++) {
      long nf = frames[s];
      double n = nf;
      double sq = squaredError[s].value();
      double abs = absoluteError[s].value();
      double mse = nf == 0 ? Double.NaN : sq / (n * frameSize);
      double mae = nf == 0 ? Double.NaN : abs / (n * frameSize);
      double mseSum = nf == 0 ? Double.NaN : sq / n;
      double maeSum = nf == 0 ? Double.NaN : abs / n;
      double meanPsnr = nf == 0 ? Double.NaN
          : exactFrames[s] > 0 ? Double.POSITIVE_INFINITY : psnr[s].value() / n;
      double meanSsim = nf == 0 || !config.ssim() ? Double.NaN : ssim[s].value() / n;
      List<ContingencyTable> cat = new ArrayList<>();
      for (int k = 0; k < hits.length; k++) {
        cat.add(new ContingencyTable(config.thresholds().get(k), hits[k][s], misses[k][s],
            falseAlarms[k][s], correctNegatives[k][s]));
      }
      List<FssScore> fss = new ArrayList<>();
      for (int k = 0; k < fssDiff.length; k++) {
        ScoreConfig.FssScale scale = config.fss().get(k);
        double area = (double) scale.window() * scale.window();
        double norm = area * area;
        fss.add(new FssScore(scale.threshold(), scale.window(), fssDiff[k][s].value() / norm,
            fssForecast[k][s].value() / norm, fssObserved[k][s].value() / norm));
      }
      out.add(new StepScores(s + 1, nf, mse, mae, mseSum, maeSum, meanPsnr, meanSsim, cat,
          fss));
    }
    return new ScoreTable(config, out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int steps = config == null ? -1 : config.horizon();
    if (steps < 1 || frames == null || frames.length != steps || squaredError.length != steps
        || hits.length != config.thresholds().size()
        || fssDiff.length != config.fss().size()) {
      throw new InvalidObjectException("serialized ScoreAccumulator does not match its config");
    }
  }

  @Override
  public String toString() {
    return "ScoreAccumulator[" + config + ", frame " + frameShape() + "]";
  }
}

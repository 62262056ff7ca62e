package io.github.convlstm4j.api.data;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.TrainingData;
import java.util.Locale;
import java.util.Objects;

/**
 * Training pairs cut out of a {@link FrameSource} as sliding windows, read from the source
 * only when a batch is packed (so a memory-mapped file is never loaded whole). An immutable
 * view: a part of a split is another view over the same source.
 *
 * <p><b>Windows.</b> For input length L, a window starting at frame t of a sequence has input
 * frames {@code t .. t+L-1} and as target either the next frame per position, frames
 * {@code t+1 .. t+L} ({@link Spec#next}: Keras' shifted pairs), or the following K frames,
 * {@code t+L .. t+L+K-1} ({@link Spec#future}); so it uses {@code span} = L+1 or L+K frames.
 * Starts lie on the grid {@code t = 0, stride, 2·stride, ...} of each sequence; a window exists
 * where all its frames lie inside the view's time range; windows never cross from one
 * sequence into another. Windows are numbered sequence by sequence, then by start.
 *
 * <p><b>Splits are chronological.</b> {@link #split(double)} cuts the view's range at one
 * point: in time ({@link SplitBy#TIME}, the default for a single long series) at frame
 * {@code cut = from + round(length · (1 − fraction))}, or between sequences
 * ({@link SplitBy#SEQUENCES}, the default for several sequences) at sequence
 * {@code from + round(count · (1 − fraction))}. The training part keeps the windows whose
 * frames all lie before the cut, the validation part those whose frames all lie at or after
 * it; windows that straddle the cut (starting in {@code (cut − span, cut)}) are dropped, at
 * most {@code ceil((span − 1) / stride)} per sequence and cut. So every frame a training window uses comes before every frame a validation
 * window uses, and no frame is in both. {@link #split(double, double, double)} is two such
 * cuts: the test part is cut off the end first, then the validation part off the rest.
 *
 * <p><b>Normalization</b> ({@link #withNormalization}) is applied to inputs and targets as they
 * are packed; fit it on the training part with {@link #fitNormalization}.
 */
public final class FrameWindows implements TrainingData {

  /** Where a split cuts. */
  public enum SplitBy {
    /** At a frame index, the same for every sequence. */
    TIME,
    /** Between sequences. */
    SEQUENCES
  }

  /**
   * How windows are cut.
   *
   * @param inputFrames L, input frames per window, at least 1
   * @param futureFrames 0 for the next frame per position (targets shifted by one, L frames),
   *     else K: the K frames after the input
   * @param stride frames between the starts of two windows, at least 1
   */
  public record Spec(int inputFrames, int futureFrames, int stride) {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the value below its minimum
     */
    public Spec {
      if (inputFrames < 1) {
        throw new IllegalArgumentException("inputFrames must be at least 1, got " + inputFrames);
      }
      if (futureFrames < 0) {
        throw new IllegalArgumentException("futureFrames must be >= 0, got " + futureFrames);
      }
      if (stride < 1) {
        throw new IllegalArgumentException("stride must be at least 1, got " + stride);
      }
    }

    /**
     * Keras pairs: target frame j is input frame j + 1.
     *
     * @param inputFrames L
     * @param stride frames between window starts
     * @return the spec
     */
    public static Spec next(int inputFrames, int stride) {
      return new Spec(inputFrames, 0, stride);
    }

    /**
     * The K frames after the input as target.
     *
     * @param inputFrames L
     * @param k K, at least 1
     * @param stride frames between window starts
     * @return the spec
     */
    public static Spec future(int inputFrames, int k, int stride) {
      if (k < 1) {
        throw new IllegalArgumentException("future frames must be at least 1, got " + k);
      }
      return new Spec(inputFrames, k, stride);
    }

    /**
     * Parses a target as the command line gives it.
     *
     * @param inputFrames L
     * @param target {@code next} or {@code future:K}
     * @param stride frames between window starts
     * @return the spec
     * @throws IllegalArgumentException naming the text
     */
    public static Spec parse(int inputFrames, String target, int stride) {
      String t = target.trim().toLowerCase(Locale.ROOT);
      if (t.equals("next")) {
        return next(inputFrames, stride);
      }
      if (t.startsWith("future:")) {
        try {
          return future(inputFrames, Integer.parseInt(t.substring("future:".length())), stride);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("target must be next or future:K with K a "
              + "positive integer, got '" + target + "'", e);
        }
      }
      throw new IllegalArgumentException("target must be next or future:K, got '" + target
          + "'");
    }

    /**
     * Frames a window uses.
     *
     * @return L + 1 for next, L + K for future
     */
    public int span() {
      return inputFrames + (futureFrames == 0 ? 1 : futureFrames);
    }

    /**
     * Frames of a target.
     *
     * @return L for next, K for future
     */
    public int targetFrames() {
      return futureFrames == 0 ? inputFrames : futureFrames;
    }

    @Override
    public String toString() {
      return inputFrames + " input frames, target "
          + (futureFrames == 0 ? "next" : "future:" + futureFrames) + ", stride " + stride;
    }
  }

  /**
   * The parts of {@link #split(double, double, double)}.
   *
   * @param training the first part in time (or sequences)
   * @param validation the middle part
   * @param test the last part
   */
  public record Parts(FrameWindows training, FrameWindows validation, FrameWindows test) {}

  /**
   * The parts of {@link #split(double)}.
   *
   * @param training before the cut
   * @param validation after the cut
   */
  public record Split(FrameWindows training, FrameWindows validation)
      implements TrainingData.Split {}

  private final FrameSource source;
  private final Spec spec;
  private final SplitBy splitBy;
  private final Normalization normalization;
  private final int seqFrom;
  private final int seqTo;
  private final int timeFrom;
  private final int timeTo;
  private final int firstGrid;
  private final int perSequence;
  private final int size;

  private FrameWindows(FrameSource source, Spec spec, SplitBy splitBy,
      Normalization normalization, int seqFrom, int seqTo, int timeFrom, int timeTo) {
    this.source = source;
    this.spec = spec;
    this.splitBy = splitBy;
    this.normalization = normalization;
    this.seqFrom = seqFrom;
    this.seqTo = seqTo;
    this.timeFrom = timeFrom;
    this.timeTo = timeTo;
    int s = spec.stride();
    this.firstGrid = (timeFrom + s - 1) / s;
    int lastStart = timeTo - spec.span();
    int last = lastStart < 0 ? -1 : lastStart / s;
    this.perSequence = Math.max(0, last - firstGrid + 1);
    long total = (long) (seqTo - seqFrom) * perSequence;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(total + " windows exceed " + (Integer.MAX_VALUE - 8)
          + "; use a larger stride");
    }
    this.size = (int) total;
  }

  /**
   * All windows of a source, split by time for one sequence and by sequences for several.
   *
   * @param source the frames
   * @param spec how windows are cut
   * @return the windows, without normalization
   */
  public static FrameWindows of(FrameSource source, Spec spec) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(spec, "spec");
    return new FrameWindows(source, spec,
        source.sequences() == 1 ? SplitBy.TIME : SplitBy.SEQUENCES, Normalization.NONE, 0,
        source.sequences(), 0, source.frames());
  }

  /**
   * These windows with another way of splitting.
   *
   * @param by where {@link #split(double)} cuts
   * @return a new view
   */
  public FrameWindows withSplitBy(SplitBy by) {
    return new FrameWindows(source, spec, Objects.requireNonNull(by, "by"), normalization,
        seqFrom, seqTo, timeFrom, timeTo);
  }

  /**
   * These windows with inputs and targets normalized as they are packed.
   *
   * @param n the normalization, {@link Normalization#NONE} for none
   * @return a new view
   */
  public FrameWindows withNormalization(Normalization n) {
    return new FrameWindows(source, spec, splitBy, Objects.requireNonNull(n, "n"), seqFrom,
        seqTo, timeFrom, timeTo);
  }

  /**
   * The source.
   *
   * @return the frames windows are cut from
   */
  public FrameSource source() {
    return source;
  }

  /**
   * How windows are cut.
   *
   * @return the spec
   */
  public Spec spec() {
    return spec;
  }

  /**
   * Where splits cut.
   *
   * @return TIME or SEQUENCES
   */
  public SplitBy splitBy() {
    return splitBy;
  }

  /**
   * The normalization applied when packing.
   *
   * @return it, {@link Normalization#NONE} if none
   */
  public Normalization normalization() {
    return normalization;
  }

  /**
   * The sequences of this view.
   *
   * @return {@code [from, to)} of the source's sequences, as {@code {from, to}}
   */
  public int[] sequenceRange() {
    return new int[] {seqFrom, seqTo};
  }

  /**
   * The frame range of this view in every sequence.
   *
   * @return {@code [from, to)} as {@code {from, to}}
   */
  public int[] timeRange() {
    return new int[] {timeFrom, timeTo};
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public SequenceShape inputShape() {
    return new SequenceShape(spec.inputFrames(), source.frameShape());
  }

  @Override
  public SequenceShape targetShape() {
    return new SequenceShape(spec.targetFrames(), source.frameShape());
  }

  /**
   * The sequence of a window.
   *
   * @param window in {@code [0, size())}
   * @return the source sequence index
   */
  public int sequenceOf(int window) {
    Objects.checkIndex(window, size);
    return seqFrom + window / perSequence;
  }

  /**
   * The first frame of a window; it uses frames {@code start .. start + span - 1}.
   *
   * @param window in {@code [0, size())}
   * @return the frame index within its sequence
   */
  public int startOf(int window) {
    Objects.checkIndex(window, size);
    return (firstGrid + window % perSequence) * spec.stride();
  }

  @Override
  public void packBatch(int[] order, int from, int count, float[] inputs, float[] targets) {
    if (size == 0) {
      throw new IllegalStateException("cannot batch an empty set of windows");
    }
    int frame = source.frameShape().size();
    int l = spec.inputFrames();
    int k = spec.targetFrames();
    long in = (long) l * frame;
    long out = (long) k * frame;
    if (inputs.length < count * in || targets.length < count * out) {
      throw new IllegalArgumentException("batch buffers must hold " + count * in + " and "
          + count * out + " floats, got " + inputs.length + " and " + targets.length);
    }
    for (int b = 0; b < count; b++) {
      int w = order[from + b];
      int seq = sequenceOf(w);
      int t = startOf(w);
      int inAt = (int) (b * in);
      int outAt = (int) (b * out);
      for (int j = 0; j < l; j++) {
        source.readFrame(seq, t + j, inputs, inAt + j * frame);
      }
      normalization.apply(inputs, inAt, (int) in);
      if (spec.futureFrames() == 0) {
        // Targets t+1 .. t+L: all but the last are inputs already read (and normalized).
        System.arraycopy(inputs, inAt + frame, targets, outAt, (l - 1) * frame);
        int last = outAt + (l - 1) * frame;
        source.readFrame(seq, t + l, targets, last);
        normalization.apply(targets, last, frame);
      } else {
        for (int j = 0; j < k; j++) {
          source.readFrame(seq, t + l + j, targets, outAt + j * frame);
        }
        normalization.apply(targets, outAt, (int) out);
      }
    }
  }

  /**
   * Cuts off the last {@code fraction} as validation part, chronologically, as the class
   * description says.
   *
   * @param fraction in [0, 1)
   * @return the parts, views over the same source
   */
  @Override
  public Split split(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1), got " + fraction);
    }
    if (splitBy == SplitBy.TIME) {
      int cut = timeFrom + (int) Math.round((timeTo - timeFrom) * (1 - fraction));
      return new Split(
          new FrameWindows(source, spec, splitBy, normalization, seqFrom, seqTo, timeFrom, cut),
          new FrameWindows(source, spec, splitBy, normalization, seqFrom, seqTo, cut, timeTo));
    }
    int cut = seqFrom + (int) Math.round((seqTo - seqFrom) * (1 - fraction));
    return new Split(
        new FrameWindows(source, spec, splitBy, normalization, seqFrom, cut, timeFrom, timeTo),
        new FrameWindows(source, spec, splitBy, normalization, cut, seqTo, timeFrom, timeTo));
  }

  /**
   * Splits into training, validation and test parts in that order of time (or sequences):
   * {@code split(test)} cuts the test part off the end, then the rest is cut with
   * {@code split(validation / (training + validation))}. Training on the rest with
   * {@code TrainingConfig.validationSplit(validation / (training + validation))} therefore
   * validates on exactly {@link Parts#validation()}.
   *
   * @param training fraction of the training part, positive
   * @param validation fraction of the validation part, at least 0
   * @param test fraction of the test part, at least 0
   * @return the parts
   * @throws IllegalArgumentException if a fraction is negative or they do not add up to 1
   */
  public Parts split(double training, double validation, double test) {
    if (!(training > 0) || !(validation >= 0) || !(test >= 0)
        || Math.abs(training + validation + test - 1) > 1e-9) {
      throw new IllegalArgumentException("split fractions must be training > 0, validation "
          + ">= 0 and test >= 0 adding up to 1, got " + training + ", " + validation + ", "
          + test);
    }
    Split rest = split(test);
    Split head = rest.training().split(validationShare(training, validation));
    return new Parts(head.training(), head.validation(), rest.validation());
  }

  /**
   * The validation fraction of the training-plus-validation part for
   * {@link #split(double, double, double)}.
   *
   * @param training fraction of the training part
   * @param validation fraction of the validation part
   * @return {@code validation / (training + validation)}
   */
  public static double validationShare(double training, double validation) {
    return validation / (training + validation);
  }

  /**
   * The training-plus-validation part of {@link #split(double, double, double)}: everything
   * before the test part.
   *
   * @param test fraction of the test part, in [0, 1)
   * @return the part
   */
  public FrameWindows withoutTest(double test) {
    return split(test).training();
  }

  /**
   * Fits a normalization on the frames of this view (the frames of its sequences in its time
   * range, each once, in user units), in one pass.
   *
   * @param method STANDARD, MINMAX or NONE
   * @param log1p whether log1p comes first
   * @return the fitted normalization
   * @throws IllegalArgumentException naming the sequence and frame of a value that cannot be
   *     normalized (NaN, infinite, or at most -1 with log1p)
   * @throws IllegalStateException if all values are equal
   */
  public Normalization fitNormalization(Normalization.Method method, boolean log1p) {
    Normalization.Fitter f = Normalization.fitter(method, log1p);
    FrameShape shape = source.frameShape();
    float[] buf = new float[shape.size()];
    for (int s = seqFrom; s < seqTo; s++) {
      for (int t = timeFrom; t < timeTo; t++) {
        source.readFrame(s, t, buf, 0);
        try {
          f.accept(buf, 0, buf.length);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + ": sequence " + s + ", frame " + t + ": "
              + e.getMessage(), e);
        }
      }
    }
    return f.result();
  }

  /**
   * Checks that a model can train on these windows.
   *
   * @param model the model
   * @throws IllegalArgumentException naming the source, the expected and the actual shape
   */
  public void requireFits(ModelSpec model) {
    FrameShape frame = source.frameShape();
    if (frame.channels() != model.inputChannels()) {
      throw new IllegalArgumentException(source + ": the model expects " + model.inputChannels()
          + " channel(s) per frame, got frames of " + frame);
    }
    FrameShape out = model.outputFrameShape(frame);
    int frames = model.outputFrames(spec.inputFrames());
    if (!out.equals(frame) || frames != spec.targetFrames()) {
      throw new IllegalArgumentException(source + ": the model answers " + spec.inputFrames()
          + "x" + frame + " inputs with " + frames + "x" + out + " outputs, but the targets ("
          + spec + ") are " + targetShape());
    }
  }

  @Override
  public String toString() {
    return "FrameWindows[" + size + " windows (" + spec + ") of sequences [" + seqFrom + ", "
        + seqTo + "), frames [" + timeFrom + ", " + timeTo + ") of " + source
        + (normalization.isIdentity() ? "" : ", normalized " + normalization) + "]";
  }
}

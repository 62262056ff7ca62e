package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameShape;
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

/** {@code convlstm4j generate}: moving-squares movies to a NumPy .npz. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Generate moving-squares movies into a NumPy .npz.", sortOptions = false,
    description = "Generate Keras moving-squares movies (80x80 canvas cropped to 40x40, 3-7 "
        + "squares, noise) and save them as a NumPy .npz with arrays noisy (the inputs), clean "
        + "(no noise) and shifted (the targets: the clean frame t+1), each shaped "
        + "[movies, frames, 40, 40, 1] float32.",
    footer = {"", "Example:", "  convlstm4j generate --samples 1200 --out movies.npz",
        "  python3 -c \"import numpy; d = numpy.load('movies.npz'); print(d['noisy'].shape)\""})
final class GenerateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--samples", paramLabel = "N",
      description = "Number of movies (default: ${DEFAULT-VALUE}, like the seed).")
  int samples = 1200;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames per movie (default: ${DEFAULT-VALUE}).")
  int frames = 15;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}; the same seed gives the same "
          + "movies as 'demo' and 'train').")
  long seed;

  @Option(names = {"--out", "-o"}, paramLabel = "FILE",
      description = "The .npz to write (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("movies.npz");

  @Option(names = "--verbose", description = "Debug logging, and stack traces for errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    // Both counts are checked before any work (exit 2 on a bad one), then --out (exit 1).
    TrainingOptions.positive("--samples", samples);
    TrainingOptions.positive("--frames", frames);
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

package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.io.NpyStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j bench series}: writes one long series of moving squares as a float32
 * {@code .npy} of shape {@code (T, size, size, 1)}, frame by frame through
 * {@link NpyStreamWriter}, so a file of many gigabytes is made without holding it in memory:
 * the input of the larger-than-memory training run ({@code bench/run-bigdata.sh}).
 */
@Command(name = "series", mixinStandardHelpOptions = true,
    header = "Write a long THWC float32 series of moving squares (.npy), frame by frame.",
    description = {
        "Squares (half-size 2 or 3, values 1 on 0) move one pixel per frame and bounce off "
            + "the edges; every --period frames the set of squares is drawn anew from the "
            + "seed. The file is (frames, size, size, 1) float32, written frame by frame, so "
            + "its size is not limited by memory: --gigabytes 4 gives a file of at least 4 GiB "
            + "for 'train --data FILE --layout THWC'."},
    footer = {"", "Example:", "  convlstm4j bench series --out /tmp/big.npy --gigabytes 4"})
final class SeriesCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "The .npy to write (atomically).")
  Path out;

  @Option(names = "--frames", paramLabel = "N",
      description = "Frames in the series (default: from --gigabytes).")
  Integer frames;

  @Option(names = "--gigabytes", paramLabel = "G",
      description = "Make the file at least G GiB (default: ${DEFAULT-VALUE}); ignored with "
          + "--frames.")
  double gigabytes = 4;

  @Option(names = "--size", paramLabel = "PIXELS",
      description = "Frame height and width (default: ${DEFAULT-VALUE}, the demo's).")
  int size = 40;

  @Option(names = "--period", paramLabel = "N",
      description = "Frames between new sets of squares (default: ${DEFAULT-VALUE}).")
  int period = 50;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (size < 8 || size > 1024) {
      throw new ParameterException(spec.commandLine(), "--size must be in [8, 1024], got "
          + size);
    }
    if (period < 1) {
      throw new ParameterException(spec.commandLine(), "--period must be positive, got "
          + period);
    }
    long frameBytes = 4L * size * size;
    long n = frames != null ? frames
        : (long) Math.ceil(gigabytes * (1L << 30) / frameBytes);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new ParameterException(spec.commandLine(), "the series must have 1 to "
          + Integer.MAX_VALUE + " frames, got " + n);
    }
    Random r = new Random(seed);
    float[] frame = new float[size * size];
    int[][] squares = new int[0][];
    try (NpyStreamWriter w = NpyStreamWriter.create(out, (int) n, size, size, 1)) {
      for (int t = 0; t < n; t++) {
        if (t % period == 0) {
          squares = new int[3 + r.nextInt(5)][];
          for (int k = 0; k < squares.length; k++) {
            int half = 2 + r.nextInt(2);
            squares[k] = new int[] {half + r.nextInt(size - 2 * half),
                half + r.nextInt(size - 2 * half), r.nextBoolean() ? 1 : -1,
                r.nextBoolean() ? 1 : -1, half};
          }
        }
        java.util.Arrays.fill(frame, 0f);
        for (int[] s : squares) {
          int half = s[4];
          for (int y = s[0] - half; y < s[0] + half; y++) {
            for (int x = s[1] - half; x < s[1] + half; x++) {
              frame[y * size + x] = 1f;
            }
          }
          // Move, bouncing off the edges.
          for (int a = 0; a < 2; a++) {
            int next = s[a] + s[2 + a];
            if (next - half < 0 || next + half > size) {
              s[2 + a] = -s[2 + a];
              next = s[a] + s[2 + a];
            }
            s[a] = next;
          }
        }
        w.write(frame, 0, frame.length);
      }
      w.commit();
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "Wrote %s: %d frames of %dx%dx1 float32 (%.2f GiB)%n", out, n, size,
        size, (n * frameBytes + 128) / (double) (1L << 30));
    o.flush();
    return 0;
  }
}

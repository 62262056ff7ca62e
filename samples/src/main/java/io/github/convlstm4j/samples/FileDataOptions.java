package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.data.FrameWindows;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.NpyFrames;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code train --data FILE --layout ...}: windows over the user's own frames, read through
 * memory mapping (see {@link io.github.convlstm4j.api.io.MappedFrames}), split in time and
 * normalized on the training part.
 */
final class FileDataOptions {

  @Option(names = "--layout", paramLabel = "LAYOUT",
      description = "Train on your own frames in --data: the axes of its array, NTHWC (N "
          + "sequences), THWC or THW (one long series) or TNHW (mnist_test_seq.npy). The file "
          + "(.npy, or an .npz saved by numpy.savez) is memory-mapped, never loaded whole; "
          + "float32, float64, uint8 (divided by 255) or uint16.")
  NpyFrames.Layout layout;

  @Option(names = "--array", paramLabel = "NAME",
      description = "With --layout: the array of an .npz to read (default: its only array).")
  String array;

  @Option(names = "--input-frames", paramLabel = "N",
      description = "With --layout: input frames per window (default: ${DEFAULT-VALUE}).")
  int inputFrames = 10;

  @Option(names = "--target", paramLabel = "T",
      description = "With --layout: next (the next frame per input frame, Keras pairs; "
          + "default) or future:K (the K frames after the input; K must equal the model's "
          + "output frames, --input-frames for the presets).")
  String target = "next";

  @Option(names = "--stride", paramLabel = "S",
      description = "With --layout: frames between window starts (default: ${DEFAULT-VALUE}).")
  int stride = 1;

  @Option(names = "--split", paramLabel = "TR,VA,TE",
      description = "With --layout: fractions of time (one series) or of sequences (several) "
          + "for training, validation and test, in that order; windows that straddle a cut "
          + "are dropped (default: ${DEFAULT-VALUE}).")
  String split = "0.8,0.1,0.1";

  @Option(names = "--normalize", paramLabel = "HOW",
      description = "With --layout: none (default), minmax (to [0, 1]) or standard (zero mean, "
          + "unit deviation), optionally with ,log1p first (rain rates); fitted on the "
          + "training part, stored in the checkpoint, inverted by forecast.")
  String normalize = "none";

  /** Whether the user's own frames are asked for. */
  boolean active() {
    return layout != null;
  }

  /** The window spec. */
  FrameWindows.Spec spec() {
    TrainingOptions.positive("--input-frames", inputFrames);
    TrainingOptions.positive("--stride", stride);
    try {
      return FrameWindows.Spec.parse(inputFrames, target, stride);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--target: " + e.getMessage());
    }
  }

  /** The three split fractions. */
  double[] fractions() {
    String[] parts = split.split(",", -1);
    if (parts.length != 3) {
      throw new UsageException("--split must be three fractions TR,VA,TE such as 0.8,0.1,0.1, "
          + "got '" + split + "'");
    }
    double[] f = new double[3];
    for (int i = 0; i < 3; i++) {
      try {
        f[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--split must be three numbers, got '" + split + "'");
      }
    }
    if (!(f[0] > 0) || !(f[1] >= 0) || !(f[2] >= 0) || Math.abs(f[0] + f[1] + f[2] - 1) > 1e-9) {
      throw new UsageException("--split fractions must be training > 0, validation >= 0 and "
          + "test >= 0 adding up to 1, got '" + split + "'");
    }
    return f;
  }

  /** The normalization method asked for. */
  Normalization.Method method() {
    String m = normalize.toLowerCase(Locale.ROOT).split(",", -1)[0].trim();
    switch (m) {
      case "none":
        return Normalization.Method.NONE;
      case "minmax":
        return Normalization.Method.MINMAX;
      case "standard":
        return Normalization.Method.STANDARD;
      default:
        throw new UsageException("--normalize must be none, minmax or standard, optionally "
            + "followed by ,log1p; got '" + normalize + "'");
    }
  }

  /** Whether log1p comes first. */
  boolean log1p() {
    String[] p = normalize.toLowerCase(Locale.ROOT).split(",", -1);
    if (p.length == 1) {
      return false;
    }
    if (p.length == 2 && p[1].trim().equals("log1p")) {
      return true;
    }
    throw new UsageException("--normalize must be none, minmax or standard, optionally "
        + "followed by ,log1p; got '" + normalize + "'");
  }

  /** Checks every option (exit 2 on a bad one). */
  void validate() {
    spec();
    fractions();
    method();
    log1p();
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.Npz;
import io.github.convlstm4j.api.io.Png;
import io.github.convlstm4j.samples.images.ColorMap;
import io.github.convlstm4j.samples.images.FrameImages;
import io.github.convlstm4j.samples.images.FrameStyle;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j forecast}: a checkpoint and context frames in, forecast frames out (PNGs, a
 * GIF and a .npy).
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Forecast frames from a checkpoint and context frames.",
    description = {
        "Feed context frames to a trained model and roll out --horizon frames "
            + "autoregressively (each forecast frame is appended and fed back).",
        "Context from: a .npy ([frames, height, width] or [frames, height, width, channels]), "
            + "an .npz from 'convlstm4j generate' (pick the movie with --movie), or a folder "
            + "of PNG frames (natural name order: frame2 before frame10; 8- or 16-bit grey, "
            + "grey+alpha, RGB or RGBA as 1 to 4 channels; 8-bit samples / 255, 16-bit as "
            + "stored), or a folder of such folders (one per sequence, pick one with --movie).",
        "Writes into --out: forecast.npy ([horizon, height, width, channels] float32), "
            + "forecast_01.png ..., and forecast.gif (context, then forecast).",
        "A checkpoint trained with 'train --normalize' holds its normalization: the context "
            + "is normalized before and the forecast inverted after, so forecast.npy is in the "
            + "units of the input.",
        "A PNG folder as input: the forecast is also written as PNGs like the input's (same "
            + "bit depth and channels, in its units) into --out/frames: forecast_01.png ..."},
    footer = {"", "Example:",
        "  convlstm4j forecast --checkpoint demo-out/model.npz --input movies.npz --movie 1004 "
            + "--context 7 --horizon 16"})
final class ForecastCommand implements Callable<Integer> {

  /** The sub-folder of --out for the forecast as PNGs in the input's units. */
  static final String PNG_FOLDER = "frames";

  @Spec
  CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
      description = "A checkpoint written by 'train' or 'demo'.")
  Path checkpoint;

  @Option(names = "--input", paramLabel = "PATH", required = true,
      description = "Context frames: .npy, .npz or a folder of PNGs.")
  Path input;

  @Option(names = "--movie", paramLabel = "N",
      description = "Movie index in an .npz from 'generate' (default: ${DEFAULT-VALUE}).")
  int movie;

  @Option(names = "--array", paramLabel = "NAME",
      description = "Array of the .npz to read (default: noisy if present, else the only "
          + "array).")
  String array;

  @Option(names = "--layout", paramLabel = "LAYOUT",
      description = "Axes of the stored array: NTHWC (default for .npz), THWC (default for "
          + ".npy), THW or TNHW (Moving MNIST). uint8 values are divided by 255.")
  NpyFrames.Layout layout;

  @Option(names = "--context", paramLabel = "N",
      description = "Use only the first N input frames (default: all).")
  Integer context;

  @Option(names = "--horizon", paramLabel = "N",
      description = "Frames to forecast, at most " + Limits.MAX_HORIZON
          + " (default: ${DEFAULT-VALUE}).")
  int horizon = 16;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("forecast-out");

  @Option(names = "--colormap", paramLabel = "NAME", converter = ColorMapConverter.class,
      description = "viridis (default) or gray, for the PNGs and the GIF.")
  ColorMap colorMap = ColorMap.VIRIDIS;

  @Option(names = "--scale", paramLabel = "N",
      description = "Screen pixels per frame pixel, at most " + FrameStyle.MAX_SCALE
          + " (default: ${DEFAULT-VALUE}).")
  int scale = 6;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    // Every option is checked before any work (exit 2 on a bad one).
    Limits.atMost("--horizon", horizon, Limits.MAX_HORIZON);
    FrameStyle style = FrameStyle.DEFAULT.withColorMap(colorMap)
        .withScale(Limits.atMost("--scale", scale, FrameStyle.MAX_SCALE));
    if (context != null) {
      TrainingOptions.positive("--context", context);
    }
    if (movie < 0) {
      throw new UsageException("--movie must be >= 0, got " + movie);
    }
    common.validate();
    // Then the files (exit 1): nothing is computed that could not be read or written.
    CommonOptions.requireFile(checkpoint, "checkpoint");
    OutputPaths.checkFolder("--out", out);
    PrintWriter w = spec.commandLine().getOut();
    // Loaded first: the backend judges its settings before the context is read.
    Normalization normalization =
        Checkpoints.readNormalization(checkpoint).orElse(Normalization.NONE);
    try (Forecaster f = common.load(checkpoint)) {
      String arrayName = array;
      if (arrayName == null && Files.isRegularFile(input)
          && input.toString().toLowerCase(Locale.ROOT).endsWith(".npz")
          && Npz.headers(input).containsKey(MovieData.NOISY)) {
        arrayName = MovieData.NOISY;
      }
      Png.Header pngs = Files.isDirectory(input) ? PngFolders.open(input).header() : null;
      FrameSequence frames = ContextFrames.read(input, layout, movie, arrayName);
      if (context != null) {
        if (context > frames.frames()) {
          throw new UserException("--context " + context + " exceeds the " + frames.frames()
              + " frames of " + input);
        }
        frames = frames.slice(0, context);
      }
      if (frames.channels() != f.spec().inputChannels()) {
        throw new UserException("the model expects " + f.spec().inputChannels()
            + " channel(s) per frame, got " + frames.channels() + " in " + input);
      }
      // The frame size is known now: the forecast and the GIF's pictures must fit in memory.
      long pixels = Limits.product(frames.height(), scale, frames.width(), scale);
      Limits.requireMemoryForData(String.format(Locale.ROOT, "forecasting --horizon %d frames "
          + "of %s and picturing them at --scale %d", horizon, frames.frameShape(), scale),
          Limits.sum(Limits.product(horizon, frames.frameShape().size(), Limits.FLOAT),
              Limits.product((long) frames.frames() + horizon, pixels, Integer.BYTES)));
      // A checkpoint trained on normalized data: in user units in, in user units out.
      FrameSequence forecast = normalization.invert(
          f.forecast(normalization.apply(frames), horizon));
      Files.createDirectories(out);
      NpyFrames.write(forecast, out.resolve("forecast.npy"));
      for (int t = 0; t < forecast.frames(); t++) {
        FrameImages.writePng(forecast, t, style,
            out.resolve(String.format(Locale.ROOT, "forecast_%02d.png", t + 1)));
      }
      List<BufferedImage> gif = new ArrayList<>();
      FrameSequence all = frames.append(forecast);
      for (int t = 0; t < all.frames(); t++) {
        boolean seen = t < frames.frames();
        gif.add(FrameImages.row(List.of(FrameImages.render(all, t, style)),
            List.of(seen ? "Context" : "Forecast"),
            "frame " + (t + 1) + (seen ? "" : " (step " + (t - frames.frames() + 1) + ")")));
      }
      FrameImages.writeGif(DemoPictures.sameSize(gif), DemoPictures.GIF_DELAY_MILLIS, out.resolve("forecast.gif"));
      String also = "";
      if (pngs != null) {
        PngFolders.write(forecast, out.resolve(PNG_FOLDER), "forecast_", 1, 2,
            pngs.bitDepth(), NpyFrames.Scaling.AUTO);
        also = String.format(Locale.ROOT, ", %s/forecast_01.png .. forecast_%02d.png (%d-bit "
            + "like the input)", PNG_FOLDER, horizon, pngs.bitDepth());
      }
      w.printf(Locale.ROOT, "Forecast %d frames from %d context frames (%s) on %s; wrote %s: "
          + "forecast.npy, forecast_01.png .. forecast_%02d.png, forecast.gif%s%n", horizon,
          frames.frames(), frames.frameShape(), f.backendName(), out, horizon, also);
    }
    w.flush();
    return 0;
  }
}

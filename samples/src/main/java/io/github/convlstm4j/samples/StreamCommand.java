package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.Normalization;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.samples.images.ColorMap;
import io.github.convlstm4j.samples.images.FrameStyle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code convlstm4j stream}: a live feed of frames into a streaming session
 * ({@link Forecaster#openSession(int)}): each new frame is pushed (the session carries the
 * state, nothing is re-run), then the current forecast is written as pictures. Frames come from
 * a watched folder ({@link FolderFeed}) or a replayed movie ({@link MovieReplay}); a frame that
 * fails its checks ({@link LiveFrames}) is reported in one line and skipped, and the session
 * keeps its state. Ctrl-C ends the stream cleanly ({@link StreamStop}).
 */
@Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Forecast a live feed of frames, one frame at a time.",
    description = {
        "Pushes each new frame into a streaming session of the model (the state is carried "
            + "from frame to frame; nothing is re-run) and after each frame writes the current "
            + "--horizon-step forecast into --out: frame_<k>_step_<j>.png for every step j "
            + "(k counts the frames of the feed from 1), and, replaced each time, forecast.gif "
            + "(the frame, then the forecast) and forecast.npy ([horizon, H, W, C] float32); "
            + "latency.csv and one printed line per frame give the time from the frame's "
            + "arrival to its files.",
        "Frames: --watch DIR takes every .png and .npy file in DIR, those there at the start "
            + "and those that arrive, each once, in name order, once a file's size has not "
            + "changed for one look (--poll-ms); PNGs as training reads them (8-bit / 255, "
            + "16-bit as they are; grey 1 channel, grey+alpha 2, RGB 3, RGBA 4); .npy frames "
            + "shaped [H, W], [H, W, C] or [1, H, W, C]; uint8 "
            + "values / 255. --replay FILE plays a movie at --rate frames per second: an .npy "
            + "shaped [T, H, W], [T, H, W, C] or [N, T, H, W, C] (--movie), or an .npz from "
            + "'convlstm4j generate' (its noisy movies, --movie).",
        "A frame with the wrong channels, another size than the frames before it, or a NaN or "
            + "infinite value is reported in one line (the frame, what was expected, what "
            + "came) and skipped; the session keeps its state. A model trained on movies "
            + "shorter than the feed drifts once it has seen more frames than it was trained "
            + "on: --history bounds the frames a forecast comes from. Ctrl-C ends the stream "
            + "after the current frame, closes the session and the model, prints a summary, "
            + "exit 0.",
        "A checkpoint trained with 'train --normalize' holds its normalization: each frame is "
            + "normalized before it is pushed and every forecast inverted, so forecast.npy and "
            + "the pictures are in the feed's units."},
    footer = {"", "Examples:",
        "  convlstm4j generate --samples 1010 --frames 40 --out movies.npz",
        "  convlstm4j stream --checkpoint demo-out/model.npz --replay movies.npz --movie 1004 "
            + "--rate 4 --horizon 8 --out stream-out",
        "  convlstm4j stream --checkpoint demo-out/model.npz --watch incoming/ --out stream-out"})
final class StreamCommand implements Callable<Integer> {

  /** Replay rate when --rate is not given, frames per second. */
  static final double DEFAULT_RATE = 5;
  /** Interval between looks at a watched folder when --poll-ms is not given. */
  static final long DEFAULT_POLL_MILLIS = 100;

  @Spec
  CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
      description = "A checkpoint written by 'train' or 'demo'.")
  Path checkpoint;

  @Option(names = "--watch", paramLabel = "DIR",
      description = "Take frames from the .png and .npy files of this folder as they come.")
  Path watch;

  @Option(names = "--replay", paramLabel = "FILE",
      description = "Replay the frames of a movie: .npy or an .npz from 'generate'.")
  Path replay;

  @Option(names = "--rate", paramLabel = "FPS",
      description = "Replay frames per second, 0 = as fast as they are processed "
          + "(default: 5).")
  Double rate;

  @Option(names = "--movie", paramLabel = "N",
      description = "The movie to replay from a file of several (default: 0).")
  Integer movie;

  @Option(names = "--horizon", paramLabel = "H",
      description = "Forecast steps after each frame, at most " + Limits.MAX_HORIZON
          + " (default: ${DEFAULT-VALUE}).")
  int horizon = 8;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("stream-out");

  @Option(names = "--history", paramLabel = "N",
      description = "Forecast from at most the last N frames: once the session has seen N "
          + "frames, a new one starts from the last N/2 of them, so forecasts come from the "
          + "last N/2+1 to N frames; for models trained on movies shorter than the feed "
          + "(default: 0, the whole feed).")
  int history;

  @Option(names = "--max-frames", paramLabel = "N",
      description = "Stop after N frames of the feed, skipped ones included "
          + "(default: 0, no limit).")
  long maxFrames;

  @Option(names = "--poll-ms", paramLabel = "MS",
      description = "Milliseconds between looks at the watched folder (default: 100).")
  Long pollMillis;

  @Option(names = "--colormap", paramLabel = "NAME", converter = ColorMapConverter.class,
      description = "viridis (default) or gray, for the PNGs and the GIF.")
  ColorMap colorMap = ColorMap.VIRIDIS;

  @Option(names = "--scale", paramLabel = "N",
      description = "Screen pixels per frame pixel, at most " + FrameStyle.MAX_SCALE
          + " (default: ${DEFAULT-VALUE}).")
  int scale = 6;

  @Mixin
  CommonOptions common;

  /** What a run did, for the summary line. */
  private static final class Tally {
    long handled;
    long pushed;
    long skipped;
    final List<Double> latencies = new ArrayList<>();
    String ending = "the feed ended";
  }

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter w = spec.commandLine().getOut();
    Tally tally = new Tally();
    StreamStop stop = new StreamStop(w::flush);
    stop.install();
    try {
      // A checkpoint trained on normalized frames: frames normalized before each push, forecasts
      // inverted, so the files are in the feed's units.
      Normalization norm = Checkpoints.readNormalization(checkpoint).orElse(Normalization.NONE);
      try (Forecaster f = common.load(checkpoint)) {
        int channels = f.spec().inputChannels();
        if (f.spec().outputChannels() != channels) {
          throw new UserException("stream forecasts by feeding the model's outputs back: "
              + "it needs output frames of the input's " + channels + " channel(s), this "
              + "model gives " + f.spec().outputChannels());
        }
        FrameFeed feed = replay != null
            ? MovieReplay.open(replay, movie == null ? 0 : movie, rate == null ? DEFAULT_RATE
                : rate)
            : new FolderFeed(watch, pollMillis == null ? DEFAULT_POLL_MILLIS : pollMillis);
        if (feed instanceof MovieReplay r && r.frameShape().channels() != channels) {
          throw new UserException("the model expects " + channels + " channel(s) per frame, "
              + replay + " has " + r.frameShape().channels());
        }
        StreamOutputs outputs = new StreamOutputs(out,
            FrameStyle.DEFAULT.withColorMap(colorMap).withScale(scale));
        outputs.start();
        w.printf(Locale.ROOT, "stream: %s; %s model on %s, %d-step forecasts into %s; "
            + "Ctrl-C ends%n", feed.description(), checkpoint.getFileName(), f.backendName(),
            horizon, out);
        run(f, norm, feed, outputs, stop, w, tally);
      }
      w.println(summary(tally));
    } finally {
      w.flush();
      stop.close();
    }
    return 0;
  }

  private void run(Forecaster f, Normalization norm, FrameFeed feed, StreamOutputs outputs,
      StreamStop stop, PrintWriter w, Tally tally) throws IOException {
    int channels = f.spec().inputChannels();
    FrameShape shape = null;
    try (BoundedSession session = new BoundedSession(f, history)) {
      while (true) {
        if (maxFrames > 0 && tally.handled >= maxFrames) {
          tally.ending = "--max-frames " + maxFrames + " reached";
          break;
        }
        FrameFeed.Arrival a = feed.next(stop);
        if (a == null || stop.signalled()) {
          if (stop.signalled()) {
            tally.ending = "stopped by a signal";
          }
          break;
        }
        long k = ++tally.handled;
        long t0 = System.nanoTime();
        FrameSequence frame;
        int restarted;
        try {
          frame = a.decode(channels, shape);
          if (shape == null) {
            requireForecastable(f, frame.frameShape());
          }
          restarted = session.push(norm.apply(frame));
        } catch (LiveFrames.Rejected | IllegalArgumentException e) {
          tally.skipped++;
          w.printf(Locale.ROOT, "frame %d (%s): skipped: %s; state kept (%d frame(s) "
              + "pushed)%n", k, a.name(), e.getMessage(), tally.pushed);
          outputs.log(k, a.name(), "skipped: " + e.getMessage(), Double.NaN, Double.NaN,
              Double.NaN, Double.NaN);
          continue;
        }
        shape = frame.frameShape();
        tally.pushed++;
        long t1 = System.nanoTime();
        FrameSequence forecast = norm.invert(session.forecast(horizon));
        long t2 = System.nanoTime();
        outputs.write(k, frame, forecast);
        long t3 = System.nanoTime();
        double total = (t3 - t0) / 1e6;
        tally.latencies.add(total);
        w.printf(Locale.ROOT, "frame %d (%s): pushed in %.1f ms%s, %d-step forecast in %.1f "
            + "ms, files in %.1f ms; latency %.1f ms%n", k, a.name(), (t1 - t0) / 1e6,
            restarted == 0 ? "" : " (a new session from the last " + restarted + " frame(s))",
            horizon, (t2 - t1) / 1e6, (t3 - t2) / 1e6, total);
        outputs.log(k, a.name(), "pushed", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
            total);
      }
    }
  }

  /**
   * Refuses (as a failure, exit 1) a model whose output frames are shaped unlike its input
   * frames of this size: its forecasts cannot be fed back.
   */
  private static void requireForecastable(Forecaster f, FrameShape in) {
    FrameShape o = f.spec().outputFrameShape(in);
    if (!o.equals(in)) {
      throw new UserException("stream forecasts by feeding the model's outputs back: for "
          + in + " input frames this model gives " + o + " output frames");
    }
  }

  private String summary(Tally t) {
    String latency = "";
    if (!t.latencies.isEmpty()) {
      List<Double> sorted = new ArrayList<>(t.latencies);
      Collections.sort(sorted);
      latency = String.format(Locale.ROOT, "; latency median %.1f ms, max %.1f ms",
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }
    return String.format(Locale.ROOT, "stream: %s after %d frame(s): %d pushed, %d skipped%s; "
        + "wrote %s (frame_<k>_step_<j>.png, forecast.gif, forecast.npy, latency.csv)",
        t.ending, t.handled, t.pushed, t.skipped, latency, out);
  }

  /** Every option, before any work (exit 2 on a bad one). */
  private void validate() throws IOException {
    if ((watch == null) == (replay == null)) {
      throw new UsageException(watch == null ? "give --watch DIR or --replay FILE"
          : "--watch and --replay exclude each other");
    }
    if (replay == null && (rate != null || movie != null)) {
      throw new UsageException((rate != null ? "--rate" : "--movie") + " goes with --replay");
    }
    if (watch == null && pollMillis != null) {
      throw new UsageException("--poll-ms goes with --watch");
    }
    if (rate != null && !(rate >= 0 && Double.isFinite(rate))) {
      throw new UsageException("--rate must be >= 0 frames per second, got " + rate);
    }
    if (movie != null && movie < 0) {
      throw new UsageException("--movie must be >= 0, got " + movie);
    }
    if (pollMillis != null && pollMillis < 1) {
      throw new UsageException("--poll-ms must be >= 1, got " + pollMillis);
    }
    if (history < 0) {
      throw new UsageException("--history must be >= 0, got " + history);
    }
    if (maxFrames < 0) {
      throw new UsageException("--max-frames must be >= 0, got " + maxFrames);
    }
    // The same bounds as forecast's.
    Limits.atMost("--horizon", horizon, Limits.MAX_HORIZON);
    Limits.atMost("--scale", scale, FrameStyle.MAX_SCALE);
    common.validate();
    CommonOptions.requireFile(checkpoint, "checkpoint");
    if (replay != null) {
      CommonOptions.requireFile(replay, "replay");
    } else if (!Files.isDirectory(watch)) {
      throw new UserException("--watch must be an existing folder, got " + watch);
    }
    OutputPaths.checkFolder("--out", out);
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.samples.images.FrameImages;
import io.github.convlstm4j.samples.images.FrameStyle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code convlstm4j stream} writes into its output folder: after frame k (1-based, every
 * frame the feed handed out counts), {@code frame_<k>_step_<j>.png} for each forecast step j,
 * and, replaced each time, {@code forecast.gif} (the frame, then the forecast) and
 * {@code forecast.npy} ({@code [horizon, H, W, C]} float32); one line per frame in
 * {@code latency.csv}. Pictures and arrays are written atomically, so a viewer never sees half
 * a file.
 */
final class StreamOutputs {

  /** The per-frame log's header. */
  static final String CSV_HEADER = "frame,name,status,push_ms,forecast_ms,write_ms,total_ms";

  private final Path dir;
  private final FrameStyle style;
  private final Path csv;

  StreamOutputs(Path dir, FrameStyle style) {
    this.dir = dir;
    this.style = style;
    this.csv = dir.resolve("latency.csv");
  }

  /** Creates the folder and starts a fresh latency log. */
  void start() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(csv, CSV_HEADER + "\n", StandardCharsets.UTF_8);
  }

  /** The PNG of forecast step {@code step} (1-based) after frame {@code frame}. */
  static String pngName(long frame, int step) {
    return String.format(Locale.ROOT, "frame_%05d_step_%02d.png", frame, step);
  }

  /**
   * Writes the pictures and the array of one forecast.
   *
   * @param frame the frame's number in the stream, 1-based
   * @param input the frame just pushed
   * @param forecast the forecast from the state after it
   */
  void write(long frame, FrameSequence input, FrameSequence forecast) throws IOException {
    List<BufferedImage> gif = new ArrayList<>();
    gif.add(FrameImages.row(List.of(FrameImages.render(input, 0, style)),
        List.of("Input"), "frame " + frame));
    for (int j = 0; j < forecast.frames(); j++) {
      BufferedImage img = FrameImages.render(forecast, j, style);
      FrameImages.writePng(img, dir.resolve(pngName(frame, j + 1)));
      gif.add(FrameImages.row(List.of(img), List.of("Forecast"),
          "frame " + frame + " + " + (j + 1)));
    }
    FrameImages.writeGif(DemoPictures.sameSize(gif), DemoPictures.GIF_DELAY_MILLIS,
        dir.resolve("forecast.gif"));
    NpyFrames.write(forecast, dir.resolve("forecast.npy"));
  }

  /**
   * Appends one line to {@code latency.csv}.
   *
   * @param status {@code pushed} or {@code skipped: <reason>}
   * @param millis push, forecast, write and total milliseconds (NaN: not done)
   */
  void log(long frame, String name, String status, double... millis) throws IOException {
    StringBuilder line = new StringBuilder();
    line.append(frame).append(',').append(quote(name)).append(',').append(quote(status));
    for (double m : millis) {
      line.append(',').append(Double.isNaN(m) ? "" : String.format(Locale.ROOT, "%.3f", m));
    }
    Files.writeString(csv, line.append('\n').toString(), StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyDtype;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.NpyHeader;
import io.github.convlstm4j.api.io.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Frames of one movie, handed out at a given rate: an {@code .npy} shaped {@code [T, H, W]},
 * {@code [T, H, W, C]} or {@code [N, T, H, W, C]} (movie {@code --movie}; uint8 values / 255),
 * or an {@code .npz} written by {@code convlstm4j generate} (array {@code noisy}, movie
 * {@code --movie}). Values of an {@code .npy} are not checked on reading, so a frame with a NaN
 * is rejected and skipped like a bad file in a watched folder.
 */
final class MovieReplay implements FrameFeed {

  private final String source;
  private final float[] values;
  private final FrameShape shape;
  private final int frames;
  private final double rate;
  private int next;
  private long start;

  private MovieReplay(String source, float[] values, FrameShape shape, int frames,
      double rate) {
    this.source = source;
    this.values = values;
    this.shape = shape;
    this.frames = frames;
    this.rate = rate;
  }

  /**
   * Reads the movie.
   *
   * @param file an .npy or an .npz
   * @param movie the movie of a file holding several
   * @param rate frames per second, 0 for as fast as they are processed
   * @throws UserException when the file does not hold such a movie
   */
  static MovieReplay open(Path file, int movie, double rate) throws IOException {
    CommonOptions.requireFile(file, "replay");
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npz")) {
      String array = Npz.headers(file).containsKey(MovieData.NOISY) ? MovieData.NOISY : null;
      FrameSequence m = ContextFrames.read(file, NpyFrames.Layout.NTHWC, movie, array);
      return new MovieReplay(file.getFileName() + " movie " + movie, m.toArray(),
          m.frameShape(), m.frames(), rate);
    }
    if (!name.endsWith(".npy")) {
      throw new UserException("--replay must be an .npy or an .npz, got " + file);
    }
    NpyHeader h = Npy.readHeader(file);
    int[] s = h.shapeArray();
    if (s.length < 3 || s.length > 5 || Arrays.stream(s).anyMatch(d -> d < 1)) {
      throw new UserException(file + " must hold a movie shaped [T, H, W], [T, H, W, C] or "
          + "[N, T, H, W, C], got " + Arrays.toString(s));
    }
    int movies = s.length == 5 ? s[0] : 1;
    if (movie >= movies) {
      throw new UserException("--movie must be below the " + movies + " movie(s) of " + file
          + " " + Arrays.toString(s) + ", got " + movie);
    }
    int[] m = s.length == 5 ? Arrays.copyOfRange(s, 1, 5) : s;
    FrameShape shape = new FrameShape(m[1], m[2], m.length == 4 ? m[3] : 1);
    int frames = m[0];
    float[] all = Npy.read(file).toArray();
    int size = Math.multiplyExact(frames, shape.size());
    float[] values = Arrays.copyOfRange(all, movie * size, (movie + 1) * size);
    if (h.dtype() == NpyDtype.UINT8) {
      for (int i = 0; i < values.length; i++) {
        values[i] /= 255f;
      }
    }
    return new MovieReplay(file.getFileName() + (movies > 1 ? " movie " + movie : ""), values,
        shape, frames, rate);
  }

  /** The movie's frame shape. */
  FrameShape frameShape() {
    return shape;
  }

  @Override
  public Arrival next(StreamStop stop) {
    if (next >= frames) {
      return null;
    }
    if (next == 0) {
      start = System.nanoTime();
    } else if (rate > 0) {
      long due = start + (long) (next * 1e9 / rate);
      long wait = (due - System.nanoTime()) / 1_000_000;
      if (wait > 0 && stop.sleep(wait)) {
        return null;
      }
    }
    if (stop.signalled()) {
      return null;
    }
    int t = next++;
    float[] frame = Arrays.copyOfRange(values, t * shape.size(), (t + 1) * shape.size());
    return new Arrival() {
      @Override
      public String name() {
        return source + " frame " + (t + 1) + "/" + frames;
      }

      @Override
      public FrameSequence decode(int channels, FrameShape expected)
          throws LiveFrames.Rejected {
        return LiveFrames.check(frame, shape, channels, expected);
      }
    };
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "replaying %s (%d frames of %s) at %s", source, frames,
        shape, rate > 0 ? String.format(Locale.ROOT, "%.3g frames/s", rate)
            : "full speed");
  }
}

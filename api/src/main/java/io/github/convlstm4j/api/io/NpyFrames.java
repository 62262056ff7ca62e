package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frame sequences from and to NumPy files: reads a user's {@code .npy} (or one array of an
 * {@code .npz}) into {@link FrameSequence}s, in an explicitly given {@link Layout} (the layout
 * is never guessed), and writes sequences as float32 {@code .npy}.
 *
 * <p>For example Moving MNIST's {@code mnist_test_seq.npy} is uint8 of shape
 * {@code (20, 10000, 64, 64)} = {@link Layout#TNHW}:
 *
 * <pre>{@code
 * List<FrameSequence> movies = NpyFrames.read(path,
 *     NpyFrames.Options.of(NpyFrames.Layout.TNHW).withMaxSequences(1000));
 * // 1000 sequences of 20 × 64 × 64 × 1, values / 255 in [0, 1]
 * }</pre>
 *
 * <p>Large files are streamed: only the sequences asked for are kept (from an {@code .npz} the
 * rest of the entry is still read, not kept, to verify its CRC-32). Values must be finite after
 * scaling; a NaN or infinity is reported with the sequence and position.
 *
 * <p>The header's sizes are checked against the file (or zip entry) before any sequence is
 * allocated: a file must be exactly its header plus the data the header describes.
 */
public final class NpyFrames {
  private static final Logger LOG = LoggerFactory.getLogger(NpyFrames.class);

  /** How the axes of the stored array map to sequences, time, rows, columns and channels. */
  public enum Layout {
    /** {@code (T, N, H, W)}: time first, then sequences; one channel (Moving MNIST). */
    TNHW(4),
    /** {@code (N, T, H, W, C)}: sequences, time, rows, columns, channels (Keras batches). */
    NTHWC(5),
    /** {@code (T, H, W, C)}: one sequence. */
    THWC(4),
    /** {@code (T, H, W)}: one sequence, one channel. */
    THW(3);

    private final int rank;

    Layout(int rank) {
      this.rank = rank;
    }

    /**
     * Number of axes the stored array must have.
     *
     * @return the rank
     */
    public int rank() {
      return rank;
    }
  }

  /** How stored values become frame values. */
  public enum Scaling {
    /** Divide by 255 if the array is uint8, else keep values as they are. */
    AUTO,
    /** Keep values as they are. */
    NONE,
    /** Divide by 255 whatever the dtype. */
    DIVIDE_BY_255
  }

  /**
   * What to read.
   *
   * @param layout the axis layout of the stored array
   * @param scaling how values are scaled
   * @param maxSequences keep at most this many sequences (the first ones), at least 1
   * @param arrayName for an {@code .npz}: the array to read, or {@code null} for its only array
   */
  public record Options(Layout layout, Scaling scaling, int maxSequences, String arrayName) {
    /**
     * Validates the fields.
     *
     * @param layout see the record description
     * @param scaling see the record description
     * @param maxSequences see the record description
     * @param arrayName see the record description
     * @throws IllegalArgumentException if {@code maxSequences} is below 1
     */
    public Options {
      Objects.requireNonNull(layout, "layout");
      Objects.requireNonNull(scaling, "scaling");
      if (maxSequences < 1) {
        throw new IllegalArgumentException("maxSequences must be >= 1, got " + maxSequences);
      }
    }

    /**
     * Options for a layout: {@link Scaling#AUTO}, all sequences, the only array.
     *
     * @param layout the axis layout
     * @return the options
     */
    public static Options of(Layout layout) {
      return new Options(layout, Scaling.AUTO, Integer.MAX_VALUE, null);
    }

    /**
     * These options with another scaling.
     *
     * @param s the scaling
     * @return new options
     */
    public Options withScaling(Scaling s) {
      return new Options(layout, s, maxSequences, arrayName);
    }

    /**
     * These options keeping at most {@code n} sequences.
     *
     * @param n at least 1
     * @return new options
     */
    public Options withMaxSequences(int n) {
      return new Options(layout, scaling, n, arrayName);
    }

    /**
     * These options reading a named array of an {@code .npz}.
     *
     * @param name the array name (entry name without {@code .npy})
     * @return new options
     */
    public Options withArrayName(String name) {
      return new Options(layout, scaling, maxSequences, Objects.requireNonNull(name, "name"));
    }
  }

  private NpyFrames() {}

  /**
   * Reads sequences with default options for a layout.
   *
   * @param path an {@code .npy}, or an {@code .npz} holding exactly one array
   * @param layout the axis layout of the stored array
   * @return the sequences, in stored order
   * @throws IOException as {@link #read(Path, Options)}
   */
  public static List<FrameSequence> read(Path path, Layout layout) throws IOException {
    return read(path, Options.of(layout));
  }

  /**
   * Reads sequences. The file type is taken from its content ({@code .npz} files are zips).
   *
   * @param path an {@code .npy} or {@code .npz}
   * @param options layout, scaling, limit and array name
   * @return the sequences, in stored order; empty if the array holds no sequence
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws NpyFormatException naming the file (and entry) if the array does not fit the
   *     layout (for example "layout NTHWC needs rank 5, got shape [20, 10000, 64, 64]"), the
   *     file is not exactly its header plus the data the header describes, the data is
   *     truncated or a value is not finite; for an {@code .npz}, also everything
   *     {@link Npz#read(Path)} refuses (a CRC-32 mismatch, a duplicate entry, ...)
   * @throws IOException on other read failures, or if the sequences do not fit in the heap
   */
  public static List<FrameSequence> read(Path path, Options options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    if (isZip(path)) {
      return Npz.readArray(path, options.arrayName(),
          (in, src, extent) -> read(in, src, options, extent));
    }
    if (options.arrayName() != null) {
      LOG.debug("{} is an .npy; array name '{}' ignored", path, options.arrayName());
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      return read(in, path.toString(), options, NpyExtent.backedBy(Files.size(path)));
    }
  }

  /**
   * Reads sequences from a stream holding one {@code .npy} array. The stream's length is
   * unknown: memory grows with the data actually read, so a header claiming more than the
   * stream holds ends in "truncated" without a large allocation.
   *
   * @param in the stream, positioned at the magic
   * @param source names the stream in messages
   * @param options layout, scaling and limit ({@code arrayName} is ignored)
   * @return the sequences
   * @throws IOException as {@link #read(Path, Options)}
   */
  public static List<FrameSequence> read(InputStream in, String source, Options options)
      throws IOException {
    return read(in, source, options, NpyExtent.UNKNOWN);
  }

  private static List<FrameSequence> read(InputStream in, String source, Options options,
      NpyExtent extent) throws IOException {
    // The layout is checked first: asking for the wrong one is the more likely mistake.
    NpyHeader h = Npy.readHeader(in, source);
    Layout layout = options.layout();
    if (h.rank() != layout.rank()) {
      throw new NpyFormatException(source + ": layout " + layout + " needs rank "
          + layout.rank() + ", got shape " + h.shape());
    }
    extent.requireData(h, source);
    int[] s = h.shapeArray();
    int n;
    int t;
    FrameShape frame;
    switch (layout) {
      case TNHW:
        t = s[0];
        n = s[1];
        frame = frameShape(source, h, s[2], s[3], 1);
        break;
      case NTHWC:
        n = s[0];
        t = s[1];
        frame = frameShape(source, h, s[2], s[3], s[4]);
        break;
      case THWC:
        n = 1;
        t = s[0];
        frame = frameShape(source, h, s[1], s[2], s[3]);
        break;
      case THW:
        n = 1;
        t = s[0];
        frame = frameShape(source, h, s[1], s[2], 1);
        break;
      default:
        throw new IllegalStateException("unhandled layout " + layout);
    }
    if (n == 0) {
      return List.of();
    }
    if (t == 0) {
      throw new NpyFormatException(source + ": sequences need at least 1 frame, got shape "
          + h.shape() + " (" + layout + ")");
    }
    long perSequence = (long) t * frame.size();
    if (perSequence > Integer.MAX_VALUE) {
      throw new NpyFormatException(source + ": one sequence of " + t + " frames of " + frame
          + " exceeds " + Integer.MAX_VALUE + " values");
    }
    int keep = Math.min(n, options.maxSequences());
    FloatFill.requireHeap(source, 4 * perSequence * keep, keep + " sequences of " + t
        + " frames of " + frame);
    FloatSource src;
    if (h.fortranOrder() && h.rank() > 1) {
      // Rare for frame files: load whole and reorder to C order.
      Tensor all = Npy.readData(in, h, source, extent.backed());
      src = FloatSource.of(all.toArray());
    } else {
      src = new NpyDataReader(in, h, source);
    }
    float scale = scaleFactor(options.scaling(), h.dtype());
    // Sequences are created as the data reaches them, never from the header's count alone.
    List<FloatFill> data = new ArrayList<>();
    int frameSize = frame.size();
    if (layout == Layout.TNHW) {
      for (int ti = 0; ti < t; ti++) {
        for (int ni = 0; ni < keep; ni++) {
          if (ti == 0) {
            data.add(new FloatFill((int) perSequence, extent.backed(), source));
          }
          data.get(ni).append(src, frameSize);
        }
        if (keep < n && ti < t - 1) {
          src.skip((long) (n - keep) * frameSize);
        }
      }
    } else {
      for (int ni = 0; ni < keep; ni++) {
        FloatFill f = new FloatFill((int) perSequence, extent.backed(), source);
        f.append(src, (int) perSequence);
        data.add(f);
      }
    }
    List<FrameSequence> out = new ArrayList<>(keep);
    for (int i = 0; i < keep; i++) {
      float[] d = data.get(i).array();
      if (scale != 1f) {
        for (int j = 0; j < d.length; j++) {
          d[j] *= scale;
        }
      }
      try {
        out.add(FloatFill.withinHeap(source, 4 * perSequence, "sequence " + i,
            () -> FrameSequence.of(t, frame, d)));
      } catch (IllegalArgumentException e) {
        throw new NpyFormatException(source + ": sequence " + i + ": " + e.getMessage(), e);
      }
      data.set(i, null);
    }
    LOG.debug("read {} of {} sequences of {}x{} from {}", keep, n, t, frame, source);
    return Collections.unmodifiableList(out);
  }

  /**
   * Writes sequences as one float32 {@code .npy} of shape {@code (N, T, H, W, C)}, atomically.
   *
   * @param sequences at least one sequence, all with the same frame count and frame shape
   * @param path the file to create or replace
   * @throws IllegalArgumentException on an empty list or differing shapes
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(List<FrameSequence> sequences, Path path) throws IOException {
    Objects.requireNonNull(sequences, "sequences");
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("need at least one sequence, got 0");
    }
    FrameSequence first = Objects.requireNonNull(sequences.get(0), "sequences[0]");
    for (int i = 1; i < sequences.size(); i++) {
      FrameSequence s = Objects.requireNonNull(sequences.get(i), "sequences[" + i + "]");
      if (s.frames() != first.frames() || !s.frameShape().equals(first.frameShape())) {
        throw new IllegalArgumentException("sequences[" + i + "] must be " + first.shapeString()
            + " like sequences[0], got " + s.shapeString());
      }
    }
    int[] shape = {sequences.size(), first.frames(), first.height(), first.width(),
        first.channels()};
    PendingFile.write(path, out -> {
      out.write(Npy.header(shape));
      for (FrameSequence s : sequences) {
        float[] d = s.toArray();
        Npy.writeFloats(d, 0, d.length, out);
      }
    });
  }

  /**
   * Writes one sequence as a float32 {@code .npy} of shape {@code (T, H, W, C)}, atomically.
   *
   * @param sequence the sequence
   * @param path the file to create or replace
   * @throws IOException on failure; an existing file is then unchanged
   */
  public static void write(FrameSequence sequence, Path path) throws IOException {
    Objects.requireNonNull(sequence, "sequence");
    int[] shape = {sequence.frames(), sequence.height(), sequence.width(), sequence.channels()};
    PendingFile.write(path, out -> {
      out.write(Npy.header(shape));
      float[] d = sequence.toArray();
      Npy.writeFloats(d, 0, d.length, out);
    });
  }

  private static FrameShape frameShape(String source, NpyHeader h, int height, int width,
      int channels) throws NpyFormatException {
    try {
      return new FrameShape(height, width, channels);
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(source + ": shape " + h.shape() + " does not give valid "
          + "frames: " + e.getMessage(), e);
    }
  }

  static float scaleFactor(Scaling scaling, NpyDtype dtype) {
    switch (scaling) {
      case NONE:
        return 1f;
      case DIVIDE_BY_255:
        return 1f / 255f;
      case AUTO:
        return dtype == NpyDtype.UINT8 ? 1f / 255f : 1f;
      default:
        throw new IllegalStateException("unhandled scaling " + scaling);
    }
  }

  static boolean isZip(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }
  }
}

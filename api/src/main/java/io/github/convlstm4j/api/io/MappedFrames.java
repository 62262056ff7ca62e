package io.github.convlstm4j.api.io;

import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.data.FrameSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames of a NumPy file read through memory mapping, so a file larger than the heap can be
 * trained on: only the frames asked for are read from disk (by the operating system's page
 * cache), one frame at a time, into the caller's array. Nothing is loaded at open.
 *
 * <p>What can be mapped: an {@code .npy}, or an uncompressed (STORED) array of an {@code .npz}
 * as {@code numpy.savez} writes it (a compressed array, from {@code numpy.savez_compressed},
 * is refused with a message saying so; its CRC-32 is not checked, since that would read the
 * whole array); dtypes float32, float64, uint8 and uint16 in the byte order the header says,
 * C order; layouts (given, never guessed) {@link NpyFrames.Layout#NTHWC} (N sequences),
 * {@link NpyFrames.Layout#THWC} and {@link NpyFrames.Layout#THW} (one long series) and
 * {@link NpyFrames.Layout#TNHW} ({@code mnist_test_seq.npy}, read as is). Values are scaled as
 * {@link NpyFrames.Scaling} says (by default uint8 is divided by 255) and returned as stored
 * otherwise (no finiteness check; {@link io.github.convlstm4j.api.data.Normalization#fit}
 * refuses NaN and infinities).
 *
 * <p>The data is mapped in chunks of at most 1 GiB (a {@link java.nio.MappedByteBuffer} holds
 * at most 2 GiB), each a whole number of elements, so a frame may span two chunks. The file
 * is closed after mapping; the mappings live until this object is garbage collected (Java
 * has no explicit unmap), so {@link #close()} only drops them. Reading is thread-safe
 * (absolute reads only).
 *
 * <p>Refused at open, with an {@link NpyFormatException} naming the file (and entry), the
 * expected and the actual value: a truncated file (fewer data bytes than the header
 * describes) or one with bytes left over, an unsupported dtype, a rank that does not fit the
 * layout, Fortran order, no frames. For example
 * {@code "radar.npy: layout NTHWC needs rank 5, got shape [1000, 64, 64, 1]"}.
 */
public final class MappedFrames implements FrameSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MappedFrames.class);
  /** Default chunk size: 1 GiB, a multiple of every item size. */
  static final long DEFAULT_CHUNK_BYTES = 1L << 30;
  private static final Set<NpyDtype> MAPPABLE =
      EnumSet.of(NpyDtype.FLOAT32, NpyDtype.FLOAT64, NpyDtype.UINT8, NpyDtype.UINT16);

  private final String source;
  private final NpyHeader header;
  private final NpyFrames.Layout layout;
  private final int sequences;
  private final int storedSequences;
  private final int frames;
  private final FrameShape frameShape;
  private final float scale;
  private final long chunkBytes;
  private final int itemSize;
  private volatile ByteBuffer[] chunks;
  private final FloatBuffer[] floats;
  private final DoubleBuffer[] doubles;
  private final ShortBuffer[] shorts;

  private MappedFrames(String source, NpyHeader header, NpyFrames.Layout layout, int sequences,
      int storedSequences, int frames, FrameShape frameShape, float scale, long chunkBytes,
      ByteBuffer[] chunks) {
    this.source = source;
    this.header = header;
    this.layout = layout;
    this.sequences = sequences;
    this.storedSequences = storedSequences;
    this.frames = frames;
    this.frameShape = frameShape;
    this.scale = scale;
    this.chunkBytes = chunkBytes;
    this.itemSize = header.dtype().itemSize();
    this.floats = new FloatBuffer[chunks.length];
    this.doubles = new DoubleBuffer[chunks.length];
    this.shorts = new ShortBuffer[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      switch (header.dtype()) {
        case FLOAT32:
          floats[i] = chunks[i].asFloatBuffer();
          break;
        case FLOAT64:
          doubles[i] = chunks[i].asDoubleBuffer();
          break;
        case UINT16:
          shorts[i] = chunks[i].asShortBuffer();
          break;
        default:
          break;
      }
    }
    this.chunks = chunks;
  }

  /**
   * Maps a file with default options for a layout (uint8 divided by 255, every sequence, the
   * only array of an {@code .npz}).
   *
   * @param path an {@code .npy} or {@code .npz}
   * @param layout the axis layout of the stored array
   * @return the frames
   * @throws IOException as {@link #open(Path, NpyFrames.Options)}
   */
  public static MappedFrames open(Path path, NpyFrames.Layout layout) throws IOException {
    return open(path, NpyFrames.Options.of(layout));
  }

  /**
   * Maps a file. The file type is taken from its content ({@code .npz} files are zips).
   *
   * @param path an {@code .npy} or {@code .npz}
   * @param options layout, scaling, the number of sequences to keep (the first ones) and, for
   *     an {@code .npz}, the array
   * @return the frames
   * @throws NoSuchFileException if the file does not exist
   * @throws NpyFormatException naming the file (and entry) for the refusals of the class
   *     description, and what {@link Npz} refuses in a damaged archive
   * @throws IOException on other read failures
   */
  public static MappedFrames open(Path path, NpyFrames.Options options) throws IOException {
    return open(path, options, DEFAULT_CHUNK_BYTES);
  }

  /** {@link #open(Path, NpyFrames.Options)} with a chunk size, for tests of the chunking. */
  static MappedFrames open(Path path, NpyFrames.Options options, long chunkBytes)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such .npy or .npz file");
    }
    String source;
    NpyHeader h;
    long dataStart;
    if (NpyFrames.isZip(path)) {
      Npz.StoredArray a = Npz.locateStored(path, options.arrayName());
      source = a.source();
      h = a.header();
      dataStart = a.dataOffset();
    } else {
      source = path.toString();
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        InputStream in = Channels.newInputStream(ch);
        h = Npy.readHeader(in, source, NpyExtent.backedBy(ch.size()));
      }
      dataStart = h.dataOffset();
    }
    NpyFrames.Layout layout = options.layout();
    if (h.rank() != layout.rank()) {
      throw new NpyFormatException(source + ": layout " + layout + " needs rank "
          + layout.rank() + ", got shape " + h.shape());
    }
    if (!MAPPABLE.contains(h.dtype())) {
      throw new NpyFormatException(source + ": expected dtype float32, float64, uint8 or "
          + "uint16 to map, got " + h.dtype() + " ('" + h.descr() + "'); convert it with "
          + "a.astype('float32')");
    }
    if (h.fortranOrder() && h.rank() > 1) {
      throw new NpyFormatException(source + ": expected C order (fortran_order False) to map, "
          + "got Fortran order; save numpy.ascontiguousarray(a)");
    }
    int[] s = h.shapeArray();
    int n;
    int t;
    int[] hwc;
    switch (layout) {
      case TNHW:
        t = s[0];
        n = s[1];
        hwc = new int[] {s[2], s[3], 1};
        break;
      case NTHWC:
        n = s[0];
        t = s[1];
        hwc = new int[] {s[2], s[3], s[4]};
        break;
      case THWC:
        n = 1;
        t = s[0];
        hwc = new int[] {s[1], s[2], s[3]};
        break;
      case THW:
        n = 1;
        t = s[0];
        hwc = new int[] {s[1], s[2], 1};
        break;
      default:
        throw new IllegalStateException("unhandled layout " + layout);
    }
    if (t < 1 || n < 1) {
      throw new NpyFormatException(source + ": expected at least 1 sequence of at least 1 "
          + "frame, got shape " + h.shape() + " (" + layout + ": " + n + " sequences of " + t
          + " frames)");
    }
    FrameShape frame;
    try {
      frame = new FrameShape(hwc[0], hwc[1], hwc[2]);
    } catch (IllegalArgumentException e) {
      throw new NpyFormatException(source + ": shape " + h.shape() + " does not give valid "
          + "frames: " + e.getMessage(), e);
    }
    if ((long) hwc[0] * hwc[1] * hwc[2] > Integer.MAX_VALUE - 8) {
      throw new NpyFormatException(source + ": one frame of " + frame + " exceeds "
          + (Integer.MAX_VALUE - 8) + " values");
    }
    int item = h.dtype().itemSize();
    if (chunkBytes < item) {
      throw new IllegalArgumentException("chunkBytes must be at least " + item + ", got "
          + chunkBytes);
    }
    long chunk = Math.min(chunkBytes, Integer.MAX_VALUE) / item * item;
    long dataBytes = h.dataByteCount();
    int count = (int) ((dataBytes + chunk - 1) / chunk);
    ByteBuffer[] chunks = new ByteBuffer[count];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() < dataStart + dataBytes) {
        throw new NpyFormatException(source + ": expected " + dataBytes + " bytes of data, got "
            + Math.max(0, ch.size() - dataStart) + " (shape " + h.shape() + ", dtype "
            + h.descr() + "; truncated file)");
      }
      for (int i = 0; i < count; i++) {
        long from = (long) i * chunk;
        long len = Math.min(chunk, dataBytes - from);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + from, len);
        chunks[i] = m.order(h.byteOrder());
      }
    }
    int keep = Math.min(n, options.maxSequences());
    float scale = NpyFrames.scaleFactor(options.scaling(), h.dtype());
    LOG.debug("mapped {}: {} of {} sequences of {} frames of {} ({}, {} chunks)", source, keep,
        n, t, frame, h.descr(), count);
    return new MappedFrames(source, h, layout, keep, n, t, frame, scale, chunk, chunks);
  }

  /**
   * The file (and entry) mapped.
   *
   * @return the name used in messages
   */
  public String source() {
    return source;
  }

  /**
   * The array's header.
   *
   * @return dtype, byte order and shape as stored
   */
  public NpyHeader header() {
    return header;
  }

  /**
   * The layout the array was mapped in.
   *
   * @return the layout
   */
  public NpyFrames.Layout layout() {
    return layout;
  }

  @Override
  public int sequences() {
    return sequences;
  }

  @Override
  public int frames() {
    return frames;
  }

  @Override
  public FrameShape frameShape() {
    return frameShape;
  }

  @Override
  public void readFrame(int sequence, int frame, float[] dest, int offset) {
    ByteBuffer[] cs = chunks;
    if (cs == null) {
      throw new IllegalStateException(source + " is closed");
    }
    Objects.checkIndex(sequence, sequences);
    Objects.checkIndex(frame, frames);
    int size = frameShape.size();
    Objects.checkFromIndexSize(offset, size, dest.length);
    long frameIndex;
    switch (layout) {
      case TNHW:
        frameIndex = (long) frame * storedSequences + sequence;
        break;
      case NTHWC:
        frameIndex = (long) sequence * frames + frame;
        break;
      default:
        frameIndex = frame;
        break;
    }
    long element = frameIndex * size;
    int done = 0;
    while (done < size) {
      long byteAt = (element + done) * itemSize;
      int c = (int) (byteAt / chunkBytes);
      int at = (int) ((byteAt % chunkBytes) / itemSize);
      int n = Math.min(size - done, cs[c].capacity() / itemSize - at);
      convert(cs, c, at, n, dest, offset + done);
      done += n;
    }
  }

  private void convert(ByteBuffer[] cs, int c, int at, int n, float[] dest, int off) {
    switch (header.dtype()) {
      case FLOAT32:
        floats[c].get(at, dest, off, n);
        break;
      case FLOAT64: {
        DoubleBuffer d = doubles[c];
        for (int i = 0; i < n; i++) {
          dest[off + i] = (float) d.get(at + i);
        }
        break;
      }
      case UINT8: {
        ByteBuffer b = cs[c];
        for (int i = 0; i < n; i++) {
          dest[off + i] = b.get(at + i) & 0xFF;
        }
        break;
      }
      case UINT16: {
        ShortBuffer sb = shorts[c];
        for (int i = 0; i < n; i++) {
          dest[off + i] = sb.get(at + i) & 0xFFFF;
        }
        break;
      }
      default:
        throw new IllegalStateException("unhandled dtype " + header.dtype());
    }
    if (scale != 1f) {
      for (int i = 0; i < n; i++) {
        dest[off + i] *= scale;
      }
    }
  }

  /** Drops the mappings; reading afterwards throws {@link IllegalStateException}. */
  @Override
  public void close() {
    chunks = null;
  }

  @Override
  public String toString() {
    return "MappedFrames[" + source + ", " + layout + " " + header.descr() + " " + header.shape()
        + ": " + sequences + " sequence(s) of " + frames + " frames of " + frameShape + "]";
  }
}

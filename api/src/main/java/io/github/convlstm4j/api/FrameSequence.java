package io.github.convlstm4j.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable sequence of frames, {@code T × H × W × C} float32, channels-last (Keras layout),
 * C-order: value {@code (t, row, col, ch)} sits at {@code ((t * H + row) * W + col) * C + ch}.
 *
 * <p>Every value is finite: {@code NaN} and infinities are rejected at construction with the
 * flat index and its {@code (t, row, col, ch)} position named. Factories copy their input and
 * accessors never hand out the internal array, so an instance can be shared freely between
 * threads. {@link #equals} and {@link #hashCode} are exact (bitwise on the float values, as
 * {@link Arrays#equals(float[], float[])}); use {@link #maxAbsDifference} for tolerances.
 */
public final class FrameSequence {

  private final int frames;
  private final FrameShape frameShape;
  private final float[] data;

  private FrameSequence(int frames, FrameShape frameShape, float[] data) {
    this.frames = frames;
    this.frameShape = frameShape;
    this.data = data;
  }

  /**
   * Creates a sequence from a flat channels-last array, copying it.
   *
   * @param frames number of frames T, at least 1
   * @param height frame height H
   * @param width frame width W
   * @param channels channels C
   * @param data {@code T*H*W*C} finite values, C-order
   * @return the sequence
   * @throws IllegalArgumentException on a non-positive size, a length mismatch or a non-finite
   *     value
   */
  public static FrameSequence of(int frames, int height, int width, int channels, float[] data) {
    return of(frames, new FrameShape(height, width, channels), data);
  }

  /**
   * Creates a sequence from a flat channels-last array, copying it.
   *
   * @param frames number of frames T, at least 1
   * @param shape shape of each frame
   * @param data {@code T*H*W*C} finite values, C-order
   * @return the sequence
   * @throws IllegalArgumentException on a non-positive frame count, a length mismatch or a
   *     non-finite value
   */
  public static FrameSequence of(int frames, FrameShape shape, float[] data) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    if (frames <= 0) {
      throw new IllegalArgumentException("frames must be positive, got " + frames);
    }
    long expected = (long) frames * shape.size();
    if (expected > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sequence too large: " + frames + " frames of " + shape + " exceeds "
              + Integer.MAX_VALUE + " values");
    }
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "data length must be " + expected + " (" + frames + " frames of " + shape
              + "), got " + data.length);
    }
    float[] copy = data.clone();
    checkFinite(frames, shape, copy);
    return new FrameSequence(frames, shape, copy);
  }

  /**
   * Creates an all-zero sequence.
   *
   * @param frames number of frames, at least 1
   * @param shape shape of each frame
   * @return the sequence
   */
  public static FrameSequence zeros(int frames, FrameShape shape) {
    return of(frames, shape, new float[Math.multiplyExact(frames, shape.size())]);
  }

  /**
   * Concatenates sequences along time. All must have the same frame shape.
   *
   * @param parts at least one sequence
   * @return a sequence whose frame count is the sum of the parts'
   * @throws IllegalArgumentException if the list is empty or frame shapes differ
   */
  public static FrameSequence concat(List<FrameSequence> parts) {
    Objects.requireNonNull(parts, "parts");
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("concat needs at least one sequence, got 0");
    }
    FrameShape shape = parts.get(0).frameShape;
    long total = 0;
    for (int i = 0; i < parts.size(); i++) {
      FrameSequence p = Objects.requireNonNull(parts.get(i), "parts[" + i + "]");
      if (!p.frameShape.equals(shape)) {
        throw new IllegalArgumentException(
            "frame shape of parts[" + i + "] must be " + shape + ", got " + p.frameShape);
      }
      total += p.data.length;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("concatenation too large: " + total + " values");
    }
    float[] out = new float[(int) total];
    int pos = 0;
    int frames = 0;
    for (FrameSequence p : parts) {
      System.arraycopy(p.data, 0, out, pos, p.data.length);
      pos += p.data.length;
      frames += p.frames;
    }
    return new FrameSequence(frames, shape, out);
  }

  /**
   * Checks a batch: at least one sequence, none null, all of one shape (frames and frame
   * shape). Backends call this at the entry of batched calls.
   *
   * @param batch the sequences
   * @param name the argument's name, for messages (for example {@code inputs})
   * @return the first sequence, whose shape every other one shares
   * @throws IllegalArgumentException if the batch is empty or a shape differs, naming the
   *     expected and the actual shape
   */
  public static FrameSequence requireUniformBatch(List<FrameSequence> batch, String name) {
    Objects.requireNonNull(batch, name);
    if (batch.isEmpty()) {
      throw new IllegalArgumentException(name + " must hold at least 1 sequence, got 0");
    }
    FrameSequence first = Objects.requireNonNull(batch.get(0), name + "[0]");
    for (int i = 1; i < batch.size(); i++) {
      FrameSequence s = Objects.requireNonNull(batch.get(i), name + "[" + i + "]");
      if (s.frames != first.frames || !s.frameShape.equals(first.frameShape)) {
        throw new IllegalArgumentException("all " + name + " of a batch must have one shape: "
            + name + "[" + i + "] must be " + first.shapeString() + " like " + name
            + "[0], got " + s.shapeString());
      }
    }
    return first;
  }

  /**
   * Returns this sequence followed by {@code other} along time.
   *
   * @param other a sequence with the same frame shape
   * @return the concatenation
   */
  public FrameSequence append(FrameSequence other) {
    return concat(List.of(this, other));
  }

  /**
   * Frames {@code [from, to)} as a new sequence.
   *
   * @param from first frame, inclusive
   * @param to last frame, exclusive; {@code from < to <= frames()}
   * @return the slice
   * @throws IndexOutOfBoundsException if the range is empty or outside {@code [0, frames())}
   */
  public FrameSequence slice(int from, int to) {
    if (from < 0 || to > frames || from >= to) {
      throw new IndexOutOfBoundsException(
          "slice range must satisfy 0 <= from < to <= " + frames + ", got [" + from + ", " + to
              + ")");
    }
    int n = frameShape.size();
    return new FrameSequence(to - from, frameShape, Arrays.copyOfRange(data, from * n, to * n));
  }

  /**
   * One frame as a single-frame sequence.
   *
   * @param t frame index
   * @return frame {@code t}
   */
  public FrameSequence frame(int t) {
    return slice(t, t + 1);
  }

  /**
   * The last frame as a single-frame sequence.
   *
   * @return frame {@code frames() - 1}
   */
  public FrameSequence lastFrame() {
    return frame(frames - 1);
  }

  /**
   * Number of frames T.
   *
   * @return T, at least 1
   */
  public int frames() {
    return frames;
  }

  /**
   * Shape of each frame.
   *
   * @return {@code H × W × C}
   */
  public FrameShape frameShape() {
    return frameShape;
  }

  /**
   * Frame height H.
   *
   * @return H
   */
  public int height() {
    return frameShape.height();
  }

  /**
   * Frame width W.
   *
   * @return W
   */
  public int width() {
    return frameShape.width();
  }

  /**
   * Channels C.
   *
   * @return C
   */
  public int channels() {
    return frameShape.channels();
  }

  /**
   * Total number of values, {@code T*H*W*C}.
   *
   * @return the number of values
   */
  public int size() {
    return data.length;
  }

  /**
   * One value.
   *
   * @param t frame
   * @param row row
   * @param col column
   * @param channel channel
   * @return the value at {@code (t, row, col, channel)}
   * @throws IndexOutOfBoundsException if any index is out of range
   */
  public float get(int t, int row, int col, int channel) {
    Objects.checkIndex(t, frames);
    Objects.checkIndex(row, frameShape.height());
    Objects.checkIndex(col, frameShape.width());
    Objects.checkIndex(channel, frameShape.channels());
    return data[t * frameShape.size() + frameShape.index(row, col, channel)];
  }

  /**
   * A copy of all values, C-order {@code T × H × W × C}.
   *
   * @return a new array
   */
  public float[] toArray() {
    return data.clone();
  }

  /**
   * Copies all values into {@code dest} starting at {@code offset}, without allocating. Meant
   * for backends that pack batches into reused buffers.
   *
   * @param dest destination
   * @param offset first index written
   * @throws IndexOutOfBoundsException if {@code dest} is too short
   */
  public void copyTo(float[] dest, int offset) {
    System.arraycopy(data, 0, dest, offset, data.length);
  }

  /**
   * Largest absolute element-wise difference to another sequence of the same shape.
   *
   * @param other a sequence with the same frames and frame shape
   * @return {@code max |this - other|}
   * @throws IllegalArgumentException if shapes differ
   */
  public double maxAbsDifference(FrameSequence other) {
    requireSameShape(other);
    double max = 0;
    for (int i = 0; i < data.length; i++) {
      max = Math.max(max, Math.abs((double) data[i] - other.data[i]));
    }
    return max;
  }

  /**
   * Checks that {@code other} has this sequence's frame count and frame shape.
   *
   * @param other the sequence to compare
   * @throws IllegalArgumentException naming both shapes if they differ
   */
  public void requireSameShape(FrameSequence other) {
    Objects.requireNonNull(other, "other");
    if (other.frames != frames || !other.frameShape.equals(frameShape)) {
      throw new IllegalArgumentException(
          "shape must be " + shapeString() + ", got " + other.shapeString());
    }
  }

  /**
   * The shape as text, {@code T×H×W×C}.
   *
   * @return for example {@code 15x40x40x1}
   */
  public String shapeString() {
    return frames + "x" + frameShape;
  }

  private static void checkFinite(int frames, FrameShape shape, float[] data) {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        int n = shape.size();
        int t = i / n;
        int r = i % n;
        int ch = r % shape.channels();
        int pix = r / shape.channels();
        throw new IllegalArgumentException(
            "values must be finite, got " + data[i] + " at index " + i + " (t=" + t + ", row="
                + pix / shape.width() + ", col=" + pix % shape.width() + ", channel=" + ch
                + ") of a " + frames + "x" + shape + " sequence");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FrameSequence)) {
      return false;
    }
    FrameSequence that = (FrameSequence) o;
    return frames == that.frames
        && frameShape.equals(that.frameShape)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * frames + frameShape.hashCode()) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FrameSequence[" + shapeString() + "]";
  }
}

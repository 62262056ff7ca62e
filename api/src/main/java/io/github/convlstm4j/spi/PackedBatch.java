package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch of equally shaped sequences packed channels-last, {@code [N, T, H, W, C]}: what the
 * forecaster core hands a backend and what a backend hands back. Backends read it through
 * {@link #copyTo} and {@link #copyFrame}; it never exposes its array.
 *
 * <p>A batch passed to a backend primitive is valid only during that call: the core reuses its
 * storage for the next batch, so a backend must copy what it keeps.
 */
public final class PackedBatch {

  private final int samples;
  private final int frames;
  private final FrameShape frameShape;
  private final float[] data;

  private PackedBatch(int samples, int frames, FrameShape frameShape, float[] data) {
    this.samples = samples;
    this.frames = frames;
    this.frameShape = frameShape;
    this.data = data;
  }

  /**
   * A batch over {@code data}, which the caller hands over: it must not be read or written by
   * anyone else afterwards (no copy is made, so a backend can return its output without a
   * second copy).
   *
   * @param samples N, at least 1
   * @param frames T, at least 1
   * @param frameShape H, W, C
   * @param data at least {@code N·T·H·W·C} floats, channels-last; extra floats are ignored
   * @return the batch
   * @throws IllegalArgumentException if a size is not positive or {@code data} is too short
   */
  public static PackedBatch adopt(int samples, int frames, FrameShape frameShape, float[] data) {
    Objects.requireNonNull(frameShape, "frameShape");
    Objects.requireNonNull(data, "data");
    if (samples < 1 || frames < 1) {
      throw new IllegalArgumentException("a batch needs at least 1 sample and 1 frame, got "
          + samples + " samples of " + frames + " frames");
    }
    long need = (long) samples * frames * frameShape.size();
    if (data.length < need) {
      throw new IllegalArgumentException("a batch of " + samples + "x" + frames + "x"
          + frameShape + " needs " + need + " floats, got " + data.length);
    }
    return new PackedBatch(samples, frames, frameShape, data);
  }

  /**
   * Packs sequences of one shape into a new batch.
   *
   * @param sequences at least one, all of one shape (the caller has checked)
   * @return the batch
   */
  public static PackedBatch of(List<FrameSequence> sequences) {
    FrameSequence first = sequences.get(0);
    float[] data = new float[Math.multiplyExact(sequences.size(), first.size())];
    for (int b = 0; b < sequences.size(); b++) {
      sequences.get(b).copyTo(data, b * first.size());
    }
    return new PackedBatch(sequences.size(), first.frames(), first.frameShape(), data);
  }

  /**
   * Number of sequences.
   *
   * @return N
   */
  public int samples() {
    return samples;
  }

  /**
   * Frames per sequence.
   *
   * @return T
   */
  public int frames() {
    return frames;
  }

  /**
   * Shape of every frame.
   *
   * @return H, W, C
   */
  public FrameShape frameShape() {
    return frameShape;
  }

  /**
   * Floats per sequence.
   *
   * @return {@code T·H·W·C}
   */
  public int sampleSize() {
    return frames * frameShape.size();
  }

  /**
   * Floats in the whole batch.
   *
   * @return {@code N·T·H·W·C}
   */
  public int size() {
    return samples * sampleSize();
  }

  /**
   * Copies the whole batch, channels-last {@code [N, T, H, W, C]}.
   *
   * @param dest destination with at least {@code offset + size()} floats
   * @param offset where the first float goes
   */
  public void copyTo(float[] dest, int offset) {
    System.arraycopy(data, 0, dest, offset, size());
  }

  /**
   * Copies one frame of one sequence, {@code [H, W, C]}.
   *
   * @param sample sequence index in {@code [0, N)}
   * @param frame frame index in {@code [0, T)}
   * @param dest destination with at least {@code offset + H·W·C} floats
   * @param offset where the first float goes
   */
  public void copyFrame(int sample, int frame, float[] dest, int offset) {
    Objects.checkIndex(sample, samples);
    Objects.checkIndex(frame, frames);
    int fs = frameShape.size();
    System.arraycopy(data, (sample * frames + frame) * fs, dest, offset, fs);
  }

  /**
   * One sequence as a {@link FrameSequence} (a copy).
   *
   * @param sample sequence index in {@code [0, N)}
   * @return the sequence
   */
  public FrameSequence sequence(int sample) {
    Objects.checkIndex(sample, samples);
    float[] s = new float[sampleSize()];
    System.arraycopy(data, sample * sampleSize(), s, 0, s.length);
    return FrameSequence.of(frames, frameShape, s);
  }

  /**
   * Every sequence, in order (copies).
   *
   * @return N sequences
   */
  public List<FrameSequence> sequences() {
    List<FrameSequence> out = new ArrayList<>(samples);
    for (int b = 0; b < samples; b++) {
      out.add(sequence(b));
    }
    return out;
  }

  @Override
  public String toString() {
    return "PackedBatch[" + samples + "x" + frames + "x" + frameShape + "]";
  }
}

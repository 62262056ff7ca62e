package io.github.convlstm4j.api.data;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import java.util.List;
import java.util.Objects;

/**
 * Frames addressed by (sequence, time), read one frame at a time into a caller's array: N
 * sequences of T frames each, all of one {@link FrameShape}. A long series is one sequence.
 * Implemented by {@link io.github.convlstm4j.api.io.MappedFrames} (a memory-mapped
 * {@code .npy}/{@code .npz}, never loaded whole) and by {@link #of(List)} (sequences in the
 * heap); {@link FrameWindows} cuts training pairs out of either.
 *
 * <p>Implementations are immutable and {@link #readFrame} is safe to call from several threads.
 */
public interface FrameSource {

  /**
   * Number of sequences.
   *
   * @return N, at least 0
   */
  int sequences();

  /**
   * Frames per sequence.
   *
   * @return T, at least 1
   */
  int frames();

  /**
   * The shape of every frame.
   *
   * @return H, W, C
   */
  FrameShape frameShape();

  /**
   * Copies one frame, channels-last, as floats.
   *
   * @param sequence in {@code [0, sequences())}
   * @param frame in {@code [0, frames())}
   * @param dest destination
   * @param offset where the frame's first value goes; {@code frameShape().size()} values follow
   * @throws IndexOutOfBoundsException naming the index and its bound
   */
  void readFrame(int sequence, int frame, float[] dest, int offset);

  /**
   * Sequences in the heap as a source.
   *
   * @param sequences at least one, all with the same frame count and frame shape
   * @return the source (it keeps the list, not copies of the frames)
   * @throws IllegalArgumentException naming the first sequence whose shape differs
   */
  static FrameSource of(List<FrameSequence> sequences) {
    List<FrameSequence> list = List.copyOf(sequences);
    FrameSequence first = FrameSequence.requireUniformBatch(list, "sequences");
    int size = first.frameShape().size();
    return new FrameSource() {
      @Override
      public int sequences() {
        return list.size();
      }

      @Override
      public int frames() {
        return first.frames();
      }

      @Override
      public FrameShape frameShape() {
        return first.frameShape();
      }

      @Override
      public void readFrame(int sequence, int frame, float[] dest, int offset) {
        Objects.checkIndex(sequence, list.size());
        Objects.checkIndex(frame, first.frames());
        Objects.checkFromIndexSize(offset, size, dest.length);
        list.get(sequence).frame(frame).copyTo(dest, offset);
      }

      @Override
      public String toString() {
        return "FrameSource[" + list.size() + " sequences of " + first.shapeString() + "]";
      }
    };
  }
}

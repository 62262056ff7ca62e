package io.github.convlstm4j.api;

/**
 * The shape of a sequence between layers: frames and the shape of each frame.
 *
 * @param frames T, at least 1
 * @param frame H, W and C of every frame
 */
public record SequenceShape(int frames, FrameShape frame) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code frames} is not positive
   */
  public SequenceShape {
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be at least 1, got " + frames);
    }
    java.util.Objects.requireNonNull(frame, "frame");
  }

  @Override
  public String toString() {
    return frames + "x" + frame;
  }
}

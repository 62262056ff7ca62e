package io.github.convlstm4j.api;

/**
 * The shape of one frame: {@code height × width × channels}, channels-last (Keras layout).
 *
 * <p>Immutable value type; all three sizes are positive.
 *
 * @param height rows per frame, at least 1
 * @param width columns per frame, at least 1
 * @param channels values per pixel, at least 1
 */
public record FrameShape(int height, int width, int channels) {

  /**
   * Validates the sizes.
   *
   * @throws IllegalArgumentException if any size is not positive, naming it and its value
   */
  public FrameShape {
    requirePositive("height", height);
    requirePositive("width", width);
    requirePositive("channels", channels);
    if ((long) height * width * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "frame too large: " + height + "x" + width + "x" + channels
              + " exceeds " + Integer.MAX_VALUE + " values");
    }
  }

  /**
   * Creates a frame shape.
   *
   * @param height rows
   * @param width columns
   * @param channels channels
   * @return the shape
   */
  public static FrameShape of(int height, int width, int channels) {
    return new FrameShape(height, width, channels);
  }

  /**
   * Number of values in one frame.
   *
   * @return {@code height * width * channels}
   */
  public int size() {
    return height * width * channels;
  }

  /**
   * Index of a value within one frame's flat, channels-last array.
   *
   * @param row row, 0-based
   * @param col column, 0-based
   * @param channel channel, 0-based
   * @return {@code (row * width + col) * channels + channel}
   */
  public int index(int row, int col, int channel) {
    return (row * width + col) * channels + channel;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  @Override
  public String toString() {
    return height + "x" + width + "x" + channels;
  }
}

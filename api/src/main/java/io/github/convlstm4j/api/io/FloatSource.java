package io.github.convlstm4j.api.io;

import java.io.IOException;

/** Array elements as floats, in order: streamed from a file or taken from memory. */
interface FloatSource {
  /**
   * Reads the next {@code count} elements.
   *
   * @param dest destination
   * @param offset first index written
   * @param count number of elements
   * @throws IOException if the data ends early or cannot be read
   */
  void read(float[] dest, int offset, int count) throws IOException;

  /**
   * Skips the next {@code count} elements.
   *
   * @param count number of elements
   * @throws IOException if the data ends early or cannot be read
   */
  void skip(long count) throws IOException;

  /**
   * Elements from an array.
   *
   * @param data the values, in order
   * @return a source reading them
   */
  static FloatSource of(float[] data) {
    return new FloatSource() {
      private int pos;

      @Override
      public void read(float[] dest, int offset, int count) {
        System.arraycopy(data, pos, dest, offset, count);
        pos += count;
      }

      @Override
      public void skip(long count) {
        pos += (int) count;
      }
    };
  }
}

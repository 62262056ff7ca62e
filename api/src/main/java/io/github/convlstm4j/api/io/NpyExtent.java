package io.github.convlstm4j.api.io;

/**
 * What a reader knows about the bytes of one {@code .npy} array before reading them: how many
 * there are, counted from the array's first byte (the magic), and whether they are known to
 * exist. A file's own size is known to exist; the size a zip directory declares for a DEFLATED
 * entry is a claim until the entry has been inflated; a stream's length is unknown.
 *
 * <p>Readers compare the header's shape and dtype with {@link #bytes()} before allocating
 * anything, and allocate at full size up front only when {@link #backed()}; otherwise arrays
 * grow with the data actually read (see {@link FloatFill}).
 *
 * @param bytes the array's length in bytes, header included, or -1 if unknown
 * @param backed whether that many bytes are known to exist
 */
record NpyExtent(long bytes, boolean backed) {
  /** A stream of unknown length: nothing is checked up front, nothing allocated ahead. */
  static final NpyExtent UNKNOWN = new NpyExtent(-1, false);

  /**
   * Bytes that exist, for example a file's size.
   *
   * @param bytes the length
   * @return the extent
   */
  static NpyExtent backedBy(long bytes) {
    return new NpyExtent(bytes, true);
  }

  /**
   * Bytes that are only claimed, for example the size of a DEFLATED zip entry.
   *
   * @param bytes the claimed length
   * @return the extent
   */
  static NpyExtent declared(long bytes) {
    return new NpyExtent(bytes, false);
  }

  /**
   * Whether the length is known.
   *
   * @return true unless this is {@link #UNKNOWN}
   */
  boolean known() {
    return bytes >= 0;
  }

  /**
   * Checks that the data a header describes is exactly what follows the header: no byte
   * missing, none left over.
   *
   * @param h the header
   * @param source names the array in the message
   * @throws NpyFormatException naming the source, the expected and the actual byte count
   */
  void requireData(NpyHeader h, String source) throws NpyFormatException {
    if (!known()) {
      return;
    }
    long available = bytes - h.dataOffset();
    long needed = h.dataByteCount();
    if (available != needed) {
      String why = available < needed ? "truncated file or damaged header"
          : (available - needed) + " bytes too many: damaged header";
      throw new NpyFormatException(source + ": expected " + needed + " bytes of data, got "
          + available + " (shape " + h.shape() + ", dtype " + h.descr() + "; " + why + ")");
    }
  }
}

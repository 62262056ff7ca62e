package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.FrameSource;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.Png;
import io.github.convlstm4j.api.io.PngFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Folders of PNG frames for the commands: read through {@link PngFrames} (lazily, one frame at a
 * time), written with {@link Png} (8 or 16 bits, 1 to 4 channels, in the units the frames were
 * read in).
 */
final class PngFolders {

  private PngFolders() {}

  /**
   * Opens a series or dataset folder (see {@link PngFrames}); 8-bit samples are divided by 255,
   * 16-bit ones kept.
   *
   * @param folder the folder
   * @return the frames
   * @throws IOException naming the folder or file when it cannot be used
   */
  static PngFrames open(Path folder) throws IOException {
    return PngFrames.open(folder, NpyFrames.Scaling.AUTO);
  }

  /**
   * The first {@code frames} frames of one sequence of a source, in the heap.
   *
   * @param source the frames
   * @param sequence the sequence
   * @param frames how many frames, from the first
   * @param where the file or folder, for messages
   * @return the frames
   * @throws UserException naming the file when a frame cannot be read
   */
  static FrameSequence sequence(FrameSource source, int sequence, int frames, Path where) {
    int size = source.frameShape().size();
    long values = Limits.product(frames, size);
    if (values > Limits.MAX_ARRAY) {
      throw new UserException(frames + " frames of " + source.frameShape() + " in " + where
          + " are " + Limits.count(values) + " values, more than one sequence holds ("
          + Limits.count(Limits.MAX_ARRAY) + ")");
    }
    float[] data = new float[(int) values];
    try {
      for (int t = 0; t < frames; t++) {
        source.readFrame(sequence, t, data, t * size);
      }
    } catch (UncheckedIOException e) {
      throw new UserException(e.getCause().getMessage(), e.getCause());
    }
    var s = source.frameShape();
    return FrameSequence.of(frames, s.height(), s.width(), s.channels(), data);
  }

  /**
   * Writes every frame of a sequence into a folder (created if missing) as
   * {@code <prefix><k>.png}, k counted from {@code first} with at least {@code digits} digits.
   *
   * @param frames the frames (1 to 4 channels)
   * @param folder the folder
   * @param prefix the start of every file name
   * @param first the number of the first frame
   * @param digits the least number of digits
   * @param bitDepth 8 or 16
   * @param scaling how the values were read (8-bit: values times 255 when AUTO)
   * @throws IOException naming the file when writing fails
   */
  static void write(FrameSequence frames, Path folder, String prefix, int first, int digits,
      int bitDepth, NpyFrames.Scaling scaling) throws IOException {
    Files.createDirectories(folder);
    for (int t = 0; t < frames.frames(); t++) {
      Png.write(frames, t, bitDepth, scaling, folder.resolve(name(prefix, first + t, digits)));
    }
  }

  /** {@code <prefix><k>.png} with k zero-padded to {@code digits} digits. */
  static String name(String prefix, long k, int digits) {
    return prefix + String.format(Locale.ROOT, "%0" + digits + "d", k) + ".png";
  }

  /** The digits needed to number {@code 0 .. count - 1} (at least 1). */
  static int digits(long count) {
    return Long.toString(Math.max(0, count - 1)).length();
  }
}

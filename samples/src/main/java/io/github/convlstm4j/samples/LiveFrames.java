package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyDtype;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.NpyHeader;
import io.github.convlstm4j.api.io.Png;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Single frames of a live feed for {@code convlstm4j stream}: decoded from a PNG or an
 * {@code .npy} file, or taken from values in memory, and checked against what the stream
 * expects (the model's channels, the size of the frames pushed so far, finite values). A frame
 * that fails a check is a {@link Rejected}, with one line naming the expected and the actual
 * value; it is never pushed.
 */
final class LiveFrames {

  /** Why a frame was not pushed, in one line: what was expected and what came. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  private LiveFrames() {}

  /**
   * Reads a PNG through {@link Png}, exactly as training reads folders of PNG frames (so a
   * model meets the same values live as it was trained on): 8-bit samples / 255, 16-bit ones
   * as they are; grey is 1 channel, grey+alpha 2, RGB 3, RGBA 4.
   *
   * @param file the PNG
   * @param channels the model's input channels
   * @param expected the size frames must have, or null to take this one's
   */
  static FrameSequence png(Path file, int channels, FrameShape expected) throws Rejected {
    Png.Header header;
    float[] v;
    try {
      header = Png.readHeader(file);
      if (header.channels() != channels) {
        throw new Rejected("expected " + channelWords(channels) + ", got "
            + channelWords(header.channels()) + " (" + header.describe() + ")");
      }
      v = new float[Math.multiplyExact(Math.multiplyExact(header.width(), header.height()),
          channels)];
      Png.read(file, header, NpyFrames.Scaling.AUTO, v, 0);
    } catch (IOException | RuntimeException e) {
      throw new Rejected("expected a readable PNG, got " + e.getMessage());
    }
    return check(v, new FrameShape(header.height(), header.width(), channels), channels,
        expected);
  }

  /**
   * Reads an {@code .npy} of one frame, shaped {@code [H, W]}, {@code [H, W, C]} or
   * {@code [1, H, W, C]}; uint8 values are divided by 255.
   *
   * @param file the file
   * @param channels the model's input channels
   * @param expected the size frames must have, or null to take this one's
   */
  static FrameSequence npy(Path file, int channels, FrameShape expected) throws Rejected {
    Tensor t;
    NpyHeader h;
    try {
      byte[] bytes = Files.readAllBytes(file);
      h = Npy.readHeader(new ByteArrayInputStream(bytes), file.toString());
      t = Npy.read(bytes, file.toString());
    } catch (IOException | RuntimeException e) {
      throw new Rejected("expected a readable .npy, got " + e.getMessage());
    }
    int[] s = t.shape();
    FrameShape shape;
    if (s.length == 2 && s[0] > 0 && s[1] > 0) {
      shape = new FrameShape(s[0], s[1], 1);
    } else if (s.length == 3 && s[0] > 0 && s[1] > 0 && s[2] > 0) {
      shape = new FrameShape(s[0], s[1], s[2]);
    } else if (s.length == 4 && s[0] == 1 && s[1] > 0 && s[2] > 0 && s[3] > 0) {
      shape = new FrameShape(s[1], s[2], s[3]);
    } else {
      throw new Rejected("expected one frame shaped [H, W], [H, W, C] or [1, H, W, C], got "
          + Arrays.toString(s));
    }
    float[] v = t.toArray();
    if (h.dtype() == NpyDtype.UINT8) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= 255f;
      }
    }
    return check(v, shape, channels, expected);
  }

  /**
   * Checks values of one frame and makes it a 1-frame sequence.
   *
   * @param values {@code H*W*C} values, channels last
   * @param actual their shape
   * @param channels the model's input channels
   * @param expected the size frames must have, or null for any size
   * @throws Rejected for other channels, another size or a value that is not finite
   */
  static FrameSequence check(float[] values, FrameShape actual, int channels,
      FrameShape expected) throws Rejected {
    if (actual.channels() != channels) {
      throw new Rejected("expected " + channelWords(channels) + ", got "
          + channelWords(actual.channels()));
    }
    if (expected != null && (actual.height() != expected.height()
        || actual.width() != expected.width())) {
      throw new Rejected("expected " + expected.width() + "x" + expected.height()
          + " pixels like the frames before, got " + actual.width() + "x" + actual.height());
    }
    int bad = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        bad++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (bad > 0) {
      int pixel = first / actual.channels();
      throw new Rejected(String.format(Locale.ROOT, "expected finite values, got %d "
          + "non-finite (first %s at row %d, col %d, channel %d)", bad, values[first],
          pixel / actual.width(), pixel % actual.width(), first % actual.channels()));
    }
    return FrameSequence.of(1, actual, values);
  }

  private static String channelWords(int c) {
    return c == 1 ? "1 channel (grey)" : c == 3 ? "3 channels (colour)" : c + " channels";
  }
}

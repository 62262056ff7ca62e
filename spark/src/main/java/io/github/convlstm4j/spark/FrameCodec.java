package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Npy;
import io.github.convlstm4j.api.io.NpyFrames;
import io.github.convlstm4j.api.io.NpyHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Cell values to frame sequences and back. Every refusal is a {@link BadRowException} whose
 * message names what was expected and what was found; the caller puts it in the error column.
 */
final class FrameCodec {

  private FrameCodec() {}

  /** A row that cannot be forecast; the message is the reason shown in the error column. */
  static final class BadRowException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRowException(String message) {
      super(message);
    }

    BadRowException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A sequence from {@code .npy} bytes of shape {@code (T, H, W, C)} or {@code (T, H, W)}.
   * uint8 values are divided by 255 ({@link NpyFrames.Scaling#AUTO}); every value must be
   * finite.
   */
  static FrameSequence fromNpy(byte[] bytes, String source) throws BadRowException {
    if (bytes == null) {
      throw new BadRowException(source + ": expected .npy bytes, got null");
    }
    NpyHeader h;
    try {
      h = Npy.readHeader(new ByteArrayInputStream(bytes), source);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new BadRowException("unreadable .npy: " + e.getMessage(), e);
    }
    NpyFrames.Layout layout;
    if (h.rank() == 4) {
      layout = NpyFrames.Layout.THWC;
    } else if (h.rank() == 3) {
      layout = NpyFrames.Layout.THW;
    } else {
      throw new BadRowException(source + ": expected an array of shape (T, H, W, C) or "
          + "(T, H, W), got shape " + h.shape());
    }
    try {
      List<FrameSequence> s = NpyFrames.read(new ByteArrayInputStream(bytes), source,
          NpyFrames.Options.of(layout));
      if (s.size() != 1) {
        throw new BadRowException(source + ": expected 1 sequence, got " + s.size());
      }
      return s.get(0);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new BadRowException("unreadable .npy: " + e.getMessage(), e);
    }
  }

  /** {@code .npy} float32 bytes of shape {@code (T, H, W, C)}. */
  static byte[] toNpy(FrameSequence s) {
    int[] shape = {s.frames(), s.height(), s.width(), s.channels()};
    return Npy.toBytes(Tensor.of(shape, s.toArray()));
  }

  /**
   * A sequence from an {@code array<float>} cell and an {@code array<int>} shape cell
   * {@code [T, H, W, C]} or {@code [T, H, W]}.
   */
  static FrameSequence fromArrays(Row row, int valuesIndex, int shapeIndex, String source)
      throws BadRowException {
    if (row.isNullAt(valuesIndex)) {
      throw new BadRowException(source + ": expected an array of floats, got null");
    }
    if (row.isNullAt(shapeIndex)) {
      throw new BadRowException(source + ": expected a shape [T, H, W, C] or [T, H, W], got "
          + "null");
    }
    List<Object> values = row.getList(valuesIndex);
    List<Object> shapeList = row.getList(shapeIndex);
    int[] shape = new int[shapeList.size()];
    for (int i = 0; i < shape.length; i++) {
      Object o = shapeList.get(i);
      if (o == null) {
        throw new BadRowException(source + ": shape must hold no null, got " + shapeList);
      }
      shape[i] = ((Number) o).intValue();
    }
    if (shape.length != 3 && shape.length != 4) {
      throw new BadRowException(source + ": expected a shape [T, H, W, C] or [T, H, W], got "
          + Arrays.toString(shape));
    }
    long n = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new BadRowException(source + ": every size in the shape must be at least 1, got "
            + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.size()) {
      throw new BadRowException(source + ": shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + values.size());
    }
    float[] data = new float[values.size()];
    for (int i = 0; i < data.length; i++) {
      Object o = values.get(i);
      if (o == null) {
        throw new BadRowException(source + ": value " + i + " is null, expected a finite float");
      }
      float v = ((Number) o).floatValue();
      if (!Float.isFinite(v)) {
        throw new BadRowException(source + ": value " + i + " is " + v
            + ", expected a finite float");
      }
      data[i] = v;
    }
    int channels = shape.length == 4 ? shape[3] : 1;
    return FrameSequence.of(shape[0], shape[1], shape[2], channels, data);
  }

  /** The values of a sequence for an {@code array<float>} cell. */
  static Seq<Float> values(FrameSequence s) {
    float[] d = s.toArray();
    Float[] boxed = new Float[d.length];
    for (int i = 0; i < d.length; i++) {
      boxed[i] = d[i];
    }
    return CollectionConverters.asScala(Arrays.asList(boxed));
  }

  /** The shape {@code [T, H, W, C]} of a sequence for an {@code array<int>} cell. */
  static Seq<Integer> shape(FrameSequence s) {
    return CollectionConverters.asScala(List.of(s.frames(), s.height(), s.width(),
        s.channels()));
  }
}

package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One reusable native buffer through which a forecaster hands a call's input (or target) to the
 * engine. {@code NDManager.create(float[])} allocates a fresh Java direct buffer per call, whose
 * native memory is freed only when the garbage collector finds it: with a Java heap that hardly
 * fills (the data lives natively), training's resident memory then climbs by the size of every
 * batch until the next GC (the soak benchmark showed it). Staging through one buffer per
 * forecaster, grown when a larger batch comes, allocates nothing per call.
 *
 * <p>On PyTorch the array made here shares the buffer's memory (DJL wraps a direct buffer without
 * copying); on MXNet it is a copy. So an array from {@link #wrap} is valid until the next
 * {@code wrap} of the same staging buffer: use it only within one call (forecasters are not
 * thread-safe), and never keep a view of it.
 */
final class StagingBuffer {

  private ByteBuffer buffer;

  /**
   * Copies {@code data} into the buffer and returns an array over it.
   *
   * @param manager owner of the returned array (the call's sub-manager)
   * @param data values, C order, {@code shape.size()} of them
   * @param shape shape
   * @return an array valid until the next {@code wrap} of this buffer
   */
  NDArray wrap(NDManager manager, float[] data, Shape shape) {
    if (shape.size() != data.length) {
      throw new IllegalArgumentException(
          "shape " + shape + " must hold " + data.length + " values, holds " + shape.size());
    }
    int bytes = Math.multiplyExact(data.length, Float.BYTES);
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
    view.clear();
    view.asFloatBuffer().put(data);
    view.limit(bytes);
    return manager.create(view, shape, DataType.FLOAT32);
  }
}

package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Small helpers for moving data between Java arrays and NDArrays safely. */
final class DjlArrays {

  private DjlArrays() {}

  /**
   * An array whose memory belongs to the engine. On PyTorch, {@code create(float[])} wraps a
   * Java direct buffer with {@code torch::from_blob}; any engine view of such an array that
   * outlives the Java object reads freed memory, so long-lived arrays are engine copies.
   *
   * @param manager owner of the result
   * @param data values, C order
   * @param shape shape
   * @return an engine-owned array
   */
  static NDArray owned(NDManager manager, float[] data, Shape shape) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray wrapped = scratch.create(data, shape);
      NDArray copy = wrapped.duplicate();
      copy.attach(manager);
      return copy;
    }
  }
}

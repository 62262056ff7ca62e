package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.spi.PackedBatch;

/**
 * Moves batches and recurrent states between the core's channels-last layouts and the graph's:
 * input {@code [N, T, C, H, W]}; output and targets {@code [N, C, T, H, W]} with a Conv3D head,
 * else {@code [N, T, C, H, W]}; states {@code [N, F, H, W]} (Keras: {@code [N, H, W, F]}).
 * Inputs and targets reach the engine through staging buffers (no allocation per call; an array
 * from them is valid until the next call on the same forecaster).
 */
final class BatchLayouts {

  private final boolean channelsBeforeTime;
  private final StagingBuffer inputStage = new StagingBuffer();
  private final StagingBuffer targetStage = new StagingBuffer();

  /**
   * Layouts for one graph.
   *
   * @param channelsBeforeTime whether the output layout is {@code [N, C, T, H, W]}
   */
  BatchLayouts(boolean channelsBeforeTime) {
    this.channelsBeforeTime = channelsBeforeTime;
  }

  /** A Keras-layout state {@code [N, H, W, F]} as an engine array {@code [N, F, H, W]}. */
  static NDArray stateToDjl(NDManager m, Tensor t) {
    int[] s = t.shape();
    float[] data = KerasLayouts.permute(t.toArray(), s, new int[] {0, 3, 1, 2});
    return DjlArrays.owned(m, data, new Shape(s[0], s[3], s[1], s[2]));
  }

  /** A DJL-layout state {@code [N, F, H, W]} as a Keras-layout tensor. */
  static Tensor stateToKeras(float[] djl, long[] shape) {
    int[] s = {Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), Math.toIntExact(shape[2]),
        Math.toIntExact(shape[3])};
    return Tensor.of(new int[] {s[0], s[2], s[3], s[1]},
        KerasLayouts.permute(djl, s, new int[] {0, 2, 3, 1}));
  }


  /** A channels-last batch {@code [N, T, H, W, C]} in the network input layout. */
  NDArray input(NDManager m, PackedBatch batch) {
    FrameShape s = batch.frameShape();
    int n = batch.samples();
    int frames = batch.frames();
    float[] channelsLast = new float[batch.size()];
    batch.copyTo(channelsLast, 0);
    int c = s.channels();
    float[] data = c == 1 ? channelsLast : KerasLayouts.permute(channelsLast,
        new int[] {n * frames, s.height(), s.width(), c}, new int[] {0, 3, 1, 2});
    return inputStage.wrap(m, data, new Shape(n, frames, c, s.height(), s.width()));
  }

  /** A channels-last target batch in the network's output layout. */
  NDArray target(NDManager m, PackedBatch batch) {
    FrameShape o = batch.frameShape();
    int n = batch.samples();
    int t = batch.frames();
    float[] packed = new float[batch.size()];
    batch.copyTo(packed, 0);
    if (channelsBeforeTime) {
      float[] data = KerasLayouts.permute(packed,
          new int[] {n, t, o.height(), o.width(), o.channels()}, new int[] {0, 4, 1, 2, 3});
      return targetStage.wrap(m, data, new Shape(n, o.channels(), t, o.height(), o.width()));
    }
    float[] data = KerasLayouts.permute(packed,
        new int[] {n * t, o.height(), o.width(), o.channels()}, new int[] {0, 3, 1, 2});
    return targetStage.wrap(m, data, new Shape(n, t, o.channels(), o.height(), o.width()));
  }

  /** The network output as a packed channels-last {@code [N, T, H, W, C]} array. */
  float[] output(NDArray y) {
    Shape s = y.getShape();
    int[] dims = new int[5];
    for (int i = 0; i < 5; i++) {
      dims[i] = Math.toIntExact(s.get(i));
    }
    float[] flat = y.toFloatArray();
    if (channelsBeforeTime) { // [N, C, T, H, W]
      return KerasLayouts.permute(flat, dims, new int[] {0, 2, 3, 4, 1});
    }
    // [N, T, C, H, W]
    return KerasLayouts.permute(flat, dims, new int[] {0, 1, 3, 4, 2});
  }

  /** Keras-layout head features {@code [N, w, H, W, F]} as an engine array {@code [N, w, F, H, W]}. */
  static NDArray featuresToDjl(NDManager m, Tensor t) {
    int[] s = t.shape();
    float[] data = KerasLayouts.permute(t.toArray(), s, new int[] {0, 1, 4, 2, 3});
    return DjlArrays.owned(m, data, new Shape(s[0], s[1], s[4], s[2], s[3]));
  }

  /**
   * DJL-layout head features {@code [N, w, F, H, W]} as a Keras-layout tensor.
   *
   * @param djl the features
   * @param state the last layer's state shape {@code [N, F, H, W]}
   * @param window w
   * @return {@code [N, w, H, W, F]}
   */
  static Tensor featuresToKeras(float[] djl, long[] state, int window) {
    int n = Math.toIntExact(state[0]);
    int f = Math.toIntExact(state[1]);
    int h = Math.toIntExact(state[2]);
    int w = Math.toIntExact(state[3]);
    return Tensor.of(new int[] {n, window, h, w, f},
        KerasLayouts.permute(djl, new int[] {n, window, f, h, w}, new int[] {0, 1, 3, 4, 2}));
  }
}

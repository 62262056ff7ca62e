package io.github.convlstm4j.djl;

import java.util.Arrays;
import java.util.List;

/**
 * Permutes flat C-order float arrays between Keras weight layouts and DJL's (PyTorch / MXNet)
 * layouts, on the Java side so that no engine view of Java memory is ever kept.
 *
 * <ul>
 *   <li>ConvLSTM kernels: Keras {@code [kh, kw, C_in, 4F]} ↔ DJL OIHW {@code [4F, C_in, kh, kw]}
 *   <li>Conv3D kernel: Keras {@code [kt, kh, kw, C_in, C_out]} ↔ DJL {@code [C_out, C_in, kt,
 *       kh, kw]}
 *   <li>Conv2D kernel: Keras {@code [kh, kw, C_in, F]} ↔ DJL OIHW {@code [F, C_in, kh, kw]};
 *       Conv2DTranspose kernel: Keras {@code [kh, kw, F, C_in]} ↔ DJL {@code [C_in, F, kh, kw]}
 *       (the same rank-4 permutation)
 *   <li>Dense kernel: Keras {@code [C_in, units]} ↔ DJL {@code [units, C_in]}
 *   <li>vectors are the same in both
 * </ul>
 */
final class KerasLayouts {

  private KerasLayouts() {}

  /**
   * The axis permutation taking a Keras-layout tensor to the DJL layout: DJL axis j is Keras
   * axis {@code perm[j]}.
   */
  static int[] kerasToDjlPermutation(int rank) {
    switch (rank) {
      case 1:
        return new int[] {0};
      case 2:
        return new int[] {1, 0};
      case 4:
        return new int[] {3, 2, 0, 1};
      case 5:
        return new int[] {4, 3, 0, 1, 2};
      case 0:
        return new int[0];
      default:
        throw new IllegalArgumentException("weight rank must be 0, 1, 2, 4 or 5, got " + rank);
    }
  }

  /** The DJL shape of a Keras shape. */
  static long[] djlShape(List<Integer> kerasShape) {
    int[] perm = kerasToDjlPermutation(kerasShape.size());
    long[] s = new long[perm.length];
    for (int j = 0; j < perm.length; j++) {
      s[j] = kerasShape.get(perm[j]);
    }
    return s;
  }

  /** Converts Keras-layout data to DJL layout. */
  static float[] toDjl(float[] keras, List<Integer> kerasShape) {
    int[] shape = kerasShape.stream().mapToInt(Integer::intValue).toArray();
    return permute(keras, shape, kerasToDjlPermutation(shape.length));
  }

  /** Converts DJL-layout data back to the Keras layout of {@code kerasShape}. */
  static float[] toKeras(float[] djl, List<Integer> kerasShape) {
    int[] perm = kerasToDjlPermutation(kerasShape.size());
    int[] djlShape = new int[perm.length];
    for (int j = 0; j < perm.length; j++) {
      djlShape[j] = kerasShape.get(perm[j]);
    }
    int[] inverse = new int[perm.length];
    for (int j = 0; j < perm.length; j++) {
      inverse[perm[j]] = j;
    }
    return permute(djl, djlShape, inverse);
  }

  /**
   * Transposes a C-order array: output axis j is input axis {@code perm[j]}.
   *
   * @param src the data
   * @param shape the input shape
   * @param perm the permutation
   * @return a new array in the output layout
   */
  static float[] permute(float[] src, int[] shape, int[] perm) {
    int rank = shape.length;
    if (perm.length != rank) {
      throw new IllegalArgumentException(
          "permutation must have " + rank + " axes, got " + Arrays.toString(perm));
    }
    boolean identity = true;
    for (int j = 0; j < rank; j++) {
      identity &= perm[j] == j;
    }
    if (identity) {
      return src.clone();
    }
    int[] inStride = new int[rank];
    int s = 1;
    for (int a = rank - 1; a >= 0; a--) {
      inStride[a] = s;
      s *= shape[a];
    }
    int[] outShape = new int[rank];
    int[] strideOfOut = new int[rank];
    for (int j = 0; j < rank; j++) {
      outShape[j] = shape[perm[j]];
      strideOfOut[j] = inStride[perm[j]];
    }
    float[] dst = new float[src.length];
    int[] idx = new int[rank];
    int srcOff = 0;
    for (int o = 0; o < dst.length; o++) {
      dst[o] = src[srcOff];
      for (int j = rank - 1; j >= 0; j--) {
        idx[j]++;
        srcOff += strideOfOut[j];
        if (idx[j] < outShape[j]) {
          break;
        }
        srcOff -= strideOfOut[j] * outShape[j];
        idx[j] = 0;
      }
    }
    return dst;
  }
}

package io.github.convlstm4j.reference;

import java.util.Arrays;
import java.util.List;

/**
 * One weight tensor of the model in its Keras name and layout (C order), with a gradient
 * buffer when it is trainable (batch-normalization moving statistics are not).
 */
final class Param {
  final String name;
  final int[] shape;
  final float[] value;
  final float[] grad;

  Param(String name, List<Integer> shape, boolean trainable) {
    this.name = name;
    this.shape = shape.stream().mapToInt(Integer::intValue).toArray();
    int n = 1;
    for (int d : this.shape) {
      n = Math.multiplyExact(n, d);
    }
    this.value = new float[n];
    this.grad = trainable ? new float[n] : null;
  }

  boolean trainable() {
    return grad != null;
  }

  int size() {
    return value.length;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}

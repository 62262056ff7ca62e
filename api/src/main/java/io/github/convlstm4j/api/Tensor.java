package io.github.convlstm4j.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable float32 tensor in C order (last axis fastest), as NumPy stores it.
 *
 * <p>Factories copy; {@link #toArray()} copies. Values may be any float (weights are not checked
 * for finiteness here; {@link ModelWeights#requireFinite()} does that).
 * {@link #equals}/{@link #hashCode} are exact.
 */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  private Tensor(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  /**
   * Creates a tensor, copying the data.
   *
   * @param shape sizes per axis, each at least 0; an empty shape is a scalar
   * @param data {@code product(shape)} values, C order
   * @return the tensor
   * @throws IllegalArgumentException on a negative size or a length mismatch
   */
  public static Tensor of(int[] shape, float[] data) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = elementCount(shape);
    if (data.length != n) {
      throw new IllegalArgumentException(
          "data length must be " + n + " for shape " + Arrays.toString(shape) + ", got "
              + data.length);
    }
    return new Tensor(shape.clone(), data.clone());
  }

  /**
   * Creates a tensor from a shape list, copying the data.
   *
   * @param shape sizes per axis
   * @param data values, C order
   * @return the tensor
   */
  public static Tensor of(List<Integer> shape, float[] data) {
    return of(shape.stream().mapToInt(Integer::intValue).toArray(), data);
  }

  /**
   * An all-zero tensor.
   *
   * @param shape sizes per axis
   * @return the tensor
   */
  public static Tensor zeros(int... shape) {
    return of(shape, new float[Math.toIntExact(elementCount(shape))]);
  }

  /**
   * Number of elements of a shape.
   *
   * @param shape sizes per axis
   * @return the product of the sizes
   * @throws IllegalArgumentException on a negative size or overflow past int
   */
  public static long elementCount(int[] shape) {
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            "shape sizes must be >= 0, got " + shape[i] + " at axis " + i + " of "
                + Arrays.toString(shape));
      }
      n *= shape[i];
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has more than " + Integer.MAX_VALUE
                + " elements");
      }
    }
    return n;
  }

  /**
   * The shape.
   *
   * @return a copy of the sizes per axis
   */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The shape as a list.
   *
   * @return an unmodifiable list of sizes
   */
  public List<Integer> shapeList() {
    return Arrays.stream(shape).boxed().toList();
  }

  /**
   * Number of axes.
   *
   * @return the rank
   */
  public int rank() {
    return shape.length;
  }

  /**
   * Number of elements.
   *
   * @return the size
   */
  public int size() {
    return data.length;
  }

  /**
   * One element by flat C-order index.
   *
   * @param flatIndex index in {@code [0, size())}
   * @return the value
   */
  public float get(int flatIndex) {
    return data[flatIndex];
  }

  /**
   * A copy of the values, C order.
   *
   * @return a new array
   */
  public float[] toArray() {
    return data.clone();
  }

  /**
   * Copies the values into {@code dest} at {@code offset}, without allocating.
   *
   * @param dest destination
   * @param offset first index written
   */
  public void copyTo(float[] dest, int offset) {
    System.arraycopy(data, 0, dest, offset, data.length);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tensor)) {
      return false;
    }
    Tensor t = (Tensor) o;
    return Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}

package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A tensor of the forecaster core's streaming state (a layer's {@code h} or {@code c}, or the
 * head's features), known by its shape, whose values a backend may keep in its own form (an
 * engine layout, device memory) and convert to the core's channels-last {@link Tensor} only
 * when someone reads them: a session that pushes frame after frame hands the backend back
 * exactly what the backend returned, so the backend can take its own form
 * ({@link #payload()}) and skip the conversion both ways.
 *
 * <p>Immutable as seen from outside: {@link #tensor()} always returns equal values (the
 * conversion runs at most once and is remembered); a backend must never change a payload it
 * has handed out. Thread-safe.
 */
public final class EngineTensor {

  private final int[] shape;
  private final Object payload;
  private Supplier<Tensor> convert;
  private Tensor value;

  private EngineTensor(int[] shape, Object payload, Supplier<Tensor> convert, Tensor value) {
    this.shape = shape;
    this.payload = payload;
    this.convert = convert;
    this.value = value;
  }

  /**
   * A state tensor of known values.
   *
   * @param t the values
   * @return a state tensor whose {@link #tensor()} is {@code t} and whose payload is null
   */
  public static EngineTensor of(Tensor t) {
    Objects.requireNonNull(t, "t");
    return new EngineTensor(t.shape(), null, null, t);
  }

  /**
   * A state tensor held in a backend's own form.
   *
   * @param shape the channels-last shape {@link #tensor()} will have
   * @param payload the backend's form, returned by {@link #payload()}; never changed later
   * @param convert computes the channels-last tensor of exactly {@code shape} from the payload;
   *     called at most once
   * @return the state tensor
   * @throws IllegalArgumentException if a dimension of {@code shape} is below 1
   */
  public static EngineTensor deferred(int[] shape, Object payload, Supplier<Tensor> convert) {
    int[] s = shape.clone();
    for (int d : s) {
      if (d < 1) {
        throw new IllegalArgumentException("dimensions must be at least 1, got "
            + Arrays.toString(s));
      }
    }
    return new EngineTensor(s, Objects.requireNonNull(payload, "payload"),
        Objects.requireNonNull(convert, "convert"), null);
  }

  /**
   * The shape, without converting anything.
   *
   * @return a copy of the channels-last shape
   */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The shape as a list, without converting anything.
   *
   * @return the channels-last shape
   */
  public List<Integer> shapeList() {
    return Arrays.stream(shape).boxed().toList();
  }

  /**
   * The rank.
   *
   * @return the number of dimensions
   */
  public int rank() {
    return shape.length;
  }

  /**
   * The backend's own form of the values, for the backend that made it.
   *
   * @return the payload given to {@link #deferred}, or null for {@link #of}
   */
  public Object payload() {
    return payload;
  }

  /**
   * The values, channels-last (converted from the payload on the first call).
   *
   * @return the tensor, of {@link #shape()}
   * @throws IllegalStateException if the conversion returned another shape
   */
  public synchronized Tensor tensor() {
    if (value == null) {
      Tensor t = convert.get();
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalStateException("a deferred state tensor of shape "
            + Arrays.toString(shape) + " converted to " + t.shapeList());
      }
      value = t;
      convert = null;
    }
    return value;
  }

  /** Equal when the shapes and the values are equal (converts both). */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof EngineTensor e && Arrays.equals(shape, e.shape)
        && tensor().equals(e.tensor());
  }

  @Override
  public int hashCode() {
    return tensor().hashCode();
  }

  @Override
  public String toString() {
    return "EngineTensor" + Arrays.toString(shape) + (payload == null ? "" : " (engine form)");
  }
}

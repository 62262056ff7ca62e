package io.github.convlstm4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ordered, named, immutable float tensors in Keras names and layouts (see
 * {@link ModelSpec#weightShapes()}), so weights move between backends and to and from Keras
 * {@code model.get_weights()}.
 *
 * <p>Also used for optimizer state, whose names are backend-neutral ({@code <slot>/<weight
 * name>}, for example {@code adam/m/conv3d/kernel}).
 */
public final class ModelWeights {
  private final Map<String, Tensor> tensors;

  private ModelWeights(Map<String, Tensor> tensors) {
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /**
   * Weights from an ordered map (copied; the order is kept).
   *
   * @param tensors name to tensor
   * @return the weights
   */
  public static ModelWeights of(Map<String, Tensor> tensors) {
    Objects.requireNonNull(tensors, "tensors");
    Map<String, Tensor> copy = new LinkedHashMap<>();
    tensors.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "name"),
        Objects.requireNonNull(v, "tensor " + k)));
    return new ModelWeights(copy);
  }

  /**
   * No tensors.
   *
   * @return empty weights
   */
  public static ModelWeights empty() {
    return new ModelWeights(new LinkedHashMap<>());
  }

  /**
   * Starts a builder.
   *
   * @return a builder that keeps insertion order
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The names, in order.
   *
   * @return an unmodifiable ordered set
   */
  public Set<String> names() {
    return tensors.keySet();
  }

  /**
   * The tensors, in order.
   *
   * @return an unmodifiable ordered map
   */
  public Map<String, Tensor> asMap() {
    return tensors;
  }

  /**
   * Whether a tensor of that name exists.
   *
   * @param name tensor name
   * @return true if present
   */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * One tensor.
   *
   * @param name tensor name
   * @return the tensor
   * @throws IllegalArgumentException naming the missing tensor and the present ones
   */
  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "no tensor named '" + name + "'; present: " + tensors.keySet());
    }
    return t;
  }

  /**
   * Number of tensors.
   *
   * @return the count
   */
  public int size() {
    return tensors.size();
  }

  /**
   * Total number of scalar values.
   *
   * @return the sum of tensor sizes
   */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.size();
    }
    return n;
  }

  /**
   * Lists every way these weights depart from what a spec needs: missing, extra and mis-shaped
   * tensors.
   *
   * @param spec the model spec
   * @return one message per problem, empty if the weights fit
   */
  public List<String> problemsAgainst(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    List<String> problems = new ArrayList<>();
    Map<String, List<Integer>> expected = spec.weightShapes();
    for (Map.Entry<String, List<Integer>> e : expected.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        problems.add("missing " + e.getKey() + " " + e.getValue());
      } else if (!t.shapeList().equals(e.getValue())) {
        problems.add("mis-shaped " + e.getKey() + ": expected " + e.getValue() + ", got "
            + t.shapeList());
      }
    }
    for (String name : tensors.keySet()) {
      if (!expected.containsKey(name)) {
        problems.add("extra " + name + " " + tensors.get(name).shapeList());
      }
    }
    return problems;
  }

  /**
   * Checks these weights against a spec.
   *
   * @param spec the model spec
   * @return this
   * @throws IllegalArgumentException listing every missing, extra or mis-shaped tensor
   */
  public ModelWeights requireCompatible(ModelSpec spec) {
    List<String> problems = problemsAgainst(spec);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "weights do not fit the spec (" + problems.size() + " problems): "
              + String.join("; ", problems));
    }
    return this;
  }

  /**
   * Checks that every value is finite.
   *
   * @return this
   * @throws IllegalArgumentException naming the first tensor and index holding NaN or Inf
   */
  public ModelWeights requireFinite() {
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      for (int i = 0; i < t.size(); i++) {
        if (!Float.isFinite(t.get(i))) {
          throw new IllegalArgumentException(
              "weights must be finite, got " + t.get(i) + " in " + e.getKey() + " at flat index "
                  + i);
        }
      }
    }
    return this;
  }

  /**
   * Largest absolute difference to other weights with the same names and shapes.
   *
   * @param other the other weights
   * @return {@code max |this - other|} over all tensors
   * @throws IllegalArgumentException if names or shapes differ
   */
  public double maxAbsDifference(ModelWeights other) {
    if (!tensors.keySet().equals(other.tensors.keySet())) {
      throw new IllegalArgumentException(
          "names must be " + tensors.keySet() + ", got " + other.tensors.keySet());
    }
    double max = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor a = e.getValue();
      Tensor b = other.tensors.get(e.getKey());
      if (!a.shapeList().equals(b.shapeList())) {
        throw new IllegalArgumentException(
            "shape of " + e.getKey() + " must be " + a.shapeList() + ", got " + b.shapeList());
      }
      for (int i = 0; i < a.size(); i++) {
        max = Math.max(max, Math.abs((double) a.get(i) - b.get(i)));
      }
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelWeights
        && new ArrayList<>(tensors.entrySet())
            .equals(new ArrayList<>(((ModelWeights) o).tensors.entrySet()));
  }

  @Override
  public int hashCode() {
    return tensors.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ModelWeights[");
    tensors.forEach((k, v) -> sb.append(k).append(v.shapeList()).append(", "));
    if (!tensors.isEmpty()) {
      sb.setLength(sb.length() - 2);
    }
    return sb.append("]").toString();
  }

  /** Collects tensors in insertion order. */
  public static final class Builder {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a tensor.
     *
     * @param name unique name
     * @param tensor the tensor
     * @return this builder
     * @throws IllegalArgumentException if the name is already present
     */
    public Builder put(String name, Tensor tensor) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tensor, "tensor");
      if (tensors.containsKey(name)) {
        throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
      }
      tensors.put(name, tensor);
      return this;
    }

    /**
     * Builds the weights.
     *
     * @return the weights
     */
    public ModelWeights build() {
      return new ModelWeights(new LinkedHashMap<>(tensors));
    }
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** All weights of a network, in {@link ModelSpec#weightShapes()} order. */
final class Parameters {
  private final Map<String, Param> byName = new LinkedHashMap<>();
  private final List<Param> all;

  Parameters(ModelSpec spec) {
    List<Param> list = new ArrayList<>();
    spec.weightShapes().forEach((name, shape) -> {
      boolean trainable = !name.endsWith("/moving_mean") && !name.endsWith("/moving_variance");
      Param p = new Param(name, shape, trainable);
      byName.put(name, p);
      list.add(p);
    });
    this.all = Collections.unmodifiableList(list);
  }

  /**
   * A view of another model's parameters under this (sub-)model's names: the same
   * {@link Param} objects, so values written through either are seen by both.
   *
   * @param spec the sub-model
   * @param aliases for each of its weight names, the parameter it stands for
   */
  Parameters(ModelSpec spec, Map<String, Param> aliases) {
    List<Param> list = new ArrayList<>();
    spec.weightShapes().forEach((name, shape) -> {
      Param p = aliases.get(name);
      if (p == null || !java.util.Arrays.equals(p.shape,
          shape.stream().mapToInt(Integer::intValue).toArray())) {
        throw new IllegalArgumentException("no parameter of shape " + shape + " stands for '"
            + name + "', got " + p);
      }
      byName.put(name, p);
      list.add(p);
    });
    this.all = Collections.unmodifiableList(list);
  }

  Param get(String name) {
    Param p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no parameter '" + name + "'; present: "
          + byName.keySet());
    }
    return p;
  }

  Param find(String name) {
    return byName.get(name);
  }

  List<Param> all() {
    return all;
  }

  /** A snapshot in Keras names and layouts. */
  ModelWeights snapshot() {
    ModelWeights.Builder b = ModelWeights.builder();
    for (Param p : all) {
      b.put(p.name, Tensor.of(p.shape, p.value));
    }
    return b.build();
  }

  /** Copies values in; the caller has checked compatibility. */
  void load(ModelWeights w) {
    for (Param p : all) {
      w.get(p.name).copyTo(p.value, 0);
    }
  }

  void zeroGradients() {
    for (Param p : all) {
      if (p.grad != null) {
        java.util.Arrays.fill(p.grad, 0f);
      }
    }
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Keras 2 optimizers of {@link OptimizerSpec}, with their state in backend-neutral names
 * {@code <optimizer>/<slot>/<weight name>}: {@code adadelta/accum_grad}, {@code
 * adadelta/accum_var}, {@code adam/m}, {@code adam/v}, {@code rmsprop/accum}, {@code
 * sgd/momentum}; plus {@code optimizer/iterations} (a scalar: the number of updates applied,
 * the {@code t} of Adam's bias correction is {@code iterations} after the increment). Slots
 * start at zero when first needed and persist across {@code fit} calls. Each element update is
 * computed in double from the float values and stored as float.
 */
final class Optimizer {

  /** Name of the iteration counter in the state. */
  static final String ITERATIONS = "optimizer/iterations";

  private final Parameters params;
  private final Map<String, float[]> slots = new LinkedHashMap<>();
  private long iterations;

  Optimizer(Parameters params) {
    this.params = params;
  }

  long iterations() {
    return iterations;
  }

  /** Slot names of a type. */
  static List<String> slotNames(OptimizerType type) {
    switch (type) {
      case ADADELTA:
        return List.of("accum_grad", "accum_var");
      case ADAM:
        return List.of("m", "v");
      case RMSPROP:
        return List.of("accum");
      case SGD:
        return List.of("momentum");
      default:
        throw new AssertionError(type);
    }
  }

  private static String prefix(OptimizerType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  private float[] slot(OptimizerType type, String slot, Param p) {
    return slots.computeIfAbsent(prefix(type) + "/" + slot + "/" + p.name,
        k -> new float[p.size()]);
  }

  /** Applies one update to every trainable parameter from its gradient. */
  void step(OptimizerSpec spec) {
    iterations++;
    for (Param p : params.all()) {
      if (p.trainable()) {
        update(spec, p);
      }
    }
  }

  private void update(OptimizerSpec o, Param p) {
    float[] w = p.value;
    float[] g = p.grad;
    double lr = o.learningRate();
    double eps = o.epsilon();
    switch (o.type()) {
      case ADADELTA: {
        float[] a = slot(o.type(), "accum_grad", p);
        float[] u = slot(o.type(), "accum_var", p);
        double rho = o.rho();
        for (int i = 0; i < w.length; i++) {
          double gi = g[i];
          double ai = rho * a[i] + (1 - rho) * gi * gi;
          double d = gi * Math.sqrt(u[i] + eps) / Math.sqrt(ai + eps);
          a[i] = (float) ai;
          w[i] = (float) (w[i] - lr * d);
          u[i] = (float) (rho * u[i] + (1 - rho) * d * d);
        }
        break;
      }
      case ADAM: {
        float[] m = slot(o.type(), "m", p);
        float[] v = slot(o.type(), "v", p);
        double b1 = o.beta1();
        double b2 = o.beta2();
        double lrT = lr * Math.sqrt(1 - Math.pow(b2, iterations)) / (1 - Math.pow(b1, iterations));
        for (int i = 0; i < w.length; i++) {
          double gi = g[i];
          double mi = b1 * m[i] + (1 - b1) * gi;
          double vi = b2 * v[i] + (1 - b2) * gi * gi;
          m[i] = (float) mi;
          v[i] = (float) vi;
          w[i] = (float) (w[i] - lrT * mi / (Math.sqrt(vi) + eps));
        }
        break;
      }
      case RMSPROP: {
        float[] a = slot(o.type(), "accum", p);
        double rho = o.rho();
        for (int i = 0; i < w.length; i++) {
          double gi = g[i];
          double ai = rho * a[i] + (1 - rho) * gi * gi;
          a[i] = (float) ai;
          w[i] = (float) (w[i] - lr * gi / (Math.sqrt(ai) + eps));
        }
        break;
      }
      case SGD: {
        float[] v = slot(o.type(), "momentum", p);
        double mom = o.momentum();
        for (int i = 0; i < w.length; i++) {
          double vi = mom * v[i] - lr * g[i];
          v[i] = (float) vi;
          w[i] = (float) (w[i] + vi);
        }
        break;
      }
      default:
        throw new AssertionError(o.type());
    }
  }

  /** The state: every slot in creation order, then the iteration counter. */
  ModelWeights state() {
    ModelWeights.Builder b = ModelWeights.builder();
    if (iterations == 0 && slots.isEmpty()) {
      return b.build();
    }
    slots.forEach((name, v) -> {
      Param p = params.get(weightName(name));
      b.put(name, Tensor.of(p.shape, v));
    });
    b.put(ITERATIONS, Tensor.of(new int[0], new float[] {iterations}));
    return b.build();
  }

  private static String weightName(String slotName) {
    int first = slotName.indexOf('/');
    int second = slotName.indexOf('/', first + 1);
    return slotName.substring(second + 1);
  }

  /**
   * Replaces the state.
   *
   * @throws IllegalArgumentException listing every tensor that is not a known slot of a
   *     trainable weight with that weight's shape
   */
  void restore(ModelWeights state) {
    List<String> problems = new ArrayList<>();
    Map<String, float[]> next = new LinkedHashMap<>();
    long iters = 0;
    for (Map.Entry<String, Tensor> e : state.asMap().entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      if (name.equals(ITERATIONS)) {
        if (t.size() != 1 || !(t.get(0) >= 0) || t.get(0) != Math.rint(t.get(0))) {
          problems.add(ITERATIONS + " must be one non-negative whole number, got "
              + t.shapeList() + (t.size() == 1 ? " " + t.get(0) : ""));
        } else {
          iters = (long) t.get(0);
        }
        continue;
      }
      String problem = slotProblem(name, t);
      if (problem != null) {
        problems.add(problem);
      } else {
        next.put(name, t.toArray());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("optimizer state does not fit the model ("
          + problems.size() + " problems): " + String.join("; ", problems));
    }
    slots.clear();
    slots.putAll(next);
    iterations = iters;
  }

  private String slotProblem(String name, Tensor t) {
    String[] parts = name.split("/", 3);
    if (parts.length < 3) {
      return "unknown optimizer tensor " + name;
    }
    OptimizerType type = null;
    for (OptimizerType ty : OptimizerType.values()) {
      if (prefix(ty).equals(parts[0])) {
        type = ty;
      }
    }
    if (type == null) {
      return "unknown optimizer '" + parts[0] + "' in " + name;
    }
    if (!slotNames(type).contains(parts[1])) {
      return "unknown slot '" + parts[1] + "' in " + name + ", expected one of "
          + slotNames(type);
    }
    Param p = params.find(parts[2]);
    if (p == null || !p.trainable()) {
      return "no trainable weight '" + parts[2] + "' for " + name;
    }
    List<Integer> shape = java.util.Arrays.stream(p.shape).boxed().toList();
    if (!t.shapeList().equals(shape)) {
      return "mis-shaped " + name + ": expected " + shape + ", got " + t.shapeList();
    }
    return null;
  }
}

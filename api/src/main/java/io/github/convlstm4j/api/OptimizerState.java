package io.github.convlstm4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names and rules of optimizer state, shared by every backend: slot
 * {@code <optimizer>/<slot>/<weight>} (for example {@code adam/m/conv_lstm2d_0/kernel}) holds
 * one float per element of a trainable weight, in the weight's Keras layout; {@value #ITERATIONS}
 * holds the number of updates applied. Checked once, by the forecaster core, before a backend
 * sees a state.
 */
public final class OptimizerState {

  /** Name of the update counter, a scalar. */
  public static final String ITERATIONS = "optimizer/iterations";

  private OptimizerState() {}

  /**
   * The name prefix of an optimizer's slots.
   *
   * @param type the optimizer
   * @return for example {@code adam}
   */
  public static String prefix(OptimizerType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The slot names of an optimizer, in state order.
   *
   * @param type the optimizer
   * @return for example {@code [m, v]} for Adam
   */
  public static List<String> slotNames(OptimizerType type) {
    switch (type) {
      case ADADELTA:
        return List.of("accum_grad", "accum_var");
      case ADAM:
        return List.of("m", "v");
      case RMSPROP:
        return List.of("accum");
      case SGD:
        return List.of("momentum");
      case ADAMW:
        return List.of("m", "v");
      default:
        throw new AssertionError(type);
    }
  }

  /**
   * The number of optimizer updates a state records: its {@value #ITERATIONS} scalar, or 0 when
   * the state has none (before training). This is the position of a
   * {@link LearningRateSchedule}: the next update uses the schedule's rate at this step.
   *
   * @param state a state that {@link #problems} accepts
   * @return the update count, at least 0
   */
  public static long iterations(ModelWeights state) {
    return state.contains(ITERATIONS) ? (long) state.get(ITERATIONS).get(0) : 0L;
  }

  /**
   * The full name of one slot of one weight.
   *
   * @param type the optimizer
   * @param slot one of {@link #slotNames}
   * @param weight a trainable weight's Keras name
   * @return {@code <prefix>/<slot>/<weight>}
   */
  public static String slotName(OptimizerType type, String slot, String weight) {
    return prefix(type) + "/" + slot + "/" + weight;
  }

  /**
   * The weight a slot belongs to.
   *
   * @param slotName a name made by {@link #slotName}
   * @return the weight's name
   */
  public static String weightOf(String slotName) {
    int first = slotName.indexOf('/');
    int second = slotName.indexOf('/', first + 1);
    return slotName.substring(second + 1);
  }

  /**
   * Everything wrong with a state for a model: unknown optimizers, slots or weights, a slot of
   * a non-trainable weight, a shape that differs from its weight's, non-finite values, and an
   * iteration count that is not one non-negative whole number.
   *
   * @param state the state (possibly empty)
   * @param spec the model
   * @return the problems, empty if the state fits
   */
  public static List<String> problems(ModelWeights state, ModelSpec spec) {
    Map<String, List<Integer>> trainable = spec.trainableWeightShapes();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : state.asMap().entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      if (name.equals(ITERATIONS)) {
        if (t.size() != 1 || !(t.get(0) >= 0) || t.get(0) != Math.rint(t.get(0))
            || Float.isInfinite(t.get(0))) {
          problems.add(ITERATIONS + " must be one non-negative whole number, got "
              + t.shapeList() + (t.size() == 1 ? " " + t.get(0) : ""));
        }
        continue;
      }
      String problem = slotProblem(name, t, trainable);
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }

  /**
   * Throws unless {@link #problems} is empty.
   *
   * @param state the state
   * @param spec the model
   * @throws IllegalArgumentException listing every problem
   */
  public static void requireFits(ModelWeights state, ModelSpec spec) {
    List<String> problems = problems(state, spec);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("optimizer state does not fit the model ("
          + problems.size() + " problems): " + String.join("; ", problems));
    }
  }

  private static String slotProblem(String name, Tensor t, Map<String, List<Integer>> trainable) {
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
    List<Integer> shape = trainable.get(parts[2]);
    if (shape == null) {
      return "no trainable weight '" + parts[2] + "' for " + name;
    }
    if (!t.shapeList().equals(shape)) {
      return "mis-shaped " + name + ": expected " + shape + ", got " + t.shapeList();
    }
    for (int i = 0; i < t.size(); i++) {
      if (!Float.isFinite(t.get(i))) {
        return name + " holds " + t.get(i) + " at flat index " + i + ", expected finite values";
      }
    }
    return null;
  }
}

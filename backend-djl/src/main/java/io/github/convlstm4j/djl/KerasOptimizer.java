package io.github.convlstm4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Keras 2 optimizers (update rules in {@link OptimizerSpec}'s Javadoc) written with NDArray
 * operations, updating parameters in place.
 *
 * <p>DJL's own optimizers are not used: their formulas differ from Keras 2 (DJL's Adam applies
 * bias correction to {@code m} and {@code v} separately and adds epsilon to
 * {@code sqrt(v̂)}, its Adadelta and RMSProp place epsilon differently and RMSProp has a
 * centered variant), and identical numerics to the reference backend are required.
 *
 * <p>Slots are stored under backend-neutral names {@code <optimizer>/<slot>/<weight name>} in
 * Keras layouts ({@code adadelta/accum_grad}, {@code adadelta/accum_var}, {@code adam/m},
 * {@code adam/v}, {@code rmsprop/accum}, {@code sgd/momentum}) plus the scalar
 * {@code optimizer/iterations}; AdamW's are {@code adamw/m} and {@code adamw/v}. Gradient
 * clipping and AdamW's decoupled weight decay follow {@link OptimizerSpec} (PyTorch's
 * {@code clip_grad_norm_} and {@code AdamW}), written out here for the same reason.
 */
final class KerasOptimizer implements AutoCloseable {

  /** Name of the update counter in optimizer state. */
  private static final String ITERATIONS = OptimizerState.ITERATIONS;

  private OptimizerSpec spec;
  private final Map<String, NDArray[]> slots = new LinkedHashMap<>();
  /** Names of the weights AdamW decays ({@link OptimizerSpec#isDecayed}). */
  private final Set<String> decayed = new HashSet<>();
  private long iterations;

  private KerasOptimizer(OptimizerSpec spec) {
    this.spec = spec;
  }

  /**
   * Creates slots (zeros, or from {@code state} where present) for every trainable parameter.
   *
   * @param spec the optimizer
   * @param params trainable parameters in DJL layouts
   * @param kerasShapes Keras shape per parameter name
   * @param state saved state, possibly empty or of another optimizer (then ignored)
   * @param manager where the slots live
   * @return the optimizer
   */
  static KerasOptimizer create(OptimizerSpec spec, Map<String, NDArray> params,
      Map<String, List<Integer>> kerasShapes, ModelWeights state, NDManager manager) {
    KerasOptimizer o = new KerasOptimizer(spec);
    String prefix = OptimizerState.prefix(spec.type());
    boolean anySlot = false;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String[] names = OptimizerState.slotNames(spec.type()).toArray(new String[0]);
      NDArray[] arrays = new NDArray[names.length];
      for (int s = 0; s < names.length; s++) {
        String key = prefix + "/" + names[s] + "/" + e.getKey();
        Shape shape = e.getValue().getShape();
        if (state.contains(key)) {
          Tensor t = state.get(key);
          List<Integer> ks = kerasShapes.get(e.getKey());
          if (!t.shapeList().equals(ks)) {
            throw new IllegalArgumentException(
                "optimizer state " + key + " must have shape " + ks + ", got " + t.shapeList());
          }
          arrays[s] = DjlArrays.owned(manager, KerasLayouts.toDjl(t.toArray(), ks), shape);
          anySlot = true;
        } else {
          arrays[s] = manager.zeros(shape);
        }
      }
      o.slots.put(e.getKey(), arrays);
      if (OptimizerSpec.isDecayed(kerasShapes.get(e.getKey()))) {
        o.decayed.add(e.getKey());
      }
    }
    if (anySlot && state.contains(ITERATIONS)) {
      o.iterations = Math.round(state.get(ITERATIONS).get(0));
    }
    return o;
  }

  /** The optimizer spec. */
  OptimizerSpec spec() {
    return spec;
  }

  /** Changes hyper-parameters of the same optimizer type, keeping the slots. */
  void setSpec(OptimizerSpec newSpec) {
    if (newSpec.type() != spec.type()) {
      throw new IllegalArgumentException(
          "optimizer type must stay " + spec.type() + ", got " + newSpec.type());
    }
    this.spec = newSpec;
  }

  /** Updates applied so far. */
  long iterations() {
    return iterations;
  }

  /** All slot arrays, to attach them to a per-batch manager. */
  List<NDArray> slotArrays() {
    List<NDArray> all = new ArrayList<>();
    slots.values().forEach(a -> all.addAll(List.of(a)));
    return all;
  }

  /**
   * Applies one update to every parameter, then counts the iteration. Temporaries go to the
   * manager of {@code grads} (the caller attaches parameters and slots to it).
   *
   * @param params trainable parameters by name
   * @param grads their gradients
   */
  void step(Map<String, NDArray> params, Map<String, NDArray> grads) {
    long t = iterations + 1;
    float scale = clipScale(params, grads);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray g = grads.get(e.getKey());
      if (scale != 1f) {
        g = g.mul(scale);
      }
      update(e.getKey(), e.getValue(), g, slots.get(e.getKey()), t);
    }
    iterations = t;
  }

  /**
   * The factor {@code clip_grad_norm_} multiplies every gradient by ({@link OptimizerSpec}):
   * {@code clipNorm/(n + 1e-6)} with {@code n} the L2 norm of all gradients together, when below
   * 1; otherwise 1. Each tensor's sum of squares is taken in the engine, their total in double.
   */
  private float clipScale(Map<String, NDArray> params, Map<String, NDArray> grads) {
    if (!spec.clipsGradients()) {
      return 1f;
    }
    double sum = 0;
    for (String name : params.keySet()) {
      try (NDArray sq = grads.get(name).square(); NDArray s = sq.sum()) {
        sum += s.getFloat();
      }
    }
    double coef = spec.clipNorm() / (Math.sqrt(sum) + OptimizerSpec.CLIP_EPSILON);
    return coef < 1 ? (float) coef : 1f;
  }

  private void update(String name, NDArray p, NDArray g, NDArray[] s, long t) {
    float lr = (float) spec.learningRate();
    float eps = (float) spec.epsilon();
    switch (spec.type()) {
      case ADADELTA: {
        float rho = (float) spec.rho();
        NDArray accumGrad = s[0];
        NDArray accumVar = s[1];
        accumGrad.muli(rho).addi(g.square().muli(1f - rho));
        NDArray d = g.mul(accumVar.add(eps).sqrt()).divi(accumGrad.add(eps).sqrt());
        p.subi(d.mul(lr));
        accumVar.muli(rho).addi(d.square().muli(1f - rho));
        break;
      }
      case ADAM: {
        float b1 = (float) spec.beta1();
        float b2 = (float) spec.beta2();
        NDArray m = s[0];
        NDArray v = s[1];
        float lrT = (float) (spec.learningRate() * Math.sqrt(1 - Math.pow(spec.beta2(), t))
            / (1 - Math.pow(spec.beta1(), t)));
        m.muli(b1).addi(g.mul(1f - b1));
        v.muli(b2).addi(g.square().muli(1f - b2));
        p.subi(m.mul(lrT).divi(v.sqrt().addi(eps)));
        break;
      }
      case RMSPROP: {
        float rho = (float) spec.rho();
        NDArray a = s[0];
        a.muli(rho).addi(g.square().muli(1f - rho));
        p.subi(g.mul(lr).divi(a.sqrt().addi(eps)));
        break;
      }
      case SGD: {
        float momentum = (float) spec.momentum();
        NDArray v = s[0];
        v.muli(momentum).subi(g.mul(lr));
        p.addi(v);
        break;
      }
      case ADAMW: {
        float b1 = (float) spec.beta1();
        float b2 = (float) spec.beta2();
        NDArray m = s[0];
        NDArray v = s[1];
        if (decayed.contains(name) && spec.weightDecay() != 0) {
          p.muli((float) (1 - spec.learningRate() * spec.weightDecay()));
        }
        float stepSize = (float) (spec.learningRate() / (1 - Math.pow(spec.beta1(), t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(spec.beta2(), t));
        m.muli(b1).addi(g.mul(1f - b1));
        v.muli(b2).addi(g.square().muli(1f - b2));
        p.subi(m.mul(stepSize).divi(v.sqrt().divi(bc2Sqrt).addi(eps)));
        break;
      }
      default:
        throw new AssertionError(spec.type());
    }
  }

  /**
   * The state in Keras layouts and backend-neutral names.
   *
   * @param kerasShapes Keras shape per parameter name
   * @return slots and {@code optimizer/iterations}
   */
  ModelWeights state(Map<String, List<Integer>> kerasShapes) {
    ModelWeights.Builder b = ModelWeights.builder();
    String prefix = OptimizerState.prefix(spec.type());
    String[] names = OptimizerState.slotNames(spec.type()).toArray(new String[0]);
    for (int s = 0; s < names.length; s++) {
      for (Map.Entry<String, NDArray[]> e : slots.entrySet()) {
        List<Integer> ks = kerasShapes.get(e.getKey());
        b.put(prefix + "/" + names[s] + "/" + e.getKey(),
            Tensor.of(ks, KerasLayouts.toKeras(e.getValue()[s].toFloatArray(), ks)));
      }
    }
    b.put(ITERATIONS, Tensor.of(new int[0], new float[] {iterations}));
    return b.build();
  }

  @Override
  public void close() {
    slots.values().forEach(a -> {
      for (NDArray x : a) {
        x.close();
      }
    });
    slots.clear();
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.OptimizerState;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.OptimizerType;
import io.github.convlstm4j.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The optimizers of {@link OptimizerSpec} (Keras 2 forms, and PyTorch's AdamW), with their
 * state in backend-neutral names {@code <optimizer>/<slot>/<weight name>}: {@code
 * adadelta/accum_grad}, {@code adadelta/accum_var}, {@code adam/m}, {@code adam/v}, {@code
 * rmsprop/accum}, {@code sgd/momentum}, {@code adamw/m}, {@code adamw/v}; plus {@code
 * optimizer/iterations} (a scalar: the number of updates applied, the {@code t} of Adam's and
 * AdamW's bias correction is {@code iterations} after the increment). Gradient clipping and
 * AdamW's weight decay as {@link OptimizerSpec} says. Slots start at zero when first needed and
 * persist across {@code fit} calls. Each element update is computed in double from the float
 * values and stored as float.
 */
final class Optimizer {

  private static final String ITERATIONS = OptimizerState.ITERATIONS;

  private final Parameters params;
  private final Map<String, float[]> slots = new LinkedHashMap<>();
  private long iterations;

  Optimizer(Parameters params) {
    this.params = params;
  }

  long iterations() {
    return iterations;
  }

  private float[] slot(OptimizerType type, String slot, Param p) {
    return slots.computeIfAbsent(OptimizerState.slotName(type, slot, p.name),
        k -> new float[p.size()]);
  }

  /**
   * Applies one update to every trainable parameter from its gradient, clipped first when the
   * spec asks ({@link #clipScale}); the gradient arrays themselves are not changed.
   */
  void step(OptimizerSpec spec) {
    double scale = clipScale(spec);
    iterations++;
    for (Param p : params.all()) {
      if (p.trainable()) {
        update(spec, p, scale);
      }
    }
  }

  /**
   * The factor {@code clip_grad_norm_} multiplies every gradient by: {@code clipNorm/(n + 1e-6)}
   * with {@code n} the L2 norm of all trainable gradients together (summed in double), when that
   * is below 1; otherwise 1.
   */
  double clipScale(OptimizerSpec spec) {
    if (!spec.clipsGradients()) {
      return 1.0;
    }
    double sum = 0;
    for (Param p : params.all()) {
      if (p.trainable()) {
        for (float g : p.grad) {
          sum += (double) g * g;
        }
      }
    }
    double coef = spec.clipNorm() / (Math.sqrt(sum) + OptimizerSpec.CLIP_EPSILON);
    return coef < 1 ? coef : 1.0;
  }

  /** A gradient element after clipping, rounded to float as an in-place clip would store it. */
  private static double clipped(float g, double scale) {
    return scale == 1.0 ? g : (float) (g * scale);
  }

  private void update(OptimizerSpec o, Param p, double scale) {
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
          double gi = clipped(g[i], scale);
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
          double gi = clipped(g[i], scale);
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
          double gi = clipped(g[i], scale);
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
          double vi = mom * v[i] - lr * clipped(g[i], scale);
          v[i] = (float) vi;
          w[i] = (float) (w[i] + vi);
        }
        break;
      }
      case ADAMW: {
        float[] m = slot(o.type(), "m", p);
        float[] v = slot(o.type(), "v", p);
        double b1 = o.beta1();
        double b2 = o.beta2();
        boolean decayed = OptimizerSpec.isDecayed(
            Arrays.stream(p.shape).boxed().collect(Collectors.toList()));
        double decay = decayed ? lr * o.weightDecay() : 0.0;
        double stepSize = lr / (1 - Math.pow(b1, iterations));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, iterations));
        for (int i = 0; i < w.length; i++) {
          double gi = clipped(g[i], scale);
          double mi = b1 * m[i] + (1 - b1) * gi;
          double vi = b2 * v[i] + (1 - b2) * gi * gi;
          m[i] = (float) mi;
          v[i] = (float) vi;
          double wi = w[i] * (1 - decay);
          w[i] = (float) (wi - stepSize * mi / (Math.sqrt(vi) / bc2Sqrt + eps));
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
      Param p = params.get(OptimizerState.weightOf(name));
      b.put(name, Tensor.of(p.shape, v));
    });
    b.put(ITERATIONS, Tensor.of(new int[0], new float[] {iterations}));
    return b.build();
  }

  /**
   * Replaces the state; the forecaster core has checked it ({@link OptimizerState#requireFits}).
   */
  void restore(ModelWeights state) {
    Map<String, float[]> next = new LinkedHashMap<>();
    long iters = 0;
    for (Map.Entry<String, Tensor> e : state.asMap().entrySet()) {
      if (e.getKey().equals(ITERATIONS)) {
        iters = (long) e.getValue().get(0);
      } else {
        next.put(e.getKey(), e.getValue().toArray());
      }
    }
    slots.clear();
    slots.putAll(next);
    iterations = iters;
  }
}

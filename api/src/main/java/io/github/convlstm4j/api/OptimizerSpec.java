package io.github.convlstm4j.api;

import java.util.List;
import java.util.Objects;

/**
 * An optimizer and its hyper-parameters. Factories give the Keras 2 defaults the seed used, and
 * PyTorch's defaults for AdamW.
 *
 * <p>Update rules (Keras 2, per parameter {@code p} with gradient {@code g}, step {@code t}
 * counted from 1):
 *
 * <ul>
 *   <li>ADADELTA: {@code a = rho·a + (1-rho)·g²; d = g·sqrt(u + eps)/sqrt(a + eps);
 *       p -= lr·d; u = rho·u + (1-rho)·d²}
 *   <li>ADAM: {@code m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²;
 *       lr_t = lr·sqrt(1-b2^t)/(1-b1^t); p -= lr_t·m/(sqrt(v) + eps)}
 *   <li>RMSPROP: {@code a = rho·a + (1-rho)·g²; p -= lr·g/(sqrt(a) + eps)}
 *   <li>SGD: {@code v = momentum·v - lr·g; p += v}
 *   <li>ADAMW, as {@code torch.optim.AdamW} (its documented algorithm,
 *       https://docs.pytorch.org/docs/stable/generated/torch.optim.AdamW.html, and its
 *       {@code _single_tensor_adam} with {@code decoupled_weight_decay=True}):
 *       {@code p -= lr·wd·p} (decayed weights only, first, with the weight from before the
 *       step); {@code m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²;
 *       p -= (lr/(1-b1^t))·m/(sqrt(v)/sqrt(1-b2^t) + eps)}. Together:
 *       {@code p -= lr·(m̂/(sqrt(v̂) + eps) + wd·p)} with {@code m̂ = m/(1-b1^t)},
 *       {@code v̂ = v/(1-b2^t)}. Note epsilon is added to {@code sqrt(v̂)} (PyTorch), not to
 *       {@code sqrt(v)} as in the Keras 2 ADAM above.
 * </ul>
 *
 * <p><b>Which weights are decayed.</b> AdamW decays the weights of rank 2 or more (every
 * kernel and recurrent kernel); biases and batch-normalization {@code gamma} and {@code beta}
 * (rank 1) are not decayed ({@link #isDecayed}). PyTorch's {@code AdamW} decays whatever its
 * parameter group holds; excluding rank-1 tensors is the parameter grouping of timm's
 * {@code optim_factory} ({@code add_weight_decay}: {@code len(param.shape) == 1 or
 * name.endswith(".bias")} go to a group with weight decay 0), which OpenSTL's recipe builds on.
 * Why: decay pulls a weight towards 0; for a kernel that limits capacity, but a bias has no
 * capacity to limit, and pulling {@code gamma} to 0 or the unit forget bias (1.0) to 0 changes
 * what the layer computes rather than regularizing it.
 *
 * <p><b>Gradient clipping</b> ({@code clipNorm} finite), before any rule above and for every
 * type, with the semantics of {@code torch.nn.utils.clip_grad_norm_} (norm type 2,
 * https://docs.pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html): the norm
 * is the L2 norm of all trainable gradients of the batch together, as if concatenated into one
 * vector, {@code n = sqrt(Σ g²)}; when {@code c = clipNorm/(n + 1e-6)} is below 1 every gradient
 * is multiplied by {@code c}, otherwise none is changed. Weight decay does not pass through the
 * gradient and is not clipped.
 *
 * @param type which optimizer
 * @param learningRate step size, positive (a {@link LearningRateSchedule} may change it per
 *     step)
 * @param rho decay of ADADELTA / RMSPROP running averages, in [0, 1)
 * @param beta1 ADAM / ADAMW first-moment decay, in [0, 1)
 * @param beta2 ADAM / ADAMW second-moment decay, in [0, 1)
 * @param epsilon numerical fuzz, positive
 * @param momentum SGD momentum, in [0, 1)
 * @param weightDecay ADAMW's decoupled weight decay {@code wd}, finite and at least 0; must be 0
 *     for every other type (they have no decoupled decay)
 * @param clipNorm the largest global L2 norm of the gradients, positive;
 *     {@link Double#POSITIVE_INFINITY} for no clipping
 */
public record OptimizerSpec(
    OptimizerType type,
    double learningRate,
    double rho,
    double beta1,
    double beta2,
    double epsilon,
    double momentum,
    double weightDecay,
    double clipNorm) {

  /** The {@code clip_grad_norm_} fuzz added to the norm before dividing: 1e-6. */
  public static final double CLIP_EPSILON = 1e-6;

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public OptimizerSpec {
    Objects.requireNonNull(type, "type");
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be positive and finite, got " + learningRate);
    }
    requireUnit("rho", rho);
    requireUnit("beta1", beta1);
    requireUnit("beta2", beta2);
    requireUnit("momentum", momentum);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weightDecay must be finite and at least 0, got " + weightDecay);
    }
    if (weightDecay != 0 && type != OptimizerType.ADAMW) {
      throw new IllegalArgumentException("weightDecay must be 0 for " + type + " (decoupled "
          + "weight decay is ADAMW's), got " + weightDecay);
    }
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipNorm must be positive (Infinity for no clipping), "
          + "got " + clipNorm);
    }
  }

  /**
   * A spec without weight decay and without clipping (the form before AdamW and clipping were
   * added).
   *
   * @param type which optimizer
   * @param learningRate step size, positive
   * @param rho decay of ADADELTA / RMSPROP running averages, in [0, 1)
   * @param beta1 ADAM / ADAMW first-moment decay, in [0, 1)
   * @param beta2 ADAM / ADAMW second-moment decay, in [0, 1)
   * @param epsilon numerical fuzz, positive
   * @param momentum SGD momentum, in [0, 1)
   * @throws IllegalArgumentException naming the bad field and its value
   */
  public OptimizerSpec(OptimizerType type, double learningRate, double rho, double beta1,
      double beta2, double epsilon, double momentum) {
    this(type, learningRate, rho, beta1, beta2, epsilon, momentum, 0.0,
        Double.POSITIVE_INFINITY);
  }

  /**
   * Whether ADAMW's decoupled weight decay applies to a trainable weight: yes for kernels
   * (rank 2 or more), no for biases and batch-normalization {@code gamma} / {@code beta} (rank
   * 1). The reasons are in the class Javadoc.
   *
   * @param kerasShape the weight's shape in its Keras layout
   * @return whether it is decayed
   */
  public static boolean isDecayed(List<Integer> kerasShape) {
    return kerasShape.size() >= 2;
  }

  /**
   * Whether gradients are clipped.
   *
   * @return {@code clipNorm} is finite
   */
  public boolean clipsGradients() {
    return clipNorm != Double.POSITIVE_INFINITY;
  }

  private static void requireUnit(String name, double v) {
    if (!(v >= 0 && v < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
    }
  }

  /**
   * Adadelta with Keras 2 defaults: lr 1.0, rho 0.95, epsilon 1e-7.
   *
   * @return the spec
   */
  public static OptimizerSpec adadelta() {
    return new OptimizerSpec(OptimizerType.ADADELTA, 1.0, 0.95, 0.9, 0.999, 1e-7, 0.0);
  }

  /**
   * Adam with Keras 2 defaults: lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7.
   *
   * @return the spec
   */
  public static OptimizerSpec adam() {
    return new OptimizerSpec(OptimizerType.ADAM, 1e-3, 0.9, 0.9, 0.999, 1e-7, 0.0);
  }

  /**
   * RMSprop with Keras 2 defaults: lr 1e-3, rho 0.9, epsilon 1e-7.
   *
   * @return the spec
   */
  public static OptimizerSpec rmsprop() {
    return new OptimizerSpec(OptimizerType.RMSPROP, 1e-3, 0.9, 0.9, 0.999, 1e-7, 0.0);
  }

  /**
   * SGD with Keras 2 defaults: lr 0.01, no momentum.
   *
   * @return the spec
   */
  public static OptimizerSpec sgd() {
    return new OptimizerSpec(OptimizerType.SGD, 0.01, 0.9, 0.9, 0.999, 1e-7, 0.0);
  }

  /**
   * AdamW with PyTorch's {@code torch.optim.AdamW} defaults: lr 1e-3, betas (0.9, 0.999),
   * epsilon 1e-8, weight decay 1e-2; no clipping.
   *
   * @return the spec
   */
  public static OptimizerSpec adamw() {
    return new OptimizerSpec(OptimizerType.ADAMW, 1e-3, 0.9, 0.9, 0.999, 1e-8, 0.0, 1e-2,
        Double.POSITIVE_INFINITY);
  }

  /**
   * The defaults for a type: Keras 2's, and PyTorch's for ADAMW.
   *
   * @param type the optimizer
   * @return its default spec
   */
  public static OptimizerSpec defaults(OptimizerType type) {
    switch (Objects.requireNonNull(type, "type")) {
      case ADADELTA:
        return adadelta();
      case ADAM:
        return adam();
      case RMSPROP:
        return rmsprop();
      case SGD:
        return sgd();
      case ADAMW:
        return adamw();
      default:
        throw new AssertionError(type);
    }
  }

  /**
   * A copy with another learning rate.
   *
   * @param lr the learning rate
   * @return the copy
   */
  public OptimizerSpec withLearningRate(double lr) {
    return new OptimizerSpec(type, lr, rho, beta1, beta2, epsilon, momentum, weightDecay,
        clipNorm);
  }

  /**
   * A copy with another SGD momentum.
   *
   * @param m the momentum
   * @return the copy
   */
  public OptimizerSpec withMomentum(double m) {
    return new OptimizerSpec(type, learningRate, rho, beta1, beta2, epsilon, m, weightDecay,
        clipNorm);
  }

  /**
   * A copy with another decoupled weight decay (ADAMW only; 0 for the others).
   *
   * @param wd the weight decay, finite and at least 0
   * @return the copy
   * @throws IllegalArgumentException for a negative or non-finite value, or a non-zero one on
   *     another type than ADAMW
   */
  public OptimizerSpec withWeightDecay(double wd) {
    return new OptimizerSpec(type, learningRate, rho, beta1, beta2, epsilon, momentum, wd,
        clipNorm);
  }

  /**
   * A copy that clips the gradients' global L2 norm to {@code maxNorm}.
   *
   * @param maxNorm positive; {@link Double#POSITIVE_INFINITY} for no clipping
   * @return the copy
   * @throws IllegalArgumentException for zero, a negative value or NaN
   */
  public OptimizerSpec withClipNorm(double maxNorm) {
    return new OptimizerSpec(type, learningRate, rho, beta1, beta2, epsilon, momentum,
        weightDecay, maxNorm);
  }
}

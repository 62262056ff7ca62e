package io.github.convlstm4j.api;

import java.util.Objects;

/**
 * An optimizer and its hyper-parameters. Factories give the Keras 2 defaults the seed used.
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
 * </ul>
 *
 * @param type which optimizer
 * @param learningRate step size, positive
 * @param rho decay of ADADELTA / RMSPROP running averages, in [0, 1)
 * @param beta1 ADAM first-moment decay, in [0, 1)
 * @param beta2 ADAM second-moment decay, in [0, 1)
 * @param epsilon numerical fuzz, positive
 * @param momentum SGD momentum, in [0, 1)
 */
public record OptimizerSpec(
    OptimizerType type,
    double learningRate,
    double rho,
    double beta1,
    double beta2,
    double epsilon,
    double momentum) {

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
   * The Keras 2 defaults for a type.
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
    return new OptimizerSpec(type, lr, rho, beta1, beta2, epsilon, momentum);
  }

  /**
   * A copy with another SGD momentum.
   *
   * @param m the momentum
   * @return the copy
   */
  public OptimizerSpec withMomentum(double m) {
    return new OptimizerSpec(type, learningRate, rho, beta1, beta2, epsilon, m);
  }
}

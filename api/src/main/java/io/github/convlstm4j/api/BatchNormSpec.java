package io.github.convlstm4j.api;

import io.github.convlstm4j.spi.Capability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Keras {@code BatchNormalization} over the channels of the layer it follows:
 * statistics over (N, T, H, W); batch statistics (biased variance) while training, moving ones
 * in inference; {@code moving = momentum·moving + (1 - momentum)·batch}. After a ConvLSTM
 * layer its weights are named after it: {@code batch_normalization_<i>/gamma, beta,
 * moving_mean, moving_variance}, each {@code [F]}; after a frame-wise layer (inference only)
 * {@code batch_normalization_l<position>/...}.
 *
 * @param momentum of the moving averages, in [0, 1) (Keras default 0.99)
 * @param epsilon added to the variance, positive and finite (Keras default 1e-3)
 */
public record BatchNormSpec(double momentum, double epsilon) implements LayerSpec {

  /** The kind, {@code batch_normalization}. */
  public static final String KIND = "batch_normalization";
  /** Keras' default momentum. */
  public static final double DEFAULT_MOMENTUM = 0.99;
  /** Keras' default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-3;
  /** The weights' last name parts, in Keras order. */
  public static final List<String> PARTS =
      List.of("gamma", "beta", "moving_mean", "moving_variance");

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public BatchNormSpec {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("batch normalization momentum must be in [0, 1), got "
          + momentum);
    }
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("batch normalization epsilon must be positive, got "
          + epsilon);
    }
  }

  /**
   * Keras' defaults: momentum 0.99, epsilon 1e-3.
   *
   * @return the layer
   */
  public static BatchNormSpec keras() {
    return new BatchNormSpec(DEFAULT_MOMENTUM, DEFAULT_EPSILON);
  }

  /**
   * Whether a weight name is a moving statistic (updated by training, not by the optimizer).
   *
   * @param weightName a Keras weight name
   * @return true for {@code .../moving_mean} and {@code .../moving_variance}
   */
  public static boolean isMovingStatistic(String weightName) {
    return weightName.endsWith("/moving_mean") || weightName.endsWith("/moving_variance");
  }

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * Trainable where it follows a ConvLSTM layer; {@link ModelSpec} marks one that follows a
   * frame-wise layer as inference-only.
   */
  @Override
  public boolean trainable() {
    return true;
  }

  @Override
  public int outputChannels(int inputChannels) {
    return inputChannels;
  }

  /**
   * After a ConvLSTM layer {@code i}: {@code batch_normalization_<i>}; after any other layer at
   * model position {@code p}: {@code batch_normalization_l<p>}.
   */
  @Override
  public String name(Position position) {
    if (ConvLstmLayerSpec.KIND.equals(position.previousKind())) {
      return KIND + "_" + (position.convLstmLayersBefore() - 1);
    }
    return KIND + "_l" + position.index();
  }

  @Override
  public SequenceShape outputShape(SequenceShape input, Position position) {
    return input;
  }

  @Override
  public Map<String, List<Integer>> weightShapes(String name, int inputChannels) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (String part : PARTS) {
      m.put(name + "/" + part, List.of(inputChannels));
    }
    return m;
  }

  @Override
  public Set<Capability> requiredCapabilities() {
    return Set.of(Capability.BATCH_NORM);
  }

  @Override
  public void writeProperties(Properties p, String prefix) {
    p.setProperty(prefix + "momentum", Double.toString(momentum));
    p.setProperty(prefix + "epsilon", Double.toString(epsilon));
  }

  static BatchNormSpec readProperties(Properties p, String prefix) {
    return new BatchNormSpec(SpecProperties.number(p, prefix + "momentum"),
        SpecProperties.number(p, prefix + "epsilon"));
  }
}

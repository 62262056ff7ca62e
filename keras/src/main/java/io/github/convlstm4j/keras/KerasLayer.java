package io.github.convlstm4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One layer of a Keras model file: its class, name, configuration and weights.
 *
 * @param className the Keras class, for example {@code ConvLSTM2D}
 * @param name the layer's name in the model
 * @param config the layer's {@code config} object as stored (a private copy; the accessor
 *     returns another copy)
 * @param weights the layer's weights in Keras order ({@code layer.weights}: trainable, then
 *     non-trainable), empty for a layer without weights
 */
public record KerasLayer(String className, String name, JsonNode config,
    List<KerasWeight> weights) {
  /**
   * Validates and copies.
   *
   * @throws NullPointerException on a null part
   */
  public KerasLayer {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(name, "name");
    config = Objects.requireNonNull(config, "config").deepCopy();
    weights = List.copyOf(weights);
  }

  /**
   * The layer's configuration.
   *
   * @return a copy of the {@code config} object
   */
  @Override
  public JsonNode config() {
    return config.deepCopy();
  }

  /**
   * A copy with other weights.
   *
   * @param w the weights
   * @return the copy
   */
  KerasLayer withWeights(List<KerasWeight> w) {
    return new KerasLayer(className, name, config, w);
  }
}

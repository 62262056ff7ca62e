package io.github.convlstm4j.keras;

import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import java.util.List;
import java.util.Objects;

/**
 * A Keras model translated into the library's terms.
 *
 * @param spec the architecture
 * @param weights the weights under the library's names ({@link ModelSpec#weightShapes()}),
 *     bit-identical to the file's values
 * @param notes what the translation dropped or assumed (for example "layer 'dropout'
 *     (Dropout) is the identity at inference: dropped"), in layer order
 */
public record ImportedModel(ModelSpec spec, ModelWeights weights, List<String> notes) {
  /**
   * Validates: the weights fit the spec.
   *
   * @throws IllegalArgumentException listing every missing, extra or mis-shaped weight
   */
  public ImportedModel {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    weights.requireCompatible(spec);
    notes = List.copyOf(notes);
  }
}

package io.github.convlstm4j.keras;

/**
 * Translates one Keras layer class into the library's terms: it reads the layer's
 * configuration, refuses what it cannot represent ({@link Translation#refuse}), and adds
 * layer specs, weights and notes to the {@link Translation}. One small translator per Keras
 * class, registered in {@link Translators}.
 */
@FunctionalInterface
interface LayerTranslator {
  /**
   * Translates a layer.
   *
   * @param layer the Keras layer with its weights
   * @param t the translation so far
   * @throws KerasFormatException naming the layer if it cannot be translated
   */
  void translate(KerasLayer layer, Translation t) throws KerasFormatException;
}

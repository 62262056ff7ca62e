package io.github.convlstm4j.keras;

/** The layouts of Keras model files this module reads and writes. */
public enum KerasFormat {
  /**
   * A Keras 3 {@code .keras} zip archive ({@code config.json}, {@code metadata.json},
   * {@code model.weights.h5}), also written by tf.keras 2.13 and later.
   */
  KERAS_ZIP,
  /**
   * A Keras 2 / tf.keras HDF5 full model: {@code model_config} attribute and
   * {@code model_weights} group (also written by Keras 3's legacy {@code .h5} saving).
   */
  HDF5_MODEL,
  /** A weights-only HDF5 file ({@code save_weights}), without an architecture. */
  HDF5_WEIGHTS
}

/**
 * Keras interop: {@link io.github.convlstm4j.keras.KerasImport} reads Keras 2 / tf.keras HDF5
 * model files, Keras 3 {@code .keras} archives and weights-only {@code .h5} files into a
 * {@link io.github.convlstm4j.api.ModelSpec} and {@link io.github.convlstm4j.api.ModelWeights};
 * {@link io.github.convlstm4j.keras.KerasExport} writes both formats back.
 */
package io.github.convlstm4j.keras;

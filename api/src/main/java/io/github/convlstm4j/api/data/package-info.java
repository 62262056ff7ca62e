/**
 * Synthetic data sets. {@link io.github.convlstm4j.api.data.MovingSquares} is the generator of
 * the Keras ConvLSTM example ({@code generate_movies}), the seed experiment of this library.
 */
package io.github.convlstm4j.api.data;

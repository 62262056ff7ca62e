/**
 * Synthetic data sets. {@link io.github.convlstm4j.api.data.MovingSquares} is the generator of
 * the Keras ConvLSTM example ({@code generate_movies}), the seed experiment of this library;
 * {@link io.github.convlstm4j.api.data.MovingMnist} generates Moving MNIST as OpenSTL does, from
 * digits the user supplies ({@link io.github.convlstm4j.api.data.MnistDigits}).
 */
package io.github.convlstm4j.api.data;

/**
 * Data sets. {@link io.github.convlstm4j.api.data.MovingSquares} is the generator of the Keras
 * ConvLSTM example ({@code generate_movies}), the seed experiment of this library;
 * {@link io.github.convlstm4j.api.data.MovingMnist} generates Moving MNIST as OpenSTL does, from
 * digits the user supplies ({@link io.github.convlstm4j.api.data.MnistDigits}). A user's own
 * frames: {@link io.github.convlstm4j.api.data.FrameSource} (frames by sequence and time, in
 * the heap or memory-mapped by {@link io.github.convlstm4j.api.io.MappedFrames}),
 * {@link io.github.convlstm4j.api.data.FrameWindows} (training pairs cut as windows, split
 * chronologically; a {@link io.github.convlstm4j.api.TrainingData}) and
 * {@link io.github.convlstm4j.api.data.Normalization} (log1p, affine, min-max or standard,
 * fitted on the training part, stored in checkpoints).
 */
package io.github.convlstm4j.api.data;

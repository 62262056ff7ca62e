/**
 * File formats: NumPy {@code .npy}/{@code .npz} for weights, checkpoints and frames. (Pictures
 * of frames are drawn by the samples, {@code io.github.convlstm4j.samples.images}, so that this
 * module needs no {@code java.desktop}.)
 *
 * <ul>
 *   <li>{@link io.github.convlstm4j.api.io.Npy}: one array; writes float32 exactly as
 *       {@code numpy.save} does, reads float/int/uint8 in either byte order, C or Fortran
 *       order, any rank.
 *   <li>{@link io.github.convlstm4j.api.io.Npz} and
 *       {@link io.github.convlstm4j.api.io.NpzWriter}: archives of named arrays plus raw
 *       entries, STORED or DEFLATED.
 *   <li>{@link io.github.convlstm4j.api.io.WeightsIo}: {@code ModelWeights} as {@code .npz}.
 *   <li>{@link io.github.convlstm4j.api.io.Checkpoints}: spec, weights, optimizer state and
 *       epoch count as one {@code .npz} that {@code numpy.load} opens.
 *   <li>{@link io.github.convlstm4j.api.io.NpyFrames}: frame sequences from user arrays in an
 *       explicit layout (Moving MNIST's {@code (T, N, H, W)} uint8 and others), and back.
 * </ul>
 *
 * <p>Every file is written atomically (a temporary file in the same folder, then
 * {@code ATOMIC_MOVE}); a failed write leaves an existing file untouched. Unreadable input is
 * reported as an {@link io.github.convlstm4j.api.io.NpyFormatException} naming the file, the
 * entry and what was expected and found.
 */
package io.github.convlstm4j.api.io;

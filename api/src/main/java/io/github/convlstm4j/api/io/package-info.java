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
 *   <li>{@link io.github.convlstm4j.api.io.MappedFrames}: the same layouts memory-mapped, one
 *       frame at a time, for files larger than the heap (an {@code .npy} or a STORED
 *       {@code .npz} array; its CRC-32 is not verified, which would read it whole).
 *   <li>{@link io.github.convlstm4j.api.io.NpyStreamWriter}: a float32 {@code .npy} written
 *       piece by piece.
 * </ul>
 *
 * <p>Every file is written atomically ({@link io.github.convlstm4j.api.io.PendingFile}: a
 * temporary file in the same folder, synced, then {@code ATOMIC_MOVE}); a failed write leaves
 * an existing file untouched, and temporary files of writers killed midway are removed by the
 * next successful write of the same file. Readers trust no size in a file: headers and zip
 * directories are checked against the file's real size before anything is allocated, zip
 * entries are inflated to at most their declared size and their CRC-32 is verified. Unreadable
 * input is reported as an {@link io.github.convlstm4j.api.io.NpyFormatException} naming the
 * file, the entry and what was expected and found; input too large for the heap as an
 * {@link java.io.IOException} naming the file.
 */
package io.github.convlstm4j.api.io;

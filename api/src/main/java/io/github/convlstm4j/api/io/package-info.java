/**
 * File formats: NumPy {@code .npy}/{@code .npz} for weights, checkpoints and frames, and
 * images (PNG, side-by-side strips, animated GIF) written with {@code javax.imageio}.
 */
package io.github.convlstm4j.api.io;

package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.kernel.MatMul;
import java.util.Arrays;

/**
 * The block loop shared by the Winograd weight gradients ({@link Winograd3x3} and
 * {@link Winograd4x4}): tiles go in blocks of {@code blockTiles}; per block, each thread
 * transforms an equal range of the block's tiles (the algorithm's {@link TileTransforms}: the
 * input patch into {@code V}, the output gradient into {@code M}, written directly in the matrix
 * kernel's prepared column-sliver layout so that the products do not pack it), then the block's
 * {@code positions} products {@code dU_ξ += V_ξᵀ · M_ξ} (the block's tiles as inner dimension)
 * split over the threads by ξ, each added to its own {@code dU_ξ} in block order. Every element
 * of {@code dU} is therefore summed in one fixed order: the result does not depend on the thread
 * count.
 */
final class WeightGradientBlocks {

  /** Transforms of one tile of a block, by the algorithm. */
  @FunctionalInterface
  interface TileTransforms {
    /**
     * Writes tile {@code tile} (block row {@code q}) on thread part {@code part}: its input
     * transform into {@code v[ξ·vStride + q·channels + ...]} and its output-gradient transform,
     * channel o of position ξ, into {@code m[ξ·ms + (o / sliver)·sliverStride + q·sliver +
     * o % sliver]} (padding columns need not be written).
     */
    void tile(int part, int q, int tile, float[] v, int vStride, float[] m, int ms, int sliver,
        int sliverStride);
  }

  private WeightGradientBlocks() {}

  /** Threads the tiles of a block are split over: {@code min(threads, tiles)}, at least 1. */
  static int parts(Parallel par, int tiles) {
    return Math.max(1, Math.min(par.threads(), tiles));
  }

  /**
   * Adds {@code Σ_tiles V_ξᵀ M_ξ} over {@code tiles} tiles to {@code du[ξ][channels][cout]},
   * block by block, with {@code V} and {@code M} in arena buffers named {@code prefix + "V"} and
   * {@code prefix + "M"}.
   */
  static void accumulate(Parallel par, MatMul serial, Arena arena, String prefix, int positions,
      int blockTiles, int tiles, int channels, int cout, TileTransforms transforms,
      float[] du) {
    int parts = parts(par, tiles);
    int vStride = blockTiles * channels;
    // The sliver width may depend on the block's tile count (the kernel's k).
    int ms = Math.toIntExact(Math.max(
        preparedStride(serial, blockTiles, Math.min(blockTiles, tiles), cout),
        preparedStride(serial, blockTiles, tiles % blockTiles, cout)));
    float[] v = arena.get(prefix + "V", (long) positions * vStride);
    float[] m = arena.get(prefix + "M", (long) positions * ms);
    for (int t0 = 0; t0 < tiles; t0 += blockTiles) {
      int block0 = t0;
      int count = Math.min(blockTiles, tiles - t0);
      int sliver = serial.preparedSliver(count, cout);
      int sliverStride = count * sliver;
      int lastSliver = cout / sliver * sliverStride;
      int padFrom = cout % sliver;
      par.forRange(parts, 1, (p0, p1) -> {
        for (int p = p0; p < p1; p++) {
          int q1 = (int) ((long) count * (p + 1) / parts);
          for (int q = (int) ((long) count * p / parts); q < q1; q++) {
            transforms.tile(p, q, block0 + q, v, vStride, m, ms, sliver, sliverStride);
            if (padFrom > 0) { // the zero columns of the last, partial sliver
              for (int xi = 0; xi < positions; xi++) {
                int at = xi * ms + lastSliver + q * sliver;
                Arrays.fill(m, at + padFrom, at + sliver, 0f);
              }
            }
          }
        }
      });
      par.forRange(positions, 1, (x0, x1) -> {
        for (int xi = x0; xi < x1; xi++) {
          serial.gemmPreparedTransA(channels, cout, count, v, xi * vStride, channels, m,
              xi * ms, du, xi * channels * cout, cout, true);
        }
      });
    }
  }

  /** Floats per ξ of {@code M} for {@code count} tiles in {@code serial}'s prepared layout. */
  private static long preparedStride(MatMul serial, int blockTiles, int count, int cout) {
    int sliver = serial.preparedSliver(count, cout);
    return (long) blockTiles * ((cout + sliver - 1) / sliver * sliver);
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.kernel.MatMul;
import java.util.Arrays;

/**
 * The block loop shared by the Winograd weight gradients ({@link Winograd3x3} and
 * {@link Winograd4x4}): tiles go in blocks of {@code blockTiles}; per block, the tiles'
 * transforms ({@link TileTransforms}: the input patch into {@code V}, the output gradient into
 * {@code M}, written directly in the matrix kernel's prepared column-sliver layout so that the
 * products do not pack it), then the block's {@code positions} products
 * {@code dU_ξ += V_ξᵀ · M_ξ} (the block's tiles as inner dimension), each added to its own
 * {@code dU_ξ} in block order.
 *
 * <p>Split over threads: when there are no more threads than rows of the transformed tile (4
 * for F(2×2), 6 for F(4×4)), each thread takes a range of rows, transforms every tile of the
 * block for those rows only and runs their positions' products, so a thread reads back only
 * what it wrote itself. Splitting the transforms by tile and the products by position instead
 * made every block's {@code V} and {@code M} (about 6 MB on the seed model) cross between the
 * cores twice, and writing lines the other core had read is slow: on a 2-vCPU EPYC the
 * transforms took 1.45× more CPU time on two threads than on one (JFR samples 262 vs 181 in a
 * seed training step), and the step took 3.53 s instead of 3.35 s.
 * With more threads than rows, the transforms are split by tile and the products by position.
 * Every element of {@code V}, {@code M} and {@code dU} is computed by the same operations in the
 * same order either way: the result does not depend on the thread count.
 */
final class WeightGradientBlocks {

  /** Transforms of one tile of a block, by the algorithm. */
  @FunctionalInterface
  interface TileTransforms {
    /**
     * Writes rows {@code rowFrom .. rowTo - 1} of the transformed tile {@code tile} (block row
     * {@code q}) on thread part {@code part}, that is positions {@code ξ = a·rows + b} with
     * {@code rowFrom <= a < rowTo}, and nothing else: its input transform into
     * {@code v[ξ·vStride + q·vRow + ...]} ({@code vRow >= channels}) and its output-gradient
     * transform, channel o of position ξ, into
     * {@code m[ξ·ms + (o / sliver)·sliverStride + q·sliver + o % sliver]} (padding columns
     * need not be written).
     */
    void tile(int part, int q, int tile, int rowFrom, int rowTo, float[] v, int vStride,
        int vRow, float[] m, int ms, int sliver, int sliverStride);
  }

  private WeightGradientBlocks() {}

  /** Threads the tiles of a block are split over: {@code min(threads, tiles)}, at least 1. */
  static int parts(Parallel par, int tiles) {
    return Math.max(1, Math.min(par.threads(), tiles));
  }

  /**
   * Adds {@code Σ_tiles V_ξᵀ M_ξ} over {@code tiles} tiles to {@code du[ξ][channels][cout]},
   * block by block, with {@code V} and {@code M} in arena buffers named {@code prefix + "V"} and
   * {@code prefix + "M"}; {@code positions} is the square of the transformed tile's side.
   * {@code V} rows are {@code serial.inPlaceTransAStride(channels)} floats apart when the kernel
   * has such a stride (so the products read V without packing it), else {@code channels}.
   */
  static void accumulate(Parallel par, MatMul serial, Arena arena, String prefix, int positions,
      int blockTiles, int tiles, int channels, int cout, TileTransforms transforms,
      float[] du) {
    int rows = (int) Math.round(Math.sqrt(positions));
    if (rows * rows != positions) {
      throw new IllegalArgumentException("positions must be a square, got " + positions);
    }
    int parts = parts(par, tiles);
    boolean byRows = parts <= rows;
    int inPlace = serial.inPlaceTransAStride(channels);
    int vRow = inPlace > 0 ? inPlace : channels;
    int vStride = blockTiles * vRow;
    // The sliver width may depend on the block's tile count (the kernel's k).
    int ms = Math.toIntExact(Math.max(
        preparedStride(serial, blockTiles, Math.min(blockTiles, tiles), cout),
        preparedStride(serial, blockTiles, tiles % blockTiles, cout)));
    float[] v = arena.get(prefix + "V", (long) positions * vStride);
    float[] m = arena.get(prefix + "M", (long) positions * ms);
    for (int t0 = 0; t0 < tiles; t0 += blockTiles) {
      Block b = new Block(serial, transforms, t0, Math.min(blockTiles, tiles - t0), rows,
          channels, cout, v, vStride, vRow, m, ms, du);
      if (byRows) {
        par.forRange(parts, 1, (p0, p1) -> {
          for (int p = p0; p < p1; p++) {
            int r0 = rows * p / parts;
            int r1 = rows * (p + 1) / parts;
            b.transform(p, 0, b.count, r0, r1);
            b.products(r0 * rows, r1 * rows);
          }
        });
      } else {
        par.forRange(parts, 1, (p0, p1) -> {
          for (int p = p0; p < p1; p++) {
            b.transform(p, (int) ((long) b.count * p / parts),
                (int) ((long) b.count * (p + 1) / parts), 0, rows);
          }
        });
        par.forRange(positions, 1, b::products);
      }
    }
  }

  /** One block of tiles: its transforms and products. */
  private static final class Block {
    private final MatMul serial;
    private final TileTransforms transforms;
    private final int first;
    private final int count;
    private final int rows;
    private final int channels;
    private final int cout;
    private final float[] v;
    private final int vStride;
    private final int vRow;
    private final float[] m;
    private final int ms;
    private final float[] du;
    private final int sliver;
    private final int sliverStride;
    private final int lastSliver;
    private final int padFrom;

    Block(MatMul serial, TileTransforms transforms, int first, int count, int rows,
        int channels, int cout, float[] v, int vStride, int vRow, float[] m, int ms,
        float[] du) {
      this.serial = serial;
      this.transforms = transforms;
      this.first = first;
      this.count = count;
      this.rows = rows;
      this.channels = channels;
      this.cout = cout;
      this.v = v;
      this.vStride = vStride;
      this.vRow = vRow;
      this.m = m;
      this.ms = ms;
      this.du = du;
      this.sliver = serial.preparedSliver(count, cout);
      this.sliverStride = count * sliver;
      this.lastSliver = cout / sliver * sliverStride;
      this.padFrom = cout % sliver;
    }

    /** Block rows {@code q0 .. q1 - 1}, transformed-tile rows {@code r0 .. r1 - 1}. */
    void transform(int part, int q0, int q1, int r0, int r1) {
      for (int q = q0; q < q1; q++) {
        transforms.tile(part, q, first + q, r0, r1, v, vStride, vRow, m, ms, sliver,
            sliverStride);
        if (padFrom > 0) { // the zero columns of the last, partial sliver
          for (int xi = r0 * rows; xi < r1 * rows; xi++) {
            int at = xi * ms + lastSliver + q * sliver;
            Arrays.fill(m, at + padFrom, at + sliver, 0f);
          }
        }
      }
    }

    /** {@code dU_ξ += V_ξᵀ · M_ξ} for positions {@code x0 .. x1 - 1}. */
    void products(int x0, int x1) {
      for (int xi = x0; xi < x1; xi++) {
        serial.gemmPreparedTransA(channels, cout, count, v, xi * vStride, vRow, m, xi * ms, du,
            xi * channels * cout, cout, true);
      }
    }
  }

  /** Floats per ξ of {@code M} for {@code count} tiles in {@code serial}'s prepared layout. */
  private static long preparedStride(MatMul serial, int blockTiles, int count, int cout) {
    int sliver = serial.preparedSliver(count, cout);
    return (long) blockTiles * ((cout + sliver - 1) / sliver * sliver);
  }
}

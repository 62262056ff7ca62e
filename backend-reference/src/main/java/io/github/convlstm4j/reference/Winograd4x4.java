package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.Winograd3x3.Output;
import io.github.convlstm4j.reference.kernel.MatMul;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stride-1 convolution with a 3×3 kernel by Winograd F(4×4, 3×3) (Lavin and Gray 2016): each
 * 4×4 block of outputs is {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} for the 6×6 input patch
 * {@code d}; summed over input channels, 36 matrix products per chunk of tiles (one per
 * position ξ of the 6×6 transformed tile). 36 multiplications per 16 outputs instead of 144
 * (direct) or 64 (F(2×2, 3×3), {@link Winograd3x3}): 4× fewer multiply-adds than the direct
 * sum, 1.78× fewer than F(2×2).
 *
 * <pre>
 * Bᵀ = [4  0 -5  0  1  0]   G = [ 1/4     0     0  ]   Aᵀ = [1  1  1  1  1  0]
 *      [0 -4 -4  1  1  0]       [-1/6  -1/6  -1/6  ]        [0  1 -1  2 -2  0]
 *      [0  4 -4 -1  1  0]       [-1/6   1/6  -1/6  ]        [0  1  1  4  4  0]
 *      [0 -2 -1  2  1  0]       [ 1/24  1/12  1/6  ]        [0  1 -1  8 -8  1]
 *      [0  2 -1 -2  1  0]       [ 1/24 -1/12  1/6  ]
 *      [0  4  0 -5  0  1]       [ 0     0     1    ]
 * </pre>
 *
 * <p><b>Rounding.</b> The transforms' entries up to 8 and down to 1/24 round about 20× worse
 * than F(2×2): {@code Winograd4x4Test} measures, against the definition summed in double,
 * errors up to 2.1e-6 of the sum of the terms' magnitudes (80 channels; F(2×2): about 5e-8) and
 * holds this class to 1e-5 of it, in the forward convolution, the input gradient (adjoint
 * kernel) and the weight gradient. So the backend uses it only where asked
 * ({@code reference.convolution=winograd4}); there it runs every 3×3 convolution of prediction
 * and training, and the default F(2×2) stays the numerical oracle.
 *
 * <p>Same contract as {@link Winograd3x3#convolve(Input[], int, int, int, int, int, float[],
 * int, int, Output[])}: channels-last frames, Keras cross-correlation, zeros outside the input,
 * any output size (partial last tiles), chunks of
 * {@link #TILES_PER_CHUNK} tiles claimed by the threads one at a time, results independent of
 * the thread count. Transforms in float
 * ({@link Winograd4Transforms}: the Vector API twin of the kernel's width, or the scalar
 * definition; the same bits), the kernel transform in double rounded once. Interior tiles are
 * transformed straight from the frames; border tiles through a zero-padded copy of the patch.
 */
final class Winograd4x4 implements WinogradConvolution {

  /**
   * Tiles per chunk: a chunk's transformed input and products ({@code 36 · 24 · (C_in + C_out)}
   * floats, 830 KB on the seed's joint convolution) stay near the core (L2 and L3); a multiple
   * of the kernel's 6- and 12-row register tiles (32 measured 10 % slower than 24 on the seed
   * model: a partial row tile per product); 24 measured as fast as 48 or faster.
   */
  static final int TILES_PER_CHUNK = 24;
  /** Positions of the transformed tile. */
  static final int XI = 36;
  /** Rows (and columns) of the transformed tile. */
  static final int ROWS = 6;

  private static final double[][] G = {
      {0.25, 0, 0},
      {-1.0 / 6, -1.0 / 6, -1.0 / 6},
      {-1.0 / 6, 1.0 / 6, -1.0 / 6},
      {1.0 / 24, 1.0 / 12, 1.0 / 6},
      {1.0 / 24, -1.0 / 12, 1.0 / 6},
      {0, 0, 1}};

  private final Parallel par;
  private final MatMul serial;
  private final Winograd4Transforms transforms;
  private final Arena arena;
  /**
   * With the transforms matching the kernel ({@link Winograd4Transforms#forKernel}: the Vector
   * API twin of a vector kernel's width).
   *
   * @param par threads for the chunks
   * @param serial a one-thread matrix kernel for the per-chunk products
   * @param arena scratch: one set of chunk buffers per thread, reused
   */
  Winograd4x4(Parallel par, MatMul serial, Arena arena) {
    this(par, serial, Winograd4Transforms.forKernel(serial), arena);
  }

  /** With given transforms (all give the same bits). */
  Winograd4x4(Parallel par, MatMul serial, Winograd4Transforms transforms, Arena arena) {
    this.par = par;
    this.serial = serial;
    this.transforms = transforms;
    this.arena = arena;
  }

  /** The transforms in use. */
  Winograd4Transforms transforms() {
    return transforms;
  }

  @Override
  public int positions() {
    return XI;
  }

  @Override
  public void transform(float[] k, int cin, int cout, boolean adjoint, float[] u, int uRows,
      int uCols, int rowOff, int colOff) {
    transformKernel(k, cin, cout, adjoint, u, uRows, uCols, rowOff, colOff);
  }

  @Override
  public float[] prepared(float[] u, int rows, int cols, float[] reuse) {
    return WinogradConvolution.prepareMatrices(serial, XI, u, rows, cols, reuse);
  }

  /**
   * Kernel transform {@code U_ξ = G g Gᵀ} of a Keras kernel {@code [3, 3, cin, cout]} into a
   * block of {@code u[ξ][uRows][uCols]} from row {@code rowOff} and column {@code colOff}
   * ({@code 36 · uRows · uCols} floats). Forward: {@code g[dy][dx] = k[dy, dx, c, o]} at row c,
   * column o. Adjoint (the kernel of the input gradient, a {@code cout → cin} convolution with
   * padding {@code 2 - pad}): {@code g[dy][dx] = k[2-dy, 2-dx, c, o]} at row o, column c.
   * Computed in double, rounded once.
   */
  static void transformKernel(float[] k, int cin, int cout, boolean adjoint, float[] u,
      int uRows, int uCols, int rowOff, int colOff) {
    double[] g = new double[9];
    double[] gg = new double[18]; // G g: 6 × 3
    int stride = uRows * uCols;
    for (int c = 0; c < cin; c++) {
      for (int o = 0; o < cout; o++) {
        for (int t = 0; t < 9; t++) {
          g[t] = k[((adjoint ? 8 - t : t) * cin + c) * cout + o];
        }
        for (int a = 0; a < 6; a++) {
          for (int x = 0; x < 3; x++) {
            gg[a * 3 + x] = G[a][0] * g[x] + G[a][1] * g[3 + x] + G[a][2] * g[6 + x];
          }
        }
        int base = adjoint ? (rowOff + o) * uCols + colOff + c
            : (rowOff + c) * uCols + colOff + o;
        for (int a = 0; a < 6; a++) {
          for (int b = 0; b < 6; b++) {
            double v = G[b][0] * gg[a * 3] + G[b][1] * gg[a * 3 + 1] + G[b][2] * gg[a * 3 + 2];
            u[(a * 6 + b) * stride + base] = (float) v;
          }
        }
      }
    }
  }

  /** Floats of a transformed kernel with {@code cin} rows and {@code cout} columns. */
  static long kernelSize(int cin, int cout) {
    return (long) XI * cin * cout;
  }

  @Override
  public void convolve(Input[] inputs, int frames, int h, int w, int padTop, int padLeft,
      float[] u, int ho, int wo, Output[] outputs) {
    int cin = 0;
    int maxC = 0;
    for (Input i : inputs) {
      cin += i.channels();
      maxC = Math.max(maxC, i.channels());
    }
    int cout = 0;
    for (Output o : outputs) {
      cout += o.channels();
    }
    int tilesY = (ho + 3) / 4;
    int tilesX = (wo + 3) / 4;
    int tiles = frames * tilesY * tilesX;
    int chunks = (tiles + TILES_PER_CHUNK - 1) / TILES_PER_CHUNK;
    int parts = Math.max(1, Math.min(par.threads(), chunks));
    // Per thread: the patch of a border tile, the output transform's scratch, V and M.
    long patch = (long) XI * maxC;
    long tSize = Winograd4Transforms.SCRATCH;
    long vSize = (long) XI * TILES_PER_CHUNK * cin;
    long mSize = (long) XI * TILES_PER_CHUNK * cout;
    float[][] dBuf = new float[parts][];
    float[][] tBuf = new float[parts][];
    float[][] vBuf = new float[parts][];
    float[][] mBuf = new float[parts][];
    for (int p = 0; p < parts; p++) {
      dBuf[p] = arena.get("winograd4d" + p, patch);
      tBuf[p] = arena.get("winograd4t" + p, tSize);
      vBuf[p] = arena.get("winograd4v" + p, vSize);
      mBuf[p] = arena.get("winograd4m" + p, mSize);
    }
    int packed = serial.preparedSize(cin, cout);
    int fcin = cin;
    int fcout = cout;
    // Chunks are claimed one at a time (a thread slowed by another process takes fewer); each
    // writes only its own outputs, so the result does not depend on which thread ran it.
    AtomicInteger next = new AtomicInteger();
    par.forRange(parts, 1, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        Scratch sc = new Scratch(dBuf[p], tBuf[p], vBuf[p], mBuf[p]);
        for (int ch = next.getAndIncrement(); ch < chunks; ch = next.getAndIncrement()) {
          int t0 = ch * TILES_PER_CHUNK;
          int count = Math.min(TILES_PER_CHUNK, tiles - t0);
          chunk(inputs, h, w, padTop, padLeft, fcin, fcout, ho, wo, tilesY, tilesX, u, packed,
              t0, count, outputs, sc);
        }
      }
    });
  }

  /** One thread's buffers: the patch, the transforms' intermediate, V and M. */
  private record Scratch(float[] d, float[] t, float[] v, float[] m) {}

  private void chunk(Input[] inputs, int h, int w, int padTop, int padLeft, int cin, int cout,
      int ho, int wo, int tilesY, int tilesX, float[] up, int packed, int t0, int count,
      Output[] outputs, Scratch sc) {
    int perFrame = tilesY * tilesX;
    int vStride = TILES_PER_CHUNK * cin;
    float[] v = sc.v();
    float[] m = sc.m();
    for (int q = 0; q < count; q++) {
      int tile = t0 + q;
      int f = tile / perFrame;
      int rest = tile - f * perFrame;
      int y0 = 4 * (rest / tilesX) - padTop;
      int x0 = 4 * (rest % tilesX) - padLeft;
      boolean inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w;
      int col = 0;
      for (Input in : inputs) {
        int c = in.channels();
        int at = q * cin + col;
        if (in.data() == null) {
          for (int xi = 0; xi < XI; xi++) {
            Arrays.fill(v, at + xi * vStride, at + xi * vStride + c, 0f);
          }
        } else if (inside) {
          // the patch read in place: rows w·c apart
          transforms.input(in.data(), in.offset() + ((f * h + y0) * w + x0) * c, w * c, c,
              sc.t(), 0, v, at, vStride, 0, ROWS);
        } else {
          gatherPatch(in.data(), in.offset() + f * h * w * c, h, w, c, y0, x0, sc.d());
          transforms.input(sc.d(), 0, 6 * c, c, sc.t(), 0, v, at, vStride, 0, ROWS);
        }
        col += c;
      }
    }
    int mStride = TILES_PER_CHUNK * cout;
    for (int xi = 0; xi < XI; xi++) {
      serial.gemmPrepared(count, cout, cin, v, xi * vStride, cin, up, xi * packed, m,
          xi * mStride, cout, false);
    }
    for (int q = 0; q < count; q++) {
      int tile = t0 + q;
      int f = tile / perFrame;
      int rest = tile - f * perFrame;
      int y = 4 * (rest / tilesX);
      int x = 4 * (rest % tilesX);
      int rows = Math.min(4, ho - y);
      int cols = Math.min(4, wo - x);
      int col = 0;
      for (Output out : outputs) {
        int c = out.channels();
        int base = out.offset() + ((f * ho + y) * wo + x) * c;
        transforms.output(m, q * cout + col, mStride, c, c, sc.t(), 0, out.data(), base,
            wo * c, rows, cols, out.accumulate());
        col += c;
      }
    }
  }

  /**
   * Copies the 6×6 patch with top-left input position (y0, x0) to {@code d[(r·6 + s)·c + ch]},
   * zeros outside the frame.
   */
  static void gatherPatch(float[] in, int frameOff, int h, int w, int c, int y0, int x0,
      float[] d) {
    int sLo = Math.max(0, -x0);
    int sHi = Math.min(6, w - x0);
    for (int r = 0; r < 6; r++) {
      int iy = y0 + r;
      int dst = r * 6 * c;
      if (iy < 0 || iy >= h || sLo >= sHi) {
        Arrays.fill(d, dst, dst + 6 * c, 0f);
        continue;
      }
      if (sLo > 0) {
        Arrays.fill(d, dst, dst + sLo * c, 0f);
      }
      System.arraycopy(in, frameOff + (iy * w + x0 + sLo) * c, d, dst + sLo * c,
          (sHi - sLo) * c);
      if (sHi < 6) {
        Arrays.fill(d, dst + sHi * c, dst + 6 * c, 0f);
      }
    }
  }

  // ------------------------------------------------------------ weight gradient

  /**
   * Tiles per block of the weight gradient: the inner dimension k of its 36 products. 192 is
   * the largest k that is one k block of the vector kernel at every width (512 bits: 6144 /
   * 32 floats), so the products read M in the prepared layout without packing it at every
   * width; a block's transforms ({@code 36 · 192 · (C_in + C_out)} floats, 6.6 MB on the seed's
   * joint gradient) stay in L3. On the seed's joint gradient (2 threads, 256-bit kernel, a
   * shared machine) 192 and 384 measured within noise of each other (medians 0.203 to 0.254 s
   * against 0.223 to 0.248 s).
   */
  static final int TILES_PER_BLOCK = 192;

  /**
   * The weight gradients of the joint convolution of the channel-wise concatenation of
   * {@code inputs} (none of them null): {@code grads[j]} ({@code [3, 3, channels_j, cout]})
   * receives input j's kernel gradient. Since the forward pass is
   * {@code Y = Aᵀ[U ⊙ V]A} with {@code U = G g Gᵀ} and {@code V = Bᵀ d B}, its adjoint is
   * {@code dU_ξ = Σ_tiles V_ξᵀ · M_ξ} with {@code M = A dY Aᵀ} (the tile's 4×4 output gradient,
   * zeros outside the output): 36 products with the tiles as inner dimension, then
   * {@code dg = Gᵀ dU G} per channel pair, in double, added once. One transform of each tile's
   * output gradient and one product per ξ serve all inputs.
   *
   * <p>Tiles go in blocks of {@link #TILES_PER_BLOCK}: both transforms of a block split over
   * threads by tile, then its 36 products split over threads by ξ, each added to its own
   * {@code dU_ξ} in block order; so the result does not depend on the thread count. M is
   * written directly in the serial kernel's prepared (column-sliver) layout, so the products do
   * not pack it.
   */
  @Override
  public void weightGradient(Input[] inputs, int frames, int h, int w, int padTop, int padLeft,
      float[] dy, int dyOff, int cout, int ho, int wo, float[][] grads) {
    int cin = 0;
    int maxC = 0;
    for (Input i : inputs) {
      cin += i.channels();
      maxC = Math.max(maxC, i.channels());
    }
    int tilesY = (ho + 3) / 4;
    int tilesX = (wo + 3) / 4;
    int perFrame = tilesY * tilesX;
    int tiles = frames * perFrame;
    int parts = WeightGradientBlocks.parts(par, tiles);
    float[][] dBuf = new float[parts][];
    float[][] tBuf = new float[parts][];
    for (int p = 0; p < parts; p++) {
      dBuf[p] = arena.get("winograd4gd" + p, (long) XI * maxC);
      tBuf[p] = arena.get("winograd4gt" + p, Winograd4Transforms.SCRATCH);
    }
    float[] du = arena.zeroed("winograd4DU", (long) XI * cin * cout);
    WeightGradientBlocks.accumulate(par, serial, arena, "winograd4", XI, TILES_PER_BLOCK, tiles,
        cin, cout, (p, q, tile, r0, r1, v, vStride, vRow, m, ms, sliver, sliverStride) -> {
          float[] d = dBuf[p];
          float[] t = tBuf[p];
          int f = tile / perFrame;
          int rest = tile - f * perFrame;
          int y = 4 * (rest / tilesX);
          int x = 4 * (rest % tilesX);
          int y0 = y - padTop;
          int x0 = x - padLeft;
          boolean inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w;
          int col = 0;
          for (Input in : inputs) {
            int c = in.channels();
            int at = q * vRow + col;
            if (inside) { // the patch read in place: rows w·c apart
              transforms.input(in.data(), in.offset() + ((f * h + y0) * w + x0) * c, w * c, c,
                  t, 0, v, at, vStride, r0, r1);
            } else {
              gatherPatch(in.data(), in.offset() + f * h * w * c, h, w, c, y0, x0, d);
              transforms.input(d, 0, 6 * c, c, t, 0, v, at, vStride, r0, r1);
            }
            col += c;
          }
          // the output gradient's tile read in place, its part outside the output as zeros
          transforms.outputGradient(dy, dyOff + ((f * ho + y) * wo + x) * cout, wo * cout,
              cout, Math.min(4, ho - y), Math.min(4, wo - x), t, 0, m, q * sliver, ms, sliver,
              sliverStride, r0, r1);
        }, du);
    int row = 0;
    for (int j = 0; j < inputs.length; j++) {
      addKernelGradient(du, cin, row, inputs[j].channels(), cout, grads[j]);
      row += inputs[j].channels();
    }
  }

  /**
   * {@code grad[dy, dx, c, o] += (Gᵀ dU G)[dy][dx]} for rows {@code rowOff .. rowOff + cin - 1}
   * of {@code dU[ξ][rows][cout]} (channel c is row {@code rowOff + c}), in double: the adjoint
   * of {@link #transformKernel}.
   */
  static void addKernelGradient(float[] du, int rows, int rowOff, int cin, int cout,
      float[] grad) {
    int stride = rows * cout;
    double[] u = new double[XI];
    double[] r = new double[18]; // Gᵀ dU: 3 × 6
    for (int c = 0; c < cin; c++) {
      for (int o = 0; o < cout; o++) {
        int at = (rowOff + c) * cout + o;
        for (int xi = 0; xi < XI; xi++) {
          u[xi] = du[xi * stride + at];
        }
        for (int i = 0; i < 3; i++) {
          for (int b = 0; b < 6; b++) {
            double sum = 0;
            for (int a = 0; a < 6; a++) {
              sum += G[a][i] * u[a * 6 + b];
            }
            r[i * 6 + b] = sum;
          }
        }
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            double sum = 0;
            for (int b = 0; b < 6; b++) {
              sum += r[i * 6 + b] * G[b][j];
            }
            grad[((i * 3 + j) * cin + c) * cout + o] += (float) sum;
          }
        }
      }
    }
  }
}

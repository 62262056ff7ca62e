package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.kernel.MatMul;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stride-1 convolution with a 3×3 kernel by the Winograd minimal filtering algorithm
 * F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016):
 * each 2×2 block of outputs is {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} for the 4×4 input patch
 * {@code d} and the 3×3 kernel {@code g}, summed over input channels. Summed over channels, the
 * element-wise product becomes 16 independent matrix products {@code M_ξ = V_ξ · U_ξ} (one per
 * position ξ of the 4×4 transformed tile: tiles × C_in times C_in × C_out), 16 multiplications
 * per 4 outputs instead of 36: the multiply-adds of the convolution fall by 2.25×.
 *
 * <pre>
 * Bᵀ = [1  0 -1  0]     G = [1    0    0  ]     Aᵀ = [1  1  1  0]
 *      [0  1  1  0]         [1/2  1/2  1/2]          [0  1 -1 -1]
 *      [0 -1  1  0]         [1/2 -1/2  1/2]
 *      [0  1  0 -1]         [0    0    1  ]
 * </pre>
 *
 * <p>Same contract as the im2col path in {@link Network}: channels-last frames, cross-correlation
 * as in Keras ({@code out[y, x, o] = Σ in[y+dy-padTop, x+dx-padLeft, c] · K[dy, dx, c, o]},
 * zeros outside the input), any output size (the last tile row and column may be partial).
 * The rounding differs from the direct sum (the transforms add and halve before multiplying):
 * within 2e-6 of the sum of the terms' magnitudes in the tests against the definition summed in
 * double, well inside the tolerances other backends are held to. Set
 * {@code reference.convolution=direct} for the direct sum.
 *
 * <p>Work is cut into chunks of {@link #TILES_PER_CHUNK} tiles whose transformed input and
 * products stay in the core's caches; chunks are split over threads, and each chunk's
 * products run on the calling thread ({@code serial} kernel). Every output element is computed
 * by one chunk in a fixed order, so results do not depend on the thread count.
 */
final class Winograd3x3 implements WinogradConvolution {

  /**
   * Tiles per chunk: a chunk's transformed input and products (16 · 48 · (C_in + C_out)
   * floats) stay in the core's caches; on the seed model 48 measured no slower than 24 or 96
   * and faster than 12.
   */
  static final int TILES_PER_CHUNK = 48;
  /**
   * Tiles per block of the weight gradient: the inner dimension k of its 16 products. 192 is
   * the largest k that is one k block of the vector kernel at every width (512 bits: 6144 / 32
   * floats), so the products read M in the prepared layout without packing it at every width
   * (as {@code Winograd4x4.TILES_PER_BLOCK}); the block's transforms stay in L3. With 384 the
   * 512-bit kernel packed M in every product: the bench's F(2×2) weight-gradient row read
   * 145-164 GFLOP/s with 384 and 178-180 with 192 (AVX-512 machine, session 12), and the
   * 256-bit kernel 106-108 and 110. The block size does not change the bits: each element of
   * dU is one FMA chain over the tiles in order, carried across blocks.
   */
  static final int TILES_PER_BLOCK = 192;
  /** Positions of the transformed tile. */
  static final int XI = 16;

  /**
   * Row a of {@code Bᵀ d} is {@code d[ROW_A[a]] ∓ d[ROW_B[a]]}: d0 - d2, d1 + d2, d2 - d1,
   * d1 - d3 (a plus sign for a = 1 only).
   */
  private static final int[] ROW_A = {0, 1, 2, 1};
  private static final int[] ROW_B = {2, 2, 1, 3};

  private final Parallel par;
  private final MatMul serial;
  private final CellOps ops;
  private final Arena arena;

  /**
   * @param par threads for the chunks
   * @param serial a one-thread matrix kernel for the per-chunk products
   * @param ops the transforms (scalar or vector)
   * @param arena scratch: one set of chunk buffers per thread, reused
   */
  Winograd3x3(Parallel par, MatMul serial, CellOps ops, Arena arena) {
    this.par = par;
    this.serial = serial;
    this.ops = ops;
    this.arena = arena;
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

  /** Whether a kernel of this size runs through this class. */
  static boolean applies(int kh, int kw) {
    return kh == 3 && kw == 3;
  }

  /**
   * Kernel transform {@code U_ξ = G g Gᵀ} for every channel pair, as {@code u[ξ][c][o]}
   * ({@code 16 · cin · cout} floats).
   *
   * <p>Forward ({@code adjoint = false}): {@code g[dy][dx] = k[dy, dx, c, o]} of a Keras kernel
   * {@code [3, 3, cin, cout]}, giving a {@code cin → cout} convolution. Adjoint: the kernel of
   * the input gradient, {@code g'[dy][dx] = k[2-dy, 2-dx, c, o]} indexed {@code [o][c]}, a
   * {@code cout → cin} convolution with padding {@code 2 - pad}; then {@code u} is
   * {@code [ξ][o][c]}. Computed in double, rounded once.
   */
  static void transformKernel(float[] k, int cin, int cout, boolean adjoint, float[] u) {
    transformKernel(k, cin, cout, adjoint, u, adjoint ? cout : cin, adjoint ? cin : cout, 0, 0);
  }

  /**
   * {@link #transformKernel(float[], int, int, boolean, float[])} into a block of a larger
   * transformed kernel {@code u[ξ][uRows][uCols]}, from row {@code rowOff} and column
   * {@code colOff}: the kernels of a channel-wise concatenation (see {@link #convolve(Input[],
   * int, int, int, int, int, float[], int, int, Output[])}).
   */
  static void transformKernel(float[] k, int cin, int cout, boolean adjoint, float[] u,
      int uRows, int uCols, int rowOff, int colOff) {
    double[] g = new double[9];
    double[] gg = new double[12];
    int rows = uRows;
    int cols = uCols;
    for (int c = 0; c < cin; c++) {
      for (int o = 0; o < cout; o++) {
        for (int dy = 0; dy < 3; dy++) {
          for (int dx = 0; dx < 3; dx++) {
            int sy = adjoint ? 2 - dy : dy;
            int sx = adjoint ? 2 - dx : dx;
            g[dy * 3 + dx] = k[((sy * 3 + sx) * cin + c) * cout + o];
          }
        }
        // G g: 4 × 3
        for (int x = 0; x < 3; x++) {
          gg[x] = g[x];
          gg[3 + x] = 0.5 * (g[x] + g[3 + x] + g[6 + x]);
          gg[6 + x] = 0.5 * (g[x] - g[3 + x] + g[6 + x]);
          gg[9 + x] = g[6 + x];
        }
        int r = rowOff + (adjoint ? o : c);
        int q = colOff + (adjoint ? c : o);
        for (int a = 0; a < 4; a++) {
          double g0 = gg[a * 3];
          double g1 = gg[a * 3 + 1];
          double g2 = gg[a * 3 + 2];
          int base = (a * 4 * rows + r) * cols + q;
          int stride = rows * cols;
          u[base] = (float) g0;
          u[base + stride] = (float) (0.5 * (g0 + g1 + g2));
          u[base + 2 * stride] = (float) (0.5 * (g0 - g1 + g2));
          u[base + 3 * stride] = (float) g2;
        }
      }
    }
  }

  /**
   * Frames {@code [frames, h, w, channels]} from {@code offset}, one part of the convolved
   * channels; {@code data == null} stands for zeros.
   */
  record Input(float[] data, int offset, int channels) {}

  /**
   * Frames {@code [frames, ho, wo, channels]} from {@code offset} receiving one range of the
   * output channels, overwritten or added to.
   */
  record Output(float[] data, int offset, int channels, boolean accumulate) {}

  /**
   * The convolution of the channel-wise concatenation of {@code inputs} with a
   * {@link #prepared} kernel {@code u} of {@code Σ inputs' channels} rows and {@code Σ outputs'
   * channels} columns, its output channels split in order over {@code outputs}: one transform
   * of the input tiles and one product per ξ serve both a layer's input and recurrent convolution
   * (or both input gradients of the backward pass).
   */
  @Override
  public void convolve(Input[] inputs, int frames, int h, int w, int padTop, int padLeft,
      float[] u, int ho, int wo, Output[] outputs) {
    int cin = 0;
    for (Input i : inputs) {
      cin += i.channels();
    }
    int cout = 0;
    for (Output o : outputs) {
      cout += o.channels();
    }
    int tilesY = (ho + 1) / 2;
    int tilesX = (wo + 1) / 2;
    int tiles = frames * tilesY * tilesX;
    int chunks = (tiles + TILES_PER_CHUNK - 1) / TILES_PER_CHUNK;
    int parts = Math.max(1, Math.min(par.threads(), chunks));
    long patch = (long) XI * cin;
    long vSize = (long) XI * TILES_PER_CHUNK * cin;
    long mSize = (long) XI * TILES_PER_CHUNK * cout;
    float[][] scratch = new float[parts][];
    for (int p = 0; p < parts; p++) {
      scratch[p] = arena.get("winograd" + p, patch + vSize + mSize);
    }
    int packed = serial.preparedSize(cin, cout);
    Geometry geo = new Geometry(frames, h, w, padTop, padLeft, ho, wo, cin, cout);
    // Chunks are claimed one at a time, so a thread that starts late or is slowed by another
    // process takes fewer; every chunk writes only its own outputs, so the result does not
    // depend on which thread ran it.
    AtomicInteger next = new AtomicInteger();
    par.forRange(parts, 1, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        float[] s = scratch[p];
        for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
          int t0 = chunk * TILES_PER_CHUNK;
          int count = Math.min(TILES_PER_CHUNK, tiles - t0);
          chunk(geo, inputs, u, packed, t0, count, outputs, s, (int) patch,
              (int) (patch + vSize));
        }
      }
    });
  }

  /** Sizes shared by every chunk of one convolution. */
  private record Geometry(int frames, int h, int w, int padTop, int padLeft, int ho, int wo,
      int cin, int cout) {
    int tilesX() {
      return (wo + 1) / 2;
    }

    int perFrame() {
      return (ho + 1) / 2 * tilesX();
    }
  }

  private void chunk(Geometry g, Input[] inputs, float[] up, int packed, int t0, int count,
      Output[] outputs, float[] s, int vOff, int mOff) {
    int cin = g.cin();
    int cout = g.cout();
    int perFrame = g.perFrame();
    int tilesX = g.tilesX();
    int vStride = TILES_PER_CHUNK * cin;
    for (int q = 0; q < count; q++) {
      int tile = t0 + q;
      int f = tile / perFrame;
      int rest = tile - f * perFrame;
      int y0 = 2 * (rest / tilesX) - g.padTop();
      int x0 = 2 * (rest % tilesX) - g.padLeft();
      int col = 0;
      for (Input in : inputs) {
        int c = in.channels();
        int at = vOff + q * cin + col;
        if (in.data() == null) {
          for (int xi = 0; xi < XI; xi++) {
            java.util.Arrays.fill(s, at + xi * vStride, at + xi * vStride + c, 0f);
          }
        } else {
          gatherPatch(in.data(), in.offset() + f * g.h() * g.w() * c, g.h(), g.w(), c, y0, x0, s);
          ops.winogradInput(s, c, s, at, vStride, 0, 4);
        }
        col += c;
      }
    }
    int mStride = TILES_PER_CHUNK * cout;
    for (int xi = 0; xi < XI; xi++) {
      serial.gemmPrepared(count, cout, cin, s, vOff + xi * vStride, cin, up, xi * packed,
          s, mOff + xi * mStride, cout, false);
    }
    int ho = g.ho();
    int wo = g.wo();
    for (int q = 0; q < count; q++) {
      int tile = t0 + q;
      int f = tile / perFrame;
      int rest = tile - f * perFrame;
      int y = 2 * (rest / tilesX);
      int x = 2 * (rest % tilesX);
      int pixel = (f * ho + y) * wo + x;
      boolean right = x + 1 < wo;
      boolean below = y + 1 < ho;
      int col = 0;
      for (Output out : outputs) {
        int c = out.channels();
        int base = out.offset() + pixel * c;
        ops.winogradOutput(s, mOff + q * cout + col, mStride, c, out.data(), base,
            right ? base + c : -1, below ? base + wo * c : -1,
            right && below ? base + (wo + 1) * c : -1, out.accumulate());
        col += c;
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>In the transformed domain {@code dU_ξ = Σ_tiles V_ξᵀ · (A dY Aᵀ)_ξ}, 16 products with the
   * tiles as inner dimension (one transform of each tile's output gradient and one product per
   * ξ serve all inputs), then {@code dg = Gᵀ dU G} per channel pair, in double, added once.
   * Tiles go in blocks of {@link #TILES_PER_BLOCK} ({@link WeightGradientBlocks}): both
   * transforms of a block split over threads by tile, then its 16 products split over threads
   * by ξ, each added to its own {@code dU_ξ} in block order; so the result does not depend on
   * the thread count.
   */
  @Override
  public void weightGradient(Input[] inputs, int frames, int h, int w, int padTop, int padLeft,
      float[] dy, int dyOff, int cout, int ho, int wo, float[][] grads) {
    int cin = 0;
    for (Input i : inputs) {
      cin += i.channels();
    }
    int tilesY = (ho + 1) / 2;
    int tilesX = (wo + 1) / 2;
    int perFrame = tilesY * tilesX;
    int tiles = frames * perFrame;
    int parts = WeightGradientBlocks.parts(par, tiles);
    long patch = (long) Math.max(XI * cin, 4 * cout);
    float[][] scratch = new float[parts][];
    for (int p = 0; p < parts; p++) {
      scratch[p] = arena.get("winograd" + p, patch);
    }
    float[] du = arena.zeroed("winogradDU", (long) XI * cin * cout);
    WeightGradientBlocks.accumulate(par, serial, arena, "winograd", XI, TILES_PER_BLOCK, tiles,
        cin, cout, (p, q, tile, r0, r1, v, vStride, vRow, m, ms, sliver, sliverStride) -> {
          float[] d = scratch[p];
          int f = tile / perFrame;
          int rest = tile - f * perFrame;
          int y = 2 * (rest / tilesX);
          int x = 2 * (rest % tilesX);
          int col = 0;
          for (Input in : inputs) {
            int c = in.channels();
            gatherPatch(in.data(), in.offset() + f * h * w * c, h, w, c, y - padTop,
                x - padLeft, d);
            ops.winogradInput(d, c, v, q * vRow + col, vStride, r0, r1);
            col += c;
          }
          gatherOutputTile(dy, dyOff + f * ho * wo * cout, ho, wo, cout, y, x, d);
          ops.winogradOutputGradient(d, cout, m, q * sliver, ms, sliver, sliverStride, r0, r1);
        }, du);
    int row = 0;
    for (int j = 0; j < inputs.length; j++) {
      addKernelGradient(du, cin, row, inputs[j].channels(), cout, grads[j]);
      row += inputs[j].channels();
    }
  }

  /**
   * {@code grad[dy, dx, c, o] += (Gᵀ dU G)[dy][dx]} for rows {@code rowOff .. rowOff + cin - 1}
   * of {@code dU[ξ][rows][cout]} (channel c is row {@code rowOff + c}), in double.
   */
  static void addKernelGradient(float[] du, int rows, int rowOff, int cin, int cout,
      float[] grad) {
    int stride = rows * cout;
    int gradStride = cin * cout;
    double[] r = new double[12];
    for (int c = 0; c < cin; c++) {
      for (int o = 0; o < cout; o++) {
        int at = (rowOff + c) * cout + o;
        // Gᵀ dU: 3 × 4; rows of Gᵀ are (1, 1/2, 1/2, 0), (0, 1/2, -1/2, 0), (0, 1/2, 1/2, 1).
        for (int b = 0; b < 4; b++) {
          double u0 = du[b * stride + at];
          double u1 = du[(4 + b) * stride + at];
          double u2 = du[(8 + b) * stride + at];
          double u3 = du[(12 + b) * stride + at];
          r[b] = u0 + 0.5 * (u1 + u2);
          r[4 + b] = 0.5 * (u1 - u2);
          r[8 + b] = 0.5 * (u1 + u2) + u3;
        }
        // (Gᵀ dU) G: columns the same combinations of b.
        for (int dy = 0; dy < 3; dy++) {
          double r0 = r[dy * 4];
          double r1 = r[dy * 4 + 1];
          double r2 = r[dy * 4 + 2];
          double r3 = r[dy * 4 + 3];
          int k = (dy * 3 * cin + c) * cout + o;
          grad[k] += (float) (r0 + 0.5 * (r1 + r2));
          grad[k + gradStride] += (float) (0.5 * (r1 - r2));
          grad[k + 2 * gradStride] += (float) (0.5 * (r1 + r2) + r3);
        }
      }
    }
  }

  /**
   * Copies the 2×2 block of {@code dy} with top-left output (y, x) to
   * {@code d[(r·2 + s)·c + ch]}, zeros for positions outside the output.
   */
  static void gatherOutputTile(float[] dy, int frameOff, int ho, int wo, int c, int y, int x,
      float[] d) {
    for (int r = 0; r < 2; r++) {
      int dst = r * 2 * c;
      if (y + r >= ho) {
        java.util.Arrays.fill(d, dst, dst + 2 * c, 0f);
        continue;
      }
      int n = Math.min(2, wo - x);
      System.arraycopy(dy, frameOff + ((y + r) * wo + x) * c, d, dst, n * c);
      if (n < 2) {
        java.util.Arrays.fill(d, dst + c, dst + 2 * c, 0f);
      }
    }
  }

  /**
   * Copies the 4×4 patch with top-left input position (y0, x0) to {@code d[(r·4 + s)·c + ch]},
   * zeros outside the frame.
   */
  static void gatherPatch(float[] in, int frameOff, int h, int w, int c, int y0, int x0,
      float[] d) {
    int sLo = Math.max(0, -x0);
    int sHi = Math.min(4, w - x0);
    for (int r = 0; r < 4; r++) {
      int iy = y0 + r;
      int dst = r * 4 * c;
      if (iy < 0 || iy >= h || sLo >= sHi) {
        java.util.Arrays.fill(d, dst, dst + 4 * c, 0f);
        continue;
      }
      if (sLo > 0) {
        java.util.Arrays.fill(d, dst, dst + sLo * c, 0f);
      }
      System.arraycopy(in, frameOff + (iy * w + x0 + sLo) * c, d, dst + sLo * c,
          (sHi - sLo) * c);
      if (sHi < 4) {
        java.util.Arrays.fill(d, dst + sHi * c, dst + 4 * c, 0f);
      }
    }
  }

  // ------------------------------------------------------------ scalar definitions

  /**
   * Input transform of channel {@code ch} of one patch {@code d} ({@link #gatherPatch}):
   * {@code v[vOff + ξ·vStride + ch] = (Bᵀ d B)[ξ]}, row pass first, then column pass.
   */
  static void inputScalar(float[] d, int c, int ch, float[] v, int vOff, int vStride,
      int rowFrom, int rowTo) {
    for (int a = rowFrom; a < rowTo; a++) {
      int ra = ROW_A[a];
      int rb = ROW_B[a];
      boolean plus = a == 1;
      float t0 = row(d, c, ch, ra, rb, 0, plus);
      float t1 = row(d, c, ch, ra, rb, 1, plus);
      float t2 = row(d, c, ch, ra, rb, 2, plus);
      float t3 = row(d, c, ch, ra, rb, 3, plus);
      int o = vOff + a * 4 * vStride + ch;
      v[o] = t0 - t2;
      v[o + vStride] = t1 + t2;
      v[o + 2 * vStride] = t2 - t1;
      v[o + 3 * vStride] = t1 - t3;
    }
  }

  private static float row(float[] d, int c, int ch, int ra, int rb, int s, boolean plus) {
    float x = d[(ra * 4 + s) * c + ch];
    float y = d[(rb * 4 + s) * c + ch];
    return plus ? x + y : x - y;
  }

  /**
   * Output transform of channel {@code o} of one tile's products
   * {@code m[mOff + ξ·mStride + o]}: {@code Y = Aᵀ m A}, the four outputs stored (or added,
   * {@code out = out + y}) at the given offsets plus {@code o}; a negative offset is skipped.
   */
  static void outputScalar(float[] m, int mOff, int mStride, int o, float[] out, int y00,
      int y01, int y10, int y11, boolean accumulate) {
    int b = mOff + o;
    float m00 = m[b];
    float m01 = m[b + mStride];
    float m02 = m[b + 2 * mStride];
    float m03 = m[b + 3 * mStride];
    float m10 = m[b + 4 * mStride];
    float m11 = m[b + 5 * mStride];
    float m12 = m[b + 6 * mStride];
    float m13 = m[b + 7 * mStride];
    float m20 = m[b + 8 * mStride];
    float m21 = m[b + 9 * mStride];
    float m22 = m[b + 10 * mStride];
    float m23 = m[b + 11 * mStride];
    float m30 = m[b + 12 * mStride];
    float m31 = m[b + 13 * mStride];
    float m32 = m[b + 14 * mStride];
    float m33 = m[b + 15 * mStride];
    // Aᵀ m: rows (m0 + m1 + m2) and (m1 - m2 - m3)
    float u00 = m00 + m10 + m20;
    float u01 = m01 + m11 + m21;
    float u02 = m02 + m12 + m22;
    float u03 = m03 + m13 + m23;
    float u10 = m10 - m20 - m30;
    float u11 = m11 - m21 - m31;
    float u12 = m12 - m22 - m32;
    float u13 = m13 - m23 - m33;
    // (Aᵀ m) A: columns (u0 + u1 + u2) and (u1 - u2 - u3)
    store(out, y00, o, u00 + u01 + u02, accumulate);
    store(out, y01, o, u01 - u02 - u03, accumulate);
    store(out, y10, o, u10 + u11 + u12, accumulate);
    store(out, y11, o, u11 - u12 - u13, accumulate);
  }

  /**
   * Transform of channel {@code o} of one output-gradient tile {@code d[(r·2 + s)·c + o]}
   * ({@link #gatherOutputTile}): {@code m[mOff + ξ·mStride + o] = (A dY Aᵀ)[ξ]}, the adjoint
   * of {@link #outputScalar}; rows of {@code A dY} are y0, y0 + y1, y0 - y1, -y1.
   */
  static void outputGradientScalar(float[] d, int c, int o, float[] m, int mOff, int mStride,
      int rowFrom, int rowTo) {
    float y00 = d[o];
    float y01 = d[c + o];
    float y10 = d[2 * c + o];
    float y11 = d[3 * c + o];
    if (rowFrom <= 0 && rowTo > 0) {
      outputGradientRow(y00, y01, m, mOff + o, mStride);
    }
    if (rowFrom <= 1 && rowTo > 1) {
      outputGradientRow(y00 + y10, y01 + y11, m, mOff + o + 4 * mStride, mStride);
    }
    if (rowFrom <= 2 && rowTo > 2) {
      outputGradientRow(y00 - y10, y01 - y11, m, mOff + o + 8 * mStride, mStride);
    }
    if (rowTo > 3) {
      outputGradientRow(-y10, -y11, m, mOff + o + 12 * mStride, mStride);
    }
  }

  private static void outputGradientRow(float z0, float z1, float[] m, int at, int mStride) {
    m[at] = z0;
    m[at + mStride] = z0 + z1;
    m[at + 2 * mStride] = z0 - z1;
    m[at + 3 * mStride] = -z1;
  }

  private static void store(float[] out, int off, int o, float y, boolean accumulate) {
    if (off >= 0) {
      out[off + o] = accumulate ? out[off + o] + y : y;
    }
  }
}

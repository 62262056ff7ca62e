package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.Winograd3x3.Output;
import io.github.convlstm4j.reference.kernel.MatMul;
import java.util.Arrays;

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
 * holds this class to 1e-5 of it. So the backend uses it only where asked
 * ({@code reference.convolution=winograd4}) and only for inference: forward passes of
 * {@code predict}, {@code evaluate} and sessions. Training steps (forward and backward) keep
 * F(2×2), whose adjoint and weight gradient are tested; the prediction of a model and the
 * forward pass of its training step then differ by this rounding.
 *
 * <p>Same contract as {@link Winograd3x3#convolve(Input[], int, int, int, int, int, float[],
 * int, int, Output[])}: channels-last frames, Keras cross-correlation, zeros outside the input,
 * any output size (partial last tiles), chunks of {@link #TILES_PER_CHUNK} tiles split over
 * threads, results independent of the thread count. Transforms in float, the kernel transform
 * in double rounded once.
 */
final class Winograd4x4 {

  /**
   * Tiles per chunk: a chunk's transformed input and products ({@code 36 · 48 · (C_in + C_out)}
   * floats, 1.7 MB on the seed's joint convolution) stay in L3; products of 48 rows as in
   * F(2×2).
   */
  static final int TILES_PER_CHUNK = 48;
  /** Positions of the transformed tile. */
  static final int XI = 36;

  private static final double[][] G = {
      {0.25, 0, 0},
      {-1.0 / 6, -1.0 / 6, -1.0 / 6},
      {-1.0 / 6, 1.0 / 6, -1.0 / 6},
      {1.0 / 24, 1.0 / 12, 1.0 / 6},
      {1.0 / 24, -1.0 / 12, 1.0 / 6},
      {0, 0, 1}};

  private final Parallel par;
  private final MatMul serial;
  private final Arena arena;

  /**
   * @param par threads for the chunks
   * @param serial a one-thread matrix kernel for the per-chunk products
   * @param arena scratch: one set of chunk buffers per thread, reused
   */
  Winograd4x4(Parallel par, MatMul serial, Arena arena) {
    this.par = par;
    this.serial = serial;
    this.arena = arena;
  }

  /**
   * Kernel transform {@code U_ξ = G g Gᵀ} of a Keras kernel {@code [3, 3, cin, cout]} into a
   * block of {@code u[ξ][uRows][uCols]} from row {@code rowOff} and column {@code colOff}
   * ({@code 36 · uRows · uCols} floats): {@code g[dy][dx] = k[dy, dx, c, o]}. Computed in
   * double, rounded once.
   */
  static void transformKernel(float[] k, int cin, int cout, float[] u, int uRows, int uCols,
      int rowOff, int colOff) {
    double[] g = new double[9];
    double[] gg = new double[18]; // G g: 6 × 3
    int stride = uRows * uCols;
    for (int c = 0; c < cin; c++) {
      for (int o = 0; o < cout; o++) {
        for (int t = 0; t < 9; t++) {
          g[t] = k[(t * cin + c) * cout + o];
        }
        for (int a = 0; a < 6; a++) {
          for (int x = 0; x < 3; x++) {
            gg[a * 3 + x] = G[a][0] * g[x] + G[a][1] * g[3 + x] + G[a][2] * g[6 + x];
          }
        }
        int base = (rowOff + c) * uCols + colOff + o;
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

  /**
   * Convolves {@code frames} frames {@code [h, w, cin]} from {@code inOff} with the transformed
   * kernel {@code u} into {@code [frames, ho, wo, cout]} from {@code outOff}.
   */
  void convolve(float[] in, int inOff, int frames, int h, int w, int cin, int padTop,
      int padLeft, float[] u, int cout, int ho, int wo, float[] out, int outOff,
      boolean accumulate) {
    convolve(new Input[] {new Input(in, inOff, cin)}, frames, h, w, padTop, padLeft, u, ho, wo,
        new Output[] {new Output(out, outOff, cout, accumulate)});
  }

  /**
   * The convolution of the channel-wise concatenation of {@code inputs} with {@code u}
   * ({@code Σ inputs' channels} rows, {@code Σ outputs' channels} columns), its output channels
   * split in order over {@code outputs}.
   */
  void convolve(Input[] inputs, int frames, int h, int w, int padTop, int padLeft, float[] u,
      int ho, int wo, Output[] outputs) {
    int cin = 0;
    int maxC = 0;
    for (Input i : inputs) {
      cin += i.channels();
      maxC = Math.max(maxC, i.channels());
    }
    int cout = 0;
    int maxOut = 0;
    for (Output o : outputs) {
      cout += o.channels();
      maxOut = Math.max(maxOut, o.channels());
    }
    int tilesY = (ho + 3) / 4;
    int tilesX = (wo + 3) / 4;
    int tiles = frames * tilesY * tilesX;
    int chunks = (tiles + TILES_PER_CHUNK - 1) / TILES_PER_CHUNK;
    int parts = Math.max(1, Math.min(par.threads(), chunks));
    // Four buffers per thread, so that every transform loop reads one array and writes another
    // (C2 vectorizes such loops; within one array it cannot rule out overlap and does not).
    long patch = Math.max(2L * XI * maxC, 24L * maxOut);
    long vSize = (long) XI * TILES_PER_CHUNK * cin;
    long mSize = (long) XI * TILES_PER_CHUNK * cout;
    float[][] dBuf = new float[parts][];
    float[][] tBuf = new float[parts][];
    float[][] vBuf = new float[parts][];
    float[][] mBuf = new float[parts][];
    for (int p = 0; p < parts; p++) {
      dBuf[p] = arena.get("winograd4d" + p, patch);
      tBuf[p] = arena.get("winograd4t" + p, patch);
      vBuf[p] = arena.get("winograd4v" + p, vSize);
      mBuf[p] = arena.get("winograd4m" + p, mSize);
    }
    int packed = serial.preparedSize(cin, cout);
    float[] up = arena.get("winograd4U", (long) XI * packed);
    for (int xi = 0; xi < XI; xi++) {
      serial.prepare(cin, cout, u, xi * cin * cout, cout, up, xi * packed);
    }
    int fcin = cin;
    int fcout = cout;
    par.forRange(parts, 1, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        Scratch sc = new Scratch(dBuf[p], tBuf[p], vBuf[p], mBuf[p]);
        int c0 = (int) ((long) chunks * p / parts);
        int c1 = (int) ((long) chunks * (p + 1) / parts);
        for (int chunk = c0; chunk < c1; chunk++) {
          int t0 = chunk * TILES_PER_CHUNK;
          int count = Math.min(TILES_PER_CHUNK, tiles - t0);
          chunk(inputs, h, w, padTop, padLeft, fcin, fcout, ho, wo, tilesY, tilesX, up, packed,
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
      int col = 0;
      for (Input in : inputs) {
        int c = in.channels();
        int at = q * cin + col;
        if (in.data() == null) {
          for (int xi = 0; xi < XI; xi++) {
            Arrays.fill(v, at + xi * vStride, at + xi * vStride + c, 0f);
          }
        } else {
          gatherPatch(in.data(), in.offset() + f * h * w * c, h, w, c, y0, x0, sc.d());
          inputTransform(sc.d(), sc.t(), c, v, at, vStride);
        }
        col += c;
      }
    }
    int mStride = TILES_PER_CHUNK * cout;
    for (int xi = 0; xi < XI; xi++) {
      serial.gemmPrepared(count, cout, cin, v, xi * vStride, cin, up, xi * packed,
          m, xi * mStride, cout, false);
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
        outputTransform(m, q * cout + col, mStride, c, sc.t(), 0, out.data(), base, wo * c,
            rows, cols, out.accumulate());
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

  /**
   * {@code v[vOff + ξ·vStride + ch] = (Bᵀ d B)[ξ]} for every channel of the patch
   * {@code d[(r·6 + s)·c + ch]}: the column pass ({@code Bᵀ d}, into {@code t}, 36·c floats),
   * then the row pass.
   */
  static void inputTransform(float[] d, float[] t, int c, float[] v, int vOff, int vStride) {
    // Bᵀ d: row a of the result combines rows 0..5 of d (stride 6c), element-wise over (s, ch).
    int rowLen = 6 * c;
    for (int a = 0; a < 6; a++) {
      bt(a, d, 0, rowLen, t, a * rowLen, rowLen);
    }
    // (Bᵀ d) B: within each row a, combine the six columns s (stride c).
    for (int a = 0; a < 6; a++) {
      for (int b = 0; b < 6; b++) {
        bt(b, t, a * rowLen, c, v, vOff + (a * 6 + b) * vStride, c);
      }
    }
  }

  /**
   * Row {@code a} of {@code Bᵀ x} for six vectors {@code x_i = src[off + i·stride + j]},
   * {@code j < len}, into {@code dst[dOff + j]}.
   */
  private static void bt(int a, float[] src, int off, int stride, float[] dst, int dOff,
      int len) {
    int o0 = off;
    int o1 = off + stride;
    int o2 = off + 2 * stride;
    int o3 = off + 3 * stride;
    int o4 = off + 4 * stride;
    int o5 = off + 5 * stride;
    switch (a) {
      case 0:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = 4f * src[o0 + j] - 5f * src[o2 + j] + src[o4 + j];
        }
        break;
      case 1:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = -4f * (src[o1 + j] + src[o2 + j]) + src[o3 + j] + src[o4 + j];
        }
        break;
      case 2:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = 4f * (src[o1 + j] - src[o2 + j]) - src[o3 + j] + src[o4 + j];
        }
        break;
      case 3:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = 2f * (src[o3 + j] - src[o1 + j]) - src[o2 + j] + src[o4 + j];
        }
        break;
      case 4:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = 2f * (src[o1 + j] - src[o3 + j]) - src[o2 + j] + src[o4 + j];
        }
        break;
      default:
        for (int j = 0; j < len; j++) {
          dst[dOff + j] = 4f * src[o1 + j] - 5f * src[o3 + j] + src[o5 + j];
        }
        break;
    }
  }

  /**
   * The output transform {@code Aᵀ M A} of one tile, for {@code c} channels:
   * {@code M[ξ] = m[mOff + ξ·mStride + ch]}; writes (or adds) the {@code rows × cols} top-left
   * outputs at {@code out[base + r·rowStride + s·c + ch]}. {@code t} from {@code tOff}: 24·c
   * floats of scratch.
   */
  static void outputTransform(float[] m, int mOff, int mStride, int c, float[] t, int tOff,
      float[] out, int base, int rowStride, int rows, int cols, boolean accumulate) {
    // Aᵀ M: 4 rows of 6 column vectors, t[tOff + (i·6 + b)·c + ch]
    for (int b = 0; b < 6; b++) {
      int m0 = mOff + b * mStride;
      int m1 = mOff + (6 + b) * mStride;
      int m2 = mOff + (12 + b) * mStride;
      int m3 = mOff + (18 + b) * mStride;
      int m4 = mOff + (24 + b) * mStride;
      int m5 = mOff + (30 + b) * mStride;
      int t0 = tOff + b * c;
      int t1 = tOff + (6 + b) * c;
      int t2 = tOff + (12 + b) * c;
      int t3 = tOff + (18 + b) * c;
      for (int ch = 0; ch < c; ch++) {
        float x1 = m[m1 + ch];
        float x2 = m[m2 + ch];
        float x3 = m[m3 + ch];
        float x4 = m[m4 + ch];
        float p12 = x1 + x2;
        float d12 = x1 - x2;
        float p34 = x3 + x4;
        float d34 = x3 - x4;
        t[t0 + ch] = m[m0 + ch] + p12 + p34;
        t[t1 + ch] = d12 + 2f * d34;
        t[t2 + ch] = p12 + 4f * p34;
        t[t3 + ch] = d12 + 8f * d34 + m[m5 + ch];
      }
    }
    // (Aᵀ M) A: per row i, the 6 column vectors into 4 outputs
    for (int i = 0; i < rows; i++) {
      int r = tOff + i * 6 * c;
      int o = base + i * rowStride;
      for (int ch = 0; ch < c; ch++) {
        float x1 = t[r + c + ch];
        float x2 = t[r + 2 * c + ch];
        float x3 = t[r + 3 * c + ch];
        float x4 = t[r + 4 * c + ch];
        float p12 = x1 + x2;
        float d12 = x1 - x2;
        float p34 = x3 + x4;
        float d34 = x3 - x4;
        float y0 = t[r + ch] + p12 + p34;
        float y1 = d12 + 2f * d34;
        float y2 = p12 + 4f * p34;
        float y3 = d12 + 8f * d34 + t[r + 5 * c + ch];
        if (accumulate) {
          out[o + ch] += y0;
          if (cols > 1) {
            out[o + c + ch] += y1;
          }
          if (cols > 2) {
            out[o + 2 * c + ch] += y2;
          }
          if (cols > 3) {
            out[o + 3 * c + ch] += y3;
          }
        } else {
          out[o + ch] = y0;
          if (cols > 1) {
            out[o + c + ch] = y1;
          }
          if (cols > 2) {
            out[o + 2 * c + ch] = y2;
          }
          if (cols > 3) {
            out[o + 3 * c + ch] = y3;
          }
        }
      }
    }
  }
}

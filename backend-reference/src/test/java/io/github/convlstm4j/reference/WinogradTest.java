package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Winograd3x3} against the convolution's definition summed in double precision (an
 * independent implementation: the naive six-fold loop), forward and adjoint, overwrite and
 * accumulate; the kernel transform against a hand calculation; the vector transforms against
 * the scalar ones bit for bit; and thread-count independence.
 */
class WinogradTest {

  /** Relative tolerance on the sum of absolute terms: a few float ulps per transform stage. */
  private static final double RTOL = 2e-6;

  @ParameterizedTest(name = "{0} frames {1}x{2}, {3}->{4} channels, pad {5},{6}, out {7}x{8}")
  @CsvSource({
      "2, 5, 7, 3, 5, 1, 1, 5, 7",    // SAME, odd sizes: partial last tile row and column
      "1, 6, 5, 9, 4, 0, 0, 4, 3",    // VALID
      "1, 1, 1, 8, 8, 1, 1, 1, 1",    // one pixel: only the centre tap reads the frame
      "3, 4, 4, 16, 24, 1, 1, 4, 4",  // channels over a vector length, several chunks
      "1, 3, 3, 6, 2, 2, 2, 5, 5",    // padding 2 (the adjoint of VALID)
      "2, 20, 18, 5, 3, 1, 1, 20, 18" // more tiles than one chunk
  })
  void forwardMatchesDefinition(int frames, int h, int w, int cin, int cout, int padTop,
      int padLeft, int ho, int wo) {
    Random r = new Random(frames * 1000 + h * 100 + cin);
    float[] in = random(r, frames * h * w * cin + 3);
    float[] k = random(r, 9 * cin * cout);
    float[] u = new float[16 * cin * cout];
    Winograd3x3.transformKernel(k, cin, cout, false, u);
    int outOff = 5;
    float[] out = new float[outOff + frames * ho * wo * cout];
    float[] before = out.clone();
    Parallel par = new Parallel(2);
    Winograd3x3 wg = winograd(par, CellOps.vector());
    wg.convolve(in, 3, frames, h, w, cin, padTop, padLeft, wg.prepared(u, cin, cout, null),
        cout, ho, wo, out, outOff, false);
    for (int i = 0; i < outOff; i++) {
      assertEquals(before[i], out[i], "element before the output was written");
    }
    for (int f = 0; f < frames; f++) {
      for (int y = 0; y < ho; y++) {
        for (int x = 0; x < wo; x++) {
          for (int o = 0; o < cout; o++) {
            double sum = 0;
            double abs = 0;
            for (int dy = 0; dy < 3; dy++) {
              for (int dx = 0; dx < 3; dx++) {
                int iy = y + dy - padTop;
                int ix = x + dx - padLeft;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                  continue;
                }
                for (int c = 0; c < cin; c++) {
                  double term = (double) in[3 + ((f * h + iy) * w + ix) * cin + c]
                      * k[((dy * 3 + dx) * cin + c) * cout + o];
                  sum += term;
                  abs += Math.abs(term);
                }
              }
            }
            float got = out[outOff + ((f * ho + y) * wo + x) * cout + o];
            assertEquals(sum, got, RTOL * abs + 1e-7,
                "out[" + f + "," + y + "," + x + "," + o + "]");
          }
        }
      }
    }
  }

  @Test
  @DisplayName("adjoint transform: the input gradient of a SAME and of a VALID convolution")
  void adjointMatchesDefinition() {
    for (int pad = 0; pad <= 1; pad++) {
      int n = 2;
      int h = 5;
      int w = 6;
      int cin = 3;
      int cout = 10;
      int ho = h + 2 * pad - 2;
      int wo = w + 2 * pad - 2;
      Random r = new Random(41 + pad);
      float[] k = random(r, 9 * cin * cout);
      float[] dOut = random(r, n * ho * wo * cout);
      float[] u = new float[16 * cin * cout];
      Winograd3x3.transformKernel(k, cin, cout, true, u);
      float[] dIn = new float[n * h * w * cin];
      Parallel par = new Parallel(1);
      Winograd3x3 wg = winograd(par, new ScalarCellOps());
      wg.convolve(dOut, 0, n, ho, wo, cout, 2 - pad, 2 - pad, wg.prepared(u, cout, cin, null),
          cin, h, w, dIn, 0, false);
      // Definition, as a scatter: every output term sends dOut·k back to the input it read.
      double[] want = new double[dIn.length];
      double[] abs = new double[dIn.length];
      for (int b = 0; b < n; b++) {
        for (int y = 0; y < ho; y++) {
          for (int x = 0; x < wo; x++) {
            for (int dy = 0; dy < 3; dy++) {
              for (int dx = 0; dx < 3; dx++) {
                int iy = y + dy - pad;
                int ix = x + dx - pad;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                  continue;
                }
                for (int c = 0; c < cin; c++) {
                  for (int o = 0; o < cout; o++) {
                    double term = (double) dOut[((b * ho + y) * wo + x) * cout + o]
                        * k[((dy * 3 + dx) * cin + c) * cout + o];
                    int at = ((b * h + iy) * w + ix) * cin + c;
                    want[at] += term;
                    abs[at] += Math.abs(term);
                  }
                }
              }
            }
          }
        }
      }
      for (int i = 0; i < dIn.length; i++) {
        assertEquals(want[i], dIn[i], RTOL * abs[i] + 1e-7, "pad " + pad + ", dIn[" + i + "]");
      }
    }
  }

  @ParameterizedTest(name = "{0} frames {1}x{2}, {3}->{4} channels, pad {5}, out {6}x{7}")
  @CsvSource({
      "2, 5, 7, 3, 5, 1, 5, 7",     // SAME, odd sizes: partial tiles
      "1, 6, 5, 9, 4, 0, 4, 3",     // VALID
      "3, 30, 30, 8, 16, 1, 30, 30" // more tiles than one block
  })
  void weightGradientMatchesDefinition(int frames, int h, int w, int cin, int cout, int pad,
      int ho, int wo) {
    Random r = new Random(frames * 7 + h);
    float[] in = random(r, 2 + frames * h * w * cin);
    float[] dy = random(r, 1 + frames * ho * wo * cout);
    float[] held = random(r, 9 * cin * cout);
    float[] grad = held.clone();
    Parallel par = new Parallel(2);
    winograd(par, CellOps.vector()).weightGradient(in, 2, frames, h, w, cin, pad, pad, dy, 1,
        cout, ho, wo, grad);
    for (int ky = 0; ky < 3; ky++) {
      for (int kx = 0; kx < 3; kx++) {
        for (int c = 0; c < cin; c++) {
          for (int o = 0; o < cout; o++) {
            double sum = 0;
            double abs = 0;
            for (int f = 0; f < frames; f++) {
              for (int y = 0; y < ho; y++) {
                for (int x = 0; x < wo; x++) {
                  int iy = y + ky - pad;
                  int ix = x + kx - pad;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                    continue;
                  }
                  double term = (double) in[2 + ((f * h + iy) * w + ix) * cin + c]
                      * dy[1 + ((f * ho + y) * wo + x) * cout + o];
                  sum += term;
                  abs += Math.abs(term);
                }
              }
            }
            int at = ((ky * 3 + kx) * cin + c) * cout + o;
            // Summed in float over up to 2700 positions: allow more than for one output.
            assertEquals(held[at] + sum, grad[at], 1e-5 * abs + 1e-6,
                "grad[" + ky + "," + kx + "," + c + "," + o + "]");
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {2, 3, 4, 8})
  @DisplayName("weight gradient: the same bits for 1 and N threads over several blocks")
  void weightGradientThreadCountIndependent(int threads) {
    // 2 and 4 threads split the 4 rows of the transformed tile evenly, 3 unevenly; 8 (more
    // threads than rows) splits the transforms by tile and the products by position.
    Random r = new Random(8);
    int frames = 4;
    int h = 21;
    int w = 19;
    int cin = 10;
    int cout = 12;
    float[] in = random(r, frames * h * w * cin);
    float[] dy = random(r, frames * h * w * cout);
    float[] one = new float[9 * cin * cout];
    float[] two = new float[one.length];
    Parallel p1 = new Parallel(1);
    Parallel p2 = new Parallel(threads);
    winograd(p1, CellOps.vector()).weightGradient(in, 0, frames, h, w, cin, 1, 1, dy, 0,
        cout, h, w, one);
    winograd(p2, CellOps.vector()).weightGradient(in, 0, frames, h, w, cin, 1, 1, dy, 0,
        cout, h, w, two);
    assertTrue(frames * 11 * 10 > Winograd3x3.TILES_PER_BLOCK, "several blocks");
    assertArrayEquals(one, two);
  }

  @Test
  @DisplayName("joint convolution of concatenated inputs into split outputs = its parts")
  void jointConvolutionEqualsItsParts() {
    Random r = new Random(77);
    int frames = 2;
    int h = 7;
    int w = 6;
    int c1 = 3;
    int c2 = 9;
    int g = 12;
    float[] x1 = random(r, frames * h * w * c1);
    float[] x2 = random(r, frames * h * w * c2);
    float[] k1 = random(r, 9 * c1 * g);
    float[] k2 = random(r, 9 * c2 * g);
    float[] joint = new float[16 * (c1 + c2) * g];
    Winograd3x3.transformKernel(k1, c1, g, false, joint, c1 + c2, g, 0, 0);
    Winograd3x3.transformKernel(k2, c2, g, false, joint, c1 + c2, g, c1, 0);
    float[] u1 = new float[16 * c1 * g];
    float[] u2 = new float[16 * c2 * g];
    Winograd3x3.transformKernel(k1, c1, g, false, u1);
    Winograd3x3.transformKernel(k2, c2, g, false, u2);
    int n = frames * h * w * g;
    Parallel par = new Parallel(2);
    Winograd3x3 wg = winograd(par, CellOps.vector());
    // Forward: [x1, x2] -> g channels, against conv(x1) + conv(x2); and [x1, zeros].
    float[] both = new float[n];
    wg.convolve(new Winograd3x3.Input[] {new Winograd3x3.Input(x1, 0, c1),
        new Winograd3x3.Input(x2, 0, c2)}, frames, h, w, 1, 1,
        wg.prepared(joint, c1 + c2, g, null), h, w,
        new Winograd3x3.Output[] {new Winograd3x3.Output(both, 0, g, false)});
    float[] firstOnly = new float[n];
    wg.convolve(new Winograd3x3.Input[] {new Winograd3x3.Input(x1, 0, c1),
        new Winograd3x3.Input(null, -5, c2)}, frames, h, w, 1, 1,
        wg.prepared(joint, c1 + c2, g, null), h, w,
        new Winograd3x3.Output[] {new Winograd3x3.Output(firstOnly, 0, g, false)});
    float[] parts = new float[n];
    wg.convolve(x1, 0, frames, h, w, c1, 1, 1, wg.prepared(u1, c1, g, null), g, h, w, parts,
        0, false);
    float[] one = parts.clone();
    wg.convolve(x2, 0, frames, h, w, c2, 1, 1, wg.prepared(u2, c2, g, null), g, h, w, parts,
        0, true);
    for (int i = 0; i < n; i++) {
      assertEquals(parts[i], both[i], 1e-5, "joint output " + i);
      assertEquals(one[i], firstOnly[i], 1e-5, "joint output with zero second input " + i);
    }
    // Adjoint: dz (g channels) -> [d1 (c1), d2 (c2)], against each flipped kernel alone.
    float[] dz = random(r, n);
    float[] jointT = new float[16 * g * (c1 + c2)];
    Winograd3x3.transformKernel(k1, c1, g, true, jointT, g, c1 + c2, 0, 0);
    Winograd3x3.transformKernel(k2, c2, g, true, jointT, g, c1 + c2, 0, c1);
    float[] d1 = new float[frames * h * w * c1];
    float[] d2 = new float[frames * h * w * c2];
    wg.convolve(new Winograd3x3.Input[] {new Winograd3x3.Input(dz, 0, g)}, frames, h, w, 1,
        1, wg.prepared(jointT, g, c1 + c2, null), h, w,
        new Winograd3x3.Output[] {new Winograd3x3.Output(d1, 0, c1, false),
            new Winograd3x3.Output(d2, 0, c2, false)});
    float[] u1t = new float[16 * g * c1];
    float[] u2t = new float[16 * g * c2];
    Winograd3x3.transformKernel(k1, c1, g, true, u1t);
    Winograd3x3.transformKernel(k2, c2, g, true, u2t);
    float[] e1 = new float[d1.length];
    float[] e2 = new float[d2.length];
    wg.convolve(dz, 0, frames, h, w, g, 1, 1, wg.prepared(u1t, g, c1, null), c1, h, w, e1, 0,
        false);
    wg.convolve(dz, 0, frames, h, w, g, 1, 1, wg.prepared(u2t, g, c2, null), c2, h, w, e2, 0,
        false);
    assertArrayEquals(e1, d1, 1e-5f, "first input gradient");
    assertArrayEquals(e2, d2, 1e-5f, "second input gradient");
  }

  @Test
  @DisplayName("joint weight gradient of concatenated inputs = each input's own")
  void jointWeightGradientEqualsItsParts() {
    Random r = new Random(78);
    int frames = 3;
    int h = 9;
    int w = 8;
    int c1 = 2;
    int c2 = 10;
    int g = 12;
    float[] x1 = random(r, frames * h * w * c1);
    float[] x2 = random(r, frames * h * w * c2);
    float[] dy = random(r, frames * h * w * g);
    float[] j1 = new float[9 * c1 * g];
    float[] j2 = new float[9 * c2 * g];
    float[] s1 = new float[j1.length];
    float[] s2 = new float[j2.length];
    Parallel par = new Parallel(2);
    Winograd3x3 wg = winograd(par, CellOps.vector());
    wg.weightGradient(new Winograd3x3.Input[] {new Winograd3x3.Input(x1, 0, c1),
        new Winograd3x3.Input(x2, 0, c2)}, frames, h, w, 1, 1, dy, 0, g, h, w,
        new float[][] {j1, j2});
    wg.weightGradient(x1, 0, frames, h, w, c1, 1, 1, dy, 0, g, h, w, s1);
    wg.weightGradient(x2, 0, frames, h, w, c2, 1, 1, dy, 0, g, h, w, s2);
    assertArrayEquals(s1, j1, 1e-4f, "first input's kernel gradient");
    assertArrayEquals(s2, j2, 1e-4f, "second input's kernel gradient");
  }

  @Test
  @DisplayName("accumulating adds the convolution to what the output held")
  void accumulateAdds() {
    Random r = new Random(5);
    int h = 6;
    int w = 5;
    int c = 8;
    float[] in = random(r, h * w * c);
    float[] u = new float[16 * c * c];
    Winograd3x3.transformKernel(random(r, 9 * c * c), c, c, false, u);
    float[] fresh = new float[h * w * c];
    float[] held = random(r, h * w * c);
    float[] acc = held.clone();
    Parallel par = new Parallel(2);
    Winograd3x3 wg = winograd(par, CellOps.vector());
    float[] up = wg.prepared(u, c, c, null);
    wg.convolve(in, 0, 1, h, w, c, 1, 1, up, c, h, w, fresh, 0, false);
    wg.convolve(in, 0, 1, h, w, c, 1, 1, up, c, h, w, acc, 0, true);
    for (int i = 0; i < acc.length; i++) {
      assertEquals(held[i] + fresh[i], acc[i], 0f, "element " + i);
    }
  }

  @Test
  @DisplayName("kernel transform of an all-ones kernel: G·1 = (1, 3/2, 1/2, 1), U = outer product")
  void kernelTransformByHand() {
    float[] ones = new float[9];
    java.util.Arrays.fill(ones, 1f);
    float[] u = new float[16];
    Winograd3x3.transformKernel(ones, 1, 1, false, u);
    double[] g = {1, 1.5, 0.5, 1};
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertEquals(g[a] * g[b], u[a * 4 + b], 0.0, "U[" + a + "][" + b + "]");
      }
    }
    // A single tap k[0][0] = 1: G e0 = (1, 1/2, 1/2, 0), so U = its outer product.
    float[] corner = new float[9];
    corner[0] = 1f;
    Winograd3x3.transformKernel(corner, 1, 1, false, u);
    double[] e = {1, 0.5, 0.5, 0};
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertEquals(e[a] * e[b], u[a * 4 + b], 0.0, "corner U[" + a + "][" + b + "]");
      }
    }
  }

  @Test
  @DisplayName("vector transforms equal the scalar ones bit for bit, tails included")
  void vectorTransformsEqualScalar() {
    for (int bits : new int[] {128, 256, 512}) {
      vectorTransformsEqualScalar(CellOps.vector(bits));
    }
  }

  /**
   * Channel counts with and without a tail at 4, 8 and 16 lanes: below one vector (scalar
   * only), whole vectors, and tails done by the overlapping vector (e.g. 40 and 41 at 16 lanes,
   * 13 and 20 at 8).
   */
  private static void vectorTransformsEqualScalar(CellOps vector) {
    Random r = new Random(9);
    CellOps scalar = new ScalarCellOps();
    for (int c : new int[] {1, 7, 8, 13, 16, 20, 40, 41}) {
      float[] d = random(r, 16 * c);
      int stride = c + 3;
      float[] vs = new float[2 + 16 * stride];
      float[] vv = new float[2 + 16 * stride];
      scalar.winogradInput(d, c, vs, 2, stride, 0, 4);
      vector.winogradInput(d, c, vv, 2, stride, 0, 4);
      assertArrayEquals(vs, vv, "input transform, " + c + " channels");
      float[] gs = new float[3 + 16 * stride];
      float[] gv = new float[3 + 16 * stride];
      scalar.winogradOutputGradient(d, c, gs, 3, stride, c, 0, 0, 4);
      vector.winogradOutputGradient(d, c, gv, 3, stride, c, 0, 0, 4);
      assertArrayEquals(gs, gv, "output-gradient transform, " + c + " channels");
      // Rows of the transformed tile: exactly rows [from, to) are written, with the full
      // transform's values (ξ = 4a + b lives at offset + ξ·stride + channel).
      for (int[] rows : new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 2}, {2, 4}, {1, 3}}) {
        for (CellOps ops : new CellOps[] {scalar, vector}) {
          float[] vr = new float[vs.length];
          float[] gr = new float[gs.length];
          java.util.Arrays.fill(vr, Float.NaN);
          java.util.Arrays.fill(gr, Float.NaN);
          ops.winogradInput(d, c, vr, 2, stride, rows[0], rows[1]);
          ops.winogradOutputGradient(d, c, gr, 3, stride, c, 0, rows[0], rows[1]);
          String what = ops.name() + ", rows " + rows[0] + ".." + (rows[1] - 1) + ", " + c
              + " channels";
          for (int xi = 0; xi < 16; xi++) {
            boolean in = xi / 4 >= rows[0] && xi / 4 < rows[1];
            for (int ch = 0; ch < c; ch++) {
              float wantV = in ? vs[2 + xi * stride + ch] : Float.NaN;
              float wantG = in ? gs[3 + xi * stride + ch] : Float.NaN;
              assertEquals(wantV, vr[2 + xi * stride + ch], 0f, "input " + what + ", ξ " + xi);
              assertEquals(wantG, gr[3 + xi * stride + ch], 0f,
                  "output gradient " + what + ", ξ " + xi);
            }
          }
        }
      }
      float[] m = random(r, 16 * stride + 4);
      for (boolean accumulate : new boolean[] {false, true}) {
        for (int skip = 0; skip < 3; skip++) {
          float[] os = random(new Random(c), 4 * c + 1);
          float[] ov = os.clone();
          int y01 = skip == 1 ? -1 : 1 + c;
          int y10 = skip == 2 ? -1 : 1 + 2 * c;
          int y11 = skip > 0 ? -1 : 1 + 3 * c;
          scalar.winogradOutput(m, 4, stride, c, os, 1, y01, y10, y11, accumulate);
          vector.winogradOutput(m, 4, stride, c, ov, 1, y01, y10, y11, accumulate);
          assertArrayEquals(os, ov, "output transform, " + c + " channels, accumulate "
              + accumulate + ", skip " + skip);
        }
      }
    }
  }

  @Test
  @DisplayName("results do not depend on the thread count")
  void threadCountIndependent() {
    Random r = new Random(3);
    int frames = 3;
    int h = 17;
    int w = 15;
    int cin = 12;
    int cout = 20;
    float[] in = random(r, frames * h * w * cin);
    float[] u = new float[16 * cin * cout];
    Winograd3x3.transformKernel(random(r, 9 * cin * cout), cin, cout, false, u);
    float[] one = new float[frames * h * w * cout];
    float[] two = new float[one.length];
    Parallel p1 = new Parallel(1);
    Parallel p2 = new Parallel(2);
    Winograd3x3 w1 = winograd(p1, CellOps.vector());
    Winograd3x3 w2 = winograd(p2, CellOps.vector());
    w1.convolve(in, 0, frames, h, w, cin, 1, 1, w1.prepared(u, cin, cout, null), cout, h, w,
        one, 0, false);
    w2.convolve(in, 0, frames, h, w, cin, 1, 1, w2.prepared(u, cin, cout, null), cout, h, w,
        two, 0, false);
    assertTrue(frames * ((h + 1) / 2) * ((w + 1) / 2) > 2 * Winograd3x3.TILES_PER_CHUNK,
        "the case must span several chunks");
    assertArrayEquals(one, two);
  }

  /**
   * The weight gradient with M_ξ written in the prepared layout and {@code gemmPreparedTransA}
   * gives the same bits as the earlier path, written out here: M_ξ dense
   * ({@link Winograd3x3#outputGradientScalar}) and {@code gemm(true, false, ...)} per ξ, which
   * packs B and A on each product. Tile counts with full and partial blocks, channel counts
   * that are not multiples of the vector length or of the sliver width, every vector width.
   */
  @ParameterizedTest(name = "{0} frames {1}x{2}, {3}->{4} channels, kernel {5}")
  @CsvSource({
      "1, 3, 3, 1, 1, vector",
      "2, 9, 7, 5, 13, vector",
      "4, 21, 19, 10, 12, vector",   // 440 tiles: a full and a partial block
      "3, 30, 30, 17, 40, vector",   // 675 tiles
      "2, 40, 41, 8, 16, vector",
      "1, 20, 20, 17, 40, vector-512", // 100 tiles: one k block at 512 bits, packed
      "3, 30, 30, 17, 40, vector-512",
      "3, 30, 30, 9, 33, vector-128",
      "3, 30, 30, 9, 33, scalar"
  })
  void weightGradientEqualsPackingPathBitwise(int frames, int h, int w, int cin, int cout,
      String kind) {
    Random r = new Random(frames * 31 + cin * 7 + cout);
    float[] in = random(r, frames * h * w * cin);
    float[] dy = random(r, frames * h * w * cout);
    float[] held = random(r, 9 * cin * cout);
    MatMul serial = kind.equals("scalar") ? MatMuls.scalar(1)
        : kind.equals("vector") ? MatMuls.vector(1)
        : MatMuls.vector(1, Integer.parseInt(kind.substring("vector-".length())));
    CellOps ops = kind.equals("scalar") ? new ScalarCellOps() : CellOps.vector();
    float[] got = held.clone();
    Parallel par = new Parallel(2);
    new Winograd3x3(par, serial, ops, new Arena()).weightGradient(in, 0, frames, h, w, cin, 1,
        1, dy, 0, cout, h, w, got);
    // The earlier path.
    int tilesY = (h + 1) / 2;
    int tilesX = (w + 1) / 2;
    int perFrame = tilesY * tilesX;
    int tiles = frames * perFrame;
    int block = Winograd3x3.TILES_PER_BLOCK;
    int xiCount = Winograd3x3.XI;
    float[] d = new float[Math.max(xiCount * cin, 4 * cout)];
    float[] v = new float[xiCount * block * cin];
    float[] m = new float[xiCount * block * cout];
    float[] du = new float[xiCount * cin * cout];
    for (int t0 = 0; t0 < tiles; t0 += block) {
      int count = Math.min(block, tiles - t0);
      for (int q = 0; q < count; q++) {
        int tile = t0 + q;
        int f = tile / perFrame;
        int rest = tile - f * perFrame;
        int y = 2 * (rest / tilesX);
        int x = 2 * (rest % tilesX);
        Winograd3x3.gatherPatch(in, f * h * w * cin, h, w, cin, y - 1, x - 1, d);
        ops.winogradInput(d, cin, v, q * cin, block * cin, 0, 4);
        Winograd3x3.gatherOutputTile(dy, f * h * w * cout, h, w, cout, y, x, d);
        for (int o = 0; o < cout; o++) {
          Winograd3x3.outputGradientScalar(d, cout, o, m, q * cout, block * cout, 0, 4);
        }
      }
      for (int xi = 0; xi < xiCount; xi++) {
        serial.gemm(true, false, cin, cout, count, v, xi * block * cin, cin, m,
            xi * block * cout, cout, du, xi * cin * cout, cout, true);
      }
    }
    float[] want = held.clone();
    Winograd3x3.addKernelGradient(du, cin, 0, cin, cout, want);
    assertArrayEquals(want, got, kind + ": the packing path's bits");
  }

  private static Winograd3x3 winograd(Parallel par, CellOps ops) {
    return new Winograd3x3(par, ops instanceof ScalarCellOps ? MatMuls.scalar(1)
        : MatMuls.vector(1), ops, new Arena());
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (2 * r.nextDouble() - 1);
    }
    return a;
  }
}

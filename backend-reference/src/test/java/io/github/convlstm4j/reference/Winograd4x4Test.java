package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.Winograd3x3.Output;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Winograd4x4} against the convolution's definition summed in double precision (an
 * independent implementation: the naive loop over taps and channels), across magnitudes; the
 * kernel transform against a hand calculation; thread-count independence.
 *
 * <p><b>The error bound</b> and where it comes from: every element's error is measured relative
 * to the sum of the magnitudes of its terms, {@code |y - Σ x·k| / Σ |x·k|}, which does not
 * depend on the data's scale. On the cases below (random data in [-1, 1) times a scale of 1e-3,
 * 1 or 1e3, 3 to 80 input channels) F(4×4, 3×3) measured at most 2.1e-6 (80 channels, scale 1;
 * 1.1e-6 and 1.2e-6 at scales 1e-3 and 1e3; 1.2e-7 to 1.5e-6 on the small cases), in line with
 * {@code bench/python/winograd_rounding.py} (1.1e-6 with 80 channels, against 5.4e-8 for
 * F(2×2, 3×3), which {@link WinogradTest} holds to 2e-6). The bound held here, {@value #RTOL},
 * is about 5× the largest measured error.
 */
class Winograd4x4Test {

  /** Error bound relative to the sum of the terms' magnitudes (see the class comment). */
  static final double RTOL = 1e-5;

  @ParameterizedTest(name = "{0} frames {1}x{2}, {3}->{4} channels, pad {5},{6}, out {7}x{8}, "
      + "scale {9}")
  @CsvSource({
      "2, 5, 7, 3, 5, 1, 1, 5, 7, 1",      // SAME, odd sizes: partial last tiles
      "1, 6, 5, 9, 4, 0, 0, 4, 3, 1",      // VALID
      "1, 1, 1, 8, 8, 1, 1, 1, 1, 1",      // one pixel
      "3, 17, 18, 16, 24, 1, 1, 17, 18, 1",  // two chunks, partial tiles
      "1, 3, 3, 6, 2, 2, 2, 5, 5, 1",      // padding 2
      "2, 12, 12, 80, 16, 1, 1, 12, 12, 1e-3",  // the seed's 80 summed channels, small values
      "2, 12, 12, 80, 16, 1, 1, 12, 12, 1",
      "2, 12, 12, 80, 16, 1, 1, 12, 12, 1e3"
  })
  void forwardMatchesDefinitionWithinTheBound(int frames, int h, int w, int cin, int cout,
      int padTop, int padLeft, int ho, int wo, double scale) {
    Random r = new Random(frames * 1000 + h * 100 + cin);
    float[] in = random(r, frames * h * w * cin + 3, scale);
    float[] k = random(r, 9 * cin * cout, 1);
    float[] u = new float[(int) Winograd4x4.kernelSize(cin, cout)];
    Winograd4x4.transformKernel(k, cin, cout, false, u, cin, cout, 0, 0);
    int outOff = 5;
    float[] out = new float[outOff + frames * ho * wo * cout];
    for (int i = 0; i < out.length; i++) {
      out[i] = 7f;
    }
    float[] before = out.clone();
    Parallel par = new Parallel(2);
    Winograd4x4 wg = winograd4(par);
    wg.convolve(in, 3, frames, h, w, cin, padTop, padLeft, wg.prepared(u, cin, cout, null),
        cout, ho, wo, out, outOff, false);
    for (int i = 0; i < outOff; i++) {
      assertEquals(before[i], out[i], "element before the output was written");
    }
    double worst = 0;
    for (int f = 0; f < frames; f++) {
      for (int y = 0; y < ho; y++) {
        for (int x = 0; x < wo; x++) {
          for (int o = 0; o < cout; o++) {
            double[] sa = definition(in, 3, h, w, cin, cout, k, padTop, padLeft, f, y, x, o);
            float got = out[outOff + ((f * ho + y) * wo + x) * cout + o];
            double err = Math.abs(got - sa[0]);
            assertTrue(err <= RTOL * sa[1] + 1e-30, "out[" + f + "," + y + "," + x + "," + o
                + "]: expected " + sa[0] + " +- " + RTOL * sa[1] + ", got " + got);
            if (sa[1] > 0) {
              worst = Math.max(worst, err / sa[1]);
            }
          }
        }
      }
    }
    assertTrue(worst < RTOL, "worst relative error " + worst);
  }

  @Test
  void jointInputsAndSplitOutputsAccumulate() {
    // [x (5 ch), h (3 ch)] -> outputs of 14 and 26 channels, the second accumulated: the same
    // as convolving the concatenation, checked against the definition.
    Random r = new Random(3);
    int frames = 2;
    int side = 7;
    float[] x = random(r, frames * side * side * 5, 1);
    float[] hh = random(r, frames * side * side * 3, 1);
    float[] k = random(r, 9 * 8 * 40, 1);
    float[] u = new float[(int) Winograd4x4.kernelSize(8, 40)];
    Winograd4x4.transformKernel(k, 8, 40, false, u, 8, 40, 0, 0);
    float[] a = new float[frames * side * side * 14];
    float[] b = new float[frames * side * side * 26];
    java.util.Arrays.fill(b, 0.5f);
    Parallel par = new Parallel(2);
    Winograd4x4 wg = winograd4(par);
    wg.convolve(new Input[] {new Input(x, 0, 5), new Input(hh, 0, 3)}, frames,
        side, side, 1, 1, wg.prepared(u, 8, 40, null), side, side,
        new Output[] {new Output(a, 0, 14, false), new Output(b, 0, 26, true)});
    float[] cat = new float[frames * side * side * 8];
    for (int p = 0; p < frames * side * side; p++) {
      System.arraycopy(x, p * 5, cat, p * 8, 5);
      System.arraycopy(hh, p * 3, cat, p * 8 + 5, 3);
    }
    for (int f = 0; f < frames; f++) {
      for (int y = 0; y < side; y++) {
        for (int xx = 0; xx < side; xx++) {
          for (int o = 0; o < 40; o++) {
            double[] sa = definition(cat, 0, side, side, 8, 40, k, 1, 1, f, y, xx, o);
            int p = (f * side + y) * side + xx;
            float got = o < 14 ? a[p * 14 + o] : b[p * 26 + o - 14] - 0.5f;
            assertEquals(sa[0], got, RTOL * sa[1] + 1e-6, "o=" + o);
          }
        }
      }
    }
  }

  @Test
  void kernelTransformOfTheCentreTapIsTheOuterProductOfGsMiddleColumn() {
    // Hand calculation: g = 1 at (1, 1), else 0, so U[a][b] = G[a][1] · G[b][1] with G's middle
    // column (0, -1/6, 1/6, 1/12, -1/12, 0).
    float[] k = new float[9];
    k[4] = 1f;
    float[] u = new float[36];
    Winograd4x4.transformKernel(k, 1, 1, false, u, 1, 1, 0, 0);
    double[] mid = {0, -1.0 / 6, 1.0 / 6, 1.0 / 12, -1.0 / 12, 0};
    for (int a = 0; a < 6; a++) {
      for (int b = 0; b < 6; b++) {
        assertEquals((float) (mid[a] * mid[b]), u[a * 6 + b], 0f, "U[" + a + "][" + b + "]");
      }
    }
    // and the corner tap (0, 0): G's first column (1/4, -1/6, -1/6, 1/24, 1/24, 0)
    k[4] = 0f;
    k[0] = 1f;
    Winograd4x4.transformKernel(k, 1, 1, false, u, 1, 1, 0, 0);
    double[] first = {0.25, -1.0 / 6, -1.0 / 6, 1.0 / 24, 1.0 / 24, 0};
    for (int a = 0; a < 6; a++) {
      for (int b = 0; b < 6; b++) {
        assertEquals((float) (first[a] * first[b]), u[a * 6 + b], 0f, "U[" + a + "][" + b + "]");
      }
    }
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Random r = new Random(11);
    int frames = 8;
    int h = 17;
    int w = 15;
    int cin = 12;
    int cout = 20;
    float[] in = random(r, frames * h * w * cin, 1);
    float[] k = random(r, 9 * cin * cout, 1);
    float[] u = new float[(int) Winograd4x4.kernelSize(cin, cout)];
    Winograd4x4.transformKernel(k, cin, cout, false, u, cin, cout, 0, 0);
    float[] one = new float[frames * h * w * cout];
    float[] two = new float[one.length];
    Parallel p1 = new Parallel(1);
    Parallel p2 = new Parallel(2);
    Winograd4x4 w1 = winograd4(p1);
    Winograd4x4 w2 = winograd4(p2);
    w1.convolve(in, 0, frames, h, w, cin, 1, 1, w1.prepared(u, cin, cout, null), cout, h, w,
        one, 0, false);
    w2.convolve(in, 0, frames, h, w, cin, 1, 1, w2.prepared(u, cin, cout, null), cout, h, w,
        two, 0, false);
    assertTrue(frames * ((h + 3) / 4) * ((w + 3) / 4) > 2 * Winograd4x4.TILES_PER_CHUNK,
        "the case must span several chunks");
    assertArrayEquals(one, two);
  }

  @Test
  void everyVectorWidthAndTheScalarTransformsGiveTheSameBits() {
    // The transforms and the kernel of each width (512 emulated on AVX2) against the scalar
    // transforms with the 256-bit kernel; the kernels' products are bitwise the same for every
    // width (MatMul's contract), the transforms' by Winograd4TransformsTest.
    Random r = new Random(5);
    int frames = 3;
    int h = 10;
    int w = 9;
    float[] x = random(r, frames * h * w * 24, 1);
    float[] hh = random(r, frames * h * w * 17, 1);
    float[] k = random(r, 9 * 41 * 40, 1);
    float[] u = new float[(int) Winograd4x4.kernelSize(41, 40)];
    Winograd4x4.transformKernel(k, 41, 40, false, u, 41, 40, 0, 0);
    float[] want = new float[frames * h * w * 40];
    Parallel par = new Parallel(2);
    Winograd4x4 scalar = new Winograd4x4(par, MatMuls.vector(1, 256),
        Winograd4Transforms.SCALAR, new Arena());
    scalar.convolve(new Input[] {new Input(x, 0, 24), new Input(hh, 0, 17)}, frames, h, w, 1,
        1, scalar.prepared(u, 41, 40, null), h, w,
        new Output[] {new Output(want, 0, 40, false)});
    for (int bits : new int[] {128, 256, 512}) {
      Winograd4x4 wg = new Winograd4x4(par, MatMuls.vector(1, bits), new Arena());
      assertEquals(bits, wg.transforms().bits(), "the transforms follow the kernel's width");
      float[] got = new float[want.length];
      wg.convolve(new Input[] {new Input(x, 0, 24), new Input(hh, 0, 17)}, frames, h, w, 1,
          1, wg.prepared(u, 41, 40, null), h, w, new Output[] {new Output(got, 0, 40, false)});
      assertArrayEquals(want, got, bits + " bits");
    }
    Parallel one = new Parallel(1);
    assertEquals(0, new Winograd4x4(one, MatMuls.scalar(1), new Arena()).transforms().bits(),
        "a scalar kernel gets the scalar transforms");
  }

  @Test
  void preparedReusesAnArrayOfExactlyItsSize() {
    // One prepared array refilled with a second kernel (as Network does after a weight
    // change): the same array comes back, and it convolves bitwise as a fresh preparation of
    // that kernel does; an array of another size is left alone and a new one returned.
    Random r = new Random(8);
    int frames = 2;
    int side = 9;
    float[] in = random(r, frames * side * side * 6, 1);
    float[][] us = new float[2][];
    for (int i = 0; i < 2; i++) {
      us[i] = new float[(int) Winograd4x4.kernelSize(6, 10)];
      Winograd4x4.transformKernel(random(r, 9 * 6 * 10, 1), 6, 10, false, us[i], 6, 10, 0, 0);
    }
    Parallel par = new Parallel(2);
    Winograd4x4 wg = winograd4(par);
    float[] kept = wg.prepared(us[0], 6, 10, null);
    assertTrue(kept != wg.prepared(us[0], 6, 10, new float[kept.length + 1]),
        "an array of another size must not be used");
    assertTrue(kept == wg.prepared(us[1], 6, 10, kept), "an array of the size is reused");
    float[] got = new float[frames * side * side * 10];
    float[] want = new float[got.length];
    wg.convolve(in, 0, frames, side, side, 6, 1, 1, kept, 10, side, side, got, 0, false);
    wg.convolve(in, 0, frames, side, side, 6, 1, 1, wg.prepared(us[1], 6, 10, null), 10,
        side, side, want, 0, false);
    assertArrayEquals(want, got);
  }

  @ParameterizedTest(name = "pad {0}, {1}x{2}, {3}+{4} input channels, {5} outputs")
  @CsvSource({
      "0, 5, 6, 3, 0, 10",    // VALID, one input
      "1, 5, 6, 3, 0, 10",    // SAME, partial tiles
      "1, 9, 7, 5, 3, 24",    // joint [x, h], two gradients
      "1, 12, 12, 40, 40, 32" // the seed's 80 summed-over input channels, SAME
  })
  @DisplayName("adjoint: dz convolved with the adjoint kernel is the input gradient")
  void adjointKernelGivesTheInputGradientWithinTheBound(int pad, int h, int w, int c1, int c2,
      int cout) {
    // The input gradient of y = conv(x, k) is dX[p, c] = Σ over outputs reading p of dY·k:
    // computed below as a scatter in double (independent of the transforms), then compared
    // with the F(4×4) convolution of dY by the adjoint transform (padding 2 - pad), split into
    // the gradients of the two inputs when c2 > 0 (the joint backward form).
    int n = 2;
    int cin = c1 + c2;
    int ho = h + 2 * pad - 2;
    int wo = w + 2 * pad - 2;
    Random r = new Random(41 + pad + cin);
    float[] k1 = random(r, 9 * c1 * cout, 1);
    float[] k2 = random(r, 9 * Math.max(c2, 1) * cout, 1);
    float[] dOut = random(r, n * ho * wo * cout, 1);
    float[] u = new float[(int) Winograd4x4.kernelSize(cout, cin)];
    Winograd4x4.transformKernel(k1, c1, cout, true, u, cout, cin, 0, 0);
    if (c2 > 0) {
      Winograd4x4.transformKernel(k2, c2, cout, true, u, cout, cin, 0, c1);
    }
    float[] d1 = new float[n * h * w * c1];
    float[] d2 = new float[n * h * w * Math.max(c2, 1)];
    Parallel par = new Parallel(2);
    Output[] outs = c2 > 0
        ? new Output[] {new Output(d1, 0, c1, false), new Output(d2, 0, c2, false)}
        : new Output[] {new Output(d1, 0, c1, false)};
    Winograd4x4 wg = winograd4(par);
    wg.convolve(new Input[] {new Input(dOut, 0, cout)}, n, ho, wo, 2 - pad, 2 - pad,
        wg.prepared(u, cout, cin, null), h, w, outs);
    for (int part = 0; part < (c2 > 0 ? 2 : 1); part++) {
      int c = part == 0 ? c1 : c2;
      float[] k = part == 0 ? k1 : k2;
      float[] got = part == 0 ? d1 : d2;
      double[] want = new double[n * h * w * c];
      double[] abs = new double[want.length];
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
                for (int ch = 0; ch < c; ch++) {
                  for (int o = 0; o < cout; o++) {
                    double term = (double) dOut[((b * ho + y) * wo + x) * cout + o]
                        * k[((dy * 3 + dx) * c + ch) * cout + o];
                    int at = ((b * h + iy) * w + ix) * c + ch;
                    want[at] += term;
                    abs[at] += Math.abs(term);
                  }
                }
              }
            }
          }
        }
      }
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], RTOL * abs[i] + 1e-30, "input " + part + ", element " + i);
      }
    }
  }

  /** The definition in double: {sum, sum of |terms|} of output (f, y, x, o). */
  private static double[] definition(float[] in, int inOff, int h, int w, int cin, int cout,
      float[] k, int padTop, int padLeft, int f, int y, int x, int o) {
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
          double term = (double) in[inOff + ((f * h + iy) * w + ix) * cin + c]
              * k[((dy * 3 + dx) * cin + c) * cout + o];
          sum += term;
          abs += Math.abs(term);
        }
      }
    }
    return new double[] {sum, abs};
  }

  private static Winograd4x4 winograd4(Parallel par) {
    return new Winograd4x4(par, MatMuls.vector(1), new Arena());
  }

  private static float[] random(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((2 * r.nextDouble() - 1) * scale);
    }
    return a;
  }
}

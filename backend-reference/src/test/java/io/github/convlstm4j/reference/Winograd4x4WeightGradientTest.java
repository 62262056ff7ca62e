package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Winograd4x4#weightGradient} against the kernel gradient's definition summed in double
 * precision (an independent implementation written here: the naive sum over frames and output
 * positions, {@code grad[dy, dx, c, o] = Σ in[y+dy-padTop, x+dx-padLeft, c] · dY[y, x, o]}),
 * for SAME and VALID padding, output sizes that are not multiples of 4, one input and two
 * (joint), output channel counts that are not multiples of the kernel's sliver, the scalar
 * kernel and the vector kernels at 128, 256 and 512 bits (512 emulated on an AVX2 machine, still
 * exactly); thread-count independence; gradients added to the values already there; the M
 * transform against {@code A dY Aᵀ} multiplied out.
 *
 * <p><b>The error bound</b>: each element's error relative to the sum of the magnitudes of its
 * terms, as in {@link Winograd4x4Test}, held to the same {@value Winograd4x4Test#RTOL}. On the
 * cases below (random data in [-1, 1)) the worst measured ratio was 2.2e-6 (5×5 outputs, 3 + 5
 * channels, 37 outputs), 1.1e-6 on the seed's 80 joint channels and 4e-7 to 7e-7 on the
 * 40×40 cases: the same order as the forward pass, about 4.5× inside the bound.
 */
class Winograd4x4WeightGradientTest {

  private static final double RTOL = Winograd4x4Test.RTOL;

  /** Rows of {@code Aᵀ} (4 × 6) of F(4×4, 3×3), as printed in {@link Winograd4x4}. */
  private static final double[][] AT = {
      {1, 1, 1, 1, 1, 0},
      {0, 1, -1, 2, -2, 0},
      {0, 1, 1, 4, 4, 0},
      {0, 1, -1, 8, -8, 1}};

  @ParameterizedTest(name = "{0} frames {1}x{2}, {3}+{4} -> {5} channels, pad {6}, out {7}x{8}, "
      + "{9}")
  @CsvSource({
      "2, 7, 9, 3, 0, 13, 1, 7, 9, scalar",       // SAME, partial tiles in both directions
      "2, 9, 11, 4, 0, 13, 0, 7, 9, vector-128",  // VALID
      "3, 5, 5, 3, 5, 37, 1, 5, 5, vector-256",   // joint inputs, cout not a sliver multiple
      "1, 5, 5, 3, 5, 37, 1, 5, 5, vector-512",
      "4, 40, 40, 3, 5, 13, 1, 40, 40, vector-256", // 400 tiles: full blocks and a partial one
      "4, 40, 40, 3, 5, 13, 1, 40, 40, vector-512", // k = the 512-bit kernel's whole k block
      "4, 40, 40, 3, 0, 37, 1, 40, 40, scalar",
      "2, 42, 42, 3, 5, 37, 0, 40, 40, vector-128", // VALID, 40x40 out
      "1, 1, 1, 2, 0, 3, 1, 1, 1, vector-256",    // one pixel
      "2, 12, 12, 40, 40, 16, 1, 12, 12, vector-256" // the seed's 80 joint channels
  })
  void matchesTheDefinitionAndAdds(int frames, int h, int w, int c1, int c2, int cout, int pad,
      int ho, int wo, String kind) {
    Random r = new Random(frames * 1000 + h * 10 + c1 + cout);
    int inOff = 3;
    int dyOff = 2;
    float[] x1 = random(r, inOff + frames * h * w * c1);
    float[] x2 = c2 > 0 ? random(r, inOff + frames * h * w * c2) : null;
    float[] dy = random(r, dyOff + frames * ho * wo * cout);
    float[][] held = {random(r, 9 * c1 * cout), random(r, 9 * c2 * cout)};
    float[][] zero = {new float[held[0].length], new float[held[1].length]};
    float[][] added = {held[0].clone(), held[1].clone()};
    Parallel par = new Parallel(2);
    Winograd4x4 wg = new Winograd4x4(par, kernel(kind), new Arena());
    for (float[][] grads : new float[][][] {zero, added}) {
      if (c2 == 0) {
        wg.weightGradient(x1, inOff, frames, h, w, c1, pad, pad, dy, dyOff, cout, ho, wo,
            grads[0]);
      } else {
        wg.weightGradient(new Input[] {new Input(x1, inOff, c1), new Input(x2, inOff, c2)},
            frames, h, w, pad, pad, dy, dyOff, cout, ho, wo, grads);
      }
    }
    double worst = 0;
    for (int j = 0; j < (c2 == 0 ? 1 : 2); j++) {
      float[] in = j == 0 ? x1 : x2;
      int c = j == 0 ? c1 : c2;
      for (int i = 0; i < held[j].length; i++) {
        assertEquals(held[j][i] + zero[j][i], added[j][i], 0f,
            "input " + j + ": the gradient is added to the value there");
      }
      for (int ky = 0; ky < 3; ky++) {
        for (int kx = 0; kx < 3; kx++) {
          for (int ch = 0; ch < c; ch++) {
            for (int o = 0; o < cout; o++) {
              double[] sa = definition(in, inOff, frames, h, w, c, dy, dyOff, cout, ho, wo, pad,
                  ky, kx, ch, o);
              float got = zero[j][((ky * 3 + kx) * c + ch) * cout + o];
              double err = Math.abs(got - sa[0]);
              assertTrue(err <= RTOL * sa[1] + 1e-30, "input " + j + " grad[" + ky + "," + kx
                  + "," + ch + "," + o + "]: expected " + sa[0] + " +- " + RTOL * sa[1]
                  + ", got " + got);
              if (sa[1] > 0) {
                worst = Math.max(worst, err / sa[1]);
              }
            }
          }
        }
      }
    }
    assertTrue(worst < RTOL, "worst relative error " + worst);
  }

  @ParameterizedTest(name = "{0}, {1} threads")
  @CsvSource({"scalar, 2", "vector-256, 2", "vector-512, 2", "vector-256, 4", "vector-256, 7"})
  void resultsDoNotDependOnTheThreadCount(String kind, int threads) {
    // 2 threads split the 6 rows of the transformed tile evenly, 4 unevenly; 7 (more threads
    // than rows) splits the transforms by tile and the products by position.
    Random r = new Random(11);
    int frames = 14;
    int h = 29;
    int w = 31;
    int c1 = 7;
    int c2 = 4;
    int cout = 13;
    float[] x1 = random(r, frames * h * w * c1);
    float[] x2 = random(r, frames * h * w * c2);
    float[] dy = random(r, frames * h * w * cout);
    float[][] one = {new float[9 * c1 * cout], new float[9 * c2 * cout]};
    float[][] two = {new float[9 * c1 * cout], new float[9 * c2 * cout]};
    Input[] inputs = {new Input(x1, 0, c1), new Input(x2, 0, c2)};
    Parallel p1 = new Parallel(1);
    Parallel p2 = new Parallel(threads);
    new Winograd4x4(p1, kernel(kind), new Arena()).weightGradient(inputs, frames, h, w, 1, 1,
        dy, 0, cout, h, w, one);
    new Winograd4x4(p2, kernel(kind), new Arena()).weightGradient(inputs, frames, h, w, 1, 1,
        dy, 0, cout, h, w, two);
    assertTrue(frames * ((h + 3) / 4) * ((w + 3) / 4) > 2 * Winograd4x4.TILES_PER_BLOCK,
        "the case must span several blocks");
    assertArrayEquals(one[0], two[0], "input 0");
    assertArrayEquals(one[1], two[1], "input 1");
  }

  @ParameterizedTest(name = "{0} bits")
  @ValueSource(ints = {128, 256, 512})
  void theVectorTransformsGiveTheScalarTransformsBits(int bits) {
    // The same kernel with the scalar transforms and with the twin of its width: the same bits.
    Random r = new Random(bits);
    int frames = 2;
    int h = 13;
    int w = 10;
    int cin = 19;
    int cout = 37;
    float[] in = random(r, frames * h * w * cin);
    float[] dy = random(r, frames * h * w * cout);
    float[] want = new float[9 * cin * cout];
    float[] got = new float[want.length];
    Parallel par = new Parallel(2);
    new Winograd4x4(par, MatMuls.vector(1, bits), Winograd4Transforms.SCALAR, new Arena())
        .weightGradient(in, 0, frames, h, w, cin, 1, 1, dy, 0, cout, h, w, want);
    Winograd4x4 wg = new Winograd4x4(par, MatMuls.vector(1, bits), new Arena());
    assertEquals(bits, wg.transforms().bits());
    wg.weightGradient(in, 0, frames, h, w, cin, 1, 1, dy, 0, cout, h, w, got);
    assertArrayEquals(want, got);
  }

  @Test
  void scalarOutputGradientTransformIsADyAt() {
    // A dY Aᵀ multiplied out in double with A = (Aᵀ)ᵀ, for full and partial tiles (the part
    // outside rows × cols read as zero), into a sliver layout with a partial last sliver whose
    // padding columns must stay untouched.
    Random r = new Random(4);
    int c = 7;
    int rs = 5 * c + 2;
    int off = 3;
    float[] dy = random(r, off + 4 * rs);
    int sliver = 3;
    int count = 5;
    int q = 2;
    int sliverStride = count * sliver;
    int ms = 3 * sliverStride + 1;
    for (int rows = 1; rows <= 4; rows++) {
      for (int cols = 1; cols <= 4; cols++) {
        float[] m = new float[36 * ms];
        java.util.Arrays.fill(m, 9f);
        Winograd4Transforms.SCALAR.outputGradient(dy, off, rs, c, rows, cols,
            new float[Winograd4Transforms.SCRATCH], 0, m, q * sliver, ms, sliver, sliverStride, 0,
            6);
        for (int o = 0; o < c; o++) {
          for (int a = 0; a < 6; a++) {
            for (int b = 0; b < 6; b++) {
              double sum = 0;
              double abs = 0;
              for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                  double term = AT[i][a] * dy[off + i * rs + j * c + o] * AT[j][b];
                  sum += term;
                  abs += Math.abs(term);
                }
              }
              int at = (a * 6 + b) * ms + (o / sliver) * sliverStride + q * sliver + o % sliver;
              assertEquals(sum, m[at], 1e-6 * abs, rows + "x" + cols + " M[" + a + "][" + b
                  + "] of channel " + o);
            }
          }
        }
        for (int xi = 0; xi < 36; xi++) {
          // channels 7, 8 would be the padding of the third sliver: not written
          int pad = xi * ms + 2 * sliverStride + q * sliver + 1;
          assertEquals(9f, m[pad], 0f, "padding column 7 of xi " + xi);
          assertEquals(9f, m[pad + 1], 0f, "padding column 8 of xi " + xi);
        }
      }
    }
  }

  /** The definition in double: {sum, sum of |terms|} of grad[ky, kx, c, o]. */
  private static double[] definition(float[] in, int inOff, int frames, int h, int w, int c,
      float[] dy, int dyOff, int cout, int ho, int wo, int pad, int ky, int kx, int ch, int o) {
    double sum = 0;
    double abs = 0;
    for (int f = 0; f < frames; f++) {
      for (int y = 0; y < ho; y++) {
        int iy = y + ky - pad;
        if (iy < 0 || iy >= h) {
          continue;
        }
        for (int x = 0; x < wo; x++) {
          int ix = x + kx - pad;
          if (ix < 0 || ix >= w) {
            continue;
          }
          double term = (double) in[inOff + ((f * h + iy) * w + ix) * c + ch]
              * dy[dyOff + ((f * ho + y) * wo + x) * cout + o];
          sum += term;
          abs += Math.abs(term);
        }
      }
    }
    return new double[] {sum, abs};
  }

  private static MatMul kernel(String kind) {
    return kind.equals("scalar") ? MatMuls.scalar(1)
        : MatMuls.vector(1, Integer.parseInt(kind.substring("vector-".length())));
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (2 * r.nextDouble() - 1);
    }
    return a;
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The F(4×4, 3×3) tile transforms: the scalar definition against the matrices {@code Bᵀ d B} and
 * {@code Aᵀ M A} multiplied out in double (an independent implementation: the matrices as
 * printed in {@link Winograd4x4}'s Javadoc), and every Vector API twin (128, 256 and 512 bits;
 * 512 runs emulated on an AVX2 machine, still exactly) against the scalar definition bit for
 * bit, on channel counts with and without a scalar tail.
 *
 * <p>That the twins are one source: {@link VectorTwinsTest}.
 */
class Winograd4TransformsTest {

  private static final double[][] BT = {
      {4, 0, -5, 0, 1, 0},
      {0, -4, -4, 1, 1, 0},
      {0, 4, -4, -1, 1, 0},
      {0, -2, -1, 2, 1, 0},
      {0, 2, -1, -2, 1, 0},
      {0, 4, 0, -5, 0, 1}};
  private static final double[][] AT = {
      {1, 1, 1, 1, 1, 0},
      {0, 1, -1, 2, -2, 0},
      {0, 1, 1, 4, 4, 0},
      {0, 1, -1, 8, -8, 1}};

  private static final int[] CHANNELS = {1, 3, 8, 16, 17, 40, 41};

  @Test
  void scalarInputTransformIsBtDB() {
    Random r = new Random(1);
    int c = 3;
    int rs = 9 * c; // the patch read in place from a frame 9 pixels wide
    int off = 4;
    float[] src = random(r, off + 6 * rs);
    int vs = 7;
    float[] v = new float[36 * vs + c];
    Winograd4Transforms.SCALAR.input(src, off, rs, c, new float[Winograd4Transforms.SCRATCH], 0,
        v, 0, vs, 0, 6);
    for (int ch = 0; ch < c; ch++) {
      for (int a = 0; a < 6; a++) {
        for (int b = 0; b < 6; b++) {
          double sum = 0;
          double abs = 0;
          for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
              double term = BT[a][i] * src[off + i * rs + j * c + ch] * BT[b][j];
              sum += term;
              abs += Math.abs(term);
            }
          }
          assertEquals(sum, v[(a * 6 + b) * vs + ch], 1e-6 * abs,
              "V[" + a + "][" + b + "] of channel " + ch);
        }
      }
    }
  }

  @Test
  void scalarOutputTransformIsAtMA() {
    Random r = new Random(2);
    int c = 3;
    int ms = 5;
    float[] m = random(r, 36 * ms + c);
    int rowStride = 7 * c;
    float[] out = new float[4 * rowStride];
    float[] added = random(r, out.length);
    float[] before = added.clone();
    Winograd4Transforms.SCALAR.output(m, 0, ms, c, c, new float[24 * 16], 0, out, 0, rowStride, 4,
        4, false);
    Winograd4Transforms.SCALAR.output(m, 0, ms, c, c, new float[24 * 16], 0, added, 0, rowStride,
        4, 4, true);
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          double sum = 0;
          double abs = 0;
          for (int a = 0; a < 6; a++) {
            for (int b = 0; b < 6; b++) {
              double term = AT[i][a] * m[(a * 6 + b) * ms + ch] * AT[j][b];
              sum += term;
              abs += Math.abs(term);
            }
          }
          int at = i * rowStride + j * c + ch;
          assertEquals(sum, out[at], 1e-6 * abs, "Y[" + i + "][" + j + "] of channel " + ch);
          assertEquals(before[at] + out[at], added[at], 0f, "accumulated Y[" + i + "][" + j
              + "]: the old value plus the same Y");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} bits")
  @ValueSource(ints = {128, 256, 512})
  void vectorInputTransformHasTheDefinitionsBits(int bits) {
    Winograd4Transforms vec = Winograd4Transforms.vector(bits);
    assertEquals(bits, vec.bits());
    Random r = new Random(bits);
    for (int c : CHANNELS) {
      for (int rs : new int[] {6 * c, 11 * c + 2}) {
        int off = 3;
        float[] src = random(r, off + 6 * rs + 1);
        int vs = 2 * c + 5;
        int vOff = 2;
        float[] t = new float[Winograd4Transforms.SCRATCH + 3];
        for (int[] rows : ROW_RANGES) {
          float[] want = random(r, vOff + 36 * vs);
          float[] got = want.clone();
          float[] full = want.clone();
          float[] before = want.clone();
          Winograd4Transforms.SCALAR.input(src, off, rs, c, t, 3, full, vOff, vs, 0, 6);
          Winograd4Transforms.SCALAR.input(src, off, rs, c, t, 3, want, vOff, vs, rows[0],
              rows[1]);
          vec.input(src, off, rs, c, t, 3, got, vOff, vs, rows[0], rows[1]);
          String what = c + " channels, rows " + rs + " apart, tile rows " + rows[0] + ".."
              + (rows[1] - 1);
          assertArrayEquals(want, got, what);
          assertOnlyRowsWritten(full, before, got, vOff, vs, c, rows, what);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} bits")
  @ValueSource(ints = {128, 256, 512})
  void vectorOutputTransformHasTheDefinitionsBits(int bits) {
    Winograd4Transforms vec = Winograd4Transforms.vector(bits);
    Random r = new Random(bits + 1);
    for (int c : CHANNELS) {
      int ms = 3 * c + 1;
      int mOff = 4;
      float[] m = random(r, mOff + 36 * ms);
      int rowStride = 9 * c;
      int base = 2;
      for (int rows = 1; rows <= 4; rows++) {
        for (int cols = 1; cols <= 4; cols++) {
          for (boolean accumulate : new boolean[] {false, true}) {
            // all c channels, then the first n < c of them (a block of a wider output)
            for (int n : new int[] {c, Math.max(1, c - 9)}) {
              float[] want = random(r, base + 4 * rowStride + 1);
              float[] got = want.clone();
              float[] t = new float[Winograd4Transforms.SCRATCH];
              Winograd4Transforms.SCALAR.output(m, mOff, ms, n, c, t, 0, want, base, rowStride,
                  rows, cols, accumulate);
              vec.output(m, mOff, ms, n, c, t, 0, got, base, rowStride, rows, cols,
                  accumulate);
              assertArrayEquals(want, got, n + " of " + c + " channels, " + rows + "x" + cols
                  + (accumulate ? " accumulated" : ""));
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} bits")
  @ValueSource(ints = {128, 256, 512})
  void vectorOutputGradientTransformHasTheDefinitionsBits(int bits) {
    // Full and partial tiles, slivers narrower than, equal to and wider than a vector, and one
    // sliver holding every channel (the dense layout); the padding columns stay untouched.
    Winograd4Transforms vec = Winograd4Transforms.vector(bits);
    Random r = new Random(bits + 2);
    for (int c : CHANNELS) {
      int rs = 7 * c + 3;
      int off = 2;
      float[] dy = random(r, off + 4 * rs);
      for (int sliver : new int[] {3, 8, 16, 32, c}) {
        int count = 3;
        int q = 1;
        int slivers = (c + sliver - 1) / sliver;
        int ms = slivers * count * sliver + 2;
        for (int rows = 1; rows <= 4; rows++) {
          for (int cols = 1; cols <= 4; cols++) {
            for (int[] tr : ROW_RANGES) {
              float[] want = random(r, 36 * ms);
              float[] got = want.clone();
              float[] full = want.clone();
              float[] before = want.clone();
              float[] t = new float[Winograd4Transforms.SCRATCH + 5];
              Winograd4Transforms.SCALAR.outputGradient(dy, off, rs, c, rows, cols, t, 5, full,
                  q * sliver, ms, sliver, count * sliver, 0, 6);
              Winograd4Transforms.SCALAR.outputGradient(dy, off, rs, c, rows, cols, t, 5, want,
                  q * sliver, ms, sliver, count * sliver, tr[0], tr[1]);
              vec.outputGradient(dy, off, rs, c, rows, cols, t, 5, got, q * sliver, ms, sliver,
                  count * sliver, tr[0], tr[1]);
              String what = c + " channels, slivers of " + sliver + ", " + rows + "x" + cols
                  + ", tile rows " + tr[0] + ".." + (tr[1] - 1);
              assertArrayEquals(want, got, what);
              // channel o of ξ sits somewhere in [ξ·ms, (ξ+1)·ms): compare whole ξ ranges
              assertOnlyRowsWritten(full, before, got, 0, ms, ms, tr, what);
            }
          }
        }
      }
    }
  }

  /** Row ranges of the transformed tile: all, one, the 2-thread halves, uneven, the last. */
  private static final int[][] ROW_RANGES = {{0, 6}, {2, 3}, {0, 3}, {3, 6}, {1, 5}, {5, 6}};

  /**
   * Where ξ is in rows [rows[0], rows[1]), {@code got} equals the full transform; elsewhere
   * it still holds {@code before}'s values.
   */
  private static void assertOnlyRowsWritten(float[] full, float[] before, float[] got, int off,
      int stride, int width, int[] rows, String what) {
    for (int xi = 0; xi < 36; xi++) {
      boolean in = xi / 6 >= rows[0] && xi / 6 < rows[1];
      for (int k = 0; k < width; k++) {
        int at = off + xi * stride + k;
        if (in) {
          assertEquals(full[at], got[at], 0f, what + ": ξ " + xi + " written as in full");
        } else {
          assertEquals(before[at], got[at], 0f, what + ": ξ " + xi + " untouched");
        }
      }
    }
  }

  @Test
  void otherWidthsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Winograd4Transforms.vector(64));
    assertEquals("vector width must be 128, 256 or 512 bits, got 64", e.getMessage());
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = 2 * r.nextFloat() - 1;
    }
    return a;
  }
}

package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API cell math against the scalar one: bit-for-bit equal outputs (the same float
 * operations in the same order) for every activation pair, filter counts with and without a
 * scalar tail, first and later steps, with and without an output gradient, and {@code H}
 * recomputed by {@link CellOps#hidden}; and the scalar one against the LSTM equations
 * evaluated independently in double.
 */
class CellOpsTest {

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (Activation ra : new Activation[] {Activation.HARD_SIGMOID, Activation.SIGMOID}) {
      for (Activation act : new Activation[] {Activation.TANH, Activation.RELU,
          Activation.LINEAR}) {
        for (int f : new int[] {1, 3, 8, 13, 16, 20, 40}) {
          for (int bits : new int[] {128, 256, 512}) {
            b.add(Arguments.of(ra, act, f, bits));
          }
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "F = {0}")
  @ValueSource(ints = {1, 3, 8, 13, 16, 20, 40})
  @DisplayName("batch norm with fixed constants: every implementation gives the formula's bits")
  void normalizeGivesTheFormulasBits(int f) {
    Random r = new Random(17L * f);
    int rows = 5;
    int off = 3;
    float[] center = values(r, f, 2.0);
    float[] scale = values(r, f, 1.5);
    float[] shift = values(r, f, 1.0);
    float[] x0 = values(r, off + rows * f + 2, 4.0);
    // (x - center)·scale + shift in float, element by element, rows 1..3 only
    float[] want = x0.clone();
    for (int row = 1; row < 4; row++) {
      for (int c = 0; c < f; c++) {
        int i = off + row * f + c;
        float d = x0[i] - center[c];
        float m = d * scale[c];
        want[i] = m + shift[c];
      }
    }
    for (CellOps ops : new CellOps[] {new ScalarCellOps(), CellOps.vector(128),
        CellOps.vector(256), CellOps.vector(512)}) {
      float[] x = x0.clone();
      ops.normalize(x, off, f, center, scale, shift, 1, 4);
      assertArrayEquals(want, x, ops.name());
    }
  }

  @ParameterizedTest(name = "{0} / {1}, F = {2}, {3}-bit vectors")
  @MethodSource("cases")
  @DisplayName("vector cell math equals the scalar one bit for bit")
  void vectorEqualsScalar(Activation ra, Activation act, int f, int bits) {
    CellOps scalar = new ScalarCellOps();
    CellOps vector = CellOps.vector(bits);
    assertEquals("vector-" + bits, vector.name());
    Random r = new Random(31L * f + ra.ordinal() * 7 + act.ordinal());
    int rows = 7;
    int g = 4 * f;
    int gOff = 5;
    float[] bias = values(r, g, 1.0);
    float[] gates0 = values(r, gOff + rows * g, 6.0); // wide: hits both clamps and saturation
    for (boolean first : new boolean[] {true, false}) {
      int cPrev = first ? -1 : 3;
      int cOff = 3 + rows * f + 2;
      float[] cellsInit = values(r, cOff + rows * f, 2.0);
      float[] gs = gates0.clone();
      float[] gv = gates0.clone();
      float[] cs = cellsInit.clone();
      float[] cv = cellsInit.clone();
      float[] hsS = new float[1 + rows * f];
      float[] hsV = new float[1 + rows * f];
      scalar.forward(ra, act, f, bias, gs, gOff, cs, cOff, cPrev, hsS, 1, 1, rows);
      vector.forward(ra, act, f, bias, gv, gOff, cv, cOff, cPrev, hsV, 1, 1, rows);
      assertArrayEquals(gs, gv, "gate activations");
      assertArrayEquals(cs, cv, "cells");
      assertArrayEquals(hsS, hsV, "outputs");
      assertTrue(Arrays.equals(gates0, 0, gOff + g, gs, 0, gOff + g), "row 0 untouched");
      // H recomputed from the gates and cells the step left (as the training pass does) has
      // the step's own bits, in both implementations.
      for (CellOps ops : new CellOps[] {scalar, vector}) {
        float[] again = new float[1 + rows * f];
        ops.hidden(act, f, gs, gOff, cs, cOff, again, 1, 1, rows);
        assertArrayEquals(hsS, again, ops.name() + " hidden equals the forward's H");
      }
      for (boolean withOut : new boolean[] {true, false}) {
        float[] dh = values(r, rows * f, 1.0);
        float[] dOut = values(r, 2 + rows * f, 1.0);
        float[] dc0 = values(r, rows * f, 1.0);
        float[] dcS = dc0.clone();
        float[] dcV = dc0.clone();
        float[] dzS = new float[gOff + rows * g];
        float[] dzV = new float[gOff + rows * g];
        int dOutOff = withOut ? 2 : -1;
        scalar.backward(ra, act, f, gs, gOff, cs, cOff, cPrev, dh, dOut, dOutOff, dcS, dzS, 0,
            rows);
        vector.backward(ra, act, f, gs, gOff, cs, cOff, cPrev, dh, dOut, dOutOff, dcV, dzV, 0,
            rows);
        assertArrayEquals(dzS, dzV, "dz");
        assertArrayEquals(dcS, dcV, "dc");
      }
    }
  }

  @Test
  @DisplayName("scalar cell math follows the LSTM equations (independent double evaluation)")
  void scalarFollowsTheEquations() {
    int f = 5;
    Random r = new Random(7);
    float[] bias = values(r, 4 * f, 1.0);
    float[] gates = values(r, 4 * f, 3.0);
    float[] pre = gates.clone();
    float[] cells = values(r, 2 * f, 1.0); // [C_{t-1} | C_t]
    float[] hs = new float[f];
    new ScalarCellOps().forward(Activation.SIGMOID, Activation.TANH, f, bias, gates, 0, cells,
        f, 0, hs, 0, 0, 1);
    for (int j = 0; j < f; j++) {
      double i = sigmoid(pre[j] + bias[j]);
      double fg = sigmoid(pre[f + j] + bias[f + j]);
      double c = Math.tanh(pre[2 * f + j] + bias[2 * f + j]);
      double o = sigmoid(pre[3 * f + j] + bias[3 * f + j]);
      double cell = fg * cells[j] + i * c;
      assertEquals(cell, cells[f + j], 2e-6, "C");
      assertEquals(o * Math.tanh(cell), hs[j], 2e-6, "H");
    }
  }

  @ParameterizedTest(name = "C = {0}, kernel {1}x{2}, pad {3},{4}, out {5}x{6}")
  @MethodSource("col2imCases")
  @DisplayName("vector col2im equals the scalar one bit for bit, and the scalar one is the "
      + "adjoint of im2col")
  void col2imVectorEqualsScalar(int c, int kh, int kw, int padTop, int padLeft, int ho,
      int wo) {
    int frames = 2;
    int h = 5;
    int w = 6;
    int k = kh * kw * c;
    Random r = new Random(c * 131 + kh * 17 + kw);
    float[] cols = values(r, frames * ho * wo * k, 1.0);
    int dOff = 3;
    float[] s = new float[dOff + frames * h * w * c];
    float[] v = new float[s.length];
    Arrays.fill(s, 9f); // overwritten, not accumulated
    Arrays.fill(v, 9f);
    new ScalarCellOps().col2im(cols, h, w, c, kh, kw, padTop, padLeft, ho, wo, s, dOff, 0,
        frames * h);
    CellOps.vector().col2im(cols, h, w, c, kh, kw, padTop, padLeft, ho, wo, v, dOff, 0,
        frames * h);
    assertArrayEquals(s, v);
    assertEquals(9f, s[0]);
    // Adjoint: <im2col(x), cols> = <x, col2im(cols)>, in double (independent of the gather).
    float[] x = values(r, frames * h * w * c, 1.0);
    float[] im = new float[cols.length];
    Parallel par = new Parallel(1);
    Im2col.im2col(par, x, 0, frames, h, w, c, kh, kw, padTop, padLeft, ho, wo, im);
    double left = 0;
    for (int i = 0; i < im.length; i++) {
      left += (double) im[i] * cols[i];
    }
    double right = 0;
    for (int i = 0; i < x.length; i++) {
      right += (double) x[i] * s[dOff + i];
    }
    assertEquals(left, right, 1e-4 * Math.max(1, Math.abs(left)));
  }

  static Stream<Arguments> col2imCases() {
    // frames 5x6; SAME keeps the size (even kernels pad after), VALID shrinks it by k - 1
    return Stream.of(Arguments.of(40, 3, 3, 1, 1, 5, 6), Arguments.of(3, 3, 3, 1, 1, 5, 6),
        Arguments.of(13, 3, 3, 1, 1, 5, 6), Arguments.of(8, 3, 3, 0, 0, 3, 4),
        Arguments.of(16, 2, 3, 0, 1, 5, 6), Arguments.of(16, 2, 2, 0, 0, 4, 5),
        Arguments.of(1, 1, 1, 0, 0, 5, 6));
  }

  @Test
  void namesAndChoice() {
    assertEquals("scalar", new ScalarCellOps().name());
    assertEquals("scalar", CellOps.forKernel(MatMuls.scalar(1)).name());
    assertEquals("vector-" + MatMuls.vector(1).vectorBits(), CellOps.vector().name());
    // The cell math follows the matrix kernel's width, forced or default, never another one.
    for (int bits : new int[] {128, 256, 512}) {
      assertEquals("vector-" + bits, CellOps.forKernel(MatMuls.vector(1, bits)).name());
    }
    assertEquals("vector-" + MatMuls.vector(1).vectorBits(),
        CellOps.forKernel(MatMuls.vector(1)).name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CellOps.vector(384));
    assertEquals("vector width must be 128, 256 or 512 bits, got 384", e.getMessage());
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static float[] values(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * (2 * r.nextDouble() - 1));
    }
    return v;
  }
}

package io.github.convlstm4j.api.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /*
   * A 2-frame, 1x2x1 example computed by hand.
   *   frame 0: prediction [0.5, 0.25], target [1, 0]   errors -0.5, 0.25
   *   frame 1: prediction [0.0, 1.0],  target [0, 0]   errors  0,   1
   * squared errors 0.25, 0.0625 | 0, 1   -> per frame 0.3125/2 = 0.15625 and 1/2 = 0.5
   *   MSE = 1.3125 / 4 = 0.328125; MSE frame sum = (0.3125 + 1) / 2 = 0.65625
   * absolute errors 0.5, 0.25 | 0, 1     -> per frame 0.375 and 0.5
   *   MAE = 1.75 / 4 = 0.4375;     MAE frame sum = (0.75 + 1) / 2 = 0.875
   * PSNR (range 1): frame 0 10 log10(1 / 0.15625) = 10 log10(6.4) = 10 (6 log10 2 - 1)
   *   = 8.0617997398..., frame 1 10 log10(2) = 3.0102999566...; mean 5.5360498482...
   *   range 2 adds 10 log10(4) = 6.0205999133 to each.
   * BCE: -ln 0.5 = 0.6931471806, -ln 0.75 = 0.2876820725,
   *   p = 0 clipped to 1e-7 with y = 0: -ln(1 - 1e-7) = 1.0000000500e-7,
   *   p = 1 clipped to 1 - 1e-7 with y = 0: -ln(1e-7) = 7 ln 10 = 16.1180956510;
   *   sum 17.0989250040, mean 4.2747312510.
   */
  private static final FrameSequence PRED =
      FrameSequence.of(2, 1, 2, 1, new float[] {0.5f, 0.25f, 0f, 1f});
  private static final FrameSequence TARGET =
      FrameSequence.of(2, 1, 2, 1, new float[] {1f, 0f, 0f, 0f});

  private static final double LOG10_2 = 0.30102999566398120;

  @Test
  @DisplayName("per-pixel MSE and MAE match the hand calculation")
  void mseMae() {
    assertEquals(0.328125, Metrics.mse(PRED, TARGET), 1e-15);
    assertEquals(0.4375, Metrics.mae(PRED, TARGET), 1e-15);
    assertArrayEquals(new double[] {0.15625, 0.5}, Metrics.msePerFrame(PRED, TARGET), 1e-15);
    assertArrayEquals(new double[] {0.375, 0.5}, Metrics.maePerFrame(PRED, TARGET), 1e-15);
  }

  @Test
  @DisplayName("frame-sum MSE and MAE sum over pixels and average over frames")
  void frameSums() {
    assertEquals(0.65625, Metrics.mseFrameSum(PRED, TARGET), 1e-15);
    assertEquals(0.875, Metrics.maeFrameSum(PRED, TARGET), 1e-15);
  }

  @Test
  @DisplayName("BCE clips predictions to [1e-7, 1 - 1e-7] like Keras")
  void bce() {
    double expected = (0.6931471805599453 + 0.2876820724517809 + 1.00000005e-7
        + 7 * Math.log(10)) / 4;
    assertEquals(expected, Metrics.bce(PRED, TARGET), 1e-8);
    assertEquals(4.2747312510, Metrics.bce(PRED, TARGET), 1e-9);
    double[] perFrame = Metrics.bcePerFrame(PRED, TARGET);
    assertEquals((0.6931471805599453 + 0.2876820724517809) / 2, perFrame[0], 1e-15);
    assertEquals((1.00000005e-7 + 7 * Math.log(10)) / 2, perFrame[1], 1e-8);
  }

  @Test
  @DisplayName("BCE of a soft target: 0.5 against 0.5 is ln 2")
  void bceSoftTarget() {
    FrameSequence half = FrameSequence.of(1, 1, 1, 1, new float[] {0.5f});
    assertEquals(Math.log(2), Metrics.bce(half, half), 1e-15);
  }

  @Test
  @DisplayName("PSNR is computed per frame then averaged, scaled by the data range")
  void psnr() {
    double f0 = 10 * (6 * LOG10_2 - 1);
    double f1 = 10 * LOG10_2;
    assertArrayEquals(new double[] {f0, f1}, Metrics.psnrPerFrame(PRED, TARGET, 1), 1e-12);
    assertEquals((f0 + f1) / 2, Metrics.psnr(PRED, TARGET, 1), 1e-12);
    assertEquals(5.536049848239342, Metrics.psnr(PRED, TARGET), 1e-12);
    assertEquals((f0 + f1) / 2 + 20 * LOG10_2, Metrics.psnr(PRED, TARGET, 2), 1e-12);
  }

  @Test
  @DisplayName("PSNR of an exact frame is +Infinity")
  void psnrExact() {
    double[] p = Metrics.psnrPerFrame(TARGET, TARGET, 1);
    assertEquals(Double.POSITIVE_INFINITY, p[0]);
    assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(TARGET, TARGET));
  }

  @Test
  @DisplayName("identical sequences score MSE 0, MAE 0 and SSIM exactly 1")
  void identical() {
    FrameSequence s = pattern(3, 9, 11, 2, 1);
    assertEquals(0.0, Metrics.mse(s, s));
    assertEquals(0.0, Metrics.mae(s, s));
    assertEquals(1.0, Metrics.ssim(s, s));
    assertArrayEquals(new double[] {1, 1, 1}, Metrics.ssimPerFrame(s, s));
  }

  @Test
  @DisplayName("SSIM of one 7x7 window, derived by hand: flat 0 against flat 0.1")
  void ssimFlatHand() {
    // ux = 0, uy = 0.1, all variances 0: S = C1 / (0.01 + C1) with C1 = 1e-4, i.e. 1/101.
    FrameSequence zero = FrameSequence.of(1, 7, 7, 1, new float[49]);
    float[] v = new float[49];
    java.util.Arrays.fill(v, 0.1f);
    FrameSequence flat = FrameSequence.of(1, 7, 7, 1, v);
    double uy = 0.1f; // the float value stored
    assertEquals(1e-4 / (uy * uy + 1e-4), Metrics.ssim(zero, flat), 1e-15);
    assertEquals(1.0 / 101, Metrics.ssim(zero, flat), 1e-8);
  }

  @Test
  @DisplayName("SSIM of one 7x7 window, derived by hand: a checkerboard against its inverse")
  void ssimCheckerboardHand() {
    // x: 25 ones and 24 zeros (checkerboard starting with 1), y = 1 - x.
    // ux = 25/49, uy = 24/49; with the N/(N-1) = 49/48 correction
    // vx = vy = (49/48)(25/49 - 625/2401) = (49/48)(600/2401) = 600/2352,
    // vxy = (49/48)(0 - 600/2401) = -600/2352.
    // S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2)), C1 = 1e-4, C2 = 9e-4.
    float[] x = new float[49];
    float[] y = new float[49];
    for (int i = 0; i < 49; i++) {
      x[i] = (i / 7 + i % 7) % 2 == 0 ? 1f : 0f;
      y[i] = 1f - x[i];
    }
    double ux = 25.0 / 49;
    double uy = 24.0 / 49;
    double v = 600.0 / 2352;
    double expected = (2 * ux * uy + 1e-4) * (-2 * v + 9e-4)
        / ((ux * ux + uy * uy + 1e-4) * (2 * v + 9e-4));
    FrameSequence a = FrameSequence.of(1, 7, 7, 1, x);
    FrameSequence b = FrameSequence.of(1, 7, 7, 1, y);
    assertEquals(expected, Metrics.ssim(a, b), 1e-12);
    assertTrue(expected < -0.99, "anti-correlated images score near -1: " + expected);
  }

  @Test
  @DisplayName("SSIM matches an independent NumPy/SciPy re-implementation of scikit-image")
  void ssimAgainstScipy() {
    // Expected values from numpy 2.4.6 + scipy 1.17.1 (scikit-image is not installed here):
    // the code path of skimage.metrics.structural_similarity with its defaults re-typed, run
    // on the arrays of twoChannel() rounded to float32 and cast to float64:
    //   def ssim2d(x, y, R, win=7, K1=0.01, K2=0.03):
    //     NP = win**2; cov_norm = NP / (NP - 1); f = lambda a: uniform_filter(a, size=win)
    //     ux, uy = f(x), f(y); uxx, uyy, uxy = f(x*x), f(y*y), f(x*y)
    //     vx = cov_norm*(uxx-ux*ux); vy = cov_norm*(uyy-uy*uy); vxy = cov_norm*(uxy-ux*uy)
    //     C1, C2 = (K1*R)**2, (K2*R)**2
    //     S = (2*ux*uy+C1)*(2*vxy+C2) / ((ux**2+uy**2+C1)*(vx+vy+C2))
    //     return S[3:-3, 3:-3].mean()
    //   per frame: mean over the 2 channels of ssim2d; overall: mean over frames.
    FrameSequence p = twoChannel(true);
    FrameSequence y = twoChannel(false);
    assertArrayEquals(new double[] {0.05398268908428444, 0.00017770712170814794},
        Metrics.ssimPerFrame(p, y), 1e-12);
    assertEquals(0.027080198102996295, Metrics.ssim(p, y), 1e-12);
    assertArrayEquals(new double[] {0.06605449005935551, 0.012860624994196077},
        Metrics.ssimPerFrame(p, y, 2.0), 1e-12);
    assertEquals(0.039457557526775794, Metrics.ssim(p, y, 2.0), 1e-12);
  }

  @Test
  @DisplayName("SSIM of a 4x4 square moved by one row matches SciPy (0.6834530128213715)")
  void ssimMovedSquare() {
    // ssim2d of ssimAgainstScipy() on a = b = zeros((10, 12)); a[2:6, 3:7] = 1; b[3:7, 3:7] = 1.
    float[] a = new float[120];
    float[] b = new float[120];
    for (int r = 0; r < 10; r++) {
      for (int c = 0; c < 12; c++) {
        a[r * 12 + c] = r >= 2 && r < 6 && c >= 3 && c < 7 ? 1f : 0f;
        b[r * 12 + c] = r >= 3 && r < 7 && c >= 3 && c < 7 ? 1f : 0f;
      }
    }
    assertEquals(0.6834530128213715, Metrics.ssim(FrameSequence.of(1, 10, 12, 1, a),
        FrameSequence.of(1, 10, 12, 1, b)), 1e-12);
  }

  @Test
  @DisplayName("SSIM is symmetric")
  void ssimSymmetric() {
    FrameSequence p = twoChannel(true);
    FrameSequence y = twoChannel(false);
    assertEquals(Metrics.ssim(p, y), Metrics.ssim(y, p), 1e-14);
  }

  @Test
  @DisplayName("SSIM rejects frames smaller than the 7x7 window")
  void ssimTooSmall() {
    FrameSequence s = pattern(1, 6, 9, 1, 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(s, s));
    assertEquals("SSIM needs frames of at least 7x7, got 6x9", e.getMessage());
  }

  @Test
  @DisplayName("mismatched shapes are rejected naming both shapes")
  void shapeMismatch() {
    FrameSequence a = pattern(2, 8, 8, 1, 0);
    FrameSequence b = pattern(3, 8, 8, 1, 0);
    FrameSequence c = pattern(2, 8, 7, 1, 0);
    for (BiFunction<FrameSequence, FrameSequence, Object> m : java.util.List
        .<BiFunction<FrameSequence, FrameSequence, Object>>of(
            Metrics::mse, Metrics::mae, Metrics::bce, Metrics::mseFrameSum,
            Metrics::maeFrameSum, Metrics::psnr, Metrics::ssim, Metrics::msePerFrame,
            Metrics::ssimPerFrame)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.apply(a, b));
      assertEquals("prediction and target must have the same shape, got prediction 2x8x8x1"
          + " and target 3x8x8x1", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> m.apply(c, a));
      assertTrue(e.getMessage().contains("2x8x7x1") && e.getMessage().contains("2x8x8x1"));
    }
  }

  @Test
  @DisplayName("a non-positive data range is rejected with its value")
  void badRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.psnr(PRED, TARGET, 0));
    assertEquals("dataRange must be positive and finite, got 0.0", e.getMessage());
    FrameSequence s = pattern(1, 7, 7, 1, 0);
    assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(s, s, Double.NaN));
  }

  @Test
  @DisplayName("per-frame arrays are fresh copies")
  void perFrameCopies() {
    double[] a = Metrics.msePerFrame(PRED, TARGET);
    a[0] = 99;
    assertEquals(0.15625, Metrics.msePerFrame(PRED, TARGET)[0], 1e-15);
    assertNotSame(Metrics.ssimPerFrame(twoChannel(true), twoChannel(false)),
        Metrics.ssimPerFrame(twoChannel(true), twoChannel(false)));
  }

  @Test
  @DisplayName("per-pixel means of sequences with several frames equal the means of their frames")
  void meanOfFrames() {
    FrameSequence p = pattern(4, 8, 9, 2, 1);
    FrameSequence y = pattern(4, 8, 9, 2, 5);
    double[] per = Metrics.msePerFrame(p, y);
    double sum = 0;
    for (double v : per) {
      sum += v;
    }
    assertEquals(sum / 4, Metrics.mse(p, y), 1e-15);
    assertEquals(Metrics.mse(p, y) * 8 * 9 * 2, Metrics.mseFrameSum(p, y), 1e-12);
  }

  private static FrameSequence pattern(int t, int h, int w, int c, int phase) {
    float[] v = new float[t * h * w * c];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((i * 7 + phase) % 13) / 12f;
    }
    return FrameSequence.of(t, h, w, c, v);
  }

  /** The arrays of the SciPy check (2 frames, 10x12, 2 channels). */
  private static FrameSequence twoChannel(boolean prediction) {
    int t0 = 2;
    int h = 10;
    int w = 12;
    float[] v = new float[t0 * h * w * 2];
    for (int t = 0; t < t0; t++) {
      for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
          int k = ((t * h + r) * w + c) * 2;
          if (prediction) {
            v[k] = (float) (((r * 7 + c * 3 + t) % 11) / 10.0);
            v[k + 1] = (float) (((r * r + c + t) % 9) / 8.0);
          } else {
            v[k] = (float) (((r * 5 + c * 2 + 3 * t) % 13) / 12.0);
            v[k + 1] = (float) (((r + c * c + 2 * t) % 7) / 6.0);
          }
        }
      }
    }
    return FrameSequence.of(t0, h, w, 2, v);
  }
}

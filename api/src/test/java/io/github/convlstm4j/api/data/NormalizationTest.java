package io.github.convlstm4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizationTest {

  @Test
  void standardOfOneToFourByHand() {
    // 1, 2, 3, 4: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
    Normalization.Fitter f = Normalization.fitter(Normalization.Method.STANDARD, false);
    f.accept(new float[] {1, 2}, 0, 2);
    f.accept(new float[] {9, 3, 4}, 1, 2);
    Normalization n = f.result();
    double std = Math.sqrt(1.25);
    assertEquals(1 / std, n.scale(), 1e-15);
    assertEquals(-2.5 / std, n.offset(), 1e-15);
    assertEquals(4, f.count());
    assertEquals((float) ((4 - 2.5) / std), n.apply(4f), 1e-6f);
  }

  @Test
  void minMaxWithLog1pByHand() {
    // log1p(0) = 0, log1p(e - 1) = 1, log1p(e^3 - 1) = 3: min 0, max 3.
    Normalization.Fitter f = Normalization.fitter(Normalization.Method.MINMAX, true);
    f.accept(new float[] {0, (float) Math.expm1(1), (float) Math.expm1(3)}, 0, 3);
    Normalization n = f.result();
    assertEquals(1 / 3.0, n.scale(), 1e-7);
    assertEquals(0, n.offset(), 1e-7);
    assertEquals(1f, n.apply((float) Math.expm1(3)), 1e-6f);
    assertEquals(0f, n.apply(0f), 1e-7f);
    // invert: expm1((y - offset) / scale); y = 2/3 is log1p(x) = 2, x = e^2 - 1.
    assertEquals((float) Math.expm1(2), n.invert(2f / 3), 1e-5f);
  }

  @Test
  void streamingInBlocksEqualsATwoPassComputation() {
    // Independent two-pass mean and variance over all values at once, in double.
    Random r = new Random(11);
    float[] all = new float[10_000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) (1000 + 3 * r.nextGaussian());
    }
    double sum = 0;
    for (float v : all) {
      sum += v;
    }
    double mean = sum / all.length;
    double ss = 0;
    for (float v : all) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / all.length);
    Normalization.Fitter f = Normalization.fitter(Normalization.Method.STANDARD, false);
    for (int from = 0; from < all.length; from += 333) {
      f.accept(all, from, Math.min(333, all.length - from));
    }
    Normalization n = f.result();
    assertEquals(1 / std, n.scale(), 1e-9 / std);
    assertEquals(-mean / std, n.offset(), 1e-9 * Math.abs(mean / std));
  }

  @Test
  void applyAndInvertSequencesRoundTrip() {
    Normalization n = Normalization.affine(0.5, -1, false);
    FrameSequence s = FrameSequence.of(2, 1, 1, 1, new float[] {4, 6});
    FrameSequence a = n.apply(s);
    assertArrayEquals(new float[] {1, 2}, a.toArray());
    assertArrayEquals(new float[] {4, 6}, n.invert(a).toArray());
    assertTrue(Normalization.NONE.isIdentity());
    assertArrayEquals(new float[] {4, 6}, Normalization.NONE.apply(s).toArray());
  }

  @Test
  void propertiesRoundTripExactly() {
    Normalization n = Normalization.standard(0.1, 0.7, true);
    Properties p = n.toProperties();
    assertEquals("standard", p.getProperty("method"));
    assertEquals(n, Normalization.fromProperties(p));
    p.setProperty("scale", "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Normalization.fromProperties(p));
    assertTrue(e.getMessage().contains("scale must be a number, got x"), e.getMessage());
  }

  @Test
  void refusals() {
    Normalization.Fitter f = Normalization.fitter(Normalization.Method.MINMAX, false);
    f.accept(new float[] {2, 2}, 0, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, f::result);
    assertTrue(e.getMessage().contains("got min 2.0 and max 2.0"), e.getMessage());
    Normalization.Fitter g = Normalization.fitter(Normalization.Method.STANDARD, false);
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> g.accept(new float[] {1, Float.NaN}, 0, 2));
    assertTrue(nan.getMessage().contains("value NaN at index 1"), nan.getMessage());
    Normalization.Fitter h = Normalization.fitter(Normalization.Method.STANDARD, true);
    IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
        () -> h.accept(new float[] {-1}, 0, 1));
    assertTrue(neg.getMessage().contains("log1p needs values above -1"), neg.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Normalization.affine(0, 1, false));
    assertThrows(IllegalStateException.class,
        () -> Normalization.fitter(Normalization.Method.STANDARD, false).result());
  }
}

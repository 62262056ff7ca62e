package io.github.convlstm4j.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExactSumTest {

  @Test
  @DisplayName("the value is the exact sum rounded once (BigDecimal as the independent oracle)")
  void correctlyRounded() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        values.add((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-20, 20)));
      }
      ExactSum s = new ExactSum();
      BigDecimal exact = BigDecimal.ZERO;
      for (double v : values) {
        s.add(v);
        exact = exact.add(new BigDecimal(v));
      }
      // BigDecimal.doubleValue rounds half-even from the exact decimal value.
      assertEquals(exact.doubleValue(), s.value(), 0.0);
      Collections.shuffle(values, new Random(trial));
      ExactSum a = new ExactSum();
      ExactSum b = new ExactSum();
      for (int i = 0; i < values.size(); i++) {
        (i % 2 == 0 ? a : b).add(values.get(i));
      }
      a.add(b);
      assertEquals(s.value(), a.value(), 0.0, "any order and grouping, same bits");
    }
  }

  @Test
  @DisplayName("cancellation a naive double sum gets wrong: 1e16 + 1 - 1e16 = 1")
  void cancellation() {
    ExactSum s = new ExactSum();
    s.add(1e16);
    s.add(1);
    s.add(-1e16);
    assertEquals(1.0, s.value(), 0.0);
    assertEquals(0.0, new ExactSum().value(), 0.0);
    s.add(s);
    assertEquals(2.0, s.value(), 0.0);
    assertEquals(new BigDecimal("2").round(MathContext.DECIMAL64).doubleValue(),
        s.copy().value(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> s.add(Double.NaN));
  }
}

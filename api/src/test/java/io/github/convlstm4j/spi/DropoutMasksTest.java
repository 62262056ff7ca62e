package io.github.convlstm4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.SequenceShape;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DropoutMasksTest {

  private static final ModelSpec SPEC = ModelSpec.builder(3)
      .addLayer(ConvLstmLayerSpec.of(4).withPadding(Padding.VALID).withDropout(0.3, 0.6))
      .addLayer(ConvLstmLayerSpec.of(2).withDropout(0, 0.2)).build();
  private static final SequenceShape INPUT = new SequenceShape(5, FrameShape.of(18, 20, 3));

  /**
   * With n values per mask the dropped fraction has standard deviation sqrt(p(1-p)/n); each
   * fraction must lie within 5 of them of the rate (a false failure has odds below 1e-6).
   */
  @Test
  @DisplayName("masks have the step shapes, values 0 or 1/(1-rate), and drop about the rate")
  void statistics() {
    DropoutMasks m = DropoutMasks.of(SPEC, 4, INPUT, 42);
    assertFalse(m.isEmpty());
    int inSize = 4 * 18 * 20 * 3; // [N, H, W, C_in] of layer 0
    int recSize = 4 * 16 * 18 * 4; // [N, H', W', F]: VALID 3x3 shrinks 18x20 to 16x18
    assertNull(m.input(1, 0), "layer 1 has no input dropout");
    assertEquals(4 * 16 * 18 * 2, m.recurrent(1, 3).length);
    double[][] rates = {{0.3, 0.6}, {0, 0.2}};
    for (int layer = 0; layer < 2; layer++) {
      for (int path = 0; path < 2; path++) {
        double rate = rates[layer][path];
        if (rate == 0) {
          continue;
        }
        for (int g = 0; g < 4; g++) {
          float[] v = path == 0 ? m.input(layer, g) : m.recurrent(layer, g);
          if (layer == 0) {
            assertEquals(path == 0 ? inSize : recSize, v.length);
          }
          float keep = (float) (1 / (1 - rate));
          int dropped = 0;
          for (float x : v) {
            assertTrue(x == 0f || x == keep, "value " + x);
            dropped += x == 0f ? 1 : 0;
          }
          double sd = Math.sqrt(rate * (1 - rate) / v.length);
          double frac = (double) dropped / v.length;
          assertTrue(Math.abs(frac - rate) < 5 * sd, "layer " + layer + " path " + path
              + " gate " + g + ": dropped " + frac + ", rate " + rate);
        }
      }
    }
  }

  @Test
  @DisplayName("the same seed gives the same masks; seeds, gates, layers and paths differ")
  void seeded() {
    DropoutMasks a = DropoutMasks.of(SPEC, 2, INPUT, 7);
    DropoutMasks b = DropoutMasks.of(SPEC, 2, INPUT, 7);
    DropoutMasks c = DropoutMasks.of(SPEC, 2, INPUT, 8);
    assertArrayEquals(a.input(0, 1), b.input(0, 1));
    assertArrayEquals(a.recurrent(1, 2), b.recurrent(1, 2));
    assertFalse(Arrays.equals(a.input(0, 1), c.input(0, 1)));
    assertFalse(Arrays.equals(a.input(0, 0), a.input(0, 1)));
    assertFalse(Arrays.equals(a.recurrent(0, 0), a.recurrent(1, 0)));
    assertTrue(DropoutMasks.batchSeed(1, 0, 1) != DropoutMasks.batchSeed(1, 1, 0));
    float[] copy = a.input(0, 0);
    copy[0] = 99;
    assertArrayEquals(b.input(0, 0), a.input(0, 0), "accessors copy");
  }

  @Test
  @DisplayName("a model without dropout has no masks")
  void none() {
    ModelSpec plain = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    DropoutMasks m = DropoutMasks.of(plain, 3, new SequenceShape(2, FrameShape.of(4, 4, 1)), 1);
    assertSame(DropoutMasks.none(), m);
    assertTrue(m.isEmpty());
    assertNull(m.input(0, 0));
  }

  @Test
  @DisplayName("an encoder-forecaster: the encoder's masks as the stacked model's, then the "
      + "forecasting layers' with mirrored rates (P_1 without input masks)")
  void encoderForecaster() {
    ModelSpec stacked = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withDropout(0.5, 0.25))
        .addLayer(ConvLstmLayerSpec.of(3).withDropout(0.4, 0)).build();
    ModelSpec ef = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withDropout(0.5, 0.25))
        .addLayer(ConvLstmLayerSpec.of(3).withDropout(0.4, 0))
        .encoderForecaster(2, Activation.SIGMOID).build();
    SequenceShape in = new SequenceShape(3, FrameShape.of(4, 5, 1));
    DropoutMasks s = DropoutMasks.of(stacked, 2, in, 11);
    DropoutMasks m = DropoutMasks.of(ef, 2, in, 11);
    for (int g = 0; g < 4; g++) {
      assertArrayEquals(s.input(0, g), m.input(0, g));
      assertArrayEquals(s.recurrent(0, g), m.recurrent(0, g));
      assertArrayEquals(s.input(1, g), m.input(1, g));
      assertNull(m.recurrent(1, g));
      assertNull(m.input(2, g), "P_1 reads no input");
      assertEquals(2 * 4 * 5 * 2, m.recurrent(2, g).length, "P_1's state [N, H, W, 2]");
      assertEquals(2 * 4 * 5 * 2, m.input(3, g).length, "P_2 reads P_1's state");
      assertNull(m.recurrent(3, g), "E_2 has no recurrent dropout, so P_2 neither");
      for (float x : m.recurrent(2, g)) {
        assertTrue(x == 0f || x == (float) (1 / 0.75), "value " + x);
      }
      for (float x : m.input(3, g)) {
        assertTrue(x == 0f || x == (float) (1 / 0.6), "value " + x);
      }
    }
    assertFalse(Arrays.equals(m.recurrent(0, 0), m.recurrent(2, 0)),
        "the forecaster's masks are drawn apart from the encoder's");
  }
}

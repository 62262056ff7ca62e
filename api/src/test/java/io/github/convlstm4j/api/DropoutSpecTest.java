package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The dropout fields of {@link ConvLstmLayerSpec}: validation, copies, properties. */
class DropoutSpecTest {

  @Test
  @DisplayName("rates default to 0, survive every with-copy and must lie in [0, 1)")
  void fields() {
    ConvLstmLayerSpec plain = ConvLstmLayerSpec.of(4);
    assertEquals(0, plain.dropout());
    assertEquals(0, plain.recurrentDropout());
    assertFalse(plain.hasDropout());
    ConvLstmLayerSpec d = plain.withDropout(0.25, 0.5);
    assertTrue(d.hasDropout());
    ConvLstmLayerSpec copy = d.withKernel(2, 2).withPadding(Padding.VALID)
        .withActivation(Activation.RELU).withRecurrentActivation(Activation.HARD_SIGMOID)
        .withBias(true, false).withReturnSequences(false);
    assertEquals(0.25, copy.dropout());
    assertEquals(0.5, copy.recurrentDropout());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> plain.withDropout(1.0, 0));
    assertEquals("dropout must be in [0, 1), got 1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plain.withDropout(0, -0.1));
    assertEquals("recurrentDropout must be in [0, 1), got -0.1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> plain.withDropout(Double.NaN, 0));
  }

  @Test
  @DisplayName("properties round-trip; specs written without the keys read as no dropout")
  void properties() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2).withDropout(0.2, 0.1))
        .addLayer(ConvLstmLayerSpec.of(3)).seed(5).build();
    Properties p = spec.toProperties();
    assertEquals("0.2", p.getProperty("layer.0.dropout"));
    assertEquals(null, p.getProperty("layer.1.dropout"), "no keys without dropout");
    assertEquals(spec, ModelSpec.fromProperties(p));
    p.remove("layer.0.dropout");
    p.remove("layer.0.recurrentDropout");
    assertEquals(ConvLstmLayerSpec.of(2), ModelSpec.fromProperties(p).layers().get(0));
  }
}

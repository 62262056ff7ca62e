package io.github.convlstm4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineTensorTest {

  @Test
  void deferredConvertsOnceOnFirstRead() {
    AtomicInteger calls = new AtomicInteger();
    Object payload = new Object();
    EngineTensor t = EngineTensor.deferred(new int[] {1, 2}, payload, () -> {
      calls.incrementAndGet();
      return Tensor.of(new int[] {1, 2}, new float[] {3f, 4f});
    });
    assertEquals(List.of(1, 2), t.shapeList(), "shape known without converting");
    assertEquals(0, calls.get(), "no conversion for the shape");
    assertSame(payload, t.payload());
    assertEquals(4f, t.tensor().get(1));
    assertSame(t.tensor(), t.tensor());
    assertEquals(1, calls.get(), "converted exactly once");
  }

  @Test
  void knownValuesHaveNoPayloadAndEqualByValue() {
    Tensor v = Tensor.of(new int[] {2}, new float[] {1f, 2f});
    EngineTensor a = EngineTensor.of(v);
    assertNull(a.payload());
    EngineTensor b = EngineTensor.deferred(new int[] {2}, "x",
        () -> Tensor.of(new int[] {2}, new float[] {1f, 2f}));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void aConversionOfTheWrongShapeIsAnError() {
    EngineTensor t = EngineTensor.deferred(new int[] {1, 3}, "x",
        () -> Tensor.of(new int[] {3}, new float[3]));
    IllegalStateException e = assertThrows(IllegalStateException.class, t::tensor);
    assertTrue(e.getMessage().contains("[1, 3]") && e.getMessage().contains("[3]"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> EngineTensor.deferred(new int[] {0, 3}, "x", () -> null));
  }

  @Test
  void layerStatesCheckShapesWithoutConverting() {
    EngineTensor h = EngineTensor.deferred(new int[] {1, 2, 2, 3}, "h", () -> {
      throw new AssertionError("converted");
    });
    EngineTensor c = EngineTensor.deferred(new int[] {1, 2, 2, 4}, "c", () -> {
      throw new AssertionError("converted");
    });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LayerState(h, c));
    assertTrue(e.getMessage().contains("[1, 2, 2, 3]") && e.getMessage().contains("[1, 2, 2, 4]"),
        e.getMessage());
    assertEquals(List.of(1, 2, 2, 3), new LayerState(h, h).shapeList());
  }
}

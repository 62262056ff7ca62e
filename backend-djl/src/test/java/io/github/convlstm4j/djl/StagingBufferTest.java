package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reusable input buffer: values arrive, sizes grow, and the documented aliasing holds. */
class StagingBufferTest {

  @BeforeAll
  static void loadEngines() {
    TestModels.pytorch(ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1)).build()).close();
  }

  @Test
  @DisplayName("wrap delivers the values in the shape, and grows for a larger batch")
  void valuesAndGrowth() {
    StagingBuffer stage = new StagingBuffer();
    for (String engine : new String[] {"PyTorch", "MXNet"}) {
      try (NDManager m = NDManager.newBaseManager(engine)) {
        NDArray a = stage.wrap(m, new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
        assertEquals(new Shape(2, 3), a.getShape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray(), engine);
        NDArray small = stage.wrap(m, new float[] {7, 8}, new Shape(2));
        assertArrayEquals(new float[] {7, 8}, small.toFloatArray(), engine);
        float[] big = new float[1000];
        for (int i = 0; i < big.length; i++) {
          big[i] = i * 0.5f;
        }
        assertArrayEquals(big, stage.wrap(m, big, new Shape(10, 100)).toFloatArray(), engine);
      }
    }
  }

  @Test
  @DisplayName("on PyTorch an array is valid only until the next wrap (it shares the buffer)")
  void pytorchSharesTheBuffer() {
    StagingBuffer stage = new StagingBuffer();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray first = stage.wrap(m, new float[] {1, 2}, new Shape(2));
      stage.wrap(m, new float[] {9, 9}, new Shape(2));
      assertArrayEquals(new float[] {9, 9}, first.toFloatArray(),
          "the contract in StagingBuffer's Javadoc: the first array now reads the second data");
    }
  }

  @Test
  @DisplayName("a shape that does not hold the values is refused naming both")
  void wrongShape() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new StagingBuffer().wrap(m, new float[5], new Shape(2, 3)));
      assertEquals("shape (2, 3) must hold 5 values, holds 6", e.getMessage());
    }
  }
}

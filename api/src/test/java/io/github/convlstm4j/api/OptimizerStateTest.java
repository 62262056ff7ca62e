package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OptimizerStateTest {

  /** Weights: conv_lstm2d_0/kernel [3,3,1,4], recurrent [3,3,1,4], bias [4]; BN [1] x 4. */
  private static final ModelSpec SPEC = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1))
      .addLayer(BatchNormSpec.keras()).build();

  @Test
  @DisplayName("slot names are <optimizer>/<slot>/<weight>, and weightOf inverts them")
  void names() {
    assertEquals("adam/m/conv_lstm2d_0/kernel",
        OptimizerState.slotName(OptimizerType.ADAM, "m", "conv_lstm2d_0/kernel"));
    assertEquals("conv_lstm2d_0/kernel", OptimizerState.weightOf("adam/m/conv_lstm2d_0/kernel"));
    assertEquals(List.of("accum_grad", "accum_var"),
        OptimizerState.slotNames(OptimizerType.ADADELTA));
  }

  @Test
  @DisplayName("a state made of every Adam slot of the trainable weights fits")
  void fullStateFits() {
    ModelWeights.Builder b = ModelWeights.builder();
    SPEC.trainableWeightShapes().forEach((w, shape) -> {
      for (String slot : OptimizerState.slotNames(OptimizerType.ADAM)) {
        b.put(OptimizerState.slotName(OptimizerType.ADAM, slot, w), Tensor.of(shape,
            new float[shape.stream().mapToInt(Integer::intValue).reduce(1, (x, y) -> x * y)]));
      }
    });
    b.put(OptimizerState.ITERATIONS, Tensor.of(new int[0], new float[] {3}));
    assertEquals(List.of(), OptimizerState.problems(b.build(), SPEC));
    assertEquals(List.of(), OptimizerState.problems(ModelWeights.empty(), SPEC));
    // Trainable: kernel, recurrent kernel, bias, gamma, beta; not the moving statistics.
    assertEquals(5, SPEC.trainableWeightShapes().size());
  }

  @Test
  @DisplayName("every kind of misfit is named, all at once")
  void problemsAreNamed() {
    ModelWeights bad = ModelWeights.builder()
        .put("adam/q/conv_lstm2d_0/kernel", Tensor.zeros(3, 3, 1, 4))
        .put("nadam/m/conv_lstm2d_0/kernel", Tensor.zeros(3, 3, 1, 4))
        .put("adam/m/conv_lstm2d_0/kernel", Tensor.zeros(3, 3, 1, 5))
        .put("adam/m/batch_normalization_0/moving_mean", Tensor.zeros(1))
        .put("adam/v/conv_lstm2d_0/bias", Tensor.of(new int[] {4},
            new float[] {0, Float.POSITIVE_INFINITY, 0, 0}))
        .put(OptimizerState.ITERATIONS, Tensor.of(new int[0], new float[] {-1}))
        .build();
    List<String> p = OptimizerState.problems(bad, SPEC);
    assertEquals(6, p.size(), p.toString());
    assertTrue(p.get(0).contains("unknown slot 'q'"), p.get(0));
    assertTrue(p.get(1).contains("unknown optimizer 'nadam'"), p.get(1));
    assertTrue(p.get(2).contains("expected [3, 3, 1, 4], got [3, 3, 1, 5]"), p.get(2));
    assertTrue(p.get(3).contains("no trainable weight 'batch_normalization_0/moving_mean'"),
        p.get(3));
    assertTrue(p.get(4).contains("Infinity at flat index 1"), p.get(4));
    assertTrue(p.get(5).contains("non-negative whole number, got [] -1.0"), p.get(5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerState.requireFits(bad, SPEC));
    assertTrue(e.getMessage().startsWith("optimizer state does not fit the model (6 problems)"),
        e.getMessage());
  }
}

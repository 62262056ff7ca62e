package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.ModelSpec;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InitializersTest {

  private static Parameters init(ModelSpec spec) {
    Parameters p = new Parameters(spec);
    p.load(KerasInitializers.initialWeights(spec));
    return p;
  }

  @Test
  @DisplayName("glorot-uniform kernels stay within sqrt(6/(fan_in+fan_out)) and reach near it")
  void glorotBound() {
    ModelSpec spec = TestSupport.smallBatchNormModel(); // 16 filters, 3x3, head 3x3x3
    Parameters p = init(spec);
    checkBound(p.get(ModelSpec.kernelName(0)).value, Math.sqrt(6.0 / (9 * 1 + 9 * 64)));
    checkBound(p.get(ModelSpec.kernelName(1)).value, Math.sqrt(6.0 / (9 * 16 + 9 * 64)));
    checkBound(p.get(ModelSpec.HEAD_KERNEL).value, Math.sqrt(6.0 / (27 * 16 + 27 * 1)));
  }

  private static void checkBound(float[] v, double limit) {
    double max = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    assertTrue(max <= limit, "max " + max + " > limit " + limit);
    assertTrue(max > 0.9 * limit, "max " + max + " far below limit " + limit);
  }

  @Test
  @DisplayName("recurrent kernels are orthogonal: QᵀQ = I on the (kh·kw·F) × 4F matrix")
  void orthogonal() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(5))
        .addLayer(ConvLstmLayerSpec.of(3).withKernel(1, 1)).seed(3).build();
    Parameters p = init(spec);
    // 3x3, F=5: 45 x 20, columns orthonormal.
    float[] q = p.get(ModelSpec.recurrentKernelName(0)).value;
    checkOrthonormal(q, 45, 20, false);
    // 1x1, F=3: 3 x 12 (rows < cols): Keras transposes, so the rows are orthonormal.
    float[] q2 = p.get(ModelSpec.recurrentKernelName(1)).value;
    checkOrthonormal(q2, 3, 12, true);
  }

  private static void checkOrthonormal(float[] q, int rows, int cols, boolean byRows) {
    int n = byRows ? rows : cols;
    int len = byRows ? cols : rows;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double dot = 0;
        for (int k = 0; k < len; k++) {
          double x = byRows ? q[a * cols + k] : q[k * cols + a];
          double y = byRows ? q[b * cols + k] : q[k * cols + b];
          dot += x * y;
        }
        assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "entry (" + a + "," + b + ")");
      }
    }
  }

  @Test
  @DisplayName("bias is zero except the forget slice [F, 2F), which is exactly 1.0")
  void forgetBias() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4)
        ).addLayer(BatchNormSpec.keras()).build();
    Parameters p = init(spec);
    float[] b = p.get(ModelSpec.biasName(0)).value;
    for (int i = 0; i < 16; i++) {
      assertEquals(i >= 4 && i < 8 ? 1.0f : 0.0f, b[i], "bias[" + i + "]");
    }
    ModelSpec noUnit = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4)
        .withBias(true, false)).build();
    assertArrayEquals(new float[16], init(noUnit).get(ModelSpec.biasName(0)).value);
    assertArrayEquals(new float[] {1, 1, 1, 1},
        p.get(ModelSpec.batchNormName(0, "gamma")).value);
    assertArrayEquals(new float[] {1, 1, 1, 1},
        p.get(ModelSpec.batchNormName(0, "moving_variance")).value);
    assertArrayEquals(new float[4], p.get(ModelSpec.batchNormName(0, "moving_mean")).value);
    assertArrayEquals(new float[4], p.get(ModelSpec.batchNormName(0, "beta")).value);
  }

  @Test
  @DisplayName("the same seed gives the same weights, another seed other weights")
  void seeded() {
    ModelSpec spec = TestSupport.smallBatchNormModel();
    assertEquals(init(spec).snapshot(), init(spec).snapshot());
    Parameters other = init(spec.withSeed(1));
    assertFalse(Arrays.equals(init(spec).get(ModelSpec.kernelName(0)).value,
        other.get(ModelSpec.kernelName(0)).value));
    assertFalse(Arrays.equals(init(spec).get(ModelSpec.recurrentKernelName(1)).value,
        other.get(ModelSpec.recurrentKernelName(1)).value));
  }
}

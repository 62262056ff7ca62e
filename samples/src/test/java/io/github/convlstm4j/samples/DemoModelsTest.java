package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DemoModelsTest {

  @Test
  @DisplayName("the CPU preset is 2 x [ConvLSTM(16) + BN] with a causal sigmoid head")
  void cpuPreset() {
    ModelSpec spec = DemoModels.cpu();
    assertEquals(2, spec.convLstmLayers().size());
    assertEquals(16, spec.convLstmLayers().get(0).filters());
    assertEquals(Activation.SIGMOID, spec.convLstmLayers().get(1).recurrentActivation());
    assertEquals(BatchNormSpec.keras(), spec.batchNormAfter(1).orElseThrow());
    assertEquals(TimePadding.CAUSAL, spec.head().orElseThrow().timePadding());
    // By hand: (3*3*1*64 + 3*3*16*64 + 64) + (3*3*16*64 + 3*3*16*64 + 64) + 2*4*16 BN
    // + head 3*3*3*16 + 1 = 9,856 + 18,496 + 128 + 433.
    assertEquals(28_913, spec.parameterCount());
  }
}

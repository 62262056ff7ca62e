package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The paper's cells in the spec: peepholes and state-to-state kernels of their own size. */
class PaperCellsTest {

  @Test
  @DisplayName("the old constructor and of() give no peepholes and a recurrent kernel of the input kernel's size")
  void defaultsKeepTheOldLayer() {
    ConvLstmLayerSpec old = new ConvLstmLayerSpec(4, 5, 3, Padding.SAME, Activation.TANH,
        Activation.SIGMOID, true, true, true);
    assertFalse(old.peephole());
    assertEquals(5, old.recurrentKernelHeight());
    assertEquals(3, old.recurrentKernelWidth());
    assertEquals(ConvLstmLayerSpec.of(4).withKernel(5, 3), old);
    // withKernel moves a recurrent kernel of the same size along, keeps an own one.
    assertEquals(7, old.withKernel(7, 7).recurrentKernelHeight());
    assertEquals(1, old.withRecurrentKernel(1, 1).withKernel(7, 7).recurrentKernelHeight());
    assertEquals(Set.of(), ConvLstmLayerSpec.of(2).requiredCapabilities());
  }

  @Test
  @DisplayName("weights: recurrent kernel [rkh, rkw, F, 4F], then peephole_i, _f, _o [F] after the bias")
  void weightShapes() {
    ModelSpec spec = ModelSpec.builder(3).addLayer(ConvLstmLayerSpec.of(4).withKernel(5, 5)
        .withRecurrentKernel(1, 2).withPeephole(true)).build();
    assertEquals(List.of("conv_lstm2d_0/kernel", "conv_lstm2d_0/recurrent_kernel",
        "conv_lstm2d_0/bias", "conv_lstm2d_0/peephole_i", "conv_lstm2d_0/peephole_f",
        "conv_lstm2d_0/peephole_o"), new ArrayList<>(spec.weightShapes().keySet()));
    assertEquals(List.of(1, 2, 4, 16), spec.weightShapes().get("conv_lstm2d_0/recurrent_kernel"));
    assertEquals(List.of(4), spec.weightShapes().get("conv_lstm2d_0/peephole_o"));
    // 5*5*3*16 + 1*2*4*16 + 16 + 3*4 = 1200 + 128 + 16 + 12
    assertEquals(1356, spec.parameterCount());
    assertEquals("conv_lstm2d_2/peephole_f", ModelSpec.peepholeName(2, "f"));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.peepholeName(0, "c"));
    // Initialized to zeros: the layer starts as a plain ConvLSTM.
    ModelWeights w = KerasInitializers.initialWeights(spec);
    for (String g : ConvLstmLayerSpec.PEEPHOLE_GATES) {
      for (float v : w.get(ModelSpec.peepholeName(0, g)).toArray()) {
        assertEquals(0f, v);
      }
    }
  }

  @Test
  @DisplayName("capabilities: PEEPHOLES, RECURRENT_KERNEL_SIZE, and EVEN_KERNELS for an even recurrent kernel")
  void capabilities() {
    assertEquals(Set.of(Capability.PEEPHOLES),
        ConvLstmLayerSpec.of(2).withPeephole(true).requiredCapabilities());
    assertEquals(Set.of(Capability.RECURRENT_KERNEL_SIZE),
        ConvLstmLayerSpec.of(2).withRecurrentKernel(1, 1).requiredCapabilities());
    assertEquals(Set.of(Capability.RECURRENT_KERNEL_SIZE, Capability.EVEN_KERNELS),
        ConvLstmLayerSpec.of(2).withRecurrentKernel(2, 3).requiredCapabilities());
  }

  @Test
  @DisplayName("spec properties: the new fields round-trip; specs without them write no new keys")
  void properties() {
    ModelSpec paper = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(3).withKernel(5, 5)
        .withRecurrentKernel(1, 1).withPeephole(true)).addLayer(ConvLstmLayerSpec.of(2)).build();
    Properties p = paper.toProperties();
    assertEquals(paper, ModelSpec.fromProperties(p));
    assertEquals("true", p.getProperty("layer.0.peephole"));
    assertEquals("1", p.getProperty("layer.0.recurrentKernelWidth"));
    for (String k : p.stringPropertyNames()) {
      assertFalse(k.startsWith("layer.1.") && (k.contains("peephole") || k.contains("recurrent"
          + "Kernel")), "a plain layer writes only the old keys, got " + k);
    }
    assertThrows(IllegalArgumentException.class,
        () -> ConvLstmLayerSpec.of(2).withRecurrentKernel(0, 1));
  }

  /** Weights of a ConvLSTM layer with {@code cin} input channels (0: no input convolution). */
  private static long layer(ConvLstmLayerSpec l, int cin) {
    long n = 0;
    for (Map.Entry<String, List<Integer>> e : l.weightShapes("x", cin).entrySet()) {
      n += e.getValue().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    }
    return n;
  }

  /**
   * The paper's Table 1 model: encoder layers {@code filters} over 16 input channels (the
   * 64×64 frames in 4×4 patches), forecaster layers of the same filters whose first layer has
   * no input-to-state convolution, a 1×1 convolution with bias from all forecaster states to
   * 16 channels. Every layer with peepholes and bias.
   */
  private static long table1(int inputKernel, int stateKernel, int... filters) {
    long n = 0;
    int cin = 16;
    for (int f : filters) { // encoder
      n += layer(ConvLstmLayerSpec.of(f).withKernel(inputKernel, inputKernel)
          .withRecurrentKernel(stateKernel, stateKernel).withPeephole(true), cin);
      cin = f;
    }
    cin = 0; // forecaster: the first layer reads no input
    int concat = 0;
    for (int f : filters) {
      n += layer(ConvLstmLayerSpec.of(f).withKernel(inputKernel, inputKernel)
          .withRecurrentKernel(stateKernel, stateKernel).withPeephole(true), cin);
      cin = f;
      concat += f;
    }
    return n + (long) concat * 16 + 16;
  }

  @Test
  @DisplayName("[F] peepholes reproduce the parameter counts of Shi et al. 2015, Table 1")
  void table1Counts() {
    // Hand counts (kernel k_x·k_x·C_in·4F + state kernel k_h·k_h·F·4F + bias 4F + peepholes 3F):
    // (5x5)-5x5-256: enc 409,600 + 6,553,600 + 1,024 + 768; fore 6,553,600 + 1,024 + 768;
    // out 256·16 + 16 = 4,112 -> 13,524,496.
    assertEquals(13_524_496L, table1(5, 5, 256));
    // (5x5)-5x5-128-5x5-128: enc 204,800 + 1,638,400 + 896 = 1,844,096 and
    // 1,638,400·2 + 896 = 3,277,696; fore 1,638,400 + 896 = 1,639,296 and 3,277,696;
    // out 4,112 -> 10,042,896.
    assertEquals(10_042_896L, table1(5, 5, 128, 128));
    // (5x5)-5x5-128-5x5-64-5x5-64: enc 1,844,096, 819,200 + 409,600 + 448 = 1,229,248,
    // 409,600·2 + 448 = 819,648; fore 1,639,296, 1,229,248, 819,648; out 256·16 + 16
    // -> 7,585,296.
    assertEquals(7_585_296L, table1(5, 5, 128, 64, 64));
    // (9x9)-1x1-128-1x1-128: enc 663,552 + 65,536 + 896 = 729,984 and
    // 5,308,416 + 65,536 + 896 = 5,374,848; fore 65,536 + 896 = 66,432 and 5,374,848;
    // out 4,112 -> 11,550,224.
    assertEquals(11_550_224L, table1(9, 1, 128, 128));
    // (9x9)-1x1-128-1x1-64-1x1-64: enc 729,984, 2,654,208 + 16,384 + 448 = 2,671,040,
    // 1,327,104 + 16,384 + 448 = 1,343,936; fore 66,432, 2,671,040, 1,343,936; out 4,112
    // -> 8,830,480.
    assertEquals(8_830_480L, table1(9, 1, 128, 64, 64));
  }

  @Test
  @DisplayName("OpenSTL ConvLSTM-S as a stacked spec: 11,677,712 weights (OpenSTL states 15.0M)")
  void openStlConvLstmS() {
    // 4 layers x 128 filters, 5x5, over 64x64x1 frames in 4x4 patches (16x16x16), a 1x1 output
    // convolution to 16 channels. Ours (with the Keras bias 4F per layer and a head bias):
    // 16·25·512 + 128·25·512 + 512 = 1,843,712; 3 × (2·128·25·512 + 512) = 9,831,936;
    // head 128·16 + 16 = 2,064 -> 11,677,712. OpenSTL's 15.0M (15,083,520) counts, per cell,
    // a conv_o (2F->F, 5x5: 819,200) and a conv_last (2F->F, 1x1: 32,768) that its
    // ConvLSTMCell constructs but never calls, has no biases, and a head without bias
    // (2,048): 11,675,648 used + 4 × 851,968 unused = 15,083,520.
    ModelSpec.Builder b = ModelSpec.builder(16);
    for (int i = 0; i < 4; i++) {
      b.addLayer(ConvLstmLayerSpec.of(128).withKernel(5, 5));
    }
    b.addLayer(new Conv3dHeadSpec(16, 1, 1, 1, Activation.LINEAR, TimePadding.SAME));
    assertEquals(11_677_712L, b.build().parameterCount());
  }
}

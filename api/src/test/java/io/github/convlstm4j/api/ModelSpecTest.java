package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

  @Test
  @DisplayName("the seed model has 407,001 parameters as the design counts them")
  void seedParameterCount() {
    ModelSpec spec = ModelSpec.kerasMovingSquares();
    // Design: 59,200 + 3 x 115,360 + 4 x 160 (batch norm) + 1,081 (head).
    // Layer 0: 3*3*1*160 + 3*3*40*160 + 160 = 1,440 + 57,600 + 160 = 59,200.
    // Layers 1-3: 3*3*40*160 + 3*3*40*160 + 160 = 115,360. Head: 3*3*3*40*1 + 1 = 1,081.
    assertEquals(59_200 + 3 * 115_360 + 4 * 160 + 1_081, spec.parameterCount());
    assertEquals(407_001, spec.parameterCount());
  }

  @Test
  @DisplayName("the seed model is 4 x ConvLSTM(40, 3x3, hard sigmoid) + BN and a sigmoid Conv3D")
  void seedArchitecture() {
    ModelSpec spec = ModelSpec.kerasMovingSquares();
    assertEquals(1, spec.inputChannels());
    assertEquals(4, spec.layers().size());
    for (ConvLstmLayerSpec l : spec.layers()) {
      assertEquals(40, l.filters());
      assertEquals(3, l.kernelHeight());
      assertEquals(3, l.kernelWidth());
      assertEquals(Padding.SAME, l.padding());
      assertEquals(Activation.TANH, l.activation());
      assertEquals(Activation.HARD_SIGMOID, l.recurrentActivation());
      assertTrue(l.useBias() && l.unitForgetBias() && l.returnSequences()
          && l.batchNormalization());
    }
    Conv3dHeadSpec head = spec.head().orElseThrow();
    assertEquals(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME), head);
    assertEquals(0.99, spec.batchNormMomentum());
    assertEquals(1e-3, spec.batchNormEpsilon());
    assertEquals(0L, spec.seed());
    assertTrue(spec.returnsSequences());
    assertEquals(1, spec.outputChannels());
    assertEquals(new FrameShape(40, 40, 1), spec.outputFrameShape(new FrameShape(40, 40, 1)));
    assertEquals(15, spec.outputFrames(15));
  }

  @Test
  @DisplayName("weightShapes lists Keras names in get_weights() order with Keras layouts")
  void weightShapes() {
    Map<String, List<Integer>> w = ModelSpec.kerasMovingSquares().weightShapes();
    List<String> expectedNames = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      expectedNames.add("conv_lstm2d_" + i + "/kernel");
      expectedNames.add("conv_lstm2d_" + i + "/recurrent_kernel");
      expectedNames.add("conv_lstm2d_" + i + "/bias");
      expectedNames.add("batch_normalization_" + i + "/gamma");
      expectedNames.add("batch_normalization_" + i + "/beta");
      expectedNames.add("batch_normalization_" + i + "/moving_mean");
      expectedNames.add("batch_normalization_" + i + "/moving_variance");
    }
    expectedNames.add("conv3d/kernel");
    expectedNames.add("conv3d/bias");
    assertEquals(expectedNames, new ArrayList<>(w.keySet()));
    assertEquals(List.of(3, 3, 1, 160), w.get("conv_lstm2d_0/kernel"));
    assertEquals(List.of(3, 3, 40, 160), w.get("conv_lstm2d_1/kernel"));
    assertEquals(List.of(3, 3, 40, 160), w.get("conv_lstm2d_0/recurrent_kernel"));
    assertEquals(List.of(160), w.get("conv_lstm2d_3/bias"));
    assertEquals(List.of(40), w.get("batch_normalization_2/moving_variance"));
    assertEquals(List.of(3, 3, 3, 40, 1), w.get(ModelSpec.HEAD_KERNEL));
    assertEquals(List.of(1), w.get(ModelSpec.HEAD_BIAS));
    assertThrows(UnsupportedOperationException.class, () -> w.remove("conv3d/bias"));
  }

  @Test
  @DisplayName("name helpers give the Keras names and reject unknown batch-norm parts")
  void nameHelpers() {
    assertEquals("conv_lstm2d_2/kernel", ModelSpec.kernelName(2));
    assertEquals("conv_lstm2d_0/recurrent_kernel", ModelSpec.recurrentKernelName(0));
    assertEquals("conv_lstm2d_1/bias", ModelSpec.biasName(1));
    assertEquals("batch_normalization_3/beta", ModelSpec.batchNormName(3, "beta"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.batchNormName(0, "mean"));
    assertEquals("part must be one of [gamma, beta, moving_mean, moving_variance], got mean",
        e.getMessage());
  }

  @Test
  @DisplayName("without bias, batch norm or head those weights are absent")
  void optionalWeights() {
    ModelSpec spec = ModelSpec.builder(2)
        .addLayer(ConvLstmLayerSpec.of(4).withBias(false, false).withKernel(2, 5))
        .build();
    assertEquals(Map.of("conv_lstm2d_0/kernel", List.of(2, 5, 2, 16),
        "conv_lstm2d_0/recurrent_kernel", List.of(2, 5, 4, 16)), spec.weightShapes());
    assertEquals(2 * 5 * 2 * 16 + 2 * 5 * 4 * 16, spec.parameterCount());
    assertEquals(4, spec.outputChannels());
    assertTrue(spec.head().isEmpty());
  }

  @Test
  @DisplayName("the CPU preset is 2 x ConvLSTM(16) + BN with a causal sigmoid head")
  void cpuPreset() {
    ModelSpec spec = ModelSpec.cpuMovingSquares();
    assertEquals(2, spec.layers().size());
    assertEquals(16, spec.layers().get(0).filters());
    assertEquals(Activation.SIGMOID, spec.layers().get(1).recurrentActivation());
    assertEquals(TimePadding.CAUSAL, spec.head().orElseThrow().timePadding());
    // 2 layers: (3*3*1*64 + 3*3*16*64 + 64) + (3*3*16*64 + 3*3*16*64 + 64) + 2*4*16 BN
    // + head 3*3*3*16 + 1.
    long expected = (576 + 9216 + 64) + (9216 + 9216 + 64) + 128 + (432 + 1);
    assertEquals(expected, spec.parameterCount());
  }

  @Test
  @DisplayName("VALID layers shrink the output frame by kernel - 1 each")
  void validOutputShape() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(8).withPadding(Padding.VALID))
        .addLayer(ConvLstmLayerSpec.of(6).withPadding(Padding.VALID).withKernel(4, 2)
            .withReturnSequences(false))
        .build();
    assertEquals(new FrameShape(40 - 2 - 3, 40 - 2 - 1, 6),
        spec.outputFrameShape(new FrameShape(40, 40, 1)));
    assertEquals(1, spec.outputFrames(15));
    assertFalse(spec.returnsSequences());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spec.outputFrameShape(new FrameShape(5, 5, 1)));
    assertTrue(e.getMessage().startsWith("layer 1 (VALID, kernel 4x2) needs frames of at least"
        + " 4x2 there, got 3x3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> spec.outputFrameShape(new FrameShape(40, 40, 3)));
    assertEquals("input channels must be 1, got 3", e.getMessage());
  }

  @Test
  @DisplayName("builder validation names the field and the value")
  void builderValidation() {
    assertMessage("inputChannels must be positive, got 0", () -> ModelSpec.builder(0));
    assertMessage("layers must not be empty, got 0 layers", () -> ModelSpec.builder(1).build());
    assertMessage("layer 0 feeds layer 1 so returnSequences must be true, got false",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2).withReturnSequences(false))
            .addLayer(ConvLstmLayerSpec.of(2)).build());
    assertMessage("batchNormMomentum must be in [0, 1), got 1.0",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).batchNormMomentum(1.0)
            .build());
    assertMessage("batchNormEpsilon must be positive, got 0.0",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).batchNormEpsilon(0)
            .build());
    assertMessage("filters must be positive, got 0", () -> ConvLstmLayerSpec.of(0));
    assertMessage("kernelWidth must be positive, got -1",
        () -> ConvLstmLayerSpec.of(3).withKernel(3, -1));
    assertMessage("activation must be TANH, RELU or LINEAR, got SIGMOID",
        () -> ConvLstmLayerSpec.of(3).withActivation(Activation.SIGMOID));
    assertMessage("recurrentActivation must be SIGMOID or HARD_SIGMOID, got TANH",
        () -> ConvLstmLayerSpec.of(3).withRecurrentActivation(Activation.TANH));
    assertMessage("unitForgetBias needs useBias=true, got useBias=false",
        () -> ConvLstmLayerSpec.of(3).withBias(false, true));
    assertMessage("head kernelTime must be positive, got 0",
        () -> new Conv3dHeadSpec(1, 0, 3, 3, Activation.SIGMOID, TimePadding.SAME));
    assertMessage("head filters must be positive, got -2",
        () -> new Conv3dHeadSpec(-2, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME));
  }

  @Test
  @DisplayName("toProperties and fromProperties round-trip every field")
  void propertiesRoundTrip() {
    ModelSpec spec = ModelSpec.builder(3)
        .addLayer(ConvLstmLayerSpec.of(5).withKernel(2, 4).withPadding(Padding.VALID)
            .withActivation(Activation.RELU).withBatchNormalization(true))
        .addLayer(ConvLstmLayerSpec.of(7).withRecurrentActivation(Activation.HARD_SIGMOID)
            .withBias(true, false).withReturnSequences(false))
        .head(new Conv3dHeadSpec(2, 2, 3, 5, Activation.LINEAR, TimePadding.CAUSAL))
        .batchNormMomentum(0.9).batchNormEpsilon(1.2345678901234567e-5).seed(-42)
        .build();
    assertEquals(spec, ModelSpec.fromProperties(spec.toProperties()));
    assertEquals(spec.hashCode(), ModelSpec.fromProperties(spec.toProperties()).hashCode());
    ModelSpec seed = ModelSpec.kerasMovingSquares();
    assertEquals(seed, ModelSpec.fromProperties(seed.toProperties()));
    ModelSpec noHead = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1)).build();
    assertEquals(noHead, ModelSpec.fromProperties(noHead.toProperties()));
  }

  @Test
  @DisplayName("fromProperties names a missing or malformed key")
  void badProperties() {
    Properties p = ModelSpec.kerasMovingSquares().toProperties();
    p.remove("layer.2.filters");
    assertMessage("spec property 'layer.2.filters' is missing",
        () -> ModelSpec.fromProperties(p));
    Properties q = ModelSpec.kerasMovingSquares().toProperties();
    q.setProperty("layer.0.padding", "FULL");
    assertMessage("spec property 'layer.0.padding' must be one of [SAME, VALID], got 'FULL'",
        () -> ModelSpec.fromProperties(q));
    Properties r = ModelSpec.kerasMovingSquares().toProperties();
    r.setProperty("layer.1.useBias", "yes");
    assertMessage("spec property 'layer.1.useBias' must be true or false, got 'yes'",
        () -> ModelSpec.fromProperties(r));
    Properties s = ModelSpec.kerasMovingSquares().toProperties();
    s.setProperty("format", "other");
    assertMessage("spec format must be convlstm4j-spec-1, got other",
        () -> ModelSpec.fromProperties(s));
    Properties t = ModelSpec.kerasMovingSquares().toProperties();
    t.setProperty("inputChannels", "one");
    assertMessage("spec property 'inputChannels' must be an integer, got 'one'",
        () -> ModelSpec.fromProperties(t));
    Properties u = ModelSpec.kerasMovingSquares().toProperties();
    u.setProperty("seed", "0x10");
    assertMessage("spec property 'seed' must be an integer, got '0x10'",
        () -> ModelSpec.fromProperties(u));
  }

  @Test
  @DisplayName("toString shows every field")
  void toStringShowsFields() {
    String s = ModelSpec.kerasMovingSquares().withSeed(7).toString();
    for (String part : List.of("inputChannels=1", "filters=40", "kernelHeight=3",
        "kernelWidth=3", "padding=SAME", "activation=TANH", "recurrentActivation=HARD_SIGMOID",
        "useBias=true", "unitForgetBias=true", "returnSequences=true",
        "batchNormalization=true", "kernelTime=3", "activation=SIGMOID", "timePadding=SAME",
        "batchNormMomentum=0.99", "batchNormEpsilon=0.001", "seed=7", "parameters=407001")) {
      assertTrue(s.contains(part), part + " missing in " + s);
    }
  }

  @Test
  @DisplayName("equality covers every field; withSeed and toBuilder copy")
  void equality() {
    ModelSpec a = ModelSpec.kerasMovingSquares();
    assertEquals(a, ModelSpec.kerasMovingSquares());
    assertNotEquals(a, a.withSeed(1));
    assertEquals(1, a.withSeed(1).seed());
    assertEquals(a, a.toBuilder().build());
    assertNotEquals(a, a.toBuilder().batchNormEpsilon(1e-5).build());
    assertNotEquals(a, a.toBuilder().head(null).build());
    assertNotEquals(a, ModelSpec.cpuMovingSquares());
  }

  private static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(expected, e.getMessage());
  }
}

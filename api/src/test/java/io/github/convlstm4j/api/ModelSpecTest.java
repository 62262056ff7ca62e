package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.data.MovingSquares;
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
    ModelSpec spec = MovingSquares.kerasModel();
    // Design: 59,200 + 3 x 115,360 + 4 x 160 (batch norm) + 1,081 (head).
    // Layer 0: 3*3*1*160 + 3*3*40*160 + 160 = 1,440 + 57,600 + 160 = 59,200.
    // Layers 1-3: 3*3*40*160 + 3*3*40*160 + 160 = 115,360. Head: 3*3*3*40*1 + 1 = 1,081.
    assertEquals(59_200 + 3 * 115_360 + 4 * 160 + 1_081, spec.parameterCount());
    assertEquals(407_001, spec.parameterCount());
  }

  @Test
  @DisplayName("the seed model is 4 x ConvLSTM(40, 3x3, hard sigmoid) + BN and a sigmoid Conv3D")
  void seedArchitecture() {
    ModelSpec spec = MovingSquares.kerasModel();
    assertEquals(1, spec.inputChannels());
    assertEquals(4, spec.convLstmLayers().size());
    for (int i = 0; i < 4; i++) {
      ConvLstmLayerSpec l = spec.convLstmLayers().get(i);
      assertEquals(BatchNormSpec.keras(), spec.batchNormAfter(i).orElseThrow());
      assertEquals(0.99, spec.batchNormAfter(i).orElseThrow().momentum());
      assertEquals(1e-3, spec.batchNormAfter(i).orElseThrow().epsilon());
      assertEquals(40, l.filters());
      assertEquals(3, l.kernelHeight());
      assertEquals(3, l.kernelWidth());
      assertEquals(Padding.SAME, l.padding());
      assertEquals(Activation.TANH, l.activation());
      assertEquals(Activation.HARD_SIGMOID, l.recurrentActivation());
      assertTrue(l.useBias() && l.unitForgetBias() && l.returnSequences());
    }
    Conv3dHeadSpec head = spec.head().orElseThrow();
    assertEquals(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME), head);
    assertEquals(9, spec.layers().size(), "4 x (ConvLSTM, batch norm) and the head");
    assertEquals(0L, spec.seed());
    assertTrue(spec.returnsSequences());
    assertEquals(1, spec.outputChannels());
    assertEquals(new FrameShape(40, 40, 1), spec.outputFrameShape(new FrameShape(40, 40, 1)));
    assertEquals(15, spec.outputFrames(15));
  }

  @Test
  @DisplayName("weightShapes lists Keras names in get_weights() order with Keras layouts")
  void weightShapes() {
    Map<String, List<Integer>> w = MovingSquares.kerasModel().weightShapes();
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
    assertTrue(e.getMessage().startsWith("layer 1 (conv_lstm2d, VALID, kernel 4x2) needs frames of at least"
        + " 4x2 there, got 3x3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> spec.outputFrameShape(new FrameShape(40, 40, 3)));
    assertEquals("input channels must be 1, got 3", e.getMessage());
  }

  @Test
  @DisplayName("builder validation names the field and the value")
  void builderValidation() {
    assertMessage("inputChannels must be positive, got 0", () -> ModelSpec.builder(0));
    assertMessage("a model needs at least 1 conv_lstm2d layer, got 0",
        () -> ModelSpec.builder(1).build());
    assertMessage("layer 0 (batch_normalization) must follow another layer, got none",
        () -> ModelSpec.builder(1).addLayer(BatchNormSpec.keras())
            .addLayer(ConvLstmLayerSpec.of(2)).build());
    // a batch normalization after another layer than a ConvLSTM one is inference-only
    assertEquals(List.of(2), ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(BatchNormSpec.keras()).addLayer(BatchNormSpec.keras()).build()
        .inferenceOnlyLayers());
    Conv3dHeadSpec head = new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.SAME);
    assertMessage("the Conv3D head must be the last layer, got conv_lstm2d at layer 2 after it",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).addLayer(head)
            .addLayer(ConvLstmLayerSpec.of(2)).build());
    assertMessage("the Conv3D head must be the last layer, got conv3d at layer 2 after it",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).addLayer(head)
            .addLayer(head).build());
    assertMessage("layer 0 (conv_lstm2d) feeds layer 1 (conv_lstm2d) so returnSequences must be "
        + "true, got false",
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2).withReturnSequences(false))
            .addLayer(ConvLstmLayerSpec.of(2)).build());
    assertMessage("batch normalization momentum must be in [0, 1), got 1.0",
        () -> new BatchNormSpec(1.0, 1e-3));
    assertMessage("batch normalization epsilon must be positive, got 0.0",
        () -> new BatchNormSpec(0.99, 0));
    assertMessage("batch normalization epsilon must be positive, got NaN",
        () -> new BatchNormSpec(0.99, Double.NaN));
    assertMessage("filters must be positive, got 0", () -> ConvLstmLayerSpec.of(0));
    assertMessage("kernelWidth must be positive, got -1",
        () -> ConvLstmLayerSpec.of(3).withKernel(3, -1));
    assertMessage("activation must be TANH, RELU or LINEAR, got SIGMOID",
        () -> ConvLstmLayerSpec.of(3).withActivation(Activation.SIGMOID));
    assertMessage(
        "recurrentActivation must be SIGMOID, HARD_SIGMOID or HARD_SIGMOID_KERAS3, got TANH",
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
            .withActivation(Activation.RELU))
        .addLayer(new BatchNormSpec(0.9, 1.2345678901234567e-5))
        .addLayer(ConvLstmLayerSpec.of(7).withRecurrentActivation(Activation.HARD_SIGMOID)
            .withBias(true, false).withReturnSequences(false))
        .addLayer(new Conv3dHeadSpec(2, 2, 3, 5, Activation.LINEAR, TimePadding.CAUSAL))
        .seed(-42).build();
    assertEquals(spec, ModelSpec.fromProperties(spec.toProperties()));
    assertEquals(spec.hashCode(), ModelSpec.fromProperties(spec.toProperties()).hashCode());
    ModelSpec seed = MovingSquares.kerasModel();
    assertEquals(seed, ModelSpec.fromProperties(seed.toProperties()));
    ModelSpec noHead = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1)).build();
    assertEquals(noHead, ModelSpec.fromProperties(noHead.toProperties()));
  }

  @Test
  @DisplayName("a spec written by version 0.1 (format convlstm4j-spec-1) reads as layers")
  void readsFormatOne() {
    // The keys exactly as 0.1's ModelSpec.toProperties() wrote them (commit 23829bf): a
    // batchNormalization flag per ConvLSTM layer, model-wide momentum and epsilon, head.* keys.
    Properties p = new Properties();
    p.setProperty("format", "convlstm4j-spec-1");
    p.setProperty("inputChannels", "2");
    p.setProperty("batchNormMomentum", "0.9");
    p.setProperty("batchNormEpsilon", "1.0E-5");
    p.setProperty("seed", "11");
    p.setProperty("layers", "2");
    String[][] layers = {{"4", "3", "3", "SAME", "TANH", "HARD_SIGMOID", "true", "true", "true",
        "true"}, {"3", "2", "2", "VALID", "RELU", "SIGMOID", "false", "false", "true", "false"}};
    String[] keys = {"filters", "kernelHeight", "kernelWidth", "padding", "activation",
        "recurrentActivation", "useBias", "unitForgetBias", "returnSequences",
        "batchNormalization"};
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < keys.length; k++) {
        p.setProperty("layer." + i + "." + keys[k], layers[i][k]);
      }
    }
    p.setProperty("head.filters", "1");
    p.setProperty("head.kernelTime", "3");
    p.setProperty("head.kernelHeight", "3");
    p.setProperty("head.kernelWidth", "3");
    p.setProperty("head.activation", "SIGMOID");
    p.setProperty("head.timePadding", "CAUSAL");
    ModelSpec expected = ModelSpec.builder(2).seed(11)
        .addLayer(ConvLstmLayerSpec.of(4).withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new BatchNormSpec(0.9, 1e-5))
        .addLayer(new ConvLstmLayerSpec(3, 2, 2, Padding.VALID, Activation.RELU,
            Activation.SIGMOID, false, false, true))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
    assertEquals(expected, ModelSpec.fromProperties(p));
    assertEquals("convlstm4j-spec-2", expected.toProperties().getProperty("format"));
  }

  @Test
  @DisplayName("fromProperties names a missing or malformed key")
  void badProperties() {
    Properties p = MovingSquares.kerasModel().toProperties();
    p.remove("layer.2.filters");
    assertMessage("spec property 'layer.2.filters' is missing",
        () -> ModelSpec.fromProperties(p));
    Properties q = MovingSquares.kerasModel().toProperties();
    q.setProperty("layer.0.padding", "FULL");
    assertMessage("spec property 'layer.0.padding' must be one of [SAME, VALID], got 'FULL'",
        () -> ModelSpec.fromProperties(q));
    Properties r = MovingSquares.kerasModel().toProperties();
    r.setProperty("layer.2.useBias", "yes");
    assertMessage("spec property 'layer.2.useBias' must be true or false, got 'yes'",
        () -> ModelSpec.fromProperties(r));
    Properties s = MovingSquares.kerasModel().toProperties();
    s.setProperty("format", "other");
    assertMessage("spec format must be convlstm4j-spec-2 or convlstm4j-spec-1, got other",
        () -> ModelSpec.fromProperties(s));
    Properties k = MovingSquares.kerasModel().toProperties();
    k.setProperty("layer.3.kind", "lstm");
    assertMessage("spec property 'layer.3.kind' must be one of [conv_lstm2d, "
        + "batch_normalization, conv3d, dense, flatten, conv2d, conv2d_transpose, max_pooling, "
        + "layer_normalization, softmax, activation, space_to_depth, depth_to_space], got 'lstm'",
        () -> ModelSpec.fromProperties(k));
    Properties m = MovingSquares.kerasModel().toProperties();
    m.setProperty("layer.1.momentum", "high");
    assertMessage("spec property 'layer.1.momentum' must be a number, got 'high'",
        () -> ModelSpec.fromProperties(m));
    Properties t = MovingSquares.kerasModel().toProperties();
    t.setProperty("inputChannels", "one");
    assertMessage("spec property 'inputChannels' must be an integer, got 'one'",
        () -> ModelSpec.fromProperties(t));
    Properties u = MovingSquares.kerasModel().toProperties();
    u.setProperty("seed", "0x10");
    assertMessage("spec property 'seed' must be an integer, got '0x10'",
        () -> ModelSpec.fromProperties(u));
  }

  @Test
  @DisplayName("toString shows every field")
  void toStringShowsFields() {
    String s = MovingSquares.kerasModel().withSeed(7).toString();
    for (String part : List.of("inputChannels=1", "filters=40", "kernelHeight=3",
        "kernelWidth=3", "padding=SAME", "activation=TANH", "recurrentActivation=HARD_SIGMOID",
        "useBias=true", "unitForgetBias=true", "returnSequences=true",
        "BatchNormSpec[momentum=0.99, epsilon=0.001]", "kernelTime=3", "activation=SIGMOID",
        "timePadding=SAME", "seed=7", "parameters=407001")) {
      assertTrue(s.contains(part), part + " missing in " + s);
    }
  }

  @Test
  @DisplayName("equality covers every field; withSeed and toBuilder copy")
  void equality() {
    ModelSpec a = MovingSquares.kerasModel();
    assertEquals(a, MovingSquares.kerasModel());
    assertNotEquals(a, a.withSeed(1));
    assertEquals(1, a.withSeed(1).seed());
    assertEquals(a, a.toBuilder().build());
    ModelSpec.Builder otherEpsilon = ModelSpec.builder(1);
    for (LayerSpec l : a.layers()) {
      otherEpsilon.addLayer(l instanceof BatchNormSpec ? new BatchNormSpec(0.99, 1e-5) : l);
    }
    assertNotEquals(a, otherEpsilon.build());
    ModelSpec.Builder headless = ModelSpec.builder(1);
    a.layers().subList(0, 8).forEach(headless::addLayer);
    assertNotEquals(a, headless.build());
    assertEquals(a.layers().subList(0, 8), headless.build().layers());
  }

  private static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(expected, e.getMessage());
  }
}

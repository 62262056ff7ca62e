package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The frame-wise layer specs: shapes, weight names and shapes, validation, properties. */
class FrameLayerSpecTest {

  /**
   * The shape of Keras' video-anomaly autoencoder in miniature: TD Conv2D 11×11/4 SAME on
   * 256×256 gives ceil(256/4) = 64; 8×8/4 gives 16; ConvLSTM SAME keeps 16; Conv2DTranspose
   * 8×8/4 SAME gives 16·4 = 64, 11×11/4 gives 256; a last 11×11/1 SAME Conv2D keeps 256.
   */
  @Test
  @DisplayName("strided convolutions and transposes give TensorFlow's output sizes")
  void autoencoderShapes() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(new Conv2dSpec(16, 11, 11, 4, 4, Padding.SAME, Activation.LINEAR, true))
        .addLayer(new LayerNormSpec(1e-3, true, true))
        .addLayer(new Conv2dSpec(8, 8, 8, 4, 4, Padding.SAME, Activation.LINEAR, true))
        .addLayer(ConvLstmLayerSpec.of(4).withKernel(2, 2))
        .addLayer(new Conv2dTransposeSpec(8, 8, 8, 4, 4, Padding.SAME, Activation.LINEAR, true))
        .addLayer(new Conv2dTransposeSpec(16, 11, 11, 4, 4, Padding.SAME, Activation.LINEAR,
            true))
        .addLayer(new Conv2dSpec(1, 11, 11, 1, 1, Padding.SAME, Activation.SIGMOID, true))
        .build();
    assertEquals(new SequenceShape(10, new FrameShape(256, 256, 1)),
        spec.outputShape(new SequenceShape(10, new FrameShape(256, 256, 1))));
    Map<String, List<Integer>> w = spec.weightShapes();
    assertEquals(List.of(11, 11, 1, 16), w.get("conv2d_0/kernel"));
    assertEquals(List.of(16), w.get("layer_normalization_0/gamma"));
    assertEquals(List.of(8, 8, 16, 8), w.get("conv2d_1/kernel"));
    assertEquals(List.of(2, 2, 8, 16), w.get("conv_lstm2d_0/kernel"));
    assertEquals(List.of(8, 8, 8, 4), w.get("conv2d_transpose_0/kernel")); // [kh, kw, out, in]
    assertEquals(List.of(11, 11, 16, 8), w.get("conv2d_transpose_1/kernel"));
    assertEquals(List.of(11, 11, 16, 1), w.get("conv2d_2/kernel"));
    assertEquals(List.of(1, 4, 5), spec.inferenceOnlyLayers()); // layer norm, transposes
    assertEquals(List.of(0, 1, 2, 4, 5, 6), spec.frameLayers());
    assertTrue(spec.returnsSequences());
    // VALID transpose: n·s + max(k - s, 0): 16·4 + 4 = 68
    assertEquals(68, new Conv2dTransposeSpec(1, 8, 8, 4, 4, Padding.VALID, Activation.LINEAR,
        true).outputSize(16, 8, 4));
  }

  /**
   * A classifier: 10 frames of 8×8×3, VALID 3×3 ConvLSTM → 6×6×4, SAME max pooling 2×2 → 3×3,
   * flatten 10·3·3·4 = 360 → dense 1.
   */
  @Test
  @DisplayName("flatten makes a one-frame output whose size the input shape fixes")
  void classifier() {
    ModelSpec spec = ModelSpec.builder(3).inputShape(10, 8, 8)
        .addLayer(ConvLstmLayerSpec.of(4).withPadding(Padding.VALID))
        .addLayer(new MaxPoolingSpec(2, 2, 2, 2, Padding.SAME))
        .addLayer(new FlattenSpec())
        .addLayer(new DenseSpec(1, Activation.SIGMOID, true)).build();
    assertEquals(List.of(360, 1), spec.weightShapes().get("dense_0/kernel"));
    assertEquals(1, spec.outputChannels());
    assertFalse(spec.returnsSequences());
    assertEquals(1, spec.outputFrames(10));
    assertEquals(360 + 1 + 4 * (27 * 4 + 36 * 4 + 4), spec.parameterCount());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder(3).addLayer(ConvLstmLayerSpec.of(4)).addLayer(new FlattenSpec())
            .build());
    assertEquals("layer 1 (flatten) needs a fixed input shape (Builder.inputShape(frames, "
        + "height, width)), got none", e.getMessage());
  }

  @Test
  @DisplayName("every new layer kind survives the spec properties, with the input shape")
  void propertiesRoundTrip() {
    ModelSpec spec = ModelSpec.builder(2).inputShape(4, 6, 6)
        .addLayer(new Conv2dSpec(3, 3, 2, 1, 2, Padding.VALID, Activation.RELU, false))
        .addLayer(new LayerNormSpec(1e-5, false, true))
        .addLayer(ConvLstmLayerSpec.of(2).withRecurrentActivation(
            Activation.HARD_SIGMOID_KERAS3))
        .addLayer(BatchNormSpec.keras())
        .addLayer(new Conv2dTransposeSpec(2, 2, 2, 2, 2, Padding.SAME, Activation.TANH, true))
        .addLayer(new BatchNormSpec(0.9, 1e-2))
        .addLayer(new MaxPoolingSpec(3, 3, 1, 1, Padding.SAME))
        .addLayer(new ActivationSpec(Activation.RELU))
        .addLayer(new FlattenSpec())
        .addLayer(new DenseSpec(5, Activation.LINEAR, true))
        .addLayer(new SoftmaxSpec()).seed(4).build();
    ModelSpec back = ModelSpec.fromProperties(spec.toProperties());
    assertEquals(spec, back);
    assertEquals(spec.weightShapes(), back.weightShapes());
    assertTrue(spec.weightShapes().containsKey("batch_normalization_0/gamma"));
    assertTrue(spec.weightShapes().containsKey("batch_normalization_l5/moving_variance"));
    // untrainable: the layer norm, the transpose and the batch norm after it
    assertEquals(List.of(1, 4, 5), spec.inferenceOnlyLayers());
    assertEquals(List.of(0, 1, 4, 5, 6, 7, 8, 9, 10), spec.frameLayers());
    assertEquals("dense_0", spec.layerName(9));
  }

  @Test
  @DisplayName("bad layers and orders are refused, naming the layer")
  void validation() {
    assertEquals("conv2d strideWidth must be positive, got 0", assertThrows(
        IllegalArgumentException.class, () -> new Conv2dSpec(1, 1, 1, 1, 0, Padding.SAME,
            Activation.LINEAR, true)).getMessage());
    assertEquals("dense units must be positive, got -2", assertThrows(
        IllegalArgumentException.class, () -> new DenseSpec(-2, Activation.LINEAR, true))
        .getMessage());
    assertEquals("layer 2 (conv3d) must follow a conv_lstm2d layer or its batch "
        + "normalization, got dense", assertThrows(IllegalArgumentException.class,
            () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1))
                .addLayer(new DenseSpec(2, Activation.LINEAR, true))
                .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.LINEAR, TimePadding.SAME))
                .build()).getMessage());
    assertEquals("layer 0 (conv_lstm2d) feeds layer 2 (conv_lstm2d) so returnSequences must "
        + "be true, got false", assertThrows(IllegalArgumentException.class,
            () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(1).withReturnSequences(false))
                .addLayer(new LayerNormSpec(1e-3, true, true))
                .addLayer(ConvLstmLayerSpec.of(1)).build()).getMessage());
    ModelSpec fixed = ModelSpec.builder(1).inputShape(2, 4, 4)
        .addLayer(ConvLstmLayerSpec.of(1)).build();
    assertEquals("input must be 2 frames of 4x4x1 (this model's fixed input shape), got 3 "
        + "frames of 4x4x1", assertThrows(IllegalArgumentException.class,
            () -> fixed.outputShape(new SequenceShape(3, new FrameShape(4, 4, 1))))
        .getMessage());
    assertEquals("layer 1 (max_pooling, VALID, window 5x5) needs frames of at least 5x5 there, "
        + "got 4x4 (input 4x4x1)", assertThrows(IllegalArgumentException.class,
            () -> ModelSpec.builder(1).inputShape(2, 4, 4).addLayer(ConvLstmLayerSpec.of(1))
                .addLayer(new MaxPoolingSpec(5, 5, 1, 1, Padding.VALID)).build()).getMessage());
  }

  /** TensorFlow's strided SAME split: n = 5, k = 2, s = 2: out 3, total 1, before 0. */
  @Test
  @DisplayName("strided padding follows TensorFlow's formulas")
  void stridedPadding() {
    assertEquals(3, Padding.SAME.outputSize(5, 2, 2));
    assertEquals(0, Padding.SAME.before(5, 2, 2));
    assertEquals(3, Padding.SAME.before(256, 11, 4)); // out 64, total 63·4 + 11 - 256 = 7
    assertEquals(2, Padding.VALID.outputSize(5, 2, 2));
    assertEquals(62, Padding.VALID.outputSize(256, 11, 4));
    assertTrue(Padding.VALID.outputSize(2, 3, 1) <= 0);
  }
}

package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The encoder–forecaster in the spec: shapes, weights, counts, properties, refusals. */
class EncoderForecasterSpecTest {

  /** A Table 1 model of Shi et al. 2015 over 64×64×1 frames in 4×4 patches, 10 -> 10. */
  static ModelSpec table1(int inputKernel, int stateKernel, int... filters) {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(4));
    for (int f : filters) {
      b.addLayer(ConvLstmLayerSpec.of(f).withKernel(inputKernel, inputKernel)
          .withRecurrentKernel(stateKernel, stateKernel).withPeephole(true));
    }
    return b.addLayer(new DepthToSpaceSpec(4)).encoderForecaster(10, Activation.SIGMOID)
        .build();
  }

  @Test
  @DisplayName("the five ConvLSTM models of Shi et al. 2015, Table 1, have the paper's parameter counts")
  void table1Counts() {
    // The hand counts are in PaperCellsTest.table1Counts.
    assertEquals(13_524_496L, table1(5, 5, 256).parameterCount());
    assertEquals(10_042_896L, table1(5, 5, 128, 128).parameterCount());
    assertEquals(7_585_296L, table1(5, 5, 128, 64, 64).parameterCount());
    assertEquals(11_550_224L, table1(9, 1, 128, 128).parameterCount());
    assertEquals(8_830_480L, table1(9, 1, 128, 64, 64).parameterCount());
  }

  @Test
  @DisplayName("weights: encoder, forecaster layers (no kernel for the first), 1x1 output conv")
  void weightNames() {
    ModelSpec s = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(ConvLstmLayerSpec.of(4).withPeephole(true))
        .encoderForecaster(5, Activation.LINEAR).build();
    assertEquals(List.of("conv_lstm2d_0/kernel", "conv_lstm2d_0/recurrent_kernel",
        "conv_lstm2d_0/bias", "conv_lstm2d_1/kernel", "conv_lstm2d_1/recurrent_kernel",
        "conv_lstm2d_1/bias", "conv_lstm2d_1/peephole_i", "conv_lstm2d_1/peephole_f",
        "conv_lstm2d_1/peephole_o", "forecaster_lstm_0/recurrent_kernel",
        "forecaster_lstm_0/bias", "forecaster_lstm_1/kernel",
        "forecaster_lstm_1/recurrent_kernel", "forecaster_lstm_1/bias",
        "forecaster_lstm_1/peephole_i", "forecaster_lstm_1/peephole_f",
        "forecaster_lstm_1/peephole_o", "forecast_output/kernel", "forecast_output/bias"),
        new ArrayList<>(s.weightShapes().keySet()));
    assertEquals(List.of(3, 3, 3, 16), s.weightShapes().get("forecaster_lstm_1/kernel"));
    assertEquals(List.of(1, 1, 7, 2), s.weightShapes().get("forecast_output/kernel"));
    assertEquals(List.of(2), s.weightShapes().get("forecast_output/bias"));
    // Forecaster biases start like the encoder's: forget slice 1.
    float[] b = KerasInitializers.initialWeights(s).get("forecaster_lstm_1/bias").toArray();
    assertEquals(1f, b[4]);
    assertEquals(0f, b[0]);
  }

  @Test
  @DisplayName("output: K frames of the input's frame shape, for any input length; patches around it")
  void shapes() {
    ModelSpec s = table1(5, 5, 8);
    SequenceShape in = new SequenceShape(3, new FrameShape(64, 64, 1));
    assertEquals(new SequenceShape(10, new FrameShape(64, 64, 1)), s.outputShape(in));
    assertEquals(10, s.outputFrames(3));
    assertEquals(1, s.outputChannels());
    assertEquals(16, s.coreSpec().outputChannels());
    assertEquals(s.weightShapes(), s.coreSpec().weightShapes());
    assertTrue(Capability.requiredBy(s).contains(Capability.ENCODER_FORECASTER));
    assertFalse(Capability.requiredBy(s.toBuilder().build().coreSpec()).isEmpty());
    assertEquals(s, s.toBuilder().build());
  }

  @Test
  @DisplayName("spec properties round-trip the horizon and the output activation")
  void properties() {
    ModelSpec s = table1(9, 1, 8, 4);
    Properties p = s.toProperties();
    assertEquals("10", p.getProperty("encoderForecaster.horizon"));
    assertEquals(s, ModelSpec.fromProperties(p));
    ModelSpec stacked = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    assertFalse(stacked.toProperties().stringPropertyNames().stream()
        .anyMatch(k -> k.startsWith("encoderForecaster")));
    assertFalse(stacked.equals(stacked.toBuilder().encoderForecaster(1, Activation.LINEAR)
        .build()));
  }

  @Test
  @DisplayName("refused: horizon 0, a head, batch normalization, VALID padding, returnSequences false")
  void refusals() {
    assertThrows(IllegalArgumentException.class, () -> new EncoderForecasterSpec(0,
        Activation.SIGMOID));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2)).addLayer(new BatchNormSpec(0.99, 1e-3))
        .encoderForecaster(2, Activation.SIGMOID).build());
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2))
        .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.SIGMOID, TimePadding.SAME))
        .encoderForecaster(2, Activation.SIGMOID).build());
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withPadding(Padding.VALID))
        .encoderForecaster(2, Activation.SIGMOID).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2).withReturnSequences(false))
            .encoderForecaster(2, Activation.SIGMOID).build());
    assertTrue(e.getMessage().contains("return sequences"), e.getMessage());
  }

  @Test
  @DisplayName("dropout and recurrent dropout are accepted (both backends apply the masks)")
  void dropoutAccepted() {
    ModelSpec m = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(2).withDropout(0.5, 0.25))
        .encoderForecaster(2, Activation.SIGMOID).build();
    assertEquals(0.25, m.convLstmLayers().get(0).recurrentDropout());
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;

/**
 * The samples' own model presets. The Keras example's model is
 * {@link io.github.convlstm4j.api.data.MovingSquares#kerasModel()}.
 */
public final class DemoModels {

  private DemoModels() {}

  /**
   * The CPU demo's model: 2 × [ConvLSTM2D(16, 3×3, SAME) + batch normalization], then Conv3D(1,
   * 3×3×3, sigmoid) with a CAUSAL time padding so that no output has seen a later input
   * (forecasts then match what the model trained on). Sigmoid gates. 28,913 parameters.
   *
   * @return the spec, seed 0
   */
  public static ModelSpec cpu() {
    ModelSpec.Builder b = ModelSpec.builder(1);
    for (int i = 0; i < 2; i++) {
      b.addLayer(ConvLstmLayerSpec.of(16)).addLayer(BatchNormSpec.keras());
    }
    return b.addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .build();
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.DepthToSpaceSpec;
import io.github.convlstm4j.api.LayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.SpaceToDepthSpec;
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

  /**
   * The CPU encoder–forecaster of {@code demo --dataset moving-mnist --model
   * encoder-forecaster}: Shi et al. 2015's structure (§3.2, Fig. 3) at CPU size. 64×64×1
   * frames in 4×4 patches (16×16×16, as the paper's Moving MNIST runs), an encoder of 2
   * ConvLSTM layers of 32 filters with 3×3 input and state kernels and the paper's peepholes,
   * the mirrored forecasting network unrolling 10 frames, the 1×1 output convolution with a
   * sigmoid. 241,552 parameters.
   *
   * @return the spec, seed 0
   */
  public static ModelSpec mnistEncoderForecaster() {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(4));
    for (int i = 0; i < 2; i++) {
      b.addLayer(ConvLstmLayerSpec.of(32).withPeephole(true));
    }
    return b.addLayer(new DepthToSpaceSpec(4)).encoderForecaster(10, Activation.SIGMOID)
        .build();
  }

  /**
   * A stacked model's ConvLSTM layers (returning sequences) and patch layers as the encoder of
   * an encoder–forecaster; its batch norms and head are left out (the forecaster has its own
   * 1×1 output convolution).
   *
   * @param stacked the model to take the layers from
   * @param horizon K, the frames forecast at once
   * @param output the output activation
   * @return the spec, with the stacked model's seed
   * @throws IllegalArgumentException if the layers cannot form one (e.g. VALID padding)
   */
  public static ModelSpec encoderForecaster(ModelSpec stacked, int horizon, Activation output) {
    ModelSpec.Builder b = ModelSpec.builder(stacked.inputChannels()).seed(stacked.seed());
    for (LayerSpec l : stacked.layers()) {
      if (l instanceof ConvLstmLayerSpec c) {
        b.addLayer(c.withReturnSequences(true));
      } else if (l instanceof SpaceToDepthSpec || l instanceof DepthToSpaceSpec) {
        b.addLayer(l);
      }
    }
    return b.encoderForecaster(horizon, output).build();
  }

  /**
   * Preset {@code shi2015}: the best ConvLSTM of Shi et al. 2015 on Moving MNIST, Table 1's
   * "ConvLSTM (5x5)-5x5-128-5x5-64-5x5-64" (the lowest cross-entropy of its five ConvLSTM
   * models, 7,585,296 parameters): 64×64×1 frames in 4×4 patches, three encoder layers of 128,
   * 64 and 64 filters with 5×5 input-to-state and state-to-state kernels and peepholes, the
   * mirrored forecasting network (10 → 10), a 1×1 output convolution with a sigmoid
   * (cross-entropy loss, §4.1).
   *
   * @return the spec, seed 0
   */
  public static ModelSpec shi2015() {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(4));
    for (int f : new int[] {128, 64, 64}) {
      b.addLayer(ConvLstmLayerSpec.of(f).withKernel(5, 5).withRecurrentKernel(5, 5)
          .withPeephole(true));
    }
    return b.addLayer(new DepthToSpaceSpec(4)).encoderForecaster(10, Activation.SIGMOID)
        .build();
  }

  /**
   * Preset {@code openstl-convlstm-s}: OpenSTL's ConvLSTM-S on Moving MNIST as a stacked
   * model: 64×64×1 frames in 4×4 patches, 4 ConvLSTM layers of 128 filters with 5×5 kernels,
   * a 1×1 linear output convolution to the 16 patch channels, back to 64×64. 11,677,712
   * parameters here (OpenSTL states 15.0M: its cells also construct two convolutions they
   * never call; see {@code PaperCellsTest}).
   *
   * @return the spec, seed 0
   */
  public static ModelSpec openStlConvLstmS() {
    ModelSpec.Builder b = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(4));
    for (int i = 0; i < 4; i++) {
      b.addLayer(ConvLstmLayerSpec.of(128).withKernel(5, 5));
    }
    return b.addLayer(new Conv3dHeadSpec(16, 1, 1, 1, Activation.LINEAR, TimePadding.SAME))
        .addLayer(new DepthToSpaceSpec(4)).build();
  }
}

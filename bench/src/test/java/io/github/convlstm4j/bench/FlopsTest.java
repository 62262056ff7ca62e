package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.TimePadding;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** FLOP counts against hand calculations. */
class FlopsTest {

  @Test
  @DisplayName("OpenSTL ConvLSTM-S: 113.58 GFLOP = 56.8 G multiply-adds per 10 -> 10 sequence")
  void openStlConvLstmS() {
    // 4 layers x 128, 5x5, over 16x16x16 (64x64x1 in 4x4 patches), 1x1 head to 16 channels;
    // OpenSTL runs 10 + 10 - 1 = 19 steps per sequence. Per step, by hand (2 FLOPs per
    // multiply-add): layer 0 2·256·(25·16 + 25·128)·512 = 943,718,400; layers 1-3
    // 2·256·(25·128 + 25·128)·512 = 1,677,721,600 each; head 2·256·128·16 = 1,048,576;
    // sum 5,977,931,776 · 19 = 113,580,703,744 FLOPs = 56,790,351,872 multiply-adds, OpenSTL's
    // "56.8G" (its counter counts a multiply-add as one).
    ModelSpec.Builder b = ModelSpec.builder(16);
    for (int i = 0; i < 4; i++) {
      b.addLayer(ConvLstmLayerSpec.of(128).withKernel(5, 5));
    }
    b.addLayer(new Conv3dHeadSpec(16, 1, 1, 1, Activation.LINEAR, TimePadding.SAME));
    double flops = Flops.forward(b.build(), 1, 19, new FrameShape(16, 16, 16));
    assertEquals(113_580_703_744.0, flops, 0.5);
  }

  @Test
  @DisplayName("the recurrent convolution is counted with its own kernel size")
  void recurrentKernelSize() {
    // 2·4·4·(5·5·2 + 1·1·3)·12 per step = 32·53·12 = 20,352; 3 steps -> 61,056
    ModelSpec spec = ModelSpec.builder(2).addLayer(ConvLstmLayerSpec.of(3).withKernel(5, 5)
        .withRecurrentKernel(1, 1).withPeephole(true)).build();
    assertEquals(61_056.0, Flops.forward(spec, 1, 3, new FrameShape(4, 4, 2)), 0.0);
  }
}

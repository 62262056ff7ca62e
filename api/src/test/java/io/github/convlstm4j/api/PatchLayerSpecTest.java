package io.github.convlstm4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Space-to-depth and depth-to-space: the channel order, exact inverses, specs. */
class PatchLayerSpecTest {

  /**
   * 4×4×1 frame with value 4r + c at row r, column c, patch 2, by hand: output pixel (Y, X)
   * holds channel dy·2 + dx = value at (2Y + dy, 2X + dx), so pixel (0,0) is 0, 1, 4, 5;
   * (0,1) is 2, 3, 6, 7; (1,0) is 8, 9, 12, 13; (1,1) is 10, 11, 14, 15.
   */
  @Test
  @DisplayName("space-to-depth of a hand-built 4x4x1 frame follows OpenSTL's reshape_patch")
  void handBuiltOrder() {
    float[] x = new float[16];
    for (int i = 0; i < 16; i++) {
      x[i] = i;
    }
    FrameSequence s = new SpaceToDepthSpec(2).apply(FrameSequence.of(1, 4, 4, 1, x));
    assertEquals("1x2x2x4", s.shapeString());
    assertArrayEquals(new float[] {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15},
        s.toArray());
    assertEquals(FrameSequence.of(1, 4, 4, 1, x), new DepthToSpaceSpec(2).apply(s));
  }

  /**
   * Channels interleave as (dy·p + dx)·C + c: a 2×2×2 frame patched by 2 is one pixel whose 8
   * channels are the frame's floats in their flat order (numpy's reshape of an H = W = p frame).
   */
  @Test
  @DisplayName("with several channels the channel index is (dy*p + dx)*C + c")
  void channelOrder() {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
    FrameSequence s = new SpaceToDepthSpec(2).apply(FrameSequence.of(1, 2, 2, 2, x));
    assertEquals("1x1x1x8", s.shapeString());
    assertArrayEquals(x, s.toArray());
  }

  @Test
  @DisplayName("both directions equal numpy's reshape-transpose-reshape written out here")
  void matchesIndependentReshape() {
    Random r = new Random(5);
    int t = 2;
    int h = 6;
    int w = 9;
    int c = 2;
    int p = 3;
    float[] x = new float[t * h * w * c];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    // reshape_patch: [T, H/p, p, W/p, p, C] -> transpose(axes 2, 3) -> [T, H/p, W/p, p, p, C]
    float[] expected = new float[x.length];
    int k = 0;
    for (int ti = 0; ti < t; ti++) {
      for (int yy = 0; yy < h / p; yy++) {
        for (int xx = 0; xx < w / p; xx++) {
          for (int dy = 0; dy < p; dy++) {
            for (int dx = 0; dx < p; dx++) {
              for (int ch = 0; ch < c; ch++) {
                expected[k++] = x[((ti * h + yy * p + dy) * w + xx * p + dx) * c + ch];
              }
            }
          }
        }
      }
    }
    FrameSequence in = FrameSequence.of(t, h, w, c, x);
    FrameSequence patched = new SpaceToDepthSpec(p).apply(in);
    assertEquals(FrameSequence.of(t, h / p, w / p, p * p * c, expected), patched);
    FrameSequence back = new DepthToSpaceSpec(p).apply(patched);
    assertArrayEquals(x, back.toArray(), "round trip is bitwise");
    // and the other way round
    FrameSequence deep = FrameSequence.of(t, 2, 3, 8, java.util.Arrays.copyOf(x, 96));
    assertEquals(deep, new SpaceToDepthSpec(2).apply(new DepthToSpaceSpec(2).apply(deep)));
  }

  @Test
  @DisplayName("frames whose height or width p does not divide are refused, naming both")
  void indivisible() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SpaceToDepthSpec(2).apply(FrameSequence.zeros(1, new FrameShape(5, 4, 1))));
    assertTrue(e.getMessage().contains("height 5") && e.getMessage().contains("width 4"),
        e.getMessage());
    ModelSpec spec = patched(2, 1);
    e = assertThrows(IllegalArgumentException.class,
        () -> spec.outputShape(new SequenceShape(3, new FrameShape(8, 7, 1))));
    assertTrue(e.getMessage().contains("height 8") && e.getMessage().contains("width 7"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DepthToSpaceSpec(2).apply(FrameSequence.zeros(1, new FrameShape(2, 2, 6))));
    assertTrue(e.getMessage().contains("divisible by 4, got 6"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SpaceToDepthSpec(0));
  }

  /** S2D(p) → ConvLSTM(8) → Conv3D head of p²·C filters → D2S(p). */
  static ModelSpec patched(int p, int channels) {
    return ModelSpec.builder(channels).addLayer(new SpaceToDepthSpec(p))
        .addLayer(ConvLstmLayerSpec.of(8))
        .addLayer(new Conv3dHeadSpec(p * p * channels, 1, 3, 3, Activation.SIGMOID,
            TimePadding.CAUSAL))
        .addLayer(new DepthToSpaceSpec(p)).seed(3).build();
  }

  @Test
  @DisplayName("a patched model's core reads p^2 C channels and has the same weights")
  void coreSpec() {
    ModelSpec spec = patched(4, 1);
    ModelSpec core = spec.coreSpec();
    assertEquals(16, core.inputChannels());
    assertEquals(List.of(ConvLstmLayerSpec.of(8), spec.layers().get(2)), core.layers());
    assertEquals(spec.weightShapes(), core.weightShapes());
    assertEquals(List.of(3, 3, 16, 32), spec.weightShapes().get("conv_lstm2d_0/kernel"));
    assertEquals(spec.seed(), core.seed());
    assertEquals(new SequenceShape(10, new FrameShape(64, 64, 1)),
        spec.outputShape(new SequenceShape(10, new FrameShape(64, 64, 1))));
    assertEquals(new FrameShape(16, 16, 16), core.outputFrameShape(new FrameShape(16, 16, 16)));
    assertTrue(spec.inferenceOnlyLayers().isEmpty(), "patch layers train");
    assertEquals(spec, ModelSpec.fromProperties(spec.toProperties()));
    ModelSpec plain = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
    assertEquals(plain, plain.coreSpec());
  }

  @Test
  @DisplayName("space_to_depth only first, depth_to_space only last")
  void placement() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4))
            .addLayer(new SpaceToDepthSpec(2)).build());
    assertTrue(e.getMessage().contains("space_to_depth must be the first layer"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder(1).addLayer(new DepthToSpaceSpec(1))
            .addLayer(ConvLstmLayerSpec.of(4)).build());
    assertTrue(e.getMessage().contains("depth_to_space must be the last layer"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
            .addLayer(new DepthToSpaceSpec(2)).build());
    assertTrue(e.getMessage().contains("conv_lstm2d"), e.getMessage());
    // only one side patched is fine
    ModelSpec in = ModelSpec.builder(1).addLayer(new SpaceToDepthSpec(2))
        .addLayer(ConvLstmLayerSpec.of(4)).build();
    assertEquals(4, in.coreSpec().inputChannels());
    assertEquals(new FrameShape(3, 3, 4), in.outputFrameShape(new FrameShape(6, 6, 1)));
  }
}

package io.github.convlstm4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.TimePadding;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpiTest {

  @Test
  @DisplayName("a plain sigmoid SAME stack needs no optional capability, never TRAINING")
  void plainNeedsNothing() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4)).build();
    assertEquals(Set.of(), Capability.requiredBy(spec));
  }

  @Test
  @DisplayName("the seed model needs batch norm, hard sigmoid and the Conv3D head")
  void seedNeeds() {
    assertEquals(EnumSet.of(Capability.BATCH_NORM, Capability.HARD_SIGMOID,
        Capability.CONV3D_HEAD), Capability.requiredBy(ModelSpec.kerasMovingSquares()));
    assertEquals(EnumSet.of(Capability.BATCH_NORM, Capability.CONV3D_HEAD),
        Capability.requiredBy(ModelSpec.cpuMovingSquares()));
  }

  @Test
  @DisplayName("even kernels, VALID padding and a last-step-only layer are detected")
  void detection() {
    ModelSpec spec = ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(4).withKernel(2, 3))
        .addLayer(ConvLstmLayerSpec.of(4).withPadding(Padding.VALID).withReturnSequences(false))
        .build();
    assertEquals(EnumSet.of(Capability.EVEN_KERNELS, Capability.VALID_PADDING,
        Capability.LAST_STEP_ONLY), Capability.requiredBy(spec));
    ModelSpec evenHead = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(4))
        .head(new Conv3dHeadSpec(1, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build();
    assertEquals(EnumSet.of(Capability.CONV3D_HEAD, Capability.EVEN_KERNELS),
        Capability.requiredBy(evenHead));
  }

  @Test
  @DisplayName("backend options validate threads and device naming the value")
  void backendOptions() {
    BackendOptions d = BackendOptions.defaults();
    assertEquals(0, d.threads());
    assertEquals("auto", d.device());
    assertEquals(Runtime.getRuntime().availableProcessors(), d.effectiveThreads());
    assertEquals(3, d.withThreads(3).effectiveThreads());
    assertEquals("gpu", d.withDevice("gpu").device());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.withThreads(-1));
    assertEquals("threads must be >= 0, got -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> d.withDevice("tpu"));
    assertEquals("device must be auto, cpu or gpu, got 'tpu'", e.getMessage());
  }

  @Test
  @DisplayName("availability carries a reason")
  void availability() {
    Availability ok = Availability.available("engine 2.7.1");
    assertTrue(ok.available());
    assertEquals("engine 2.7.1", ok.reason());
    Availability no = Availability.unavailable("missing natives");
    assertFalse(no.available());
    assertEquals("missing natives", no.reason());
    assertThrows(NullPointerException.class, () -> Availability.unavailable(null));
  }
}

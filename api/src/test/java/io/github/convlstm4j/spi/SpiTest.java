package io.github.convlstm4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.Padding;
import io.github.convlstm4j.api.TimePadding;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        Capability.CONV3D_HEAD), Capability.requiredBy(MovingSquares.kerasModel()));
    assertEquals(EnumSet.of(Capability.BATCH_NORM, Capability.CONV3D_HEAD,
        Capability.EVEN_KERNELS, Capability.VALID_PADDING, Capability.LAST_STEP_ONLY),
        Capability.requiredBy(ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)
            .withKernel(2, 3).withPadding(Padding.VALID).withReturnSequences(false))
            .addLayer(BatchNormSpec.keras())
            .addLayer(new Conv3dHeadSpec(1, 1, 1, 1, Activation.LINEAR, TimePadding.SAME))
            .build()));
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
        .addLayer(new Conv3dHeadSpec(1, 2, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL)).build();
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
    int cpus = Runtime.getRuntime().availableProcessors();
    String range = "between 0 (all processors) and " + 4 * cpus + " (4 per available processor, "
        + cpus + " here)";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.withThreads(-1));
    assertEquals("threads must be " + range + ", got -1", e.getMessage());
    assertEquals(4 * cpus, BackendOptions.maxThreads());
    assertEquals(4 * cpus, d.withThreads(4 * cpus).threads(), "the bound itself is accepted");
    e = assertThrows(IllegalArgumentException.class, () -> d.withThreads(4 * cpus + 1));
    assertEquals("threads must be " + range + ", got " + (4 * cpus + 1), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new BackendOptions(99999, "cpu", Map.of()));
    assertEquals("threads must be " + range + ", got 99999", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BackendOptions.checkThreads("--threads", Integer.MAX_VALUE));
    assertEquals("--threads must be " + range + ", got 2147483647", e.getMessage());
    assertEquals(0, BackendOptions.checkThreads("--threads", 0));
    e = assertThrows(IllegalArgumentException.class, () -> d.withDevice("tpu"));
    assertEquals("device must be auto, cpu or gpu, got 'tpu'", e.getMessage());
  }

  @Test
  @DisplayName("backend settings are copied, sorted, kept by withThreads/withDevice, filtered by prefix")
  void backendSettings() {
    Map<String, String> source = new HashMap<>();
    source.put("djl.b", "2");
    source.put("djl.a", "1");
    source.put("reference.x", "3");
    BackendOptions o = new BackendOptions(2, "cpu", source);
    source.put("djl.c", "later");
    assertEquals(List.of("djl.a", "djl.b", "reference.x"), List.copyOf(o.settings().keySet()),
        "a sorted copy, not a view of the caller's map");
    assertThrows(UnsupportedOperationException.class, () -> o.settings().put("djl.d", "4"));
    assertEquals(Map.of("djl.a", "1", "djl.b", "2"), o.settingsWithPrefix("djl"));
    assertEquals(Map.of(), o.settingsWithPrefix("dj"), "the prefix ends at a dot");
    assertEquals(o.settings(), o.withThreads(1).withDevice("auto").settings());
    BackendOptions replaced = o.withSetting("djl.a", "9");
    assertEquals("9", replaced.settings().get("djl.a"));
    assertEquals("1", o.settings().get("djl.a"), "withSetting leaves the original alone");
    assertEquals(Map.of(), BackendOptions.defaults().settings());
    assertEquals(new BackendOptions(0, "auto", Map.of()), BackendOptions.defaults());
  }

  @Test
  @DisplayName("setting keys need a prefix and a dot; values must not be null")
  void backendSettingKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BackendOptions.defaults().withSetting("inputConvolution", "hoisted"));
    assertEquals("setting keys must look like 'prefix.name' (a lower-case backend prefix, a "
        + "dot, a name), got 'inputConvolution'", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BackendOptions.defaults().withSetting("DJL.x", "1"));
    assertThrows(IllegalArgumentException.class,
        () -> BackendOptions.defaults().withSetting("djl.", "1"));
    assertThrows(NullPointerException.class,
        () -> BackendOptions.defaults().withSetting("djl.x", null));
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

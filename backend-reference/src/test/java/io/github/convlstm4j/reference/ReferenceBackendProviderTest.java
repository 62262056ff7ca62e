package io.github.convlstm4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.EnumSet;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReferenceBackendProviderTest {

  @Test
  @DisplayName("is found by ServiceLoader as 'reference', priority 100, with every capability")
  void discovered() {
    BackendProvider found = null;
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("reference")) {
        found = p;
      }
    }
    assertTrue(found instanceof ReferenceBackendProvider, "provider not registered");
    assertEquals(100, found.priority());
    assertTrue(found.probe().available());
    assertTrue(found.probe().reason().contains("kernel"), found.probe().reason());
    assertEquals(EnumSet.allOf(Capability.class), found.capabilities());
  }

  @Test
  @DisplayName("Forecasters.create picks it by name and it runs the seed model's shapes")
  void createsByName() {
    try (Forecaster f = Forecasters.create("reference", TestSupport.smallBatchNormModel())) {
      assertEquals("reference", f.backendName());
      assertEquals(TestSupport.smallBatchNormModel(), f.spec());
    }
  }

  @Test
  @DisplayName("refuses a GPU device")
  void refusesGpu() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
            BackendOptions.defaults().withDevice("gpu")));
    assertTrue(e.getMessage().contains("gpu"), e.getMessage());
  }

  @Test
  @DisplayName("takes reference.convolution and reference.vectorBits, refuses other reference.* settings and bad values, "
      + "ignores other backends' settings")
  void settings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
            BackendOptions.defaults().withSetting("reference.kernel", "scalar")));
    assertEquals("the reference backend's settings are reference.convolution and "
        + "reference.vectorBits, got [reference.kernel]", e.getMessage());
    for (String bad : new String[] {"384", "wide"}) {
      e = assertThrows(IllegalArgumentException.class,
          () -> new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
              BackendOptions.defaults().withSetting("reference.vectorBits", bad)));
      assertEquals("reference.vectorBits must be 128, 256 or 512, got '" + bad + "'",
          e.getMessage());
    }
    for (String bits : new String[] {"256", "512"}) {
      try (Forecaster f = new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
          BackendOptions.defaults().withSetting("reference.vectorBits", bits))) {
        assertEquals("vector-" + bits, f.runtimeInfo().get("kernel"), f.runtimeInfo().toString());
      }
    }
    e = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
            BackendOptions.defaults().withSetting("reference.convolution", "fft")));
    assertEquals("reference.convolution must be direct, winograd or winograd4, got 'fft'",
        e.getMessage());
    for (String algorithm : new String[] {"direct", "winograd", "winograd4"}) {
      try (Forecaster f = new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
          BackendOptions.defaults().withSetting("reference.convolution", algorithm))) {
        assertTrue(f.toString().contains("convolution=" + algorithm), f.toString());
      }
    }
    try (Forecaster f = new ReferenceBackendProvider().create(TestSupport.smallBatchNormModel(),
        BackendOptions.defaults().withSetting("djl.inputConvolution", "per-step"))) {
      assertEquals("reference", f.backendName());
    }
  }
}

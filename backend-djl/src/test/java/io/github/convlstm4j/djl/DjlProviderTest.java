package io.github.convlstm4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.net.URL;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Names, priorities, discovery, honest probing and engine selection of the two providers. */
class DjlProviderTest {

  private static final ModelSpec TINY = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2))
      .build();

  /** A class loader that hides some resources and otherwise delegates. */
  static ClassLoader hiding(String... hidden) {
    List<String> h = List.of(hidden);
    return new ClassLoader(DjlProviderTest.class.getClassLoader()) {
      @Override
      public URL getResource(String name) {
        return h.contains(name) ? null : super.getResource(name);
      }

      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (h.contains(name)) {
          throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
      }
    };
  }

  @Test
  @DisplayName("both providers are found by ServiceLoader with their names and priorities")
  void discovery() {
    List<String> names = ServiceLoader.load(BackendProvider.class).stream()
        .map(p -> p.get().name() + ":" + p.get().priority()).collect(Collectors.toList());
    assertTrue(names.contains("djl-pytorch:50"), names.toString());
    assertTrue(names.contains("djl-mxnet:40"), names.toString());
    assertEquals(EnumSet.allOf(Capability.class), new DjlPytorchProvider().capabilities());
  }

  @Test
  @DisplayName("probe says available when the engine classes and native artifacts are present")
  void probeAvailable() {
    Availability pt = new DjlPytorchProvider().probe();
    Availability mx = new DjlMxnetProvider().probe();
    assertTrue(pt.available(), pt.reason());
    assertTrue(mx.available(), mx.reason());
    assertTrue(pt.reason().contains("linux-x86_64"), pt.reason());
  }

  @Test
  @DisplayName("probe says unavailable, with the reason, when the natives are missing")
  void probeMissingNatives() {
    assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null);
    Availability a = new DjlBackendProvider(DjlEngineKind.PYTORCH,
        hiding("native/lib/pytorch.properties")) {}.probe();
    assertFalse(a.available());
    assertTrue(a.reason().contains("pytorch-native-cpu"), a.reason());
    assertTrue(a.reason().contains("native/lib/pytorch.properties"), a.reason());
    Availability jni = new DjlBackendProvider(DjlEngineKind.PYTORCH,
        hiding("jnilib/pytorch.properties")) {}.probe();
    assertFalse(jni.available());
    assertTrue(jni.reason().contains("pytorch-jni"), jni.reason());
  }

  @Test
  @DisplayName("probe says unavailable when the engine classes are missing, and create refuses")
  void probeMissingEngine() {
    DjlBackendProvider p = new DjlBackendProvider(DjlEngineKind.MXNET,
        hiding("ai.djl.mxnet.engine.MxEngineProvider")) {};
    Availability a = p.probe();
    assertFalse(a.available());
    assertTrue(a.reason().contains("ai.djl.mxnet.engine.MxEngineProvider"), a.reason());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.create(TINY, BackendOptions.defaults()));
    assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
  }

  @Test
  @DisplayName("a forced GPU without one fails clearly; offline mode is set")
  void deviceAndOffline() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new DjlPytorchProvider().create(TINY, BackendOptions.defaults().withDevice("gpu")));
    assertTrue(e.getMessage().contains("0 GPUs"), e.getMessage());
    try (Forecaster f = new DjlPytorchProvider().create(TINY,
        BackendOptions.defaults().withDevice("cpu"))) {
      assertEquals("djl-pytorch", f.backendName());
      assertEquals("true", System.getProperty("ai.djl.offline"));
    }
  }

  @Test
  @DisplayName("djl.* settings: unknown keys and values are refused naming them, others ignored")
  void settings() {
    BackendOptions cpu = BackendOptions.defaults().withDevice("cpu");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DjlPytorchProvider().create(TINY, cpu.withSetting("djl.inputConv", "hoisted")));
    assertEquals("unknown DJL backend setting 'djl.inputConv': the DJL backends know only "
        + "djl.inputConvolution", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DjlPytorchProvider().create(TINY,
        cpu.withSetting("djl.inputConvolution", "fused")));
    assertEquals("djl.inputConvolution must be hoisted, per-step or concatenated, got 'fused'",
        e.getMessage());
    try (Forecaster f = new DjlPytorchProvider().create(TINY,
        cpu.withSetting("reference.anything", "x"))) {
      assertEquals("djl-pytorch", f.backendName(), "another backend's keys are ignored");
    }
  }

  @Test
  @DisplayName("djl.inputConvolution selects the form, on both engines")
  void inputConvolutionSetting() {
    for (BackendProvider p : List.of(new DjlPytorchProvider(), new DjlMxnetProvider())) {
      for (String form : List.of("hoisted", "per-step", "concatenated")) {
        try (Forecaster f = p.create(TINY, BackendOptions.defaults().withThreads(2)
            .withSetting("djl.inputConvolution", form))) {
          assertTrue(f.toString().contains("inputConvolution=" + form), f.toString());
        }
      }
      String expected = p.name().equals("djl-pytorch") ? "concatenated" : "per-step";
      try (Forecaster f = p.create(TINY, BackendOptions.defaults())) {
        assertTrue(f.toString().contains("inputConvolution=" + expected), "default: " + f);
      }
    }
  }

  @Test
  @DisplayName("Forecasters picks a DJL backend by name")
  void selectionByName() {
    try (Forecaster f = Forecasters.create("djl-mxnet", TINY)) {
      assertEquals("djl-mxnet", f.backendName());
    }
  }
}

package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The labels reference/direct and reference/winograd: what they parse to, that a forecaster
 * which ignored the setting is caught, and that the real reference backend honours them.
 */
class ReferenceConvolutionLabelsTest {

  private static final Map<String, String> WINOGRAD_FORECASTER = Map.of("backend",
      "reference", "threads", "2", "kernel", "vector-256", "convolution", "winograd");
  private static final Map<String, String> DIRECT_FORECASTER = Map.of("backend", "reference",
      "threads", "2", "kernel", "vector-256", "convolution", "direct");

  @Test
  void directAndWinogradAreTheVectorJvmWithTheConvolutionSetting() {
    for (String algorithm : List.of("direct", "winograd")) {
      BenchConfiguration c = BenchConfiguration.parse("reference/" + algorithm);
      assertEquals("reference/" + algorithm, c.label());
      assertEquals("reference", c.backend());
      assertTrue(c.vectorJvm(), "Vector API JVM");
      assertFalse(c.scalar());
      assertEquals(Map.of("reference.convolution", algorithm), c.settings());
      assertEquals(Map.of("reference.convolution", algorithm), c.options(3).settings());
      assertEquals(3, c.options(3).threads());
      assertEquals(Map.of("convolution", algorithm), c.expectedRuntime());
    }
    // The kernel variants keep the backend's default algorithm: no setting, nothing checked.
    for (String kernel : List.of("reference/vector", "reference/scalar")) {
      BenchConfiguration c = BenchConfiguration.parse(kernel);
      assertTrue(c.settings().isEmpty(), kernel);
      assertTrue(c.mismatch(DIRECT_FORECASTER).isEmpty(), kernel);
      assertTrue(c.mismatch(WINOGRAD_FORECASTER).isEmpty(), kernel);
    }
  }

  @Test
  void widthVariantsForceTheVectorBitsAndCheckTheKernel() {
    for (String bits : List.of("256", "512")) {
      BenchConfiguration c = BenchConfiguration.parse("reference/vector-" + bits);
      assertTrue(c.vectorJvm());
      assertEquals(Map.of("reference.vectorBits", bits), c.options(2).settings());
      assertEquals(Map.of("kernel", "vector-" + bits), c.expectedRuntime());
    }
    assertTrue(BenchConfiguration.parse("reference/vector-256").mismatch(DIRECT_FORECASTER)
        .isEmpty());
    assertEquals("expected a forecaster with kernel=vector-512, got " + DIRECT_FORECASTER,
        BenchConfiguration.parse("reference/vector-512").mismatch(DIRECT_FORECASTER)
            .orElseThrow());
  }

  @Test
  void aForecasterRunningTheOtherAlgorithmIsAMismatch() {
    BenchConfiguration direct = BenchConfiguration.parse("reference/direct");
    BenchConfiguration winograd = BenchConfiguration.parse("reference/winograd");
    assertTrue(direct.mismatch(DIRECT_FORECASTER).isEmpty());
    assertTrue(winograd.mismatch(WINOGRAD_FORECASTER).isEmpty());
    assertEquals("expected a forecaster with convolution=direct, got " + WINOGRAD_FORECASTER,
        direct.mismatch(WINOGRAD_FORECASTER).orElseThrow());
    assertEquals("expected a forecaster with convolution=winograd, got " + DIRECT_FORECASTER,
        winograd.mismatch(DIRECT_FORECASTER).orElseThrow());
    // Runtime information without the entry (a backend that ignores the setting) fails too,
    // and so do other keys with the value and values that merely start with it.
    assertTrue(direct.mismatch(Map.of("kernel", "vector-256", "threads", "2")).isPresent());
    assertTrue(direct.mismatch(Map.of("inputConvolution", "direct")).isPresent());
    assertTrue(direct.mismatch(Map.of("convolution", "directly")).isPresent());
    assertTrue(direct.mismatch(Map.of("convolution", "direct")).isEmpty());
  }

  @Test
  void kernelOfNamesTheReferenceKernelOrTheDjlEngineEntries() {
    assertEquals("vector-256", BenchConfiguration.kernelOf(WINOGRAD_FORECASTER));
    Map<String, String> djl = new java.util.LinkedHashMap<>();
    djl.put("backend", "djl-pytorch");
    djl.put("threads", "2");
    djl.put("engine", "PyTorch 2.7.1");
    djl.put("device", "cpu()");
    djl.put("inputConvolution", "per-step");
    assertEquals("engine=PyTorch 2.7.1, device=cpu(), inputConvolution=per-step",
        BenchConfiguration.kernelOf(djl));
  }

  @Test
  void unknownReferenceVariantsNameTheFourKnownOnes() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> BenchConfiguration.parse("reference/fft"));
    assertEquals("reference variants are vector, scalar, vector-256, vector-512, direct, "
        + "winograd, winograd4, got "
        + "'reference/fft'", e.getMessage());
  }

  @Test
  void theDefaultSetHasDirectNextToVectorAndRequestedWinogradRuns() {
    List<String> skipped = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (BenchConfiguration c : BenchConfiguration.available(null, BenchCommand::inDefaultSet,
        skipped)) {
      labels.add(c.label());
    }
    assertEquals(List.of("reference/vector", "reference/direct", "reference/scalar"),
        labels.subList(0, 3), "reference configurations first: " + labels);
    assertFalse(labels.contains("reference/winograd"), labels.toString());

    List<BenchConfiguration> asked = BenchConfiguration.available(
        List.of("reference/winograd", "reference/direct"), BenchCommand::inDefaultSet, skipped);
    assertEquals(List.of("reference/direct", "reference/winograd"),
        asked.stream().map(BenchConfiguration::label).toList());
    assertEquals("winograd", asked.get(1).settings().get("reference.convolution"));
    assertTrue(skipped.isEmpty(), skipped.toString());
  }

  @Test
  void theReferenceBackendHonoursTheSettingTheLabelsCarry() {
    // The real backend, not a stub: if it ignored or renamed the setting, the bench's check
    // would fail every reference/direct run; this catches it without a child JVM.
    for (String algorithm : List.of("direct", "winograd")) {
      BenchConfiguration c = BenchConfiguration.parse("reference/" + algorithm);
      try (Forecaster f = Forecasters.create(c.backend(), BenchModel.TINY.spec(),
          c.options(1))) {
        assertEquals(Optional.empty(), c.mismatch(f.runtimeInfo()), f.toString());
        assertEquals(algorithm, f.runtimeInfo().get("convolution"));
      }
    }
    // Without the setting the reference backend runs Winograd (what reference/vector measures).
    try (Forecaster f = Forecasters.create("reference", BenchModel.TINY.spec(),
        BenchConfiguration.parse("reference/vector").options(1))) {
      assertEquals("winograd", f.runtimeInfo().get("convolution"));
    }
  }
}

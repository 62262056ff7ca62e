package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A soak phase judged from a child's JSON, the soak settings' round trip, and the labels. */
class SoakFiguresTest {

  private static Map<String, Object> sample(int calls, double rss, double heapCommitted,
      double nonHeap) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("calls", calls);
    s.put("rssMiB", rss);
    s.put("heapUsedMiB", 1.0);
    s.put("heapCommittedMiB", heapCommitted);
    s.put("nonHeapCommittedMiB", nonHeap);
    return s;
  }

  @Test
  void aPhaseIsJudgedOnTheSamplesAfterWarmUpAndSplitsTheGrowth() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("calls", 40);
    p.put("warmup", 10);
    p.put("completed", 40);
    p.put("secondsPerCallAfterWarmup", 0.5);
    p.put("liveHeapAfterWarmupMiB", 20.0);
    p.put("liveHeapEndMiB", 23.5);
    List<Object> samples = new ArrayList<>();
    samples.add(sample(0, 100, 64, 30));    // warm-up: not judged
    samples.add(sample(10, 300, 128, 40));  // start
    samples.add(sample(20, 310, 128, 41));
    samples.add(sample(30, 305, 128, 41));
    samples.add(sample(40, 330, 160, 42));  // last
    p.put("samples", samples);

    SoakResult.Phase ph = SoakResult.phase("predict", p);

    assertEquals(40, ph.calls());
    assertEquals(10, ph.warmup());
    assertEquals(4, ph.rss().samples());
    assertEquals(300, ph.rss().start());
    assertEquals(330, ph.rss().max());
    assertEquals(30, ph.rss().growth());
    // x = 10..40 (mean 25), y = 300, 310, 305, 330 (mean 311.25):
    // Sxy = (-15)(-11.25) + (-5)(-1.25) + 5(-6.25) + 15(18.75) = 168.75 + 6.25 - 31.25
    // + 281.25 = 425; Sxx = 225 + 25 + 25 + 225 = 500; slope 0.85 MiB per call.
    assertEquals(850.0, ph.rss().slopePerThousand(), 1e-9);
    // rise 0.85 * 30 = 25.5 < 32 and growth 30 < 64: flat
    assertEquals(MemoryTrend.FLAT, ph.rss().verdict());
    assertEquals(32.0, ph.heapCommittedDelta());
    assertEquals(2.0, ph.nonHeapDelta());
    // RSS change 30 = heap 32 + non-heap 2 + other (-4)
    assertEquals(-4.0, ph.otherDelta());
    assertEquals(3.5, ph.liveHeapDelta());
    assertEquals(0.5, ph.secondsPerCall());
    assertNull(ph.error());
    assertEquals(5, ph.rssCurve().size());
  }

  @Test
  void aRunIsFlatOnlyWhenEveryPhaseRanAndIsFlat() {
    Map<String, Object> child = new LinkedHashMap<>();
    child.put("peakRssMiB", 400.0);
    child.put("kernel", "vector-256");
    Map<String, Object> predict = new LinkedHashMap<>();
    predict.put("warmup", 0);
    predict.put("completed", 3);
    predict.put("samples", List.of(sample(0, 100, 1, 1), sample(1, 100, 1, 1),
        sample(2, 101, 1, 1)));
    child.put("predict", predict);
    SoakResult.Run onlyPredict = SoakResult.Run.fromJson("x", child);
    assertEquals(1, onlyPredict.phases().size());
    assertFalse(onlyPredict.flat(), "the training phase is missing");
    child.put("train", predict);
    assertFalse(SoakResult.Run.fromJson("x", child).flat(), "the stream phase is missing");
    child.put("stream", predict);
    SoakResult.Run both = SoakResult.Run.fromJson("x", child);
    assertTrue(both.flat());
    assertEquals(3, both.phases().size());
    assertEquals(400.0, both.peakRssMiB());
    child.put("predictFinite", false);
    SoakResult.Run nan = SoakResult.Run.fromJson("x", child);
    assertFalse(nan.flat());
    assertEquals("predict returned non-finite values", nan.error());
    child.put("error", "boom");
    assertFalse(SoakResult.Run.fromJson("x", child).flat());
    assertEquals("boom", SoakResult.Run.fromJson("x", child).error());
    assertFalse(new SoakResult(Map.of(), settings(), List.of(), List.of()).allFlat(),
        "nothing ran: not flat");
  }

  @Test
  void spreadKeepsFirstAndLastAndSpacesTheRest() {
    List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // i * 10 / 4 rounded: 0, 2.5 -> 3 (half up), 5, 7.5 -> 8, 10
    assertEquals(List.of(0, 3, 5, 8, 10), SoakResult.spread(all, 5));
    assertEquals(List.of(1, 2), SoakResult.spread(List.of(1, 2), 5));
  }

  @Test
  void soakSettingsRoundTripThroughChildArguments() {
    SoakSettings s = settings();
    assertEquals(s, SoakSettings.parse(s.toArguments()));
    assertTrue(s.toArguments().contains("predictWarmup=200"), s.toArguments().toString());
    assertEquals("batch 2, 8 frames, 40x40x1", s.shapeDescription());
  }

  @Test
  void soakSettingsNameTheBadValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SoakSettings(BenchModel.CPU, 2, 8, 40, 0, 100, 100, 25, 200, 20, 5,
            10_000, 1000, 250));
    assertEquals("predictWarmup must be >= 0 and below predicts (100), got 100",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new SoakSettings(BenchModel.CPU, 0, 8, 40, 0, 100, 10, 25, 200, 20, 5,
            10_000, 1000, 250));
    assertEquals("batch must be >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new SoakSettings(BenchModel.CPU, 2, 8, 40, 0, 100, 10, 25, 200, 20, 5,
            100, 100, 250));
    assertEquals("streamWarmup must be >= 0 and below streamFrames (100), got 100",
        e.getMessage());
    List<String> args = new ArrayList<>(settings().toArguments());
    args.add("colour=red");
    e = assertThrows(IllegalArgumentException.class, () -> SoakSettings.parse(args));
    assertTrue(e.getMessage().startsWith("unknown soak argument 'colour'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SoakSettings.parse(List.of("model=cpu")));
    assertTrue(e.getMessage().startsWith("soak argument batch=... is missing"), e.getMessage());
  }

  @Test
  void configurationLabelsMapToBackendsJvmsAndSettings() {
    BenchConfiguration perStep = BenchConfiguration.parse("djl-pytorch/per-step");
    assertEquals("djl-pytorch", perStep.backend());
    assertEquals(Map.of("djl.inputConvolution", "per-step"), perStep.settings());
    assertEquals(Map.of("djl.inputConvolution", "per-step"), perStep.options(2).settings());
    assertTrue(perStep.vectorJvm());
    assertTrue(perStep.mismatch(Map.of("engine", "PyTorch 2.7.1", "device", "cpu()",
        "inputConvolution", "per-step")).isEmpty());
    assertEquals("expected a forecaster with inputConvolution=per-step, got "
        + "{inputConvolution=hoisted}",
        perStep.mismatch(Map.of("inputConvolution", "hoisted")).orElseThrow());

    BenchConfiguration scalar = BenchConfiguration.parse("reference/scalar");
    assertEquals("reference", scalar.backend());
    assertFalse(scalar.vectorJvm());
    assertTrue(scalar.scalar());
    assertTrue(scalar.settings().isEmpty());
    assertFalse(BenchConfiguration.parse("reference/vector").scalar());
    BenchConfiguration plain = BenchConfiguration.parse("djl-mxnet");
    assertTrue(plain.settings().isEmpty());
    assertTrue(plain.mismatch(Map.of("inputConvolution", "anything")).isEmpty());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchConfiguration.parse("reference/per-step"));
    assertEquals("reference variants are vector, scalar, vector-256, vector-512, direct, "
        + "winograd, winograd4, got "
        + "'reference/per-step'",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BenchConfiguration.parse("djl-pytorch/"));
  }

  @Test
  void theDefaultBenchSetHasBothReferenceKernelsAndHoistedAndPerStepOnlyForPyTorch() {
    assertTrue(BenchCommand.inDefaultSet("reference/vector"));
    assertTrue(BenchCommand.inDefaultSet("reference/scalar"));
    assertTrue(BenchCommand.inDefaultSet("reference/direct"));
    assertFalse(BenchCommand.inDefaultSet("reference/winograd"));
    assertFalse(BenchCommand.inDefaultSet("reference"));
    assertTrue(BenchCommand.inDefaultSet("djl-pytorch"));
    assertTrue(BenchCommand.inDefaultSet("djl-pytorch/per-step"));
    assertTrue(BenchCommand.inDefaultSet("djl-pytorch/hoisted"));
    assertFalse(BenchCommand.inDefaultSet("djl-pytorch/concatenated"));
    assertTrue(BenchCommand.inDefaultSet("djl-mxnet"));
    assertFalse(BenchCommand.inDefaultSet("djl-mxnet/per-step"));
  }

  private static SoakSettings settings() {
    return new SoakSettings(BenchModel.CPU, 2, 8, 40, 0, 2000, 200, 25, 200, 20, 5, 10_000,
        1000, 250);
  }
}

package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming targets, judged on every configuration from made-up child results. */
class StreamTargetsTest {

  /** A child result whose streaming phase took these medians (one sample each). */
  private static Measurement streamed(String label, double rerun, double session, double push,
      double predict, double diff) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rolloutRerun", Stats.of(List.of(rerun)).toJson());
    s.put("rolloutSession", Stats.of(List.of(session)).toJson());
    s.put("push", Stats.of(List.of(push)).toJson());
    s.put("predict", Stats.of(List.of(predict)).toJson());
    s.put("rolloutMaxAbsDifference", diff);
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("stream", s);
    return Measurement.fromJson(label, "seed", j);
  }

  private static List<Target> streamingTargets(Measurement... ms) {
    BenchResult r = new BenchResult(Map.of(), Map.of(),
        List.of(new BenchResult.ModelResults(BenchModel.SEED, List.of(ms))), List.of());
    List<Target> t = r.targets();
    return t.subList(t.size() - 3, t.size());
  }

  @Test
  void everyBackendMustMeetTheTargetAndTheWorstIsNamed() {
    List<Target> t = streamingTargets(
        streamed("a", 10.0, 1.0, 0.05, 1.0, 0.0),    // 10x, 0.05
        streamed("b", 9.0, 1.5, 0.2, 1.0, 2e-6));    // 6x, 0.2
    assertEquals("rollout 7 -> 16 by session >= 8x faster than by re-running (batch 1, every "
        + "backend)", t.get(0).goal());
    assertEquals("lowest 6.00x (b): a 10.00x, b 6.00x", t.get(0).measured());
    assertEquals("NOT met", t.get(0).status());
    assertEquals("one push <= 1/10 of a 15-frame predict (batch 1, every backend)",
        t.get(1).goal());
    assertEquals("highest 0.200 (b): a 0.050, b 0.200", t.get(1).measured());
    assertEquals("NOT met", t.get(1).status());
    assertEquals("met", t.get(2).status(), t.get(2).measured());

    List<Target> good = streamingTargets(streamed("a", 10.0, 1.0, 0.05, 1.0, 1e-5));
    assertEquals("met", good.get(0).status());
    assertEquals("met", good.get(1).status());
    assertEquals("met", good.get(2).status(), "1e-5 itself is within the tolerance");
    assertEquals("NOT met", streamingTargets(streamed("a", 10.0, 1.0, 0.05, 1.0, 2e-5)).get(2)
        .status());
  }

  @Test
  void aFailedOrMissingStreamingPhaseIsNotMeasuredOrOnlyMetWhereMeasured() {
    Measurement failed = Measurement.fromJson("c", "seed",
        Map.<String, Object>of("stream", Map.of("error", "IllegalStateException: boom")));
    Measurement peer = Measurement.fromJson("python-pytorch", "seed", Map.of());
    List<Target> none = streamingTargets(failed, peer);
    assertEquals("not measured", none.get(0).status());
    assertEquals("no streaming figures measured; streaming failed: c (IllegalStateException: "
        + "boom)", none.get(0).measured());
    List<Target> some = streamingTargets(streamed("a", 10.0, 1.0, 0.05, 1.0, 0.0), failed,
        peer);
    assertEquals("met where measured", some.get(0).status());
    assertTrue(some.get(0).measured().startsWith("lowest 10.00x (a): a 10.00x; streaming "
        + "failed: c"), some.get(0).measured());
  }
}

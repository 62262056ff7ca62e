package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's arithmetic: FLOP counts, statistics, ratios, JSON round trips. */
class BenchFiguresTest {

  @Test
  void seedForwardFlopsMatchTheHandCount() {
    // By hand, N = 10, T = 15, H = W = 40, 3x3 kernels, F = 40:
    // layer 1: 2*10*1600*(9*1 + 9*40)*160*15 = 28,339,200,000
    // layers 2-4: 2*10*1600*(9*40 + 9*40)*160*15 = 55,296,000,000 each
    // head: 2*10*15*1600*27*40*1 = 518,400,000
    double expected = 28_339_200_000.0 + 3 * 55_296_000_000.0 + 518_400_000.0;
    assertEquals(expected, Flops.forward(BenchModel.SEED), 0.5);
    assertEquals(3 * expected, Flops.trainingStep(BenchModel.SEED), 1.5);
  }

  @Test
  void cpuPresetForwardFlopsMatchTheHandCount() {
    // layer 1: 2*10*1600*(9 + 144)*64*15 = 4,700,160,000
    // layer 2: 2*10*1600*(144 + 144)*64*15 = 8,847,360,000
    // head: 2*10*15*1600*27*16 = 207,360,000
    assertEquals(4_700_160_000.0 + 8_847_360_000.0 + 207_360_000.0,
        Flops.forward(BenchModel.CPU), 0.5);
  }

  @Test
  void statisticsAreMedianMinMaxOfTheTimedRuns() {
    Stats odd = Stats.of(List.of(3.0, 1.0, 2.0));
    assertEquals(2.0, odd.median());
    assertEquals(1.0, odd.min());
    assertEquals(3.0, odd.max());
    assertEquals(2.5, Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
    assertTrue(Double.isNaN(Stats.of(List.of()).median()));
  }

  @Test
  void ratioIsHowManyTimesFasterTheRowIsThanTheColumn() {
    Measurement fast = measurement("a", 1.0);
    Measurement slow = measurement("b", 4.0);
    Map<String, Map<String, Double>> m = Ratios.matrix(List.of(fast, slow),
        Measurement::forward);
    assertEquals(4.0, m.get("a").get("b"));
    assertEquals(0.25, m.get("b").get("a"));
    assertEquals(1.0, m.get("a").get("a"));
    assertEquals(4.0, Ratios.speedup(List.of(fast, slow), "a", "b", Measurement::forward));
    assertTrue(Double.isNaN(Ratios.speedup(List.of(fast), "a", "c", Measurement::forward)));
  }

  @Test
  void hoistingGainIsPerStepTimeOverEachOtherFormsTimePerDjlBackend() {
    BenchResult.ModelResults mr = new BenchResult.ModelResults(BenchModel.CPU, List.of(
        measurement("reference/vector", 0.5, Map.of("kernel", "vector-256")),
        measurement("djl-pytorch", 2.0, Map.of("engine", "PyTorch 2.7.1",
            "inputConvolution", "hoisted")),
        measurement("djl-pytorch/per-step", 3.0, Map.of("inputConvolution", "per-step")),
        measurement("djl-pytorch/concatenated", 4.0,
            Map.of("inputConvolution", "concatenated")),
        measurement("djl-pytorch/unreported", 5.0, Map.of()),
        measurement("djl-mxnet", 4.0, Map.of("inputConvolution", "hoisted"))));
    Map<String, Map<String, Object>> g = BenchResult.hoistingGains(mr);
    // djl-mxnet has no per-step row; reference is not DJL; per-step is the baseline itself.
    assertEquals(List.of("djl-pytorch", "djl-pytorch/concatenated", "djl-pytorch/unreported"),
        List.copyOf(g.keySet()));
    // 3.0 / 2.0 = 1.5 and 3.0 / 4.0 = 0.75; no training figures: NaN
    assertEquals(1.5, g.get("djl-pytorch").get("forward"));
    assertEquals("hoisted", g.get("djl-pytorch").get("form"));
    assertEquals(0.75, g.get("djl-pytorch/concatenated").get("forward"));
    assertEquals("concatenated", g.get("djl-pytorch/concatenated").get("form"));
    assertTrue(Double.isNaN((Double) g.get("djl-pytorch").get("train")));
    // A child that reported no runtime information: the form is unknown, not guessed.
    assertEquals("?", g.get("djl-pytorch/unreported").get("form"));
  }

  @Test
  void jsonRoundTripsObjectsArraysStringsAndNumbers() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "quote \" and \\ and\nnewline");
    m.put("list", List.of(1.5, 2.0, "x"));
    m.put("flag", true);
    m.put("nothing", null);
    m.put("nan", Double.NaN);
    m.put("infinity", Float.NEGATIVE_INFINITY);
    m.put("count", 7);
    m.put("third", 1.0 / 3);
    Map<String, Object> back = Json.parseObject(Json.writeCompact(m));
    assertEquals("quote \" and \\ and\nnewline", back.get("name"));
    assertEquals(List.of(1.5, 2.0, "x"), back.get("list"));
    assertEquals(true, back.get("flag"));
    assertTrue(back.containsKey("nothing"));
    // JSON has no NaN or infinity: they are written as null.
    assertTrue(back.containsKey("nan") && back.get("nan") == null, back.toString());
    assertTrue(back.containsKey("infinity") && back.get("infinity") == null, back.toString());
    // One number format: integers stay integers, doubles round-trip exactly.
    assertEquals(7, back.get("count"));
    assertEquals(1.0 / 3, back.get("third"));
    assertTrue(Json.writeCompact(m).contains("\"list\":[1.5,2.0,\"x\"]"), Json.writeCompact(m));
    assertEquals(Json.parseObject(Json.write(m)), back);
    assertTrue(Json.writeCompact(m).indexOf('\n') < 0, "compact is one line");
    assertTrue(Json.write(m).endsWith("}\n"), "a report file ends in a newline");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.parse("{\"a\": }"));
    assertTrue(e.getMessage().startsWith("malformed JSON: ")
        && e.getMessage().endsWith(" at offset 6"), e.getMessage());
    // What the Python peer's json.dumps writes for a missing figure.
    assertTrue(Double.isNaN(((Number) Json.parseObject("{\"x\": NaN}").get("x"))
        .doubleValue()));
  }

  @Test
  void pythonArgumentsDescribeTheSeedModel() {
    List<String> a = BenchModel.SEED.pythonArguments();
    assertEquals(List.of("--layers", "4", "--filters", "40", "--kernel", "3", "--channels", "1",
        "--height", "40", "--width", "40", "--frames", "15", "--batch", "10", "--batch-norm",
        "on", "--gates", "hard_sigmoid", "--head-filters", "1", "--head-kernel", "3",
        "--head-time-padding", "same"), a);
    assertTrue(BenchModel.CPU.pythonArguments().containsAll(List.of("sigmoid", "causal")));
  }

  private static Measurement measurement(String label, double forwardSeconds) {
    return measurement(label, forwardSeconds, Map.of());
  }

  /** A measurement whose child reported {@code runtime} as its runtime information. */
  private static Measurement measurement(String label, double forwardSeconds,
      Map<String, String> runtime) {
    return new Measurement(label, "m", Stats.of(List.of(forwardSeconds)), Stats.NONE, 1, 1,
        true, BenchConfiguration.kernelOf(runtime), null,
        runtime.isEmpty() ? Map.of() : Map.of("runtime", new LinkedHashMap<>(runtime)));
  }
}

package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.BackendInfo;
import io.github.convlstm4j.api.Forecasters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the bench once in its tiny configuration (every configuration in a child JVM, the
 * Python peer if present) to prove it works end to end. No timing is asserted.
 */
class BenchCommandTest {

  @TempDir
  Path dir;

  @Test
  void aThreadVariantRunsOnItsThreadsAndTheReportGivesTheScaling() throws Exception {
    Path json = dir.resolve("threads.json");
    Cli run = Cli.run("bench", "--tiny", "--reps", "1", "--warmup", "0", "--no-peer",
        "--no-kernels", "--threads", "2", "--backends", "reference/vector,reference/vector@1",
        "--out", json.toString());
    assertEquals(0, run.exitCode(), () -> "stderr:\n" + run.err() + "\nstdout:\n" + run.out());
    Map<String, Object> report = Json.parseObject(Files.readString(json));
    @SuppressWarnings("unchecked")
    Map<String, Object> model = (Map<String, Object>) ((List<?>) report.get("models")).get(0);
    // The child checked that the forecaster reported threads=1 (else the row is an error).
    Map<String, Object> one = row(model, "reference/vector@1");
    assertEquals(null, one.get("error"), one::toString);
    assertEquals(1, ((Number) ((Map<?, ?>) one.get("child")).get("threads")).intValue(),
        one::toString);
    assertEquals(2, ((Number) ((Map<?, ?>) row(model, "reference/vector").get("child"))
        .get("threads")).intValue());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> scaling =
        (Map<String, Map<String, Object>>) model.get("threadScaling");
    Map<String, Object> s = scaling.get("reference/vector@1");
    assertTrue(((Number) s.get("forward")).doubleValue() > 0
        && ((Number) s.get("train")).doubleValue() > 0, scaling::toString);
    assertTrue(run.out().contains("Thread scaling (tiny)"), run.out());
    assertTrue(String.valueOf(report.get("targets")).contains("two threads"));
  }

  @Test
  void tinyRunReportsEveryConfigurationWithFiniteRatios() throws Exception {
    Path json = dir.resolve("bench.json");
    Path md = dir.resolve("bench.md");
    Cli run = Cli.run("bench", "--tiny", "--reps", "1", "--warmup", "0", "--out",
        json.toString(), "--out", md.toString());

    String text = run.out();
    assertEquals(0, run.exitCode(), () -> "stderr:\n" + run.err() + "\nstdout:\n" + text);
    Map<String, Object> report = Json.parseObject(Files.readString(json));
    List<String> expected = new ArrayList<>(List.of("reference/vector", "reference/direct",
        "reference/scalar"));
    for (BackendInfo b : Forecasters.backends()) {
      if (b.availability().available() && !b.name().equals("reference")) {
        expected.add(b.name());
        if (b.name().equals("djl-pytorch")) {
          expected.add("djl-pytorch/hoisted");
          expected.add("djl-pytorch/per-step");
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> model = (Map<String, Object>) ((List<?>) report.get("models")).get(0);
    assertEquals("tiny", model.get("model"));
    List<String> labels = new ArrayList<>();
    for (Object o : (List<?>) model.get("results")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) o;
      labels.add(String.valueOf(r.get("label")));
    }
    assertTrue(labels.containsAll(expected), "rows " + labels + " must include " + expected);
    // The per-step configuration ran with the setting (the child checked the forecaster), the
    // default one with another form, and the gain is reported for the pair.
    if (expected.contains("djl-pytorch/per-step")) {
      Map<String, Object> perStep = row(model, "djl-pytorch/per-step");
      assertEquals(null, perStep.get("error"), () -> "per-step: " + perStep);
      assertTrue(String.valueOf(perStep.get("detail")).contains("inputConvolution=per-step"),
          perStep.toString());
      String plain = String.valueOf(row(model, "djl-pytorch").get("detail"));
      assertTrue(plain.contains("inputConvolution=") && !plain.contains("=per-step"), plain);
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> gain =
          (Map<String, Map<String, Object>>) model.get("hoistingGain");
      assertTrue(((Number) gain.get("djl-pytorch").get("forward")).doubleValue() > 0,
          "hoisting gain: " + gain);
      assertEquals("hoisted", gain.get("djl-pytorch/hoisted").get("form"), gain.toString());
      assertTrue(text.contains("Input convolution scheduling (tiny)"), text);
    }
    for (String label : expected) {
      assertTrue(text.lines().anyMatch(l -> l.startsWith(label + " ")),
          "text table has a row for " + label + ":\n" + text);
    }
    // The peer either ran or the report says why it was skipped.
    String skipped = String.valueOf(report.get("skipped"));
    assertTrue(labels.contains(PythonPeer.LABEL)
            || skipped.contains(PythonPeer.LABEL + ": skipped the peer"),
        "peer row or skip reason; skipped: " + skipped);

    // Both reference kernels produced forward figures, so at least one ratio pair exists.
    @SuppressWarnings("unchecked")
    Map<String, Object> ratios = (Map<String, Object>) model.get("ratios");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> forward =
        (Map<String, Map<String, Object>>) ratios.get("forward");
    assertTrue(forward.keySet().containsAll(List.of("reference/vector", "reference/scalar")),
        "forward ratios for both kernels: " + forward.keySet());
    for (Object phase : ratios.values()) {
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> m = (Map<String, Map<String, Object>>) phase;
      for (Map.Entry<String, Map<String, Object>> row : m.entrySet()) {
        for (Map.Entry<String, Object> cell : row.getValue().entrySet()) {
          double v = ((Number) cell.getValue()).doubleValue();
          assertTrue(Double.isFinite(v) && v > 0,
              "ratio " + row.getKey() + " / " + cell.getKey() + " = " + v);
          double back = ((Number) m.get(cell.getKey()).get(row.getKey())).doubleValue();
          assertEquals(1.0, v * back, 1e-4, "ratios are reciprocal (6 digits in JSON)");
        }
      }
    }
    // The FMA peak and GEMM rows of both kernels, and the six targets.
    @SuppressWarnings("unchecked")
    Map<String, Object> kernels = (Map<String, Object>) report.get("kernels");
    assertTrue(((Number) kernels.get("peakGflops")).doubleValue() > 0, "peak: " + kernels);
    List<?> gemm = (List<?>) kernels.get("gemm");
    // One child JVM per kernel (scalar, then each native vector width), merged in that order.
    List<String> kernelNames = GemmProbe.kernelNames();
    assertEquals(11 * kernelNames.size(), gemm.size(), kernelNames + " x (4 im2col shapes + "
        + "2 x 2 Winograd chunk products (F(2x2), F(4x4)) + 2 weight gradients + 1 ceiling)");
    List<?> ceilings = gemm.stream().filter(g -> Boolean.TRUE.equals(((Map<?, ?>) g)
        .get("ceiling"))).collect(java.util.stream.Collectors.toList());
    assertEquals(kernelNames.size(), ceilings.size(), "one ceiling row per kernel: " + gemm);
    for (Object g : ceilings) {
      Map<?, ?> row = (Map<?, ?>) g;
      assertEquals(List.of(GemmProbe.CEILING_M, GemmProbe.CEILING_N, GemmProbe.CEILING_K),
          Stream.of("m", "n", "k").map(x -> ((Number) row.get(x)).intValue())
              .collect(java.util.stream.Collectors.toList()), row.toString());
      assertTrue(((Number) row.get("gflops")).doubleValue() > 0, row.toString());
      assertTrue(String.valueOf(row.get("shape")).startsWith(GemmProbe.CEILING), row.toString());
    }
    assertEquals(kernelNames, gemm.stream().map(g -> String.valueOf(((Map<?, ?>) g)
        .get("kernel"))).distinct().collect(java.util.stream.Collectors.toList()));
    for (String size : List.of("F(2x2) ", "F(4x4) ")) {
      assertEquals(3L * kernelNames.size(), gemm.stream().filter(g -> String.valueOf(
          ((Map<?, ?>) g).get("shape")).startsWith(size + "Winograd")).count(),
          size + "rows: " + gemm);
    }
    // reference/vector runs the default (Winograd), reference/direct the setting; both say so
    // in the detail column, and the report compares them (informative, not a target).
    assertTrue(String.valueOf(row(model, "reference/vector").get("detail"))
        .endsWith("convolution=winograd"), () -> row(model, "reference/vector").toString());
    assertTrue(String.valueOf(row(model, "reference/direct").get("detail"))
        .endsWith("convolution=direct"), () -> row(model, "reference/direct").toString());
    assertEquals("informative", ((Map<?, ?>) ((List<?>) report.get("informative")).get(0))
        .get("status"), () -> String.valueOf(report.get("informative")));
    assertTrue(text.contains("reference/vector (convolution=winograd) vs reference/direct"),
        text);
    assertEquals(11, ((List<?>) report.get("targets")).size());
    streamingRowsArePresentFiniteAndAgree(model, expected, report, text);
    assertTrue(text.contains("Targets"), text);
    String markdown = Files.readString(md);
    assertTrue(markdown.contains("| reference/vector |"), markdown);
    assertFalse(markdown.isBlank());
  }

  @Test
  @SuppressWarnings("unchecked")
  void separatePhasesTimesForwardAndTrainingInTwoChildren() throws Exception {
    Path json = dir.resolve("separate.json");
    Cli r = Cli.run("bench", "--tiny", "--reps", "1", "--warmup", "0", "--no-kernels",
        "--no-peer", "--separate-phases", "--backends", "reference/vector", "--out",
        json.toString());

    assertEquals(0, r.exitCode(), r::err);
    Map<String, Object> report = Json.parseObject(Files.readString(json));
    assertEquals(true, ((Map<String, Object>) report.get("machine")).get("separatePhases"));
    Map<String, Object> model = (Map<String, Object>) ((List<?>) report.get("models")).get(0);
    Map<String, Object> row = row(model, "reference/vector");
    assertEquals(null, row.get("error"), row::toString);
    assertEquals(1, ((List<?>) ((Map<String, Object>) row.get("forwardSeconds"))
        .get("samples")).size());
    assertEquals(1, ((List<?>) ((Map<String, Object>) row.get("trainSeconds")).get("samples"))
        .size());
    Map<String, Object> child = (Map<String, Object>) row.get("child");
    Map<String, Object> trainingChild = (Map<String, Object>) child.get("trainingChild");
    assertTrue(trainingChild.containsKey("train") && !trainingChild.containsKey("forward"),
        "the training child ran no forward: " + trainingChild.keySet());
    assertTrue(child.containsKey("peakRssForwardMiB"), child.keySet().toString());
    assertTrue(child.containsKey("stream") && !trainingChild.containsKey("stream"),
        "the streaming figures come from the first child: " + trainingChild.keySet());
    assertFalse(trainingChild.containsKey("peakRssForwardMiB"),
        "only the forward child reports RSS after forward: " + trainingChild.keySet());
  }

  /**
   * The streaming figures (rollout by re-running and by session, one push, one predict) of
   * every configuration: present, finite, positive; the two rollouts agree within 1e-5 (the
   * bench's own check) on the reference backend, and the targets rows are there.
   */
  @SuppressWarnings("unchecked")
  private static void streamingRowsArePresentFiniteAndAgree(Map<String, Object> model,
      List<String> labels, Map<String, Object> report, String text) {
    for (String label : labels) {
      Map<String, Object> r = row(model, label);
      Map<String, Object> stream = (Map<String, Object>) ((Map<String, Object>) r.get("child"))
          .get("stream");
      assertTrue(stream != null && !stream.containsKey("error"), label + ": " + stream);
      for (String key : List.of("rolloutRerun", "rolloutSession", "push", "predict")) {
        double median = ((Number) ((Map<String, Object>) stream.get(key)).get("median"))
            .doubleValue();
        assertTrue(Double.isFinite(median) && median > 0, label + " " + key + ": " + stream);
      }
      for (String key : List.of("rolloutSpeedup", "pushOverPredict")) {
        assertTrue(r.get(key) instanceof Number
            && Double.isFinite(((Number) r.get(key)).doubleValue()), label + " " + key);
      }
      double diff = ((Number) stream.get("rolloutMaxAbsDifference")).doubleValue();
      assertTrue(Double.isFinite(diff), label + ": " + stream);
      if (label.startsWith("reference/")) {
        assertTrue(diff <= 1e-5, label + ": session and re-run rollouts differ by " + diff);
        assertEquals(true, stream.get("rolloutsAgree"), label + ": " + stream);
      }
      assertEquals(1, stream.get("batch"));
      assertEquals(4, stream.get("predictFrames"), "the tiny model's frame count");
    }
    List<String> goals = new ArrayList<>();
    for (Object o : (List<?>) report.get("targets")) {
      goals.add(String.valueOf(((Map<String, Object>) o).get("goal")));
    }
    assertTrue(goals.contains("rollout 7 -> 16 by session >= 8x faster than by re-running "
        + "(batch 1, every backend)"), goals.toString());
    assertTrue(goals.contains("one push <= 1/10 of a 4-frame predict (batch 1, every backend)"),
        goals.toString());
    assertTrue(text.contains("Streaming (tiny; one stream, batch 1)"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("reference/vector ") && l.endsWith(
        " yes")), "streaming row of reference/vector agrees:\n" + text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(Map<String, Object> model, String label) {
    for (Object o : (List<?>) model.get("results")) {
      Map<String, Object> r = (Map<String, Object>) o;
      if (label.equals(r.get("label"))) {
        return r;
      }
    }
    throw new AssertionError("no row " + label + " in " + model.get("results"));
  }

  @Test
  void rejectsAnOutputFileThatIsNeitherJsonNorMarkdown() {
    Cli r = Cli.run("bench", "--tiny", "--out", dir.resolve("bench.txt").toString());
    assertEquals(BenchMain.USAGE, r.exitCode());
    assertTrue(r.err().startsWith("convlstm4j bench: --out must end in .json or .md, got"),
        r.err());
  }
}

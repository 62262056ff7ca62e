package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Forecasters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code convlstm4j bench soak --tiny} end to end (child JVMs included) and checks the
 * report's structure: every requested configuration, the three phases (predict, train and a
 * session over a 10,000-frame stream) with their samples and
 * judged figures, the rule, and the text, JSON and Markdown outputs. No memory or timing
 * figure is asserted: the tiny run measures nothing of interest.
 */
class SoakCommandTest {

  @TempDir
  Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void tinySoakReportsEveryPhasePerConfiguration() throws Exception {
    Path json = dir.resolve("soak.json");
    Path md = dir.resolve("soak.md");
    List<String> labels = new ArrayList<>(List.of("reference"));
    if (Forecasters.backends().stream().anyMatch(
        b -> b.name().equals("djl-pytorch") && b.availability().available())) {
      labels.add("djl-pytorch/per-step");
    }

    Cli r = Cli.run("bench", "soak", "--tiny", "--predicts", "8", "--steps", "4",
        "--backends", String.join(",", labels), "--out", json.toString(), "--out",
        md.toString());

    assertEquals(0, r.exitCode(), () -> "stderr:\n" + r.err() + "\nstdout:\n" + r.out());
    Map<String, Object> report = Json.parseObject(Files.readString(json));
    Map<String, Object> settings = (Map<String, Object>) report.get("settings");
    assertEquals("tiny", settings.get("model"));
    assertEquals(8, settings.get("predicts"));
    assertEquals(4, settings.get("steps"));
    assertEquals(10_000, settings.get("streamFrames"), "--tiny streams 10,000 frames too");
    assertEquals(4, settings.get("predictWarmup"), "--tiny's value where none was given");
    assertTrue(String.valueOf(report.get("rule")).contains("max(10 % of it, 64 MiB)"));
    assertTrue(report.get("allFlat") instanceof Boolean);
    List<Object> runs = (List<Object>) report.get("runs");
    assertEquals(labels.size(), runs.size(), "one run per configuration: " + runs);
    for (int i = 0; i < labels.size(); i++) {
      Map<String, Object> run = (Map<String, Object>) runs.get(i);
      assertEquals(labels.get(i), run.get("label"));
      assertNull(run.get("error"), () -> "run " + run.get("label") + ": " + run.get("error"));
      assertTrue(((Number) run.get("peakRssMiB")).doubleValue() > 0, "VmHWM: " + run);
      List<Object> phases = (List<Object>) run.get("phases");
      assertEquals(3, phases.size());
      for (int k = 0; k < 3; k++) {
        Map<String, Object> ph = (Map<String, Object>) phases.get(k);
        assertEquals(List.of("predict", "train", "stream").get(k), ph.get("phase"));
        assertEquals(List.of(8, 4, 10_000).get(k), ph.get("calls"));
        Map<String, Object> rss = (Map<String, Object>) ph.get("rss");
        for (String key : List.of("startMiB", "maxMiB", "lastMiB", "growthMiB",
            "allowanceMiB", "slopeMiBPer1000Calls", "fittedRiseMiB", "verdict")) {
          assertTrue(rss.get(key) != null, key + " in " + rss);
        }
        assertTrue(List.of("flat", "GROWS").contains(rss.get("verdict")), rss.toString());
        for (String key : List.of("heapCommittedDeltaMiB", "nonHeapCommittedDeltaMiB",
            "liveHeapDeltaMiB", "liveHeapEndMiB", "otherDeltaMiB")) {
          assertTrue(ph.get(key) instanceof Double, key + " in " + ph);
        }
      }
      // The child's raw samples: warm-up and judged ones, with heap figures beside the RSS.
      Map<String, Object> child = (Map<String, Object>) run.get("child");
      Map<String, Object> predict = (Map<String, Object>) child.get("predict");
      List<Object> samples = (List<Object>) predict.get("samples");
      // tiny: sampled at 0, then every 2 calls up to 8 (the warm-up end, 4, among them)
      assertEquals(List.of(0, 2, 4, 6, 8), samples.stream()
          .map(o -> ((Map<String, Object>) o).get("calls")).toList());
      Map<String, Object> s = (Map<String, Object>) samples.get(0);
      for (String key : List.of("rssMiB", "heapUsedMiB", "heapCommittedMiB",
          "nonHeapCommittedMiB")) {
        assertTrue(((Number) s.get(key)).doubleValue() > 0, key + " in " + s);
      }
      assertEquals(true, child.get("predictFinite"));
      assertEquals(true, child.get("trainingFinite"));
      // The session saw every frame: sampled every 250 pushes after 1,000 warm-up ones.
      assertEquals(10_000, ((Number) child.get("streamFramesSeen")).intValue());
      assertEquals(41, ((List<?>) ((Map<String, Object>) child.get("stream")).get("samples"))
          .size(), "samples at 0, 250, ..., 10000");
    }
    if (labels.contains("djl-pytorch/per-step")) {
      Map<String, Object> run = (Map<String, Object>) runs.get(1);
      Map<String, Object> runtime = (Map<String, Object>) ((Map<String, Object>) run.get("child"))
          .get("runtime");
      assertEquals("per-step", runtime.get("inputConvolution"), run.toString());
    }
    for (String label : labels) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label + " ")
              && l.contains("predict")),
          "summary row for " + label + ":\n" + r.out());
    }
    assertTrue(r.out().contains("Memory flat after warm-up in every configuration and phase: "),
        r.out());
    String markdown = Files.readString(md);
    assertTrue(markdown.contains("| reference | predict |"), markdown);
    assertTrue(markdown.contains("| reference | train |"), markdown);
    assertTrue(markdown.contains("| reference | stream |"), markdown);
  }

  @Test
  void rejectsWarmUpThatIsNotBelowTheCallCountBeforeStartingAnything() {
    Cli r = Cli.run("bench", "soak", "--predicts", "10", "--predict-warmup", "10");
    assertEquals(BenchMain.USAGE, r.exitCode(), r.err());
    assertTrue(r.err().contains("predictWarmup must be >= 0 and below predicts (10), got 10"),
        r.err());
    Cli out = Cli.run("bench", "soak", "--tiny", "--out", dir.resolve("soak.txt").toString());
    assertEquals(BenchMain.USAGE, out.exitCode());
    assertTrue(out.err().contains("--out must end in .json or .md, got"), out.err());
    Cli bad = Cli.run("bench", "soak", "--tiny", "--backends", "reference/per-step");
    assertEquals(BenchMain.USAGE, bad.exitCode());
    assertTrue(bad.err().contains(
        "--backends: reference variants are vector, scalar, vector-256, vector-512, direct, "
        + "winograd, winograd4, got "
            + "'reference/per-step'"),
        bad.err());
  }
}

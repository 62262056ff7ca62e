package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.io.Checkpoints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo in a tiny configuration: every promised file, readable and complete. */
class DemoCommandTest {

  @TempDir
  static Path dir;
  static Path out;
  static Cli result;

  @BeforeAll
  static void runTinyDemo() {
    out = dir.resolve("demo");
    result = Cli.run("demo", "--samples", "20", "--epochs", "2", "--frames", "9",
        "--filters", "4", "--layers", "1", "--eval-from", "20", "--eval-movies", "3",
        "--movie", "21", "--scale", "2", "--out", out.toString());
  }

  @Test
  @DisplayName("succeeds and prints the summary table with the quality verdict")
  void succeeds() {
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("persist. MSE"), result.out());
    assertTrue(result.out().contains("Quality bar"), result.out());
  }

  @Test
  @DisplayName("writes 1_animate.png .. 15_animate.png, each a readable image")
  void fifteenComparisonImages() throws Exception {
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(15, s.filter(p -> p.getFileName().toString().endsWith("_animate.png"))
          .count());
    }
    for (int i = 1; i <= 15; i++) {
      BufferedImage img = ImageIO.read(out.resolve(i + "_animate.png").toFile());
      assertNotNull(img, i + "_animate.png");
      // Two 40x40 panels at scale 2 side by side, plus padding.
      assertTrue(img.getWidth() >= 2 * 80 && img.getHeight() >= 80, img.toString());
    }
  }

  @Test
  @DisplayName("writes a GIF with one frame per context and rollout frame (7 + 16)")
  void gifHasEveryRolloutFrame() throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(out.resolve("rollout.gif")
        .toFile())) {
      ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
      r.setInput(in);
      assertEquals(DemoCommand.CONTEXT + DemoCommand.ROLLOUT, r.getNumImages(true));
      r.dispose();
    }
  }

  @Test
  @DisplayName("writes loss.png and steps.png charts")
  void charts() throws Exception {
    for (String f : List.of("loss.png", "steps.png")) {
      BufferedImage img = ImageIO.read(out.resolve(f).toFile());
      assertNotNull(img, f);
      assertEquals(800, img.getWidth(), f);
    }
  }

  @Test
  @DisplayName("writes metrics.json: valid JSON with history, per-step held-out figures")
  @SuppressWarnings("unchecked")
  void metricsJson() throws Exception {
    String text = Files.readString(out.resolve("metrics.json"));
    Map<String, Object> m = new ObjectMapper().readValue(text, Map.class);
    assertEquals("cpu", m.get("preset"));
    assertEquals("reference", m.get("backend"));
    Map<String, Object> history = (Map<String, Object>) m.get("history");
    assertEquals(2, ((List<?>) history.get("loss")).size());
    assertEquals(2, ((List<?>) history.get("validationLoss")).size());
    Map<String, Object> held = (Map<String, Object>) m.get("heldOut");
    assertEquals(3, held.get("movies"));
    assertEquals(20, held.get("firstMovie"));
    // 9 frames: 7 context, so 2 steps scored.
    for (String k : List.of("modelMse", "persistenceMse", "mseRatio", "modelSsim",
        "persistenceSsim")) {
      assertEquals(2, ((List<?>) held.get(k)).size(), k);
    }
    List<?> model = (List<?>) held.get("modelMse");
    List<?> pers = (List<?>) held.get("persistenceMse");
    List<?> ratio = (List<?>) held.get("mseRatio");
    assertEquals((Double) model.get(0) / (Double) pers.get(0), (Double) ratio.get(0), 1e-3);
    assertTrue(held.containsKey("meanOverSteps") && held.containsKey("qualityBar"));
    Map<String, Object> timing = (Map<String, Object>) m.get("timing");
    assertTrue((Double) timing.get("wallSeconds") > 0);
    // Standard JSON (no NaN tokens), pretty-printed, one final newline.
    assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
    assertTrue(text.startsWith("{\n") && text.endsWith("}\n"), text);
  }

  @Test
  @DisplayName("writes the checkpoint model.npz with the epochs trained")
  void checkpoint() throws Exception {
    Checkpoint c = Checkpoints.read(out.resolve("model.npz"));
    assertEquals(2, c.epochsCompleted());
    assertEquals(4, c.spec().convLstmLayers().get(0).filters());
  }
}

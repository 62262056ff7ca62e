package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** demo --dataset moving-mnist: its recipe defaults, and options given win over them. */
class MnistDemoTest {
  @TempDir Path dir;

  Path digits() throws Exception {
    byte[] px = new byte[2 * 784];
    for (int i = 0; i < px.length; i++) {
      int r = i % 784 / 28;
      int c = i % 28;
      px[i] = (byte) (Math.abs(r - 14) + Math.abs(c - 14) < 8 ? 200 : 0);
    }
    Path idx = dir.resolve("t10k-images-idx3-ubyte");
    try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(idx))) {
      d.writeInt(0x803);
      d.writeInt(2);
      d.writeInt(28);
      d.writeInt(28);
      d.write(px);
    }
    return idx;
  }

  JsonNode run(String... more) throws Exception {
    Path out = dir.resolve("out" + more.length);
    java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("demo", "--dataset",
        "moving-mnist", "--digits", digits().toString(), "--samples", "2", "--epochs", "1",
        "--eval-from", "2", "--eval-movies", "1", "--movie", "2", "--backend", "reference",
        "--scale", "1", "--out", out.toString()));
    a.addAll(java.util.List.of(more));
    Cli r = Cli.run(a.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("MSE below persistence at every step: "), r.out());
    return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
  }

  @Test
  @DisplayName("the Moving MNIST recipe: 4x4 patches, 64 filters, AdamW, OneCycle 4e-3, clip 1")
  void defaults() throws Exception {
    JsonNode m = run();
    assertEquals(4, m.get("model").get("patch").asInt());
    assertEquals(64, m.get("model").get("filters").get(0).asInt());
    JsonNode t = m.get("training");
    assertEquals("ADAMW", t.get("optimizer").asText());
    assertEquals(1.0, t.get("clipNorm").asDouble(), 0);
    assertTrue(t.get("schedule").asText().startsWith("OneCycle[maxLearningRate=0.004"),
        t.get("schedule").asText());
  }

  @Test
  @DisplayName("options given win over the recipe")
  void optionsWin() throws Exception {
    JsonNode m = run("--patch", "2", "--filters", "4", "--optimizer", "adam", "--schedule",
        "constant", "--clip-norm", "5");
    assertEquals(2, m.get("model").get("patch").asInt());
    assertEquals(4, m.get("model").get("filters").get(0).asInt());
    JsonNode t = m.get("training");
    assertEquals("ADAM", t.get("optimizer").asText());
    assertEquals(5.0, t.get("clipNorm").asDouble(), 0);
    assertEquals("constant", t.get("schedule").asText());
  }
}

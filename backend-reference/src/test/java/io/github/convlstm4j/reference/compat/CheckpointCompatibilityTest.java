package io.github.convlstm4j.reference.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Activation;
import io.github.convlstm4j.api.BatchNormSpec;
import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Conv3dHeadSpec;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.TimePadding;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.io.NpyFrames;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by version 0.1 (commit 9a6ba6c, before the core redesign) still loads and
 * predicts the same bits. The fixture and how it was made: {@code
 * src/test/resources/compat/v0.1-checkpoint/README.md}; its generator was {@code
 * CheckpointFixtureGenerator} (removed after the redesign; read it with
 * {@code git show dbf71fc:backend-reference/src/test/java/io/github/convlstm4j/reference/compat/CheckpointFixtureGenerator.java}).
 *
 * <p>The reference backend's two matrix kernels round differently (the vector kernel uses fused
 * multiply-adds, the scalar one does not), so the fixture holds one expected output per kernel:
 * this JVM checks the kernel it runs (the vector one under Maven), and a child JVM without
 * {@code jdk.incubator.vector} checks the scalar one.
 */
class CheckpointCompatibilityTest {

  /** Folder of the fixture on the test class path. */
  static final String FIXTURE = "/compat/v0.1-checkpoint/";
  static final String CHECKPOINT = "model.npz";
  static final String INPUT = "input.npy";
  /** Expected output of the vector kernel (any vector width: one FMA chain per element). */
  static final String OUTPUT_VECTOR = "output.npy";
  /** Expected output of the scalar kernel. */
  static final String OUTPUT_SCALAR = "output-scalar.npy";

  /** Epochs the fixture was trained for. */
  static final int EPOCHS = 2;
  /** Adam updates: 2 epochs of 6 movies in batches of 3. */
  static final int ITERATIONS = 4;

  /**
   * The fixture's model, built in code: 1 input channel; ConvLSTM2D(4, 3×3, SAME, hard-sigmoid
   * gates) + batch norm; ConvLSTM2D(3, 3×3, SAME, sigmoid gates); Conv3D(1, 3×3×3, CAUSAL,
   * sigmoid); batch-norm momentum 0.9; seed 7.
   *
   * @return the spec
   */
  static ModelSpec spec() {
    return ModelSpec.builder(1)
        .addLayer(ConvLstmLayerSpec.of(4)
            .withRecurrentActivation(Activation.HARD_SIGMOID))
        .addLayer(new BatchNormSpec(0.9, BatchNormSpec.DEFAULT_EPSILON))
        .addLayer(ConvLstmLayerSpec.of(3))
        .addLayer(new Conv3dHeadSpec(1, 3, 3, 3, Activation.SIGMOID, TimePadding.CAUSAL))
        .seed(7)
        .build();
  }

  @Test
  @DisplayName("the stored spec, epoch count and optimizer state are those of the README")
  void checkpointContents() throws IOException {
    Checkpoint c = Checkpoints.read(fixture(CHECKPOINT));

    assertEquals(spec(), c.spec(), "spec read back equals the spec built in code");
    assertEquals(EPOCHS, c.epochsCompleted(), "epochs completed");

    Map<String, List<Integer>> expected = new TreeMap<>();
    for (Map.Entry<String, List<Integer>> w : spec().weightShapes().entrySet()) {
      if (!w.getKey().contains("moving_")) { // moving statistics are not trained by Adam
        expected.put("adam/m/" + w.getKey(), w.getValue());
        expected.put("adam/v/" + w.getKey(), w.getValue());
      }
    }
    expected.put("optimizer/iterations", List.of());
    Map<String, List<Integer>> actual = new TreeMap<>();
    c.optimizerState().asMap().forEach((name, t) -> actual.put(name, t.shapeList()));
    assertEquals(expected, actual, "optimizer state: names and shapes");
    assertEquals(ITERATIONS, c.optimizerState().get("optimizer/iterations").get(0),
        "Adam iterations");

    for (String part : List.of("moving_mean", "moving_variance")) {
      Tensor t = c.weights().get(ModelSpec.batchNormName(0, part));
      float untrained = part.equals("moving_mean") ? 0f : 1f;
      for (int i = 0; i < t.size(); i++) {
        assertNotEquals(untrained, t.get(i), part + "[" + i + "] moved during training");
      }
    }
  }

  @Test
  @DisplayName("a v0.1 checkpoint has no normalization entry and still loads")
  void hasNoNormalizationAndStillLoads() throws IOException {
    assertEquals(java.util.Optional.empty(), Checkpoints.readNormalization(fixture(CHECKPOINT)));
    try (Forecaster f = Checkpoints.load("reference", fixture(CHECKPOINT))) {
      assertEquals(EPOCHS, f.checkpoint().epochsCompleted());
    }
  }

  @Test
  @DisplayName("Checkpoints.load restores weights and optimizer state bit for bit")
  void loadRestoresEveryTensor() throws IOException {
    Checkpoint stored = Checkpoints.read(fixture(CHECKPOINT));
    try (Forecaster f = Checkpoints.load("reference", fixture(CHECKPOINT))) {
      Checkpoint loaded = f.checkpoint();
      assertEquals(stored.spec(), loaded.spec(), "spec");
      assertEquals(stored.epochsCompleted(), loaded.epochsCompleted(), "epochs");
      assertBitwiseEqual(stored.weights(), loaded.weights(), "weights");
      assertBitwiseEqual(stored.optimizerState(), loaded.optimizerState(), "optimizer state");
    }
  }

  @Test
  @DisplayName("Checkpoints.load, then predict gives the stored output bit for bit (this kernel)")
  void predictsTheSameBits() throws IOException {
    try (Forecaster f = Checkpoints.load("reference", fixture(CHECKPOINT))) {
      String kernel = f.runtimeInfo().get("kernel");
      FrameSequence out = f.predict(readSequence(fixture(INPUT)));
      assertBitwiseEqual(expectedFor(kernel), out, "kernel " + kernel);
    }
  }

  @Test
  @DisplayName("a JVM without the Vector API (scalar kernel) predicts its stored bits")
  void predictsTheSameBitsWithTheScalarKernel(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path out = dir.resolve("scalar.npy");
    String kernel = predictInChildJvmWithoutVectorModule(fixture(CHECKPOINT), fixture(INPUT), out);
    assertEquals("scalar", kernel, "kernel of the child JVM");
    assertBitwiseEqual(readSequence(fixture(OUTPUT_SCALAR)), readSequence(out), "kernel scalar");
  }

  /**
   * Child-JVM entry point: loads a checkpoint on the reference backend, predicts one stored
   * sequence, writes the output as float32 {@code .npy} and prints the kernel's name.
   *
   * @param args checkpoint, input {@code .npy}, output {@code .npy}
   * @throws IOException on a read or write failure
   */
  public static void main(String[] args) throws IOException {
    try (Forecaster f = Checkpoints.load("reference", Path.of(args[0]))) {
      NpyFrames.write(f.predict(readSequence(Path.of(args[1]))), Path.of(args[2]));
      System.out.println(f.runtimeInfo().get("kernel"));
    }
  }

  /**
   * Runs {@link #main} in a JVM started without {@code --add-modules jdk.incubator.vector}, so
   * the reference backend uses its scalar kernel.
   *
   * @return the kernel name the child printed
   */
  static String predictInChildJvmWithoutVectorModule(Path checkpoint, Path input, Path output)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile("convlstm4j-compat-child", ".log");
    try {
      Process p = new ProcessBuilder(List.of(java.toString(), "-cp",
          System.getProperty("java.class.path"), CheckpointCompatibilityTest.class.getName(),
          checkpoint.toString(), input.toString(), output.toString()))
          .redirectError(log.toFile())
          .start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
      String stderr = Files.readString(log);
      assertEquals(0, p.exitValue(), () -> "child JVM exit code; stderr: " + stderr);
      return stdout.strip();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static FrameSequence expectedFor(String kernel) throws IOException {
    String name = kernel.startsWith("vector") ? OUTPUT_VECTOR : OUTPUT_SCALAR;
    return readSequence(fixture(name));
  }

  static FrameSequence readSequence(Path npy) throws IOException {
    return NpyFrames.read(npy, NpyFrames.Layout.THWC).get(0);
  }

  static Path fixture(String name) {
    URL url = CheckpointCompatibilityTest.class.getResource(FIXTURE + name);
    if (url == null) {
      throw new IllegalStateException("fixture " + FIXTURE + name + " not on the class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertBitwiseEqual(FrameSequence expected, FrameSequence actual,
      String what) {
    assertEquals(expected.shapeString(), actual.shapeString(), what + ": shape");
    assertArrayEquals(bits(expected.toArray()), bits(actual.toArray()),
        what + ": output bits (max |difference| " + expected.maxAbsDifference(actual) + ")");
  }

  private static void assertBitwiseEqual(ModelWeights expected, ModelWeights actual,
      String what) {
    assertEquals(new TreeSet<>(expected.names()), new TreeSet<>(actual.names()), what + ": names");
    for (String name : expected.names()) {
      assertEquals(expected.get(name).shapeList(), actual.get(name).shapeList(),
          what + ": shape of " + name);
      assertArrayEquals(bits(expected.get(name).toArray()), bits(actual.get(name).toArray()),
          what + ": bits of " + name);
    }
  }

  private static int[] bits(float[] values) {
    int[] b = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = Float.floatToIntBits(values[i]);
    }
    return b;
  }
}

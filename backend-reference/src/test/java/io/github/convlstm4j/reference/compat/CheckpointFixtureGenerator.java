package io.github.convlstm4j.reference.compat;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Loss;
import io.github.convlstm4j.api.OptimizerSpec;
import io.github.convlstm4j.api.TrainingConfig;
import io.github.convlstm4j.api.TrainingHistory;
import io.github.convlstm4j.api.TrainingListener;
import io.github.convlstm4j.api.data.MovingSquares;
import io.github.convlstm4j.api.io.NpyFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Wrote the fixture of {@link CheckpointCompatibilityTest} once, at commit 9a6ba6c (version 0.1,
 * before the core redesign). Kept to be read, not run: it is not a test, and running it again
 * after the fixture was committed would only overwrite the evidence. See {@code
 * src/test/resources/compat/v0.1-checkpoint/README.md} for the command line.
 *
 * <p>It trains the spec of {@link CheckpointCompatibilityTest#spec()} on the reference backend
 * with the vector kernel for 2 epochs (Adam, binary cross-entropy, batch 3) on 6 small moving
 * squares movies (8×8, 5 frames), predicts a seventh, held-out movie, and writes {@code
 * model.npz}, {@code input.npy}, {@code output.npy} (vector kernel) and, through a child JVM
 * without the Vector API, {@code output-scalar.npy}.
 */
final class CheckpointFixtureGenerator {

  private CheckpointFixtureGenerator() {}

  /** Moving squares on a 16×16 canvas cropped to 8×8: 1–2 squares, half sizes 1–2. */
  static MovingSquares.Settings movieSettings() {
    return new MovingSquares.Settings(16, 4, 8, 1, 2, 4, 12, 1, 1, 2, 0.1, 0.5, 1, 1.0);
  }

  /** The training run: 2 epochs, batch 3, Adam (Keras 2 defaults), BCE, shuffled with seed 7. */
  static TrainingConfig training() {
    return TrainingConfig.defaults()
        .withEpochs(CheckpointCompatibilityTest.EPOCHS)
        .withBatchSize(3)
        .withLoss(Loss.BINARY_CROSSENTROPY)
        .withOptimizer(OptimizerSpec.adam())
        .withSeed(7);
  }

  /**
   * Writes the fixture.
   *
   * @param args the output folder
   * @throws Exception on any failure; nothing is left half-checked
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    MovingSquares.Movies movies = MovingSquares.of(movieSettings()).generate(7, 5, 7L);
    FrameSequence input = movies.noisy().get(6);
    Path checkpoint = dir.resolve(CheckpointCompatibilityTest.CHECKPOINT);
    Path inputFile = dir.resolve(CheckpointCompatibilityTest.INPUT);
    FrameSequence output;
    try (Forecaster f = Forecasters.create("reference", CheckpointCompatibilityTest.spec())) {
      String kernel = f.runtimeInfo().get("kernel");
      if (!kernel.startsWith("vector")) {
        throw new IllegalStateException("run with --add-modules jdk.incubator.vector: the "
            + "trained model and output.npy come from the vector kernel, got " + kernel);
      }
      TrainingHistory h = f.fit(movies.toDataset(0, 6), training(), TrainingListener.NONE);
      System.out.println("runtime " + f.runtimeInfo());
      System.out.println("history " + h);
      output = f.predict(input);
      f.save(checkpoint);
    }
    NpyFrames.write(input, inputFile);
    NpyFrames.write(output, dir.resolve(CheckpointCompatibilityTest.OUTPUT_VECTOR));

    try (Forecaster loaded = Forecasters.load("reference", checkpoint)) {
      float[] again = loaded.predict(input).toArray();
      if (!Arrays.equals(again, output.toArray())) {
        throw new IllegalStateException("save + load + predict differs from predict");
      }
      Checkpoint c = loaded.checkpoint();
      System.out.println("spec " + c.spec());
      System.out.println("epochs " + c.epochsCompleted());
      c.optimizerState().asMap().forEach((name, t) -> System.out.println(
          "optimizer " + name + " " + t.shapeList()));
      System.out.println("iterations " + c.optimizerState().get("optimizer/iterations").get(0));
      c.weights().asMap().forEach((name, t) -> System.out.println(
          "weight " + name + " " + t.shapeList()
              + (name.contains("moving_") ? " " + Arrays.toString(t.toArray()) : "")));
    }

    String kernel = CheckpointCompatibilityTest.predictInChildJvmWithoutVectorModule(
        checkpoint, inputFile, dir.resolve(CheckpointCompatibilityTest.OUTPUT_SCALAR));
    if (!kernel.equals("scalar")) {
      throw new IllegalStateException("child JVM ran kernel " + kernel + ", expected scalar");
    }
    for (String name : List.of(CheckpointCompatibilityTest.CHECKPOINT,
        CheckpointCompatibilityTest.INPUT, CheckpointCompatibilityTest.OUTPUT_VECTOR,
        CheckpointCompatibilityTest.OUTPUT_SCALAR)) {
      System.out.println("sha256 " + sha256(dir.resolve(name)) + "  " + name);
    }
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}

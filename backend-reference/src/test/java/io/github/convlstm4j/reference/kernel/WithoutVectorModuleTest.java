package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starts a JVM without {@code --add-modules jdk.incubator.vector} and checks that the factory
 * falls back to the scalar kernel (no {@code NoClassDefFoundError}), computes correctly, and
 * that {@code vector()} explains how to enable the fast kernel.
 */
class WithoutVectorModuleTest {

  /** Entry point of the child JVM: prints one line per check. */
  public static void main(String[] args) {
    System.out.println("available=" + MatMuls.vectorApiAvailable());
    MatMul best = MatMuls.best(2);
    System.out.println("best=" + best.name());
    float[] c = new float[1];
    // [1 2 3] . [4 5 6] = 32 (by hand)
    best.gemm(false, false, 1, 1, 3, new float[] {1, 2, 3}, 0, 3, new float[] {4, 5, 6}, 0, 1,
        c, 0, 1, false);
    System.out.println("dot=" + c[0]);
    try {
      MatMuls.vector(1);
      System.out.println("vector=created");
    } catch (IllegalStateException e) {
      System.out.println("vector=" + e.getMessage());
    }
  }

  @Test
  void factoryFallsBackToScalarWithoutTheIncubatorModule()
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "-cp",
        System.getProperty("java.class.path"), WithoutVectorModuleTest.class.getName()))
        .redirectErrorStream(false)
        .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "exit code; stderr: " + err);
    assertEquals(List.of("available=false", "best=scalar", "dot=32.0",
        "vector=the Vector API (module jdk.incubator.vector) is not available: run the JVM with "
            + "--add-modules jdk.incubator.vector"), out.lines().toList(), "stderr: " + err);
    assertTrue(err.contains("run the JVM with --add-modules jdk.incubator.vector"),
        "the INFO log says how to enable the fast kernel: " + err);
  }
}

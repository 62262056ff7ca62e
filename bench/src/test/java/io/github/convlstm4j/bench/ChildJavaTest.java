package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --child-java}: the children run the given java, and the report names its version. */
class ChildJavaTest {

  private static final Path THIS_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @Test
  void childrenRunTheGivenJavaOrThisJvmsOwn() {
    Path other = Path.of("/opt/jdk-25/bin/java");
    ChildJvm given = new ChildJvm(2, "1g", List.of(), false, 60, other);
    assertEquals(other.toString(), given.command(true, List.of("kernels")).get(0));
    ChildJvm own = new ChildJvm(2, "1g", List.of(), false, 60, null);
    assertEquals(THIS_JAVA.toString(), own.command(true, List.of("kernels")).get(0));
    assertTrue(!own.machineFacts().containsKey("childJvm"), "no child JVM line by default");
  }

  @Test
  void theReportNamesTheJvmTheChildrenRun() {
    // The child is this test's own java, so it must name the JVM this one runs.
    ChildJvm given = new ChildJvm(2, "1g", List.of(), false, 60, THIS_JAVA);
    assertEquals(THIS_JAVA + " (" + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + ")",
        given.machineFacts().get("childJvm"));
  }

  @Test
  void aJavaThatCannotRunIsNamedWithTheReason() {
    Path missing = Path.of("/nonexistent/bin/java");
    String facts = String.valueOf(new ChildJvm(2, "1g", List.of(), false, 60, missing)
        .machineFacts().get("childJvm"));
    assertTrue(facts.startsWith(missing + " (cannot run it: cannot start " + missing), facts);
  }
}

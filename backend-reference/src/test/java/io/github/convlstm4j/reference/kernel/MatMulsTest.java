package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The factory, on a JVM started with {@code --add-modules jdk.incubator.vector} (Surefire). */
class MatMulsTest {

  @Test
  void vectorApiIsAvailableUnderSurefireAndBestPicksIt() {
    assertTrue(MatMuls.vectorApiAvailable(), "Surefire runs with --add-modules");
    MatMul best = MatMuls.best(2);
    assertInstanceOf(VectorMatMul.class, best);
    assertTrue(best.name().startsWith("vector-"), best.name());
    assertEquals(2, ((VectorMatMul) best).threads());
  }

  @Test
  void scalarIsAlwaysAvailable() {
    MatMul s = MatMuls.scalar(3);
    assertInstanceOf(ScalarMatMul.class, s);
    assertEquals("scalar", s.name());
    assertEquals(3, ((ScalarMatMul) s).threads());
  }

  @Test
  void theKernelLineWarnsOf512BitCodeOnJdksBefore25Only() {
    String note = MatMuls.jdkNote(512, 17);
    assertTrue(note.startsWith("; on JDK 17 the 512-bit code sometimes runs boxed"), note);
    assertTrue(note.contains("AVX-512 and the JDK"), note);
    assertEquals(note, MatMuls.jdkNote(512, 21));
    assertEquals("", MatMuls.jdkNote(512, 25));
    assertEquals("", MatMuls.jdkNote(256, 17));
    assertEquals("", MatMuls.jdkNote(128, 17));
  }

  @Test
  void vectorHintNamesTheFlag() {
    assertEquals("run the JVM with --add-modules jdk.incubator.vector", MatMuls.VECTOR_HINT);
  }
}

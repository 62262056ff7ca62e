package io.github.convlstm4j.api.io;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.function.Executable;

/** Measures what the current thread allocates, to prove that a reader did not trust a size. */
final class Allocations {
  private Allocations() {}

  /**
   * Runs {@code action} and returns the bytes this thread allocated meanwhile (the HotSpot
   * counter of {@code com.sun.management.ThreadMXBean}). Whatever {@code action} throws
   * (a failed assertion, an {@link OutOfMemoryError}) fails the test.
   */
  static long during(Executable action) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    try {
      action.execute();
    } catch (Error | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("unexpected " + t, t);
    }
    return mx.getCurrentThreadAllocatedBytes() - before;
  }
}

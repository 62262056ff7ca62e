package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FmaPeakProbeTest {

  @Test
  void measuresAPlausiblePositiveRate() {
    double gflops = FmaPeakProbe.gflops(1, 1, 20);
    // Any CPU that runs this JVM does more than 0.1 GFLOP/s and (today) less than 10 TFLOP/s
    // per core: this catches unit mistakes (seconds vs nanoseconds, flops vs GFLOP).
    assertTrue(gflops > 0.1 && gflops < 10_000, "GFLOP/s " + gflops);
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FmaPeakProbe.gflops(0, 1, 1));
    assertEquals("threads must be >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FmaPeakProbe.gflops(1, 0, 5));
    assertEquals("repetitions and millisPerRun must be >= 1, got 0 and 5", e.getMessage());
  }
}

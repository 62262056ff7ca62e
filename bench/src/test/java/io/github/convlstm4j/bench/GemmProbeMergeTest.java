package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel probes run one kernel per JVM; their results are merged into one. */
class GemmProbeMergeTest {

  private static Map<String, Object> part(double peak, double after, double rss, String... rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", 2);
    m.put("vectorApi", true);
    m.put("peakGflops", peak);
    m.put("gemm", List.of((Object[]) rows));
    m.put("peakGflopsAfter", after);
    m.put("peakRssMiB", rss);
    return m;
  }

  @Test
  void rowsKeepTheKernelOrderAndPeaksAreTheLargest() {
    Map<String, Object> merged = GemmProbe.merge(List.of(part(400, 460, 300, "s1", "s2"),
        part(420, 440, 500, "v1"), part(410, 470, 200, "w1", "w2")));
    assertEquals(List.of("s1", "s2", "v1", "w1", "w2"), merged.get("gemm"));
    assertEquals(420.0, merged.get("peakGflops"));
    assertEquals(470.0, merged.get("peakGflopsAfter"));
    assertEquals(500.0, merged.get("peakRssMiB"));
    assertEquals(2, merged.get("threads"));
    assertFalse(merged.containsKey("error"), merged.toString());
  }

  @Test
  void aFailedPartLosesOnlyItsOwnRowsAndSaysWhy() {
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("error", "child JVM exited with 137");
    Map<String, Object> merged = GemmProbe.merge(List.of(part(400, 460, 300, "s1"), failed,
        part(410, 470, 200, "w1")));
    assertEquals(List.of("s1", "w1"), merged.get("gemm"));
    assertEquals("child JVM exited with 137", merged.get("error"));
    assertEquals(410.0, merged.get("peakGflops"));
  }

  @Test
  void anUnknownKernelIsRefusedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GemmProbe(1, 1, true, "vector-384"));
    assertEquals("kernel must be one of " + GemmProbe.kernelNames() + ", got vector-384",
        e.getMessage());
  }
}

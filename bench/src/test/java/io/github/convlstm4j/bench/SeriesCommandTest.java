package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.api.io.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench series: the input of the larger-than-memory run, made small. */
class SeriesCommandTest {

  @Test
  void writesAThwcSeriesOfSquares(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("s.npy");
    Cli c = Cli.run("bench", "series", "--out", out.toString(), "--frames", "30", "--size",
        "16", "--period", "10");
    assertEquals(0, c.exitCode(), c.err());
    Tensor t = Npy.read(out);
    assertEquals(List.of(30, 16, 16, 1), t.shapeList());
    int ones = 0;
    for (int i = 0; i < t.size(); i++) {
      float v = t.get(i);
      assertTrue(v == 0f || v == 1f, "value " + v);
      ones += v == 1f ? 1 : 0;
    }
    // At least 3 squares of at least 4x4 per frame (they may overlap): some pixels are lit in
    // every frame.
    for (int f = 0; f < 30; f++) {
      float sum = 0;
      for (int p = 0; p < 256; p++) {
        sum += t.get(f * 256 + p);
      }
      assertTrue(sum >= 16, "frame " + f + " has " + sum + " lit pixels");
    }
    assertTrue(ones > 0);
    Cli bad = Cli.run("bench", "series", "--out", out.toString(), "--size", "2");
    assertEquals(2, bad.exitCode(), bad.err());
  }
}

package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyStreamWriterTest {
  @TempDir Path dir;

  @Test
  void writesFrameByFrameWhatNpyReadsBack() throws Exception {
    Path p = dir.resolve("series.npy");
    try (NpyStreamWriter w = NpyStreamWriter.create(p, 3, 1, 2, 1)) {
      for (int t = 0; t < 3; t++) {
        w.write(new float[] {t, -t - 0.5f}, 0, 2);
      }
      assertEquals(0, w.remaining());
      w.commit();
    }
    Tensor back = Npy.read(p);
    assertEquals(List.of(3, 1, 2, 1), back.shapeList());
    assertArrayEquals(new float[] {0, -0.5f, 1, -1.5f, 2, -2.5f}, back.toArray());
    // The same bytes as the whole-array writer.
    Path whole = dir.resolve("whole.npy");
    Npy.write(back, whole);
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(p));
  }

  @Test
  void tooFewOrTooManyValuesWriteNothing() throws Exception {
    Path p = dir.resolve("short.npy");
    try (NpyStreamWriter w = NpyStreamWriter.create(p, 2, 2)) {
      w.write(new float[3], 0, 3);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> w.write(new float[2], 0, 2));
      assertTrue(e.getMessage().contains("holds 4 values, got 5"), e.getMessage());
      e = assertThrows(IllegalStateException.class, w::commit);
      assertTrue(e.getMessage().contains("holds 4 values, got 3"), e.getMessage());
    }
    assertFalse(Files.exists(p));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "no temporary file is left");
    }
  }
}

package io.github.convlstm4j.api.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convlstm4j.api.FrameSequence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BaselinesTest {

  @Test
  @DisplayName("persistence repeats the last context frame clipped to [0, 1]")
  void persistence() {
    FrameSequence context = FrameSequence.of(2, 1, 3, 1,
        new float[] {0.3f, 0.3f, 0.3f, -0.1f, 0.9f, 1.5f});
    FrameSequence f = Baselines.persistence(context, 3);
    assertEquals("3x1x3x1", f.shapeString());
    assertArrayEquals(new float[] {0f, 0.9f, 1f, 0f, 0.9f, 1f, 0f, 0.9f, 1f}, f.toArray());
  }

  @Test
  @DisplayName("persistence keeps the frame shape and channels")
  void shapeKept() {
    FrameSequence context = FrameSequence.zeros(4, io.github.convlstm4j.api.FrameShape.of(5, 6,
        2));
    assertEquals("1x5x6x2", Baselines.persistence(context, 1).shapeString());
  }

  @Test
  @DisplayName("a horizon below 1 is rejected with its value")
  void badHorizon() {
    FrameSequence context = FrameSequence.of(1, 1, 1, 1, new float[] {0.5f});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Baselines.persistence(context, 0));
    assertEquals("horizon must be at least 1, got 0", e.getMessage());
  }
}

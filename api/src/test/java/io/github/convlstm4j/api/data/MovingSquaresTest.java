package io.github.convlstm4j.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.SequenceDataset;
import io.github.convlstm4j.api.data.MovingSquares.Movies;
import io.github.convlstm4j.api.data.MovingSquares.Settings;
import io.github.convlstm4j.api.data.MovingSquares.Square;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MovingSquaresTest {

  private static final Settings KERAS = Settings.keras();
  /** The whole 80×80 canvas, so nothing is cropped. */
  private static final Settings FULL = KERAS.withWindow(0, 80);

  @Test
  @DisplayName("the Keras settings hold the constants of generate_movies")
  void kerasSettings() {
    Settings s = Settings.keras();
    assertEquals(80, s.canvasSize());
    assertEquals(20, s.windowStart());
    assertEquals(40, s.windowSize());
    assertEquals(3, s.minSquares());
    assertEquals(7, s.maxSquares());
    assertEquals(20, s.startMin());
    assertEquals(60, s.startMax());
    assertEquals(1, s.maxStep());
    assertEquals(2, s.minHalfSize());
    assertEquals(3, s.maxHalfSize());
    assertEquals(0.1, s.noiseAmplitude());
    assertEquals(0.5, s.noiseProbability());
    assertEquals(1, s.noiseBorder());
    assertEquals(1.0, s.ceiling());
    assertEquals(new FrameShape(40, 40, 1), s.frameShape());
    assertEquals(s, MovingSquares.keras().settings());
  }

  @Test
  @DisplayName("movies have T x 40 x 40 x 1 frames in three lists of the requested size")
  void shapes() {
    Movies m = MovingSquares.keras().generate(4, 15, 1);
    assertEquals(4, m.size());
    for (List<FrameSequence> l : List.of(m.noisy(), m.clean(), m.shifted())) {
      assertEquals(4, l.size());
      for (FrameSequence s : l) {
        assertEquals("15x40x40x1", s.shapeString());
      }
    }
  }

  @Test
  @DisplayName("a seed reproduces the movies, another seed changes them")
  void reproducible() {
    MovingSquares g = MovingSquares.keras();
    Movies a = g.generate(5, 15, 42);
    Movies b = g.generate(5, 15, 42);
    Movies c = g.generate(5, 15, 43);
    assertEquals(a, b);
    for (int i = 0; i < 5; i++) {
      assertNotEquals(a.noisy().get(i), c.noisy().get(i), "movie " + i);
      assertNotEquals(a.clean().get(i), c.clean().get(i), "movie " + i);
    }
  }

  @Test
  @DisplayName("the first k movies do not depend on how many are generated")
  void prefixStable() {
    Movies few = MovingSquares.keras().generate(3, 15, 7);
    Movies many = MovingSquares.keras().generate(6, 15, 7);
    assertEquals(few, many.subset(0, 3));
  }

  @Test
  @DisplayName("each movie has 3 to 7 squares of half size 2 or 3 with Keras starts and steps")
  void squareDraws() {
    MovingSquares g = new MovingSquares(FULL);
    Random r = new Random(3);
    Set<Integer> counts = new TreeSet<>();
    Set<Integer> halves = new TreeSet<>();
    Set<Integer> steps = new TreeSet<>();
    int minStart = Integer.MAX_VALUE;
    int maxStart = Integer.MIN_VALUE;
    int frames = 15;
    for (int i = 0; i < 400; i++) {
      int n = frames * 80 * 80;
      List<Square> squares = g.drawMovie(r, frames, new double[n], new int[n], new int[n]);
      counts.add(squares.size());
      for (Square s : squares) {
        halves.add(s.halfSize());
        steps.add(s.dx());
        steps.add(s.dy());
        minStart = Math.min(minStart, Math.min(s.x(), s.y()));
        maxStart = Math.max(maxStart, Math.max(s.x(), s.y()));
      }
    }
    assertEquals(Set.of(3, 4, 5, 6, 7), counts);
    assertEquals(Set.of(2, 3), halves);
    assertEquals(Set.of(-1, 0, 1), steps);
    assertEquals(20, minStart);
    assertEquals(59, maxStart);
  }

  @Test
  @DisplayName("on the uncropped canvas a lone square is a 4x4 or 6x6 block moving one step at most")
  void loneSquareIsSolidBlock() {
    Settings one = FULL.withSquareCount(1, 1).withNoise(0.1, 0.0);
    Movies m = new MovingSquares(one).generate(200, 15, 11);
    Set<Integer> sides = new TreeSet<>();
    for (int i = 0; i < m.size(); i++) {
      FrameSequence clean = m.clean().get(i);
      int[] previous = null;
      int[] step = null;
      for (int t = 0; t < clean.frames(); t++) {
        int[] box = boundingBox(clean, t);
        int side = box[1] - box[0];
        assertEquals(side, box[3] - box[2], "square, movie " + i + " frame " + t);
        assertTrue(side == 4 || side == 6, "side " + side);
        assertEquals(side * side, countOnes(clean, t), "solid block, movie " + i);
        sides.add(side);
        if (previous != null) {
          int[] s = {box[0] - previous[0], box[2] - previous[2]};
          assertTrue(Math.abs(s[0]) <= 1 && Math.abs(s[1]) <= 1);
          if (step != null) {
            assertEquals(step[0], s[0], "constant velocity");
            assertEquals(step[1], s[1], "constant velocity");
          }
          step = s;
        }
        previous = box;
      }
    }
    assertEquals(Set.of(4, 6), sides);
  }

  @Test
  @DisplayName("shifted frame t equals clean frame t+1 everywhere (Keras window)")
  void shiftedIsNextCleanFrame() {
    Movies m = MovingSquares.keras().generate(50, 15, 5);
    for (int i = 0; i < m.size(); i++) {
      assertEquals(m.clean().get(i).slice(1, 15), m.shifted().get(i).slice(0, 14),
          "movie " + i);
    }
  }

  @Test
  @DisplayName("clean and shifted values are 0 or 1; noisy values lie in [-0.1 * squares, 1]")
  void valueRanges() {
    Movies m = MovingSquares.keras().generate(100, 15, 8);
    boolean sawOne = false;
    boolean sawMinusPointOne = false;
    boolean sawPointNine = false;
    boolean sawOverlappingNoise = false;
    for (int i = 0; i < m.size(); i++) {
      for (float v : m.clean().get(i).toArray()) {
        assertTrue(v == 0f || v == 1f, "clean value " + v);
        sawOne |= v == 1f;
      }
      for (float v : m.shifted().get(i).toArray()) {
        assertTrue(v == 0f || v == 1f, "shifted value " + v);
      }
      for (float v : m.noisy().get(i).toArray()) {
        // Noisy borders of up to 7 squares can overlap outside every square.
        assertTrue(v <= 1f && v >= -0.7f - 1e-6f, "noisy value " + v);
        sawMinusPointOne |= v == -0.1f;
        sawPointNine |= v == 0.9f;
        sawOverlappingNoise |= v < -0.15f;
      }
    }
    assertTrue(sawOne && sawMinusPointOne && sawPointNine);
    // Keras adds the noise of every square, so overlapping noisy borders reach -0.2: the
    // lower bound -0.1 holds only where at most one bordered square covers a pixel.
    assertTrue(sawOverlappingNoise, "no pixel below -0.1 in 100 movies");
  }

  @Test
  @DisplayName("noisy minus clean is a multiple of 0.1 and only inside a square's bordered area")
  void noiseOnlyOnBorderedSquares() {
    MovingSquares g = MovingSquares.keras();
    Random r = new Random(9);
    int frames = 15;
    int n = frames * 40 * 40;
    for (int i = 0; i < 100; i++) {
      double[] noisy = new double[n];
      int[] clean = new int[n];
      List<Square> squares = g.drawMovie(r, frames, noisy, clean, new int[n]);
      for (int t = 0; t < frames; t++) {
        for (int row = 0; row < 40; row++) {
          for (int col = 0; col < 40; col++) {
            int k = (t * 40 + row) * 40 + col;
            double diff = noisy[k] - clean[k];
            long tenths = Math.round(diff * 10);
            assertEquals(tenths / 10.0, diff, 1e-9, "multiple of 0.1");
            int covering = bordersCovering(squares, t, row + 20, col + 20);
            assertTrue(Math.abs(tenths) <= covering,
                "noise " + diff + " at a pixel in " + covering + " bordered squares");
          }
        }
      }
    }
  }

  @Test
  @DisplayName("after clipping, noisy and clean differ only near squares and by tenths")
  void clippedNoiseNearSquares() {
    Settings one = FULL.withSquareCount(1, 1);
    Movies m = new MovingSquares(one).generate(100, 15, 12);
    for (int i = 0; i < m.size(); i++) {
      FrameSequence noisy = m.noisy().get(i);
      FrameSequence clean = m.clean().get(i);
      for (int t = 0; t < 15; t++) {
        int[] box = boundingBox(clean, t);
        for (int row = 0; row < 80; row++) {
          for (int col = 0; col < 80; col++) {
            float d = noisy.get(t, row, col, 0) - clean.get(t, row, col, 0);
            if (d != 0) {
              assertTrue(Math.abs(Math.abs(d) - 0.1f) < 1e-6f, "difference " + d);
              assertTrue(row >= box[0] - 1 && row < box[1] + 1 && col >= box[2] - 1
                  && col < box[3] + 1, "noise outside the bordered square");
            }
          }
        }
      }
    }
  }

  @Test
  @DisplayName("noise fires in about half of the frames, with either sign about equally")
  void noiseFrequency() {
    // One square, full canvas: the one-pixel border is never covered by a square, so a frame
    // has noise exactly when its border pixels are non-zero.
    Settings one = FULL.withSquareCount(1, 1);
    Movies m = new MovingSquares(one).generate(500, 15, 13);
    int noisyFrames = 0;
    int negative = 0;
    int total = 0;
    for (int i = 0; i < m.size(); i++) {
      FrameSequence noisy = m.noisy().get(i);
      FrameSequence clean = m.clean().get(i);
      for (int t = 0; t < 15; t++) {
        int[] box = boundingBox(clean, t);
        float corner = noisy.get(t, box[0] - 1, box[2] - 1, 0);
        total++;
        if (corner != 0f) {
          noisyFrames++;
          negative += corner < 0 ? 1 : 0;
        }
      }
    }
    // 7,500 Bernoulli(1/2) trials: standard deviation of the rate about 0.006.
    assertEquals(0.5, noisyFrames / (double) total, 0.03);
    assertEquals(0.5, negative / (double) noisyFrames, 0.03);
  }

  @Test
  @DisplayName("no noise at probability 0, noise in every frame at probability 1")
  void noiseProbabilityExtremes() {
    Movies none = new MovingSquares(KERAS.withNoise(0.1, 0.0)).generate(5, 15, 1);
    assertEquals(none.clean(), none.noisy());
    Settings one = FULL.withSquareCount(1, 1).withNoise(0.25, 1.0);
    Movies all = new MovingSquares(one).generate(5, 15, 1);
    for (int i = 0; i < 5; i++) {
      for (int t = 0; t < 15; t++) {
        int[] box = boundingBox(all.clean().get(i), t);
        float corner = all.noisy().get(i).get(t, box[0] - 1, box[2] - 1, 0);
        assertEquals(0.25f, Math.abs(corner), 1e-7f);
      }
    }
  }

  @Test
  @DisplayName("the dataset pairs noisy inputs with shifted targets")
  void dataset() {
    Movies m = MovingSquares.keras().generate(6, 5, 2);
    SequenceDataset all = m.toDataset();
    assertEquals(6, all.size());
    assertSame(m.noisy().get(3), all.get(3).input());
    assertSame(m.shifted().get(3), all.get(3).target());
    SequenceDataset part = m.toDataset(2, 5);
    assertEquals(3, part.size());
    assertSame(m.noisy().get(2), part.get(0).input());
    assertSame(m.shifted().get(4), part.get(2).target());
    assertEquals(0, m.toDataset(6, 6).size());
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> m.toDataset(4, 7));
    assertTrue(e.getMessage().contains("6") && e.getMessage().contains("[4, 7)"),
        e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> m.toDataset(3, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> m.toDataset(-1, 2));
  }

  @Test
  @DisplayName("movies lists are immutable copies of one size")
  void moviesValidation() {
    Movies m = MovingSquares.keras().generate(2, 3, 2);
    assertThrows(UnsupportedOperationException.class, () -> m.noisy().add(m.clean().get(0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Movies(m.noisy(), m.clean().subList(0, 1), m.shifted()));
    assertTrue(e.getMessage().contains("2") && e.getMessage().contains("got 1"),
        e.getMessage());
  }

  @Test
  @DisplayName("bad arguments are rejected naming the expected and the actual value")
  void validation() {
    MovingSquares g = MovingSquares.keras();
    assertMessage("samples must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> g.generate(0, 15, 1)));
    assertMessage("frames must be positive, got -2",
        assertThrows(IllegalArgumentException.class, () -> g.generate(3, -2, 1)));
    assertMessage("windowStart + windowSize must be <= canvasSize 80, got 50 + 40",
        assertThrows(IllegalArgumentException.class, () -> KERAS.withWindow(50, 40)));
    assertMessage("maxSquares must be >= minSquares 3, got 2",
        assertThrows(IllegalArgumentException.class, () -> KERAS.withSquareCount(3, 2)));
    assertMessage("noiseProbability must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> KERAS.withNoise(0.1, 1.5)));
    assertMessage("noiseAmplitude must be finite and >= 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> KERAS.withNoise(Double.NaN, 0.5)));
    assertMessage("startMax must be in (startMin, canvasSize] = (20, 80], got 90",
        assertThrows(IllegalArgumentException.class,
            () -> new Settings(80, 20, 40, 3, 7, 20, 90, 1, 2, 3, 0.1, 0.5, 1, 1.0)));
    assertThrows(NullPointerException.class, () -> new MovingSquares(null));
  }

  @Test
  @DisplayName("statistics match the original NumPy generate_movies")
  void matchesNumpyStatistics() {
    // Reference: the Keras example's generate_movies (keras/examples/conv_lstm.py) run
    // verbatim in Python with NumPy 2.4.6, plus a clean copy accumulated without the noise;
    // np.random.seed(100..103), 1000 movies of 15 frames each. Means over the four runs (and
    // the standard deviation between runs):
    //   persistence MSE, mean((clip(noisy[:, 6], 0, 1) - clean[:, 7])^2): 0.02588 (0.00042)
    //   mean clean pixel value:                                          0.06040 (0.00066)
    //   fraction of noisy values below 0:                                0.012887 (0.000089)
    Movies m = MovingSquares.keras().generate(1000, 15, 2024);
    double persistence = 0;
    double cleanSum = 0;
    long negative = 0;
    long values = 0;
    for (int i = 0; i < m.size(); i++) {
      FrameSequence noisy = m.noisy().get(i);
      FrameSequence clean = m.clean().get(i);
      for (int r = 0; r < 40; r++) {
        for (int c = 0; c < 40; c++) {
          double p = Math.min(1, Math.max(0, noisy.get(6, r, c, 0)));
          double d = p - clean.get(7, r, c, 0);
          persistence += d * d;
        }
      }
      for (float v : clean.toArray()) {
        cleanSum += v;
      }
      for (float v : noisy.toArray()) {
        negative += v < 0 ? 1 : 0;
        values++;
      }
    }
    persistence /= 1000 * 1600;
    assertEquals(0.02588, persistence, 0.0015);
    assertEquals(0.06040, cleanSum / values, 0.0025);
    assertEquals(0.012887, negative / (double) values, 0.0004);
  }

  @Test
  @DisplayName("1200 Keras movies are generated well within a few seconds")
  void fastEnough() {
    long start = System.nanoTime();
    Movies m = MovingSquares.keras().generate(1200, 15, 0);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1200, m.size());
    assertTrue(seconds < 5, "took " + seconds + " s");
  }

  private static void assertMessage(String expected, Exception e) {
    assertEquals(expected, e.getMessage());
  }

  /** Rows [r0, r1) and columns [c0, c1) holding the frame's ones. */
  private static int[] boundingBox(FrameSequence s, int t) {
    int r0 = Integer.MAX_VALUE;
    int r1 = -1;
    int c0 = Integer.MAX_VALUE;
    int c1 = -1;
    for (int r = 0; r < s.height(); r++) {
      for (int c = 0; c < s.width(); c++) {
        if (s.get(t, r, c, 0) == 1f) {
          r0 = Math.min(r0, r);
          r1 = Math.max(r1, r + 1);
          c0 = Math.min(c0, c);
          c1 = Math.max(c1, c + 1);
        }
      }
    }
    assertTrue(r1 > 0, "frame " + t + " has a square");
    return new int[] {r0, r1, c0, c1};
  }

  private static int countOnes(FrameSequence s, int t) {
    int n = 0;
    for (int r = 0; r < s.height(); r++) {
      for (int c = 0; c < s.width(); c++) {
        n += s.get(t, r, c, 0) == 1f ? 1 : 0;
      }
    }
    return n;
  }

  private static int bordersCovering(List<Square> squares, int t, int row, int col) {
    int n = 0;
    for (Square s : squares) {
      int cx = s.x() + s.dx() * t;
      int cy = s.y() + s.dy() * t;
      int b = s.halfSize() + 1;
      if (row >= cx - b && row < cx + b && col >= cy - b && col < cy + b) {
        n++;
      }
    }
    return n;
  }
}

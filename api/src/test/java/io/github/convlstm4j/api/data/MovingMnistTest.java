package io.github.convlstm4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.data.MovingMnist.Track;
import io.github.convlstm4j.api.io.NpyFrames;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovingMnistTest {

  private static final int D = 28;

  @TempDir
  Path dir;

  /** Three 28x28 "digits", each one solid block of its own value: 50, 100, 150. */
  private static MnistDigits blocks() {
    byte[] px = new byte[3 * D * D];
    for (int k = 0; k < 3; k++) {
      Arrays.fill(px, k * D * D, (k + 1) * D * D, (byte) (50 * (k + 1)));
    }
    return MnistDigits.of(3, D, D, px);
  }

  /** Digits with a gradient inside, so misplaced offsets show. */
  private static MnistDigits gradients() {
    byte[] px = new byte[4 * D * D];
    for (int k = 0; k < 4; k++) {
      for (int r = 0; r < D; r++) {
        for (int c = 0; c < D; c++) {
          px[(k * D + r) * D + c] = (byte) ((r * 7 + c * 3 + k * 40) % 256);
        }
      }
    }
    return MnistDigits.of(4, D, D, px);
  }

  @Test
  @DisplayName("trajectories: positions in bounds, constant speed between bounces, bounces "
      + "clamp to the edge and reverse the direction")
  void trajectories() {
    MovingMnist g = MovingMnist.openStl(blocks());
    int bounces = 0;
    for (Track[] movie : g.plan(300, 42)) {
      assertEquals(2, movie.length);
      for (Track t : movie) {
        double vx = Math.cos(t.theta()) * 0.1;
        double vy = Math.sin(t.theta()) * 0.1;
        bounces += checkAxis(t.x0(), vx, t.xs());
        bounces += checkAxis(t.y0(), vy, t.ys());
        for (int i = 0; i < 20; i++) {
          assertTrue(t.tops()[i] >= 0 && t.tops()[i] <= 64 - D, "top " + t.tops()[i]);
          assertTrue(t.lefts()[i] >= 0 && t.lefts()[i] <= 64 - D, "left " + t.lefts()[i]);
          // NumPy's astype(int32) of 36 * position: truncation.
          assertEquals((int) Math.floor(36 * t.xs()[i]), t.lefts()[i]);
          assertEquals((int) Math.floor(36 * t.ys()[i]), t.tops()[i]);
        }
        assertTrue(t.image() >= 0 && t.image() < 3);
      }
    }
    assertTrue(bounces > 100, "the sample must exercise bounces, got " + bounces);
  }

  /**
   * One axis: every step moves by +-v exactly unless it hits an edge, where the position is the
   * edge and the following steps move the other way. Returns the number of bounces.
   */
  private static int checkAxis(double start, double v, double[] pos) {
    double dir = 1;
    double prev = start;
    int bounces = 0;
    for (int i = 0; i < pos.length; i++) {
      double p = pos[i];
      assertTrue(p >= 0 && p <= 1, "position " + p);
      double free = prev + dir * v;
      if (free <= 0 || free >= 1) {
        assertEquals(free <= 0 ? 0.0 : 1.0, p, 0.0, "a bounce clamps to the edge");
        dir = -dir;
        bounces++;
      } else {
        assertEquals(Math.abs(v), Math.abs(p - prev), 1e-12, "constant speed between bounces");
        assertEquals(Math.signum(dir * v), Math.signum(p - prev), "direction kept");
      }
      prev = p;
    }
    return bounces;
  }

  @Test
  @DisplayName("digits combine by pixel-wise maximum: solid blocks show their own value alone, "
      + "the larger one where they overlap, 0 elsewhere")
  void maximum() {
    MovingMnist g = MovingMnist.openStl(blocks());
    int overlaps = 0;
    for (Track[] movie : g.plan(40, 9)) {
      byte[] frame = new byte[64 * 64];
      for (int t = 0; t < 20; t++) {
        g.render(movie, t, frame);
        for (int r = 0; r < 64; r++) {
          for (int c = 0; c < 64; c++) {
            int expected = 0;
            int covering = 0;
            for (Track tr : movie) {
              if (r >= tr.tops()[t] && r < tr.tops()[t] + D && c >= tr.lefts()[t]
                  && c < tr.lefts()[t] + D) {
                expected = Math.max(expected, 50 * (tr.image() + 1));
                covering++;
              }
            }
            overlaps += covering == 2 && movie[0].image() != movie[1].image() ? 1 : 0;
            assertEquals(expected, frame[r * 64 + c] & 0xff, "pixel " + r + "," + c);
          }
        }
      }
    }
    assertTrue(overlaps > 0, "the sample must exercise overlaps of different digits");
  }

  @Test
  @DisplayName("the .npy equals an independent implementation of OpenSTL's generator, and "
      + "NpyFrames reads it back as generate() gives it")
  void againstIndependentImplementation() throws IOException {
    MnistDigits digits = gradients();
    MovingMnist g = MovingMnist.openStl(digits);
    Path file = dir.resolve("mm.npy");
    g.writeNpy(25, 1234, file);
    byte[] all = Files.readAllBytes(file);
    byte[] expected = independent(digits, 25, 1234);
    byte[] data = Arrays.copyOfRange(all, all.length - expected.length, all.length);
    assertArrayEquals(expected, data);
    String header = new String(all, 0, all.length - expected.length,
        java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'descr': '|u1'") && header.contains("(20, 25, 64, 64)"),
        header);
    List<FrameSequence> read = NpyFrames.read(file, NpyFrames.Layout.TNHW);
    assertEquals(g.generate(25, 1234), read);
    // Statistics of the independent data agree with the generated floats too (mean intensity).
    double mean = 0;
    for (byte b : expected) {
      mean += (b & 0xff) / 255.0;
    }
    mean /= expected.length;
    double got = 0;
    for (FrameSequence s : read) {
      for (float v : s.toArray()) {
        got += v;
      }
    }
    got /= expected.length;
    assertEquals(mean, got, 1e-6);
  }

  /**
   * OpenSTL's dataloader_moving_mnist.py re-written from its text (float canvas, np.maximum,
   * astype(int32)), with the draw order MovingMnist documents, stored (T, N, 64, 64).
   */
  private static byte[] independent(MnistDigits digits, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][][][] data = new float[20][n][64][64];
    for (int movie = 0; movie < n; movie++) {
      for (int digit = 0; digit < 2; digit++) {
        double x = rnd.nextDouble();
        double y = rnd.nextDouble();
        double theta = rnd.nextDouble() * 2 * Math.PI;
        int[] startY = new int[20];
        int[] startX = new int[20];
        int bounceX = 1;
        int bounceY = 1;
        for (int i = 0; i < 20; i++) {
          y += bounceY * Math.sin(theta) * 0.1;
          x += bounceX * Math.cos(theta) * 0.1;
          if (x <= 0) {
            x = 0;
            bounceX = -bounceX;
          }
          if (x >= 1.0) {
            x = 1.0;
            bounceX = -bounceX;
          }
          if (y <= 0) {
            y = 0;
            bounceY = -bounceY;
          }
          if (y >= 1.0) {
            y = 1.0;
            bounceY = -bounceY;
          }
          startY[i] = (int) (36 * y);
          startX[i] = (int) (36 * x);
        }
        int ind = rnd.nextInt(digits.count());
        byte[] img = digits.image(ind);
        for (int i = 0; i < 20; i++) {
          for (int r = 0; r < D; r++) {
            for (int c = 0; c < D; c++) {
              float[] row = data[i][movie][startY[i] + r];
              row[startX[i] + c] = Math.max(row[startX[i] + c], img[r * D + c] & 0xff);
            }
          }
        }
      }
    }
    byte[] out = new byte[20 * n * 64 * 64];
    int k = 0;
    for (int t = 0; t < 20; t++) {
      for (int movie = 0; movie < n; movie++) {
        for (int r = 0; r < 64; r++) {
          for (int c = 0; c < 64; c++) {
            out[k++] = (byte) (int) data[t][movie][r][c];
          }
        }
      }
    }
    return out;
  }

  @Test
  @DisplayName("same seed, same bytes; another seed, other bytes; the first movies do not "
      + "depend on the count")
  void reproducible() throws IOException {
    MovingMnist g = MovingMnist.openStl(gradients());
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    Path c = dir.resolve("c.npy");
    g.writeNpy(6, 5, a);
    g.writeNpy(6, 5, b);
    g.writeNpy(6, 6, c);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    assertEquals(g.generate(3, 5), g.generate(6, 5).subList(0, 3));
  }

  @Test
  @DisplayName("IDX image files are read plain and gzipped; bad files are named with expected "
      + "and actual values")
  void idx() throws IOException {
    MnistDigits digits = gradients();
    Path plain = dir.resolve("t10k-images-idx3-ubyte");
    Path gz = dir.resolve("t10k-images-idx3-ubyte.gz");
    byte[] bytes = idxBytes(0x803, digits);
    Files.write(plain, bytes);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(bytes);
    }
    for (Path p : List.of(plain, gz)) {
      MnistDigits read = MnistDigits.readIdx(p);
      assertEquals(4, read.count());
      assertEquals(D, read.rows());
      for (int k = 0; k < 4; k++) {
        assertArrayEquals(digits.image(k), read.image(k));
      }
    }
    Path truncated = dir.resolve("short");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
    String m = assertThrows(IOException.class, () -> MnistDigits.readIdx(truncated))
        .getMessage();
    assertTrue(m.contains(truncated.toString()) && m.contains("3136") && m.contains("3126"), m);
    Path gzShort = dir.resolve("short.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gzShort))) {
      o.write(Arrays.copyOf(bytes, bytes.length - 10));
    }
    m = assertThrows(IOException.class, () -> MnistDigits.readIdx(gzShort)).getMessage();
    assertTrue(m.contains("truncated") && m.contains("3126"), m);
    Path labels = dir.resolve("labels");
    Files.write(labels, idxBytes(0x801, digits));
    m = assertThrows(IOException.class, () -> MnistDigits.readIdx(labels)).getMessage();
    assertTrue(m.contains("labels") && m.contains("0x00000803"), m);
    assertThrows(IllegalArgumentException.class, () -> MnistDigits.of(1, D, D, new byte[5]));
    assertThrows(IllegalArgumentException.class, () -> new MovingMnist(
        new MovingMnist.Settings(20, 20, 2, 0.1), digits));
    assertThrows(IllegalArgumentException.class, () -> new MovingMnist.Settings(64, 20, 2, 0));
    assertThrows(IllegalArgumentException.class,
        () -> MovingMnist.openStl(digits).generate(0, 1));
  }

  private static byte[] idxBytes(int magic, MnistDigits digits) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bos);
    d.writeInt(magic);
    d.writeInt(digits.count());
    d.writeInt(digits.rows());
    d.writeInt(digits.cols());
    for (int k = 0; k < digits.count(); k++) {
      d.write(digits.image(k));
    }
    return bos.toByteArray();
  }
}

package io.github.convlstm4j.reference;

import io.github.convlstm4j.reference.Winograd3x3.Input;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints the time of the seed model's joint weight gradient (inputs X and H of 40 channels
 * each, 160 gate channels, 14 · 10 = 140 frames of 40×40, padding 1) by F(2×2, 3×3)
 * ({@link Winograd3x3}) and F(4×4, 3×3) ({@link Winograd4x4}) on 2 threads, alternating in
 * one JVM after a warm-up; F(4×4)'s rounding error on sampled elements at this scale (against
 * the definition summed in double); and the time of the F(4×4) transforms alone (one thread,
 * every tile). The timings are measurements, not assertions; the rounding sample is held to
 * {@link Winograd4x4Test#RTOL}. Tagged slow. Run with
 * {@code mvn -pl backend-reference test -Dslow -Dtest=Winograd4x4WeightGradientTiming}.
 */
@Tag("slow")
class Winograd4x4WeightGradientTiming {

  @Test
  void timeSeedJointWeightGradient() {
    int frames = 140;
    int side = 40;
    int c = 40;
    int cout = 160;
    Random r = new Random(1);
    float[] x = random(r, frames * side * side * c);
    float[] h = random(r, frames * side * side * c);
    float[] dy = random(r, frames * side * side * cout);
    Input[] inputs = {new Input(x, 0, c), new Input(h, 0, c)};
    float[][] grads = {new float[9 * c * cout], new float[9 * c * cout]};
    Parallel par = new Parallel(2);
    MatMul serial = MatMuls.best(2).serial();
    Winograd3x3 f2 = new Winograd3x3(par, serial, CellOps.forKernel(serial), new Arena());
    Winograd4x4 f4 = new Winograd4x4(par, serial, new Arena());
    int rounds = Integer.getInteger("rounds", 8);
    double[] t2 = new double[rounds];
    double[] t4 = new double[rounds];
    for (int i = 0; i < rounds + 3; i++) {
      long a = System.nanoTime();
      f2.weightGradient(inputs, frames, side, side, 1, 1, dy, 0, cout, side, side, grads);
      long b = System.nanoTime();
      f4.weightGradient(inputs, frames, side, side, 1, 1, dy, 0, cout, side, side, grads);
      long e = System.nanoTime();
      if (i >= 3) {
        t2[i - 3] = (b - a) / 1e9;
        t4[i - 3] = (e - b) / 1e9;
      }
    }
    System.out.printf("seed joint weight gradient, kernel %s, 2 threads, %d rounds: "
        + "F(2x2) min %.3f s median %.3f s; F(4x4) (%d tiles per block, transforms %s) min "
        + "%.3f s median %.3f s%n", serial.name(), rounds, min(t2), median(t2),
        Winograd4x4.TILES_PER_BLOCK, f4.transforms().bits(), min(t4), median(t4));
    // Rounding at the seed's scale: 300 sampled elements of one fresh gradient against the
    // definition summed in double, relative to the sum of the terms' magnitudes.
    float[][] fresh = {new float[9 * c * cout], new float[9 * c * cout]};
    f4.weightGradient(inputs, frames, side, side, 1, 1, dy, 0, cout, side, side, fresh);
    double worst = 0;
    for (int s = 0; s < 300; s++) {
      int j = r.nextInt(2);
      int ky = r.nextInt(3);
      int kx = r.nextInt(3);
      int ch = r.nextInt(c);
      int o = r.nextInt(cout);
      float[] in = j == 0 ? x : h;
      double sum = 0;
      double abs = 0;
      for (int f = 0; f < frames; f++) {
        for (int y = 0; y < side; y++) {
          int iy = y + ky - 1;
          for (int xx = 0; xx < side; xx++) {
            int ix = xx + kx - 1;
            if (iy < 0 || iy >= side || ix < 0 || ix >= side) {
              continue;
            }
            double term = (double) in[((f * side + iy) * side + ix) * c + ch]
                * dy[((f * side + y) * side + xx) * cout + o];
            sum += term;
            abs += Math.abs(term);
          }
        }
      }
      float got = fresh[j][((ky * 3 + kx) * c + ch) * cout + o];
      worst = Math.max(worst, Math.abs(got - sum) / abs);
    }
    System.out.printf("F(4x4) seed joint weight gradient: worst error of 300 sampled "
        + "elements %.2e of the sum of the terms' magnitudes%n", worst);
    // At the seed's scale the rounding stays inside the bound the unit tests hold.
    org.junit.jupiter.api.Assertions.assertTrue(worst < Winograd4x4Test.RTOL,
        "worst relative error " + worst + " at the seed's scale, bound " + Winograd4x4Test.RTOL);
    // The output-gradient transform alone, one thread, all tiles, into one block's buffer.
    for (Winograd4Transforms tr : new Winograd4Transforms[] {Winograd4Transforms.SCALAR,
        f4.transforms()}) {
      int block = Winograd4x4.TILES_PER_BLOCK;
      int sliver = serial.preparedSliver(block, cout);
      int ms = block * ((cout + sliver - 1) / sliver * sliver);
      float[] m = new float[36 * ms];
      float[] t = new float[Winograd4Transforms.SCRATCH];
      float[] v = new float[36 * block * 2 * c];
      double best = Double.MAX_VALUE;
      double bestIn = Double.MAX_VALUE;
      for (int round = 0; round < 5; round++) {
        long a = System.nanoTime();
        for (int f = 0; f < frames; f++) {
          for (int ty = 0; ty < 10; ty++) {
            for (int tx = 0; tx < 10; tx++) {
              int q = (ty * 10 + tx) % block;
              tr.outputGradient(dy, ((f * side + 4 * ty) * side + 4 * tx) * cout,
                  side * cout, cout, 4, 4, t, 0, m, q * sliver, ms, sliver, block * sliver, 0,
                  6);
            }
          }
        }
        long b = System.nanoTime();
        for (int f = 0; f < frames; f++) {
          for (int ty = 0; ty < 9; ty++) {
            for (int tx = 0; tx < 9; tx++) {
              int q = (ty * 10 + tx) % block;
              for (int j = 0; j < 2; j++) {
                tr.input(j == 0 ? x : h, ((f * side + 4 * ty) * side + 4 * tx) * c,
                    side * c, c, t, 0, v, q * 2 * c + j * c, block * 2 * c, 0, 6);
              }
            }
          }
        }
        long e = System.nanoTime();
        best = Math.min(best, (b - a) / 1e9);
        bestIn = Math.min(bestIn, (e - b) / 1e9);
      }
      System.out.printf("transforms %d bits, one thread: output gradient (%d tiles x %d "
          + "channels) %.3f s; input (%d interior tiles x 2 x %d channels) %.3f s%n",
          tr.bits(), frames * 100, cout, best, frames * 81, c, bestIn);
    }
  }

  private static double min(double[] t) {
    return Arrays.stream(t).min().orElse(0);
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = 2 * r.nextFloat() - 1;
    }
    return a;
  }
}

package io.github.convlstm4j.reference.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark entry point (not a unit test): GFLOP/s of the scalar and vector kernels on the seed
 * model's GEMM shapes (batch 10, 15 frames, 40×40, F = 40, 3×3 kernels), next to the FMA peak
 * measured in the same run (and again right before each row, "localpeak", because the machine
 * may be shared; "cpu" is the share of the cores the process actually got while timing; "best"
 * is the fastest repetition in GFLOP/s). Run with the test classpath and
 * {@code --add-modules jdk.incubator.vector}; arguments: {@code [threads] [repetitions]
 * [only-vector]}.
 */
public final class KernelBench {

  private KernelBench() {}

  private record Shape(String name, boolean ta, boolean tb, int m, int n, int k) {
    double gflop() {
      return 2.0 * m * n * k / 1e9;
    }
  }

  /**
   * Runs the benchmark and prints a table.
   *
   * @param args optional thread count (default 2), repetitions (default 5), and "vector" to
   *     skip the scalar kernel
   */
  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean onlyVector = args.length > 2 && args[2].equals("vector");
    int positions = 10 * 15 * 40 * 40; // 240000
    int step = 10 * 40 * 40; // 16000
    int kk = 9 * 40; // 360 = 3x3 x F input channels
    int gates = 4 * 40; // 160
    List<Shape> shapes = List.of(
        new Shape("fwd input-to-state  C=cols*W", false, false, positions, gates, kk),
        new Shape("fwd recurrent step  C=cols*W", false, false, step, gates, kk),
        new Shape("bwd dW = cols^T*dZ  (transA)", true, false, kk, gates, positions),
        new Shape("bwd dCols = dZ*W^T  (transB)", false, true, positions, kk, gates),
        new Shape("bwd step dW         (transA)", true, false, kk, gates, step),
        new Shape("bwd step dCols      (transB)", false, true, step, kk, gates),
        new Shape("step transA+transB  (TT)", true, true, step, gates, kk));
    Random r = new Random(1);
    float[] big = fill(new float[positions * kk], r); // cols / dCols
    float[] dz = fill(new float[positions * gates], r); // gate pre-activations / dZ
    float[] w = fill(new float[kk * gates], r);
    float[] wt = fill(new float[kk * gates], r);

    double firstPeak = FmaPeakProbe.gflops(threads);
    List<MatMul> kernels = new ArrayList<>();
    if (!onlyVector) {
      kernels.add(MatMuls.scalar(threads));
    }
    kernels.add(MatMuls.vector(threads));
    // Rows are printed at the end, against the best FMA probe of the whole run ("%peak"); the
    // probe also runs right before each row ("localpeak"), because the machine may be shared.
    // "cpu": process CPU time / (wall time x threads) while timing, below 100 % when other
    // processes took the cores.
    // One pass over every shape first, so that C2 has seen every path (transposes, edges) and
    // no measurement includes a deoptimization and recompilation triggered by a new path.
    for (Shape s : shapes) {
      for (MatMul mm : kernels) {
        call(mm, s, big, dz, w, wt).run();
      }
    }
    List<double[]> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    double bestPeak = firstPeak;
    for (Shape s : shapes) {
      for (MatMul mm : kernels) {
        Runnable call = call(mm, s, big, dz, w, wt);
        boolean scalar = mm instanceof ScalarMatMul;
        double local = FmaPeakProbe.gflops(threads, 3, 100);
        bestPeak = Math.max(bestPeak, local);
        double[] secondsAndCpu = medianSeconds(call, scalar ? 1 : 3, scalar ? 3 : reps);
        labels.add(String.format(Locale.ROOT, "%-11s %-29s %6d %4d %6d", mm.name(), s.name(),
            s.m, s.n, s.k));
        rows.add(new double[] {s.gflop() / secondsAndCpu[0], local, secondsAndCpu[1] / threads,
            s.gflop() / secondsAndCpu[2]});
      }
    }
    double lastPeak = FmaPeakProbe.gflops(threads);
    bestPeak = Math.max(bestPeak, lastPeak);
    System.out.printf(Locale.ROOT, "FMA peak probe (%d threads, %d lanes): %.1f GFLOP/s at the "
        + "start, %.1f at the end, best of the run %.1f%n", threads, new VectorMatMul(1).lanes(),
        firstPeak, lastPeak, bestPeak);
    System.out.printf(Locale.ROOT, "%-11s %-29s %6s %4s %6s %8s %6s %10s %6s %6s%n", "kernel",
        "shape", "m", "n", "k", "GFLOP/s", "%peak", "localpeak", "cpu", "best");
    for (int i = 0; i < rows.size(); i++) {
      double[] row = rows.get(i);
      System.out.printf(Locale.ROOT, "%s %8.1f %5.1f%% %9.1f%% %5.0f%% %6.1f%n", labels.get(i),
          row[0], 100 * row[0] / bestPeak, 100 * row[0] / row[1], 100 * row[2], row[3]);
    }
  }

  private static Runnable call(MatMul mm, Shape s, float[] big, float[] dz, float[] w,
      float[] wt) {
    if (!s.ta && !s.tb) { // cols (m x k) * W (k x n) -> dz (m x n)
      return () -> mm.gemm(false, false, s.m, s.n, s.k, big, 0, s.k, w, 0, s.n, dz, 0, s.n,
          false);
    } else if (s.ta && !s.tb) { // cols^T: cols stored k x m, dZ stored k x n -> dW (m x n)
      return () -> mm.gemm(true, false, s.m, s.n, s.k, big, 0, s.m, dz, 0, s.n, w, 0, s.n,
          false);
    } else if (!s.ta) { // dZ (m x k) * W^T: W stored n x k -> dCols (m x n)
      return () -> mm.gemm(false, true, s.m, s.n, s.k, dz, 0, s.k, wt, 0, s.k, big, 0, s.n,
          false);
    } else { // A stored k x m, B stored n x k
      return () -> mm.gemm(true, true, s.m, s.n, s.k, big, 0, s.m, wt, 0, s.k, dz, 0, s.n,
          false);
    }
  }

  /**
   * Median wall seconds of the timed runs, process CPU seconds per wall second, and the
   * fastest run's seconds.
   */
  private static double[] medianSeconds(Runnable call, int warmups, int reps) {
    for (int i = 0; i < warmups; i++) {
      call.run();
    }
    double[] t = new double[reps];
    long cpu0 = processCpuNanos();
    long wall0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      call.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    double cpuPerWall = (double) (processCpuNanos() - cpu0) / (System.nanoTime() - wall0);
    Arrays.sort(t);
    return new double[] {t[reps / 2], cpuPerWall, t[0]};
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return 0;
  }

  private static float[] fill(float[] x, Random r) {
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    return x;
  }
}

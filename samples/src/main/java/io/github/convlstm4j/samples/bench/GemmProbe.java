package io.github.convlstm4j.samples.bench;

import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The FMA peak ({@code FmaPeakProbe}, Vector API) and the reference backend's GEMM kernels on
 * the seed model's gate-convolution shapes, in the current JVM.
 *
 * <p>Shapes (seed: N = 10, T = 15, 40×40, F = 40, 3×3): forward input-to-state over all
 * steps ({@code N·T·H·W × 4F × 9F}), forward recurrent per step
 * ({@code N·H·W × 4F × 9F}), backward weight gradient over all steps (transposed A) and
 * backward column gradient over all steps (transposed B).
 */
final class GemmProbe {

  private static final String PROBE = "io.github.convlstm4j.reference.kernel.FmaPeakProbe";

  /** One GEMM shape: C(m×n) = op(A)(m×k) · op(B)(k×n). */
  record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {
    double flops() {
      return 2.0 * m * n * k;
    }
  }

  private final int threads;
  private final int reps;
  private final boolean tiny;

  GemmProbe(int threads, int reps, boolean tiny) {
    this.threads = threads;
    this.reps = reps;
    this.tiny = tiny;
  }

  /** The shapes measured. */
  static List<Shape> shapes(boolean tiny) {
    int step = tiny ? 2 * 8 * 8 : 10 * 40 * 40;
    int positions = step * (tiny ? 4 : 15);
    int filters = tiny ? 4 : 40;
    int k = 9 * filters;
    int g = 4 * filters;
    return List.of(
        new Shape("fwd input-to-state, all steps", false, false, positions, g, k),
        new Shape("fwd recurrent, one step", false, false, step, g, k),
        new Shape("bwd weight gradient (A^T)", true, false, k, g, positions),
        new Shape("bwd column gradient (B^T)", false, true, positions, k, g));
  }

  /** Runs the probe and the kernels; errors are reported in the result, not thrown. */
  Map<String, Object> run() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("threads", threads);
    boolean vector = MatMuls.vectorApiAvailable();
    r.put("vectorApi", vector);
    if (!vector) {
      r.put("error", "the Vector API is not available: " + MatMuls.VECTOR_HINT);
      return r;
    }
    int peakReps = tiny ? 3 : 5;
    int peakMillis = tiny ? 30 : 200;
    r.put("peakGflops", peak(peakReps, peakMillis));
    List<Shape> shapes = shapes(tiny);
    int maxA = 0;
    int maxB = 0;
    int maxC = 0;
    for (Shape s : shapes) {
      maxA = Math.max(maxA, s.m * s.k);
      maxB = Math.max(maxB, s.k * s.n);
      maxC = Math.max(maxC, s.m * s.n);
    }
    Random rnd = new Random(1);
    float[] a = fill(new float[maxA], rnd);
    float[] b = fill(new float[maxB], rnd);
    float[] c = new float[maxC];
    List<Object> rows = new ArrayList<>();
    for (MatMul mm : List.of(MatMuls.scalar(threads), MatMuls.vector(threads))) {
      boolean scalar = !mm.name().startsWith("vector");
      // Scalar runs are 30-60x slower: fewer repetitions, warm-up on the small shape only.
      int kernelReps = scalar ? Math.min(reps, 2) : reps;
      time(mm, shapes.get(1), a, b, c, 1);
      for (Shape s : shapes) {
        Stats st = Stats.of(timeAll(mm, s, a, b, c, scalar ? 0 : 1, kernelReps));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kernel", mm.name());
        row.put("shape", s.name);
        row.put("m", s.m);
        row.put("n", s.n);
        row.put("k", s.k);
        row.put("transA", s.transA);
        row.put("transB", s.transB);
        row.put("seconds", st.toJson());
        row.put("gflops", s.flops() / st.median() / 1e9);
        rows.add(row);
      }
    }
    r.put("gemm", rows);
    r.put("peakGflopsAfter", peak(peakReps, peakMillis));
    r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
    return r;
  }

  private List<Double> timeAll(MatMul mm, Shape s, float[] a, float[] b, float[] c, int warm,
      int n) {
    for (int i = 0; i < warm; i++) {
      time(mm, s, a, b, c, 1);
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(time(mm, s, a, b, c, 1));
    }
    return out;
  }

  private static double time(MatMul mm, Shape s, float[] a, float[] b, float[] c, int calls) {
    int lda = s.transA ? s.m : s.k;
    int ldb = s.transB ? s.k : s.n;
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      mm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, lda, b, 0, ldb, c, 0, s.n, false);
    }
    return (System.nanoTime() - t0) / 1e9 / calls;
  }

  private double peak(int peakReps, int millis) {
    try {
      return (double) Class.forName(PROBE).getMethod("gflops", int.class, int.class, int.class)
          .invoke(null, threads, peakReps, millis);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("FMA peak probe failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("FMA peak probe unavailable: " + e, e);
    }
  }

  private static float[] fill(float[] x, Random rnd) {
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat() - 0.5f;
    }
    return x;
  }
}

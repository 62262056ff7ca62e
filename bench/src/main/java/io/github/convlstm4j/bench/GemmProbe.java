package io.github.convlstm4j.bench;

import io.github.convlstm4j.reference.kernel.FmaPeakProbe;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import io.github.convlstm4j.reference.kernel.WorkerPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The FMA peak ({@link FmaPeakProbe}, Vector API) and the reference backend's GEMM kernels on
 * the seed model's gate-convolution shapes, in the current JVM, through the reference
 * backend's documented measurement hook ({@code io.github.convlstm4j.reference.kernel}:
 * {@link MatMuls}, {@link MatMul}, {@link FmaPeakProbe}).
 *
 * <p>Shapes (seed: N = 10, T = 15, 40×40, F = 40, 3×3): forward input-to-state over all
 * steps ({@code N·T·H·W × 4F × 9F}), forward recurrent per step
 * ({@code N·H·W × 4F × 9F}; timed as the T steps of a layer, one product after the other on
 * its own slices of A and C, and reported per product: timed alone, each product also paid
 * for waking the helper thread's idle vCPU, measured 20-22 ms against 15.5-17 ms per product
 * in a row on this VM, a cost the network's back-to-back parallel work does not pay),
 * backward weight gradient over all steps (transposed A) and backward column gradient over all
 * steps (transposed B). These are the direct (im2col) path's products.
 *
 * <p>Kernels: the scalar one and the Vector API kernel at every width the machine has
 * ({@link MatMuls#nativeVectorBits()}: {@code vector-256}, and {@code vector-512} with
 * AVX-512), each with its own register tile; one kernel per probe, each probe in its own JVM
 * (see the constructor).
 *
 * <p>More rows per kernel ({@code "target": false}, a flag kept for the report's grouping;
 * issue 18 judges them like the others): the products of the reference backend's Winograd
 * paths as it calls them in the seed's layers 2-4, for both tile sizes, F(2×2, 3×3) (the
 * default, {@code Winograd3x3}) and F(4×4, 3×3) ({@code reference.convolution=winograd4},
 * {@code Winograd4x4}); the row names start with {@code "F(2x2) "} or {@code "F(4x4) "}.
 * One joint convolution of {@code [x_t, h_t-1]} per step gives the gates (forward:
 * {@code tiles × 4F × 2F}) and one of {@code dz_t} gives both input gradients (backward:
 * {@code tiles × 2F × 4F}), {@link WinogradShape}: chunks of tiles, per chunk one product per
 * transformed position (16 for F(2×2), 36 for F(4×4)) on one thread with the one-thread kernel
 * and the right-hand matrices packed once ({@code MatMul.prepare}, not timed), a step's chunks
 * split over the threads in equal ranges of whole chunks (both backend classes claim chunks one
 * at a time instead: the chunks and the products are the same, only the order differs), step
 * after step. Their GFLOP/s are the products' real
 * multiply-adds (the transforms around them are not timed). And per tile size one row for the
 * Winograd weight gradient ({@link WeightGradientShape}): per block of tiles, one product
 * {@code dU_ξ += V_ξᵀ · M_ξ} per position with the block's tiles as inner dimension, split over
 * the threads by ξ, block after block, as {@code Winograd3x3.weightGradient} and
 * {@code Winograd4x4.weightGradient} run them.
 *
 * <p>Last, per kernel, a ceiling row ({@code "ceiling": true}, not judged, see
 * {@link #CEILING_M}): one small product whose operands stay in cache, repeated on every
 * thread, so the report separates what the register tiles reach on this machine and JVM from
 * what the seed shapes lose to packing and memory traffic.
 */
final class GemmProbe {

  /** One GEMM shape: C(m×n) = op(A)(m×k) · op(B)(k×n). */
  record Shape(String name, boolean transA, boolean transB, int m, int n, int k, int calls) {
    double flops() {
      return 2.0 * m * n * k;
    }
  }

  /**
   * The Winograd per-chunk products of {@code steps} per-step 3×3 convolutions with {@code k}
   * input and {@code n} output channels over {@code tiles} output tiles per step: chunks of
   * {@code tilesPerChunk} tiles (the last one may be smaller), split over threads in equal
   * ranges of whole chunks, {@code positions} products {@code C(tiles in chunk × n) = A(tiles in
   * chunk × k) · B(k × n)} per chunk (16 for F(2×2), 36 for F(4×4)).
   */
  record WinogradShape(String name, int n, int k, int tiles, int steps, int positions,
      int tilesPerChunk) {
    /** Chunks per step on one thread: {@code ceil(tiles / tilesPerChunk)}. */
    int chunks() {
      return (tiles + tilesPerChunk - 1) / tilesPerChunk;
    }

    /** Threads the step's work is split over on {@code threads} threads. */
    int parts(int threads) {
      return Math.max(1, Math.min(threads, chunks()));
    }

    /**
     * The first tile of thread {@code p}'s share of a step split over {@code parts} threads
     * ({@code p = parts}: the end of the step's tiles).
     */
    int firstTile(int p, int parts) {
      return Math.min(tiles, (int) ((long) chunks() * p / parts) * tilesPerChunk);
    }

    /** Multiply-adds × 2 of all products of all steps. */
    double flops() {
      return 2.0 * positions * steps * tiles * n * k;
    }
  }

  /**
   * The Winograd weight-gradient products of one layer over all steps: {@code tiles} tiles in
   * blocks of {@code tilesPerBlock} (the last may be smaller), per block {@code positions}
   * products {@code dU_ξ(k × n) += V_ξ(tiles × k)ᵀ · M_ξ(tiles × n)}, {@code k} input channels,
   * {@code n} output channels; a block's products split over the threads by ξ.
   */
  record WeightGradientShape(String name, int n, int k, int tiles, int positions,
      int tilesPerBlock) {
    /** Blocks of tiles. */
    int blocks() {
      return (tiles + tilesPerBlock - 1) / tilesPerBlock;
    }

    /** Multiply-adds × 2 of all products. */
    double flops() {
      return 2.0 * positions * tiles * n * k;
    }
  }

  /** Transformed positions of an F(2×2, 3×3) tile (4×4): products per chunk. */
  static final int F2_POSITIONS = 16;
  /** F(2×2) output tiles per chunk ({@code Winograd3x3.TILES_PER_CHUNK}). */
  static final int F2_TILES_PER_CHUNK = 48;
  /** F(2×2) tiles per weight-gradient block ({@code Winograd3x3.TILES_PER_BLOCK}). */
  static final int F2_TILES_PER_BLOCK = 192;

  /** Transformed positions of an F(4×4, 3×3) tile (6×6, {@code Winograd4x4.XI}). */
  static final int F4_POSITIONS = 36;
  /** F(4×4) output tiles per chunk ({@code Winograd4x4.TILES_PER_CHUNK}). */
  static final int F4_TILES_PER_CHUNK = 24;
  /** F(4×4) tiles per weight-gradient block ({@code Winograd4x4.TILES_PER_BLOCK}). */
  static final int F4_TILES_PER_BLOCK = 192;

  /** The ceiling row's product C(m×n) = A(m×k) · B(k×n): rows of C. */
  static final int CEILING_M = 96;
  /** The ceiling row's columns of C. */
  static final int CEILING_N = 32;
  /** The ceiling row's inner dimension. */
  static final int CEILING_K = 192;
  /** The start of the ceiling row's shape name. */
  static final String CEILING = "ceiling";

  private final int threads;
  private final int reps;
  private final boolean tiny;
  /** The kernel to time: {@code scalar} or {@code vector-BITS}. */
  private final String kernel;

  /**
   * A probe of one kernel, {@code scalar} or {@code vector-BITS} ({@link #kernelNames()}). The
   * bench times each kernel in its own JVM: JDK 17 compiles Vector API code of a second width,
   * run after the first in one JVM, into code that boxes every vector (the seed products at
   * 5 GFLOP/s instead of 220 on an AVX-512 machine, session 11).
   *
   * @throws IllegalArgumentException if this machine has no such kernel
   */
  GemmProbe(int threads, int reps, boolean tiny, String kernel) {
    if (!kernelNames().contains(kernel)) {
      throw new IllegalArgumentException("kernel must be one of " + kernelNames() + ", got "
          + kernel);
    }
    this.threads = threads;
    this.reps = reps;
    this.tiny = tiny;
    this.kernel = kernel;
  }

  /**
   * The kernels this machine has, in the order the report shows them: {@code scalar}, then
   * {@code vector-BITS} for every native width ({@link MatMuls#nativeVectorBits()}) when the
   * Vector API is available.
   */
  static List<String> kernelNames() {
    List<String> names = new ArrayList<>(List.of("scalar"));
    for (int bits : MatMuls.nativeVectorBits()) { // empty without the Vector API
      names.add("vector-" + bits);
    }
    return names;
  }

  /** The shapes measured. */
  static List<Shape> shapes(boolean tiny) {
    int step = tiny ? 2 * 8 * 8 : 10 * 40 * 40;
    int steps = tiny ? 4 : 15;
    int positions = step * steps;
    int filters = tiny ? 4 : 40;
    int k = 9 * filters;
    int g = 4 * filters;
    return List.of(
        new Shape("fwd input-to-state, all steps", false, false, positions, g, k, 1),
        new Shape("fwd recurrent, one step", false, false, step, g, k, steps),
        new Shape("bwd weight gradient (A^T)", true, false, k, g, positions, 1),
        new Shape("bwd column gradient (B^T)", false, true, positions, k, g, 1));
  }

  /**
   * The Winograd chunk products of the seed's layers 2-4 over all 15 steps (F = 40), forward
   * {@code [x_t, h_t-1]} (k = 2F = 80) to the gates (n = 4F = 160) and backward {@code dz_t}
   * (k = 160) to both input gradients (n = 80), first F(2×2) then F(4×4):
   *
   * <ul>
   *   <li>F(2×2) ({@code Winograd3x3.convolve}): per step N = 10 frames of 20×20 tiles of 2×2
   *       outputs = 4000 tiles = 84 chunks of 48 (the last of 16 tiles), 16 products each.
   *       Tiny: F = 4, 2 frames of 4×4 tiles (32 tiles, 1 chunk) per step, 4 steps.
   *   <li>F(4×4) ({@code Winograd4x4.convolve} and {@code chunk}): per step 10 frames of 10×10
   *       tiles of 4×4 outputs = 1000 tiles, each thread an equal range of tiles in chunks of
   *       24 from its own start (one thread: 42 chunks, the last of 16 tiles; two: 500 tiles
   *       each, 21 chunks each, the last of 20), 36 products
   *       {@code serial.gemmPrepared(count, cout, cin, V_ξ, U_ξ prepared, M_ξ)} each. Tiny:
   *       F = 4, 2 frames of 16×16 = 4×4 tiles (32 tiles: chunks of 24 and 8 on one thread),
   *       4 steps.
   * </ul>
   */
  static List<WinogradShape> winogradShapes(boolean tiny) {
    int batch = tiny ? 2 : 10;
    int steps = tiny ? 4 : 15;
    int f = tiny ? 4 : 40;
    List<WinogradShape> out = new ArrayList<>();
    addChunkProducts(out, "F(2x2)", batch * (tiny ? 4 * 4 : 20 * 20), steps, f, F2_POSITIONS,
        F2_TILES_PER_CHUNK);
    addChunkProducts(out, "F(4x4)", batch * (tiny ? 4 * 4 : 10 * 10), steps, f, F4_POSITIONS,
        F4_TILES_PER_CHUNK);
    return out;
  }

  /** One algorithm's two chunk products: forward (2F to 4F) and input gradients (4F to 2F). */
  private static void addChunkProducts(List<WinogradShape> out, String algorithm, int tiles,
      int steps, int f, int positions, int perChunk) {
    int chunks = (tiles + perChunk - 1) / perChunk;
    String per = ": " + steps + " steps x " + chunks + " chunks x " + positions
        + ", one thread per chunk";
    out.add(new WinogradShape(algorithm + " Winograd fwd [x_t, h_t-1] to gates" + per, 4 * f,
        2 * f, tiles, steps, positions, perChunk));
    out.add(new WinogradShape(algorithm + " Winograd bwd dz_t to [dx_t, dh_t-1]" + per, 2 * f,
        4 * f, tiles, steps, positions, perChunk));
  }

  /**
   * The Winograd weight-gradient products of one of the seed's layers 2-4 (k = 2F = 80 rows
   * of {@code [x_t, h_t-1]}, n = 4F = 160 gates) over all 15 steps' tiles, first F(2×2) then
   * F(4×4). (The backend runs step 0, which has no {@code h_-1}, as a separate gradient of
   * {@code x_0} alone; the probe counts it as a joint step.)
   *
   * <ul>
   *   <li>F(2×2) ({@code Winograd3x3.weightGradient}): 15 × 4000 = 60,000 tiles, 313 blocks of
   *       192 (the last of 96 tiles), 16 products each. Tiny: F = 4, 4 steps × 32 tiles, one
   *       block.
   *   <li>F(4×4) ({@code Winograd4x4.weightGradient}): 15 × 1000 = 15,000 tiles, 79 blocks of
   *       192 (the last of 24 tiles), 36 products
   *       {@code serial.gemmPreparedTransA(cin, cout, count, V_ξ, M_ξ prepared, dU_ξ)} each,
   *       split over the threads by ξ. Tiny: F = 4, 4 steps × 32 tiles, one block.
   * </ul>
   */
  static List<WeightGradientShape> weightGradientShapes(boolean tiny) {
    int f = tiny ? 4 : 40;
    int steps = tiny ? 4 : 15;
    int batch = tiny ? 2 : 10;
    int tiles2 = steps * batch * (tiny ? 4 * 4 : 20 * 20);
    int tiles4 = steps * batch * (tiny ? 4 * 4 : 10 * 10);
    int blocks2 = (tiles2 + F2_TILES_PER_BLOCK - 1) / F2_TILES_PER_BLOCK;
    int blocks4 = (tiles4 + F4_TILES_PER_BLOCK - 1) / F4_TILES_PER_BLOCK;
    return List.of(
        new WeightGradientShape("F(2x2) Winograd weight gradient dU += V^T M: " + blocks2
            + " blocks x " + F2_POSITIONS + ", split by xi", 4 * f, 2 * f, tiles2,
            F2_POSITIONS, F2_TILES_PER_BLOCK),
        new WeightGradientShape("F(4x4) Winograd weight gradient dU += V^T M: " + blocks4
            + " blocks x " + F4_POSITIONS + ", split by xi", 4 * f, 2 * f, tiles4,
            F4_POSITIONS, F4_TILES_PER_BLOCK));
  }

  /**
   * One result from the results of probes run one kernel each (in separate JVMs): the rows in
   * the given order, each FMA peak the largest of the parts' (every part probes it before and
   * after its GEMMs), the largest peak RSS, and the parts' errors joined with "; " (a failed
   * part loses only its own rows).
   *
   * @param parts the results of {@link #run()}, in kernel order
   * @return the merged result, in {@link #run()}'s form
   */
  static Map<String, Object> merge(List<Map<String, Object>> parts) {
    Map<String, Object> r = new LinkedHashMap<>();
    List<Object> rows = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Map<String, Object> part : parts) {
      for (String key : new String[] {"threads", "vectorApi"}) {
        if (part.containsKey(key)) {
          r.putIfAbsent(key, part.get(key));
        }
      }
      for (String key : new String[] {"peakGflops", "peakGflopsAfter", "peakRssMiB"}) {
        if (part.get(key) instanceof Number v) {
          Object was = r.get(key);
          if (!(was instanceof Number w) || v.doubleValue() > w.doubleValue()) {
            r.put(key, v);
          }
        }
      }
      if (part.get("gemm") instanceof List<?> list) {
        rows.addAll(list);
      }
      if (part.containsKey("error")) {
        errors.add(String.valueOf(part.get("error")));
      }
    }
    r.put("gemm", rows);
    if (!errors.isEmpty()) {
      r.put("error", String.join("; ", errors));
    }
    return r;
  }

  /** Runs the probe and the kernel; errors are reported in the result, not thrown. */
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
      maxA = Math.max(maxA, s.calls * s.m * s.k);
      maxB = Math.max(maxB, s.k * s.n);
      maxC = Math.max(maxC, s.calls * s.m * s.n);
    }
    Random rnd = new Random(1);
    float[] a = fill(new float[maxA], rnd);
    float[] b = fill(new float[maxB], rnd);
    float[] c = new float[maxC];
    List<Object> rows = new ArrayList<>();
    boolean scalar = kernel.equals("scalar");
    MatMul mm = scalar ? MatMuls.scalar(threads)
        : MatMuls.vector(threads, Integer.parseInt(kernel.substring("vector-".length())));
    // Scalar runs are 30-60x slower: fewer repetitions, warm-up on the small shape only.
    int kernelReps = scalar ? Math.min(reps, 2) : reps;
    time(mm, shapes.get(1), a, b, c);
    for (Shape s : shapes) {
      Stats st = Stats.of(timeAll(mm, s, a, b, c, scalar ? 0 : 1, kernelReps));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kernel", mm.name());
      row.put("shape", s.name);
      row.put("m", s.m);
      row.put("n", s.n);
      row.put("k", s.k);
      row.put("calls", s.calls);
      row.put("transA", s.transA);
      row.put("transB", s.transB);
      row.put("seconds", st.toJson());
      row.put("gflops", s.flops() / st.median() / 1e9);
      row.put("target", true);
      rows.add(row);
    }
    for (WinogradShape w : winogradShapes(tiny)) {
      rows.add(winogradRow(mm.serial(), mm.name(), w, kernelReps));
    }
    for (WeightGradientShape w : weightGradientShapes(tiny)) {
      rows.add(weightGradientRow(mm.serial(), mm.name(), w, kernelReps));
    }
    rows.add(ceilingRow(mm.serial(), mm.name(), kernelReps, scalar));
    r.put("gemm", rows);
    r.put("peakGflopsAfter", peak(peakReps, peakMillis));
    r.put("peakRssMiB", MemoryStatus.peakResidentMiB());
    return r;
  }

  /**
   * Times {@code serial} on the Winograd weight-gradient products: per block the
   * {@code positions} products split over {@link #threads} threads by ξ (each thread adds to
   * its own {@code dU_ξ}), block after block; one untimed warm-up pass. As the reference
   * backend runs them: M_ξ already in the kernel's prepared layout ({@code preparedSliver}; the
   * backend's transform writes it so), V with rows {@code inPlaceTransAStride} apart when the
   * kernel has such a stride, as the backend writes it (so A is not packed either), products by
   * {@code gemmPreparedTransA}, so B is not packed per product.
   */
  private Map<String, Object> weightGradientRow(MatMul serial, String kernel,
      WeightGradientShape w, int n) {
    int xis = w.positions();
    int block = w.tilesPerBlock();
    int parts = Math.max(1, Math.min(threads, xis));
    Random rnd = new Random(3);
    int inPlace = serial.inPlaceTransAStride(w.k());
    int vRow = inPlace > 0 ? inPlace : w.k();
    int vStride = block * vRow;
    int sliver = serial.preparedSliver(Math.min(block, w.tiles()), w.n());
    int lastSliver = serial.preparedSliver(w.tiles() % block, w.n());
    int mStride = block * Math.max(roundUp(w.n(), sliver), roundUp(w.n(), lastSliver));
    float[] v = fill(new float[xis * vStride], rnd);
    float[] m = fill(new float[xis * mStride], rnd);
    float[] du = new float[xis * w.k() * w.n()];
    Stats st = timed(w.name(), parts, n, pool -> {
      for (int b = 0; b < w.blocks(); b++) {
        int count = Math.min(block, w.tiles() - b * block);
        pool.forEach(parts, p -> {
          for (int xi = xis * p / parts; xi < xis * (p + 1) / parts; xi++) {
            serial.gemmPreparedTransA(w.k(), w.n(), count, v, xi * vStride, vRow, m,
                xi * mStride, du, xi * w.k() * w.n(), w.n(), true);
          }
        });
      }
    });
    Map<String, Object> row = productRow(kernel, serial, w.name(), w.k(), w.n(), block, true,
        (long) xis * w.blocks(), st, w.flops());
    row.put("preparedB", true);
    row.put("threads", parts);
    return row;
  }

  /**
   * The kernel's ceiling on this machine, not a seed shape and not judged ({@code "ceiling":
   * true}): every thread repeats one product {@code C(96×32) = A(96×192) · B(192×32)} on
   * operands of its own that stay in its core's caches (A 72 KiB in L2; B prepared, 24 KiB, in
   * L1, as the blocked kernel keeps its packed sliver; C 12 KiB), through {@code gemmPrepared}
   * on the calling thread's kernel (the shape of one row block of {@code gemm}): no packing,
   * and C overwritten rather than loaded. What this row loses to the FMA peak is the tiles'
   * own instruction stream (as the JIT compiles it) and the per-call overhead; what a seed row
   * loses beyond it is packing, memory traffic and scheduling.
   */
  private Map<String, Object> ceilingRow(MatMul serial, String kernel, int n, boolean scalar) {
    int calls = tiny ? 100 : scalar ? 500 : 20_000;
    int m = CEILING_M;
    int cols = CEILING_N;
    int k = CEILING_K;
    Random rnd = new Random(4);
    int packed = serial.preparedSize(k, cols);
    float[][] a = new float[threads][];
    float[][] bp = new float[threads][];
    float[][] c = new float[threads][];
    for (int t = 0; t < threads; t++) {
      a[t] = fill(new float[m * k], rnd);
      bp[t] = new float[packed];
      serial.prepare(k, cols, fill(new float[k * cols], rnd), 0, cols, bp[t], 0);
      c[t] = new float[m * cols];
    }
    String name = CEILING + ": one cached product per call, repeated, each of " + threads
        + " threads on its own operands (not a seed shape, not judged)";
    Stats st = timed(name, threads, n, pool -> pool.forEach(threads, t -> {
      for (int i = 0; i < calls; i++) {
        serial.gemmPrepared(m, cols, k, a[t], 0, k, bp[t], 0, c[t], 0, cols, false);
      }
    }));
    long products = (long) calls * threads;
    Map<String, Object> row = productRow(kernel, serial, name, m, cols, k, false, products, st,
        2.0 * m * cols * k * products);
    row.put("threads", threads);
    row.put("ceiling", true);
    return row;
  }

  /** One timed pass of a Winograd product row, on the backend's helper threads. */
  @FunctionalInterface
  private interface Pass {
    void run(WorkerPool pool);
  }

  /**
   * Runs {@code pass} once untimed and {@code n} times timed on the reference backend's shared
   * helper threads for {@code parts} threads (the calling thread among them), as the backend's
   * own loops run; a failure becomes an {@link IllegalStateException} naming the row.
   */
  private static Stats timed(String name, int parts, int n, Pass pass) {
    WorkerPool pool = WorkerPool.shared(parts);
    try {
      List<Double> seconds = new ArrayList<>();
      for (int i = 0; i < 1 + n; i++) {
        long t0 = System.nanoTime();
        pass.run(pool);
        if (i > 0) {
          seconds.add((System.nanoTime() - t0) / 1e9);
        }
      }
      return Stats.of(seconds);
    } catch (RuntimeException e) {
      throw new IllegalStateException(name + " failed: " + e, e);
    }
  }

  /** A kernel-table row of products run by the one-thread kernel {@code serial}. */
  private static Map<String, Object> productRow(String kernel, MatMul serial, String shape,
      int m, int n, int k, boolean transA, long products, Stats st, double flops) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kernel", kernel);
    row.put("shape", shape);
    row.put("m", m);
    row.put("n", n);
    row.put("k", k);
    row.put("transA", transA);
    row.put("transB", false);
    row.put("products", products);
    row.put("serialKernel", serial.name());
    row.put("seconds", st.toJson());
    row.put("gflops", flops / st.median() / 1e9);
    row.put("target", false);
    return row;
  }

  /**
   * Times {@code serial} (a one-thread kernel) on the Winograd chunk products, each step's
   * tiles split over {@link #threads} threads as the reference backend does
   * ({@link WinogradShape#split()}), step after step; the right-hand matrices are packed once
   * before timing; one untimed warm-up pass.
   */
  private Map<String, Object> winogradRow(MatMul serial, String kernel, WinogradShape w,
      int n) {
    int xis = w.positions();
    int perChunk = w.tilesPerChunk();
    int parts = w.parts(threads);
    Random rnd = new Random(2);
    float[] b = fill(new float[xis * w.k() * w.n()], rnd);
    int packed = serial.preparedSize(w.k(), w.n());
    float[] bp = new float[xis * packed];
    for (int xi = 0; xi < xis; xi++) {
      serial.prepare(w.k(), w.n(), b, xi * w.k() * w.n(), w.n(), bp, xi * packed);
    }
    int aStride = perChunk * w.k();
    int cStride = perChunk * w.n();
    float[][] a = new float[parts][];
    float[][] c = new float[parts][];
    for (int p = 0; p < parts; p++) {
      a[p] = fill(new float[xis * aStride], rnd);
      c[p] = new float[xis * cStride];
    }
    Stats st = timed(w.name(), parts, n, pool -> {
      for (int step = 0; step < w.steps(); step++) {
        pool.forEach(parts, part -> {
          int to = w.firstTile(part + 1, parts);
          for (int t0 = w.firstTile(part, parts); t0 < to; t0 += perChunk) {
            int count = Math.min(perChunk, to - t0);
            for (int xi = 0; xi < xis; xi++) {
              serial.gemmPrepared(count, w.n(), w.k(), a[part], xi * aStride, w.k(), bp,
                  xi * packed, c[part], xi * cStride, w.n(), false);
            }
          }
        });
      }
    });
    Map<String, Object> row = productRow(kernel, serial, w.name(), perChunk, w.n(), w.k(),
        false, (long) xis * w.chunks() * w.steps(), st, w.flops());
    row.put("threads", parts);
    return row;
  }

  private List<Double> timeAll(MatMul mm, Shape s, float[] a, float[] b, float[] c, int warm,
      int n) {
    for (int i = 0; i < warm; i++) {
      time(mm, s, a, b, c);
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(time(mm, s, a, b, c));
    }
    return out;
  }

  /**
   * Seconds per product of {@code s}: its {@code calls} products in a row, product i on its own
   * slices of A and C (rows {@code i·m ..}), as a layer's steps run one after the other.
   */
  private static double time(MatMul mm, Shape s, float[] a, float[] b, float[] c) {
    int lda = s.transA ? s.m : s.k;
    int ldb = s.transB ? s.k : s.n;
    long t0 = System.nanoTime();
    for (int i = 0; i < s.calls; i++) {
      mm.gemm(s.transA, s.transB, s.m, s.n, s.k, a, i * s.m * s.k, lda, b, 0, ldb, c,
          i * s.m * s.n, s.n, false);
    }
    return (System.nanoTime() - t0) / 1e9 / s.calls;
  }

  /** The FMA peak; call only when {@link MatMuls#vectorApiAvailable()} (it loads the API). */
  private double peak(int peakReps, int millis) {
    return FmaPeakProbe.gflops(threads, peakReps, millis);
  }

  private static float[] fill(float[] x, Random rnd) {
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat() - 0.5f;
    }
    return x;
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

}

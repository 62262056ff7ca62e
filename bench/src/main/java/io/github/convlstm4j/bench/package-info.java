/**
 * The bench module: speed and memory measurement of the backends, run as
 * {@code convlstm4j bench} (the launcher script dispatches to {@link
 * io.github.convlstm4j.bench.BenchMain}).
 *
 * <p>{@code convlstm4j bench}: forward and training-step timings of every backend
 * (and of the reference backend's scalar and Vector API kernels separately, and of
 * {@code djl-pytorch/hoisted} and {@code djl-pytorch/per-step}, DJL PyTorch with the
 * input-to-state convolution hoisted out of the time loop or inside it) on the seed model and
 * the CPU demo preset, each configuration in its own child JVM so its peak resident memory is
 * its own; an FMA peak probe and the reference kernels' GEMM throughput in the same run; and
 * the PyTorch peer ({@code bench/python/convlstm_bench.py}) when Python with torch is present.
 *
 * <p>{@code convlstm4j bench soak} runs thousands of predict calls and hundreds of training
 * steps per backend, again one child JVM each, and judges whether resident memory stays flat
 * after warm-up ({@link io.github.convlstm4j.bench.MemoryTrend}), with the Java heap
 * sampled beside it so a heap leak and a native one can be told apart.
 *
 * <p>The bench reads what runs a model through {@link
 * io.github.convlstm4j.api.Forecaster#runtimeInfo()} (reported by each child JVM under the key
 * {@code runtime}) and times the reference kernels through their documented measurement hook
 * ({@code io.github.convlstm4j.reference.kernel}: {@code MatMul}, {@code MatMuls},
 * {@code FmaPeakProbe}); it uses no other backend internals.
 *
 * <p>Entry points: {@link io.github.convlstm4j.bench.BenchMain} (the main class),
 * {@link io.github.convlstm4j.bench.BenchCommand} (the {@code bench} command),
 * {@link io.github.convlstm4j.bench.SoakCommand} (its {@code soak} subcommand) and
 * {@link io.github.convlstm4j.bench.BenchChild} (the child JVM's main class).
 */
package io.github.convlstm4j.bench;

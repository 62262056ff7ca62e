/**
 * The {@code convlstm4j bench} subcommand: forward and training-step timings of every backend
 * (and of the reference backend's scalar and Vector API kernels separately) on the seed model
 * and the CPU demo preset, each configuration in its own child JVM so its peak resident memory
 * is its own; an FMA peak probe and the reference kernels' GEMM throughput in the same run; and
 * the PyTorch peer ({@code bench/python/convlstm_bench.py}) when Python with torch is present.
 *
 * <p>Entry points: {@link io.github.convlstm4j.samples.bench.BenchCommand} (the subcommand) and
 * {@link io.github.convlstm4j.samples.bench.BenchChild} (the child JVM's main class).
 */
package io.github.convlstm4j.samples.bench;

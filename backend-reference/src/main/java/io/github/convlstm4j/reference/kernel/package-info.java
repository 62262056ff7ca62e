/**
 * Compute kernels of the reference backend: single-precision matrix multiply implementations
 * behind {@link io.github.convlstm4j.reference.kernel.MatMul}, chosen through
 * {@link io.github.convlstm4j.reference.kernel.MatMuls}.
 *
 * <ul>
 *   <li>{@link io.github.convlstm4j.reference.kernel.VectorMatMul}: the Vector API kernel
 *       ({@code --add-modules jdk.incubator.vector}), cache-blocked with packed B panels and an
 *       FMA register-tile micro-kernel (6 × 2 vectors with AVX2, 12 × 2 with AVX-512).</li>
 *   <li>{@link io.github.convlstm4j.reference.kernel.ScalarMatMul}: portable plain Java, written
 *       so that C2's auto-vectorizer handles its inner loop.</li>
 *   <li>{@link io.github.convlstm4j.reference.kernel.NaiveMatMul}: the triple-loop oracle.</li>
 *   <li>{@link io.github.convlstm4j.reference.kernel.FmaPeakProbe}: measures the machine's FMA
 *       peak, the yardstick for kernel efficiency.</li>
 * </ul>
 *
 * <p><b>A public measurement hook.</b> {@link io.github.convlstm4j.reference.kernel.MatMul},
 * {@link io.github.convlstm4j.reference.kernel.MatMuls} and
 * {@link io.github.convlstm4j.reference.kernel.FmaPeakProbe} are public and supported for
 * benchmarks: the bench module ({@code convlstm4j bench}) times the kernels on the seed
 * model's GEMM shapes against the FMA peak through them, and so may other measurement code.
 * They are the only part of the reference backend meant to be used from outside it; everything
 * else (the forecaster, the network, the convolution algorithms) is reached through
 * {@link io.github.convlstm4j.api.Forecasters} and described by
 * {@link io.github.convlstm4j.api.Forecaster#runtimeInfo()}. Models never need this package.
 *
 * <p>Determinism: both fast kernels split work over disjoint tiles of C only, never over k, and
 * compute every element as one sequential sum over k in increasing order, so results are
 * bitwise identical for every thread count. (Splitting k, for example for
 * {@code dW = colsᵀ·dZ} with its long k and small output, would need per-thread partial sums
 * reduced in a fixed order over chunks that do not depend on the thread count; it is not needed
 * for the shapes of this backend, whose outputs have enough rows to share among threads.)
 *
 * <p>Threads: kernels with the same thread count share one small pool of daemon helper threads
 * ({@link io.github.convlstm4j.reference.kernel.WorkerPool}; the calling thread works too) that
 * time out when idle; the networks' parallel loops run on the same pool. There is nothing to
 * close. Scratch
 * buffers (packed panels) are per thread and reused across calls: up to about 1.5 MiB per
 * thread that calls a kernel, and a few hundred KiB per helper thread.
 */
package io.github.convlstm4j.reference.kernel;

/**
 * The pure-Java reference backend: a ConvLSTM forward pass, backpropagation through time and
 * the Keras 2 optimizers on flat float arrays, registered as the {@code reference} provider.
 *
 * <p>It is the numerical oracle the other backends are tested against, so the code favours
 * plain, checkable formulations: a convolution is an im2col followed by one matrix multiply
 * through {@link io.github.convlstm4j.reference.kernel.MatMul}, except that 3×3 convolutions run
 * by default as Winograd F(2×2, 3×3) ({@code Winograd3x3}: transforms, 16 matrix multiplies,
 * inverse transform; 2.25× fewer multiply-adds, tested against the direct sum; setting
 * {@code reference.convolution=direct} turns it off); activations are kept
 * time-major ({@code [T, N, H, W, C]}, channels-last) so that one time step of a whole batch is
 * one contiguous block; all buffers live in a per-forecaster {@code Arena} and are reused.
 * Results do not depend on the thread count: work is split over independent elements only and
 * reductions run over a fixed number of blocks combined in a fixed order.
 *
 * <p>The Vector API code (the {@code Vector*} classes here and in {@code kernel}) passes
 * arrays, never vectors, between methods: C2 keeps a vector in registers only inside one
 * compiled method and decides per compilation which calls it inlines, so a helper that takes or
 * returns a vector boxes it on the heap in some runs and not in others. {@code
 * VectorSignatureTest} checks that no method, lambda or field of the backend carries one.
 */
package io.github.convlstm4j.reference;

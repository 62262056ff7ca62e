/**
 * Compute kernels of the reference backend: matrix multiply implementations (a portable
 * scalar one and a Vector API one) behind {@link io.github.convlstm4j.reference.kernel.MatMul}.
 */
package io.github.convlstm4j.reference.kernel;

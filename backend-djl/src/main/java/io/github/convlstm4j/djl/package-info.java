/**
 * The DJL backend: ConvLSTM built from Deep Java Library operations and trained with DJL's
 * autograd, on the PyTorch engine (provider {@code djl-pytorch}) and the MXNet engine
 * ({@code djl-mxnet}).
 *
 * <p>Weights are kept on the engine in DJL layouts (NCHW activations, OIHW kernels) and mapped
 * to and from Keras names and layouts at {@code weights()} / {@code setWeights()}. Natives come
 * only from the Maven artifacts ({@code pytorch-native-cpu}, {@code mxnet-native-mkl}); the
 * providers set {@code ai.djl.offline=true} when a forecaster is created unless the user set
 * the property already, so DJL never downloads anything.
 */
package io.github.convlstm4j.djl;

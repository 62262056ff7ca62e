package io.github.convlstm4j.djl;

/**
 * Provider {@code djl-mxnet}, priority 40: ConvLSTM on DJL's MXNet engine (MXNet 1.9.1 from
 * {@code ai.djl.mxnet:mxnet-native-mkl}). MXNet is retired upstream but still ships. See
 * {@link DjlBackendProvider} for probing, threads and offline mode.
 */
public final class DjlMxnetProvider extends DjlBackendProvider {

  /** Creates the provider; cheap, loads nothing. */
  public DjlMxnetProvider() {
    super(DjlEngineKind.MXNET);
  }
}

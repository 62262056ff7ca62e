package io.github.convlstm4j.djl;

/**
 * Provider {@code djl-pytorch}, priority 50: ConvLSTM on DJL's PyTorch engine (libtorch
 * 2.7.1 from {@code ai.djl.pytorch:pytorch-native-cpu}). See {@link DjlBackendProvider} for
 * probing, threads, offline mode and the NaN hazard.
 */
public final class DjlPytorchProvider extends DjlBackendProvider {

  /** Creates the provider; cheap, loads nothing. */
  public DjlPytorchProvider() {
    super(DjlEngineKind.PYTORCH);
  }
}

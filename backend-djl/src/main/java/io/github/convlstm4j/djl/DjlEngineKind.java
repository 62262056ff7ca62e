package io.github.convlstm4j.djl;

/** The DJL engines this backend runs on, with what {@code probe()} looks for. */
enum DjlEngineKind {
  /** PyTorch (libtorch), the primary engine. */
  PYTORCH("djl-pytorch", 50, "PyTorch", "ai.djl.pytorch.engine.PtEngineProvider",
      "native/lib/pytorch.properties", "pytorch-native-cpu (classifier linux-x86_64)",
      "PYTORCH_LIBRARY_PATH", InputConvolution.CONCATENATED),
  /** MXNet, retired upstream but still shipped. */
  MXNET("djl-mxnet", 40, "MXNet", "ai.djl.mxnet.engine.MxEngineProvider",
      "native/lib/mxnet.properties", "mxnet-native-mkl (classifier linux-x86_64)",
      "MXNET_LIBRARY_PATH", InputConvolution.PER_STEP);

  private final String backendName;
  private final int priority;
  private final String engineName;
  private final String providerClass;
  private final String nativeResource;
  private final String nativeArtifact;
  private final String libraryPathVariable;
  private final InputConvolution defaultInputConvolution;
  private final Object collectorLock = new Object();

  DjlEngineKind(String backendName, int priority, String engineName, String providerClass,
      String nativeResource, String nativeArtifact, String libraryPathVariable,
      InputConvolution defaultInputConvolution) {
    this.backendName = backendName;
    this.priority = priority;
    this.engineName = engineName;
    this.providerClass = providerClass;
    this.nativeResource = nativeResource;
    this.nativeArtifact = nativeArtifact;
    this.libraryPathVariable = libraryPathVariable;
    this.defaultInputConvolution = defaultInputConvolution;
  }

  /**
   * The lock every training step of this engine holds while its gradient collector is open:
   * DJL allows one open collector per JVM on PyTorch (a second one throws), so forecasters
   * training on several threads take turns, one batch at a time.
   */
  Object collectorLock() {
    return collectorLock;
  }

  /** The faster form on this engine, measured (see {@link InputConvolution}). */
  InputConvolution defaultInputConvolution() {
    return defaultInputConvolution;
  }

  /** The convlstm4j backend name. */
  String backendName() {
    return backendName;
  }

  /** The provider priority. */
  int priority() {
    return priority;
  }

  /** DJL's engine name, for {@code Engine.getEngine}. */
  String engineName() {
    return engineName;
  }

  /** DJL's engine provider class, looked up without initialization by probe(). */
  String providerClass() {
    return providerClass;
  }

  /** Class-path resource that the native artifact ships. */
  String nativeResource() {
    return nativeResource;
  }

  /** The Maven artifact holding the natives, for messages. */
  String nativeArtifact() {
    return nativeArtifact;
  }

  /** Environment variable with which DJL takes natives from a local folder instead. */
  String libraryPathVariable() {
    return libraryPathVariable;
  }
}

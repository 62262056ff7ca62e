package io.github.convlstm4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.KerasInitializers;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared provider logic of the two DJL backends.
 *
 * <p><b>probe()</b> loads no natives: it checks that DJL's engine classes are on the class path
 * (looked up without initialization) and that the native artifact's resource
 * ({@code native/lib/pytorch.properties} of {@code pytorch-native-cpu},
 * {@code native/lib/mxnet.properties} of {@code mxnet-native-mkl}) is present and built for
 * this platform, or that the engine's library-path variable points elsewhere. An engine that
 * failed to load earlier in this JVM is reported unavailable with that failure.
 *
 * <p><b>create()</b> sets the system property {@code ai.djl.offline=true} unless the user set
 * it (so DJL never downloads natives; they come from the Maven artifacts), and on PyTorch,
 * before the engine first loads, {@code ai.djl.pytorch.num_interop_threads=1} and
 * {@code ai.djl.pytorch.num_threads=<BackendOptions.effectiveThreads()>} unless the user set
 * them. (Intra-op threads do the convolutions; one inter-op thread suffices because the graph
 * is executed op by op from one Java thread.) MXNet reads its threads only from the environment
 * ({@code OMP_NUM_THREADS}, {@code MXNET_ENGINE_TYPE}), which Java cannot set: they are left to
 * the user and logged. A failure to load the engine ({@code EngineException},
 * {@code UnsatisfiedLinkError}, ...) becomes an {@link IllegalStateException} with the reason;
 * the JVM survives.
 *
 * <p><b>Known hazard (issue 4): resolved, two causes, one mechanism.</b> On PyTorch, DJL's
 * {@code NDManager.create(float[] / Buffer / Number)} and {@code NDArray.set(Buffer)} do not
 * copy: the tensor's storage is a Java direct {@code ByteBuffer} ({@code torch::from_blob}, and
 * {@code Tensor::set_} on a storage without a deleter); only the Java {@code PtNDArray} object
 * keeps that buffer alive. Any other tensor sharing the storage reads freed memory once that
 * object is closed and garbage-collected, and the freed block is soon reused by later direct
 * buffers or by libtorch's allocator. (1) Parameters held as views of such arrays (a
 * {@code stopGradient} copy or a reshape) became NaN after the first update. (2) Every
 * {@code NDArray op Number} call ({@code mul(0.2f)} in the hard sigmoid) wraps the number in
 * such a tensor and closes it right after the call, but autograd saves it for the backward pass:
 * when a garbage collection ran between forward and backward (likely at the seed model's size,
 * more so after a {@code predict} had made garbage), the backward pass multiplied by whatever
 * had been written there: garbage or NaN gradients in the layers whose scalars were freed first
 * (layers 0-2 of 4). MXNet always copies. This backend therefore keeps every long-lived array,
 * and every constant that autograd may save, as an engine-owned copy ({@link DjlArrays#owned}),
 * never calls {@code set} on a parameter, keeps inputs alive in the call's sub-manager until
 * every derived tensor is gone, and uses {@code Number} operands only where the backward pass
 * does not need them (addition, clipping). {@code DjlTrainingHazardTest} pins both mechanisms
 * down (each of its tests fails when the corresponding fix is undone); training still stops with
 * an {@link IllegalStateException} naming the tensor if a loss or weight ever becomes
 * non-finite.
 */
abstract class DjlBackendProvider implements BackendProvider {

  /** The prefix of the DJL backends' settings in {@link BackendOptions#settings()}. */
  static final String SETTINGS_PREFIX = "djl";
  /**
   * Setting: how each layer's input-to-state convolution is scheduled, {@code hoisted},
   * {@code per-step} or {@code concatenated} (see {@link InputConvolution}); the benchmark
   * measures them side by side.
   */
  static final String INPUT_CONVOLUTION = "djl.inputConvolution";

  private static final Logger LOG = LoggerFactory.getLogger(DjlBackendProvider.class);
  /** Engines whose first use was logged. */
  private static final Set<DjlEngineKind> LOGGED = ConcurrentHashMap.newKeySet();
  /** Engines that failed to load in this JVM, with the reason. */
  private static final Map<DjlEngineKind, String> FAILED = new ConcurrentHashMap<>();

  private final DjlEngineKind kind;
  private final ClassLoader loader;

  DjlBackendProvider(DjlEngineKind kind) {
    this(kind, null);
  }

  /**
   * A provider that probes through a given class loader (tests simulate missing artifacts).
   *
   * @param kind the engine
   * @param loader where classes and native resources are looked up, null for this class's
   */
  DjlBackendProvider(DjlEngineKind kind, ClassLoader loader) {
    this.kind = kind;
    this.loader = loader;
  }

  @Override
  public String name() {
    return kind.backendName();
  }

  @Override
  public int priority() {
    return kind.priority();
  }

  @Override
  public Set<Capability> capabilities() {
    // FRAME_LAYERS: inference through the frame-wise Keras layers (FrameLayerChain), both engines.
    return EnumSet.allOf(Capability.class);
  }

  @Override
  public Availability probe() {
    String failed = FAILED.get(kind);
    if (failed != null) {
      return Availability.unavailable(kind.engineName() + " failed to load earlier: " + failed);
    }
    ClassLoader loader = classLoader();
    for (String cls : new String[] {"ai.djl.engine.Engine", kind.providerClass()}) {
      try {
        Class.forName(cls, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        return Availability.unavailable("DJL class " + cls + " is not on the class path");
      }
    }
    if (kind == DjlEngineKind.PYTORCH && loader.getResource("jnilib/pytorch.properties") == null
        && System.getenv("PYTORCH_LIBRARY_PATH") == null) {
      return Availability.unavailable(
          "the PyTorch JNI library (artifact ai.djl.pytorch:pytorch-jni) is not on the class path");
    }
    URL resource = loader.getResource(kind.nativeResource());
    if (resource == null) {
      String path = System.getenv(kind.libraryPathVariable());
      if (path != null) {
        return Availability.available(
            kind.engineName() + " natives from " + kind.libraryPathVariable() + "=" + path);
      }
      return Availability.unavailable("the " + kind.engineName() + " native artifact "
          + kind.nativeArtifact() + " is not on the class path (no resource "
          + kind.nativeResource() + ") and " + kind.libraryPathVariable() + " is not set");
    }
    Properties p = new Properties();
    try (InputStream in = resource.openStream()) {
      p.load(in);
    } catch (IOException e) {
      return Availability.unavailable("cannot read " + resource + ": " + e.getMessage());
    }
    String classifier = p.getProperty("classifier", "");
    String platform = platform();
    if (!classifier.endsWith(platform)) {
      return Availability.unavailable("the " + kind.engineName() + " natives on the class path "
          + "are built for " + classifier + ", this machine is " + platform);
    }
    return Availability.available(kind.engineName() + " natives " + p.getProperty("version", "?")
        + " (" + classifier + ") on the class path; not loaded yet");
  }

  @Override
  public Forecaster create(ModelSpec spec, BackendOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    missing.addAll(Capability.requiredBy(spec));
    missing.removeAll(capabilities());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          name() + " lacks capabilities " + missing + " needed by the spec");
    }
    Availability a = probe();
    if (!a.available()) {
      throw new IllegalStateException(name() + " is unavailable: " + a.reason());
    }
    InputConvolution inputConvolution = inputConvolution(options);
    Engine engine = loadEngine(options);
    Device device = chooseDevice(engine, options.device());
    logOnce(engine, device, options);
    NDManager manager = NDManager.newBaseManager(device, kind.engineName());
    try {
      return new DjlForecaster(kind, engine, manager, spec, KerasInitializers.initialWeights(spec),
          inputConvolution);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Reads the {@code djl.*} settings: {@value #INPUT_CONVOLUTION} is {@code concatenated},
   * {@code hoisted} or {@code per-step} ({@link InputConvolution}), by default the engine's
   * faster form ({@code concatenated} on PyTorch, {@code per-step} on MXNet); any other
   * {@code djl.} key is refused.
   */
  private InputConvolution inputConvolution(BackendOptions options) {
    Map<String, String> s = options.settingsWithPrefix(SETTINGS_PREFIX);
    for (String key : s.keySet()) {
      if (!key.equals(INPUT_CONVOLUTION)) {
        throw new IllegalArgumentException("unknown DJL backend setting '" + key
            + "': the DJL backends know only " + INPUT_CONVOLUTION);
      }
    }
    return InputConvolution.parse(s.getOrDefault(INPUT_CONVOLUTION,
        kind.defaultInputConvolution().settingValue()), INPUT_CONVOLUTION);
  }

  private Engine loadEngine(BackendOptions options) {
    setIfAbsent("ai.djl.offline", "true");
    if (kind == DjlEngineKind.PYTORCH) {
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(options.effectiveThreads()));
    }
    try {
      return Engine.getEngine(kind.engineName());
    } catch (RuntimeException | LinkageError e) {
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage()
          + (e.getCause() != null ? " (cause: " + e.getCause() + ")" : "");
      FAILED.putIfAbsent(kind, reason);
      throw new IllegalStateException(
          "the " + kind.engineName() + " engine could not be loaded: " + reason, e);
    }
  }

  private Device chooseDevice(Engine engine, String requested) {
    int gpus = engine.getGpuCount();
    switch (requested) {
      case "cpu":
        return Device.cpu();
      case "gpu":
        if (gpus == 0) {
          throw new IllegalStateException("device gpu was requested but the "
              + kind.engineName() + " engine sees 0 GPUs (CPU-only natives or no CUDA device)");
        }
        return Device.gpu();
      default:
        return gpus > 0 ? Device.gpu() : Device.cpu();
    }
  }

  private void logOnce(Engine engine, Device device, BackendOptions options) {
    if (!LOGGED.add(kind)) {
      return;
    }
    String threads = kind == DjlEngineKind.PYTORCH
        ? "intra-op threads " + System.getProperty("ai.djl.pytorch.num_threads")
            + ", inter-op threads " + System.getProperty("ai.djl.pytorch.num_interop_threads")
        : "threads from OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
            + ", MXNET_ENGINE_TYPE=" + System.getenv("MXNET_ENGINE_TYPE");
    LOG.info("{}: DJL {} engine {} {} on {}, {} (requested threads {}, device {})",
        kind.backendName(), Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(),
        device, threads, options.effectiveThreads(), options.device());
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx"
        : os.startsWith("windows") ? "win" : os;
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("arm64") ? "aarch64" : arch;
    return o + "-" + a;
  }

  private ClassLoader classLoader() {
    if (loader != null) {
      return loader;
    }
    ClassLoader l = DjlBackendProvider.class.getClassLoader();
    return l != null ? l : ClassLoader.getSystemClassLoader();
  }
}

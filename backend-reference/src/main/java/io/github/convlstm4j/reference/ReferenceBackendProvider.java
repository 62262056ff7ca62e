package io.github.convlstm4j.reference;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.reference.kernel.MatMul;
import io.github.convlstm4j.reference.kernel.MatMuls;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reference} backend: pure Java, no natives, every capability. Its priority (100)
 * makes it the default when no other backend is preferred.
 */
public final class ReferenceBackendProvider implements BackendProvider {

  /** The provider name. */
  public static final String NAME = "reference";
  /** The selection priority. */
  public static final int PRIORITY = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceBackendProvider.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  /** Creates the provider; does no work. */
  public ReferenceBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Availability probe() {
    return Availability.available("pure Java, kernel " + kernelDescription());
  }

  @Override
  public Set<Capability> capabilities() {
    return Collections.unmodifiableSet(EnumSet.allOf(Capability.class));
  }

  @Override
  public Forecaster create(ModelSpec spec, BackendOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    if (options.device().equals("gpu")) {
      throw new IllegalArgumentException(
          "the reference backend runs on the CPU: device must be auto or cpu, got gpu");
    }
    // Two settings of its own; other backends' keys are ignored (BackendOptions).
    Map<String, String> own = new TreeMap<>(options.settingsWithPrefix("reference"));
    String algorithm = own.remove(ConvolutionAlgorithm.SETTING);
    String bits = own.remove(VECTOR_BITS);
    if (!own.isEmpty()) {
      throw new IllegalArgumentException("the reference backend's settings are "
          + ConvolutionAlgorithm.SETTING + " and " + VECTOR_BITS + ", got " + own.keySet());
    }
    ConvolutionAlgorithm convolution = algorithm == null ? ConvolutionAlgorithm.WINOGRAD
        : ConvolutionAlgorithm.parse(algorithm);
    MatMul kernel = bits == null ? kernel(options.effectiveThreads())
        : kernel(options.effectiveThreads(), parseBits(bits));
    if (LOGGED.compareAndSet(false, true)) {
      LOG.debug("reference backend: matrix-multiply kernel '{}' on {} threads", kernel.name(),
          options.effectiveThreads());
    }
    return new ReferenceForecaster(spec, options, kernel, convolution);
  }

  /**
   * The setting that forces the matrix kernel's vector width: {@code 128}, {@code 256} or
   * {@code 512} (bits); without it, the widest the hardware has. Needs the Vector API.
   */
  public static final String VECTOR_BITS = "reference.vectorBits";

  private static int parseBits(String value) {
    int bits;
    try {
      bits = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException(VECTOR_BITS + " must be 128, 256 or 512, got '" + value
          + "'");
    }
    if (!MatMuls.vectorApiAvailable()) {
      throw new IllegalArgumentException(VECTOR_BITS + "=" + value + " needs the Vector API: "
          + MatMuls.VECTOR_HINT);
    }
    return bits;
  }

  /** The kernel with a forced vector width. */
  static MatMul kernel(int threads, int bits) {
    MatMul kernel = MatMuls.vector(threads, bits);
    if (!MatMuls.nativeVectorBits().contains(bits)) {
      LOG.warn("{}={} is not a width this machine's vector units have ({}): correct but slow "
          + "(emulated by the Vector API)", VECTOR_BITS, bits, MatMuls.nativeVectorBits());
    }
    return kernel;
  }

  /** The kernel a forecaster with this many threads uses. */
  static MatMul kernel(int threads) {
    return MatMuls.best(threads);
  }

  private static String kernelDescription() {
    return MatMuls.vectorApiAvailable() ? "Vector API (jdk.incubator.vector)"
        : "scalar (for the fast Vector API kernel " + MatMuls.VECTOR_HINT + ")";
  }
}

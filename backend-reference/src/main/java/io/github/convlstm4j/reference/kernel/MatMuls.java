package io.github.convlstm4j.reference.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses a {@link MatMul}: the Vector API kernel ({@link VectorMatMul}) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, the portable {@link ScalarMatMul} otherwise.
 *
 * <p>{@code VectorMatMul} is only ever loaded (reflectively) after
 * {@link #vectorApiAvailable()} returned true, so this class works on a JVM without the
 * incubator module.
 */
public final class MatMuls {

  /** How to turn the fast kernel on; used in log messages and exceptions. */
  public static final String VECTOR_HINT = "run the JVM with --add-modules jdk.incubator.vector";

  private static final Logger LOG = LoggerFactory.getLogger(MatMuls.class);
  private static final String VECTOR_CLASS = "io.github.convlstm4j.reference.kernel.VectorMatMul";
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private MatMuls() {}

  /**
   * The fastest available kernel: vector if {@link #vectorApiAvailable()}, else scalar. Logs
   * once per JVM, at INFO, which kernel runs (and, for scalar, how to enable the vector one).
   *
   * @param threads number of threads, at least 1
   * @return the kernel
   * @throws IllegalArgumentException if {@code threads <= 0}
   */
  public static MatMul best(int threads) {
    GemmChecks.threads(threads);
    MatMul kernel = vectorApiAvailable() ? vector(threads) : scalar(threads);
    if (LOGGED.compareAndSet(false, true)) {
      if (kernel instanceof ScalarMatMul) {
        LOG.info("reference backend matrix kernel: {} (Vector API not available; for the fast "
            + "kernel {})", kernel.name(), VECTOR_HINT);
      } else {
        LOG.info("reference backend matrix kernel: {} (Vector API){}", kernel.name(),
            jdkNote(kernel.vectorBits(), Runtime.version().feature()));
      }
    }
    return kernel;
  }

  /**
   * What the kernel log line adds for a JDK known to run this width badly: on an AVX-512 Xeon,
   * JDK 17 sometimes compiled the 512-bit code into a form that boxes its vectors for the rest
   * of the JVM's life (slower, much more garbage; about half of the JDK 17 training runs on one
   * day), JDK 25 never (README, "AVX-512 and the JDK"); else the empty string.
   *
   * @param bits the kernel's vector width
   * @param feature the JDK's feature release, e.g. 17
   * @return the note, starting with "; ", or ""
   */
  static String jdkNote(int bits, int feature) {
    return bits == 512 && feature < 25
        ? "; on JDK 17 the 512-bit code sometimes runs boxed, slower and with more garbage, "
            + "until the JVM exits; JDK 25 did not (README, \"AVX-512 and the JDK\")"
        : "";
  }

  /**
   * The portable scalar kernel.
   *
   * @param threads number of threads, at least 1
   * @return the kernel
   * @throws IllegalArgumentException if {@code threads <= 0}
   */
  public static MatMul scalar(int threads) {
    return new ScalarMatMul(threads);
  }

  /**
   * The Vector API kernel.
   *
   * @param threads number of threads, at least 1
   * @return the kernel
   * @throws IllegalArgumentException if {@code threads <= 0}
   * @throws IllegalStateException if the Vector API module is not available
   */
  public static MatMul vector(int threads) {
    GemmChecks.threads(threads);
    return newVector(new Class<?>[] {int.class}, threads);
  }

  /**
   * The Vector API kernel with a given vector width: 128, 256 or 512 bits. Every width is
   * correct on every machine; one wider than the hardware's vectors is emulated by the Vector
   * API and slow (use it to test, not to run).
   *
   * @param threads number of threads, at least 1
   * @param bits vector width in bits: 128, 256 or 512
   * @return the kernel
   * @throws IllegalArgumentException if {@code threads <= 0} or {@code bits} is not 128, 256 or
   *     512
   * @throws IllegalStateException if the Vector API module is not available
   */
  public static MatMul vector(int threads, int bits) {
    GemmChecks.threads(threads);
    checkBits(bits);
    return newVector(new Class<?>[] {int.class, int.class}, threads, bits);
  }

  /**
   * Creates the Vector API kernel reflectively (its class needs the incubator module, which
   * this class must not link against).
   */
  private static MatMul newVector(Class<?>[] parameters, Object... arguments) {
    if (!vectorApiAvailable()) {
      throw new IllegalStateException(
          "the Vector API (module jdk.incubator.vector) is not available: " + VECTOR_HINT);
    }
    try {
      return (MatMul) Class.forName(VECTOR_CLASS).getConstructor(parameters)
          .newInstance(arguments);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException("cannot create " + VECTOR_CLASS, e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot create " + VECTOR_CLASS + ": " + VECTOR_HINT, e);
    }
  }

  /**
   * The vector widths this machine runs natively, narrowest first: 256, and 512 when the JVM's
   * preferred species is that wide (see {@code VectorMatMul.defaultBits()}) ({@code [256, 512]} with AVX-512, {@code [256]} with AVX2);
   * {@code [128]} on 128-bit hardware; empty without the Vector API.
   *
   * @return the widths in bits
   */
  public static java.util.List<Integer> nativeVectorBits() {
    if (!vectorApiAvailable()) {
      return java.util.List.of();
    }
    int preferred = preferredVectorBits();
    if (preferred >= 512) {
      return java.util.List.of(256, 512);
    }
    return java.util.List.of(preferred >= 256 ? 256 : 128);
  }

  /**
   * Checks a vector width.
   *
   * @param bits the width
   * @return {@code bits}
   * @throws IllegalArgumentException unless it is 128, 256 or 512
   */
  public static int checkBits(int bits) {
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException(
          "vector width must be 128, 256 or 512 bits, got " + bits);
    }
    return bits;
  }

  private static int preferredVectorBits() {
    try {
      return (Integer) Class.forName(VECTOR_CLASS).getMethod("defaultBits").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot read the default vector width: " + e, e);
    }
  }

  /**
   * Whether the JVM runs with the {@code jdk.incubator.vector} module.
   *
   * @return true if the Vector API kernel can be used
   */
  public static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}

package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.BackendInfo;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.spi.BackendOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One configuration the bench measures: a backend, the JVM it runs in and the backend settings
 * it is created with, named by a label such as {@code reference/vector},
 * {@code reference/direct}, {@code djl-pytorch} or {@code djl-pytorch/per-step}.
 *
 * <p>Labels:
 * <ul>
 *   <li>a backend's name alone: its defaults (for {@code reference}, the Vector API kernel and
 *       the default 3×3 convolution algorithm, Winograd);
 *   <li>{@code reference/vector} and {@code reference/scalar}: the reference backend in a JVM
 *       with and without {@code --add-modules jdk.incubator.vector} (the Vector API or the
 *       scalar matrix kernel), with the backend's default convolution algorithm, which is
 *       Winograd F(2×2, 3×3) for 3×3 kernels;
 *   <li>{@code reference/direct} and {@code reference/winograd}: the reference backend with
 *       the Vector API kernel and the setting {@value #REFERENCE_CONVOLUTION} = {@code direct}
 *       (im2col and one matrix product) or {@code winograd}; the forecaster must report
 *       {@code convolution=direct} or {@code convolution=winograd} in its
 *       {@link Forecaster#runtimeInfo()}, so a setting the backend
 *       silently ignored is caught ({@code reference/winograd} is {@code reference/vector}
 *       with the default made explicit);
 *   <li>for a DJL backend ({@code djl-*}), {@code BACKEND/FORM} with FORM a value of the
 *       backend setting {@value #INPUT_CONVOLUTION} such as {@code per-step} (the defaults are
 *       {@code concatenated} on PyTorch and {@code per-step} on MXNet);
 *   <li>any of these followed by {@code @N}, e.g. {@code reference/vector@1}: the same
 *       configuration on N threads instead of the run's {@code --threads}, so one run measures
 *       how a configuration scales with threads (the forecaster must report
 *       {@code threads=N}).
 * </ul>
 *
 * @param label the label in reports and on the command line
 * @param backend the backend name given to {@link Forecasters}
 * @param vectorJvm whether the child JVM gets {@code --add-modules jdk.incubator.vector}
 * @param settings backend settings, e.g. {@code djl.inputConvolution=per-step}
 * @param expectedRuntime entries the forecaster's {@link Forecaster#runtimeInfo()} must hold
 *     so the setting is known to have taken effect (e.g. {@code convolution=direct}), empty
 *     when nothing is checked
 * @param threads the thread count of a label with {@code @N}, 0 for the run's
 */
record BenchConfiguration(String label, String backend, boolean vectorJvm,
    Map<String, String> settings, Map<String, String> expectedRuntime, int threads) {

  /** The DJL backends' setting that schedules the input-to-state convolution. */
  static final String INPUT_CONVOLUTION = "djl.inputConvolution";
  /** The input-convolution form the others are compared with. */
  static final String PER_STEP = "per-step";
  /** The input-convolution form with one convolution over all frames. */
  static final String HOISTED = "hoisted";
  /** The reference backend's setting that selects the 3×3 convolution algorithm. */
  static final String REFERENCE_CONVOLUTION = "reference.convolution";
  /** The reference backend's convolution algorithms, as setting values and label variants. */
  static final List<String> REFERENCE_ALGORITHMS = List.of("direct", "winograd", "winograd4");

  /** The reference backend's setting that forces the matrix kernel's vector width. */
  static final String REFERENCE_VECTOR_BITS = "reference.vectorBits";
  /** Label variants that force the reference kernel's vector width (not in the default set). */
  static final List<String> REFERENCE_WIDTHS = List.of("vector-256", "vector-512");

  BenchConfiguration {
    settings = Map.copyOf(settings);
    expectedRuntime = Map.copyOf(expectedRuntime);
  }

  private BenchConfiguration(String label, String backend, boolean vectorJvm,
      Map<String, String> settings, Map<String, String> expectedRuntime) {
    this(label, backend, vectorJvm, settings, expectedRuntime, 0);
  }

  /** The separator of a label's thread count, as in {@code reference/vector@1}. */
  static final char THREADS = '@';

  /**
   * Parses a label (see the class comment).
   *
   * @throws IllegalArgumentException when the label has an unknown variant or a thread count
   *     that is not a whole number from 1 to {@link BackendOptions#maxThreads()}
   */
  static BenchConfiguration parse(String label) {
    int at = label.indexOf(THREADS);
    if (at < 0) {
      return parseBase(label);
    }
    String count = label.substring(at + 1);
    int n;
    try {
      n = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > BackendOptions.maxThreads() || !count.equals(Integer.toString(n))) {
      throw new IllegalArgumentException("the thread count after '" + THREADS + "' must be a "
          + "whole number from 1 to " + BackendOptions.maxThreads() + " here, got '" + count
          + "' in '" + label + "'");
    }
    BenchConfiguration base = parseBase(label.substring(0, at));
    Map<String, String> expected = new LinkedHashMap<>(base.expectedRuntime());
    expected.put("threads", Integer.toString(n));
    return new BenchConfiguration(label, base.backend(), base.vectorJvm(), base.settings(),
        expected, n);
  }

  /** The label without its thread count, e.g. {@code reference/vector} for {@code ...@1}. */
  String baseLabel() {
    return baseLabel(label);
  }

  /** {@code label} without its thread count {@code @N}, if it has one. */
  static String baseLabel(String label) {
    int at = label.indexOf(THREADS);
    return at < 0 ? label : label.substring(0, at);
  }

  /** The threads the child runs on: this label's count, else the run's {@code runThreads}. */
  int threadsOr(int runThreads) {
    return threads > 0 ? threads : runThreads;
  }

  private static BenchConfiguration parseBase(String label) {
    int slash = label.indexOf('/');
    String backend = slash < 0 ? label : label.substring(0, slash);
    String variant = slash < 0 ? "" : label.substring(slash + 1);
    if (variant.isEmpty()) {
      if (slash >= 0) {
        throw new IllegalArgumentException("configuration must be BACKEND or BACKEND/VARIANT, "
            + "got '" + label + "'");
      }
      return new BenchConfiguration(label, backend, true, Map.of(), Map.of());
    }
    if (backend.equals("reference")) {
      if (variant.equals("vector") || variant.equals("scalar")) {
        return new BenchConfiguration(label, backend, variant.equals("vector"), Map.of(),
            Map.of());
      }
      if (REFERENCE_WIDTHS.contains(variant)) {
        String bits = variant.substring("vector-".length());
        return new BenchConfiguration(label, backend, true, Map.of(REFERENCE_VECTOR_BITS, bits),
            Map.of("kernel", variant));
      }
      if (REFERENCE_ALGORITHMS.contains(variant)) {
        return new BenchConfiguration(label, backend, true,
            Map.of(REFERENCE_CONVOLUTION, variant), Map.of("convolution", variant));
      }
      throw new IllegalArgumentException("reference variants are vector, scalar, "
          + String.join(", ", REFERENCE_WIDTHS) + ", " + String.join(", ", REFERENCE_ALGORITHMS)
          + ", got '" + label + "'");
    }
    if (backend.startsWith("djl-")) {
      return new BenchConfiguration(label, backend, true, Map.of(INPUT_CONVOLUTION, variant),
          Map.of("inputConvolution", variant));
    }
    throw new IllegalArgumentException("only reference (vector, scalar, vector-256, vector-512, "
        + "direct, winograd) and "
        + "djl-* backends "
        + "(an input-convolution form such as per-step) have variants, got '" + label + "'");
  }

  /** Whether this runs the reference backend's scalar kernel. */
  boolean scalar() {
    return backend.equals("reference") && !vectorJvm;
  }

  /**
   * The backend options: {@code threads}, device {@code auto} (the CPU, or for djl-pytorch the
   * GPU when it runs DJL's CUDA natives, the Maven profile {@code gpu}, on a machine with one;
   * the detail column then says {@code device=gpu(0)}), with this configuration's settings.
   */
  BackendOptions options(int threads) {
    return new BackendOptions(threads, "auto", settings);
  }

  /**
   * Why a forecaster does not run this configuration (its {@link Forecaster#runtimeInfo()}
   * lacks an entry of {@link #expectedRuntime()} or has another value for it), or empty when
   * it does.
   *
   * @param runtimeInfo what the forecaster reported
   */
  Optional<String> mismatch(Map<String, String> runtimeInfo) {
    for (Map.Entry<String, String> e : expectedRuntime.entrySet()) {
      if (!e.getValue().equals(runtimeInfo.get(e.getKey()))) {
        return Optional.of("expected a forecaster with " + e.getKey() + "=" + e.getValue()
            + ", got " + runtimeInfo);
      }
    }
    return Optional.empty();
  }

  /**
   * Records what runs {@code f} in a child's result: {@code runtime} (its
   * {@link Forecaster#runtimeInfo()}), {@code kernel} ({@link #kernelOf}) and
   * {@code forecaster} (its {@code toString()}, for people; nothing reads it back).
   *
   * @param f the forecaster created for this configuration
   * @param result the child's result, added to
   * @return why {@code f} does not run this configuration ({@link #mismatch}), or empty
   */
  Optional<String> record(Forecaster f, Map<String, Object> result) {
    Map<String, String> runtime = f.runtimeInfo();
    result.put("runtime", new LinkedHashMap<String, Object>(runtime));
    result.put("kernel", kernelOf(runtime));
    result.put("forecaster", f.toString());
    return mismatch(runtime);
  }

  /**
   * What runs a forecaster in one line for the reports: the reference backend's kernel
   * (e.g. {@code vector-256}), else the {@code key=value} entries of its runtime information
   * other than {@code backend} and {@code threads} (for DJL, e.g.
   * {@code engine=PyTorch 2.7.1, device=cpu(), inputConvolution=hoisted}).
   *
   * @param runtimeInfo what the forecaster reported ({@link Forecaster#runtimeInfo()})
   */
  static String kernelOf(Map<String, String> runtimeInfo) {
    if (runtimeInfo.containsKey("kernel")) {
      return runtimeInfo.get("kernel");
    }
    List<String> parts = new ArrayList<>();
    runtimeInfo.forEach((k, v) -> {
      if (!k.equals("backend") && !k.equals("threads")) {
        parts.add(k + "=" + v);
      }
    });
    return String.join(", ", parts);
  }

  /**
   * The configurations of the available backends to measure, in the order reference/vector,
   * reference/direct, reference/winograd, reference/scalar, reference, then per backend its
   * default and, for DJL, its hoisted, per-step and any other requested form. Unavailable
   * backends and requested labels that match nothing are added to {@code skipped} with the
   * reason.
   *
   * @throws IllegalArgumentException if a requested label is malformed (see {@link #parse})
   * @param requested the labels asked for explicitly, null for "the default set"
   * @param defaultSet which labels the default set keeps (used when {@code requested} is null)
   * @param skipped receives what was asked for but cannot run
   */
  static List<BenchConfiguration> available(List<String> requested,
      Predicate<String> defaultSet, List<String> skipped) {
    if (requested != null) {
      for (String r : requested) {
        if (!r.equals(PythonPeer.LABEL)) {
          parse(r);
        }
      }
    }
    Predicate<String> wanted = requested == null ? defaultSet : requested::contains;
    List<BenchConfiguration> out = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    for (BackendInfo b : Forecasters.backends()) {
      List<String> labels = new ArrayList<>();
      if (b.name().equals("reference")) {
        labels.add(BenchResult.REFERENCE_VECTOR);
        labels.add(BenchResult.REFERENCE_DIRECT);
        labels.add(BenchResult.REFERENCE_WINOGRAD);
        labels.add("reference/winograd4");
        labels.add(BenchResult.REFERENCE_SCALAR);
        for (String v : REFERENCE_WIDTHS) {
          labels.add("reference/" + v);
        }
        labels.add("reference");
      } else {
        labels.add(b.name());
        if (b.name().startsWith("djl-")) {
          labels.add(b.name() + "/" + HOISTED);
          labels.add(b.name() + "/" + PER_STEP);
          if (requested != null) {
            for (String r : requested) {
              if (r.startsWith(b.name() + "/") && !labels.contains(r)) {
                labels.add(r);
              }
            }
          }
        }
      }
      if (requested != null) {
        // A requested BASE@N joins the labels after BASE.
        for (String r : requested) {
          int at = r.indexOf(THREADS);
          if (at > 0 && labels.contains(r.substring(0, at)) && !labels.contains(r)) {
            labels.add(r);
          }
        }
      }
      for (String label : labels) {
        if (!wanted.test(label)) {
          continue;
        }
        matched.add(label);
        if (!b.availability().available()) {
          skipped.add(label + ": unavailable: " + b.availability().reason());
        } else {
          out.add(parse(label));
        }
      }
    }
    if (requested != null) {
      for (String r : requested) {
        if (!matched.contains(r) && !r.equals(PythonPeer.LABEL)) {
          skipped.add(r + ": no such backend configuration");
        }
      }
    }
    return out;
  }
}

package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import java.util.Set;

/**
 * A backend, found through {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/io.github.convlstm4j.spi.BackendProvider}.
 *
 * <p>Construction must be cheap and free of side effects (no native loading, no I/O, nothing
 * in static initializers); {@link #probe()} may look for classes and files but loads no
 * natives; only {@link #create} does real work.
 */
public interface BackendProvider {

  /**
   * Stable lower-case name, for example {@code reference}, {@code djl-pytorch}.
   *
   * @return the name
   */
  String name();

  /**
   * Preference when no backend is named: the highest available priority wins, ties broken by
   * name in ascending order.
   *
   * @return the priority
   */
  int priority();

  /**
   * Whether this backend can run here, cheaply and honestly.
   *
   * @return availability with a reason
   */
  Availability probe();

  /**
   * The optional features this backend implements.
   *
   * @return the capabilities
   */
  Set<Capability> capabilities();

  /**
   * Creates a forecaster with freshly initialized weights (seeded by the spec).
   *
   * @param spec the model
   * @param options threads and device
   * @return a new forecaster
   * @throws IllegalArgumentException if the spec needs an undeclared capability, naming it
   * @throws IllegalStateException if the backend is unavailable
   */
  Forecaster create(ModelSpec spec, BackendOptions options);
}

package io.github.convlstm4j.testkit;

import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.reference.ReferenceBackendProvider;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A provider around the reference backend whose forecasters are wrapped, to build deliberately
 * broken backends. Not registered with ServiceLoader.
 */
final class WrappingProvider implements BackendProvider {

  private final String name;
  private final Set<Capability> capabilities;
  private final boolean refuseUndeclared;
  private final BiFunction<Forecaster, String, Forecaster> wrap;

  WrappingProvider(String name, BiFunction<Forecaster, String, Forecaster> wrap) {
    this(name, EnumSet.allOf(Capability.class), true, wrap);
  }

  WrappingProvider(String name, Set<Capability> capabilities, boolean refuseUndeclared,
      BiFunction<Forecaster, String, Forecaster> wrap) {
    this.name = name;
    this.capabilities = Set.copyOf(capabilities);
    this.refuseUndeclared = refuseUndeclared;
    this.wrap = wrap;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public Availability probe() {
    return Availability.available("wraps the reference backend");
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public Forecaster create(ModelSpec spec, BackendOptions options) {
    if (refuseUndeclared) {
      Set<Capability> missing = EnumSet.noneOf(Capability.class);
      missing.addAll(Capability.requiredBy(spec));
      missing.removeAll(capabilities);
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(name + " lacks capabilities " + missing);
      }
    }
    return wrap.apply(new ReferenceBackendProvider().create(spec, options), name);
  }
}

package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.api.BackendInfo;
import io.github.convlstm4j.api.ConvLstmLayerSpec;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.FrameShape;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery: ServiceLoader finds the provider; name, probe and capabilities are honest. */
abstract class DiscoveryContract extends Contract {

  /** The longest a {@code probe()} may take: it must not load natives or do real work. */
  static final long PROBE_BUDGET_MILLIS = 2_000;

  private static final String NAME_PATTERN = "[a-z0-9]+([-_.][a-z0-9]+)*";

  /** Providers visible to ServiceLoader, skipping ones that fail to load. */
  static List<BackendProvider> serviceProviders() {
    List<BackendProvider> found = new ArrayList<>();
    Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return found;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        // another, broken provider on the class path is not this backend's fault
      }
    }
  }

  @Test
  @DisplayName("ServiceLoader finds a provider of the same class and name (META-INF/services)")
  void serviceLoaderFindsTheProvider() {
    BackendProvider p = kit().provider();
    List<String> seen = new ArrayList<>();
    for (BackendProvider q : serviceProviders()) {
      seen.add(q.getClass().getName());
      if (q.getClass().equals(p.getClass())) {
        assertEquals(p.name(), q.name(), "name of the ServiceLoader instance");
        return;
      }
    }
    fail("ServiceLoader did not find " + p.getClass().getName() + " (is it listed in "
        + "META-INF/services/" + BackendProvider.class.getName() + "?); found " + seen);
  }

  @Test
  @DisplayName("probe() returns quickly, reports available and gives a reason")
  void probeIsCheapAndHonest() {
    BackendProvider fresh = kit().provider();
    long start = System.nanoTime();
    Availability a = fresh.probe();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertNotNull(a, "probe() returned null");
    assertTrue(millis <= PROBE_BUDGET_MILLIS,
        "probe() must be cheap (no natives, no real work): took " + millis + " ms, budget "
            + PROBE_BUDGET_MILLIS + " ms");
    assertTrue(a.available(),
        "the backend under test must be available here, got unavailable: " + a.reason());
    assertFalse(a.reason().isBlank(), "probe() must give a reason or detail, got blank");
    assertEquals(a.available(), fresh.probe().available(), "probe() must be stable");
  }

  @Test
  @DisplayName("name() is lower case, stable across calls and instances")
  void nameIsStableLowerCase() {
    BackendProvider p = kit().provider();
    String name = p.name();
    assertNotNull(name, "name() returned null");
    assertTrue(name.matches(NAME_PATTERN),
        "name() must be lower case letters, digits and dashes (" + NAME_PATTERN + "), got '"
            + name + "'");
    assertEquals(name, p.name(), "name() must not change between calls");
    assertEquals(name, kit().provider().name(), "name() must not change between instances");
  }

  @Test
  @DisplayName("capabilities() is stable and cannot be changed through the returned set")
  void capabilitiesAreStable() {
    BackendProvider p = kit().provider();
    Set<Capability> first = p.capabilities();
    assertNotNull(first, "capabilities() returned null");
    Set<Capability> copy = Set.copyOf(first);
    try {
      first.clear();
    } catch (UnsupportedOperationException expected) {
      // an unmodifiable set is the best answer
    }
    assertEquals(copy, Set.copyOf(p.capabilities()),
        "clearing the returned set must not change the provider's capabilities");
  }

  @Test
  @DisplayName("a forecaster reports the provider's name and the spec it was created with")
  void forecasterNamesItsBackend() {
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(3).build();
    try (Forecaster f = kit().create(spec)) {
      assertEquals(kit().provider().name(), f.backendName(), "backendName()");
      assertEquals(spec, f.spec(), "spec()");
    }
  }

  @Test
  @DisplayName("Forecasters.backends() lists it as available and Forecasters.create(name) uses it")
  void forecastersFindsItByName() {
    String name = kit().provider().name();
    List<BackendInfo> infos = Forecasters.backends();
    BackendInfo info = infos.stream().filter(b -> b.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(
            "Forecasters.backends() does not list '" + name + "': " + infos));
    assertTrue(info.availability().available(), "listed as unavailable: " + info);
    assertEquals(Set.copyOf(kit().provider().capabilities()), info.capabilities(),
        "capabilities listed by Forecasters.backends()");
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(4).build();
    try (Forecaster f = Forecasters.create(name, spec)) {
      assertEquals(name, f.backendName(), "backendName() of Forecasters.create(name, spec)");
    }
  }

  @Test
  @DisplayName("Checkpoints.load(name, path) reads a saved forecaster back with identical outputs")
  void forecastersLoadsBySavedFile(@TempDir Path folder) throws IOException {
    String name = kit().provider().name();
    ModelSpec spec = ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).seed(5).build();
    FrameSequence in = RandomCase.randomSequence(3, FrameShape.of(4, 5, 1), 6);
    Path file = folder.resolve("saved.npz");
    try (Forecaster f = kit().create(spec, RandomCase.randomWeights(spec, 7))) {
      f.save(file);
      try (Forecaster g = Checkpoints.load(name, file)) {
        assertEquals(name, g.backendName(), "backendName() of Checkpoints.load(name, path)");
        assertEquals(f.weights(), g.weights(), "weights after Checkpoints.load");
        kit().assertRepeatClose(f.predict(in), g.predict(in), "outputs after Checkpoints.load");
      }
    }
  }
}

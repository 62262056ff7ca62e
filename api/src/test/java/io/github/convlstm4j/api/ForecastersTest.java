package io.github.convlstm4j.api;

import io.github.convlstm4j.api.data.MovingSquares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.spi.Availability;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ForecastersTest {

  /** A spec needing no optional capability. */
  private static final ModelSpec PLAIN =
      ModelSpec.builder(1).addLayer(ConvLstmLayerSpec.of(2)).build();
  /** The seed spec: needs BATCH_NORM, HARD_SIGMOID and CONV3D_HEAD. */
  private static final ModelSpec SEED = MovingSquares.kerasModel();

  /** A provider whose answers are fixed; create() is never called by selection. */
  private static final class Fake implements BackendProvider {
    private final String name;
    private final int priority;
    private final Availability availability;
    private final Set<Capability> capabilities;
    private final boolean probeThrows;
    private final boolean nameThrows;

    Fake(String name, int priority, Availability a, Set<Capability> caps, boolean probeThrows,
        boolean nameThrows) {
      this.name = name;
      this.priority = priority;
      this.availability = a;
      this.capabilities = caps;
      this.probeThrows = probeThrows;
      this.nameThrows = nameThrows;
    }

    static Fake available(String name, int priority) {
      return new Fake(name, priority, Availability.available("ok"),
          EnumSet.allOf(Capability.class), false, false);
    }

    static Fake unavailable(String name, int priority, String reason) {
      return new Fake(name, priority, Availability.unavailable(reason),
          EnumSet.allOf(Capability.class), false, false);
    }

    static Fake withCapabilities(String name, int priority, Set<Capability> caps) {
      return new Fake(name, priority, Availability.available("ok"), caps, false, false);
    }

    static Fake probeThrowing(String name, int priority) {
      return new Fake(name, priority, null, EnumSet.allOf(Capability.class), true, false);
    }

    static Fake nameThrowing(int priority) {
      return new Fake("?", priority, Availability.available("ok"),
          EnumSet.allOf(Capability.class), false, true);
    }

    @Override
    public String name() {
      if (nameThrows) {
        throw new IllegalStateException("no name today");
      }
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability probe() {
      if (probeThrows) {
        throw new UnsatisfiedLinkError("libfake.so not found");
      }
      return availability;
    }

    @Override
    public Set<Capability> capabilities() {
      return capabilities;
    }

    @Override
    public Forecaster create(ModelSpec spec, BackendOptions options) {
      throw new AssertionError("selection must not create");
    }
  }

  /** An iterator over providers where a null entry throws a ServiceConfigurationError. */
  private static Supplier<Iterator<BackendProvider>> source(BackendProvider... providers) {
    return () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < providers.length;
      }

      @Override
      public BackendProvider next() {
        if (next >= providers.length) {
          throw new NoSuchElementException();
        }
        BackendProvider p = providers[next++];
        if (p == null) {
          throw new ServiceConfigurationError(
              "io.github.convlstm4j.spi.BackendProvider: Provider com.example.Broken could not"
                  + " be instantiated");
        }
        return p;
      }
    };
  }

  private static BackendProvider select(Supplier<Iterator<BackendProvider>> s, String name,
      ModelSpec spec) {
    return Forecasters.select(s, name, spec);
  }

  @Test
  @DisplayName("without a name, the highest priority available provider wins")
  void highestPriority() {
    Fake low = Fake.available("low", 1);
    Fake high = Fake.available("high", 10);
    Fake mid = Fake.available("mid", 5);
    assertSame(high, select(source(low, high, mid), null, PLAIN));
    assertSame(high, select(source(mid, low, high), null, PLAIN));
  }

  @Test
  @DisplayName("negative priorities work: the highest still wins")
  void negativePriorities() {
    Fake a = Fake.available("a", -5);
    Fake b = Fake.available("b", -2);
    assertSame(b, select(source(a, b), null, PLAIN));
  }

  @Test
  @DisplayName("ties in priority are broken by name, ascending, whatever the discovery order")
  void tiesByName() {
    Fake beta = Fake.available("beta", 3);
    Fake alpha = Fake.available("alpha", 3);
    Fake gamma = Fake.available("gamma", 3);
    assertSame(alpha, select(source(beta, gamma, alpha), null, PLAIN));
    assertSame(alpha, select(source(alpha, beta, gamma), null, PLAIN));
  }

  @Test
  @DisplayName("an explicit name wins even over a higher priority provider")
  void explicitNameWins() {
    Fake low = Fake.available("low", 1);
    Fake high = Fake.available("high", 10);
    assertSame(low, select(source(high, low), "low", PLAIN));
    assertSame(low, select(source(high, low), " low ", PLAIN), "name is trimmed");
  }

  @Test
  @DisplayName("an explicit name that is not found fails listing what was found")
  void explicitNameMissing() {
    Fake a = Fake.available("reference", 10);
    Fake b = Fake.unavailable("djl-pytorch", 20, "pytorch-native-cpu not on the class path");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source(a, b), "djl-mxnet", PLAIN));
    String m = e.getMessage();
    assertTrue(m.startsWith("backend 'djl-mxnet' not found; found: "), m);
    assertTrue(m.contains("reference (available: ok"), m);
    assertTrue(m.contains("djl-pytorch (unavailable: pytorch-native-cpu not on the class path"),
        m);
  }

  @Test
  @DisplayName("an explicit name that is unavailable fails with the reason, no fallback")
  void explicitNameUnavailable() {
    Fake ok = Fake.available("reference", 1);
    Fake down = Fake.unavailable("djl-pytorch", 20, "no libtorch for this platform");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source(ok, down), "djl-pytorch", PLAIN));
    assertEquals("backend 'djl-pytorch' is unavailable: no libtorch for this platform",
        e.getMessage());
  }

  @Test
  @DisplayName("an explicit name lacking a needed capability fails naming the capabilities")
  void explicitNameLacksCapability() {
    Fake bare = Fake.withCapabilities("bare", 1, EnumSet.of(Capability.BATCH_NORM,
        Capability.CONV3D_HEAD));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> select(source(bare), "bare", SEED));
    assertEquals("backend 'bare' cannot run this spec: it lacks capabilities [HARD_SIGMOID]",
        e.getMessage());
  }

  @Test
  @DisplayName("the system property names the backend when no argument does")
  void systemProperty() {
    Fake low = Fake.available("low", 1);
    Fake high = Fake.available("high", 10);
    String before = System.getProperty(Forecasters.BACKEND_PROPERTY);
    try {
      System.setProperty(Forecasters.BACKEND_PROPERTY, "low");
      assertSame(low, select(source(high, low), null, PLAIN));
      assertSame(high, select(source(high, low), "high", PLAIN), "argument beats property");
      System.setProperty(Forecasters.BACKEND_PROPERTY, "nope");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> select(source(high, low), null, PLAIN));
      assertTrue(e.getMessage().startsWith("backend 'nope' not found"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(Forecasters.BACKEND_PROPERTY);
      } else {
        System.setProperty(Forecasters.BACKEND_PROPERTY, before);
      }
    }
    assertSame(high, select(source(high, low), null, PLAIN));
  }

  @Test
  @DisplayName("none usable: the exception lists every provider and why")
  void noneAvailable() {
    Fake a = Fake.unavailable("djl-pytorch", 20, "libtorch missing");
    Fake b = Fake.unavailable("djl-mxnet", 10, "mxnet missing");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source(a, b), null, PLAIN));
    String m = e.getMessage();
    assertTrue(m.startsWith("no usable convlstm4j backend for a spec needing []; found: "), m);
    assertTrue(m.contains("djl-pytorch (unavailable: libtorch missing"), m);
    assertTrue(m.contains("djl-mxnet (unavailable: mxnet missing"), m);
    e = assertThrows(IllegalStateException.class, () -> select(source(), null, PLAIN));
    assertTrue(e.getMessage().contains("found: no providers on the class path"),
        e.getMessage());
  }

  @Test
  @DisplayName("a provider whose probe() throws is skipped and reported")
  void probeThrows() {
    Fake broken = Fake.probeThrowing("broken", 100);
    Fake ok = Fake.available("ok", 1);
    assertSame(ok, select(source(broken, ok), null, PLAIN));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source(broken), null, PLAIN));
    assertTrue(e.getMessage().contains(
        "broken (unavailable: probe() threw java.lang.UnsatisfiedLinkError: libfake.so not"
            + " found"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> select(source(broken), "broken", PLAIN));
    assertTrue(e.getMessage().startsWith("backend 'broken' is unavailable: probe() threw"),
        e.getMessage());
  }

  @Test
  @DisplayName("a provider whose name() throws is skipped and reported by class")
  void nameThrows() {
    Fake nameless = Fake.nameThrowing(100);
    Fake ok = Fake.available("ok", 1);
    assertSame(ok, select(source(nameless, ok), null, PLAIN));
    List<BackendInfo> infos = Forecasters.describe(source(nameless, ok));
    assertEquals(2, infos.size());
    assertEquals("ok", infos.get(0).name());
    assertEquals(Fake.class.getName(), infos.get(1).name());
    assertTrue(infos.get(1).availability().reason().contains("no name today"));
  }

  @Test
  @DisplayName("a provider whose name() returns null is skipped like one that throws")
  void nullName() {
    Fake nullName = new Fake(null, 100, Availability.available("ok"),
        EnumSet.allOf(Capability.class), false, false);
    Fake ok = Fake.available("ok", 1);
    assertSame(ok, select(source(nullName, ok), null, PLAIN));
    List<BackendInfo> infos = Forecasters.describe(source(nullName, ok));
    assertEquals(Fake.class.getName(), infos.get(1).name());
    assertTrue(infos.get(1).availability().reason().contains("name() returned null"));
  }

  @Test
  @DisplayName("a provider that fails to load (ServiceConfigurationError) is skipped")
  void serviceConfigurationError() {
    Fake ok = Fake.available("ok", 1);
    assertSame(ok, select(source(null, ok, null), null, PLAIN));
    List<BackendInfo> infos = Forecasters.describe(source(null, ok));
    assertEquals(2, infos.size());
    BackendInfo failed = infos.get(1);
    assertEquals("(failed provider)", failed.name());
    assertFalse(failed.availability().available());
    assertTrue(failed.availability().reason().contains("com.example.Broken"),
        failed.availability().reason());
    assertEquals(Integer.MIN_VALUE, failed.priority());
    assertEquals(Set.of(), failed.capabilities());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source((BackendProvider) null), null, PLAIN));
    assertTrue(e.getMessage().contains("(failed provider) (unavailable: failed to load"),
        e.getMessage());
  }

  @Test
  @DisplayName("providers lacking a capability the spec needs are skipped")
  void capabilityFilter() {
    Fake fast = Fake.withCapabilities("fast", 50, EnumSet.of(Capability.TRAINING));
    Fake full = Fake.available("full", 1);
    assertSame(fast, select(source(fast, full), null, PLAIN));
    assertSame(full, select(source(fast, full), null, SEED));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> select(source(fast), null, SEED));
    String m = e.getMessage();
    assertTrue(m.startsWith("no usable convlstm4j backend for a spec needing "
        + "[BATCH_NORM, HARD_SIGMOID, CONV3D_HEAD]"), m);
    assertTrue(m.contains("fast (available: ok, capabilities [TRAINING])"), m);
  }

  @Test
  @DisplayName("describe lists available providers by priority, then the unavailable ones")
  void describeOrder() {
    List<BackendInfo> infos = Forecasters.describe(source(
        Fake.unavailable("zz-down", 99, "down"),
        Fake.available("b", 5),
        Fake.available("a", 5),
        Fake.available("top", 9),
        Fake.probeThrowing("crash", 100)));
    List<String> names = new ArrayList<>();
    infos.forEach(i -> names.add(i.name()));
    assertEquals(List.of("top", "a", "b", "crash", "zz-down"), names);
    assertEquals("top (priority 9): available, ok", infos.get(0).toString());
    assertEquals(EnumSet.allOf(Capability.class), infos.get(0).capabilities());
  }

  @Test
  @DisplayName("with no backend on the api class path, discovery finds none and says so")
  void realServiceLoader() {
    assertEquals(List.of(), Forecasters.backends());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Forecasters.create(PLAIN));
    assertTrue(e.getMessage().contains("no providers on the class path"), e.getMessage());
    assertTrue(e.getMessage().contains("convlstm4j-backend-reference"), e.getMessage());
  }

  @Test
  @DisplayName("default options come from the threads and device properties")
  void defaultOptions() {
    String threads = System.getProperty(Forecasters.THREADS_PROPERTY);
    String device = System.getProperty(Forecasters.DEVICE_PROPERTY);
    try {
      System.clearProperty(Forecasters.THREADS_PROPERTY);
      System.clearProperty(Forecasters.DEVICE_PROPERTY);
      assertEquals(BackendOptions.defaults(), Forecasters.defaultOptions());
      System.setProperty(Forecasters.THREADS_PROPERTY, " 3 ");
      System.setProperty(Forecasters.DEVICE_PROPERTY, "cpu");
      assertEquals(new BackendOptions(3, "cpu"), Forecasters.defaultOptions());
      System.setProperty(Forecasters.THREADS_PROPERTY, "many");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, Forecasters::defaultOptions);
      assertEquals("system property convlstm4j.threads must be an integer, got 'many'",
          e.getMessage());
    } finally {
      restore(Forecasters.THREADS_PROPERTY, threads);
      restore(Forecasters.DEVICE_PROPERTY, device);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}

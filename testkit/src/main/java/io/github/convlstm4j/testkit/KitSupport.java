package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.convlstm4j.api.FrameSequence;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.ModelSpec;
import io.github.convlstm4j.api.ModelWeights;
import io.github.convlstm4j.api.Tensor;
import io.github.convlstm4j.reference.ReferenceBackendProvider;
import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import io.github.convlstm4j.spi.Capability;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.TestAbortedException;

/**
 * What every contract group needs: the provider under test, its declared capabilities, the
 * tolerances, the reference oracle and the comparison helpers that print the seed, the
 * position and both values when they fail.
 */
final class KitSupport {

  private final BackendProvider provider;
  private final Tolerances tolerances;
  private final BackendOptions options;
  private final long[] seeds;
  private final Set<Capability> declared;

  KitSupport(BackendProvider provider, Tolerances tolerances, BackendOptions options,
      long[] seeds) {
    this.provider = provider;
    this.tolerances = tolerances;
    this.options = options;
    this.seeds = seeds.clone();
    this.declared = EnumSet.noneOf(Capability.class);
    this.declared.addAll(provider.capabilities());
  }

  BackendProvider provider() {
    return provider;
  }

  Tolerances tolerances() {
    return tolerances;
  }

  BackendOptions options() {
    return options;
  }

  long[] seeds() {
    return seeds.clone();
  }

  Set<Capability> declared() {
    Set<Capability> copy = EnumSet.noneOf(Capability.class);
    copy.addAll(declared);
    return copy;
  }

  boolean declares(Capability c) {
    return declared.contains(c);
  }

  /** Skips the current test (with the reason) unless the backend declares {@code c}. */
  void assumeDeclared(Capability c) {
    Assumptions.assumeTrue(declared.contains(c),
        () -> "backend '" + provider.name() + "' does not declare " + c + "; skipped");
  }

  /**
   * Creates a forecaster on the backend under test, skipping the test (with the reason) when
   * the spec needs a capability the backend does not declare.
   */
  Forecaster create(ModelSpec spec) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    missing.addAll(Capability.requiredBy(spec));
    missing.removeAll(declared);
    Assumptions.assumeTrue(missing.isEmpty(),
        () -> "backend '" + provider.name() + "' does not declare " + missing + "; skipped");
    Forecaster f = provider.create(spec, options);
    assertNotNull(f, "create() returned null");
    return f;
  }

  /** Creates a forecaster on the backend under test with the given weights. */
  Forecaster create(ModelSpec spec, ModelWeights weights) {
    Forecaster f = create(spec);
    try {
      f.setWeights(weights);
      return f;
    } catch (RuntimeException | Error e) {
      f.close();
      throw e;
    }
  }

  /** Creates a forecaster on the reference backend, the oracle. */
  static Forecaster reference(ModelSpec spec) {
    return new ReferenceBackendProvider().create(spec, BackendOptions.defaults());
  }

  /** Creates a forecaster on the reference backend with the given weights. */
  static Forecaster reference(ModelSpec spec, ModelWeights weights) {
    Forecaster f = reference(spec);
    try {
      f.setWeights(weights);
      return f;
    } catch (RuntimeException | Error e) {
      f.close();
      throw e;
    }
  }

  /** Asserts two sequences agree within the forward tolerance, naming the worst element. */
  void assertForwardClose(FrameSequence expected, FrameSequence actual, String what) {
    assertSameShape(expected, actual, what);
    float[] e = expected.toArray();
    float[] a = actual.toArray();
    assertArrayClose(e, a, what, expected);
  }

  /** Asserts two sequences agree within the repeat tolerance (default: bitwise). */
  void assertRepeatClose(FrameSequence expected, FrameSequence actual, String what) {
    assertSameShape(expected, actual, what);
    double d = expected.maxAbsDifference(actual);
    assertTrue(d <= tolerances.repeatAbsolute(),
        () -> what + ": max |difference| " + d + " exceeds the repeat tolerance "
            + tolerances.repeatAbsolute() + " (shape " + expected.shapeString() + ")");
  }

  /** Asserts a double-precision oracle output matches a backend output (forward tolerance). */
  void assertForwardClose(PlainConvLstm.Block expected, FrameSequence actual, String what) {
    FrameSequence e = expected.toSequence();
    assertSameShape(e, actual, what);
    double[] ev = expected.data();
    float[] av = actual.toArray();
    for (int i = 0; i < ev.length; i++) {
      if (!tolerances.forwardAccepts(ev[i], av[i])) {
        fail(what + ": element " + position(e, i) + " expected " + ev[i] + " but was " + av[i]
            + " (difference " + Math.abs(ev[i] - av[i]) + ", tolerance "
            + tolerances.forwardAbsolute() + " + " + tolerances.forwardRelative()
            + "·|expected|)");
      }
    }
  }

  private void assertArrayClose(float[] e, float[] a, String what, FrameSequence shape) {
    for (int i = 0; i < e.length; i++) {
      if (!tolerances.forwardAccepts(e[i], a[i])) {
        fail(what + ": element " + position(shape, i) + " expected " + e[i] + " but was "
            + a[i] + " (difference " + Math.abs((double) e[i] - a[i]) + ", tolerance "
            + tolerances.forwardAbsolute() + " + " + tolerances.forwardRelative()
            + "·|expected|)");
      }
    }
  }

  static void assertSameShape(FrameSequence expected, FrameSequence actual, String what) {
    assertNotNull(actual, what + ": got null");
    assertEquals(expected.shapeString(), actual.shapeString(), what + ": output shape");
  }

  /** Asserts a loss agrees within the loss tolerance. */
  void assertLossClose(double expected, double actual, String what) {
    assertTrue(tolerances.lossAccepts(expected, actual),
        () -> what + ": expected " + expected + " but was " + actual + " (difference "
            + Math.abs(expected - actual) + ", tolerance " + tolerances.lossAbsolute() + " + "
            + tolerances.lossRelative() + "·|expected|)");
  }

  /** Asserts weights agree within the after-step tolerance, naming the tensor and index. */
  void assertStepClose(ModelWeights expected, ModelWeights actual, String what) {
    assertEquals(expected.names(), actual.names(), what + ": weight names");
    for (String name : expected.names()) {
      Tensor e = expected.get(name);
      Tensor a = actual.get(name);
      assertEquals(e.shapeList(), a.shapeList(), what + ": shape of " + name);
      for (int i = 0; i < e.size(); i++) {
        if (!tolerances.stepAccepts(e.get(i), a.get(i))) {
          int at = i;
          fail(what + ": " + name + " at flat index " + at + " expected " + e.get(at)
              + " but was " + a.get(at) + " (difference "
              + Math.abs((double) e.get(at) - a.get(at)) + ", tolerance "
              + tolerances.stepAbsolute() + " + " + tolerances.stepRelative()
              + "·|expected|)");
        }
      }
    }
  }

  /** The (t, row, col, channel) position of a flat index, as text. */
  static String position(FrameSequence s, int flat) {
    int n = s.frameShape().size();
    int t = flat / n;
    int rest = flat % n;
    int ch = rest % s.channels();
    int pix = rest / s.channels();
    return "(t=" + t + ", row=" + pix / s.width() + ", col=" + pix % s.width() + ", channel="
        + ch + ") of " + s.shapeString();
  }

  /**
   * Asserts that an exception message names both the expected and the actual value.
   *
   * @param e the exception
   * @param expected text that must appear (the expected value)
   * @param actual text that must appear (the actual value)
   */
  static void assertNames(Throwable e, String expected, String actual) {
    String m = e.getMessage();
    assertNotNull(m, () -> e.getClass().getName() + " has no message");
    assertTrue(m.contains(expected) && m.contains(actual),
        () -> "the message must name the expected value " + expected + " and the actual value "
            + actual + ", got: " + m);
  }

  /**
   * A dynamic test whose failure message starts with its display name (the seed and shapes),
   * so that the case can be reproduced from a plain report that shows only method names.
   * Skips (assumptions) pass through unchanged.
   *
   * @param name the display name
   * @param body the test
   * @return the dynamic test
   */
  static DynamicTest dynamicTest(String name, Executable body) {
    return DynamicTest.dynamicTest(name, () -> {
      try {
        body.execute();
      } catch (TestAbortedException skipped) {
        throw skipped;
      } catch (AssertionError e) {
        AssertionError named = new AssertionError("[" + name + "] " + e.getMessage(), e);
        throw named;
      } catch (Exception e) {
        throw new AssertionError("[" + name + "] threw " + e, e);
      }
    });
  }
}

package io.github.convlstm4j.testkit;

import io.github.convlstm4j.spi.BackendOptions;
import io.github.convlstm4j.spi.BackendProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The contract every convlstm4j backend passes, as a JUnit 5 test class to extend. Modelled on
 * Micrometer's {@code MeterRegistryCompatibilityKit}: one abstract method, contract groups as
 * {@link Nested} classes with sentence-like display names, seeded cases named by their seed
 * and shapes so that a failure can be reproduced from its name.
 *
 * <h2>Adopting it</h2>
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformanceKit {
 *   @Override
 *   protected BackendProvider provider() {
 *     return new MyBackendProvider();
 *   }
 * }
 * }</pre>
 *
 * <p>Add {@code convlstm4j-testkit} as a test dependency (it brings the reference backend, the
 * oracle the kit compares against, and {@code junit-jupiter-api}) and run the class with the
 * JUnit Platform (Surefire, Gradle, an IDE). Register the provider in
 * {@code META-INF/services/io.github.convlstm4j.spi.BackendProvider} or the discovery group
 * fails.
 *
 * <h2>Capabilities</h2>
 *
 * <p>A test that needs a {@link io.github.convlstm4j.spi.Capability} the provider does not
 * declare is <em>skipped</em> with the reason; a declared capability must work; and creating a
 * forecaster whose spec needs an undeclared capability must be refused with an
 * {@link IllegalArgumentException} that names it.
 *
 * <h2>Groups</h2>
 *
 * <ul>
 *   <li>{@code Discovery}: found by {@link java.util.ServiceLoader}, cheap and honest probe.
 *   <li>{@code Capabilities}: declared ones work, undeclared ones are refused.
 *   <li>{@code Shapes}: output shapes, forecast horizon, batched equals single.
 *   <li>{@code BadInput}: rejected with expected and actual values; still usable afterwards.
 *   <li>{@code Numerics}: golden cases from the equations, a plain double-precision forward,
 *       and agreement with the reference backend (forward, loss, weights after one step).
 *   <li>{@code Determinism}: seeded initial weights, repeatable outputs, Keras initializers.
 *   <li>{@code Weights}: weights and checkpoints round-trip and move between backends.
 *   <li>{@code Training}: loss falls, listener order, validation split is the last part.
 *   <li>{@code Lifetime}: close twice is fine, use after close throws.
 *   <li>{@code Forecast}: {@code forecast} equals repeated predict-and-append.
 *   <li>{@code State}: recurrent state in and out; two parts equal the whole; agreement with
 *       the reference backend; bad states refused.
 *   <li>{@code Concurrency}: one caller at a time; a second thread is refused cleanly.
 *   <li>{@code Sessions}: streaming sessions equal the definition for every head; forks,
 *       batches of streams, state export and import, bad input.
 *   <li>{@code Evaluation}: evaluate and batch-norm recalibration against closed forms.
 *   <li>{@code Safety}: a diverging fit rolls back; bad optimizer state and huge horizons are
 *       refused.
 *   <li>{@code EncoderForecaster}: the Shi et al. 2015 encoder–forecaster (with
 *       {@link io.github.convlstm4j.spi.Capability#ENCODER_FORECASTER}) against an independent
 *       double-precision implementation and the reference backend; sessions, bad input, and
 *       the parameter counts of the paper's Table 1 on models the backend builds.
 * </ul>
 *
 * <p>Tolerances live in one place, {@link Tolerances}; override {@link #tolerances()} to change
 * them. The kit keeps every model tiny (1–2 layers, at most 4 filters, frames up to 8×8, up to
 * 4 steps) so that it runs in seconds.
 */
public abstract class BackendConformanceKit {

  private KitSupport support;

  /** For subclasses. */
  protected BackendConformanceKit() {}

  /**
   * The provider under test. Called once per test; return a fresh instance (construction must
   * be cheap anyway).
   *
   * @return the provider
   */
  protected abstract BackendProvider provider();

  /**
   * The tolerances of every numerical comparison. Override to loosen or tighten them, and say
   * why in a comment.
   *
   * @return {@link Tolerances#defaults()} unless overridden
   */
  protected Tolerances tolerances() {
    return Tolerances.defaults();
  }

  /**
   * The options passed to {@link BackendProvider#create}.
   *
   * @return {@link BackendOptions#defaults()} unless overridden
   */
  protected BackendOptions options() {
    return BackendOptions.defaults();
  }

  /**
   * Seeds of the random-model cases (each seed gives a model, an input shape and weights,
   * shown in the test's display name). Override with a single seed to reproduce one failure.
   *
   * @return the seeds, 1 to 6 unless overridden
   */
  protected long[] randomCaseSeeds() {
    return new long[] {1, 2, 3, 4, 5, 6};
  }

  /** Builds the support of one test from the overridable methods above. */
  @BeforeEach
  final void prepareConformanceSupport() {
    support = new KitSupport(provider(), tolerances(), options(), randomCaseSeeds());
  }

  /** The support of the current test, for the nested groups. */
  final KitSupport support() {
    return support;
  }

  /** Discovery and probing. */
  @Nested
  @DisplayName("Discovery: the provider is found by ServiceLoader and probes cheaply and honestly")
  class Discovery extends DiscoveryContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Capabilities. */
  @Nested
  @DisplayName("Capabilities: declared ones work, undeclared ones are refused with a clear error")
  class Capabilities extends CapabilityContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Output shapes. */
  @Nested
  @DisplayName("Shapes: outputs have the documented shapes and batching changes nothing")
  class Shapes extends ShapeContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Input validation. */
  @Nested
  @DisplayName("Bad input: rejected naming expected and actual, and the forecaster stays usable")
  class BadInput extends BadInputContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Numerical correctness. */
  @Nested
  @DisplayName("Numerics: outputs, losses and optimizer steps follow the ConvLSTM equations")
  class Numerics extends NumericsContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Seeding and repeatability. */
  @Nested
  @DisplayName("Determinism: the seed fixes the initial weights and outputs repeat exactly")
  class Determinism extends DeterminismContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Weights and checkpoints. */
  @Nested
  @DisplayName("Weights: weights and checkpoints round-trip and move between backends")
  class Weights extends WeightsContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Training, when declared. */
  @Nested
  @DisplayName("Training: loss falls, events arrive in order, validation is the last part")
  class Training extends TrainingContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Closing. */
  @Nested
  @DisplayName("Lifetime: closing twice is harmless and any use after close is refused")
  class Lifetime extends LifetimeContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Autoregressive forecasting. */
  @Nested
  @DisplayName("Forecast: forecast(context, h) equals h rounds of predict and append")
  class Forecast extends ForecastContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Recurrent state in and out. */
  @Nested
  @DisplayName("State: recurrent states go in and out, and two parts equal the whole")
  class State extends StateContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** One caller at a time. */
  @Nested
  @DisplayName("Concurrency: one caller at a time, a second thread is refused cleanly")
  class Concurrency extends ConcurrencyContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Divergence, optimizer state and huge horizons. */
  @Nested
  @DisplayName("Safety: divergence rolls back, bad optimizer state and huge horizons are refused")
  class Safety extends SafetyContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Evaluation and recalibration. */
  @Nested
  @DisplayName("Evaluation: evaluate and batch-norm recalibration match their closed forms")
  class Evaluation extends EvaluationContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** Streaming sessions. */
  @Nested
  @DisplayName("Sessions: pushed steps and rollouts equal the definition for every head kind")
  class Sessions extends SessionContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }

  /** The Shi et al. 2015 encoder–forecaster. */
  @Nested
  @DisplayName("EncoderForecaster: Shi et al. 2015's model forecasts, trains and streams as defined")
  class EncoderForecaster extends EncoderForecasterContract {
    @Override
    KitSupport kit() {
      return support;
    }
  }
}

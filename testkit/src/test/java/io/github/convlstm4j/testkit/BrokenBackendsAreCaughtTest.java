package io.github.convlstm4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.testkit.BackendConformanceKit.BadInput;
import io.github.convlstm4j.testkit.BackendConformanceKit.Capabilities;
import io.github.convlstm4j.testkit.BackendConformanceKit.Determinism;
import io.github.convlstm4j.testkit.BackendConformanceKit.Discovery;
import io.github.convlstm4j.testkit.BackendConformanceKit.Forecast;
import io.github.convlstm4j.testkit.BackendConformanceKit.Lifetime;
import io.github.convlstm4j.testkit.BackendConformanceKit.Numerics;
import io.github.convlstm4j.testkit.BackendConformanceKit.Shapes;
import io.github.convlstm4j.testkit.BackendConformanceKit.Training;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kit is tested: each deliberately broken backend ({@link BrokenBackends}) must make a
 * named kit test fail. A kit that passes a broken backend is a bug in the kit.
 */
class BrokenBackendsAreCaughtTest {

  private static String group(Class<?> nested) {
    return "[nested-class:" + nested.getSimpleName() + "]";
  }

  private static String factory(String method) {
    return "[test-factory:" + method + "()]";
  }

  private static String method(String method) {
    return "[method:" + method + "(";
  }

  private static void assertCaught(KitLauncher.Report r, String what, String... id) {
    List<KitLauncher.Outcome> failed = r.failed(id);
    assertFalse(failed.isEmpty(), what + " must be caught by " + String.join("", id)
        + "; failures were:\n" + r.failures());
  }

  private static void assertPassed(KitLauncher.Report r, String what, String... id) {
    assertTrue(r.failed(id).isEmpty(), what + " should pass " + String.join("", id)
        + "; failures were:\n" + r.failures());
    assertFalse(r.matching(TestExecutionResult.Status.SUCCESSFUL, id)
        .isEmpty(), String.join("", id) + " did not run");
  }

  @Test
  @DisplayName("control: the unbroken wrapper passes every group except ServiceLoader discovery")
  void passThroughPasses() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.PassThroughKit.class);
    assertCaught(r, "an unregistered provider", group(Discovery.class),
        method("serviceLoaderFindsTheProvider"));
    List<KitLauncher.Outcome> failed = r.failed();
    for (KitLauncher.Outcome o : failed) {
      assertTrue(o.uniqueId().contains(group(Discovery.class)),
          "the pass-through wrapper must pass everything outside discovery:\n" + r.failures());
    }
    // ServiceLoader, Forecasters.create(name) and Checkpoints.load(name, path) cannot find it
    assertEquals(3, failed.size(), "only the three ServiceLoader tests fail:\n" + r.failures());
    assertCaught(r, "an unregistered provider", group(Discovery.class),
        method("forecastersFindsItByName"));
    assertCaught(r, "an unregistered provider", group(Discovery.class),
        method("forecastersLoadsBySavedFile"));
    assertTrue(r.count(TestExecutionResult.Status.SUCCESSFUL) > 100,
        "the control ran the kit");
  }

  @Test
  @DisplayName("control: a correct backend declaring no capabilities gets skips with reasons, "
      + "not failures, and its refusals pass")
  void minimalBackendIsSkippedNotFailed() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.MinimalKit.class);
    for (KitLauncher.Outcome o : r.failed()) {
      assertTrue(o.uniqueId().contains(group(Discovery.class)),
          "a correct minimal backend must pass everything outside discovery:\n" + r.failures());
    }
    assertFalse(r.matching(TestExecutionResult.Status.ABORTED, group(Training.class)).isEmpty(),
        "the training group must be skipped without TRAINING");
    assertTrue(r.skipReasons().stream().anyMatch(s -> s.contains("does not declare TRAINING")),
        "skips must give the missing capability as the reason: " + r.skipReasons());
    assertPassed(r, "refusing undeclared capabilities", group(Capabilities.class),
        factory("everyCapability"));
    assertTrue(r.count(TestExecutionResult.Status.SUCCESSFUL) > 60,
        "the minimal backend still ran most of the kit");
  }

  @Test
  @DisplayName("forget and input gates swapped: caught by the scalar LSTM equations, the plain "
      + "forward, the reference agreement and the initializer check")
  void swappedGates() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.SwappedGatesKit.class,
        Numerics.class, Determinism.class);
    assertCaught(r, "swapped gates", group(Numerics.class), factory("scalarLstmEquations"));
    assertCaught(r, "swapped gates", group(Numerics.class), factory("matchesPlainForward"));
    assertCaught(r, "swapped gates", group(Numerics.class),
        factory("agreesWithReferenceForward"));
    assertCaught(r, "swapped gates", group(Determinism.class),
        method("initialWeightsFollowKeras"));
  }

  @Test
  @DisplayName("recurrent convolution blind to its neighbours: caught by the plain forward and "
      + "the reference agreement (a 1x1 frame cannot see it)")
  void blindRecurrentBorder() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.BlindRecurrentBorderKit.class,
        Numerics.class);
    assertCaught(r, "a centre-only recurrent convolution", group(Numerics.class),
        factory("matchesPlainForward"));
    assertCaught(r, "a centre-only recurrent convolution", group(Numerics.class),
        factory("agreesWithReferenceForward"));
    assertPassed(r, "a centre-only recurrent convolution on 1x1 frames",
        group(Numerics.class), factory("scalarLstmEquations"));
  }

  @Test
  @DisplayName("even kernels padded on the wrong side: caught by the 1x1-frame tap test and the "
      + "plain forward; odd kernels are unaffected")
  void mirroredEvenPadding() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.MirroredEvenPaddingKit.class,
        Numerics.class);
    List<KitLauncher.Outcome> taps = r.failed(group(Numerics.class),
        factory("sameKernelCentreTap"));
    assertTrue(taps.stream().anyMatch(o -> o.displayName().contains("kernel 2x2")),
        "the 2x2 tap case must fail; failures were:\n" + r.failures());
    assertTrue(taps.stream().noneMatch(o -> o.displayName().contains("kernel 3x3")),
        "the odd 3x3 tap case must pass; failures were:\n" + r.failures());
    assertCaught(r, "wrong-side even padding", group(Numerics.class),
        factory("matchesPlainForward"));
    assertPassed(r, "wrong-side even padding with 1x1 kernels", group(Numerics.class),
        factory("scalarLstmEquations"));
  }

  @Test
  @DisplayName("close() that does nothing: caught by use-after-close")
  void noopClose() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.NoopCloseKit.class, Lifetime.class);
    assertCaught(r, "a no-op close()", group(Lifetime.class), factory("useAfterClose"));
    assertPassed(r, "a no-op close() closed twice", group(Lifetime.class), method("closeTwice"));
  }

  @Test
  @DisplayName("forecast returning one frame too many: caught by the horizon shape and the "
      + "predict-and-append semantics")
  void extraForecastFrame() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.ExtraForecastFrameKit.class,
        Shapes.class, Forecast.class);
    assertCaught(r, "an extra forecast frame", group(Shapes.class), factory("forecastHorizon"));
    assertCaught(r, "an extra forecast frame", group(Forecast.class),
        factory("forecastIsPredictAndAppend"));
  }

  @Test
  @DisplayName("wrong channel counts accepted silently: caught by the bad-input group")
  void lenientChannels() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.LenientChannelsKit.class,
        BadInput.class);
    assertCaught(r, "silently fitted channels", group(BadInput.class),
        factory("wrongChannelCount"));
  }

  @Test
  @DisplayName("error messages without expected and actual values: caught by the bad-input group")
  void vagueErrors() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.VagueErrorsKit.class, BadInput.class);
    assertCaught(r, "vague channel errors", group(BadInput.class), factory("wrongChannelCount"));
    assertCaught(r, "vague frame-size errors", group(BadInput.class),
        method("frameTooSmallForValid"));
    assertCaught(r, "vague horizon errors", group(BadInput.class), factory("badHorizon"));
    assertCaught(r, "weight errors that do not name the tensor", group(BadInput.class),
        factory("mismatchedWeights"));
  }

  @Test
  @DisplayName("a rejected setWeights that already applied the good tensors: caught by the "
      + "unchanged-after-rejection check")
  void partialSetWeights() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.PartialSetWeightsKit.class,
        BadInput.class);
    assertCaught(r, "a non-atomic setWeights", group(BadInput.class),
        factory("mismatchedWeights"));
  }

  @Test
  @DisplayName("optimizer with twice the learning rate: caught by the one-step agreement and "
      + "the finite-difference SGD step")
  void doubledLearningRate() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.DoubledLearningRateKit.class,
        Numerics.class);
    assertCaught(r, "a doubled learning rate", group(Numerics.class),
        factory("oneStepAgreesWithReference"));
    assertCaught(r, "a doubled learning rate", group(Numerics.class),
        factory("sgdStepMatchesFiniteDifferences"));
    assertPassed(r, "a doubled learning rate (forward only)", group(Numerics.class),
        factory("matchesPlainForward"));
  }

  @Test
  @DisplayName("validation taken from the front of the data: caught by the validation-split test")
  void firstFractionValidation() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.FirstFractionValidationKit.class,
        Training.class);
    assertCaught(r, "validation from the first fraction", group(Training.class),
        method("validationIsLastFraction"));
  }

  @Test
  @DisplayName("predict carrying state between calls: caught by the no-state determinism test")
  void statefulPredict() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.StatefulPredictKit.class,
        Determinism.class);
    assertCaught(r, "state carried between predict calls", group(Determinism.class),
        method("predictKeepsNoState"));
  }

  @Test
  @DisplayName("an undeclared capability computed instead of refused: caught by the capability "
      + "group")
  void unrefusedCapability() {
    KitLauncher.Report r = KitLauncher.run(BrokenBackends.UnrefusedCapabilityKit.class,
        Capabilities.class);
    List<KitLauncher.Outcome> failed = r.failed(group(Capabilities.class),
        factory("everyCapability"));
    assertTrue(failed.stream().anyMatch(o -> o.displayName().contains("HARD_SIGMOID")),
        "the refusal test of HARD_SIGMOID must fail; failures were:\n" + r.failures());
  }
}

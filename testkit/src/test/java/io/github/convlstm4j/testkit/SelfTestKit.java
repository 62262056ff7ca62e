package io.github.convlstm4j.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Base of the kits that run against deliberately broken backends. They run only when
 * {@link KitLauncher} launches them (it sets {@value #ENABLED}); an IDE or Surefire that finds
 * them on its own skips them, since they are meant to fail.
 */
@ExtendWith(SelfTestKit.OnlyWhenLaunched.class)
abstract class SelfTestKit extends BackendConformanceKit {

  /** The configuration parameter that enables the broken kits. */
  static final String ENABLED = "convlstm4j.testkit.selfTest";

  /** Disables the kit unless {@link #ENABLED} is {@code true}. */
  static final class OnlyWhenLaunched implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(ENABLED).map(Boolean::parseBoolean).orElse(false)
          ? ConditionEvaluationResult.enabled("launched by the kit's self-test")
          : ConditionEvaluationResult.disabled("a deliberately broken backend; run by "
              + "BrokenBackendsAreCaughtTest only");
    }
  }
}

package io.github.convlstm4j.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a kit subclass (or some of its groups) with the JUnit Platform Launcher and records the
 * outcome of every test.
 */
final class KitLauncher {

  /** One finished test: its unique id, display name, status and failure. */
  record Outcome(String uniqueId, String displayName, TestExecutionResult.Status status,
      Throwable failure, String skipReason) {}

  /** All outcomes of one launch. */
  record Report(List<Outcome> outcomes) {

    /** Tests whose unique id contains every fragment and that FAILED. */
    List<Outcome> failed(String... fragments) {
      return matching(TestExecutionResult.Status.FAILED, fragments);
    }

    List<Outcome> matching(TestExecutionResult.Status status, String... fragments) {
      List<Outcome> l = new ArrayList<>();
      for (Outcome o : outcomes) {
        boolean all = o.status() == status;
        for (String f : fragments) {
          all &= o.uniqueId().contains(f);
        }
        if (all) {
          l.add(o);
        }
      }
      return l;
    }

    /** All failed tests, one per line, for assertion messages. */
    String failures() {
      return outcomes.stream().filter(o -> o.status() == TestExecutionResult.Status.FAILED)
          .map(o -> o.uniqueId() + " :: " + o.displayName() + " :: " + o.failure())
          .collect(Collectors.joining("\n"));
    }

    /** The reasons of every skipped or aborted test. */
    List<String> skipReasons() {
      List<String> l = new ArrayList<>();
      for (Outcome o : outcomes) {
        if (o.skipReason() != null) {
          l.add(o.skipReason());
        }
      }
      return l;
    }

    int count(TestExecutionResult.Status status) {
      return matching(status).size();
    }
  }

  private KitLauncher() {}

  /**
   * Launches the given groups of a kit subclass (all of it if none are given).
   *
   * @param kit a {@link SelfTestKit} subclass
   * @param groups nested group classes of {@link BackendConformanceKit}
   * @return what happened
   */
  static Report run(Class<?> kit, Class<?>... groups) {
    List<DiscoverySelector> selectors = new ArrayList<>();
    if (groups.length == 0) {
      selectors.add(selectClass(kit));
    }
    for (Class<?> g : groups) {
      selectors.add(selectNestedClass(List.of(kit), g));
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .configurationParameter(SelfTestKit.ENABLED, "true")
        .build();
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
          outcomes.put(id.getUniqueId(), new Outcome(id.getUniqueId(), id.getDisplayName(),
              result.getStatus(), result.getThrowable().orElse(null),
              result.getStatus() == TestExecutionResult.Status.ABORTED
                  ? result.getThrowable().map(Throwable::getMessage).orElse("") : null));
        }
      }

      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
          outcomes.put(id.getUniqueId(), new Outcome(id.getUniqueId(), id.getDisplayName(),
              TestExecutionResult.Status.ABORTED, null, reason));
        }
      }
    });
    return new Report(new ArrayList<>(outcomes.values()));
  }
}

package io.github.convlstm4j.samples;

import io.github.convlstm4j.api.BackendInfo;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.spi.Capability;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code convlstm4j backends}: what was found, which would be chosen, and why. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    header = "List the backends found and which one would be chosen.",
    description = "List the backends found on the class path, whether each can run here "
        + "(and why not), and which one each preset would use.")
final class BackendsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--verbose", description = "Debug logging, and stack traces for errors.")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<BackendInfo> found = Forecasters.backends();
    if (found.isEmpty()) {
      out.println("No backend found. Add convlstm4j-backend-reference (pure Java) or "
          + "convlstm4j-backend-djl to the class path.");
      out.flush();
      return Main.FAILURE;
    }
    out.printf("%-14s %9s  %-11s %s%n", "BACKEND", "PRIORITY", "STATUS", "DETAIL");
    for (BackendInfo b : found) {
      out.printf("%-14s %9s  %-11s %s%n", b.name(),
          b.priority() == Integer.MIN_VALUE ? "-" : Integer.toString(b.priority()),
          b.availability().available() ? "available" : "unavailable",
          b.availability().reason());
      if (!b.capabilities().isEmpty()) {
        TreeSet<String> caps = new TreeSet<>();
        for (Capability c : b.capabilities()) {
          caps.add(c.name().toLowerCase(java.util.Locale.ROOT));
        }
        out.printf("%-14s %9s  %-11s capabilities: %s%n", "", "", "", String.join(", ", caps));
      }
    }
    out.println();
    for (Preset p : Preset.values()) {
      String chosen;
      try {
        chosen = Forecasters.chosenBackend(p.spec());
      } catch (RuntimeException e) {
        chosen = "none: " + Main.describe(e);
      }
      out.printf("Chosen for --preset %s: %s%n", p.label(), chosen);
    }
    String prop = System.getProperty(Forecasters.BACKEND_PROPERTY);
    out.println(prop != null
        ? "The system property " + Forecasters.BACKEND_PROPERTY + "=" + prop
            + " names the backend."
        : "Rule: --backend NAME (or -D" + Forecasters.BACKEND_PROPERTY
            + "=NAME) wins; else the highest-priority available backend that can run the "
            + "model.");
    out.flush();
    return 0;
  }
}

package io.github.convlstm4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Checks of the commands' help texts. Picocli formats every description line with
 * {@link String#format} when it renders the help; a lone {@code %} (as in "30% of the steps")
 * makes it print a {@code [picocli WARN]} to standard error on every {@code --help}, so the
 * tests of each command-line module (samples, bench) run {@link #warnings} over their commands.
 */
public final class HelpTexts {

  private HelpTexts() {}

  /**
   * Renders the help of {@code cl} and of all its subcommands and returns the lines picocli
   * warned about on standard error while doing so (each once), prefixed with the command's name;
   * empty when every help text renders cleanly. Standard error is captured for the duration
   * of the call (and restored), so call it from tests, not while other threads print.
   *
   * @param cl the root command, with its subcommands added
   * @return picocli's warnings
   */
  public static synchronized List<String> warnings(CommandLine cl) {
    List<String> out = new ArrayList<>();
    PrintStream saved = System.err;
    try {
      collect(cl, out, saved);
    } finally {
      System.setErr(saved);
    }
    return out;
  }

  private static void collect(CommandLine cl, List<String> out, PrintStream saved) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    cl.getUsageMessage();
    System.setErr(saved);
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      String named = cl.getCommandSpec().qualifiedName() + ": " + line;
      if (line.contains("WARN") && !out.contains(named)) { // picocli warns once per pass
        out.add(named);
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      collect(sub, out, saved);
    }
  }
}

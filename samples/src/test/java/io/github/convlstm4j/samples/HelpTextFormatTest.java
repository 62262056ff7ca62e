package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Every help text of every {@code convlstm4j} command renders without a picocli warning. */
class HelpTextFormatTest {

  @Test
  void everyDescriptionFormats() {
    CommandLine root = new CommandLine(new Main());
    for (Class<?> c : Main.SUBCOMMANDS) {
      root.addSubcommand(c);
    }
    assertEquals(List.of(), HelpTexts.warnings(root), "write %% for a literal %");
  }

  @Command(name = "probe", subcommands = Inner.class)
  static final class Probe {
    @Option(names = "--fine", description = "100%% of it, on two lines:%nsecond")
    int fine;
  }

  @Command(name = "inner")
  static final class Inner {
    @Option(names = "--lone", description = "over 30% of the steps")
    int lone;
  }

  @Test
  void aLonePercentIsFoundInASubcommandAndNamed() {
    List<String> bad = HelpTexts.warnings(new CommandLine(new Probe()));
    assertEquals(1, bad.size(), bad::toString);
    assertTrue(bad.get(0).startsWith("probe inner: ")
        && bad.get(0).contains("over 30% of the steps"), bad.get(0));
  }
}

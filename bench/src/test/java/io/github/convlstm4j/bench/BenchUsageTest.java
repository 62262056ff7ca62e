package io.github.convlstm4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage errors of {@code convlstm4j bench} and {@code bench soak}: exit 2, one line on stderr
 * naming the command and its help, and no child JVM started (no report written), as in every
 * command of the samples' program.
 */
class BenchUsageTest {

  @Test
  void everyHelpTextIsAFormatString() {
    assertEquals(List.of(),
        io.github.convlstm4j.samples.HelpTexts.warnings(
            new picocli.CommandLine(new BenchMain())), "write %% for a literal %");
  }


  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "bench --tiny --reps 0",
      "bench --tiny --warmup -1",
      "bench --tiny --threads -1",
      "bench --tiny --timeout 0",
      "bench --tiny --child-heap lots",
      "bench --tiny --child-java /nonexistent/bin/java",
      "bench soak --tiny --child-java /etc",
      "bench --models gpu",
      "bench --tiny --models seed",
      "bench --tiny --backends reference/fft",
      "bench --tiny --nope",
      "bench soak --tiny --threads -1",
      "bench soak --tiny --timeout 0",
      "bench soak --tiny --child-heap 6x",
      "bench soak --tiny --predicts 0",
      "bench soak --tiny --model gpu",
      "bench soak --tiny --backends djl-pytorch/",
  })
  void badOptionsExit2WithOneLineBeforeAnyChildRuns(String line) {
    Path report = dir.resolve("report.json");
    List<String> args = new ArrayList<>(List.of(line.split(" ")));
    args.addAll(List.of("--out", report.toString()));
    long t0 = System.nanoTime();
    Cli r = Cli.run(args.toArray(new String[0]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    String command = line.startsWith("bench soak") ? "convlstm4j bench soak" : "convlstm4j bench";
    assertEquals(BenchMain.USAGE, r.exitCode(), line + ": " + r.err());
    assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r.err());
    assertTrue(r.err().startsWith(command + ": ")
        && r.err().contains("(see '" + command + " --help')"), r.err());
    assertFalse(r.err().lines().anyMatch(l -> l.startsWith("bench: ")),
        "no progress line, no child: " + r.err());
    assertFalse(Files.exists(report), "no report written");
    assertTrue(seconds < 10, line + " took " + seconds + " s: checked before any work?");
  }

  @Test
  void helpExits0AndAMissingSubcommandExits2() {
    Cli help = Cli.run("bench", "--help");
    assertEquals(0, help.exitCode(), help.err());
    assertTrue(help.out().contains("Usage: convlstm4j bench "), help.out());
    Cli none = Cli.run();
    assertEquals(BenchMain.USAGE, none.exitCode());
    assertEquals("convlstm4j: missing subcommand (bench) (see 'convlstm4j --help')",
        none.err().strip());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bench --tiny --threads 99999", "bench soak --tiny --threads 99999"})
  void threadsBeyondFourPerProcessorAreAUsageError(String line) {
    Cli r = Cli.run(line.split(" "));
    assertEquals(BenchMain.USAGE, r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("--threads must be between 0 (all processors) and "
        + BackendOptions.maxThreads() + " (4 per available processor, ") && r.err().contains(
        "got 99999"), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bench", "bench soak"})
  void aReportThatCannotBeWrittenFailsBeforeAnyChildRuns(String command) throws Exception {
    // Valid options; the report cannot be written because its folder would be a file.
    Path file = Files.writeString(dir.resolve("plain"), "not a folder");
    Path report = file.resolve("report.json");
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--tiny", "--backends", "reference", "--out", report.toString()));
    long t0 = System.nanoTime();
    Cli r = Cli.run(args.toArray(new String[0]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(BenchMain.FAILURE, r.exitCode(), r.err());
    assertEquals("convlstm4j " + command + ": --out " + report + ": " + file
        + " is a file, not a folder", r.err().strip());
    assertEquals("", r.out(), "no run, no report");
    assertTrue(seconds < 10, "checked before any child JVM, took " + seconds + " s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bench --no-kernels", "bench soak"})
  void nothingToMeasureIsExit1WithOneLineBeforeAnyChildRuns(String command) {
    Path report = dir.resolve("report.json");
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--tiny", "--backends", "nosuch", "--out", report.toString()));
    Cli r = Cli.run(args.toArray(new String[0]));
    String name = command.startsWith("bench soak") ? "bench soak" : "bench";
    assertEquals(BenchMain.FAILURE, r.exitCode(), r.err());
    assertEquals("convlstm4j " + name + ": nothing was measured: nosuch: no such backend "
        + "configuration", r.err().strip());
    assertFalse(Files.exists(report), "no report written");
  }

  @Test
  void everyConfigurationFailingIsExit1WithOneLineAfterTheReport() throws Exception {
    // Valid options, but no child JVM can start with a 1 KiB heap: nothing is measured.
    Path report = dir.resolve("report.json");
    Cli r = Cli.run("bench", "--tiny", "--reps", "1", "--warmup", "0", "--no-peer",
        "--no-kernels", "--backends", "reference/vector", "--child-heap", "1k", "--out",
        report.toString());
    assertEquals(BenchMain.FAILURE, r.exitCode(), r.err());
    List<String> lines = r.err().lines().filter(l -> !l.startsWith("bench: ")).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("convlstm4j bench: nothing was measured: "
        + "reference/vector on tiny: ") && lines.get(0).contains("Too small maximum heap"),
        r.err());
    assertTrue(r.out().contains("reference/vector"), "the report is printed: " + r.out());
    assertTrue(Files.exists(report), "and written, with the failure in it");
  }
}

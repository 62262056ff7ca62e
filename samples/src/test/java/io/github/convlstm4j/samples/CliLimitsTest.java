package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convlstm4j.spi.BackendOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line checks early and remembers what it was told: unbounded values, unwritable
 * outputs, contradicting options and overflowing numbers are refused in one line naming the
 * expected and the actual value, before any long work (nothing is written, and it is fast).
 */
class CliLimitsTest {

  @TempDir
  static Path shared;
  /** A 1-layer, 3-filter checkpoint trained for one epoch. */
  static Path checkpoint;
  /** 14 generated movies of 8 frames. */
  static Path movies;

  @BeforeAll
  static void tinyCheckpointAndMovies() {
    movies = shared.resolve("movies.npz");
    Cli gen = Cli.run("generate", "--samples", "14", "--frames", "8", "--out",
        movies.toString());
    assertEquals(0, gen.exitCode(), gen.err());
    checkpoint = shared.resolve("ck.npz");
    Cli train = Cli.run("train", "--samples", "12", "--frames", "8", "--filters", "3",
        "--layers", "1", "--batch-size", "6", "--epochs", "1", "--checkpoint",
        checkpoint.toString(), "--data", movies.toString());
    assertEquals(0, train.exitCode(), train.err());
  }

  @TempDir
  Path dir;

  /**
   * Runs a command and checks the outcome: the exit code, one line on stderr that starts with
   * the command's name and holds every fragment, no stack trace, nothing new in {@link #dir},
   * and no work done (nothing printed on stdout, nothing created).
   */
  private Cli refused(int exitCode, String[] args, String... fragments) throws Exception {
    Cli r = Cli.run(args);
    String line = String.join(" ", args);
    assertEquals(exitCode, r.exitCode(), line + ": " + r.err());
    assertEquals(1, r.errLines(), line + ": " + r.err());
    assertTrue(r.err().startsWith("convlstm4j " + args[0] + ": "), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "'" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    assertEquals("", r.out(), line + ": no work, nothing printed");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> created = s.filter(p -> !p.getFileName().toString().startsWith("given-"))
          .toList();
      assertEquals(List.of(), created, line + ": nothing written");
    }
    return r;
  }

  private static String[] args(String... a) {
    return a;
  }

  // ---- 6. unbounded work from one argument ---------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"demo", "train", "forecast", "evaluate"})
  @DisplayName("--threads beyond 4 per processor is a usage error naming the range and value")
  void threadsAreBoundedByTheMachine(String command) throws Exception {
    List<String> a = new ArrayList<>(List.of(command, "--threads", "99999"));
    switch (command) {
      case "demo", "forecast" -> a.addAll(List.of("--out", dir.resolve("out").toString()));
      case "train" -> a.addAll(List.of("--checkpoint", dir.resolve("ck.npz").toString()));
      default -> { }
    }
    if (!command.equals("demo") && !command.equals("train")) {
      a.addAll(List.of("--checkpoint", checkpoint.toString()));
    }
    if (command.equals("forecast")) {
      a.addAll(List.of("--input", movies.toString()));
    }
    int max = BackendOptions.maxThreads();
    Cli r = refused(Main.USAGE, a.toArray(new String[0]),
        "--threads must be between 0 (all processors) and " + max, "got 99999",
        "(see 'convlstm4j " + command + " --help')");
    assertTrue(max == 4 * Runtime.getRuntime().availableProcessors(), r.err());
  }

  @Test
  @DisplayName("--threads at the bound is accepted (the bound itself is no error)")
  void threadsAtTheBoundAreAccepted() {
    Cli r = Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--from", "12", "--count", "1", "--steps", "1", "--threads",
        Integer.toString(BackendOptions.maxThreads()));
    assertEquals(0, r.exitCode(), r.err());
  }

  @Test
  @DisplayName("forecast --horizon beyond 1000 is a usage error, also at Integer.MAX_VALUE")
  void horizonIsBounded() throws Exception {
    for (String h : new String[] {"1001", "100000000", "2147483647"}) {
      refused(Main.USAGE, args("forecast", "--checkpoint", checkpoint.toString(), "--input",
          movies.toString(), "--horizon", h, "--out", dir.resolve("fc").toString()),
          "--horizon must be between 1 and " + Limits.MAX_HORIZON + ", got " + h);
    }
  }

  @Test
  @DisplayName("forecast refuses a horizon and scale whose pictures cannot fit in memory")
  void forecastOutputMustFitInMemory() throws Exception {
    // 1000 frames of 40x40 at scale 64 are 24.6 GiB of GIF frames; tests run with -Xmx4g.
    refused(Main.FAILURE, args("forecast", "--checkpoint", checkpoint.toString(), "--input",
        movies.toString(), "--horizon", "1000", "--scale", "64", "--out",
        dir.resolve("fc").toString()), "--horizon 1000", "--scale 64", "needs at least",
        "this JVM may use");
  }

  @Test
  @DisplayName("--scale beyond 64 is a usage error before training, not a failure after it")
  void scaleIsCheckedUpFront() throws Exception {
    refused(Main.USAGE, args("demo", "--scale", "100", "--out", dir.resolve("d").toString()),
        "--scale must be between 1 and 64, got 100");
  }

  @Test
  @DisplayName("--layers, --filters and movie counts that cannot fit are refused up front")
  void modelAndDataSizesAreBounded() throws Exception {
    Path ck = dir.resolve("ck.npz");
    refused(Main.USAGE, args("train", "--layers", "100000000", "--checkpoint", ck.toString()),
        "--layers must be between 1 and " + Limits.MAX_LAYERS + ", got 100000000");
    refused(Main.USAGE, args("train", "--filters", "2147483647", "--checkpoint",
        ck.toString()), "--filters 2147483647", "more than one Java array holds");
    refused(Main.USAGE, args("train", "--filters", "5000", "--checkpoint", ck.toString()),
        "model's weights", "needs at least", "this JVM may use");
    refused(Main.USAGE, args("train", "--samples", "2000000000", "--checkpoint",
        ck.toString()), "generating 2000000000 movies (--samples)", "needs at least");
    refused(Main.USAGE, args("generate", "--samples", "200000", "--frames", "8", "--out",
        dir.resolve("m.npz").toString()), "--samples 200000 movies of --frames 8",
        "2,560,000,000 values", "more than one Java array holds (2,147,483,639)");
    refused(Main.USAGE, args("generate", "--samples", "40000", "--frames", "8", "--out",
        dir.resolve("m.npz").toString()), "generating --samples 40000", "needs at least");
  }

  // ---- 7. integer overflow in messages -------------------------------------------------

  @Test
  @DisplayName("a value near Integer.MAX_VALUE shows as typed, never overflowed")
  void noOverflowInMessages() throws Exception {
    Cli fc = refused(Main.FAILURE, args("forecast", "--checkpoint", checkpoint.toString(),
        "--input", movies.toString(), "--movie", "2147483647", "--out",
        dir.resolve("fc").toString()), "--movie must be below the 14 sequence(s)",
        "got 2147483647");
    assertFalse(fc.err().contains("-2147483648"), fc.err());
    Cli demo = refused(Main.USAGE, args("demo", "--movie", "2147483647", "--out",
        dir.resolve("d").toString()), "--movie 2147483647", "2147483648 movies");
    assertFalse(demo.err().contains("-2147483648"), demo.err());
    refused(Main.USAGE, args("evaluate", "--checkpoint", checkpoint.toString(), "--from",
        "2147483647", "--count", "1"), "--from 2147483647 + --count 1 must be at most "
        + "2147483647 movies, got 2147483648");
    refused(Main.USAGE, args("evaluate", "--checkpoint", checkpoint.toString(), "--steps",
        "2147483647"), "--context 7 and --steps 2147483647 need 2147483654 frames per movie");
    refused(Main.FAILURE, args("evaluate", "--checkpoint", checkpoint.toString(), "--data",
        movies.toString(), "--from", "12", "--count", "2", "--steps", "2147483647"),
        "scoring 2147483647 steps after 7 context frames needs movies of at least "
        + "2147483654 frames, got 8");
  }

  // ---- 7. outputs checked before the work ----------------------------------------------

  @Test
  @DisplayName("train --checkpoint in a missing folder or naming a folder fails before training")
  void trainCheckpointPathIsCheckedFirst() throws Exception {
    Path missing = dir.resolve("given-missing").resolve("ck.npz");
    refused(Main.FAILURE, args("train", "--checkpoint", missing.toString()),
        "--checkpoint " + missing, "folder " + missing.getParent() + " does not exist");
    Path folder = Files.createDirectory(dir.resolve("given-folder"));
    refused(Main.FAILURE, args("train", "--checkpoint", folder.toString()),
        "--checkpoint " + folder + " is a folder, expected a file");
    refused(Main.FAILURE, args("train", "--resume", "--checkpoint", folder.toString()),
        "--checkpoint " + folder + " is a folder, expected a file");
  }

  @Test
  @DisplayName("evaluate --json that cannot be written fails before the evaluation")
  void evaluateJsonIsCheckedFirst() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("given-folder"));
    refused(Main.FAILURE, args("evaluate", "--checkpoint", checkpoint.toString(), "--json",
        folder.toString()), "--json " + folder + " is a folder, expected a file");
    Path file = Files.writeString(dir.resolve("given-file"), "x");
    refused(Main.FAILURE, args("evaluate", "--checkpoint", checkpoint.toString(), "--json",
        file.resolve("e.json").toString()), file + " is a file, not a folder");
  }

  @Test
  @DisplayName("demo, forecast and generate --out that cannot be written fail before the work")
  void outFoldersAndFilesAreCheckedFirst() throws Exception {
    Path file = Files.writeString(dir.resolve("given-file"), "x");
    refused(Main.FAILURE, args("demo", "--out", file.toString()),
        "--out " + file + " is a file, expected a folder");
    refused(Main.FAILURE, args("forecast", "--checkpoint", checkpoint.toString(), "--input",
        movies.toString(), "--out", file.toString()),
        "--out " + file + " is a file, expected a folder");
    refused(Main.FAILURE, args("demo", "--out", file.resolve("sub").toString()),
        file + " is a file, not a folder");
    Path folder = Files.createDirectory(dir.resolve("given-folder"));
    refused(Main.FAILURE, args("generate", "--out", folder.toString()),
        "--out " + folder + " is a folder, expected a file");
    Path missing = dir.resolve("given-missing").resolve("m.npz");
    refused(Main.FAILURE, args("generate", "--out", missing.toString()),
        "folder " + missing.getParent() + " does not exist");
  }

  @Test
  @DisplayName("a folder among the PNG context frames is not read as a frame ('Can't create "
      + "an ImageInputStream!'): it makes the input a folder of sequence folders, and an empty "
      + "one is named")
  void aFolderIsNotAFrame() throws Exception {
    Path pngs = Files.createDirectories(dir.resolve("given-pngs").resolve("a.png"))
        .getParent();
    refused(Main.FAILURE, args("forecast", "--checkpoint", checkpoint.toString(), "--input",
        pngs.toString(), "--out", dir.resolve("fc").toString()),
        pngs.resolve("a.png") + ": expected .png frames in every sequence folder, got none");
  }

  // ---- 7. train --resume remembers what it was told ------------------------------------

  @Test
  @DisplayName("train --resume with --filters, --layers or --preset contradicting the "
      + "checkpoint is a usage error naming both, and leaves the checkpoint alone")
  void resumeRefusesContradictingModelOptions() throws Exception {
    Path ck = Files.copy(checkpoint, dir.resolve("given-ck.npz"));
    byte[] before = Files.readAllBytes(ck);
    String c = ck.toString();
    refused(Main.USAGE, args("train", "--resume", "--checkpoint", c, "--filters", "5"),
        "--filters 5 contradicts the checkpoint " + ck, "have 3 filters", "--overwrite");
    refused(Main.USAGE, args("train", "--resume", "--checkpoint", c, "--layers", "2"),
        "--layers 2 contradicts the checkpoint " + ck, "has 1 ConvLSTM layer(s)");
    refused(Main.USAGE, args("train", "--resume", "--checkpoint", c, "--preset", "keras"),
        "--preset keras (4 ConvLSTM layer(s) of 40 filters",
        "contradicts the checkpoint " + ck + " (1 ConvLSTM layer(s) of 3 filters");
    refused(Main.USAGE, args("train", "--resume", "--checkpoint", c, "--preset", "cpu"),
        "--preset cpu (2 ConvLSTM layer(s) of 16 filters");
    assertArrayEquals(before, Files.readAllBytes(ck), "the checkpoint is untouched");

    // Options that agree with the checkpoint are fine: it already has its 1 epoch.
    Cli same = Cli.run("train", "--resume", "--checkpoint", c, "--epochs", "1", "--preset",
        "cpu", "--filters", "3", "--layers", "1", "--samples", "12", "--frames", "8");
    assertEquals(0, same.exitCode(), same.err());
    assertTrue(same.out().contains("nothing to do"), same.out());
  }

  // ---- no stack trace without --verbose ------------------------------------------------

  /** A command that runs out of memory. */
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  @DisplayName("an Error such as OutOfMemoryError is one line and exit 1, its trace only with "
      + "--verbose")
  void errorsAreOneLine() {
    String logLevel = System.getProperty(LOG_LEVEL);
    try {
      for (boolean verbose : new boolean[] {false, true}) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).addSubcommand(new Boom());
        cl.getSubcommands().get("boom").getCommandSpec().addOption(
            CommandLine.Model.OptionSpec.builder("--verbose").type(boolean.class).build());
        String[] a = verbose ? new String[] {"boom", "--verbose"} : new String[] {"boom"};
        int code = Main.run(cl, a, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(Main.FAILURE, code, err.toString());
        String first = err.toString().lines().findFirst().orElse("");
        assertTrue(first.startsWith("convlstm4j boom: out of memory (Java heap space)"), first);
        assertEquals(verbose, err.toString().contains("\tat "), err.toString());
      }
    } finally {
      if (logLevel == null) {
        System.clearProperty(LOG_LEVEL);
      } else {
        System.setProperty(LOG_LEVEL, logLevel);
      }
    }
  }

  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  @Test
  @DisplayName("a file-system error whose message is only the path says what happened to it")
  void fileSystemErrorsNameThePathAndTheProblem() {
    assertEquals("already exists: out/a.png",
        Main.describe(new java.nio.file.FileAlreadyExistsException("out/a.png")));
    assertEquals("not a folder: out", Main.describe(new java.nio.file.NotDirectoryException(
        "out")));
    assertEquals("permission denied: /root/x",
        Main.describe(new java.nio.file.AccessDeniedException("/root/x")));
    assertEquals("out: Is a directory", Main.describe(
        new java.nio.file.FileSystemException("out", null, "Is a directory")));
  }
}

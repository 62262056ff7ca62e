package io.github.convlstm4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  @ParameterizedTest
  @ValueSource(strings = {"demo", "generate", "train", "forecast", "evaluate", "backends",
      "import"})
  @DisplayName("every subcommand has --help, exit 0")
  void helpOnEverySubcommand(String sub) {
    Cli r = Cli.run(sub, "--help");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Usage: convlstm4j " + sub + " "), r.out());
    assertEquals("", r.err());
  }

  @Test
  @DisplayName("top-level --help lists the subcommands")
  void topLevelHelp() {
    Cli r = Cli.run("--help");
    assertEquals(0, r.exitCode());
    for (String s : new String[] {"demo", "generate", "train", "forecast", "evaluate",
        "backends", "import"}) {
      assertTrue(r.out().contains("  " + s + " "), s + " missing in\n" + r.out());
    }
  }

  @Test
  @DisplayName("a bad option value is a usage error: exit 2, one line naming the option")
  void badValueIsUsageError() {
    Cli r = Cli.run("demo", "--epochs", "many");
    assertEquals(2, r.exitCode());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("--epochs") && r.err().contains("many"), r.err());
  }

  @Test
  @DisplayName("an unknown option and a missing subcommand are usage errors (exit 2)")
  void unknownOptionAndMissingSubcommand() {
    Cli unknown = Cli.run("train", "--epoch", "3");
    assertEquals(2, unknown.exitCode());
    assertEquals(1, unknown.errLines(), unknown.err());
    Cli none = Cli.run();
    assertEquals(2, none.exitCode());
    assertEquals(1, none.errLines(), none.err());
    Cli preset = Cli.run("demo", "--preset", "gpu");
    assertEquals(2, preset.exitCode());
    assertTrue(preset.err().contains("cpu, keras, shi2015 or openstl-convlstm-s"), preset.err());
  }

  @Test
  @DisplayName("a missing checkpoint fails with exit 1 and one line, no stack trace")
  void missingFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.npz");
    for (String sub : new String[] {"evaluate", "forecast"}) {
      Cli r = sub.equals("evaluate")
          ? Cli.run(sub, "--checkpoint", missing.toString())
          : Cli.run(sub, "--checkpoint", missing.toString(), "--input", missing.toString());
      assertEquals(1, r.exitCode(), sub);
      assertEquals(1, r.errLines(), r.err());
      assertTrue(r.err().contains("not found") && r.err().contains("nope.npz"), r.err());
      assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }
  }

  @Test
  @DisplayName("a value out of range is a usage error too: exit 2, one line, before any work")
  void outOfRangeIsUsageError(@TempDir Path dir) {
    Path out = dir.resolve("demo");
    Cli r = Cli.run("demo", "--frames", "5", "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().startsWith("convlstm4j demo: --frames must be at least 8")
        && r.err().contains("got 5") && r.err().contains("(see 'convlstm4j demo --help')"),
        r.err());
    assertFalse(Files.exists(out), "no work: the output folder is not created");
  }

  @Test
  @DisplayName("demo --threads -1 exits 2 at once: no folder, no movies, no training")
  void demoChecksThreadsBeforeAnyWork(@TempDir Path dir) {
    Path out = dir.resolve("demo");
    // The keras preset generates 1,200 movies of 15 frames before training: it must not.
    Cli r = Cli.run("demo", "--preset", "keras", "--threads", "-1", "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("--threads must be between 0 (all processors) and ")
        && r.err().contains("got -1"), r.err());
    assertFalse(Files.exists(out), "no work: the output folder is not created");
    assertEquals("", r.out(), "no work: nothing printed (no movies, no training)");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "demo --epochs 0",
      "demo --validation-split 1.5",
      "demo --lr -1",
      "demo --backend nosuch",
      "demo --setting reference.convolution=fft --samples 4 --epochs 1 --frames 9 "
          + "--filters 2 --layers 1 --eval-from 4 --eval-movies 1 --movie 4",
      "train --batch-size 0",
      "train --resume --overwrite",
      "train --threads -2",
      "evaluate --count 0",
      "evaluate --context 10 --steps 8 --frames 15",
      "forecast --input nothing.npy --horizon 0",
      "forecast --input nothing.npy --movie -1",
      "generate --samples 0",
      "generate --frames -3",
      "backends --threads 2",
  })
  @DisplayName("every command: a bad option is exit 2 with one line, and nothing is written")
  void everyCommandRejectsBadOptionsWithExit2BeforeWork(String line, @TempDir Path dir)
      throws Exception {
    String[] words = line.split(" ");
    String command = words[0];
    Path target = dir.resolve("out");
    List<String> args = new ArrayList<>(List.of(words));
    switch (command) {
      case "demo", "forecast" -> args.addAll(List.of("--out", target.toString()));
      case "train" -> args.addAll(List.of("--checkpoint", target.toString()));
      case "evaluate" -> {
        // A missing checkpoint would be exit 1: options are checked before files.
        args.addAll(List.of("--checkpoint", dir.resolve("missing.npz").toString(), "--json",
            target.toString()));
      }
      case "generate" -> args.addAll(List.of("--out", target.toString()));
      default -> { }
    }
    if (command.equals("forecast")) {
      args.addAll(List.of("--checkpoint", dir.resolve("missing.npz").toString()));
    }
    Cli r = Cli.run(args.toArray(new String[0]));
    assertEquals(2, r.exitCode(), line + ": " + r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().startsWith("convlstm4j " + command + ": ")
        && r.err().contains("'convlstm4j " + command + " --help'"), r.err());
    assertFalse(Files.exists(target), line + ": nothing written");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "no file written by " + line);
    }
  }

  @Test
  @DisplayName("backends lists reference as available and chosen")
  void backendsListsReference() {
    Cli r = Cli.run("backends");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("reference") && l.contains("available")),
        r.out());
    assertTrue(r.out().contains("Chosen for --preset cpu: reference"), r.out());
  }

  @Test
  @DisplayName("--setting KEY=VALUE reaches the backend: a bad value is refused naming it")
  void backendSettingReachesTheBackend() {
    Cli malformed = Cli.run("demo", "--setting", "reference.convolution");
    assertEquals(2, malformed.exitCode());
    assertEquals(1, malformed.errLines(), malformed.err());
    assertTrue(malformed.err().contains("--setting"), malformed.err());
    Cli refused = Cli.run("demo", "--backend", "reference", "--setting",
        "reference.convolution=fft", "--samples", "4", "--epochs", "1", "--frames", "9",
        "--filters", "2", "--layers", "1", "--eval-from", "4", "--eval-movies", "1",
        "--movie", "4");
    assertEquals(2, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains(
        "reference.convolution must be direct, winograd or winograd4, got 'fft'"), refused.err());
  }

  @Test
  @DisplayName("--setting values become backend options, on top of the thread count")
  void settingsBecomeBackendOptions() {
    CommonOptions o = new CommonOptions();
    o.threads = 3;
    o.settings.put("reference.convolution", "direct");
    o.settings.put("djl.inputConvolution", "per-step");
    io.github.convlstm4j.spi.BackendOptions b = o.backendOptions();
    assertEquals(3, b.threads());
    assertEquals(java.util.Map.of("reference.convolution", "direct", "djl.inputConvolution",
        "per-step"), b.settings());
  }
}

package io.github.convlstm4j.bench;

import io.github.convlstm4j.api.io.PendingFile;
import io.github.convlstm4j.samples.OutputPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --out} option of the bench commands (a picocli mixin): report files, JSON or
 * Markdown by their suffix, written atomically ({@link PendingFile}), folders created.
 */
final class ReportOutputs {

  @Option(names = "--out", paramLabel = "FILE",
      description = "Also write the report to FILE: .json or .md (repeatable).")
  List<Path> files;

  /** Fails with a usage error naming the file unless every file ends in .json or .md. */
  void validate(CommandLine commandLine) {
    if (files != null) {
      for (Path p : files) {
        if (!isJson(p) && !lowerName(p).endsWith(".md")) {
          throw new ParameterException(commandLine,
              "--out must end in .json or .md, got '" + p + "'");
        }
      }
    }
  }

  /**
   * Checks, before any work, that every file can be written: not a folder, and the nearest
   * existing folder above it is a writable folder (missing folders are created).
   *
   * @throws IOException naming the file and what is wrong (exit 1)
   */
  void checkWritable() throws IOException {
    if (files != null) {
      for (Path p : files) {
        OutputPaths.checkFile("--out", p, true);
      }
    }
  }

  /**
   * Writes every file, JSON or Markdown by its suffix, and says so on {@code err} as
   * {@code "<who>: wrote <file>"}.
   */
  void write(Supplier<String> json, Supplier<String> markdown, PrintWriter err, String who)
      throws IOException {
    if (files != null) {
      for (Path p : files) {
        byte[] bytes = (isJson(p) ? json.get() : markdown.get()).getBytes(StandardCharsets.UTF_8);
        Path dir = p.toAbsolutePath().getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        PendingFile.write(p, o -> o.write(bytes));
        err.println(who + ": wrote " + p);
      }
      err.flush();
    }
  }

  private static boolean isJson(Path p) {
    return lowerName(p).endsWith(".json");
  }

  private static String lowerName(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT);
  }
}

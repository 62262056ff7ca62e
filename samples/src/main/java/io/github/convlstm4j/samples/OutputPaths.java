package io.github.convlstm4j.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work, that the command can write where it was told to: a bad
 * {@code --checkpoint}, {@code --json} or {@code --out} is reported in one line naming the
 * option and the path, instead of failing after an epoch of training or a whole evaluation.
 * Public for the bench module's {@code --out}; the checks only look, they create nothing.
 *
 * <p>The failures are {@link IOException}s: the state of the file system, not the form of an
 * option, so exit code 1 like a missing input file (the commands check their option values,
 * exit code 2, first).
 */
public final class OutputPaths {

  private OutputPaths() {}

  /**
   * Checks an output file: it is not a folder, and its folder exists and is writable or, when
   * the command creates missing folders, the nearest existing one is a writable folder.
   *
   * @param option the option that named the file, e.g. {@code --json}
   * @param file the file
   * @param createsFolders whether the command creates the file's missing folders
   * @throws IOException naming the option, the path and what is wrong with it
   */
  public static void checkFile(String option, Path file, boolean createsFolders)
      throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(option + " " + file + " is a folder, expected a file");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IOException(option + " " + file + " has no folder to write into");
    }
    if (!createsFolders && !Files.exists(parent)) {
      throw new IOException(option + " " + file + ": folder " + parent + " does not exist");
    }
    checkCreatable(option, file, parent);
  }

  /**
   * Checks an output folder the command creates if needed: it is a folder or does not exist,
   * and it (or the nearest existing folder above it) is writable.
   *
   * @param option the option that named the folder, e.g. {@code --out}
   * @param dir the folder
   * @throws IOException naming the option, the path and what is wrong with it
   */
  public static void checkFolder(String option, Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(option + " " + dir + " is a file, expected a folder");
    }
    checkCreatable(option, dir, dir.toAbsolutePath());
  }

  /** The nearest existing folder at or above {@code dir} must be a writable folder. */
  private static void checkCreatable(String option, Path target, Path dir) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IOException(option + " " + target + ": no existing folder above it");
    }
    if (!Files.isDirectory(existing)) {
      throw new IOException(option + " " + target + ": " + existing
          + " is a file, not a folder");
    }
    if (!Files.isWritable(existing)) {
      throw new IOException(option + " " + target + ": folder " + existing
          + " is not writable");
    }
  }
}

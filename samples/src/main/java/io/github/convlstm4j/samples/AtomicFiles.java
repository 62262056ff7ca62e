package io.github.convlstm4j.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic file writes: a temporary file in the same folder, then a rename, so an existing file
 * is never left half-written. Used by every command that writes files, the bench included.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * Writes bytes to a file, creating its folder.
   *
   * @param file the file
   * @param bytes its new contents
   * @throws IOException if writing or the rename fails (the old file is then unchanged)
   */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes text as UTF-8 to a file, creating its folder.
   *
   * @param file the file
   * @param text its new contents
   * @throws IOException if writing or the rename fails (the old file is then unchanged)
   */
  public static void writeAtomically(Path file, String text) throws IOException {
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }
}

package io.github.convlstm4j.api.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file being written atomically: bytes go to a hidden temporary file in the target's folder;
 * {@link #commit()} flushes, syncs and moves it over the target with
 * {@code ATOMIC_MOVE, REPLACE_EXISTING}; {@link #close()} without a commit deletes the
 * temporary file and leaves any existing target untouched.
 *
 * <p>The one atomic-write helper of the project: the library's writers (NPY, NPZ, images) use
 * it inside this package, and programs built on the library (the samples, the bench) use its
 * public entry {@link #write(Path, Body)}. A reader of the target sees either the old content
 * or the whole new content, never a part, and the new content is on disk ({@code fsync}) before
 * it replaces the old one.
 */
public final class PendingFile implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PendingFile.class);

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream out;
  private boolean finished;

  private PendingFile(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  /**
   * Starts writing {@code target}.
   *
   * @param target the file to create or replace
   * @return the pending file
   * @throws IOException if the target is a directory or its folder cannot be written
   */
  static PendingFile create(Path target) throws IOException {
    Objects.requireNonNull(target, "target");
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new IOException("cannot write " + target + ": it is a directory, expected a file");
    }
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(String.valueOf(dir), null,
          "cannot write " + target + ": folder does not exist");
    }
    while (true) {
      Path temp = dir.resolve("." + abs.getFileName() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
      try {
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return new PendingFile(abs, temp, ch);
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
  }

  /**
   * Writes {@code target} atomically: {@code body} writes into a hidden temporary file in the
   * target's folder, which is then flushed, synced to disk and moved over the target
   * ({@code ATOMIC_MOVE, REPLACE_EXISTING}; where the file system cannot move atomically it is
   * replaced non-atomically, with a warning logged). If {@code body} or any step fails, the
   * temporary file is deleted and an existing target is left as it was.
   *
   * <p>The folder must exist: create it first if needed ({@code Files.createDirectories}).
   *
   * @param target the file to create or replace
   * @param body writes the content; it must not close the stream
   * @throws IOException if the target is a directory, its folder is missing, or writing,
   *     syncing or moving fails; the target is then unchanged
   */
  public static void write(Path target, Body body) throws IOException {
    try (PendingFile f = create(target)) {
      body.writeTo(f.out());
      f.commit();
    }
  }

  /**
   * The stream writing the temporary file. Do not close it; {@link #commit()} does.
   *
   * @return the stream
   */
  OutputStream out() {
    return out;
  }

  /**
   * The temporary file.
   *
   * @return its path
   */
  Path temp() {
    return temp;
  }

  /**
   * Flushes, syncs and moves the temporary file over the target.
   *
   * @throws IOException if that fails; the temporary file is then deleted on {@link #close()}
   */
  void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("already committed or aborted: " + target);
    }
    out.flush();
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      LOG.warn("atomic move not supported for {}, replacing non-atomically", target);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    finished = true;
  }

  /** Deletes the temporary file unless {@link #commit()} succeeded. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      channel.close();
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.warn("could not delete temporary file {}: {}", temp, e.toString());
      }
    }
  }

  /** Writes a file's content (see {@link PendingFile#write(Path, Body)}). */
  @FunctionalInterface
  public interface Body {
    /**
     * Writes the content.
     *
     * @param out the stream; do not close it
     * @throws IOException on failure
     */
    void writeTo(OutputStream out) throws IOException;
  }
}

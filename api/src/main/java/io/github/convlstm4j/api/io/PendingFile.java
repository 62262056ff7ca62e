package io.github.convlstm4j.api.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file being written atomically: bytes go to a hidden temporary file in the target's folder;
 * {@link #commit()} flushes, syncs and moves it over the target with
 * {@code ATOMIC_MOVE, REPLACE_EXISTING} and then syncs the folder; {@link #close()} without a
 * commit deletes the temporary file and leaves any existing target untouched.
 *
 * <p>The one atomic-write helper of the project: the library's writers (NPY, NPZ, images) use
 * it inside this package, and programs built on the library (the samples, the bench) use its
 * public entry {@link #write(Path, Body)}. A reader of the target sees either the old content
 * or the whole new content, never a part, and the new content is on disk ({@code fsync}) before
 * it replaces the old one.
 *
 * <p>The temporary file of target {@code model.npz} is {@code .model.npz.pending-<16 hex
 * digits>.tmp}, in the same folder, locked ({@link FileChannel#tryLock()}) while it is being
 * written. A writer killed before its commit (for example by {@code kill -9}) leaves it behind;
 * the next successful write of the same target deletes every such file of that target that is
 * older than its own temporary file and not locked by a live writer (in this JVM or another
 * process). Files of other targets or of other names are never touched.
 *
 * <p>Failures of the write itself (creating the temporary file, writing, syncing, moving) are
 * reported with the target's path, not the temporary file's.
 */
public final class PendingFile implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PendingFile.class);
  private static final String MARK = ".pending-";
  private static final String SUFFIX = ".tmp";
  private static final int RANDOM_DIGITS = 16;
  /** Temporary files being written by this JVM; never touched by its stale-file cleanup. */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final FileTime created;
  private final OutputStream out;
  private boolean finished;

  private PendingFile(Path target, Path temp, FileChannel channel, FileTime created) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.created = created;
    this.out = new TargetNamingStream(
        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
  }

  /**
   * Starts writing {@code target}: creates and locks its temporary file.
   *
   * @param target the file to create or replace
   * @return the pending file
   * @throws IOException naming the target if it is a directory, its folder does not exist or
   *     the temporary file cannot be created there
   */
  static PendingFile create(Path target) throws IOException {
    Objects.requireNonNull(target, "target");
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new IOException("cannot write " + target + ": it is a directory, expected a file");
    }
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(String.valueOf(dir), null,
          "cannot write " + target + ": folder does not exist");
    }
    while (true) {
      Path temp = dir.resolve(tempName(abs.getFileName().toString()));
      LIVE.add(temp);
      FileChannel ch = null;
      try {
        ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        lock(ch);
        return new PendingFile(abs, temp, ch, Files.getLastModifiedTime(temp));
      } catch (FileAlreadyExistsException e) {
        LIVE.remove(temp); // another writer drew the same name: draw again
      } catch (IOException e) {
        discard(temp, ch);
        throw failure(abs, "cannot create a temporary file in its folder", e);
      } catch (RuntimeException e) {
        discard(temp, ch);
        throw e;
      }
    }
  }

  /**
   * Writes {@code target} atomically: {@code body} writes into a hidden temporary file in the
   * target's folder, which is then flushed, synced to disk and moved over the target
   * ({@code ATOMIC_MOVE, REPLACE_EXISTING}; where the file system cannot move atomically it is
   * replaced non-atomically, with a warning logged), and the folder is synced where the
   * platform allows. If {@code body} or any step fails, the temporary file is deleted and an
   * existing target is left as it was. After a successful write, temporary files of the same
   * target left by killed writers are deleted (see the class description).
   *
   * <p>The folder must exist: create it first if needed ({@code Files.createDirectories}).
   *
   * @param target the file to create or replace
   * @param body writes the content; it must not close the stream
   * @throws IOException if the target is a directory, its folder is missing, or writing,
   *     syncing or moving fails, with a message naming the target; the target is then
   *     unchanged. An {@link IOException} thrown by {@code body} itself is passed on as it is.
   */
  public static void write(Path target, Body body) throws IOException {
    try (PendingFile f = create(target)) {
      body.writeTo(f.out());
      f.commit();
    }
  }

  /**
   * The stream writing the temporary file. Do not close it; {@link #commit()} does. Its write
   * failures name the target.
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
   * Flushes, syncs and moves the temporary file over the target, syncs the folder, then deletes
   * stale temporary files of the same target.
   *
   * @throws IOException naming the target if flushing, syncing or moving fails; the temporary
   *     file is then deleted on {@link #close()} and the target is unchanged
   */
  void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("already committed or aborted: " + target);
    }
    out.flush();
    try {
      channel.force(true);
      move();
    } catch (IOException e) {
      throw failure(target, "cannot replace it with the new content", e);
    }
    // The temporary file is gone: close (and unlock) it only now, so that no cleaner can
    // mistake it for a dead writer's file before the move.
    finished = true;
    try {
      channel.close();
    } finally {
      LIVE.remove(temp);
    }
    syncFolder(target.getParent());
    removeStaleTemps(target, created);
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
        LOG.warn("could not delete temporary file {} of {}: {}", temp, target, e.toString());
      } finally {
        LIVE.remove(temp);
      }
    }
  }

  /** Undoes a half-made temporary file. */
  private static void discard(Path temp, FileChannel ch) throws IOException {
    try {
      if (ch != null) {
        ch.close();
        Files.deleteIfExists(temp);
      }
    } finally {
      LIVE.remove(temp);
    }
  }

  private void move() throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      LOG.warn("atomic move not supported for {}, replacing non-atomically", target);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The name of a new temporary file of a target.
   *
   * @param targetName the target's file name
   * @return {@code .<targetName>.pending-<16 lower-case hex digits>.tmp}
   */
  static String tempName(String targetName) {
    String digits = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    return "." + targetName + MARK + digits + SUFFIX;
  }

  /**
   * Whether a file name is a temporary file of that target, as {@link #tempName} makes them.
   *
   * @param fileName a file name
   * @param targetName the target's file name
   * @return true only for the exact pattern
   */
  static boolean isTempOf(String fileName, String targetName) {
    String prefix = "." + targetName + MARK;
    if (!fileName.startsWith(prefix) || !fileName.endsWith(SUFFIX)
        || fileName.length() != prefix.length() + RANDOM_DIGITS + SUFFIX.length()) {
      return false;
    }
    for (int i = prefix.length(); i < prefix.length() + RANDOM_DIGITS; i++) {
      char c = fileName.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Deletes temporary files of {@code target} that a killed writer left: the exact name
   * pattern, last modified before {@code started} (the creation of the temporary file of the
   * write that just succeeded), not written by this JVM and not locked by another process.
   * Never fails: the write it follows has succeeded.
   */
  private static void removeStaleTemps(Path target, FileTime started) {
    String name = target.getFileName().toString();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(target.getParent(),
        p -> isTempOf(p.getFileName().toString(), name))) {
      for (Path p : files) {
        if (!LIVE.contains(p) && Files.getLastModifiedTime(p).compareTo(started) < 0) {
          removeIfUnlocked(p, target);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not look for stale temporary files of {}: {}", target, e.toString());
    }
  }

  private static void removeIfUnlocked(Path p, Path target) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return; // a live writer in another process
      }
      Files.delete(p);
      LOG.info("deleted {}, left by an interrupted write of {}", p.getFileName(), target);
    } catch (OverlappingFileLockException e) {
      // locked by this JVM: a live writer
    } catch (IOException e) {
      LOG.debug("left {} in place: {}", p, e.toString());
    }
  }

  /** Marks a temporary file as live for other processes; it stays locked until closed. */
  private static void lock(FileChannel ch) {
    try {
      if (ch.tryLock() == null) {
        LOG.debug("could not lock a new temporary file");
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("file locks unavailable here ({}); stale temporary files are then kept", e);
    }
  }

  /** Makes the move durable: syncs the folder where the platform can open one. */
  private static void syncFolder(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("cannot sync folder {} on this platform: {}", dir, e.toString());
    }
  }

  /**
   * An exception saying that writing {@code target} failed, naming the target rather than the
   * temporary file, of the same {@link FileSystemException} kind where there is one, with the
   * original as its cause.
   */
  private static IOException failure(Path target, String what, IOException e) {
    String reason = what + ": " + reason(e);
    IOException x;
    if (e instanceof AccessDeniedException) {
      x = new AccessDeniedException(target.toString(), null, reason);
    } else if (e instanceof NoSuchFileException) {
      x = new NoSuchFileException(target.toString(), null, reason);
    } else if (e instanceof FileSystemException) {
      x = new FileSystemException(target.toString(), null, reason);
    } else {
      x = new IOException("cannot write " + target + ": " + reason);
    }
    x.initCause(e);
    return x;
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "a non-empty directory is in the way";
    }
    if (e instanceof FileSystemException) {
      return e.getClass().getSimpleName();
    }
    return String.valueOf(e.getMessage());
  }

  /** The temporary file's stream, its failures reported against the target. */
  private final class TargetNamingStream extends FilterOutputStream {
    TargetNamingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw failure(target, "writing failed", e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw failure(target, "writing failed", e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw failure(target, "writing failed", e);
      }
    }

    @Override
    public void close() {
      // commit() and close() own the channel
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

package io.github.convlstm4j.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability issue, item 8: each {@code kill -9} during a save left a hidden temporary file
 * that was never removed, and error messages named the temporary file instead of the target.
 */
class PendingFileTest {
  @TempDir Path dir;

  private static final byte[] OLD = "old content".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW = "new content".getBytes(StandardCharsets.UTF_8);

  @Test
  void theTemporaryFileIsHiddenNamedAfterTheTargetAndGoneAfterTheWrite() throws Exception {
    Path target = dir.resolve("model.npz");
    List<String> during = new ArrayList<>();
    PendingFile.write(target, out -> {
      out.write(NEW);
      during.addAll(names());
    });
    assertEquals(1, during.size(), during.toString());
    String temp = during.get(0);
    assertTrue(temp.matches("\\.model\\.npz\\.pending-[0-9a-f]{16}\\.tmp"), temp);
    assertTrue(PendingFile.isTempOf(temp, "model.npz"));
    assertEquals(Set.of("model.npz"), names());
    assertArrayEquals(NEW, Files.readAllBytes(target));
  }

  @Test
  void onlyTheExactPatternOfTheTargetIsATemporaryFileOfIt() {
    String t = "model.npz";
    assertTrue(PendingFile.isTempOf(".model.npz.pending-0123456789abcdef.tmp", t));
    for (String other : List.of(
        ".model.npz.pending-0123456789ABCDEF.tmp", // upper case: not ours
        ".model.npz.pending-0123456789abcde.tmp", // 15 digits
        ".model.npz.pending-0123456789abcdef0.tmp", // 17 digits
        ".model.npz.pending-0123456789abcdeg.tmp", // not hex
        "model.npz.pending-0123456789abcdef.tmp", // not hidden
        ".model.npz.pending-0123456789abcdef.tmp.bak",
        ".model.npz.0123456789abcdef.tmp", // the old naming: not ours to judge
        ".other.npz.pending-0123456789abcdef.tmp", // another target
        ".xmodel.npz.pending-0123456789abcdef.tmp",
        ".model.npz.bak")) {
      assertFalse(PendingFile.isTempOf(other, t), other);
    }
    assertFalse(PendingFile.isTempOf(".model.npz.pending-0123456789abcdef.tmp", "odel.npz"));
  }

  @Test
  void staleTemporaryFilesOfTheTargetAreDeletedAndNothingElse() throws Exception {
    Path target = dir.resolve("model.npz");
    Files.write(target, OLD);
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    Path stale = old(".model.npz.pending-0123456789abcdef.tmp", hourAgo);
    Path stale2 = old(".model.npz.pending-fedcba9876543210.tmp", hourAgo);
    Set<String> kept = new TreeSet<>(Set.of(
        old(".other.npz.pending-0123456789abcdef.tmp", hourAgo).getFileName().toString(),
        old(".model.npz.bak", hourAgo).getFileName().toString(),
        old("model.npz.pending-0123456789abcdef.tmp", hourAgo).getFileName().toString(),
        old(".model.npz.pending-0123456789abcdeX.tmp", hourAgo).getFileName().toString(),
        // Matches, but newer than the write: maybe a writer that has not locked it yet.
        old(".model.npz.pending-00000000000000ff.tmp",
            FileTime.from(Instant.now().plusSeconds(3600))).getFileName().toString()));

    PendingFile.write(target, out -> out.write(NEW));

    assertFalse(Files.exists(stale));
    assertFalse(Files.exists(stale2));
    kept.add("model.npz");
    assertEquals(kept, names());
    assertArrayEquals(NEW, Files.readAllBytes(target));
  }

  @Test
  void aFailedWriteRemovesNothingButItsOwnTemporaryFile() throws Exception {
    Path target = dir.resolve("model.npz");
    Files.write(target, OLD);
    Path stale = old(".model.npz.pending-0123456789abcdef.tmp",
        FileTime.from(Instant.now().minusSeconds(3600)));
    assertThrows(IOException.class, () -> PendingFile.write(target, out -> {
      out.write(NEW);
      throw new IOException("simulated failure of the body");
    }));
    assertEquals(Set.of("model.npz", stale.getFileName().toString()), names());
    assertArrayEquals(OLD, Files.readAllBytes(target));
  }

  /** Three writers killed with SIGKILL midway: three temporary files, one write removes them. */
  @Test
  void writersKilledWithSigkillLeaveTemporaryFilesThatTheNextWriteRemoves() throws Exception {
    Path target = dir.resolve("model.npz");
    Files.write(target, OLD);
    for (int i = 0; i < 3; i++) {
      Process p = startWriter(target);
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
      assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    }
    Set<String> left = names();
    assertEquals(4, left.size(), left.toString());
    left.stream().filter(n -> !n.equals("model.npz"))
        .forEach(n -> assertTrue(PendingFile.isTempOf(n, "model.npz"), n));
    assertArrayEquals(OLD, Files.readAllBytes(target), "a killed writer changes nothing");
    // The next write removes the files older than its own temporary file (the contract). File
    // times come from the kernel's coarse clock (a tick of a few ms), so a write right after
    // the last kill could share that file's time and rightly keep it; a write comes later
    // than that in practice, and here too.
    awaitFileClockPast(left);

    Npy.write(io.github.convlstm4j.api.Tensor.of(new int[] {1}, new float[] {7}), target);

    assertEquals(Set.of("model.npz"), names());
    assertEquals(7f, Npy.read(target).get(0));
  }

  /** A writer in another process that is still writing is not mistaken for a dead one. */
  @Test
  void theTemporaryFileOfALiveWriterInAnotherProcessIsKept() throws Exception {
    Path target = dir.resolve("model.npz");
    Files.write(target, OLD);
    Process p = startWriter(target);
    try {
      Set<String> theirs = names();
      theirs.remove("model.npz");
      assertEquals(1, theirs.size());
      PendingFile.write(target, out -> out.write(NEW));
      Set<String> expected = new TreeSet<>(theirs);
      expected.add("model.npz");
      assertEquals(expected, names(), "the live writer's file is locked, so it is kept");
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
    PendingFile.write(target, out -> out.write(NEW));
    assertEquals(Set.of("model.npz"), names(), "once its writer is dead, it is removed");
  }

  @Test
  void theTemporaryFileOfALiveWriterInThisJvmIsKept() throws Exception {
    Path target = dir.resolve("model.npz");
    try (PendingFile slow = PendingFile.create(target)) {
      slow.out().write(OLD);
      slow.out().flush();
      Files.setLastModifiedTime(slow.temp(), FileTime.from(Instant.now().minusSeconds(60)));
      PendingFile.write(target, out -> out.write(NEW));
      assertTrue(Files.exists(slow.temp()));
      slow.commit();
    }
    assertArrayEquals(OLD, Files.readAllBytes(target), "the last commit wins");
    assertEquals(Set.of("model.npz"), names());
  }

  /** Concurrent saves of one file: none fails, none removes another's file, one wins whole. */
  @Test
  void concurrentSavesOfOneFileAreEachAtomic() throws Exception {
    Path target = dir.resolve("model.npz");
    int threads = 4;
    int saves = 25;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      Set<String> contents = new TreeSet<>();
      for (int t = 0; t < threads; t++) {
        contents.add(("writer " + t + " ").repeat(20_000));
      }
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (String content : contents) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < saves; i++) {
            PendingFile.write(target,
                out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
            String now = Files.readString(target);
            assertTrue(contents.contains(now), "one writer's whole file, never a mix or a part");
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Set.of("model.npz"), names(), "no temporary file left, none lost");
  }

  @Test
  void aFailedMoveNamesTheTargetAndKeepsWhatIsInTheWay() throws Exception {
    Path target = dir.resolve("model.npz");
    IOException e;
    try (PendingFile f = PendingFile.create(target)) {
      f.out().write(NEW);
      // Something else puts a non-empty folder where the file is to go.
      Files.createDirectories(target.resolve("inside"));
      e = assertThrows(IOException.class, f::commit);
    }
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertFalse(e.getMessage().contains(".pending-"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot replace it with the new content"),
        e.getMessage());
    assertTrue(Files.isDirectory(target.resolve("inside")));
    assertEquals(Set.of("model.npz"), names(), "the temporary file is deleted");
  }

  @Test
  void aTemporaryFileThatCannotBeCreatedNamesTheTarget() {
    // procfs refuses new files even to root, which permission-based tests cannot rely on.
    Path proc = Path.of("/proc/self");
    Assumptions.assumeTrue(Files.isDirectory(proc), "needs Linux procfs");
    Path target = proc.resolve("model.npz");
    IOException e = assertThrows(IOException.class,
        () -> PendingFile.write(target, out -> out.write(NEW)));
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertFalse(e.getMessage().contains(".pending-"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot create a temporary file in its folder"),
        e.getMessage());
  }

  private Path old(String name, FileTime time) throws IOException {
    Path p = Files.write(dir.resolve(name), OLD);
    Files.setLastModifiedTime(p, time);
    return p;
  }

  /** Waits (at most 5 s) until a file written now gets a later time than each named file. */
  private void awaitFileClockPast(Set<String> names) throws Exception {
    FileTime newest = FileTime.fromMillis(0);
    for (String n : names) {
      FileTime t = Files.getLastModifiedTime(dir.resolve(n));
      newest = t.compareTo(newest) > 0 ? t : newest;
    }
    Path probe = dir.resolve("file-clock-probe");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try {
      Files.write(probe, new byte[0]);
      while (Files.getLastModifiedTime(probe).compareTo(newest) <= 0
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
        Files.write(probe, new byte[0]);
      }
    } finally {
      Files.delete(probe);
    }
  }

  private Set<String> names() {
    try (var s = Files.list(dir)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@link SlowWriter} in a new JVM and returns once it is midway through its write. */
  private Process startWriter(Path target) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile("slow-writer", ".log");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        SlowWriter.class.getName(), target.toString())
        .redirectError(log.toFile()).start();
    String line = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
    assertNotNull(line, () -> "the writer died: " + read(log));
    assertEquals("writing", line);
    Files.deleteIfExists(log);
    return p;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** A program that starts writing its argument, says so, and waits to be killed. */
  static final class SlowWriter {
    private SlowWriter() {}

    public static void main(String[] args) throws IOException {
      PendingFile.write(Path.of(args[0]), out -> {
        out.write(new byte[1 << 20]);
        out.flush();
        System.out.println("writing");
        System.out.flush();
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("interrupted");
      });
    }
  }
}

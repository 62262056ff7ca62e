package io.github.convlstm4j.spark;

import io.github.convlstm4j.api.Checkpoint;
import io.github.convlstm4j.api.Forecaster;
import io.github.convlstm4j.api.Forecasters;
import io.github.convlstm4j.api.io.Checkpoints;
import io.github.convlstm4j.spi.BackendOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecasters of one JVM (a Spark executor, or the driver in local mode): one per
 * (checkpoint, backend, threads), created on first use, shared by every task and partition of
 * every job in the JVM, closed by a shutdown hook when the JVM stops.
 *
 * <p>A {@link Forecaster} serves one caller at a time, so tasks running side by side in one
 * executor take turns through the entry's lock, one batch at a time; the forecaster's own
 * {@code threads} keep the executor's cores busy meanwhile.
 */
final class ForecasterCache {
  private static final Logger LOG = LoggerFactory.getLogger(ForecasterCache.class);

  private static final Map<Key, Entry> ENTRIES = new ConcurrentHashMap<>();
  private static final AtomicLong CREATED = new AtomicLong();
  private static final Object HOOK_LOCK = new Object();
  private static boolean hookAdded;

  private ForecasterCache() {}

  /**
   * Identifies a forecaster: the checkpoint's identity (its SHA-256 when broadcast, its path,
   * size and time when read from a shared path), the backend name ("" for the selection rules)
   * and the thread count.
   */
  record Key(String checkpoint, String backend, int threads) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    Key {
      Objects.requireNonNull(checkpoint, "checkpoint");
      Objects.requireNonNull(backend, "backend");
    }
  }

  /** A cached forecaster and the lock that callers hold while using it. */
  static final class Entry {
    private final Forecaster forecaster;
    private final ReentrantLock lock = new ReentrantLock(true);

    Entry(Forecaster forecaster) {
      this.forecaster = forecaster;
    }

    /** The forecaster; use it only while holding {@link #lock()}. */
    Forecaster forecaster() {
      return forecaster;
    }

    ReentrantLock lock() {
      return lock;
    }
  }

  /**
   * The entry for a key, creating its forecaster from the checkpoint that {@code source}
   * supplies if this JVM has none yet. Two tasks asking at once create it once.
   */
  static Entry get(Key key, Supplier<Checkpoint> source) {
    Entry e = ENTRIES.get(key);
    if (e != null) {
      return e;
    }
    return ENTRIES.computeIfAbsent(key, k -> create(k, source));
  }

  private static Entry create(Key key, Supplier<Checkpoint> source) {
    addShutdownHook();
    Checkpoint c = source.get();
    String backend = key.backend().isEmpty() ? null : key.backend();
    Forecaster f = Forecasters.create(backend, c.spec(), new BackendOptions(key.threads(),
        "auto"));
    try {
      f.restore(c);
    } catch (RuntimeException ex) {
      f.close();
      throw ex;
    }
    CREATED.incrementAndGet();
    LOG.info("created forecaster on backend {} with {} threads for checkpoint {}",
        f.backendName(), key.threads(), key.checkpoint());
    return new Entry(f);
  }

  /** Reads a checkpoint from bytes (broadcast from the driver) through a temporary file. */
  static Checkpoint fromBytes(byte[] bytes, String name) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("convlstm4j-checkpoint-", ".npz");
      Files.write(tmp, bytes);
      return Checkpoints.read(tmp);
    } catch (IOException ex) {
      throw new UncheckedIOException("checkpoint " + name + " (broadcast, " + bytes.length
          + " bytes): " + ex.getMessage(), ex);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ex) {
          LOG.warn("could not delete temporary checkpoint copy {}", tmp, ex);
        }
      }
    }
  }

  /** Reads a checkpoint from a path that this JVM sees (a shared file system). */
  static Checkpoint fromPath(String path) {
    try {
      return Checkpoints.read(Path.of(path));
    } catch (IOException ex) {
      throw new UncheckedIOException("checkpoint " + path + ": " + ex.getMessage(), ex);
    }
  }

  /** Forecasters created in this JVM so far (for tests and logs). */
  static long created() {
    return CREATED.get();
  }

  /** Forecasters cached in this JVM now. */
  static int size() {
    return ENTRIES.size();
  }

  /** Closes and forgets every cached forecaster; later calls create new ones. */
  static void closeAll() {
    List<Key> keys = new ArrayList<>(ENTRIES.keySet());
    for (Key k : keys) {
      Entry e = ENTRIES.remove(k);
      if (e == null) {
        continue;
      }
      boolean locked = false;
      try {
        // A task still inside the forecaster at JVM exit is given a moment, not forever.
        locked = e.lock().tryLock(5, TimeUnit.SECONDS);
        if (locked) {
          e.forecaster().close();
        } else {
          LOG.warn("forecaster for {} still in use after 5 s; not closed", k);
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException ex) {
        LOG.warn("closing the forecaster for {} failed", k, ex);
      } finally {
        if (locked) {
          e.lock().unlock();
        }
      }
    }
  }

  private static void addShutdownHook() {
    synchronized (HOOK_LOCK) {
      if (!hookAdded) {
        Runtime.getRuntime().addShutdownHook(
            new Thread(ForecasterCache::closeAll, "convlstm4j-forecaster-cache-close"));
        hookAdded = true;
      }
    }
  }
}

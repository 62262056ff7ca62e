package io.github.convlstm4j.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits loops over independent index ranges across a small pool of daemon threads (the
 * caller thread takes the first part; idle threads end after a few seconds). Only ranges of independent elements are split, so the
 * results never depend on the thread count.
 */
final class Parallel implements AutoCloseable {

  /** A loop body over {@code [from, to)}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final long IDLE_SECONDS = 5;

  private final int threads;
  private final ExecutorService pool;
  private final List<Future<?>> pending = new ArrayList<>();

  Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    if (threads == 1) {
      this.pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor p = new ThreadPoolExecutor(threads - 1, threads - 1, IDLE_SECONDS,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "convlstm4j-reference-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      p.allowCoreThreadTimeOut(true); // an idle or forgotten forecaster holds no threads
      this.pool = p;
    }
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into at most {@code threads} contiguous parts
   * of at least {@code grain} elements.
   */
  void forRange(int n, int grain, Range body) {
    int parts = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
    if (parts <= 1 || pool == null) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    pending.clear();
    for (int p = 1; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      pending.add(pool.submit(() -> body.run(from, to)));
    }
    Throwable failure = null;
    try {
      body.run(0, (int) ((long) n / parts));
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = e;
        }
      }
    }
    pending.clear();
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      throw new IllegalStateException("parallel loop interrupted", failure);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}

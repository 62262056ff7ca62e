package io.github.convlstm4j.reference.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The reference backend's one set of helper threads, shared per thread count by every GEMM
 * kernel and every parallel loop of the networks (so a forecaster given two threads never runs
 * more than two).
 *
 * <p>Lifetime: one pool per thread count per JVM, created lazily on first parallel use. It holds
 * {@code threads - 1} daemon threads (the calling thread is the last worker) that time out after
 * {@value #IDLE_SECONDS} s idle and are re-created on demand, so a long-running JVM never keeps
 * idle kernel threads and creating many kernels leaks nothing: there is nothing to close.
 *
 * <p>{@link #forEach} hands out task indices dynamically; which thread runs which task never
 * affects results because callers make every task write a disjoint part of the output.
 */
public final class WorkerPool {

  private static final long IDLE_SECONDS = 30;
  private static final ConcurrentHashMap<Integer, WorkerPool> SHARED = new ConcurrentHashMap<>();

  private final int threads;
  private volatile ThreadPoolExecutor executor;

  private WorkerPool(int threads) {
    this.threads = threads;
  }

  /**
   * The pool shared by everything that runs on this many threads.
   *
   * @param threads the thread count, the caller included, at least 1
   * @return the shared pool
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static WorkerPool shared(int threads) {
    GemmChecks.threads(threads);
    return SHARED.computeIfAbsent(threads, WorkerPool::new);
  }

  /**
   * The number of threads a loop may run on, the caller included.
   *
   * @return the thread count
   */
  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body} for every index in {@code [0, tasks)} on up to {@link #threads()} threads
   * (the caller included) and returns when all have finished. Tasks must write disjoint parts
   * of the output. After a failure no further task starts; the first failure is rethrown once
   * the running tasks have ended. A task may itself call {@code forEach}: the caller runs every
   * task no helper has taken, so nesting cannot deadlock.
   *
   * @param tasks the number of tasks; nothing runs if it is 0 or less
   * @param body the task, given its index
   */
  public void forEach(int tasks, IntConsumer body) {
    if (tasks <= 0) {
      return;
    }
    if (threads == 1 || tasks == 1) {
      for (int t = 0; t < tasks; t++) {
        body.accept(t);
      }
      return;
    }
    Job job = new Job(tasks, body, Thread.currentThread());
    int helpers = Math.min(threads - 1, tasks - 1);
    ThreadPoolExecutor ex = executor();
    for (int h = 0; h < helpers; h++) {
      ex.execute(job::work);
    }
    job.work();
    job.await();
  }

  private ThreadPoolExecutor executor() {
    ThreadPoolExecutor ex = executor;
    if (ex == null) {
      synchronized (this) {
        ex = executor;
        if (ex == null) {
          ex = new ThreadPoolExecutor(threads - 1, threads - 1, IDLE_SECONDS, TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(), new DaemonFactory(threads));
          ex.allowCoreThreadTimeOut(true);
          executor = ex;
        }
      }
    }
    return ex;
  }

  /** One parallel loop: a shared task counter, a completion counter, the first failure. */
  private static final class Job {
    private final int tasks;
    private final IntConsumer body;
    private final Thread caller;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int tasks, IntConsumer body, Thread caller) {
      this.tasks = tasks;
      this.body = body;
      this.caller = caller;
    }

    void work() {
      int t;
      while ((t = next.getAndIncrement()) < tasks) {
        try {
          if (failure.get() == null) {
            body.accept(t);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          if (completed.incrementAndGet() == tasks) {
            LockSupport.unpark(caller);
          }
        }
      }
    }

    void await() {
      while (completed.get() < tasks) {
        LockSupport.park(this);
      }
      Throwable e = failure.get();
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      if (e instanceof Error) {
        throw (Error) e;
      }
      if (e != null) {
        throw new IllegalStateException("kernel task failed", e);
      }
    }
  }

  private static final class DaemonFactory implements ThreadFactory {
    private final int threads;
    private final AtomicInteger count = new AtomicInteger();

    DaemonFactory(int threads) {
      this.threads = threads;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "convlstm4j-worker-" + threads + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}

package io.github.convlstm4j.reference.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared helper threads: every index once, nesting, failures, concurrent callers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

  @Test
  void onePoolPerThreadCount() {
    assertSame(WorkerPool.shared(3), WorkerPool.shared(3));
    assertEquals(3, WorkerPool.shared(3).threads());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.shared(0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
  }

  @Test
  void everyIndexRunsExactlyOnceForAnyTaskCount() {
    for (int threads = 1; threads <= 3; threads++) {
      for (int tasks : new int[] {0, 1, 2, 3, 7, 1000}) {
        AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(tasks, 1));
        WorkerPool.shared(threads).forEach(tasks, runs::incrementAndGet);
        for (int t = 0; t < tasks; t++) {
          assertEquals(1, runs.get(t), "threads " + threads + ", tasks " + tasks + ", index " + t);
        }
      }
    }
  }

  @Test
  void twoThreadsUseAHelperThread() throws InterruptedException {
    // Both tasks wait until both have started: only possible if a second thread runs one.
    CountDownLatch bothStarted = new CountDownLatch(2);
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    WorkerPool.shared(2).forEach(2, t -> {
      seen.add(Thread.currentThread());
      bothStarted.countDown();
      try {
        assertTrue(bothStarted.await(20, TimeUnit.SECONDS), "the other task started");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(2, seen.size());
    assertTrue(seen.stream().anyMatch(t -> t.getName().startsWith("convlstm4j-worker-2-")),
        seen.toString());
  }

  @Test
  void aTaskMayRunALoopOnTheSamePool() {
    WorkerPool pool = WorkerPool.shared(2);
    AtomicIntegerArray runs = new AtomicIntegerArray(4 * 50);
    pool.forEach(4, outer -> pool.forEach(50, inner -> runs.incrementAndGet(outer * 50 + inner)));
    for (int i = 0; i < runs.length(); i++) {
      assertEquals(1, runs.get(i), "index " + i);
    }
  }

  @Test
  void theFirstFailureIsRethrownAndThePoolStaysUsable() {
    WorkerPool pool = WorkerPool.shared(2);
    IllegalStateException boom = new IllegalStateException("task 3 failed");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forEach(8,
        t -> {
          if (t == 3) {
            throw boom;
          }
        }));
    assertSame(boom, e);
    AssertionError error = assertThrows(AssertionError.class,
        () -> pool.forEach(2, t -> {
          throw new AssertionError("task " + t);
        }));
    assertTrue(error.getMessage().startsWith("task "), error.getMessage());
    AtomicInteger sum = new AtomicInteger();
    pool.forEach(100, sum::addAndGet);
    assertEquals(99 * 100 / 2, sum.get());
  }

  @Test
  void concurrentCallersEachGetAllTheirTasks() throws InterruptedException {
    WorkerPool pool = WorkerPool.shared(2);
    int callers = 4;
    AtomicIntegerArray runs = new AtomicIntegerArray(callers * 200);
    Thread[] threads = new Thread[callers];
    AtomicInteger failures = new AtomicInteger();
    for (int c = 0; c < callers; c++) {
      int base = c * 200;
      threads[c] = new Thread(() -> {
        try {
          for (int round = 0; round < 20; round++) {
            int slot = round;
            pool.forEach(10, t -> runs.incrementAndGet(base + t * 20 + slot));
          }
        } catch (RuntimeException | Error e) {
          failures.incrementAndGet();
        }
      });
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(0, failures.get());
    for (int i = 0; i < runs.length(); i++) {
      assertEquals(1, runs.get(i), "index " + i);
    }
  }
}

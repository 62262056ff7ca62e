package io.github.convlstm4j.spi;

import io.github.convlstm4j.api.SequenceShape;
import io.github.convlstm4j.api.TrainingData;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Packs the batches of one pass over {@link TrainingData} on a background thread, one batch
 * ahead of the caller: while the caller trains on batch b, batch b + 1 is assembled (for a
 * memory-mapped file, read from disk) into the other of two buffer pairs. The buffers are
 * allocated once by the caller ({@link Buffers}) and reused across passes.
 *
 * <p>Bounded: at most one batch is ready and one being packed. A failure while packing is
 * thrown by {@link #next()} for the batch it concerns (as an {@link IllegalStateException}
 * with the failure as cause, or the {@link RuntimeException} itself). {@link #close()} stops
 * the thread and waits for it, also when the caller leaves early (a divergence, a listener
 * that throws). The batches equal those packed in turn on the caller's thread.
 */
final class BatchPrefetch implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Two reusable pairs of input and target buffers of one batch capacity. */
  static final class Buffers {
    private final SequenceShape in;
    private final SequenceShape out;
    private final float[][] inputs = new float[2][];
    private final float[][] targets = new float[2][];

    Buffers(TrainingData data, int capacity) {
      this.in = data.inputShape();
      this.out = data.targetShape();
      for (int i = 0; i < 2; i++) {
        inputs[i] = new float[Math.multiplyExact(capacity, in.frames() * in.frame().size())];
        targets[i] = new float[Math.multiplyExact(capacity, out.frames() * out.frame().size())];
      }
    }
  }

  /** One packed batch: slot {@code slot} of the buffers, {@code count} samples. */
  private record Ready(int slot, int count, Throwable failure) {}

  private final Buffers buffers;
  private final BlockingQueue<Integer> free = new ArrayBlockingQueue<>(2);
  private final BlockingQueue<Ready> ready = new ArrayBlockingQueue<>(2);
  private final Thread thread;
  private int inUse = -1;

  /**
   * Starts packing batches of {@code batchSize} (the last one smaller) in {@code order}.
   *
   * @param data the data
   * @param order the pass's order of pair indices
   * @param batchSize at most the buffers' capacity
   * @param buffers buffers of {@code data}'s shapes
   */
  BatchPrefetch(TrainingData data, int[] order, int batchSize, Buffers buffers) {
    this.buffers = buffers;
    free.add(0);
    free.add(1);
    thread = new Thread(() -> run(data, order, batchSize),
        "convlstm4j-prefetch-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }

  private void run(TrainingData data, int[] order, int batchSize) {
    try {
      for (int from = 0; from < order.length; from += batchSize) {
        int n = Math.min(batchSize, order.length - from);
        int slot = free.take();
        try {
          data.packBatch(order, from, n, buffers.inputs[slot], buffers.targets[slot]);
        } catch (RuntimeException | Error e) {
          ready.put(new Ready(slot, n, e));
          return;
        }
        ready.put(new Ready(slot, n, null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed early: stop quietly
    }
  }

  /**
   * Waits for the next batch; the buffers of the batch before it go back to the packer.
   *
   * @return the batch's sample count; its data is in {@link #input(int)} and {@link #target(int)}
   * @throws IllegalStateException if packing it failed, or the wait was interrupted
   */
  int next() {
    if (inUse >= 0) {
      free.add(inUse);
      inUse = -1;
    }
    Ready r;
    try {
      r = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the next batch", e);
    }
    if (r.failure() != null) {
      if (r.failure() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("packing a batch failed: " + r.failure(), r.failure());
    }
    inUse = r.slot();
    return r.count();
  }

  /**
   * The inputs of the current batch.
   *
   * @param n its sample count
   * @return the batch over the current input buffer
   */
  PackedBatch input(int n) {
    return PackedBatch.adopt(n, buffers.in.frames(), buffers.in.frame(),
        buffers.inputs[inUse]);
  }

  /**
   * The targets of the current batch.
   *
   * @param n its sample count
   * @return the batch over the current target buffer
   */
  PackedBatch target(int n) {
    return PackedBatch.adopt(n, buffers.out.frames(), buffers.out.frame(),
        buffers.targets[inUse]);
  }

  /** Stops the packer and waits for it to end. */
  @Override
  public void close() {
    thread.interrupt();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.github.convlstm4j.samples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends {@code convlstm4j stream} cleanly on Ctrl-C (SIGINT) or SIGTERM: a shutdown hook asks
 * the frame loop to stop, waits (at most {@value #GRACE_SECONDS} s) until the loop has finished
 * its current frame, closed the session and the forecaster and printed its summary, then ends
 * the JVM with exit code 0 (the JVM's own code after a signal would be 128 + its number; a
 * stream is ended this way on purpose). The loop waits for frames through {@link #sleep}, which
 * returns at once when a stop was asked for.
 */
final class StreamStop implements AutoCloseable {

  /** How long the hook waits for the loop to finish before it ends the JVM anyway (exit 1). */
  static final long GRACE_SECONDS = 60;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch loopEnded = new CountDownLatch(1);
  private final Runnable flush;
  private final Thread hook;
  private volatile boolean signalled;
  private boolean installed;

  /**
   * A stop signal, not yet installed.
   *
   * @param flush run by the hook before the JVM ends (flushes the output)
   */
  StreamStop(Runnable flush) {
    this.flush = flush;
    this.hook = new Thread(this::onSignal, "convlstm4j-stream-stop");
  }

  /** Installs the shutdown hook; {@link #close} removes it. */
  void install() {
    Runtime.getRuntime().addShutdownHook(hook);
    installed = true;
  }

  private void onSignal() {
    signalled = true;
    stop.countDown();
    boolean ended;
    try {
      ended = loopEnded.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      ended = false;
    }
    flush.run();
    Runtime.getRuntime().halt(ended ? 0 : Main.FAILURE);
  }

  /** Whether the JVM is shutting down (a signal) and the loop must stop. */
  boolean signalled() {
    return signalled;
  }

  /**
   * Waits, unless a stop is asked for.
   *
   * @param millis how long
   * @return true if a stop was asked for (then at once)
   */
  boolean sleep(long millis) {
    try {
      return stop.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** The loop has ended and released everything: lets the hook end the JVM; removes it. */
  @Override
  public void close() {
    loopEnded.countDown();
    if (installed && !signalled) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running (a signal arrived just now): it ends the JVM with exit 0.
      }
    }
  }
}

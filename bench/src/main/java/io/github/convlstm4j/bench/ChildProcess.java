package io.github.convlstm4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one child process (a bench child JVM or the Python peer) and returns the JSON object it
 * printed: the line after {@link BenchChild#MARKER}, or, for the peer, the last line that is a
 * JSON object. Standard error is merged into standard output and its last lines are kept for
 * error messages.
 */
final class ChildProcess {

  private static final int TAIL = 15;

  private ChildProcess() {}

  /** The outcome: the JSON object, or an error with the output's last lines. */
  record Outcome(Map<String, Object> json, String error) {
    boolean ok() {
      return json != null;
    }
  }

  /**
   * Runs {@code command} and waits at most {@code timeoutSeconds}.
   *
   * @param env extra environment variables
   * @param markerOnly accept only a {@link BenchChild#MARKER} line as the result (else also the
   *     last line that looks like a JSON object)
   */
  static Outcome run(List<String> command, Map<String, String> env, long timeoutSeconds,
      boolean markerOnly) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Outcome(null, "cannot start " + command.get(0) + ": " + e.getMessage());
    }
    Deque<String> tail = new ArrayDeque<>();
    String[] result = new String[1];
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith(BenchChild.MARKER)) {
            result[0] = line.substring(BenchChild.MARKER.length());
          } else if (!markerOnly && line.startsWith("{") && line.endsWith("}")) {
            result[0] = line;
          } else {
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > TAIL) {
                tail.removeFirst();
              }
            }
          }
        }
      } catch (IOException e) {
        // the process went away; what was read is kept
      }
    }, "bench-child-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Outcome(null, "interrupted");
    }
    String tailText;
    synchronized (tail) {
      tailText = String.join("\n  ", tail);
    }
    if (!finished) {
      return new Outcome(null, "timed out after " + timeoutSeconds + " s; last output:\n  "
          + tailText);
    }
    if (result[0] == null) {
      return new Outcome(null, "exit code " + p.exitValue() + " and no result; last output:\n  "
          + tailText);
    }
    try {
      return new Outcome(Json.parseObject(result[0]), null);
    } catch (IllegalArgumentException e) {
      return new Outcome(null, "unreadable result (" + e.getMessage() + ")");
    }
  }
}

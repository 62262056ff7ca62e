package io.github.convlstm4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PyTorch peer: finds a Python with torch and {@code bench/python/convlstm_bench.py}, and
 * runs the script for one model.
 */
final class PythonPeer {

  /** The peer's label in reports. */
  static final String LABEL = "python-pytorch";
  /** The script, relative to the repository root. */
  static final String SCRIPT = "bench/python/convlstm_bench.py";

  private final String python;
  private final Path script;
  private final String versions;

  private PythonPeer(String python, Path script, String versions) {
    this.python = python;
    this.script = script;
    this.versions = versions;
  }

  /** The outcome of looking for the peer: the peer, or why it is skipped. */
  record Found(Optional<PythonPeer> peer, String reason) {}

  /**
   * Looks for a Python that imports torch (the given one, else {@code /usr/bin/python3}, else
   * {@code python3}) and for the script (the given path, else {@value #SCRIPT} in the working
   * directory or one of its parents).
   */
  static Found find(String pythonOption, Path scriptOption) {
    Optional<Path> script = scriptOption != null
        ? Optional.of(scriptOption).filter(Files::isRegularFile) : findScript();
    if (script.isEmpty()) {
      return new Found(Optional.empty(), scriptOption != null
          ? (Files.isDirectory(scriptOption) ? "peer script " + scriptOption + " is a folder, "
              + "expected the file convlstm_bench.py" : "peer script not found: " + scriptOption)
          : SCRIPT + " not found in the working directory or its parents (use --peer-script)");
    }
    List<String> candidates = pythonOption != null ? List.of(pythonOption)
        : List.of("/usr/bin/python3", "python3");
    StringBuilder why = new StringBuilder();
    for (String py : candidates) {
      ChildProcess.Outcome o = ChildProcess.run(List.of(py, "-c",
          "import json, platform, torch; print(json.dumps({'torch': torch.__version__, "
              + "'python': platform.python_version()}))"), Map.of(), 180, false);
      if (o.ok()) {
        String v = "python " + o.json().get("python") + ", torch " + o.json().get("torch");
        return new Found(Optional.of(new PythonPeer(py, script.get(), v)), "");
      }
      why.append(why.length() == 0 ? "" : "; ").append("'").append(py)
          .append(" -c \"import torch\"' failed: ").append(firstLine(o.error()));
    }
    return new Found(Optional.empty(), why.toString());
  }

  private static Optional<Path> findScript() {
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
      Path p = dir.resolve(SCRIPT);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static String firstLine(String s) {
    String t = s == null ? "" : s.strip();
    int last = t.lastIndexOf('\n');
    return last < 0 ? t : t.substring(last + 1).strip();
  }

  /** The interpreter and the versions, for reports. */
  String description() {
    return python + " (" + versions + "), " + script;
  }

  /** The command that runs the peer on a model. */
  List<String> command(BenchModel model, int threads, int reps, int warmup) {
    List<String> c = new ArrayList<>(List.of(python, script.toString()));
    c.addAll(model.pythonArguments());
    c.addAll(List.of("--threads", Integer.toString(threads), "--reps", Integer.toString(reps),
        "--warmup", Integer.toString(warmup)));
    return c;
  }

  /** Runs the peer on a model. */
  Measurement run(BenchModel model, int threads, int reps, int warmup, long timeoutSeconds) {
    ChildProcess.Outcome o = ChildProcess.run(command(model, threads, reps, warmup),
        ChildJvm.threadEnvironment(threads), timeoutSeconds, false);
    return o.ok() ? Measurement.fromJson(LABEL, model.label(), o.json())
        : Measurement.failed(LABEL, model.label(), o.error());
  }
}

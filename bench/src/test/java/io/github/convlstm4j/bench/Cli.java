package io.github.convlstm4j.bench;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@link BenchMain} in-process (arguments as after the launcher: "bench", ...). */
record Cli(int exitCode, String out, String err) {

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BenchMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }
}

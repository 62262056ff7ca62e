package io.github.convlstm4j.samples;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the program in-process and captures its stdout and stderr. */
record Cli(int exitCode, String out, String err) {

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /** Non-empty lines of stderr. */
  long errLines() {
    return err.lines().filter(l -> !l.isBlank()).count();
  }
}

package io.github.convlstm4j.bench;

import io.github.convlstm4j.samples.Main;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Main class of the bench module: {@code convlstm4j bench ...} and
 * {@code convlstm4j bench soak ...}. The {@code convlstm4j} launcher script hands every
 * argument, the leading {@code bench} included, to this class when the first one is
 * {@code bench}; the root command is named {@code convlstm4j} so that usage lines and error
 * messages read as they do for the samples' commands.
 *
 * <p>Exit codes and messages are the samples' program's ({@link Main#run(CommandLine, String[],
 * PrintWriter, PrintWriter)}): 0 success, 1 failure (one line on stderr; the stack trace too
 * with {@code --verbose}), 2 usage error (an unknown option, a malformed or out-of-range value;
 * reported before any child JVM starts). A run in which no configuration produced a figure
 * (every one skipped or failed) is a failure too ({@link #nothingMeasured}).
 */
@Command(name = "convlstm4j", mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class, subcommands = BenchCommand.class,
    description = "ConvLSTM on the JVM: speed and memory measurement of every backend.")
public final class BenchMain implements Runnable {

  /** Exit code of a failure. */
  static final int FAILURE = 1;
  /** Exit code of a usage error. */
  static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  /** Creates the root command (picocli fills it). */
  public BenchMain() {}

  /**
   * Runs the command and exits with its code.
   *
   * @param args command-line arguments, starting with {@code bench}
   */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command without exiting.
   *
   * @param args command-line arguments, starting with {@code bench}
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    return Main.run(new CommandLine(new BenchMain()), args, out, err);
  }

  /**
   * Reports that no configuration produced a figure (every one skipped or failed) as one line
   * with the reasons, after the report if there is one. Returns FAILURE.
   *
   * @param spec the command
   * @param skipped what was skipped or failed, and why
   */
  static int nothingMeasured(CommandSpec spec, List<String> skipped) {
    PrintWriter err = spec.commandLine().getErr();
    // A reason may quote a child's output over several lines: one line in all.
    err.println(spec.qualifiedName() + ": nothing was measured" + (skipped.isEmpty() ? ""
        : ": " + String.join("; ", skipped).replaceAll("\\s*\\R\\s*", " ")));
    err.flush();
    return FAILURE;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand (bench)");
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BenchMain.class.getPackage().getImplementationVersion();
      return new String[] {"convlstm4j bench " + (v != null ? v : "(development build)")};
    }
  }
}

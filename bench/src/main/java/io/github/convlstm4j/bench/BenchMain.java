package io.github.convlstm4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
 * <p>Exit codes, as in the samples' program: 0 success, 1 failure (one line on stderr; the
 * stack trace too with {@code --verbose}), 2 usage error (an unknown option, a malformed or
 * out-of-range value; reported before any child JVM starts).
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
    boolean verbose = Arrays.asList(args).contains("--verbose");
    if (verbose) {
      // Read by slf4j-simple when the first logger is created; set before any is.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }
    CommandLine cl = new CommandLine(new BenchMain());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ParameterException e, String[] a) -> {
      CommandLine sub = e.getCommandLine();
      String name = sub.getCommandSpec().qualifiedName();
      sub.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
      sub.getErr().flush();
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, sub, parseResult) -> {
      PrintWriter e = sub.getErr();
      e.println(sub.getCommandSpec().qualifiedName() + ": " + firstLine(ex));
      if (verbose) {
        ex.printStackTrace(e);
      } else if (!(ex instanceof IOException) && !(ex instanceof UncheckedIOException)) {
        e.println("(run with --verbose for the stack trace)");
      }
      e.flush();
      return FAILURE;
    });
    cl.setExitCodeExceptionMapper(t -> FAILURE);
    return cl.execute(args);
  }

  /** The first line of the message (the class name when there is none). */
  private static String firstLine(Throwable t) {
    Throwable x = t instanceof UncheckedIOException && t.getCause() != null ? t.getCause() : t;
    String m = x.getMessage();
    String line = m == null || m.isBlank() ? x.getClass().getSimpleName() : m;
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
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

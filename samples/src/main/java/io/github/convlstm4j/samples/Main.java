package io.github.convlstm4j.samples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code convlstm4j} command: the moving-squares demo and the tools around it.
 *
 * <p>Exit codes: 0 success, 1 failure (one line on stderr; the stack trace too with
 * {@code --verbose}), 2 usage error: an unknown option, a malformed value (picocli's parse
 * errors) or a value out of range ({@link UsageException}, which every command checks before it
 * does any work). Subcommands are listed in {@link #SUBCOMMANDS}; adding one is one entry
 * there. {@code convlstm4j bench} is not among them: the launcher script runs it from the bench
 * module.
 */
@Command(name = "convlstm4j", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "ConvLSTM forecasting on the JVM: the Keras moving-squares demo and tools.",
    footer = {"", "Start with: convlstm4j demo   (writes demo-out/)",
        "Measure:    convlstm4j bench   (module bench; see 'convlstm4j bench --help')"})
public final class Main implements Runnable {

  /** Exit code of a failure. */
  static final int FAILURE = 1;
  /** Exit code of a usage error. */
  static final int USAGE = 2;

  /** The subcommands, in help order. */
  static final Class<?>[] SUBCOMMANDS = {
      DemoCommand.class,
      GenerateCommand.class,
      TrainCommand.class,
      ForecastCommand.class,
      EvaluateCommand.class,
      BackendsCommand.class,
      StreamCommand.class,
  };

  @Spec
  CommandSpec spec;

  /**
   * Runs the program and exits with its code.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the program without exiting.
   *
   * @param args command-line arguments
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
    CommandLine cl = commandLine(out, err, verbose);
    return cl.execute(args);
  }

  /** The configured command line (for tests and for {@link #run}). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean verbose) {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : SUBCOMMANDS) {
      cl.addSubcommand(c);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ParameterException e, String[] a) ->
        usage(e.getCommandLine(), e.getMessage()));
    cl.setExecutionExceptionHandler((ex, sub, parseResult) -> {
      if (ex instanceof UsageException) {
        return usage(sub, ex.getMessage());
      }
      PrintWriter e = sub.getErr();
      e.println(qualifiedName(sub) + ": " + describe(ex));
      if (verbose) {
        ex.printStackTrace(e);
      } else if (!(ex instanceof UserException)
          && !(ex instanceof IOException)
          && !(ex instanceof UncheckedIOException)
          && !(ex instanceof IllegalArgumentException)) {
        e.println("(run with --verbose for the stack trace)");
      }
      e.flush();
      return FAILURE;
    });
    cl.setExitCodeExceptionMapper(t -> FAILURE);
    return cl;
  }

  /** Reports a usage error as one line naming the command and its help; returns USAGE. */
  private static int usage(CommandLine sub, String message) {
    sub.getErr().println(qualifiedName(sub) + ": " + message
        + " (see '" + qualifiedName(sub) + " --help')");
    sub.getErr().flush();
    return USAGE;
  }

  private static String qualifiedName(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName();
  }

  /** One line that says what went wrong. */
  static String describe(Throwable t) {
    if (t instanceof UserException) {
      return t.getMessage();
    }
    if (t instanceof NoSuchFileException) {
      return "file not found: " + t.getMessage();
    }
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      return describe(t.getCause());
    }
    String m = t.getMessage();
    String line = m == null || m.isBlank() ? t.getClass().getSimpleName()
        : (t instanceof IllegalArgumentException || t instanceof IllegalStateException
            || t instanceof IOException) ? m : t.getClass().getSimpleName() + ": " + m;
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"convlstm4j " + (v != null ? v : "(development build)")};
    }
  }
}

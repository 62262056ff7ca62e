package io.github.convlstm4j.samples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
      ImportCommand.class,
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
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : SUBCOMMANDS) {
      cl.addSubcommand(c);
    }
    return run(cl, args, out, err);
  }

  /**
   * Runs a command line the way every {@code convlstm4j} command runs, with the exit codes and
   * one-line messages of the class comment: a parse error or a {@link UsageException} is a
   * usage error, any other exception or error a failure, with the stack trace only under
   * {@code --verbose}. Public for the bench module's main class.
   *
   * @param cl the root command with its subcommands
   * @param args command-line arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    if (verbose) {
      // Read by slf4j-simple when the first logger is created; set before any is.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ParameterException e, String[] a) ->
        usage(e.getCommandLine(), e.getMessage()));
    cl.setExecutionExceptionHandler((ex, sub, parseResult) -> ex instanceof UsageException
        ? usage(sub, ex.getMessage()) : failure(ex, sub, verbose));
    cl.setExitCodeExceptionMapper(t -> FAILURE);
    try {
      return cl.execute(args);
    } catch (Error e) {
      // picocli hands only Exceptions to the handler; an Error (OutOfMemoryError,
      // StackOverflowError) would otherwise leave main with the JVM's stack trace.
      return failure(e, executed(cl), verbose);
    }
  }

  /** The subcommand that ran (the deepest one parsed), or the root command. */
  private static CommandLine executed(CommandLine root) {
    CommandLine.ParseResult p = root.getParseResult();
    if (p == null) {
      return root;
    }
    while (p.hasSubcommand()) {
      p = p.subcommand();
    }
    return p.commandSpec().commandLine();
  }

  /**
   * Reports a failure as one line naming the command; the stack trace only with
   * {@code --verbose}, and a hint to it for failures that are not the user's to fix. Returns
   * FAILURE.
   */
  private static int failure(Throwable ex, CommandLine sub, boolean verbose) {
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
    if (t instanceof FileSystemException f && f.getReason() == null) {
      // Its message is the path alone: say what happened to it.
      return fileProblem(f) + ": " + t.getMessage();
    }
    if (t instanceof OutOfMemoryError) {
      return "out of memory (" + t.getMessage() + "); ask for less, or give the JVM more "
          + "with -Xmx (the launcher passes CONVLSTM4J_JAVA_OPTS)";
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

  private static String fileProblem(FileSystemException f) {
    if (f instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (f instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof DirectoryNotEmptyException) {
      return "folder not empty";
    }
    return f.getClass().getSimpleName();
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

package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code ticklake} command. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    if (CliContext.debug(System.getenv())) {
      // simplelogger.properties keeps Iceberg's retry warnings and the SQLite driver's clean-up
      // errors quiet; debugging shows them
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.iceberg", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.org.sqlite.SQLiteJDBCLoader", "warn");
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the command line without exiting: the testable entry point.
   *
   * @return the exit code (see {@link ExitCodes})
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine cli = commandLine(out, err, env);
    return cli.execute(args);
  }

  /** The configured picocli command line. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
    CliContext context = new CliContext(out, err, env);
    CommandLine cli = new CommandLine(new TicklakeCommand(context));
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // the descriptions are written in lines of up to about 95 characters
    cli.setUsageHelpWidth(100);
    cli.registerConverter(
        java.time.LocalDate.class,
        text -> {
          try {
            return java.time.LocalDate.parse(text.strip());
          } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                "'" + text + "' is not a date: give YYYY-MM-DD, e.g. 2013-10-07");
          }
        });
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println("ticklake: " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
          cmd.getErr()
              .println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(ex, cmd, context));
    return cli;
  }

  /**
   * Prints the one-sentence error of a command that failed with {@code ex} on its standard error
   * and returns the exit code: a full or read-only disk is exit 3 whichever library met it, a
   * {@link TicklakeException} its kind's code, anything else an internal error (1).
   */
  static int report(Exception ex, CommandLine cmd, CliContext context) {
    if (jvmShuttingDown()) {
      // Ctrl-C or SIGTERM: the shutdown hooks (Iceberg's exiting worker pool among them) pull
      // things away from under the command; what it meets then is the interruption's, whose exit
      // code (130, 143) the JVM has already decided
      if (context.debug()) {
        ex.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
      }
      return ExitCodes.FAILURE;
    }
    // a full or read-only disk is the operator's to fix, whichever library met it
    ex = StorageFailure.of(ex, cmd, context).<Exception>map(e -> e).orElse(ex);
    if (ex instanceof TicklakeException te) {
      cmd.getErr().println("ticklake: " + te.getMessage());
      if (context.debug()) {
        te.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return te.kind().exitCode();
    }
    cmd.getErr()
        .println(
            "ticklake: internal error: "
                + ex.getClass().getSimpleName()
                + (ex.getMessage() == null ? "" : ": " + ex.getMessage().strip()));
    if (context.debug()) {
      ex.printStackTrace(cmd.getErr());
    } else {
      cmd.getErr().println("(set TICKLAKE_DEBUG=1 for the stack trace)");
    }
    cmd.getErr().flush();
    return ExitCodes.FAILURE;
  }

  /** Whether the JVM is running its shutdown hooks: a signal (Ctrl-C, SIGTERM) or an exit. */
  static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true; // "Shutdown in progress"
    }
  }
}

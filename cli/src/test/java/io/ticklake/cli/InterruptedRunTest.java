package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (or SIGTERM) of a running command: the JVM runs its shutdown hooks while the command's
 * thread goes on, and Iceberg's worker pool, an exiting executor, shuts down in one of them. A
 * command planning a table at that moment met {@code RejectedExecutionException} and printed {@code
 * ticklake: internal error: RejectedExecutionException: Task
 * java.util.concurrent.CompletableFuture$AsyncSupply@… rejected from …[Shutting down, …]} (seen by
 * hand: Ctrl-C of {@code ticklake ingest} about 3 s in). An error met while the JVM is shutting
 * down is the interruption's, not a bug: nothing is printed (TICKLAKE_DEBUG=1 still shows it).
 */
class InterruptedRunTest {
  @TempDir Path dir;

  /**
   * The child JVM: starts the JVM's shutdown as a signal does, waits until it runs, then reports
   * the error the interrupted command met and writes what the user would see to {@code args[0]}.
   */
  public static void main(String[] args) throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    // the JVM halts once its hooks are done: this one waits for the report
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    reported.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    new Thread(() -> System.exit(143)).start();
    while (!shuttingDown()) {
      Thread.sleep(5);
    }
    StringWriter err = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err, true);
    PrintWriter out = new PrintWriter(new StringWriter(), true);
    CliContext context = new CliContext(out, errWriter, Map.of());
    picocli.CommandLine ingest =
        Main.commandLine(out, errWriter, Map.of()).getSubcommands().get("ingest");
    int code =
        Main.report(
            new RejectedExecutionException(
                "Task java.util.concurrent.CompletableFuture$AsyncSupply@14924f41 rejected from"
                    + " java.util.concurrent.ThreadPoolExecutor@412c995d[Shutting down, pool size"
                    + " = 2, active threads = 2, queued tasks = 1, completed tasks = 1]"),
            ingest,
            context);
    Files.writeString(Path.of(args[0]), code + "\n" + err, StandardCharsets.UTF_8);
    reported.countDown();
  }

  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  @Test
  void anErrorMetWhileTheJvmShutsDownIsNotReportedAsAnInternalError() throws Exception {
    Path report = dir.resolve("report.txt");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                InterruptedRunTest.class.getName(),
                report.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isEqualTo(143);
    String seen = Files.readString(report);
    // the first line is report()'s exit code, which the shutdown already decided (143 here)
    assertThat(seen.substring(seen.indexOf('\n') + 1)).as(seen).isEmpty();
  }
}

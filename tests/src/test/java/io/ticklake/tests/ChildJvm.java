package io.ticklake.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running the {@code ticklake} CLI (or another main class) with the test's
 * classpath and the project's JVM flags, for crash tests and benchmarks: it can be waited for, or
 * killed with SIGKILL the moment it prints a marker line.
 */
public final class ChildJvm {
  private final Process process;
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final CountDownLatch marker = new CountDownLatch(1);
  private final String markerPrefix;
  private final CompletableFuture<Void> readers;

  private ChildJvm(Process process, String markerPrefix) {
    this.process = process;
    this.markerPrefix = markerPrefix;
    this.readers =
        CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> pump(process.getInputStream(), stdout)),
            CompletableFuture.runAsync(() -> pump(process.getErrorStream(), stderr)));
  }

  /** Starts {@code ticklake ARGS} in a new JVM with extra environment variables. */
  static ChildJvm start(Map<String, String> env, String markerPrefix, String... args)
      throws IOException {
    return start(List.of("-Xmx1g"), env, markerPrefix, args);
  }

  /** Starts {@code ticklake ARGS} in a new JVM with these JVM options (e.g. its heap). */
  static ChildJvm start(
      List<String> jvmOptions, Map<String, String> env, String markerPrefix, String... args)
      throws IOException {
    return startMain(jvmOptions, env, markerPrefix, "io.ticklake.cli.Main", args);
  }

  /** Starts {@code mainClass ARGS} (on the test's classpath) in a new JVM with these options. */
  public static ChildJvm startMain(
      List<String> jvmOptions,
      Map<String, String> env,
      String markerPrefix,
      String mainClass,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    String flags = System.getProperty("ticklake.jvm.flags", "");
    for (String f : flags.split("\\s+")) {
      if (!f.isBlank()) {
        cmd.add(f);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    return new ChildJvm(pb.start(), markerPrefix);
  }

  private void pump(java.io.InputStream in, List<String> sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (sink) {
          sink.add(line);
        }
        if (markerPrefix != null && line.startsWith(markerPrefix)) {
          marker.countDown();
        }
      }
    } catch (IOException e) {
      // the process died: that is what crash tests do
    }
  }

  /** Waits for the marker line, then kills the process with SIGKILL. Returns false on timeout. */
  boolean killAtMarker(long timeoutSeconds) throws InterruptedException {
    boolean seen = marker.await(timeoutSeconds, TimeUnit.SECONDS);
    // destroyForcibly is SIGKILL on Linux: no shutdown hooks, no finally blocks
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return seen;
  }

  /** Kills the process with SIGKILL after {@code millis}; returns true if it was still running. */
  boolean killAfter(long millis) throws InterruptedException {
    boolean exited = process.waitFor(millis, TimeUnit.MILLISECONDS);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return !exited;
  }

  /** Waits for the process to exit and returns its exit code. */
  public int waitFor(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish in " + timeoutSeconds + " s: " + stderr());
    }
    readers.join();
    return process.exitValue();
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the child printed on stdout so far. */
  public String stdout() {
    synchronized (stdout) {
      return String.join("\n", stdout);
    }
  }

  /** What the child printed on stderr so far. */
  public String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }
}

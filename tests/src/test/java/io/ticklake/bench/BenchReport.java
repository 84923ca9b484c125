package io.ticklake.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints benchmark figures and appends them to {@code target/benchmarks.txt}, so a run's numbers
 * can be copied into docs/BENCHMARKS.md with the machine and date.
 */
public final class BenchReport {
  private static final Path OUT = Path.of("target", "benchmarks.txt");

  private BenchReport() {}

  /** A line of figures. */
  public static void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    System.out.println(text);
    try {
      Files.createDirectories(OUT.getParent());
      Files.writeString(
          OUT,
          text + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The header of a benchmark: name, time, cores, max heap. */
  public static void header(String name) {
    line(
        "== %s  (%s, %d cores, max heap %d MiB, java %s)",
        name,
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));
  }

  /** Median of timings in nanoseconds. */
  public static long median(long[] nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }

  /** Runs {@code body} {@code warmups + runs} times and returns the median of the timed runs. */
  public static long time(int warmups, int runs, ThrowingRunnable body) throws Exception {
    for (int i = 0; i < warmups; i++) {
      body.run();
    }
    long[] t = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      body.run();
      t[i] = System.nanoTime() - start;
    }
    return median(t);
  }

  /**
   * The peak resident set size (VmHWM) of a process in kB, from {@code /proc/<pid>/status}; 0 when
   * it cannot be read (not Linux, or the process has exited).
   */
  public static long peakRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process just exited, or no /proc
    }
    return 0;
  }

  /**
   * CPU time this process has used so far (all threads, including DuckDB's native ones), in
   * nanoseconds; -1 when the JVM cannot tell. Divided by a wall time it gives the cores kept busy.
   */
  public static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Resets this process's VmHWM (Linux: 5 written to clear_refs); ignored elsewhere. */
  public static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux or not allowed: the peak then covers the whole process life
    }
  }

  /** A benchmark body. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    /** Runs once. */
    void run() throws Exception;
  }
}

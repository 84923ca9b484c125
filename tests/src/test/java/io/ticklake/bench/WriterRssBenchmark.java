package io.ticklake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.tests.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Peak RSS of the live writer alone at a paced 1 M events/s: a child JVM ({@link WriterRssChild})
 * with the launcher's writer settings ({@code -Xmx256m -XX:+UseSerialGC}, the project's JVM flags)
 * runs only a {@code BronzeWriter} for ~30 s (fsync batch, flush every 5 s); this JVM samples the
 * child's VmRSS every 100 ms and the child reports its VmHWM at the end. With {@code
 * -Dticklake.bench.nmt=true} the child also runs with native memory tracking: a third into the run
 * {@code jcmd VM.native_memory baseline} is taken and {@code smaps_rollup} saved ({@code
 * target/writer-rss-nmt-1.txt}), at 90 % of it the {@code summary.diff} and {@code smaps_rollup}
 * ({@code target/writer-rss-nmt-2.txt}). {@code -Dticklake.bench.childopts="…"} adds child JVM
 * options and {@code -Dticklake.bench.arenas=N} sets the child's {@code MALLOC_ARENA_MAX}. Run with
 * {@code mvn -o -Pbench -pl tests -am verify -Dtest=WriterRssBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true}.
 */
@Tag("benchmark")
class WriterRssBenchmark {
  private static final long SECONDS = Long.getLong("ticklake.bench.seconds", 30);
  private static final long RATE = Long.getLong("ticklake.bench.rate", 1_000_000);
  private static final int FLUSH_EVENTS =
      Integer.getInteger("ticklake.bench.flushEvents", 10_000_000);

  @Test
  void peakRssAtOneMillionEventsPerSecond() throws Exception {
    BenchReport.header("WriterRssBenchmark");
    Path dir = Path.of("target", "writer-rss").toAbsolutePath();
    LiveWriterBenchmark.clean(dir);
    // the launcher's writer settings (bin/ticklake); -Dticklake.bench.g1=true for the JVM default
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
    if (!Boolean.getBoolean("ticklake.bench.g1")) {
      jvm.add("-XX:+UseSerialGC");
    }
    boolean nmt = Boolean.getBoolean("ticklake.bench.nmt");
    if (nmt) {
      jvm.add("-XX:NativeMemoryTracking=summary");
    }
    for (String o : System.getProperty("ticklake.bench.childopts", "").split("\\s+")) {
      if (!o.isBlank()) {
        jvm.add(o);
      }
    }
    Map<String, String> env = new HashMap<>();
    String arenas = System.getProperty("ticklake.bench.arenas", "");
    if (!arenas.isBlank()) {
      env.put("MALLOC_ARENA_MAX", arenas);
    }
    ChildJvm child =
        ChildJvm.startMain(
            jvm,
            env,
            null,
            WriterRssChild.class.getName(),
            dir.toString(),
            Long.toString(SECONDS),
            Long.toString(RATE),
            Integer.toString(FLUSH_EVENTS));
    long pid = child.pid();
    long start = System.nanoTime();
    long maxRss = 0;
    long maxAt = 0;
    long samples = 0;
    boolean dumped = false;
    boolean baselined = false;
    long hwm = 0;
    StringBuilder timeline = new StringBuilder();
    while (child.isAlive()) {
      long rss = statusKb(pid, "VmRSS:");
      if (rss > maxRss) {
        maxRss = rss;
        maxAt = System.nanoTime() - start;
      }
      if (samples % 50 == 0) {
        timeline.append(
            String.format(Locale.ROOT, " %.0fs:%d", (System.nanoTime() - start) / 1e9, rss >> 10));
      }
      samples++;
      hwm = Math.max(hwm, BenchReport.peakRssKb(pid));
      long elapsed = System.nanoTime() - start;
      if (nmt && !baselined && elapsed > SECONDS * 1_000_000_000L / 3) {
        baselined = true;
        dump(pid, "baseline", "writer-rss-nmt-1.txt");
      }
      if (nmt && !dumped && elapsed > SECONDS * 900_000_000L) {
        dumped = true;
        dump(pid, "summary.diff", "writer-rss-nmt-2.txt");
      }
      Thread.sleep(100);
    }
    int exit = child.waitFor(60);
    for (String line : child.stdout().split("\n")) {
      if (line.startsWith("REPORT ")) {
        BenchReport.line("%s", line.substring(7));
      }
    }
    BenchReport.line(
        "  child JVM %s, MALLOC_ARENA_MAX=%s: VmRSS sampled every 100 ms (n=%d): max %,d kB = %.0f"
            + " MB at %.1f s; VmHWM (last reading) %,d kB = %.0f MB",
        String.join(" ", jvm),
        arenas.isBlank() ? "unset" : arenas,
        samples,
        maxRss,
        maxRss / 1024.0,
        maxAt / 1e9,
        hwm,
        hwm / 1024.0);
    BenchReport.line("  VmRSS every 5 s since the child started (s:MB):%s", timeline);
    assertThat(exit).as(child.stderr()).isZero();
    LiveWriterBenchmark.clean(dir);
  }

  private static long statusKb(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
        }
      }
    } catch (Exception e) {
      // the child just exited
    }
    return 0;
  }

  private static void dump(long pid, String what, String file) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", what)
            .redirectErrorStream(true)
            .start();
    String nmt = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String smaps = Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup"));
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    Path out = Path.of("target", file);
    Files.writeString(out, nmt + "\n--- smaps_rollup\n" + smaps + "\n--- status\n" + status);
    BenchReport.line("  NMT %s, smaps_rollup and status: %s", what, out);
  }
}

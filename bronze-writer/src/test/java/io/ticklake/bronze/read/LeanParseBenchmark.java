package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Parse throughput of {@link LeanTickReader} over every Lean tick zip of a data folder, against a
 * baseline that only unzips and splits the same lines in the same process.
 *
 * <p>Runs only when a data folder is given: {@code -Dticklake.data=/path/to/data} or the
 * environment variable {@code TICKLAKE_DATA} (the folder holding {@code lean/equity/usa/tick}).
 * {@code mvn -o -q -pl bronze-writer test -Pbench -Dticklake.data=DIR (the vendor data folder)
 * -Dtest=LeanParseBenchmark}. Figures are printed and appended to {@code target/benchmarks.txt}.
 */
@Tag("benchmark")
class LeanParseBenchmark {
  private static final int WARMUPS = 2;
  private static final int RUNS = 5;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final AtomicLong CPU_NANOS = new AtomicLong();

  @Test
  void leanTickParseThroughput() throws Exception {
    List<Path> files = leanTickFiles();
    assumeTrue(!files.isEmpty(), "set -Dticklake.data or TICKLAKE_DATA to a folder with lean/");
    long bytes = 0;
    for (Path f : files) {
      bytes += uncompressedSize(f);
    }
    header("LeanParseBenchmark");
    line("files: %d Lean tick zips, %.1f MB of CSV", files.size(), bytes / 1e6);

    long[] baselineRows = new long[1];
    long baseline = median(() -> baselineRows[0] = baseline(files));
    long[] parsedRows = new long[1];
    long[] cpu = new long[RUNS];
    int[] run = new int[1];
    long parse =
        median(
            () -> {
              CPU_NANOS.set(0);
              parsedRows[0] = parse(files, 1);
              cpu[run[0]++ % RUNS] = CPU_NANOS.get();
            });
    Arrays.sort(cpu);
    long parseCpu = cpu[RUNS / 2];
    long[] parsedRows2 = new long[1];
    long parse2 = median(() -> parsedRows2[0] = parse(files, 2));

    assertThat(parsedRows[0]).isEqualTo(baselineRows[0]);
    assertThat(parsedRows2[0]).isEqualTo(baselineRows[0]);
    long rows = baselineRows[0];
    line(
        "baseline unzip+split lines: %,d lines in %.3f s = %.2f M lines/s (%.0f MB/s)",
        rows, baseline / 1e9, rows / (baseline / 1e9) / 1e6, bytes / (baseline / 1e9) / 1e6);
    line(
        "LeanTickReader, 1 thread:   %,d rows  in %.3f s = %.2f M rows/s (%.0f MB/s)",
        rows, parse / 1e9, rows / (parse / 1e9) / 1e6, bytes / (parse / 1e9) / 1e6);
    line(
        "LeanTickReader, 1 thread, CPU time of the parsing thread: %.3f s = %.2f M rows per"
            + " CPU-second (%.0f ns/row)",
        parseCpu / 1e9, rows / (parseCpu / 1e9) / 1e6, parseCpu / (double) rows);
    line(
        "LeanTickReader, 2 threads:  %,d rows  in %.3f s = %.2f M rows/s",
        rows, parse2 / 1e9, rows / (parse2 / 1e9) / 1e6);
    line(
        "ratio parse/baseline time (1 thread): %.2f; parse-only cost %.0f ns/row",
        (double) parse / baseline, (parse - baseline) / (double) rows);
  }

  private static List<Path> leanTickFiles() throws IOException {
    String root = System.getProperty("ticklake.data");
    if (root == null || root.isBlank()) {
      root = System.getenv("TICKLAKE_DATA");
    }
    if (root == null || root.isBlank()) {
      return List.of();
    }
    Path tick = Path.of(root, "lean", "equity", "usa", "tick");
    if (!Files.isDirectory(tick)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(tick, 2)) {
      return walk.filter(p -> p.getFileName().toString().matches("\\d{8}_(trade|quote)\\.zip"))
          .sorted()
          .toList();
    }
  }

  private static long fileSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long uncompressedSize(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      return z.entries().nextElement().getSize();
    }
  }

  /** Unzips and splits lines only: the floor any reader pays. */
  private static long baseline(List<Path> files) throws IOException {
    long lines = 0;
    for (Path f : files) {
      try (ZipFile z = new ZipFile(f.toFile())) {
        ZipEntry e = z.entries().nextElement();
        try (InputStream in = z.getInputStream(e)) {
          LineSource source = new LineSource(in);
          while (source.next()) {
            lines++;
          }
        }
      }
    }
    return lines;
  }

  /** Parses all files on {@code threads} threads, largest files first from a shared queue. */
  private static long parse(List<Path> files, int threads) throws Exception {
    LeanTickReader reader = new LeanTickReader();
    List<Path> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(LeanParseBenchmark::fileSize).reversed());
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  Counting sink = new Counting();
                  long cpu0 = THREADS.getCurrentThreadCpuTime();
                  for (int i = next.getAndIncrement();
                      i < bySize.size();
                      i = next.getAndIncrement()) {
                    reader.read(bySize.get(i), sink);
                  }
                  CPU_NANOS.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
                  assertThat(sink.errors).isZero();
                  assertThat(sink.checksum).isNotZero();
                  return sink.rows;
                }));
      }
      long rows = 0;
      for (Future<Long> r : results) {
        rows += r.get();
      }
      return rows;
    } finally {
      pool.shutdown();
    }
  }

  /** Counts rows and folds a few fields into a checksum so no work is optimised away. */
  private static final class Counting implements RowSink {
    long rows;
    long errors;
    long checksum;

    @Override
    public void trade(TradeRow row) {
      rows++;
      checksum +=
          row.tsEventMicros() ^ row.price().unscaledValue().longValue() ^ row.size().scale();
    }

    @Override
    public void quote(QuoteRow row) {
      rows++;
      checksum += row.tsEventMicros() ^ (row.bidPrice() == null ? 1 : row.bidPrice().signum());
    }

    @Override
    public void error(ParseError error) {
      errors++;
    }
  }

  interface Body {
    void run() throws Exception;
  }

  private static long median(Body body) throws Exception {
    for (int i = 0; i < WARMUPS; i++) {
      body.run();
    }
    long[] nanos = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      body.run();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[RUNS / 2];
  }

  private static void header(String name) throws IOException {
    line(
        "== %s  (%s, %d cores, max heap %d MiB, java %s)",
        name,
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));
  }

  private static void line(String format, Object... args) throws IOException {
    String text = String.format(Locale.ROOT, format, args);
    System.out.println(text);
    Path out = Path.of("target", "benchmarks.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out,
        text + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}

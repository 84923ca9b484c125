package io.ticklake.bench;

import io.ticklake.bronze.live.BronzeWriter;
import io.ticklake.bronze.live.BronzeWriterOptions;
import io.ticklake.bronze.live.EventBatcher;
import io.ticklake.bronze.live.EventLineException;
import io.ticklake.bronze.live.EventLineParser;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalRows;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Live writer end to end, in one JVM: sustained WAL → committed Bronze throughput with a flush
 * every 5 s, commit latency, ack latency per fsync policy, for (a) the Java API ({@link
 * BronzeWriter#append(WalTable, VectorSchemaRoot)} of ready 10,000-event Arrow batches) and (b) the
 * stdin path (JSONL lines through {@link EventBatcher}, appended every 10,000 lines), with the old
 * per-line parser ({@link EventLineParser}, Jackson) timed on the same lines for comparison. Run
 * with {@code mvn -o -Pbench -pl tests -am verify -Dtest=LiveWriterBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true}.
 */
@Tag("benchmark")
class LiveWriterBenchmark {
  private static final int BATCH = 10_000;
  private static final long T0 = 1_582_329_600_000_000L; // 2020-02-22T00:00:00Z
  private static final Duration FLUSH = Duration.ofSeconds(5);
  private static final long SECONDS = Long.getLong("ticklake.bench.seconds", 15);

  @Test
  void sustainedThroughputAndLatency() throws Exception {
    BenchReport.header("LiveWriterBenchmark");
    Path base = Path.of("target", "live-bench").toAbsolutePath();
    for (FsyncPolicy p : new FsyncPolicy[] {FsyncPolicy.BATCH, FsyncPolicy.OS}) {
      clean(base);
      javaApi(base.resolve("api-" + p), p);
    }
    clean(base);
    jsonl(base.resolve("jsonl"), FsyncPolicy.BATCH);
    clean(base);
    BenchReport.line("peak RSS of this JVM (VmHWM): %s", IngestBenchmark.peakRss());
  }

  private static BronzeWriterOptions options(String id, FsyncPolicy p) {
    // flush every 5 s (or 10 M events); at most 20 M uncommitted events per table, beyond which
    // appends wait for the flush (backpressure), so the append rate settles at the flush rate
    return BronzeWriterOptions.of(id)
        .withWal(WalOptions.defaults().withFsyncPolicy(p))
        .withFlush(FLUSH, 10_000_000);
  }

  private static void javaApi(Path dir, FsyncPolicy p) throws Exception {
    try (Warehouse wh = Warehouse.open(WarehouseConfig.embedded(dir))) {
      new LakeInitializer(wh).commit();
      ExchangeCalendars cals = ExchangeTable.load(wh.catalog());
      long events = 0;
      List<Long> acks = new ArrayList<>();
      long t0;
      long cpu0;
      long appended;
      BronzeWriter w = BronzeWriter.open(wh, cals, options("api", p));
      long[] commits;
      try (VectorSchemaRoot trades = w.newBatch(WalTable.TRADES);
          VectorSchemaRoot quotes = w.newBatch(WalTable.QUOTES)) {
        Random r = new Random(1);
        for (int i = 0; i < BATCH; i++) {
          WalRows.setTrade(trades, i, trade(r, i));
          WalRows.setQuote(quotes, i, quote(r, i));
        }
        trades.setRowCount(BATCH);
        quotes.setRowCount(BATCH);
        cpu0 = cpuNanos();
        t0 = System.nanoTime();
        long end = t0 + SECONDS * 1_000_000_000L;
        while (System.nanoTime() < end) {
          long a = System.nanoTime();
          w.append(WalTable.TRADES, trades);
          long b = System.nanoTime();
          w.append(WalTable.QUOTES, quotes);
          long c = System.nanoTime();
          acks.add(b - a);
          acks.add(c - b);
          events += 2L * BATCH;
        }
        appended = System.nanoTime();
      } finally {
        w.close();
      }
      long done = System.nanoTime();
      long cpu = cpuNanos() - cpu0;
      commits = w.commitNanos();
      long[] iceberg = w.icebergCommitNanos();
      long committed = w.committedRows(WalTable.TRADES)[0] + w.committedRows(WalTable.QUOTES)[0];
      if (committed != events) {
        throw new AssertionError("committed " + committed + " of " + events + " events");
      }
      BenchReport.line(
          "Java API, fsync %s: %,d events appended in %.1f s (%.2f M/s), all committed after"
              + " %.1f s: sustained WAL -> committed Bronze %.2f M events/s",
          p,
          events,
          (appended - t0) / 1e9,
          events / ((appended - t0) / 1e3),
          (done - t0) / 1e9,
          events / ((done - t0) / 1e3));
      BenchReport.line(
          "  CPU of the whole JVM (all threads, DuckDB included): %.1f s = %.2f M events per"
              + " CPU-second (2 cores: at most %.2f M events/s)",
          cpu / 1e9, events / (cpu / 1e3), 2 * events / (cpu / 1e3));
      BenchReport.line(
          "  ack latency (%d-event appends, n=%d): p50 %.2f ms, p99 %.2f ms",
          BATCH, acks.size(), pct(acks, 50) / 1e6, pct(acks, 99) / 1e6);
      BenchReport.line(
          "  commit latency (WAL read + Parquet + Iceberg commit per table and flush, n=%d): p50"
              + " %.0f ms, p99 %.0f ms, max %.0f ms",
          commits.length, pct(commits, 50) / 1e6, pct(commits, 99) / 1e6, pct(commits, 100) / 1e6);
      BenchReport.line(
          "  of which the Iceberg commits (quarantine + Bronze append): p50 %.0f ms, p99 %.0f ms",
          pct(iceberg, 50) / 1e6, pct(iceberg, 99) / 1e6);
    }
  }

  private static void jsonl(Path dir, FsyncPolicy p) throws Exception {
    List<String> lines = new ArrayList<>();
    Random r = new Random(2);
    int n = 500_000;
    for (int i = 0; i < n; i++) {
      lines.add(line(r, i + 1));
    }
    // the old path: one Jackson tree, map and BigDecimal set per line, parse only
    EventLineParser parser = new EventLineParser(EventLineParser.Format.JSONL);
    long parsed = 0;
    long a = System.nanoTime();
    for (int round = 0; round < 2; round++) {
      for (String l : lines) {
        if (parser.parse(l, 1) != null) {
          parsed++;
        }
      }
    }
    double parserRate = parsed / ((System.nanoTime() - a) / 1e3);
    try (Warehouse wh = Warehouse.open(WarehouseConfig.embedded(dir))) {
      new LakeInitializer(wh).commit();
      ExchangeCalendars cals = ExchangeTable.load(wh.catalog());
      BronzeWriter w = BronzeWriter.open(wh, cals, options("jsonl", p));
      long events = 0;
      long addNanos = 0;
      long appendNanos = 0;
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      try (EventBatcher batcher = new EventBatcher(w, EventLineParser.Format.JSONL, BATCH, 0, 0)) {
        long end = t0 + SECONDS * 1_000_000_000L;
        long lineNo = 0;
        while (System.nanoTime() < end) {
          long s = System.nanoTime();
          for (int i = 0; i < BATCH; i++) {
            try {
              batcher.add(lines.get((int) (lineNo++ % n)), lineNo);
            } catch (EventLineException e) {
              throw new AssertionError(e);
            }
          }
          long m = System.nanoTime();
          batcher.appendPending();
          appendNanos += System.nanoTime() - m;
          addNanos += m - s;
          events += BATCH;
        }
      } finally {
        w.close();
      }
      long done = System.nanoTime();
      long cpu = cpuNanos() - cpu0;
      long committed = w.committedRows(WalTable.TRADES)[0] + w.committedRows(WalTable.QUOTES)[0];
      if (committed != events) {
        throw new AssertionError("committed " + committed + " of " + events + " events");
      }
      long[] commits = w.commitNanos();
      long[] iceberg = w.icebergCommitNanos();
      BenchReport.line(
          "  CPU of the whole JVM: %.1f s = %.2f M events per CPU-second (2 cores: at most %.2f M"
              + " events/s)",
          cpu / 1e9, events / (cpu / 1e3), 2 * events / (cpu / 1e3));
      BenchReport.line(
          "JSONL lines via EventBatcher, fsync %s: %,d events committed in %.1f s = %.2f M"
              + " events/s; scanning into Arrow %.2f M lines/s (%.1f s), WAL appends %.1f s",
          p,
          events,
          (done - t0) / 1e9,
          events / ((done - t0) / 1e3),
          events / (addNanos / 1e3),
          addNanos / 1e9,
          appendNanos / 1e9);
      BenchReport.line(
          "  old per-line parser (EventLineParser, Jackson) on the same lines, parse only: %.2f M"
              + " lines/s",
          parserRate);
      BenchReport.line(
          "  commit latency (n=%d): p50 %.0f ms, p99 %.0f ms; Iceberg commits: p50 %.0f ms, p99"
              + " %.0f ms",
          commits.length,
          pct(commits, 50) / 1e6,
          pct(commits, 99) / 1e6,
          pct(iceberg, 50) / 1e6,
          pct(iceberg, 99) / 1e6);
    }
  }

  private static String line(Random r, long seq) {
    long ts = T0 + seq * 7;
    String iso = Instant.ofEpochSecond(ts / 1_000_000, (ts % 1_000_000) * 1000).toString();
    if (r.nextInt(10) < 3) {
      return String.format(
          Locale.ROOT,
          "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"%s\",\"ts\":\"%s\","
              + "\"price\":\"%d.%02d\",\"size\":\"%d.%03d\",\"side\":\"%s\",\"id\":\"%d\","
              + "\"seq\":%d}",
          r.nextBoolean() ? "BTCUSDT" : "ETHUSDT",
          iso,
          9000 + r.nextInt(1000),
          r.nextInt(100),
          r.nextInt(5),
          r.nextInt(1000),
          r.nextBoolean() ? "buy" : "sell",
          1_000_000 + seq,
          seq);
    }
    int bid = 9000 + r.nextInt(1000);
    return String.format(
        Locale.ROOT,
        "{\"type\":\"quote\",\"exchange\":\"binance-futures\",\"symbol\":\"%s\",\"ts\":\"%s\","
            + "\"bid_price\":\"%d.00\",\"bid_size\":\"%d.%03d\",\"ask_price\":\"%d.10\","
            + "\"ask_size\":\"%d.%03d\",\"seq\":%d}",
        r.nextBoolean() ? "BTCUSDT" : "ETHUSDT",
        iso,
        bid,
        r.nextInt(20),
        r.nextInt(1000),
        bid,
        r.nextInt(20),
        r.nextInt(1000),
        seq);
  }

  static TradeRow trade(Random r, int i) {
    return new TradeRow(
        i % 2 == 0 ? "BTCUSDT" : "ETHUSDT",
        "binance-futures",
        T0 + i * 7L,
        null,
        null,
        BigDecimal.valueOf(900_000 + r.nextInt(100_000), 2).setScale(9),
        BigDecimal.valueOf(r.nextInt(5000) + 1, 3).setScale(8),
        null,
        r.nextBoolean() ? TradeRow.BUY : TradeRow.SELL,
        Long.toString(1_000_000L + i),
        null,
        null,
        null,
        (long) i + 1,
        i + 1);
  }

  static QuoteRow quote(Random r, int i) {
    BigDecimal bid = BigDecimal.valueOf(900_000 + r.nextInt(100_000), 2).setScale(9);
    return new QuoteRow(
        i % 2 == 0 ? "BTCUSDT" : "ETHUSDT",
        "binance-futures",
        T0 + i * 7L,
        null,
        null,
        bid,
        BigDecimal.valueOf(r.nextInt(20_000) + 1, 3).setScale(8),
        bid.add(new BigDecimal("0.1")).setScale(9),
        BigDecimal.valueOf(r.nextInt(20_000) + 1, 3).setScale(8),
        null,
        null,
        null,
        null,
        (long) i + 1,
        i + 1);
  }

  /** CPU time of this process (all threads, native ones included), from /proc/self/stat. */
  static long cpuNanos() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    return ticks * 10_000_000L; // USER_HZ = 100
  }

  private static double pct(List<Long> v, int p) {
    return pct(v.stream().mapToLong(Long::longValue).toArray(), p);
  }

  static double pct(long[] v, int p) {
    if (v.length == 0) {
      return Double.NaN;
    }
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(s.length * p / 100.0) - 1)];
  }

  static void clean(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

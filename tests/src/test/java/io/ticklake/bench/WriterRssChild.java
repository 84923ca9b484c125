package io.ticklake.bench;

import io.ticklake.bronze.live.BronzeWriter;
import io.ticklake.bronze.live.BronzeWriterOptions;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalRows;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The child JVM of {@link WriterRssBenchmark}: only a {@link BronzeWriter} (fsync {@code batch},
 * flush every 5 s) fed through the Java API at a paced rate, every 10 ms one batch of trades (30 %)
 * and one of quotes (70 %), like the simulator's mix. Prints {@code READY} once the writer is open,
 * then {@code REPORT …} lines with the achieved rate and latencies; exits 1 if not every appended
 * event was committed.
 *
 * <p>Arguments: warehouse directory, seconds, events per second, flush events (per table).
 */
public final class WriterRssChild {
  private static final long TICK_NANOS = 10_000_000L;

  private WriterRssChild() {}

  /** Runs the paced writer; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seconds = Long.parseLong(args[1]);
    long rate = Long.parseLong(args[2]);
    int flushEvents = Integer.parseInt(args[3]);
    int perTick = (int) (rate * TICK_NANOS / 1_000_000_000L);
    int trades = perTick * 3 / 10;
    int quotes = perTick - trades;
    BronzeWriterOptions options =
        BronzeWriterOptions.of("rss")
            .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.BATCH))
            .withFlush(Duration.ofSeconds(5), flushEvents);
    try (Warehouse wh = Warehouse.open(WarehouseConfig.embedded(dir))) {
      new LakeInitializer(wh).commit();
      ExchangeCalendars cals = ExchangeTable.load(wh.catalog());
      BronzeWriter w = BronzeWriter.open(wh, cals, options);
      long events = 0;
      long ticks = 0;
      long lateTicks = 0;
      long[] acks = new long[(int) (seconds * 1_000_000_000L / TICK_NANOS) + 16];
      long t0;
      long appended;
      try (VectorSchemaRoot tr = w.newBatch(WalTable.TRADES);
          VectorSchemaRoot qu = w.newBatch(WalTable.QUOTES)) {
        Random r = new Random(1);
        for (int i = 0; i < trades; i++) {
          WalRows.setTrade(tr, i, LiveWriterBenchmark.trade(r, i));
        }
        for (int i = 0; i < quotes; i++) {
          WalRows.setQuote(qu, i, LiveWriterBenchmark.quote(r, i));
        }
        tr.setRowCount(trades);
        qu.setRowCount(quotes);
        System.out.println("READY");
        t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        for (long next = t0; next < end; next += TICK_NANOS) {
          long now = System.nanoTime();
          if (now < next) {
            LockSupport.parkNanos(next - now);
          } else if (now - next > TICK_NANOS) {
            lateTicks++;
          }
          long a = System.nanoTime();
          w.append(WalTable.TRADES, tr);
          w.append(WalTable.QUOTES, qu);
          if (ticks < acks.length) {
            acks[(int) ticks] = System.nanoTime() - a;
          }
          ticks++;
          events += perTick;
        }
        appended = System.nanoTime();
      } finally {
        w.close();
      }
      long done = System.nanoTime();
      long committed = w.committedRows(WalTable.TRADES)[0] + w.committedRows(WalTable.QUOTES)[0];
      long[] commits = w.commitNanos();
      long[] ack = Arrays.copyOf(acks, (int) Math.min(ticks, acks.length));
      report(
          "paced at %,d events/s (%,d trades + %,d quotes every 10 ms), fsync batch, flush every"
              + " 5 s or %,d events per table: %,d events appended in %.1f s = %.3f M events/s"
              + " achieved (%d of %d ticks started > 10 ms late); all committed %.1f s after the"
              + " start",
          rate,
          trades,
          quotes,
          flushEvents,
          events,
          (appended - t0) / 1e9,
          events / ((appended - t0) / 1e3),
          lateTicks,
          ticks,
          (done - t0) / 1e9);
      report(
          "  ack latency (one trades + one quotes append, n=%d): p50 %.2f ms, p99 %.2f ms, max %.1f"
              + " ms",
          ack.length,
          LiveWriterBenchmark.pct(ack, 50) / 1e6,
          LiveWriterBenchmark.pct(ack, 99) / 1e6,
          LiveWriterBenchmark.pct(ack, 100) / 1e6);
      report(
          "  flush/commit latency (WAL read + Parquet + Iceberg commit per table and flush, n=%d):"
              + " p50 %.0f ms, p99 %.0f ms, max %.0f ms",
          commits.length,
          LiveWriterBenchmark.pct(commits, 50) / 1e6,
          LiveWriterBenchmark.pct(commits, 99) / 1e6,
          LiveWriterBenchmark.pct(commits, 100) / 1e6);
      report("  child VmHWM at the end: %s", status("VmHWM:"));
      if (committed != events) {
        System.out.println("committed " + committed + " of " + events + " events");
        System.exit(1);
      }
    }
  }

  private static void report(String format, Object... args) {
    System.out.println("REPORT " + String.format(Locale.ROOT, format, args));
  }

  private static String status(String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim();
      }
    }
    return "unknown";
  }
}

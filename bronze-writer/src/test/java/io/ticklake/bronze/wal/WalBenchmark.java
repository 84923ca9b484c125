package io.ticklake.bronze.wal;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * WAL append rate per fsync policy against a raw {@link ArrowStreamWriter} writing the same batch
 * to the same disk in the same run, and ack latency per policy. Run with {@code mvn -o -q -Pbench
 * -pl bronze-writer test -Dtest=WalBenchmark -Dspotless.check.skip=true}.
 */
@Tag("benchmark")
class WalBenchmark {
  private static final int ROWS = 10_000;
  private static final int BATCHES = 300;

  @Test
  void appendRateAndAckLatency() throws Exception {
    Path base = Paths.get("target", "wal-bench").toAbsolutePath();
    clean(base);
    Files.createDirectories(base);
    try (RootAllocator alloc = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(WalTable.TRADES.schema(), alloc)) {
      WalRows.fillTrades(root, WalFixtures.trades(1, ROWS));
      for (int round = 0; round < 3; round++) {
        String tag = round == 0 ? "warm-up" : "run " + round;
        double raw = raw(base.resolve("raw" + round + ".arrows"), root, false);
        double rawSync = raw(base.resolve("raw-sync" + round + ".arrows"), root, true);
        System.out.printf(
            Locale.ROOT,
            "[%s] raw ArrowStreamWriter: %.2f M events/s; raw + fsync after each batch: %.2f M"
                + " events/s%n",
            tag,
            raw,
            rawSync);
        for (FsyncPolicy p : FsyncPolicy.values()) {
          double rate =
              wal(
                  base.resolve(p + "-" + round),
                  root,
                  p,
                  p == FsyncPolicy.EVERY ? 60 : BATCHES,
                  false);
          double piped =
              p == FsyncPolicy.BATCH
                  ? wal(base.resolve(p + "-piped-" + round), root, p, BATCHES, true)
                  : Double.NaN;
          System.out.printf(
              Locale.ROOT,
              "[%s] WAL %s: %.2f M events/s (%.2fx raw, %.2fx raw+fsync)%s%n",
              tag,
              p,
              rate,
              rate / raw,
              rate / rawSync,
              Double.isNaN(piped)
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; pipelined write+awaitDurable: %.2f M events/s (%.2fx raw, %.2fx"
                          + " raw+fsync)",
                      piped,
                      piped / raw,
                      piped / rawSync));
        }
        clean(base);
        Files.createDirectories(base);
      }
      for (FsyncPolicy p : FsyncPolicy.values()) {
        latency(base.resolve("lat-" + p), p);
      }
      rowApi(base.resolve("rows"));
    }
    clean(base);
  }

  /** The baseline: the same batches through a plain stream writer, forced after each if sync. */
  private static double raw(Path file, VectorSchemaRoot root, boolean sync) throws Exception {
    long t0 = System.nanoTime();
    try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ArrowStreamWriter w = new ArrowStreamWriter(root, null, ch)) {
      w.start();
      for (int i = 0; i < BATCHES; i++) {
        w.writeBatch();
        if (sync) {
          ch.force(false);
        }
      }
      w.end();
    }
    return (double) ROWS * BATCHES / (System.nanoTime() - t0) * 1e3;
  }

  private static double wal(
      Path dir, VectorSchemaRoot root, FsyncPolicy p, int batches, boolean pipelined) {
    WalOptions opts = WalOptions.defaults().withFsyncPolicy(p);
    long t0 = System.nanoTime();
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      long last = 0;
      for (int i = 0; i < batches; i++) {
        last = pipelined ? wal.write(root).last() : wal.append(root).last();
      }
      wal.awaitDurable(last);
    }
    return (double) ROWS * batches / (System.nanoTime() - t0) * 1e3;
  }

  private static void latency(Path dir, FsyncPolicy p) {
    int n = p == FsyncPolicy.EVERY ? 300 : 1000;
    long[] ns = new long[n];
    try (WalWriter wal =
            WalWriter.open(dir, WalTable.TRADES, WalOptions.defaults().withFsyncPolicy(p));
        VectorSchemaRoot small = wal.newBatch()) {
      WalRows.fillTrades(small, WalFixtures.trades(1, 100));
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        wal.append(small);
        ns[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(ns);
    System.out.printf(
        Locale.ROOT,
        "ack latency %s (100-event appends, one thread, n=%d): p50 %.3f ms, p99 %.3f ms%n",
        p,
        n,
        ns[n / 2] / 1e6,
        ns[n * 99 / 100] / 1e6);
  }

  private static void rowApi(Path dir) {
    var rows = WalFixtures.trades(1, ROWS);
    long t0 = System.nanoTime();
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, WalOptions.defaults())) {
      for (int i = 0; i < 100; i++) {
        wal.appendTrades(rows);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "appendTrades(List<TradeRow>) BATCH incl. row->Arrow conversion: %.2f M events/s%n",
        (double) ROWS * 100 / (System.nanoTime() - t0) * 1e3);
  }

  private static void clean(Path dir) throws Exception {
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

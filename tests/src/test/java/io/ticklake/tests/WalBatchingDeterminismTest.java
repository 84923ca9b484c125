package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.live.BronzeWriter;
import io.ticklake.bronze.live.BronzeWriterOptions;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism across ways into Bronze: the same trades (no vendor id or sequence, with identical
 * prints) written through the live writer in WAL batches flushed as several Bronze commits, or in
 * one batch, or ingested as one vendor file, compact to the same partition digest and row counts.
 */
class WalBatchingDeterminismTest {
  private static final String EXCHANGE = "binance-futures";
  private static final long T0 = Instant.parse("2024-03-01T00:10:00Z").toEpochMilli() * 1000;

  @TempDir Path dir;

  @Test
  void walBatchesAndOneFileGiveTheSameDigest() throws Exception {
    List<TradeRow> events = events(3_000, 5);
    long identical = 0;
    for (int i = 1; i < events.size(); i++) {
      if (sameContent(events.get(i), events.get(i - 1))) {
        identical++;
      }
    }
    assertThat(identical).as("identical prints in the stream").isPositive();

    PartitionResult file = viaFile(events);
    PartitionResult oneBatch = viaWriter("one", events, new int[] {events.size()});
    PartitionResult batches = viaWriter("many", events, new int[] {1, 17, 250, 999, 3, 1_000});

    assertThat(file.rowsOut()).isEqualTo(events.size());
    assertThat(file.duplicates()).isZero();
    for (PartitionResult r : List.of(oneBatch, batches)) {
      assertThat(r.rowsIn()).isEqualTo(events.size());
      assertThat(r.duplicates()).isZero();
      assertThat(r.rowsOut()).isEqualTo(file.rowsOut());
      assertThat(r.digest()).isEqualTo(file.digest());
    }
  }

  private PartitionResult viaWriter(String name, List<TradeRow> events, int[] batchSizes)
      throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve(name)))) {
      new LakeInitializer(w).commit();
      BronzeWriterOptions options =
          BronzeWriterOptions.of("writer-" + name)
              .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS))
              .withFlush(Duration.ofMinutes(10), 1_000_000);
      int from = 0;
      int commits = 0;
      try (BronzeWriter writer = BronzeWriter.open(w, ExchangeTable.load(w.catalog()), options)) {
        for (int i = 0; from < events.size(); i++) {
          int to = Math.min(events.size(), from + batchSizes[i % batchSizes.length]);
          writer.appendTrades(events.subList(from, to));
          from = to;
          if (i % 2 == 1) {
            writer.flush(); // a Bronze commit every other WAL batch
            commits++;
          }
        }
        writer.flush();
        commits++;
      }
      if (batchSizes.length > 1) {
        assertThat(commits).isGreaterThan(2);
      }
      return compact(w);
    }
  }

  private PartitionResult viaFile(List<TradeRow> events) throws Exception {
    StringBuilder csv = new StringBuilder("ts_us,symbol,price,size,side\n");
    for (TradeRow t : events) {
      csv.append(t.tsEventMicros())
          .append(',')
          .append(t.symbol())
          .append(',')
          .append(t.price().toPlainString())
          .append(',')
          .append(t.size().toPlainString())
          .append(',')
          .append(t.side())
          .append('\n');
    }
    Path file = dir.resolve("trades.csv");
    Files.writeString(file, csv);
    Path mapping = dir.resolve("mapping.json");
    Files.writeString(
        mapping,
        """
        {"name": "same", "format": "csv", "data_type": "trades", "header": true,
         "fields": {"symbol": "symbol", "exchange": {"value": "binance-futures"},
                    "ts_event": {"column": "ts_us", "unit": "us"},
                    "price": "price", "size": "size", "side": "side"}}
        """);
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("file")))) {
      new LakeInitializer(w).commit();
      new IngestJob(
              w,
              VendorReaders.forVendor("csv", mapping),
              ExchangeTable.load(w.catalog()),
              null,
              1,
              null,
              Clock.systemUTC())
          .run(List.of(file));
      return compact(w);
    }
  }

  private static PartitionResult compact(Warehouse w) {
    List<PartitionResult> results =
        new SilverCompactor(
                w, SilverTable.TRADES, CompactOptions.defaults().withThreads(1), Clock.systemUTC())
            .run();
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  /** Trades in time order without ids; about every 10th is repeated as an identical print. */
  private static List<TradeRow> events(int n, long seed) {
    Random r = new Random(seed);
    List<TradeRow> out = new ArrayList<>();
    long ts = T0;
    while (out.size() < n) {
      ts += r.nextInt(3) * 1000L;
      TradeRow t =
          new TradeRow(
              r.nextBoolean() ? "BTCUSDT" : "ETHUSDT",
              EXCHANGE,
              ts,
              null,
              null,
              BigDecimal.valueOf(90_000 + r.nextInt(50), 1).setScale(9),
              BigDecimal.valueOf(1 + r.nextInt(500), 3).setScale(8),
              null,
              r.nextBoolean() ? TradeRow.BUY : TradeRow.SELL,
              null,
              null,
              null,
              null,
              null,
              out.size() + 1);
      out.add(t);
      if (r.nextInt(10) == 0 && out.size() < n) {
        out.add(
            new TradeRow(
                t.symbol(),
                EXCHANGE,
                t.tsEventMicros(),
                null,
                null,
                t.price(),
                t.size(),
                null,
                t.side(),
                null,
                null,
                null,
                null,
                null,
                out.size() + 1));
      }
    }
    return out;
  }

  private static boolean sameContent(TradeRow a, TradeRow b) {
    return a.symbol().equals(b.symbol())
        && a.tsEventMicros() == b.tsEventMicros()
        && a.price().equals(b.price())
        && a.size().equals(b.size())
        && a.side().equals(b.side());
  }
}

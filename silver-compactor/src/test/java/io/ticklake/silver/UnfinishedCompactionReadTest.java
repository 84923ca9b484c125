package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction commits a partition's quarantine rows, then its Silver rows. A read of the lake
 * between the two (a run still going, or one that died there, also {@code --as-of} a time in that
 * window) must not pair the new run's quarantine rows with the old run's Silver rows: every Bronze
 * row the Silver partition was built from is then in Silver or in the quarantine, once.
 */
class UnfinishedCompactionReadTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  private static final String SILVER_ROWS = "SELECT count(*) FROM silver.trades";
  private static final String QUARANTINED =
      "SELECT count(*) FROM ops.quarantine WHERE source_table = 'silver.trades'";

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  private static Trade good(int ms) {
    return new Trade("BTCUSDT", T0.plusMillis(ms), "100", "1", "buy");
  }

  private static Trade bad(int ms) {
    return new Trade("BTCUSDT", T0.plusMillis(ms), "100", "1", "weird");
  }

  @Test
  void quarantineRowsOfACompactionWhoseSilverCommitIsMissingAreNotPairedWithOldSilverRows()
      throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir);
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(List.of(good(0), bad(1))));
      compactor(w).run();
      // the next run of the partition commits its quarantine rows (2 now) and dies before its
      // Silver commit: a real run whose Silver commit is rolled back leaves exactly that
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(List.of(good(2), bad(3))));
      compactor(w).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.manageSnapshots().rollbackTo(silver.currentSnapshot().parentId()).commit();
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      Snapshot unfinished = quarantine.currentSnapshot();
      Thread.sleep(5);
      Instant between = Instant.now();
      Thread.sleep(5);

      List<String> notes = new ArrayList<>();
      bridge.registerAll(w.catalog(), AsOf.latest(), notes::add);
      assertThat(bridge.queryLong(SILVER_ROWS)).isEqualTo(1);
      assertThat(bridge.queryLong(QUARANTINED)).isEqualTo(1); // the rows of the Silver rebuild
      assertThat(notes)
          .containsExactly(
              "ops.quarantine shows silver.trades partition binance-futures/2024-03-01 as its"
                  + " last finished compaction left it: a later compaction committed its"
                  + " quarantine rows (snapshot "
                  + unfinished.snapshotId()
                  + ") but not its Silver rows (a run still going, or one that died: ticklake"
                  + " compact finishes it)");

      // the rerun finishes it; the window stays readable as it was, consistently
      compactor(w).run();
      notes.clear();
      bridge.registerAll(w.catalog(), AsOf.latest(), notes::add);
      assertThat(bridge.queryLong(SILVER_ROWS)).isEqualTo(2);
      assertThat(bridge.queryLong(QUARANTINED)).isEqualTo(2);
      assertThat(notes).isEmpty();
      bridge.registerAll(w.catalog(), new AsOf.Timestamp(between), notes::add);
      assertThat(bridge.queryLong(SILVER_ROWS)).isEqualTo(1);
      assertThat(bridge.queryLong(QUARANTINED)).isEqualTo(1);
      assertThat(notes)
          .singleElement()
          .asString()
          .contains("a later compaction had committed its quarantine rows (snapshot ")
          .endsWith("but not its Silver rows (a run going then, or one that died)");

      // a quarantine snapshot asked for by id is read as it is, with a note
      notes.clear();
      bridge.registerAll(w.catalog(), new AsOf.SnapshotId(unfinished.snapshotId()), notes::add);
      assertThat(bridge.queryLong(SILVER_ROWS)).isEqualTo(1);
      assertThat(bridge.queryLong(QUARANTINED)).isEqualTo(2);
      assertThat(notes)
          .containsExactly(
              "ops.quarantine is read at snapshot "
                  + unfinished.snapshotId()
                  + " as asked: its rows of silver.trades partition binance-futures/2024-03-01"
                  + " are from a compaction whose Silver rows silver.trades did not have then");
    }
  }

  @Test
  void snapshotsExpiredWhileTheViewsArePlannedAreReadAgainNotAnInternalError() throws Exception {
    // the soak of 2026-11-28 (run 4): `ticklake sql` exited 1 (NotFoundException on a
    // snap-*.avro) when a commit and an `expire --retain-last 1` of another process removed a
    // snapshot it had loaded before it planned that snapshot's files
    try (Warehouse w = BronzeFixture.warehouse(dir);
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(List.of(good(0), bad(1))));
      compactor(w).run();
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(List.of(good(2), bad(3))));
      compactor(w).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.manageSnapshots().rollbackTo(silver.currentSnapshot().parentId()).commit();

      // ops.quarantine is planned before silver.trades and hands a note while it is: then
      // another process commits to silver.trades and expires every other snapshot of it
      List<String> notes = new ArrayList<>();
      bridge.registerAll(
          w.catalog(),
          AsOf.latest(),
          note -> {
            if (notes.isEmpty()) {
              Table other = w.table(TableContracts.SILVER_TRADES.id());
              other.newAppend().commit();
              other
                  .expireSnapshots()
                  .expireOlderThan(System.currentTimeMillis() + 1)
                  .retainLast(1)
                  .commit();
            }
            notes.add(note);
          });

      assertThat(bridge.queryLong(SILVER_ROWS)).isEqualTo(1);
      assertThat(notes).hasSize(1);
    }
  }

  @Test
  void aNewPartitionWhoseFirstCompactionDiedShowsNoQuarantineRows() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir);
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(List.of(good(0), bad(1))));
      compactor(w).run();
      Instant nextDay = T0.plusSeconds(86_400);
      BronzeFixture.appendTradeFiles(
          bronze,
          2,
          List.of(
              List.of(
                  new Trade("BTCUSDT", nextDay, "100", "1", "buy"),
                  new Trade("BTCUSDT", nextDay.plusMillis(1), "100", "1", "weird"))));
      compactor(w).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.manageSnapshots().rollbackTo(silver.currentSnapshot().parentId()).commit();

      bridge.registerAll(w.catalog(), AsOf.latest(), note -> {});
      String day2 = " AND trading_date = DATE '2024-03-02'";
      assertThat(bridge.queryLong(SILVER_ROWS + " WHERE true" + day2)).isZero();
      assertThat(bridge.queryLong(QUARANTINED + day2)).isZero();
      assertThat(bridge.queryLong(QUARANTINED)).isEqualTo(1); // day 1's, finished
    }
  }

  @Test
  void aQueryOfOnePartitionPlansOnlyItsQuarantineFilesOfTheFinishedCompaction() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir);
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      Instant nextDay = T0.plusSeconds(86_400);
      BronzeFixture.appendTradeFiles(
          bronze,
          1,
          List.of(
              List.of(good(0), bad(1)),
              List.of(
                  new Trade("BTCUSDT", nextDay, "100", "1", "buy"),
                  new Trade("BTCUSDT", nextDay.plusMillis(1), "100", "1", "weird"))));
      compactor(w).run();
      // day 1 is compacted again and its Silver commit is lost: its quarantine rows (2 now) are
      // newer than its Silver rows
      BronzeFixture.appendTradeFiles(bronze, 3, List.of(List.of(good(2), bad(3))));
      compactor(w).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.manageSnapshots().rollbackTo(silver.currentSnapshot().parentId()).commit();

      String day1 = QUARANTINED + " AND trading_date = DATE '2024-03-01'";
      String day2 =
          QUARANTINED
              + " AND exchange = 'binance-futures' AND trading_date = DATE"
              + " '2024-03-02'";
      for (String sql : List.of(day1, day2, QUARANTINED)) {
        bridge.registerAll(w.catalog(), AsOf.latest(), note -> {});
        long expected = bridge.queryLong(sql);
        var scans = bridge.registerFor(sql, w.catalog(), AsOf.latest(), note -> {});
        assertThat(bridge.queryLong(sql))
            .as(sql)
            .isEqualTo(expected)
            .isEqualTo(sql.equals(QUARANTINED) ? 2 : 1);
        List<String> partitions =
            scans.get(TableContracts.QUARANTINE.id()).dataFiles().stream()
                .map(f -> f.partition().get(2, Integer.class).toString())
                .distinct()
                .toList();
        // 19783 is 2024-03-01, 19784 the day after
        assertThat(partitions)
            .as(sql)
            .containsExactlyInAnyOrderElementsOf(
                sql.equals(day1)
                    ? List.of("19783")
                    : sql.equals(day2) ? List.of("19784") : List.of("19783", "19784"));
      }
    }
  }
}

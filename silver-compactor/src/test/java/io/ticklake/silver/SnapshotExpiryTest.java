package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.snapshot.CompactionLog;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiring Silver and quarantine snapshots — routine maintenance that reclaims the files of
 * replaced partitions — takes the compaction markers in their summaries with it. The plan must
 * still know which partitions are compacted (from {@code ops.compaction_log}), rebuild none of them
 * for it, and still see late data.
 */
class SnapshotExpiryTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  private static final LocalDate DAY1 = LocalDate.of(2024, 3, 1);

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  private static void expireAllButCurrent(Table table) {
    table.refresh();
    table.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
  }

  private static void expireSilverAndQuarantine(Warehouse w) {
    expireAllButCurrent(w.table(TableContracts.SILVER_TRADES.id()));
    expireAllButCurrent(w.table(TableContracts.QUARANTINE.id()));
  }

  /** Three days, one with a row quarantine rejects (size 0), compacted in one run. */
  private static void threeCompactedDays(Warehouse w) {
    Table bronze = BronzeFixture.bronzeTrades(w);
    BronzeFixture.appendTradeFiles(
        bronze,
        1,
        List.of(
            List.of(
                new Trade("BTCUSDT", T0, "100", "1", "buy"),
                new Trade("BTCUSDT", T0.plusSeconds(1), "100", "0", "buy"),
                new Trade("BTCUSDT", T0.plusSeconds(86_400), "101", "1", "sell"),
                new Trade("ETHUSDT", T0.plusSeconds(2 * 86_400), "5", "2", "buy"))));
    assertThat(compactor(w).run()).hasSize(3);
  }

  @Test
  void expiredCompactionCommitsAreNotRebuiltAndLateDataStillIs() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      threeCompactedDays(w);
      expireSilverAndQuarantine(w);
      assertThat(w.table(TableContracts.SILVER_TRADES.id()).snapshots()).hasSize(1);

      assertThat(compactor(w).plan().partitions()).isEmpty();

      // late data for the first day: that partition alone
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          9,
          List.of(List.of(new Trade("BTCUSDT", T0.plusSeconds(60), "100", "3", "buy"))));
      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.key().tradingDate()).isEqualTo(DAY1);
                assertThat(t.reason()).isEqualTo("changed");
              });
      compactor(w).commit(plan);

      expireSilverAndQuarantine(w);
      assertThat(compactor(w).plan().partitions()).isEmpty();
    }
  }

  @Test
  void quarantineSnapshotsExpiredAloneMakeNothingUnfinished() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      threeCompactedDays(w);
      // the quarantine also takes ingest's and the other table's commits, so its snapshots go
      // sooner than Silver's
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      quarantine.newAppend().set("note", "a later commit").commit();
      expireAllButCurrent(quarantine);
      assertThat(compactor(w).plan().partitions()).isEmpty();
    }
  }

  @Test
  void initOnAWarehouseFromBeforeTheLogRecordsWhatIsCompacted() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      w.catalog().dropTable(TableContracts.COMPACTION_LOG.id(), true); // as before the log
      threeCompactedDays(w); // its rows have nowhere to go
      LakeInitializer.Result init = new LakeInitializer(w).commit();
      assertThat(init.compactionsLogged()).isEqualTo(3);
      assertThat(new LakeInitializer(w).commit().compactionsLogged()).isZero();

      expireSilverAndQuarantine(w);
      assertThat(compactor(w).plan().partitions()).isEmpty();
    }
  }

  /**
   * Stamps each partition's latest compaction commit again without the Bronze file-set marker, as a
   * compaction from before 2026-11-28 03:00 left it (an empty commit carrying the same markers).
   */
  private static void dropFileSetMarkers(Table table) {
    table.refresh();
    CompactionMarkers.lastCompactions(table, TableContracts.SILVER_TRADES.name())
        .values()
        .forEach(
            commit -> {
              var append = table.newAppend();
              commit.summary().entrySet().stream()
                  .filter(e -> e.getKey().startsWith("ticklake."))
                  .filter(e -> !e.getKey().equals(CompactionMarkers.BRONZE_FILES))
                  .forEach(e -> append.set(e.getKey(), e.getValue()));
              append.commit();
            });
  }

  @Test
  void initOnAWarehouseFromBeforeTheFileSetMarkerKeepsAnExpiryFromRebuildingIt() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      w.catalog().dropTable(TableContracts.COMPACTION_LOG.id(), true); // as before the log
      threeCompactedDays(w);
      dropFileSetMarkers(w.table(TableContracts.SILVER_TRADES.id()));
      dropFileSetMarkers(w.table(TableContracts.QUARANTINE.id()));
      assertThat(compactor(w).plan().partitions()).isEmpty();
      assertThat(new LakeInitializer(w).commit().compactionsLogged()).isEqualTo(3);

      // routine expiry of every table, after a later Bronze commit that touched none of the days:
      // the Bronze snapshot those compactions read goes too
      Table bronze = BronzeFixture.bronzeTrades(w);
      bronze.newAppend().set("note", "a later commit").commit();
      expireAllButCurrent(bronze);
      expireSilverAndQuarantine(w);
      assertThat(compactor(w).plan().partitions()).isEmpty(); // was: all 3 'changed'

      // and late data is still seen
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          9,
          List.of(List.of(new Trade("BTCUSDT", T0.plusSeconds(60), "100", "3", "buy"))));
      assertThat(compactor(w).plan().partitions())
          .singleElement()
          .satisfies(t -> assertThat(t.key().tradingDate()).isEqualTo(DAY1));
    }
  }

  @Test
  void aLogOfManySmallFilesIsRewrittenWithoutTheRowsThatMatchNothing() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      threeCompactedDays(w);
      Table log = w.table(TableContracts.COMPACTION_LOG.id());
      // rows of many runs whose partitions were rebuilt since (their files are gone)
      for (int i = 0; i < 70; i++) {
        CompactionLog.append(
            log,
            List.of(
                new CompactionLog.Entry(
                    "silver.trades",
                    io.ticklake.catalog.contract.ExchangeDate.of(
                        BronzeFixture.EXCHANGE, DAY1.minusDays(i + 1)),
                    i,
                    T0,
                    List.of("/gone/" + i + ".parquet"),
                    List.of(),
                    java.util.Map.of("ticklake.rows-in", "1"))));
      }
      assertThat(CompactionLog.tidy(w, log)).isTrue();
      log.refresh();
      assertThat(log.currentSnapshot().summary()).containsEntry("total-data-files", "1");
      assertThat(log.currentSnapshot().summary()).containsEntry("total-records", "3");
      assertThat(CompactionLog.tidy(w, log)).isFalse(); // small again

      // the rows kept still vouch for the three days
      expireSilverAndQuarantine(w);
      assertThat(compactor(w).plan().partitions()).isEmpty();
    }
  }

  @Test
  void aLongRunAppendsItsLogRowsAsItGoes() {
    long before = SilverCompactor.logAppendEveryNanos;
    SilverCompactor.logAppendEveryNanos = 0; // every partition counts as "long"
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      threeCompactedDays(w);
      Table log = w.table(TableContracts.COMPACTION_LOG.id());
      log.refresh();
      // one append per partition, so a run killed after its second commit keeps two rows
      assertThat(log.snapshots()).hasSize(3);
      assertThat(log.currentSnapshot().summary()).containsEntry("total-records", "3");
    } finally {
      SilverCompactor.logAppendEveryNanos = before;
    }
  }

  @Test
  void withoutAMatchingLogRowAnExpiredPartitionIsRebuiltAsBefore() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      threeCompactedDays(w);
      // a run that died before its log row was written, or a warehouse from before the log
      Table log = w.table(TableContracts.COMPACTION_LOG.id());
      log.newDelete().deleteFromRowFilter(Expressions.alwaysTrue()).commit();
      expireSilverAndQuarantine(w);

      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions()).hasSize(2); // the last day's commits are still in the history
      compactor(w).commit(plan);
      assertThat(compactor(w).plan().partitions()).isEmpty();

      // the rebuilds wrote their rows; the last day's row is still lost, so its expiry costs one
      // rebuild too, and after that expiry costs nothing
      expireSilverAndQuarantine(w);
      plan = compactor(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(t -> assertThat(t.key().tradingDate()).isEqualTo(DAY1.plusDays(2)));
      compactor(w).commit(plan);
      expireSilverAndQuarantine(w);
      assertThat(compactor(w).plan().partitions()).isEmpty();
    }
  }
}

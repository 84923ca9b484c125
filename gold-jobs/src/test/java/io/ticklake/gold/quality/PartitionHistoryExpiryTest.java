package io.ticklake.gold.quality;

import static io.ticklake.gold.quality.GoldFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.PartitionHistory;
import io.ticklake.gold.bars.BarInterval;
import io.ticklake.gold.bars.BarJob;
import io.ticklake.gold.bars.BarOptions;
import io.ticklake.gold.bars.BarPlan;
import io.ticklake.gold.bars.BarResult;
import io.ticklake.gold.quality.GoldFixture.Trade;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PartitionHistory} (what {@code ticklake bars} plans with) while {@code ticklake expire}
 * runs: the soak of 2026-11-28 had {@code bars} fail with an internal error, exit 1, on the
 * manifest list of a Silver snapshot that expired after the job loaded the table. The history of
 * the snapshots still kept answers instead.
 */
class PartitionHistoryExpiryTest {
  private static final LocalDate DAY = LocalDate.of(2013, 10, 11);
  private static final LocalDate NEXT = LocalDate.of(2013, 10, 14);

  @TempDir Path dir;

  private static Trade trade(LocalDate date, String time) {
    return new Trade("AAA", date, Instant.parse(date + "T" + time + "Z"), "100.00", "1");
  }

  @Test
  void snapshotsExpiredAfterTheTableWasLoadedAreNotAnError() {
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      GoldFixture.appendFile(w, 1, List.of(trade(DAY, "14:00:00")));
      GoldFixture.compact(w);
      GoldFixture.appendFile(w, 2, List.of(trade(NEXT, "14:00:00")));
      GoldFixture.compact(w);
      Table loaded = w.table(TableContracts.SILVER_TRADES.id()); // what the job read first
      Snapshot pinned = loaded.currentSnapshot();
      long dayRead = loaded.snapshot(pinned.parentId()).snapshotId(); // DAY's compaction

      // another process: late data for DAY compacted, then every older snapshot expired
      GoldFixture.appendFile(w, 3, List.of(trade(DAY, "15:00:00")));
      GoldFixture.compact(w);
      Table other = w.table(TableContracts.SILVER_TRADES.id());
      other.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();

      PartitionHistory history = PartitionHistory.of(loaded, pinned);
      // the snapshots read are gone: the caller cannot prove its output current, so it rebuilds
      assertThat(history.changedSince(new ExchangeDate(EXCHANGE, DAY), dayRead)).isTrue();
      assertThat(history.changedSince(new ExchangeDate(EXCHANGE, NEXT), pinned.snapshotId()))
          .isTrue();
    }
  }

  @Test
  void barsPlannedBeforeAnExpireDeletedTheirSilverFilesPlanAgain() {
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      GoldFixture.appendFile(w, 1, List.of(trade(DAY, "14:00:00")));
      GoldFixture.compact(w);
      BarJob job = new BarJob(w, BarOptions.defaults().withIntervals(List.of(BarInterval.M1)));
      BarPlan plan = job.plan(); // lists the Silver files it will read
      List<String> planned = new java.util.ArrayList<>();
      w.table(TableContracts.SILVER_TRADES.id())
          .newScan()
          .planFiles()
          .forEach(t -> planned.add(t.file().location()));

      // another process: late data for DAY compacted (the planned file replaced), the next day
      // compacted, then `expire` deletes the replaced file (once the commit that replaced it
      // expired too)
      GoldFixture.appendFile(w, 2, List.of(trade(DAY, "15:00:00")));
      GoldFixture.compact(w);
      GoldFixture.appendFile(w, 3, List.of(trade(NEXT, "14:00:00")));
      GoldFixture.compact(w);
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
      assertThat(planned)
          .allSatisfy(f -> assertThat(Path.of(PinnedScan.localPath(f))).doesNotExist());

      List<BarPlan> replans = new java.util.ArrayList<>();
      List<BarResult> built = job.commitResolvingConflicts(plan, 3, null, replans::add);
      assertThat(replans).hasSize(1);
      assertThat(built).extracting(BarResult::tradingDate).containsExactly(DAY, NEXT);
      assertThat(built).extracting(BarResult::rowsIn).containsExactly(2L, 1L);
      assertThat(built)
          .allSatisfy(
              r ->
                  assertThat(r.silverSnapshotId())
                      .isEqualTo(silver.currentSnapshot().snapshotId()));
    }
  }
}

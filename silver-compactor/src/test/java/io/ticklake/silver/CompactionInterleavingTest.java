package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction interleaved with other jobs: Bronze commits and snapshot expiry between a plan and its
 * commit, and partitions whose rows are all rejected.
 */
class CompactionInterleavingTest {
  private static final LocalDate D0 = BronzeFixture.DATE.minusDays(3);

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  private static List<String> plan(Warehouse w) {
    return compactor(w).plan().partitions().stream().map(t -> t.key() + ":" + t.reason()).toList();
  }

  private static List<Trade> tradesOn(LocalDate date, int n, String size) {
    Instant t = date.atTime(1, 0).toInstant(ZoneOffset.UTC);
    List<Trade> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Trade("BTCUSDT", t.plusMillis(i), "100." + i, size, "buy"));
    }
    return out;
  }

  private static long rows(Warehouse w, Table t, String source, LocalDate date) throws Exception {
    return BronzeFixture.read(t).stream()
        .filter(r -> date.equals(r.getField("trading_date")))
        .filter(r -> source == null || source.equals(r.getField("source_table")))
        .count();
  }

  @Test
  void bronzeCommittedAfterThePlanPinnedItsSnapshotMakesTheNextRunRebuild() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(tradesOn(D0, 10, "1")));
      compactor(w).run();
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(tradesOn(BronzeFixture.DATE, 10, "1")));

      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions()).extracting(CompactionPlan.Task::reason).containsExactly("new");
      // while that plan is being committed: more rows for the same day, and late rows for D0
      BronzeFixture.appendTradeFiles(
          bronze, 3, List.of(tradesOn(BronzeFixture.DATE, 5, "2"), tradesOn(D0, 5, "3")));
      List<PartitionResult> done = compactor(w).commit(plan);
      assertThat(done).singleElement().satisfies(r -> assertThat(r.rowsIn()).isEqualTo(10));

      List<String> dry = plan(w);
      assertThat(dry)
          .containsExactly(
              BronzeFixture.EXCHANGE + "/" + D0 + ":changed",
              BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE + ":changed");
      List<PartitionResult> again = compactor(w).run();
      assertThat(again)
          .extracting(r -> r.key() + ":" + r.rowsIn())
          .containsExactly(
              BronzeFixture.EXCHANGE + "/" + D0 + ":15",
              BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE + ":15");
      assertThat(plan(w)).isEmpty();
    }
  }

  @Test
  void bronzeSnapshotsExpiredBetweenPlanAndCommit() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(tradesOn(BronzeFixture.DATE, 10, "1")));
      CompactionPlan plan = compactor(w).plan();
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(tradesOn(D0, 10, "1")));
      Thread.sleep(5);
      bronze.refresh();
      bronze.expireSnapshots().expireOlderThan(System.currentTimeMillis()).retainLast(1).commit();
      bronze.refresh();
      assertThat(bronze.snapshot(plan.bronzeSnapshotId())).isNull();
      // the plan's pinned snapshot is gone: the run re-plans instead of failing
      SilverCompactor.Outcome out =
          compactor(w).runResolvingConflicts(plan, 3, SilverCompactor.Listener.NONE);
      assertThat(out.committed())
          .singleElement()
          .satisfies(r -> assertThat(r.key().tradingDate()).isEqualTo(BronzeFixture.DATE));
      // the day committed after the plan is the next run's
      assertThat(plan(w)).containsExactly(BronzeFixture.EXCHANGE + "/" + D0 + ":new");
    }
  }

  @Test
  void bronzeSnapshotExpiredWhileARunIsBetweenTwoPartitions() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze,
          1,
          List.of(
              tradesOn(D0.minusDays(1), 10, "1"),
              tradesOn(D0, 10, "1"),
              tradesOn(BronzeFixture.DATE, 10, "1")));
      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions()).hasSize(3);
      List<String> replans = new java.util.ArrayList<>();
      SilverCompactor.Listener expireBeforeTheSecond =
          new SilverCompactor.Listener() {
            int started;

            @Override
            public void replanned(long expiredSnapshotId, long pinned, int remaining) {
              replans.add(expiredSnapshotId + "->" + pinned + ":" + remaining);
            }

            @Override
            public void starting(CompactionPlan.Task task) {
              if (++started == 2) {
                // a writer flushes, and a routine expiry with a short horizon runs
                BronzeFixture.appendTradeFiles(
                    bronze, 2, List.of(tradesOn(BronzeFixture.DATE.plusDays(1), 3, "1")));
                bronze.refresh();
                bronze
                    .expireSnapshots()
                    .expireOlderThan(System.currentTimeMillis() + 1)
                    .retainLast(1)
                    .commit();
              }
            }
          };
      SilverCompactor.Outcome out =
          compactor(w).runResolvingConflicts(plan, 3, expireBeforeTheSecond);
      assertThat(out.committed()).hasSize(3);
      // the two partitions left were planned again once, together, at the current snapshot
      bronze.refresh();
      assertThat(replans)
          .containsExactly(
              plan.bronzeSnapshotId() + "->" + bronze.currentSnapshot().snapshotId() + ":2");
      assertThat(out.committed().get(2).bronzeSnapshotId())
          .isEqualTo(bronze.currentSnapshot().snapshotId());
      assertThat(plan(w))
          .containsExactly(BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE.plusDays(1) + ":new");
    }
  }

  @Test
  void aPartitionWhoseRowsAreAllRejectedIsEmptyAndComesBackWhenTheRuleIsRelaxed() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(tradesOn(BronzeFixture.DATE, 10, "1")));
      compactor(w).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      assertThat(rows(w, silver, null, BronzeFixture.DATE)).isEqualTo(10);

      // a re-delivery with size 0 for every trade: other rows, same partition
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(tradesOn(D0, 7, "0")));
      List<PartitionResult> first = compactor(w).run();
      assertThat(first).singleElement().satisfies(r -> assertThat(r.rowsOut()).isZero());
      assertThat(rows(w, silver, null, D0)).isZero();
      assertThat(rows(w, quarantine, "silver.trades", D0)).isEqualTo(7);
      assertThat(plan(w)).isEmpty();

      // the rule is relaxed: the rows come back and leave quarantine
      UpdateProperties u = silver.updateProperties();
      ValidationSettings.defaults()
          .without("size_positive")
          .toProperties(SilverTable.TRADES)
          .forEach(u::set);
      u.commit();
      assertThat(plan(w))
          .containsExactly(
              BronzeFixture.EXCHANGE + "/" + D0 + ":rules",
              BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE + ":rules");
      compactor(w).run();
      assertThat(rows(w, silver, null, D0)).isEqualTo(7);
      assertThat(rows(w, quarantine, "silver.trades", D0)).isZero();
      assertThat(rows(w, silver, null, BronzeFixture.DATE)).isEqualTo(10);
      assertThat(plan(w)).isEmpty();

      // back to the built-in rules: the partition empties again
      u = silver.updateProperties();
      silver.properties().keySet().stream()
          .filter(k -> k.startsWith(ValidationSettings.PROPERTY_PREFIX))
          .forEach(u::remove);
      u.commit();
      compactor(w).run();
      List<Record> left = BronzeFixture.read(silver);
      assertThat(left).noneMatch(r -> D0.equals(r.getField("trading_date")));
      assertThat(rows(w, quarantine, "silver.trades", D0)).isEqualTo(7);
      assertThat(plan(w)).isEmpty();
    }
  }
}

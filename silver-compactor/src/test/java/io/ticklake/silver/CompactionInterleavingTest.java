package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
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

  /**
   * The Bronze snapshot a plan pinned expires before the partition is rebuilt (soak run 4 of
   * 2026-11-28: the live writer commits to Bronze every flush, `expire --retain-last 1` ran every 5
   * s, and `compact` failed with an internal error, "IllegalArgumentException: Cannot find snapshot
   * with ID …", exit 1). That is a lost race like any other: a CONFLICT, which the CLI's path
   * answers by planning again from the snapshot left; rerun, the partition is compacted.
   */
  @Test
  void aPinnedBronzeSnapshotExpiredBeforeTheRebuildIsAConflictThatReplans() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("wh"))) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(tradesOn(BronzeFixture.DATE, 5, "1")));
      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions()).hasSize(1);
      // the writer's next flush, then a routine expire keeping only the newest snapshot
      BronzeFixture.appendTradeFiles(
          bronze, 2, List.of(tradesOn(BronzeFixture.DATE.plusDays(1), 3, "1")));
      bronze.refresh();
      bronze.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();

      assertThatThrownBy(() -> compactor(w).commit(plan))
          .isInstanceOfSatisfying(
              TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
      SilverCompactor.Outcome again = compactor(w).runResolvingConflicts(3);
      assertThat(again.committed()).hasSize(2);
    }
  }

  /**
   * The quarantine snapshot a partition's rebuild started from expires before its quarantine commit
   * (the soak of 2026-11-28: the live writer commits bad lines to {@code ops.quarantine} every
   * flush and {@code expire --older-than 1ms} ran every 5 s, so a rebuild of a few seconds found
   * its base gone and `compact` exited 5). Nothing replaced the partition's quarantine rows
   * meanwhile, so that is no conflict: the commit goes through. A commit that did replace them
   * still is one.
   */
  @Test
  void quarantineSnapshotExpiredDuringTheRebuildIsNoConflictUnlessThePartitionChanged()
      throws Exception {
    for (boolean partitionChanged : new boolean[] {false, true}) {
      Path wh = dir.resolve("changed-" + partitionChanged);
      try (Warehouse w = BronzeFixture.warehouse(wh)) {
        Table bronze = BronzeFixture.bronzeTrades(w);
        Instant t = BronzeFixture.DATE.atTime(1, 0).toInstant(ZoneOffset.UTC);
        List<Trade> first = new ArrayList<>(tradesOn(BronzeFixture.DATE, 5, "1"));
        first.add(new Trade("BTCUSDT", t.plusSeconds(60), "0", "1", "buy")); // rejected
        BronzeFixture.appendTradeFiles(bronze, 1, List.of(first));
        compactor(w).run(); // the partition's quarantine rows: the next rebuild's base
        BronzeFixture.appendTradeFiles(
            bronze,
            2,
            List.of(
                List.of(
                    new Trade("ABCUSDT", t, "1.0", "1", "buy"), // unknown: registered mid-rebuild
                    new Trade("ABCUSDT", t.plusSeconds(1), "0", "1", "buy")))); // rejected
        CompactionPlan plan = compactor(w).plan();
        assertThat(plan.partitions()).hasSize(1);

        // while the partition is rebuilt (the registration of ABCUSDT reads the clock): another
        // job commits to ops.quarantine, and expire removes every older quarantine snapshot
        AtomicBoolean interleaved = new AtomicBoolean();
        Clock clock =
            new Clock() {
              @Override
              public Instant instant() {
                if (interleaved.compareAndSet(false, true)) {
                  Table quarantine = w.table(TableContracts.QUARANTINE.id());
                  if (partitionChanged) { // another compactor replaced this partition's rows
                    quarantine
                        .newOverwrite()
                        .overwriteByRowFilter(
                            Expressions.and(
                                Expressions.equal("source_table", "silver.trades"),
                                Expressions.equal("trading_date", BronzeFixture.DATE.toString())))
                        .commit();
                  }
                  // the live writer quarantined bad lines, twice (two flushes)
                  quarantine.newAppend().set("note", "a writer's bad line").commit();
                  quarantine.newAppend().set("note", "another bad line").commit();
                  quarantine.refresh();
                  quarantine
                      .expireSnapshots()
                      .expireOlderThan(Long.MAX_VALUE)
                      .retainLast(1)
                      .commit();
                }
                return Instant.now();
              }

              @Override
              public ZoneOffset getZone() {
                return ZoneOffset.UTC;
              }

              @Override
              public Clock withZone(java.time.ZoneId zone) {
                return this;
              }
            };
        SilverCompactor interleavedRun =
            new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), clock);
        if (partitionChanged) {
          assertThatThrownBy(() -> interleavedRun.commit(plan))
              .isInstanceOfSatisfying(
                  TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        } else {
          List<PartitionResult> done = interleavedRun.commit(plan);
          assertThat(interleaved).isTrue();
          assertThat(done)
              .singleElement()
              .satisfies(
                  r -> {
                    assertThat(r.rowsOut()).isEqualTo(6);
                    assertThat(r.quarantined()).isEqualTo(2);
                  });
          Table quarantine = w.table(TableContracts.QUARANTINE.id());
          assertThat(rows(w, quarantine, "silver.trades", BronzeFixture.DATE)).isEqualTo(2);
          assertThat(plan(w)).isEmpty();
        }
      }
    }
  }

  /**
   * The Silver snapshot a run planned from expires while the run goes: the run's own commits (or
   * another job's) made it old, and a routine expire removed it. Iceberg can then no longer tell
   * what changed since it, so every later partition's commit was a CONFLICT, and the run planned
   * and rebuilt those partitions again (under an expire every few seconds, a long run could run out
   * of attempts, exit 5). Nothing replaced those partitions, so that is no conflict; a commit that
   * did replace one still is.
   */
  @Test
  void silverSnapshotExpiredWhileARunGoesIsNoConflictUnlessThePartitionChanged() throws Exception {
    for (boolean partitionChanged : new boolean[] {false, true}) {
      try (Warehouse w =
          BronzeFixture.warehouse(dir.resolve("silver-changed-" + partitionChanged))) {
        Table bronze = BronzeFixture.bronzeTrades(w);
        List<LocalDate> days = List.of(D0.minusDays(1), D0, BronzeFixture.DATE);
        BronzeFixture.appendTradeFiles(
            bronze, 1, days.stream().map(d -> tradesOn(d, 5, "1")).toList());
        compactor(w).run(); // Silver has a history: the next plan's base is a snapshot
        BronzeFixture.appendTradeFiles(
            bronze, 2, days.stream().map(d -> tradesOn(d, 7, "2")).toList());
        CompactionPlan plan = compactor(w).plan();
        assertThat(plan.partitions()).hasSize(3);

        List<String> started = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        SilverCompactor.Listener expireBeforeTheSecond =
            new SilverCompactor.Listener() {
              @Override
              public void retrying(ExchangeDate key, TicklakeException conflict) {
                retried.add(key.toString());
              }

              @Override
              public void starting(CompactionPlan.Task task) {
                started.add(task.key().toString());
                if (started.size() == 2) {
                  Table silver = w.table(TableContracts.SILVER_TRADES.id());
                  if (partitionChanged) { // another compactor replaced the last partition
                    silver
                        .newOverwrite()
                        .overwriteByRowFilter(
                            Expressions.equal("trading_date", BronzeFixture.DATE.toString()))
                        .commit();
                  }
                  silver.newAppend().set("note", "another job's commit").commit();
                  silver.refresh();
                  silver.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
                }
              }
            };
        SilverCompactor.Outcome out =
            compactor(w).runResolvingConflicts(plan, 3, expireBeforeTheSecond);
        assertThat(out.committed()).hasSize(3);
        String last = BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE;
        assertThat(started).hasSize(3).doesNotHaveDuplicates();
        if (partitionChanged) { // the replaced partition was planned and rebuilt again
          assertThat(retried).containsExactly(last);
        } else {
          assertThat(retried).isEmpty();
        }
        assertThat(out.committed()).allSatisfy(r -> assertThat(r.rowsOut()).isEqualTo(12));
        assertThat(plan(w)).isEmpty();
      }
    }
  }

  /**
   * The quarantine snapshot a partition's rebuild started from is still there when its quarantine
   * commit chooses what to validate from, and expires during that commit (soak run 6 of 2026-11-28:
   * the live writer's flush made Iceberg retry the commit, and by the retry an {@code expire
   * --retain-last 1} had removed the base, so Iceberg could no longer "determine history" and
   * `compact` exited 5 after three such attempts). Nothing replaced the partition's quarantine rows
   * meanwhile, so the commit goes through; a commit that did replace them still is a conflict.
   */
  @Test
  void quarantineSnapshotExpiredDuringTheQuarantineCommitIsNoConflictUnlessThePartitionChanged()
      throws Exception {
    for (boolean partitionChanged : new boolean[] {false, true}) {
      Path wh = dir.resolve("at-commit-changed-" + partitionChanged);
      try (Warehouse w = BronzeFixture.warehouse(wh)) {
        Table bronze = BronzeFixture.bronzeTrades(w);
        Instant t = BronzeFixture.DATE.atTime(1, 0).toInstant(ZoneOffset.UTC);
        List<Trade> first = new ArrayList<>(tradesOn(BronzeFixture.DATE, 5, "1"));
        first.add(new Trade("BTCUSDT", t.plusSeconds(60), "0", "1", "buy")); // rejected
        BronzeFixture.appendTradeFiles(bronze, 1, List.of(first));
        compactor(w).run(); // the partition's quarantine rows: the next rebuild's base
        BronzeFixture.appendTradeFiles(
            bronze,
            2,
            List.of(
                List.of(
                    new Trade("BTCUSDT", t.plusSeconds(120), "101.0", "1", "buy"),
                    new Trade("BTCUSDT", t.plusSeconds(121), "0", "1", "buy")))); // rejected
        CompactionPlan plan = compactor(w).plan();
        assertThat(plan.partitions()).hasSize(1);

        // right before the quarantine commit: the live writer quarantines bad lines (twice), and
        // expire removes every older quarantine snapshot, the rebuild's base among them
        AtomicBoolean interleaved = new AtomicBoolean();
        SilverCompactor interleavedRun =
            compactor(w)
                .beforeQuarantineCommit(
                    () -> {
                      if (!interleaved.compareAndSet(false, true)) {
                        return;
                      }
                      Table quarantine = w.table(TableContracts.QUARANTINE.id());
                      if (partitionChanged) { // another compactor replaced this partition's rows
                        quarantine
                            .newOverwrite()
                            .overwriteByRowFilter(
                                Expressions.and(
                                    Expressions.equal("source_table", "silver.trades"),
                                    Expressions.equal(
                                        "trading_date", BronzeFixture.DATE.toString())))
                            .commit();
                      }
                      quarantine.newAppend().set("note", "a writer's bad line").commit();
                      quarantine.newAppend().set("note", "another bad line").commit();
                      quarantine.refresh();
                      quarantine
                          .expireSnapshots()
                          .expireOlderThan(Long.MAX_VALUE)
                          .retainLast(1)
                          .commit();
                    });
        if (partitionChanged) {
          assertThatThrownBy(() -> interleavedRun.commit(plan))
              .isInstanceOfSatisfying(
                  TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
        } else {
          List<PartitionResult> done = interleavedRun.commit(plan);
          assertThat(interleaved).isTrue();
          assertThat(done)
              .singleElement()
              .satisfies(
                  r -> {
                    assertThat(r.rowsOut()).isEqualTo(6);
                    assertThat(r.quarantined()).isEqualTo(2);
                  });
          Table quarantine = w.table(TableContracts.QUARANTINE.id());
          assertThat(rows(w, quarantine, "silver.trades", BronzeFixture.DATE)).isEqualTo(2);
          assertThat(plan(w)).isEmpty();
        }
      }
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

package io.ticklake.gold.bars;

import static io.ticklake.gold.bars.LeanLake.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.gold.bars.LeanBarCheck.DayResult;
import io.ticklake.gold.bars.LeanBarCheck.DiffKind;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarJobTest {
  private static final LocalDate DATE = LocalDate.of(2013, 10, 11);
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /**
   * The difference classes docs/VALIDATION.md documents as remaining with the Lean rules: a
   * volume-only bar ticklake keeps in its session and the vendor's previous bar that holds that
   * volume instead. A price difference or a bar only one side has with prices is a regression.
   */
  private static final Set<DiffKind> DOCUMENTED =
      Set.of(DiffKind.VOLUME, DiffKind.TICKLAKE_VOLUME_ONLY_BAR);

  @TempDir Path dir;

  /** One lake with IBM and Tardis trades and bars at every interval, shared by read-only tests. */
  @TempDir static Path shared;

  private static Warehouse lake;

  @BeforeAll
  static void buildLake() {
    lake = LeanLake.create(shared, true);
    new BarJob(lake, BarOptions.defaults()).run();
  }

  @AfterAll
  static void closeLake() {
    lake.close();
  }

  private Path vendorBars(String resolution) throws Exception {
    Path target = dir.resolve("vendor-" + resolution + ".zip");
    try (InputStream in =
        BarJobTest.class.getResourceAsStream(
            "lean/equity/usa/" + resolution + "/ibm/20131011_trade.zip")) {
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void barsMatchTheVendorsOwnMinuteAndSecondBars() throws Exception {
    Warehouse w = lake;
    Table gold = w.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null)) {
      for (String resolution : List.of("minute", "second")) {
        BarInterval interval = resolution.equals("minute") ? BarInterval.M1 : BarInterval.S1;
        DayResult r =
            LeanBarCheck.compare(
                b,
                gold,
                gold.currentSnapshot(),
                EXCHANGE,
                "IBM",
                DATE,
                interval,
                vendorBars(resolution),
                NEW_YORK);
        System.out.printf(
            "IBM %s %s: %d of %d bars identical (%.4f), differences %s%n",
            DATE, interval, r.identical(), r.bars(), r.share(), r.byKind());
        r.diffs().forEach(d -> System.out.println("  " + d));
        assertThat(r.bars()).isGreaterThan(interval == BarInterval.M1 ? 400 : 4000);
        assertThat(r.share()).as("%s match share", interval).isGreaterThanOrEqualTo(0.995);
        assertThat(r.byKind().keySet()).isSubsetOf(DOCUMENTED);
      }
    }
  }

  @Test
  void theVendorCheckDoesNotDependOnTheJvmTimeZone() throws Exception {
    Table gold = lake.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    java.util.TimeZone jvm = java.util.TimeZone.getDefault();
    List<DayResult> results = new java.util.ArrayList<>();
    Path vendor = vendorBars("minute");
    try (DuckDbBridge b = DuckDbBridge.open(lake.tempDir(), 1, null)) {
      for (String zone : List.of("UTC", "America/New_York", "Pacific/Kiritimati")) {
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
        try {
          results.add(
              LeanBarCheck.compare(
                  b,
                  gold,
                  gold.currentSnapshot(),
                  EXCHANGE,
                  "IBM",
                  DATE,
                  BarInterval.M1,
                  vendor,
                  NEW_YORK));
        } finally {
          java.util.TimeZone.setDefault(jvm);
        }
      }
    }
    assertThat(results.get(0).identical()).isGreaterThan(400);
    assertThat(results)
        .extracting(DayResult::identical, DayResult::bars)
        .containsOnly(
            org.assertj.core.groups.Tuple.tuple(results.get(0).identical(), results.get(0).bars()));
  }

  @Test
  void everyKeyHasOneBarAndBarsAddUpToTheirPrints() throws Exception {
    Warehouse w = lake;
    String bars = "gold.bars";
    // exactly one bar per key
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(*) FROM (SELECT exchange, trading_date, \"interval\", symbol,"
                    + " bar_start FROM "
                    + bars
                    + " GROUP BY ALL HAVING count(*) > 1)"))
        .isZero();
    // every interval of both partitions
    assertThat(
            LeanLake.count(
                w, "SELECT count(DISTINCT exchange || trading_date || \"interval\") FROM " + bars))
        .isEqualTo(2 * 5);
    // volume is conserved across intervals except where the vendor's 1s rule drops the closing
    // auction: 1m, 5m, 1h and 1d hold the same volume per symbol-day
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(DISTINCT v) FROM (SELECT \"interval\", sum(volume) AS v FROM "
                    + bars
                    + " WHERE symbol = 'IBM' AND \"interval\" <> '1s' GROUP BY ALL)"))
        .isEqualTo(1);
    // bars never straddle sessions and lie inside them; high >= open, close >= low
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(*) FROM "
                    + bars
                    + " WHERE bar_end <= bar_start OR high < low OR open > high OR open < low"
                    + " OR close > high OR close < low"))
        .isZero();
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(*) FROM "
                    + bars
                    + " WHERE symbol = 'IBM' AND session = 'regular' AND (bar_start < TIMESTAMPTZ"
                    + " '2013-10-11 13:30:00+00' OR bar_end > TIMESTAMPTZ '2013-10-11"
                    + " 20:00:00+00')"))
        .isZero();
    // the 1d regular bar: first and last event inside the session, volume = the 1m bars' sum
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(*) FROM " + bars + " WHERE \"interval\" = '1d' AND symbol = 'IBM'"))
        .isEqualTo(3);
    // crypto trades 24/7: the day bar of binance-futures is the UTC day
    assertThat(
            LeanLake.count(
                w,
                "SELECT count(*) FROM "
                    + bars
                    + " WHERE \"interval\" = '1d' AND exchange = 'binance-futures' AND"
                    + " trade_count > 0"))
        .isEqualTo(1);
  }

  @Test
  void nothingNewMeansNothingToDoAndRebuildsAreByteIdentical() throws Exception {
    Warehouse w = lake;
    Table gold = w.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    Snapshot first = gold.currentSnapshot();
    assertThat(w.table(TableContracts.SILVER_TRADES.id()).currentSnapshot()).isNotNull();
    assertThat(first.summary())
        .containsEntry(BarSummary.OPERATION, BarSummary.BARS)
        .containsEntry(BarSummary.INTERVALS, "1s,1m,5m,1h,1d")
        .containsKey(BarSummary.SILVER_SNAPSHOT_ID)
        .containsKey(BarSummary.PARTITION);
    // both partitions were built in one DuckDB batch and replaced by one commit naming both
    assertThat(first.summary().get(BarSummary.PARTITION).split(","))
        .hasSize(2)
        .contains(EXCHANGE + "/" + DATE);
    assertThat(BarJob.lastBuilds(gold))
        .hasSize(2)
        .allSatisfy(
            (k, v) ->
                assertThat(v)
                    .containsOnlyKeys(BarInterval.values())
                    .containsValue(
                        Long.parseLong(first.summary().get(BarSummary.SILVER_SNAPSHOT_ID))));
    List<String> before = digests(gold);

    assertThat(new BarJob(w, BarOptions.defaults()).plan().isEmpty()).isTrue();
    assertThat(new BarJob(w, BarOptions.defaults()).run()).isEmpty();

    List<BarResult> again = new BarJob(w, BarOptions.defaults().forced(true)).run();
    assertThat(again).hasSize(2);
    gold.refresh();
    assertThat(gold.currentSnapshot().snapshotId()).isNotEqualTo(first.snapshotId());
    assertThat(digests(gold)).isEqualTo(before);

    // and with one DuckDB thread
    BarOptions oneThread =
        new BarOptions(
            List.of(BarInterval.values()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            1,
            Optional.empty());
    assertThat(new BarJob(w, oneThread).run()).hasSize(2);
    gold.refresh();
    assertThat(digests(gold)).isEqualTo(before);

    // and each interval built alone: its partial bars come from the prints, not rolled up from a
    // finer interval's of the same rule set as in a run of several intervals (5m, 1h and 1d of
    // Lean from 1m, every interval but 1s of Tardis from 1s)
    for (BarInterval interval : BarInterval.values()) {
      BarOptions alone = BarOptions.defaults().withIntervals(List.of(interval)).forced(true);
      assertThat(new BarJob(w, alone).run()).hasSize(2);
    }
    gold.refresh();
    assertThat(digests(gold)).isEqualTo(before);
  }

  @Test
  void batchesHoldConsecutivePartitionsUpToTheRowAndPartitionBudgets() {
    List<BarInterval> all = List.of(BarInterval.values());
    List<BarPlan.Task> tasks = new ArrayList<>();
    for (int i = 0; i < BarJob.BATCH_PARTITIONS + 3; i++) {
      tasks.add(new BarPlan.Task("x", DATE.plusDays(i), all, 10, "new"));
    }
    assertThat(BarJob.batches(tasks))
        .extracting(List::size)
        .containsExactly(BarJob.BATCH_PARTITIONS, 3);
    BarPlan.Task big = new BarPlan.Task("x", DATE, all, BarJob.BATCH_ROWS, "new");
    BarPlan.Task small = new BarPlan.Task("x", DATE.plusDays(1), all, 1, "new");
    // a partition larger than the budget is a batch of its own
    assertThat(BarJob.batches(List.of(small, big, small)))
        .containsExactly(List.of(small), List.of(big), List.of(small));
    assertThat(BarJob.batches(List.of())).isEmpty();
  }

  @Test
  void aPlanOvertakenByAnotherBarCommitFailsWithAConflictAndLeavesNoFiles() throws Exception {
    try (Warehouse w = LeanLake.create(dir.resolve("c"), false)) {
      BarOptions oneMinute = BarOptions.defaults().withIntervals(List.of(BarInterval.M1));
      BarPlan first = new BarJob(w, oneMinute).plan();
      BarPlan second = new BarJob(w, oneMinute).plan();
      assertThat(second).isEqualTo(first);
      new BarJob(w, oneMinute).commit(first, null);
      Table gold = w.table(TableContracts.GOLD_BARS.id());
      gold.refresh();
      long committed = gold.currentSnapshot().snapshotId();
      Path data = Path.of(PinnedScan.localPath(gold.location()), "data");
      long filesBefore;
      try (var files = Files.walk(data)) {
        filesBefore = files.filter(Files::isRegularFile).count();
      }

      assertThatThrownBy(() -> new BarJob(w, oneMinute).commit(second, null))
          .isInstanceOfSatisfying(
              TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT))
          .hasMessageStartingWith(
              "Cannot build the bars of partition us-equity/2013-10-11: another commit changed it"
                  + " since snapshot none");
      gold.refresh();
      assertThat(gold.currentSnapshot().snapshotId()).isEqualTo(committed);
      try (var files = Files.walk(data)) {
        assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(filesBefore);
      }
      // planning again finds nothing left to do
      assertThat(new BarJob(w, oneMinute).plan().isEmpty()).isTrue();
    }
  }

  @Test
  void incrementalRunAfterLateDataEqualsAFullRebuild() throws Exception {
    List<String> late =
        List.of(
            "43200000,1870000,500,N,1,0", // 12:00:00.000, a new high
            "43200000,1840000,300,D,20,0", // an intermarket sweep: volume only
            "57000000,1855000,200,P,1,0"); // 15:50
    List<String> incremental;
    try (Warehouse w = LeanLake.create(dir.resolve("a"), false)) {
      new BarJob(w, BarOptions.defaults()).run();
      long silverBefore = w.table(TableContracts.SILVER_TRADES.id()).currentSnapshot().snapshotId();
      LeanLake.ingest(w, "lean", LeanLake.lateFile(dir.resolve("late"), late));
      LeanLake.compact(w);
      BarPlan plan = new BarJob(w, BarOptions.defaults()).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.partition()).isEqualTo(EXCHANGE + "/" + DATE);
                assertThat(t.reason()).isEqualTo("changed");
                assertThat(t.intervals()).containsExactly(BarInterval.values());
              });
      assertThat(plan.silverSnapshotId()).isNotEqualTo(silverBefore);
      new BarJob(w, BarOptions.defaults()).commit(plan, null);
      incremental = LeanLake.barRows(w);
      assertThat(
              LeanLake.count(
                  w,
                  "SELECT count(*) FROM gold.bars WHERE symbol = 'IBM' AND \"interval\" = '1m'"
                      + " AND bar_start = TIMESTAMPTZ '2013-10-11 16:00:00+00' AND high ="
                      + " 187.0"))
          .isEqualTo(1);
    }
    List<String> full;
    try (Warehouse w = LeanLake.create(dir.resolve("b"), false)) {
      LeanLake.ingest(w, "lean", LeanLake.lateFile(dir.resolve("late2"), late));
      LeanLake.compact(w);
      new BarJob(w, BarOptions.defaults()).run();
      full = LeanLake.barRows(w);

      // the same Silver rows in two files, out of order: bars read them through a window over
      // the Silver order instead of the file order, and come out the same
      LeanLake.splitSilverPartition(w, EXCHANGE, DATE);
      assertThat(new BarJob(w, BarOptions.defaults()).run()).hasSize(1);
      assertThat(LeanLake.barRows(w)).isEqualTo(full);
    }
    assertThat(incremental).hasSizeGreaterThan(4000).isEqualTo(full);
  }

  @Test
  void aSilverRollbackRebuildsTheBarsOfWhatItTookAway() throws Exception {
    try (Warehouse w = LeanLake.create(dir.resolve("r"), true)) {
      new BarJob(w, BarOptions.defaults()).run();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      Snapshot last = silver.currentSnapshot();
      while (last.summary().get("ticklake.partition") == null) {
        last = silver.snapshot(last.parentId()); // past metadata-only commits
      }
      String taken = last.summary().get("ticklake.partition");
      String where =
          "exchange = '"
              + taken.substring(0, taken.indexOf('/'))
              + "' AND trading_date = DATE '"
              + taken.substring(taken.indexOf('/') + 1)
              + "'";
      assertThat(LeanLake.count(w, "SELECT count(*) FROM gold.bars WHERE " + where)).isPositive();

      // undo the compaction of that partition: its Silver rows are gone, so are its bars' inputs
      silver.manageSnapshots().rollbackTo(last.parentId()).commit();
      assertThat(LeanLake.count(w, "SELECT count(*) FROM silver.trades WHERE " + where)).isZero();

      BarPlan plan = new BarJob(w, BarOptions.defaults()).plan();
      assertThat(plan.partitions()).extracting(BarPlan.Task::partition).contains(taken);
      new BarJob(w, BarOptions.defaults()).commit(plan, null);
      assertThat(LeanLake.count(w, "SELECT count(*) FROM gold.bars WHERE " + where)).isZero();
      assertThat(LeanLake.count(w, "SELECT count(*) FROM gold.bars")).isPositive();
      assertThat(new BarJob(w, BarOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }

  private static List<String> digests(Table gold) throws Exception {
    List<String> out = new ArrayList<>();
    for (DataFile f : PinnedScan.plan(gold, Optional.of(gold.currentSnapshot())).dataFiles()) {
      byte[] bytes = Files.readAllBytes(Path.of(PinnedScan.localPath(f.location())));
      out.add(
          f.partition()
              + " "
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
    out.sort(null);
    return out;
  }
}

package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static io.ticklake.silver.DimFixture.closed;
import static io.ticklake.silver.DimFixture.only;
import static io.ticklake.silver.DimFixture.opened;
import static io.ticklake.silver.DimFixture.register;
import static io.ticklake.silver.DimFixture.save;
import static io.ticklake.silver.DimFixture.silverIds;
import static io.ticklake.silver.DimFixture.withAliases;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolChanges;
import io.ticklake.catalog.dim.SymbolRegistry;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code remapped} plan reason: which partitions a dimension change makes due, which it does
 * not, and which ones a plan does not even read (their Silver files are moved away during the plan,
 * so a read would fail) — far from the change, already checked against a version that only gained
 * rows since, or on an exchange where nothing changed.
 */
class SymbolRemapTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  private static SilverCompactor auto(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  /**
   * Moves the Silver data files of one partition away until the returned handle is closed: a plan
   * that reads them fails, so a plan that succeeds did not read that partition.
   */
  private static AutoCloseable hideSilver(Warehouse w, LocalDate date) throws Exception {
    return hideSilver(w, EXCHANGE, date);
  }

  private static AutoCloseable hideSilver(Warehouse w, String exchange, LocalDate date)
      throws Exception {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    silver.refresh();
    PinnedScan scan =
        PinnedScan.plan(
            silver,
            Optional.of(silver.currentSnapshot()),
            ExchangeDate.of(exchange, date).expression());
    List<Path[]> moved = new ArrayList<>();
    for (DataFile f : scan.dataFiles()) {
      Path p = Path.of(PinnedScan.localPath(f.location()));
      Path away = p.resolveSibling(p.getFileName() + ".hidden");
      Files.move(p, away, StandardCopyOption.ATOMIC_MOVE);
      moved.add(new Path[] {p, away});
    }
    assertThat(moved).as("Silver files of " + date).isNotEmpty();
    return () -> {
      for (Path[] m : moved) {
        Files.move(m[1], m[0], StandardCopyOption.ATOMIC_MOVE);
      }
    };
  }

  /**
   * ABCUSDT is handed to a new listing on day 31. The key's mapping changed only from then on; a
   * partition a month earlier (holding XYZUSDT only) is no candidate, so the plan must not read its
   * Silver rows.
   */
  @Test
  void aRemapFromAnInstantDoesNotScanPartitionsLongBeforeIt() throws Exception {
    LocalDate early = BronzeFixture.DATE; // 2024-03-01
    Instant later = T0.plus(Duration.ofDays(30)); // 2024-03-31 12:00
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      register(w, "ABCUSDT"); // known before either day is compacted
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(new Trade("XYZUSDT", T0, "1", "1", "buy")),
              List.of(
                  new Trade("ABCUSDT", later, "1", "1", "buy"),
                  new Trade("ABCUSDT", later.plusSeconds(7200), "1", "1", "buy"))));
      assertThat(auto(w).run()).hasSize(2);

      SymbolVersion old = only(w, "ABCUSDT");
      Instant split = later.plusSeconds(3600);
      SymbolVersion successor = opened(old, "ABC-NEW", split);
      save(w, new SymbolChanges(List.of(old), List.of(closed(old, split), successor)));

      CompactionPlan plan;
      try (AutoCloseable hidden = hideSilver(w, early)) {
        plan = auto(w).plan();
      }
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(t -> assertThat(t.reason()).isEqualTo("remapped"));
    }
  }

  /**
   * After a remap has been followed, the partitions the check found unmoved must not be read again
   * by every later plan: the common change that follows (a new instrument registered) costs no scan
   * of Silver.
   */
  @Test
  void aPartitionFoundUnmovedIsNotScannedAgainByEveryLaterPlan() throws Exception {
    LocalDate next = BronzeFixture.DATE.plusDays(1); // 2024-03-02
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("ABCUSDT", T0.plusSeconds(7200), "1", "1", "buy")),
              List.of(new Trade("XYZUSDT", T0.plus(Duration.ofDays(1)), "1", "1", "buy"))));
      assertThat(auto(w).run()).hasSize(2);

      SymbolVersion old = only(w, "ABCUSDT");
      Instant split = T0.plusSeconds(3600);
      save(
          w,
          new SymbolChanges(
              List.of(old), List.of(closed(old, split), opened(old, "ABC-NEW", split))));
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions()).extracting(CompactionPlan.Task::reason).contains("remapped");
      auto(w).commit(plan);
      assertThat(auto(w).plan().isEmpty()).isTrue();

      // only new instruments from here on
      register(w, "NEWUSDT");
      register(w, "NEWERUSDT");
      try (AutoCloseable hidden = hideSilver(w, next)) {
        assertThat(auto(w).plan().isEmpty()).isTrue();
      }
    }
  }

  /** A Silver row spelled as an alias moves when the alias is handed to another instrument. */
  @Test
  void anAliasHandedToAnotherInstrumentRemapsRowsSpelledThatWay() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      register(w, "ABCUSDT");
      SymbolVersion a = only(w, "ABCUSDT");
      save(w, SymbolChanges.replacing(a, withAliases(a, List.of("ABC-PERP"))));
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(List.of(new Trade("abc/perp", T0, "1", "1", "buy"))));
      auto(w).run();
      assertThat(silverIds(w)).containsEntry(T0, a.symbolId());

      // the alias leaves ABCUSDT and becomes the ticker of another instrument
      SymbolVersion withAlias = only(w, "ABCUSDT");
      save(w, SymbolChanges.replacing(withAlias, withAliases(withAlias, List.of())));
      register(w, "ABCPERP");
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("remapped");
      auto(w).commit(plan);
      assertThat(auto(w).plan().isEmpty()).isTrue();
    }
  }

  /** The dimension rolled back after a remapped rebuild: the rows follow it back. */
  @Test
  void aDimensionRolledBackAfterARemappedRebuildRemapsBack() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("ABCUSDT", T0.plusSeconds(7200), "1", "1", "buy"))));
      auto(w).run();
      long abc = only(w, "ABCUSDT").symbolId();
      Table dim = DimSymbolTable.open(w).table();
      dim.refresh();
      long before = dim.currentSnapshot().snapshotId();

      SymbolVersion old = only(w, "ABCUSDT");
      Instant split = T0.plusSeconds(3600);
      SymbolVersion successor = opened(old, "ABC-NEW", split);
      save(w, new SymbolChanges(List.of(old), List.of(closed(old, split), successor)));
      auto(w).run();
      assertThat(silverIds(w)).containsEntry(T0.plusSeconds(7200), successor.symbolId());

      dim.refresh();
      dim.manageSnapshots().rollbackTo(before).commit();
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("remapped");
      auto(w).commit(plan);
      assertThat(silverIds(w)).containsEntry(T0.plusSeconds(7200), abc);
      assertThat(auto(w).plan().isEmpty()).isTrue();
    }
  }

  /** A remapped rebuild that dies between its quarantine and Silver commits is due again. */
  @Test
  void aRemappedRebuildThatDiedBetweenItsCommitsIsDueAgain() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("ABCUSDT", T0.plusSeconds(7200), "0", "1", "buy"))));
      auto(w).run();
      SymbolVersion old = only(w, "ABCUSDT");
      Instant split = T0.plusSeconds(-3600);
      SymbolVersion successor = opened(old, "ABC-NEW", split);
      save(w, new SymbolChanges(List.of(old), List.of(closed(old, split), successor)));
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("remapped");
      auto(w).commit(plan);
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.refresh();
      Snapshot last = silver.currentSnapshot();
      silver.manageSnapshots().rollbackTo(last.parentId()).commit();
      assertThat(auto(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("remapped");
      auto(w).run();
      assertThat(silverIds(w)).containsEntry(T0, successor.symbolId());
      assertThat(auto(w).plan().isEmpty()).isTrue();
    }
  }

  /**
   * Only new instruments since the compactions: the plan reads neither Silver nor the dimension.
   */
  @Test
  void anAutoOnlyLakePlansWithoutReadingSilverOrDimensionRows() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(new Trade("ABCUSDT", T0, "1", "1", "buy")),
              List.of(new Trade("XYZUSDT", T0.plus(Duration.ofDays(1)), "1", "1", "buy"))));
      assertThat(auto(w).run()).hasSize(2);
      register(w, "NEWUSDT");
      register(w, "NEWERUSDT");
      Table dim = DimSymbolTable.open(w).table();
      Path dimData = Path.of(PinnedScan.localPath(dim.location() + "/data"));
      Path dimAway = dimData.resolveSibling("data.hidden");
      Files.move(dimData, dimAway);
      try (AutoCloseable a = hideSilver(w, BronzeFixture.DATE);
          AutoCloseable b = hideSilver(w, BronzeFixture.DATE.plusDays(1))) {
        assertThat(auto(w).plan().isEmpty()).isTrue();
      } finally {
        Files.move(dimAway, dimData);
      }
    }
  }

  /**
   * Add-only saves that give a key to another instrument where its own version was closed: the rows
   * Silver holds keep their instrument (nothing remapped), the quarantined ones resolve (symbols).
   */
  @Test
  void anAddOnlyAliasOnAClosedKeyMovesNoSilverRow() throws Exception {
    Instant close = T0.plusSeconds(3600);
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      register(w, "FOOUSDT");
      register(w, "BARUSDT");
      SymbolVersion foo = only(w, "FOOUSDT");
      SymbolVersion bar = only(w, "BARUSDT");
      save(w, SymbolChanges.replacing(foo, closed(foo, close)));
      save(w, SymbolChanges.replacing(bar, closed(bar, close)));
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("foo-usdt", T0, "1", "1", "buy"),
                  new Trade("foo/usdt", close.plusSeconds(60), "1", "1", "buy"))));
      PartitionResult r = auto(w).run().get(0);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(silverIds(w)).containsExactly(Map.entry(T0, foo.symbolId()));

      // BAR's next version, from the close on, also answers to FOO-USDT: an add-only save
      SymbolVersion barNext =
          withAliases(opened(bar, bar.canonicalId(), close), List.of("FOO_USDT"));
      DimSymbolTable dim = DimSymbolTable.open(w);
      dim.save(SymbolChanges.adding(barNext), dim.currentVersion());
      assertThat(dim.onlyAddedSince(Long.parseLong(lastDimRecorded(w)))).isTrue();
      assertThat(auto(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("symbols");
      auto(w).run();
      assertThat(silverIds(w))
          .containsExactly(
              Map.entry(T0, foo.symbolId()), Map.entry(close.plusSeconds(60), bar.symbolId()));
      assertThat(auto(w).plan().isEmpty()).isTrue();
    }
  }

  private static String lastDimRecorded(Warehouse w) {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    silver.refresh();
    return silver.currentSnapshot().summary().get(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID);
  }

  /**
   * The documented flow — AUTO registration first, reference data loaded later — replaces the IBM
   * placeholder, so key IBM changed at every instant: every us-equity partition is a candidate. The
   * IBM day is rebuilt; a day without IBM holds no row that moves: the run records that check in
   * {@code ops.compaction_log}, so later plans, after changes that only add instruments, do not
   * read it again.
   */
  @Test
  void afterAReferenceLoadEveryLaterPlanReadsTheDaysWithoutTheRemappedTicker() throws Exception {
    LocalDate d1 = LocalDate.of(2024, 3, 1);
    LocalDate d2 = LocalDate.of(2024, 3, 4);
    Instant open1 = Instant.parse("2024-03-01T15:00:00Z");
    Instant open2 = Instant.parse("2024-03-04T15:00:00Z");
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze, "us-equity", d1, 1, List.of(List.of(new Trade("IBM", open1, "190", "1", null))));
      BronzeFixture.appendTradeFiles(
          bronze, "us-equity", d2, 2, List.of(List.of(new Trade("ZZZQ", open2, "10", "1", null))));
      assertThat(auto(w).run()).hasSize(2);
      new io.ticklake.catalog.dim.SymbolLoader(
              io.ticklake.catalog.dim.SymbolLoader.references(
                  Optional.empty(), Optional.empty(), Optional.empty()),
              LocalDate.of(2024, 1, 1),
              Clock.systemUTC())
          .commit(DimSymbolTable.open(w), DimSymbolTable.Retry.DEFAULT);
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(t -> assertThat(t.key().tradingDate()).isEqualTo(d1));
      auto(w).commit(plan);

      new SymbolRegistry(DimSymbolTable.open(w), RegistrationPolicy.AUTO, Clock.systemUTC())
          .ensureRegistered("us-equity", "NEWCO");
      try (AutoCloseable hidden = hideSilver(w, "us-equity", d2)) {
        assertThat(auto(w).plan().isEmpty()).isTrue();
      }
    }
  }
}

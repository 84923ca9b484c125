package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static io.ticklake.silver.DimFixture.closed;
import static io.ticklake.silver.DimFixture.only;
import static io.ticklake.silver.DimFixture.register;
import static io.ticklake.silver.DimFixture.save;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.DimVersion;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolChanges;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.catalog.snapshot.CompactionLog;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races around {@code ops.compaction_log}: a row must never vouch for content it did not see (a
 * rebuild dying between its commits while another plan checks the partition, a dimension save
 * between a plan's two symbol checks), also once the snapshots that would tell are expired.
 */
class CompactionLogRaceTest {
  /** The log as a plan that read Silver at {@code s} and the quarantine at {@code q} sees it. */
  private static CompactionLog.View view(Warehouse w, Table silver, Snapshot s, Snapshot q) {
    return new CompactionLog.View(
        w, "silver.trades", silver, s, w.table(TableContracts.QUARANTINE.id()), q);
  }

  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  private static final LocalDate DAY1 = LocalDate.of(2024, 3, 1);

  @TempDir Path dir;

  private static SilverCompactor strict(Warehouse w) {
    return new SilverCompactor(
        w,
        SilverTable.TRADES,
        CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT),
        Clock.systemUTC());
  }

  private static long rowsOf(
      Warehouse w, org.apache.iceberg.catalog.TableIdentifier id, LocalDate d) throws Exception {
    Table t = w.table(id);
    t.refresh();
    return BronzeFixture.read(t).stream().filter(r -> d.equals(r.getField("trading_date"))).count();
  }

  /**
   * Two compactors on one partition. A's plan reads the partition's markers (Silver and quarantine
   * summaries of rebuild R1) and then, while it checks remaps, B — a `symbols` rebuild — commits
   * the partition's quarantine and dies before its Silver commit. A's check row pairs R1's markers
   * with R1's Silver files but B's quarantine files: exactly the unfinished state. With the
   * complete history the plan says `unfinished`; once the quarantine snapshots expire the row
   * vouches for the state and NEWUSDT's trade is in neither Silver nor quarantine, for good.
   */
  @Test
  void aCheckRowTakenWhileAnotherRebuildDiesBetweenItsCommitsVouchesForTheUnfinishedState()
      throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      register(w, "ABCUSDT");
      register(w, "FARUSDT");
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("NEWUSDT", T0.plusSeconds(1), "1", "1", "buy"))));
      assertThat(strict(w).run().get(0).quarantined()).isEqualTo(1); // R1
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.refresh();
      Snapshot s1 = silver.currentSnapshot();
      Map<String, String> r1 = s1.summary();
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      Snapshot q1 = quarantine.currentSnapshot(); // what A's plan reads its markers from

      // a reference load: FARUSDT delisted in 2030 (not add-only), NEWUSDT listed
      SymbolVersion far = only(w, "FARUSDT");
      save(w, SymbolChanges.replacing(far, closed(far, Instant.parse("2030-01-01T00:00:00Z"))));
      register(w, "NEWUSDT");

      // B: a `symbols` rebuild, which commits quarantine (NEWUSDT leaves it), then dies
      CompactionPlan b = strict(w).plan();
      assertThat(b.partitions()).extracting(CompactionPlan.Task::reason).containsExactly("symbols");
      strict(w).commit(b);
      silver.refresh();
      silver.manageSnapshots().rollbackTo(s1.snapshotId()).commit();
      silver.refresh();

      // A: its plan read R1's markers before B's quarantine commit; its remap check runs after it
      ExchangeDate key = ExchangeDate.of(EXCHANGE, DAY1);
      SymbolRemaps.Result a =
          new SymbolRemaps(w, Optional.empty(), DimSymbolTable.open(w).currentVersion())
              .remapped("silver.trades", silver, s1, view(w, silver, s1, q1), Map.of(key, r1));
      assertThat(a.due()).isEmpty();
      strict(w)
          .recordChecks(
              new CompactionPlan(SilverTable.TRADES, -1, s1.snapshotId(), List.of(), a.checked()));

      assertThat(strict(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished"); // the complete history knows

      // the quarantine takes other commits; routine expiry
      quarantine.refresh();
      quarantine.newAppend().set("note", "a later commit").commit();
      quarantine.refresh();
      quarantine.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();

      assertThat(rowsOf(w, TableContracts.BRONZE_TRADES.id(), DAY1)).isEqualTo(2);
      assertThat(
              rowsOf(w, TableContracts.SILVER_TRADES.id(), DAY1)
                  + rowsOf(w, TableContracts.QUARANTINE.id(), DAY1))
          .as("NEWUSDT's trade is in neither table")
          .isEqualTo(1);
      assertThat(strict(w).plan().partitions())
          .as("the partition of the dead rebuild after quarantine expiry")
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished");
    }
  }

  /**
   * A plan checks a partition's unknown_symbol rows against the dimension it reads first, and its
   * Silver rows for remaps against the dimension SymbolRemaps reads later. A save between the two
   * (NEWUSDT registered, e.g. by a concurrent compactor's AUTO registration or a reference load)
   * makes the check row record the later version, as if the unknown_symbol rows had been checked
   * against it. With the complete history the next plan finds the partition due as `symbols`; after
   * expiry the log row's version is the current one, so NEWUSDT's trade stays in quarantine.
   */
  @Test
  void aCheckRowRecordsADimensionVersionItsUnknownSymbolsWereNotCheckedAgainst() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      register(w, "ABCUSDT");
      register(w, "FARUSDT");
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("NEWUSDT", T0.plusSeconds(1), "1", "1", "buy"))));
      assertThat(strict(w).run().get(0).quarantined()).isEqualTo(1);
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      silver.refresh();
      Snapshot s1 = silver.currentSnapshot();
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      Snapshot q1 = quarantine.currentSnapshot();

      SymbolVersion far = only(w, "FARUSDT");
      save(w, SymbolChanges.replacing(far, closed(far, Instant.parse("2030-01-01T00:00:00Z"))));
      // A's plan: its symbols check reads this version, where NEWUSDT is unknown
      DimVersion pinned = DimSymbolTable.open(w).currentVersion();
      assertThat(strict(w).plan().partitions()).isEmpty();
      // ... then NEWUSDT is registered, before A's SymbolRemaps reads the dimension
      register(w, "NEWUSDT");
      ExchangeDate key = ExchangeDate.of(EXCHANGE, DAY1);
      SymbolRemaps.Result a =
          new SymbolRemaps(w, Optional.empty(), pinned)
              .remapped(
                  "silver.trades", silver, s1, view(w, silver, s1, q1), Map.of(key, s1.summary()));
      assertThat(a.due()).isEmpty();
      strict(w)
          .recordChecks(
              new CompactionPlan(SilverTable.TRADES, -1, s1.snapshotId(), List.of(), a.checked()));
      assertThat(strict(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("symbols"); // the complete history knows

      // both tables take other commits; routine expiry
      silver.refresh();
      silver.newAppend().set("note", "a later commit").commit();
      silver.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
      quarantine.refresh();
      quarantine.newAppend().set("note", "a later commit").commit();
      quarantine.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
      assertThat(strict(w).plan().partitions())
          .as("a partition whose unknown_symbol row the current dimension resolves")
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("symbols");
    }
  }

  private static SilverCompactor auto(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  /**
   * A time cut between a rebuild's quarantine and Silver commits (the quarantine commit expires,
   * the Silver commit stays), on a partition rebuilt twice, and a run that died between its commits
   * of another partition whose commits all expired: nothing finished is rebuilt, the dead run's
   * partition is.
   */
  @Test
  void aTimeCutBetweenARebuildsCommitsAndADeadRunAfterExpiry() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze,
          1,
          List.of(
              List.of(
                  new Trade("BTCUSDT", T0, "100", "1", "buy"),
                  new Trade("BTCUSDT", T0.plusSeconds(1), "100", "0", "buy"),
                  new Trade("BTCUSDT", T0.plusSeconds(86_400), "101", "1", "sell"),
                  new Trade("BTCUSDT", T0.plusSeconds(86_401), "101", "0", "sell"))));
      assertThat(auto(w).run()).hasSize(2);
      // late data for day 1: its rebuild commits quarantine at q, Silver after the cut
      BronzeFixture.appendTradeFiles(
          bronze, 2, List.of(List.of(new Trade("BTCUSDT", T0.plusSeconds(60), "100", "3", "buy"))));
      CompactionPlan plan = auto(w).plan();
      assertThat(plan.partitions()).hasSize(1);
      auto(w).commit(plan);
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      silver.refresh();
      quarantine.refresh();
      long cut = silver.currentSnapshot().timestampMillis(); // after day 1's quarantine commit
      Thread.sleep(5);
      // day 2 re-ingested; its rebuild commits quarantine, then dies before Silver
      BronzeFixture.appendTradeFiles(
          bronze,
          3,
          List.of(List.of(new Trade("BTCUSDT", T0.plusSeconds(86_460), "101", "0", "sell"))));
      auto(w).run();
      silver.refresh();
      silver.manageSnapshots().rollbackTo(silver.currentSnapshot().parentId()).commit();
      quarantine.refresh();
      quarantine.newAppend().set("note", "a later commit").commit();
      quarantine.refresh();
      quarantine.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
      silver.refresh();
      silver.expireSnapshots().expireOlderThan(cut).commit();
      assertThat(auto(w).plan().partitions())
          .extracting(t -> t.key().tradingDate() + " " + t.reason())
          // its Silver commit expired and no row matches: due, as `new` (a partition with rows)
          .containsExactly(DAY1.plusDays(1) + " new");
    }
  }
}

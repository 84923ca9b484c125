package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolRegistry;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that dies between its quarantine and its Silver commit (simulated by rolling Silver back
 * over the Silver commit of a real run, which leaves exactly the state such a run leaves) leaves
 * its partition due, on the `removed` and `symbols` paths too; and routine Bronze snapshot expiry
 * does not make untouched partitions due. (Found by a review with these failing tests.)
 */
class CompactionRecoveryTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  private static final LocalDate DAY1 = LocalDate.of(2024, 3, 1);
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
  }

  private static SilverCompactor strict(Warehouse w) {
    return new SilverCompactor(
        w,
        SilverTable.TRADES,
        CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT),
        Clock.systemUTC());
  }

  private static long rowsOf(
      Warehouse w, org.apache.iceberg.catalog.TableIdentifier id, LocalDate d) throws Exception {
    return BronzeFixture.read(w.table(id)).stream()
        .filter(r -> d.equals(r.getField("trading_date")))
        .count();
  }

  /** Undoes the newest Silver commit: the state of a run that died after its quarantine commit. */
  private static void loseLastSilverCommit(Warehouse w, String partition) {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    silver.refresh();
    Snapshot last = silver.currentSnapshot();
    assertThat(last.summary().get(SilverSummary.PARTITION)).isEqualTo(partition);
    silver.manageSnapshots().rollbackTo(last.parentId()).commit();
  }

  @Test
  void anEmptiedPartitionWhoseLaterRebuildDiedIsNotLeftWithStaleQuarantineRows() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      List<Trade> day2 =
          List.of(
              new Trade("BTCUSDT", T0.plusSeconds(86_400), "101", "1", "buy"),
              new Trade("BTCUSDT", T0.plusSeconds(86_401), "102", "0", "buy"));
      BronzeFixture.appendTradeFiles(
          bronze, 1, List.of(List.of(new Trade("BTCUSDT", T0, "100", "1", "buy")), day2));
      compactor(w).run();
      // day 2 deleted from Bronze and emptied by a `removed` rebuild
      bronze.newDelete().deleteFromRowFilter(ExchangeDate.of(EXCHANGE, DAY2).expression()).commit();
      long deleted = bronze.currentSnapshot().snapshotId();
      compactor(w).run();
      assertThat(rowsOf(w, TableContracts.QUARANTINE.id(), DAY2)).isZero();

      // day 2 re-ingested; its rebuild commits quarantine, then dies before its Silver commit
      BronzeFixture.appendTradeFiles(bronze, 3, List.of(day2));
      compactor(w).run();
      loseLastSilverCommit(w, EXCHANGE + "/" + DAY2);
      assertThat(compactor(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished"); // fine so far

      // the re-ingest was a mistake: Bronze is rolled back to the deletion
      bronze.manageSnapshots().rollbackTo(deleted).commit();
      compactor(w).run();

      // Bronze and Silver hold nothing of day 2, yet its quarantine row of the dead run stays
      assertThat(rowsOf(w, TableContracts.SILVER_TRADES.id(), DAY2)).isZero();
      assertThat(rowsOf(w, TableContracts.QUARANTINE.id(), DAY2))
          .as("quarantine rows of day 2, whose Bronze files are gone")
          .isZero();
    }
  }

  @Test
  void aSymbolsRebuildThatDiedBetweenItsCommitsIsDueAgain() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("NEWUSDT", T0, "1", "1", "buy"),
                  new Trade("JUNKUSDT", T0.plusSeconds(1), "1", "1", "buy"))));
      assertThat(strict(w).run().get(0).quarantined()).isEqualTo(2);

      new SymbolRegistry(DimSymbolTable.open(w), RegistrationPolicy.AUTO, Clock.systemUTC())
          .ensureRegistered(EXCHANGE, "NEWUSDT");
      CompactionPlan plan = strict(w).plan();
      assertThat(plan.partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("symbols");
      // the `symbols` rebuild commits quarantine (NEWUSDT leaves it), then dies before Silver
      strict(w).commit(plan);
      loseLastSilverCommit(w, EXCHANGE + "/" + DAY1);

      // NEWUSDT's trade is now in neither Silver nor quarantine
      assertThat(rowsOf(w, TableContracts.SILVER_TRADES.id(), DAY1)).isZero();
      assertThat(rowsOf(w, TableContracts.QUARANTINE.id(), DAY1)).isEqualTo(1);
      assertThat(strict(w).plan().partitions())
          .as("a partition whose Silver and quarantine commits resolved symbols differently")
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished");
    }
  }

  @Test
  void aQuarantineOnlyCompactionOfAPartitionRolledBackInBronzeIsEmptied() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      long good =
          BronzeFixture.appendTradeFiles(
              bronze, 1, List.of(List.of(new Trade("BTCUSDT", T0, "100", "1", "buy"))));
      compactor(w).run();
      // a bad ingest of day 2; its first compaction commits quarantine, then dies
      BronzeFixture.appendTradeFiles(
          bronze,
          2,
          List.of(List.of(new Trade("BTCUSDT", T0.plusSeconds(86_400), "101", "0", "buy"))));
      compactor(w).run();
      loseLastSilverCommit(w, EXCHANGE + "/" + DAY2);
      // the bad ingest is rolled back
      bronze.manageSnapshots().rollbackTo(good).commit();
      compactor(w).run();
      assertThat(rowsOf(w, TableContracts.QUARANTINE.id(), DAY2))
          .as("quarantine rows of day 2, whose Bronze files are gone")
          .isZero();
    }
  }

  @Test
  void rollingBronzeExpiryRebuildsAnUntouchedPartitionAgainAndAgain() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze, 1, List.of(List.of(new Trade("BTCUSDT", T0, "100", "1", "buy"))));
      compactor(w).run();
      int rebuildsOfDay1 = 0;
      for (int round = 0; round < 3; round++) {
        // live data keeps arriving for later days; old snapshots are expired as routine
        long before = bronze.currentSnapshot().snapshotId();
        BronzeFixture.appendTradeFiles(
            bronze,
            10 + round,
            List.of(
                List.of(
                    new Trade("BTCUSDT", T0.plusSeconds(86_400L * (round + 1)), "1", "1", "buy"))));
        bronze.expireSnapshots().expireSnapshotId(before).commit();
        for (PartitionResult r : compactor(w).run()) {
          if (r.key().equals(ExchangeDate.of(EXCHANGE, DAY1))) {
            rebuildsOfDay1++;
          }
        }
      }
      // day 1 never changed after its first compaction
      assertThat(rebuildsOfDay1).as("rebuilds of the untouched day 1").isZero();
    }
  }
}

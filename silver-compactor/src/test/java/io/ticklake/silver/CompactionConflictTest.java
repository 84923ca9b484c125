package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.quarantine.Severity;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionConflictTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w, CompactOptions o) {
    return new SilverCompactor(w, SilverTable.TRADES, o, Clock.systemUTC());
  }

  @Test
  void aStalePlanCannotReplaceANewerCompaction() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze, 1, List.of(List.of(new Trade("BTCUSDT", T0, "1", "1", "buy"))));
      CompactionPlan stale = compactor(w, CompactOptions.defaults()).plan();
      BronzeFixture.appendTradeFiles(
          bronze, 2, List.of(List.of(new Trade("BTCUSDT", T0.plusMillis(1), "1", "1", "buy"))));
      PartitionResult newer = compactor(w, CompactOptions.defaults()).run().get(0);
      assertThat(newer.rowsOut()).isEqualTo(2);

      assertThatThrownBy(() -> compactor(w, CompactOptions.defaults()).commit(stale))
          .isInstanceOf(TicklakeException.class)
          .hasMessageStartingWith(
              "Cannot compact silver.trades partition binance-futures/2024-03-01: snapshot ")
          .hasMessageEndingWith("plan again")
          .extracting(e -> ((TicklakeException) e).kind())
          .isEqualTo(TicklakeException.Kind.CONFLICT);
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      assertThat(silver.currentSnapshot().snapshotId()).isEqualTo(newer.silverSnapshotId());
      assertThat(compactor(w, CompactOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }

  @Test
  void aPartitionWhoseQuarantineNamesAnotherBronzeSnapshotIsDueAgain() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze, 1, List.of(List.of(new Trade("BTCUSDT", T0, "1", "1", "buy"))));
      compactor(w, CompactOptions.defaults()).run();
      // a run that died after replacing quarantine but before its Silver commit
      replaceQuarantineOnly(w, "42", null);
      assertThat(compactor(w, CompactOptions.defaults()).plan().partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("unfinished");
      compactor(w, CompactOptions.defaults()).run();
      assertThat(compactor(w, CompactOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }

  @Test
  void aForcedRebuildThatDiedBetweenItsCommitsIsDueAgain() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      long pinned =
          BronzeFixture.appendTradeFiles(
              bronze,
              1,
              List.of(
                  List.of(
                      new Trade("BTCUSDT", T0, "100", "1", "buy"),
                      new Trade("BTCUSDT", T0.plusMillis(1), "100", "1", "weird"))));
      assertThat(compactor(w, CompactOptions.defaults()).run().get(0).quarantined()).isEqualTo(1);
      // `compact --all` with side_known disabled, at the same Bronze snapshot: its quarantine
      // commit (no rows) lands, then it dies before its Silver commit
      replaceQuarantineOnly(w, Long.toString(pinned), "the key of a run with other rules");
      // the rejected row is now in neither table, and both markers name the same Bronze snapshot
      assertThat(
              rows(w, TableContracts.SILVER_TRADES.id()) + rows(w, TableContracts.QUARANTINE.id()))
          .isEqualTo(1);
      assertThat(compactor(w, CompactOptions.defaults()).plan().partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("unfinished");
      compactor(w, CompactOptions.defaults()).run();
      assertThat(rows(w, TableContracts.SILVER_TRADES.id())).isEqualTo(1);
      assertThat(rows(w, TableContracts.QUARANTINE.id())).isEqualTo(1);
      assertThat(compactor(w, CompactOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }

  @Test
  void theRebuildKeyNamesTheSnapshotTheRulesAndThePolicy() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      String key = compactor(w, CompactOptions.defaults()).rebuildKey(7);
      assertThat(key).hasSize(64).isEqualTo(compactor(w, CompactOptions.defaults()).rebuildKey(7));
      ValidationSettings v = ValidationSettings.defaults();
      for (CompactOptions other :
          List.of(
              CompactOptions.defaults().withValidation(v.without("side_known")),
              CompactOptions.defaults()
                  .withValidation(v.withSeverity("price_spike", Severity.ERROR)),
              CompactOptions.defaults()
                  .withValidation(
                      new ValidationSettings(
                          java.util.Map.of(),
                          java.util.Set.of(),
                          java.time.Duration.ofMinutes(2),
                          v.spikePercent(),
                          v.spikeWindow(),
                          v.spikeMinPoints())),
              CompactOptions.defaults()
                  .withValidation(
                      new ValidationSettings(
                          java.util.Map.of(),
                          java.util.Set.of(),
                          v.sessionTolerance(),
                          v.spikePercent(),
                          v.spikeWindow() + 1,
                          v.spikeMinPoints())),
              CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT))) {
        assertThat(compactor(w, other).rebuildKey(7)).isNotEqualTo(key);
      }
      assertThat(compactor(w, CompactOptions.defaults()).rebuildKey(8)).isNotEqualTo(key);
    }
  }

  /**
   * What a compaction that dies between its two commits leaves: its quarantine commit (no rows for
   * silver.trades) with its markers, and no Silver commit.
   */
  private static void replaceQuarantineOnly(Warehouse w, String bronzeSnapshotId, String key) {
    var overwrite =
        w.table(TableContracts.QUARANTINE.id())
            .newOverwrite()
            .overwriteByRowFilter(
                org.apache.iceberg.expressions.Expressions.equal("source_table", "silver.trades"))
            .set(SilverSummary.OPERATION, SilverSummary.COMPACT)
            .set(SilverSummary.TABLE, "silver.trades")
            .set(SilverSummary.PARTITION, "binance-futures/2024-03-01")
            .set(SilverSummary.BRONZE_SNAPSHOT_ID, bronzeSnapshotId);
    if (key != null) {
      overwrite.set(SilverSummary.REBUILD_KEY, key);
    }
    overwrite.commit();
  }

  private static long rows(Warehouse w, org.apache.iceberg.catalog.TableIdentifier id)
      throws Exception {
    Table t = w.table(id);
    t.refresh();
    long n = 0;
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.data.Record> rows =
        org.apache.iceberg.data.IcebergGenerics.read(t).build()) {
      for (org.apache.iceberg.data.Record ignored : rows) {
        n++;
      }
    }
    return n;
  }
}

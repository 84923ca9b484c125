package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
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
      Table quarantine = w.table(TableContracts.QUARANTINE.id());
      quarantine
          .newOverwrite()
          .overwriteByRowFilter(
              org.apache.iceberg.expressions.Expressions.equal("source_table", "silver.trades"))
          .set(SilverSummary.OPERATION, SilverSummary.COMPACT)
          .set(SilverSummary.TABLE, "silver.trades")
          .set(SilverSummary.PARTITION, "binance-futures/2024-03-01")
          .set(SilverSummary.BRONZE_SNAPSHOT_ID, "42")
          .commit();
      assertThat(compactor(w, CompactOptions.defaults()).plan().partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("unfinished");
      compactor(w, CompactOptions.defaults()).run();
      assertThat(compactor(w, CompactOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }
}

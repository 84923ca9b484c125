package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan follows Bronze history that is not a plain sequence of appends: a rollback, the removal
 * of a whole partition, and snapshot expiry. Silver must end as a rebuild from the Bronze that is
 * left, and settle to "nothing to compact".
 */
class BronzeHistoryTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");
  private static final LocalDate DAY1 = LocalDate.of(2024, 3, 1);
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return compactor(w, CompactOptions.defaults());
  }

  private static SilverCompactor compactor(Warehouse w, CompactOptions options) {
    return new SilverCompactor(w, SilverTable.TRADES, options, Clock.systemUTC());
  }

  private static long rowsOf(List<Record> rows, LocalDate date) {
    return rows.stream().filter(r -> date.equals(r.getField("trading_date"))).count();
  }

  private static Trade trade(Instant ts, String price, String size) {
    return new Trade("BTCUSDT", ts, price, size, "buy");
  }

  @Test
  void aRolledBackBronzeAppendIsRemovedFromSilver() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      long good =
          BronzeFixture.appendTradeFiles(bronze, 1, List.of(List.of(trade(T0, "100", "1"))));
      compactor(w).run();
      // a bad ingest: two more trades and one that quarantine rejects (size 0)
      BronzeFixture.appendTradeFiles(
          bronze,
          2,
          List.of(
              List.of(
                  trade(T0.plusSeconds(1), "999", "1"),
                  trade(T0.plusSeconds(2), "999", "1"),
                  trade(T0.plusSeconds(3), "999", "0"))));
      compactor(w).run();
      assertThat(BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id()))).hasSize(3);
      assertThat(BronzeFixture.read(w.table(TableContracts.QUARANTINE.id()))).hasSize(1);

      bronze.manageSnapshots().rollbackTo(good).commit();

      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(t -> assertThat(t.reason()).isEqualTo("changed"));
      compactor(w).commit(plan);
      assertThat(BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id())))
          .singleElement()
          .satisfies(r -> assertThat(r.getField("price").toString()).isEqualTo("100.000000000"));
      assertThat(BronzeFixture.read(w.table(TableContracts.QUARANTINE.id()))).isEmpty();
      assertThat(compactor(w).plan().isEmpty()).isTrue();
    }
  }

  @Test
  void aPartitionDeletedFromBronzeIsEmptiedInSilverAndQuarantine() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze,
          1,
          List.of(
              List.of(
                  trade(T0, "100", "1"),
                  trade(T0.plusSeconds(86_400), "101", "1"),
                  trade(T0.plusSeconds(86_401), "102", "0"))));
      compactor(w).run();
      assertThat(rowsOf(BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id())), DAY2))
          .isEqualTo(1);
      assertThat(rowsOf(BronzeFixture.read(w.table(TableContracts.QUARANTINE.id())), DAY2))
          .isEqualTo(1);

      bronze.newDelete().deleteFromRowFilter(ExchangeDate.of(EXCHANGE, DAY2).expression()).commit();

      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.key()).isEqualTo(ExchangeDate.of(EXCHANGE, DAY2));
                assertThat(t.reason()).isEqualTo("removed");
                assertThat(t.bronzeRows()).isZero();
              });
      List<PartitionResult> results = compactor(w).commit(plan);
      assertThat(results)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.rowsIn()).isZero();
                assertThat(r.rowsOut()).isZero();
                assertThat(r.dataFile()).isEmpty();
              });
      List<Record> silver = BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id()));
      assertThat(rowsOf(silver, DAY2)).isZero();
      assertThat(rowsOf(silver, DAY1)).isEqualTo(1);
      assertThat(rowsOf(BronzeFixture.read(w.table(TableContracts.QUARANTINE.id())), DAY2))
          .isZero();

      // settled: nothing due, and a forced run does not rebuild the emptied partition again
      assertThat(compactor(w).plan().isEmpty()).isTrue();
      assertThat(compactor(w, CompactOptions.defaults().withForce(true)).plan().partitions())
          .extracting(CompactionPlan.Task::key)
          .containsExactly(ExchangeDate.of(EXCHANGE, DAY1));
    }
  }

  @Test
  void afterBronzeSnapshotExpiryAnUnchangedPartitionSettles() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      long first =
          BronzeFixture.appendTradeFiles(bronze, 1, List.of(List.of(trade(T0, "100", "1"))));
      BronzeFixture.appendTradeFiles(
          bronze, 2, List.of(List.of(trade(T0.plusSeconds(86_400), "101", "1"))));
      compactor(w).run();
      assertThat(compactor(w).plan().isEmpty()).isTrue();

      // the snapshot that added day 1's file expires; the compactions read the later snapshot,
      // which is still in the history, so nothing is due
      bronze.expireSnapshots().expireSnapshotId(first).commit();
      assertThat(compactor(w).plan().isEmpty()).isTrue();

      // late data for day 2: only day 2 is due, day 1 (whose adding snapshot expired) is not
      BronzeFixture.appendTradeFiles(
          bronze, 3, List.of(List.of(trade(T0.plusSeconds(86_460), "102", "1"))));
      assertThat(compactor(w).plan().partitions())
          .extracting(CompactionPlan.Task::key)
          .containsExactly(ExchangeDate.of(EXCHANGE, DAY2));
      compactor(w).run();

      // the snapshot the compactions read expires too: still only the partition with new files
      // is due — each compaction recorded its Bronze file set, which did not change for day 1
      long read = bronze.currentSnapshot().snapshotId();
      BronzeFixture.appendTradeFiles(
          bronze, 4, List.of(List.of(trade(T0.plusSeconds(86_520), "103", "1"))));
      bronze.expireSnapshots().expireSnapshotId(read).commit();
      assertThat(compactor(w).plan().partitions())
          .extracting(CompactionPlan.Task::key)
          .containsExactly(ExchangeDate.of(EXCHANGE, DAY2));
      compactor(w).run();
      assertThat(compactor(w).plan().isEmpty()).isTrue();
      assertThat(rowsOf(BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id())), DAY2))
          .isEqualTo(3);
    }
  }
}

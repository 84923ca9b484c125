package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two compactors started together on a barrier, repeated: on different partitions both commit; on
 * the same partition one wins and the other fails with a retryable conflict, and the partition
 * holds exactly one compaction's rows.
 */
class ConcurrentCompactorsTest {
  private static final LocalDate DAY_2 = BronzeFixture.DATE.plusDays(1);

  @TempDir Path dir;

  private static long silverRows(Warehouse w, String exchange, LocalDate date) throws Exception {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    long n = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(silver).build()) {
      for (Record r : rows) {
        if (r.getField("exchange").equals(exchange) && r.getField("trading_date").equals(date)) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Bronze rows of the partition that silver.trades quarantine rows name (a row breaking several
   * rules has one quarantine row per rule): what one compaction quarantined, more if two
   * compactions' rows were left side by side.
   */
  private static long quarantineRows(Warehouse w, LocalDate date) throws Exception {
    Table q = w.table(TableContracts.QUARANTINE.id());
    List<String> named = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(q).build()) {
      for (Record r : rows) {
        if ("silver.trades".equals(r.getField("source_table"))
            && date.equals(r.getField("trading_date"))) {
          named.add(
              r.getField("file_id") + ":" + r.getField("file_seq") + ":" + r.getField("rule"));
        }
      }
    }
    // one compaction writes each (row, rule) once; a second compaction's rows would repeat them
    assertThat(named).doesNotHaveDuplicates();
    return named.stream().map(n -> n.substring(0, n.lastIndexOf(':'))).distinct().count();
  }

  private static List<Object> race(Warehouse w, List<CompactOptions> options) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(options.size());
    ExecutorService pool = Executors.newFixedThreadPool(options.size());
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (CompactOptions o : options) {
        futures.add(
            pool.submit(
                () -> {
                  SilverCompactor c =
                      new SilverCompactor(w, SilverTable.TRADES, o, Clock.systemUTC());
                  CompactionPlan plan = c.plan();
                  barrier.await();
                  try {
                    return c.commit(plan);
                  } catch (TicklakeException e) {
                    return e;
                  }
                }));
      }
      List<Object> out = new ArrayList<>();
      for (Future<Object> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  @RepeatedTest(3)
  void differentPartitionsCommitSideBySide() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      // each day has price-0 trades: both compactors also commit quarantine rows side by side
      List<Trade> day1 = BronzeFixture.trades(1_200, 1);
      List<Trade> day2 = BronzeFixture.trades(1_500, 2);
      BronzeFixture.appendTradeFiles(
          bronze, BronzeFixture.EXCHANGE, BronzeFixture.DATE, 1, List.of(day1));
      BronzeFixture.appendTradeFiles(bronze, BronzeFixture.EXCHANGE, DAY_2, 2, List.of(day2));

      List<Object> results =
          race(
              w,
              List.of(
                  CompactOptions.defaults()
                      .onlyPartition(ExchangeDate.of(BronzeFixture.EXCHANGE, BronzeFixture.DATE)),
                  CompactOptions.defaults()
                      .onlyPartition(ExchangeDate.of(BronzeFixture.EXCHANGE, DAY_2))));
      assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(List.class));
      PartitionResult r1 = (PartitionResult) ((List<?>) results.get(0)).get(0);
      PartitionResult r2 = (PartitionResult) ((List<?>) results.get(1)).get(0);
      assertThat(silverRows(w, BronzeFixture.EXCHANGE, BronzeFixture.DATE)).isEqualTo(r1.rowsOut());
      assertThat(silverRows(w, BronzeFixture.EXCHANGE, DAY_2)).isEqualTo(r2.rowsOut());
      assertThat(r1.quarantined()).isPositive();
      assertThat(r2.quarantined()).isPositive();
      assertThat(quarantineRows(w, BronzeFixture.DATE)).isEqualTo(r1.quarantined());
      assertThat(quarantineRows(w, DAY_2)).isEqualTo(r2.quarantined());
      assertThat(
              new SilverCompactor(
                      w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
    }
  }

  @RepeatedTest(3)
  void samePartitionHasOneWinnerAndTheLoserGetsARetryableConflict() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      // 2,500 trades: two with price 0 (each followed by an identical print), so the race also
      // replaces quarantine rows
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(BronzeFixture.trades(2_500, 3)));

      List<Object> results = race(w, List.of(CompactOptions.defaults(), CompactOptions.defaults()));
      List<PartitionResult> won = new ArrayList<>();
      List<TicklakeException> lost = new ArrayList<>();
      for (Object r : results) {
        if (r instanceof TicklakeException e) {
          lost.add(e);
        } else {
          won.add((PartitionResult) ((List<?>) r).get(0));
        }
      }
      assertThat(won).hasSize(1);
      assertThat(lost).hasSize(1);
      for (TicklakeException e : lost) {
        assertThat(e.kind()).isEqualTo(TicklakeException.Kind.CONFLICT);
        // lost at the quarantine commit or at the Silver commit
        assertThat(e.getMessage())
            .containsAnyOf(
                "Cannot compact silver.trades partition binance-futures/2024-03-01",
                "Cannot replace the quarantine rows of silver.trades partition"
                    + " binance-futures/2024-03-01");
      }
      // whoever won, the partition holds exactly one compaction's rows, and nothing is due again
      assertThat(silverRows(w, BronzeFixture.EXCHANGE, BronzeFixture.DATE))
          .isEqualTo(won.get(0).rowsOut());
      // and exactly one compaction's quarantine rows, even when the loser's quarantine commit
      // landed before it lost the Silver commit
      assertThat(won.get(0).quarantined()).isPositive();
      assertThat(quarantineRows(w, BronzeFixture.DATE)).isEqualTo(won.get(0).quarantined());
      assertThat(
              new SilverCompactor(
                      w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
    }
  }

  @RepeatedTest(3)
  void theLoserReplansAndSkipsWhatTheWinnerCommitted() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(BronzeFixture.trades(2_500, 4)));
      CyclicBarrier barrier = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<SilverCompactor.Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        futures.add(
            pool.submit(
                () -> {
                  SilverCompactor c =
                      new SilverCompactor(
                          w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
                  barrier.await();
                  return c.runResolvingConflicts(3);
                }));
      }
      List<SilverCompactor.Outcome> outcomes = new ArrayList<>();
      for (Future<SilverCompactor.Outcome> f : futures) {
        outcomes.add(f.get());
      }
      pool.shutdown();
      long committed = outcomes.stream().mapToLong(o -> o.committed().size()).sum();
      long skipped = outcomes.stream().mapToLong(o -> o.skipped().size()).sum();
      // neither fails; the partition is rebuilt exactly once; a loser that planned before the
      // winner committed skips it after re-planning (one that planned later never saw it due)
      assertThat(committed).isEqualTo(1);
      assertThat(skipped).isLessThanOrEqualTo(1);
      PartitionResult any =
          outcomes.stream().flatMap(o -> o.committed().stream()).findFirst().orElseThrow();
      assertThat(silverRows(w, BronzeFixture.EXCHANGE, BronzeFixture.DATE))
          .isEqualTo(any.rowsOut());
      assertThat(any.quarantined()).isPositive();
      assertThat(quarantineRows(w, BronzeFixture.DATE)).isEqualTo(any.quarantined());
      assertThat(
              new SilverCompactor(
                      w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
    }
  }
}

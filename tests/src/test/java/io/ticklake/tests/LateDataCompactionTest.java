package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late data through the real ingest path: after three trading dates are compacted, a vendor file
 * for the oldest date is ingested; the next run rebuilds only that partition and leaves the data
 * files of the others untouched.
 */
class LateDataCompactionTest {
  private static final String EXCHANGE = "binance-futures";
  private static final LocalDate D1 = LocalDate.of(2020, 2, 20);
  private static final LocalDate D2 = LocalDate.of(2020, 2, 21);
  private static final LocalDate D3 = LocalDate.of(2020, 2, 22);

  @TempDir Path dir;

  @Test
  void aCommitIntoAnOldTradingDateRecompactsOnlyThatPartition() throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      ingest(w, tardisTrades("day1.csv", D1, 1_000, 500));
      ingest(w, tardisTrades("day2.csv", D2, 2_000, 500));
      ingest(w, tardisTrades("day3.csv", D3, 3_000, 500));
      SilverCompactor compactor = compactor(w);
      assertThat(compactor.run()).hasSize(3);
      Map<ExchangeDate, String> before = silverFiles(w);
      assertThat(before).hasSize(3);
      assertThat(compactor(w).plan().isEmpty()).isTrue();

      // a vendor file that arrives late, for the oldest date: 200 new trades, 50 re-sent ones
      ingest(w, tardisTrades("day1-late.csv", D1, 1_450, 250));
      CompactionPlan plan = compactor(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.key()).isEqualTo(ExchangeDate.of(EXCHANGE, D1));
                assertThat(t.reason()).isEqualTo("changed");
                assertThat(t.bronzeFiles()).isEqualTo(2);
              });
      List<PartitionResult> results = compactor(w).commit(plan);
      assertThat(results)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.rowsIn()).isEqualTo(750);
                assertThat(r.duplicates()).isEqualTo(50);
                assertThat(r.rowsOut()).isEqualTo(700);
              });

      Map<ExchangeDate, String> after = silverFiles(w);
      assertThat(after.keySet()).isEqualTo(before.keySet());
      assertThat(after.get(ExchangeDate.of(EXCHANGE, D1)))
          .isNotEqualTo(before.get(ExchangeDate.of(EXCHANGE, D1)));
      assertThat(after.get(ExchangeDate.of(EXCHANGE, D2)))
          .isEqualTo(before.get(ExchangeDate.of(EXCHANGE, D2)));
      assertThat(after.get(ExchangeDate.of(EXCHANGE, D3)))
          .isEqualTo(before.get(ExchangeDate.of(EXCHANGE, D3)));
      assertThat(compactor(w).plan().isEmpty()).isTrue();
    }
  }

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(
        w, SilverTable.TRADES, CompactOptions.defaults().withThreads(1), Clock.systemUTC());
  }

  private static void ingest(Warehouse w, Path file) {
    new IngestJob(
            w,
            VendorReaders.forVendor("tardis", null),
            ExchangeTable.load(w.catalog()),
            null,
            1,
            null,
            Clock.systemUTC())
        .run(List.of(file));
  }

  /** A Tardis trades CSV of {@code n} trades with ids from {@code firstId}, one per second. */
  private Path tardisTrades(String name, LocalDate date, long firstId, int n) throws Exception {
    StringBuilder sb =
        new StringBuilder("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
    long base = date.atTime(1, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    for (int i = 0; i < n; i++) {
      long id = firstId + i;
      long ts = base + id * 1_000_000L;
      sb.append(EXCHANGE)
          .append(",BTCUSDT,")
          .append(ts)
          .append(',')
          .append(ts + 250)
          .append(',')
          .append(id)
          .append(id % 2 == 0 ? ",buy," : ",sell,")
          .append(9_000 + id % 97)
          .append(".5,0.")
          .append(100 + id % 900)
          .append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, sb);
    return file;
  }

  /** The Silver data file of each partition. */
  private static Map<ExchangeDate, String> silverFiles(Warehouse w) throws Exception {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    silver.refresh();
    Map<ExchangeDate, String> out = new TreeMap<>();
    try (CloseableIterable<FileScanTask> tasks = silver.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        String previous = out.put(ExchangeDate.of(silver, t.file()), t.file().location());
        assertThat(previous).as("one file per partition").isNull();
      }
    }
    return out;
  }
}

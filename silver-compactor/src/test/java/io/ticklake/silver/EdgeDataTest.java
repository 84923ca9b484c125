package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Trade;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silver compaction of edge-case event data. */
class EdgeDataTest {
  @TempDir Path dir;

  /**
   * The Tardis reader accepts event times up to the end of year 9999; on a 24/7 UTC exchange the
   * session of 9999-12-31 closes at 10000-01-01T00:00Z. The rebuild must still compact that day
   * (its session bounds were rendered as {@code '+10000-01-01T00:01:00Z'}, which DuckDB cannot
   * parse, so every run failed on the partition).
   */
  @Test
  void aTradeOnTheLastDayOfYear9999IsCompacted() throws Exception {
    List<Trade> trades =
        List.of(
            new Trade("BTCUSDT", Instant.parse("9999-12-31T12:00:00Z"), "100", "1", "buy"),
            new Trade("BTCUSDT", Instant.parse("9999-12-31T23:59:00Z"), "101", "1", "sell"));
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(trades));

      List<PartitionResult> results =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
              .run();

      assertThat(results).hasSize(1);
      assertThat(results.get(0).rowsOut()).isEqualTo(2);
      List<Record> silver = BronzeFixture.read(w.table(TableContracts.SILVER_TRADES.id()));
      assertThat(silver)
          .extracting(r -> r.getField("trading_date"))
          .containsOnly(LocalDate.of(9999, 12, 31));
      assertThat(silver)
          .extracting(r -> ((BigDecimal) r.getField("price")).toPlainString())
          .containsExactlyInAnyOrder("100.000000000", "101.000000000");
      assertThat(silver).extracting(r -> r.getField("session")).containsOnly("regular");
    }
  }
}

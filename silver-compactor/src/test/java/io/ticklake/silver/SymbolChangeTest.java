package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolRegistry;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the strict registration policy, events of symbols the dimension does not know are
 * quarantined; once the reference data catches up (a new listing loaded after its first prints),
 * the next run rebuilds exactly the partitions whose quarantined symbols now resolve.
 */
class SymbolChangeTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  private static SilverCompactor strict(Warehouse w) {
    return new SilverCompactor(
        w,
        SilverTable.TRADES,
        CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT),
        Clock.systemUTC());
  }

  private static void register(Warehouse w, String ticker) {
    new SymbolRegistry(DimSymbolTable.open(w), RegistrationPolicy.AUTO, Clock.systemUTC())
        .ensureRegistered(EXCHANGE, ticker);
  }

  private static List<Object> symbols(Table t) throws Exception {
    t.refresh();
    List<Object> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(r -> out.add(r.getField("symbol")));
    }
    return out;
  }

  @Test
  void loadingAMissingSymbolMakesOnlyThePartitionsItResolvesDue() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("NEWUSDT", T0, "1", "1", "buy"),
                  new Trade("JUNKUSDT", T0.plusSeconds(1), "1", "1", "buy"))));
      PartitionResult first = strict(w).run().get(0);
      assertThat(first.quarantined()).isEqualTo(2);
      assertThat(strict(w).plan().isEmpty()).isTrue();

      // a dimension change that resolves none of the quarantined rows makes nothing due
      register(w, "OTHERUSDT");
      assertThat(strict(w).plan().isEmpty()).isTrue();

      // the listing arrives: the partition is due, and its rebuild moves the rows to Silver
      register(w, "NEWUSDT");
      CompactionPlan plan = strict(w).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.reason()).isEqualTo("symbols");
                assertThat(t.bronzeRows()).isEqualTo(2);
              });
      PartitionResult r = strict(w).commit(plan).get(0);
      assertThat(r.rowsOut()).isEqualTo(1);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(symbols(w.table(TableContracts.SILVER_TRADES.id()))).containsExactly("NEWUSDT");
      assertThat(symbols(w.table(TableContracts.QUARANTINE.id()))).containsExactly("JUNKUSDT");

      // settled until the dimension changes again
      assertThat(strict(w).plan().isEmpty()).isTrue();
    }
  }
}

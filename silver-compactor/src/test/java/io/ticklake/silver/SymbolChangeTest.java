package io.ticklake.silver;

import static io.ticklake.silver.DimFixture.closed;
import static io.ticklake.silver.DimFixture.only;
import static io.ticklake.silver.DimFixture.opened;
import static io.ticklake.silver.DimFixture.register;
import static io.ticklake.silver.DimFixture.save;
import static io.ticklake.silver.DimFixture.silverIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolChanges;
import io.ticklake.catalog.dim.SymbolLoader;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the strict registration policy, events of symbols the dimension does not know are
 * quarantined; once the reference data catches up (a new listing loaded after its first prints),
 * the next run rebuilds exactly the partitions whose quarantined symbols now resolve. When the
 * dimension remaps a ticker Silver already resolved, the partitions whose rows now name another
 * instrument are rebuilt, and no other.
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

  @Test
  void remappingAResolvedTickerRebuildsOnlyThePartitionsWhoseRowsMove() throws Exception {
    Instant later = T0.plus(java.time.Duration.ofDays(19)); // another trading date
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("ABCUSDT", T0, "1", "1", "buy"),
                  new Trade("XYZUSDT", T0.plusSeconds(1), "1", "1", "buy"),
                  new Trade("ABCUSDT", T0.plusSeconds(7200), "1", "1", "buy")),
              List.of(new Trade("XYZUSDT", later, "1", "1", "buy"))));
      SilverCompactor auto =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      assertThat(auto.run()).hasSize(2);
      long abc = only(w, "ABCUSDT").symbolId();
      assertThat(silverIds(w)).containsEntry(T0.plusSeconds(7200), abc);

      // new instruments, and a version split that keeps every instant's instrument: nothing due
      register(w, "OTHERUSDT");
      SymbolVersion xyz = only(w, "XYZUSDT");
      Instant split = T0.plusSeconds(3600);
      SymbolVersion xyzLater =
          new SymbolVersion(
              xyz.symbolId(),
              xyz.exchange(),
              xyz.canonicalId(),
              xyz.ticker(),
              xyz.exchangeCode(),
              xyz.attributes(),
              split,
              Optional.empty(),
              true,
              xyz.autoRegistered(),
              "test",
              Instant.now());
      save(w, new SymbolChanges(List.of(xyz), List.of(closed(xyz, split), xyzLater)));
      assertThat(auto.plan().isEmpty()).isTrue();

      // ABCUSDT names another instrument from T0 + 1 h: only the first date has a row that moves
      SymbolVersion old = only(w, "ABCUSDT");
      SymbolVersion successor = opened(old, "ABC-NEW", split);
      save(w, new SymbolChanges(List.of(old), List.of(closed(old, split), successor)));
      CompactionPlan plan = auto.plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.reason()).isEqualTo("remapped");
                assertThat(t.key().tradingDate()).isEqualTo(BronzeFixture.DATE);
              });
      auto.commit(plan);
      Map<Instant, Long> ids = silverIds(w);
      assertThat(ids).containsEntry(T0, abc);
      assertThat(ids).containsEntry(T0.plusSeconds(7200), successor.symbolId());
      assertThat(successor.symbolId()).isNotEqualTo(abc);

      // settled until the dimension changes again
      assertThat(auto.plan().isEmpty()).isTrue();

      // the versions the compactions recorded expired: the rows themselves are checked
      register(w, "THIRDUSDT");
      Table dim = DimSymbolTable.open(w).table();
      dim.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
      assertThat(auto.plan().isEmpty()).isTrue();
    }
  }

  @Test
  void loadingReferenceDataAfterAutoRegistrationGivesSilverTheReferenceIds() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Instant open = T0.plusSeconds(3 * 3600); // 10:00 in New York
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          "us-equity",
          BronzeFixture.DATE,
          1,
          List.of(List.of(new Trade("IBM", open, "190.5", "100", null))));
      SilverCompactor auto =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      auto.run();
      long placeholder = only(w, "us-equity", "IBM").symbolId();
      assertThat(only(w, "us-equity", "IBM").autoRegistered()).isTrue();

      // the bundled reference (Lean's IBM map file among it) replaces the placeholder row
      new SymbolLoader(
              SymbolLoader.references(Optional.empty(), Optional.empty(), Optional.empty()),
              java.time.LocalDate.of(2024, 1, 1),
              Clock.systemUTC())
          .commit(DimSymbolTable.open(w), DimSymbolTable.Retry.DEFAULT);
      long reference = only(w, "us-equity", "IBM").symbolId();
      assertThat(reference).isNotEqualTo(placeholder);

      assertThat(auto.plan().partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("remapped");
      auto.run();
      assertThat(silverIds(w)).containsExactly(Map.entry(open, reference));
      assertThat(auto.plan().isEmpty()).isTrue();
    }
  }
}

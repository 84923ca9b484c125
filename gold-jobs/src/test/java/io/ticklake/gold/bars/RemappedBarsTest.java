package io.ticklake.gold.bars;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.SymbolLoader;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bars follow a {@code remapped} Silver rebuild: they carry the new symbol ids. */
class RemappedBarsTest {
  @TempDir Path dir;

  private static Set<Long> ids(Table t) throws Exception {
    t.refresh();
    Set<Long> out = new HashSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(r -> out.add((Long) r.getField("symbol_id")));
    }
    return out;
  }

  @Test
  void barsAreRebuiltAfterARemappedSilverRebuild() throws Exception {
    try (Warehouse w = LeanLake.create(dir, false)) {
      new BarJob(w, BarOptions.defaults()).run();
      Set<Long> before = ids(w.table(TableContracts.GOLD_BARS.id()));
      new SymbolLoader(
              SymbolLoader.references(Optional.empty(), Optional.empty(), Optional.empty()),
              LocalDate.of(2024, 1, 1),
              Clock.systemUTC())
          .commit(DimSymbolTable.open(w), DimSymbolTable.Retry.DEFAULT);
      SilverCompactor c =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      CompactionPlan plan = c.plan();
      assertThat(plan.partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("remapped");
      c.commit(plan);
      Set<Long> silver = ids(w.table(TableContracts.SILVER_TRADES.id()));
      assertThat(silver).doesNotContainAnyElementsOf(before);
      assertThat(new BarJob(w, BarOptions.defaults()).plan().isEmpty()).isFalse();
      new BarJob(w, BarOptions.defaults()).run();
      assertThat(ids(w.table(TableContracts.GOLD_BARS.id()))).isEqualTo(silver);
    }
  }
}

package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.OrphanFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake orphans} while {@code ticklake expire} runs (the soak of 2026-11-28 ran both in
 * loops): orphans loads a table's metadata, expire then removes snapshots and deletes their
 * manifest lists, and orphans goes on to read those. It must list from the table as it is now
 * instead of failing with an internal error on the missing manifest list.
 */
class OrphansWhileExpiringTest {
  private static final LocalDate D1 = LocalDate.of(2020, 2, 20);

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @Test
  void snapshotsExpiredAfterOrphansLoadedTheTableAreNotAnError() throws Exception {
    assertThat(run("init").code()).isZero();
    for (int i = 0; i < 3; i++) { // three Bronze appends: three snapshots
      Path file = TardisTradeFiles.write(dir, "t" + i + ".csv", D1, 1 + 100 * i);
      CliRun r = run("ingest", "--vendor", "tardis", file.toString());
      assertThat(r.code()).as(r.err()).isZero();
    }
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table loaded = w.table(TableContracts.BRONZE_TRADES.id()); // what orphans read first
      assertThat(loaded.snapshots()).hasSize(3);
      Path bronzeData = dir.resolve("wh/bronze/trades/data");
      Path stray;
      try (var files = Files.walk(bronzeData)) {
        Path some = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        stray = Files.copy(some, some.resolveSibling("killed-job.parquet"));
      }

      // another process expires the first two snapshots meanwhile
      CliRun expire = run("expire", "bronze.trades", "--older-than", "1ms");
      assertThat(expire.code()).as(expire.err()).isZero();
      assertThat(expire.out()).contains("Expired 2 snapshots");

      List<Path> orphans = OrphanFiles.list(loaded, Long.MAX_VALUE);
      assertThat(orphans).containsExactly(stray);
    }
  }
}

package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake orphans} after routine {@code ticklake expire}: a Silver file still live in a
 * snapshot that is kept must not be listed (nor deleted), even when the snapshot that added it has
 * expired.
 */
class OrphansAfterExpiryTest {
  private static final LocalDate D1 = LocalDate.of(2020, 2, 20);
  private static final LocalDate D2 = LocalDate.of(2020, 2, 21);

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @Test
  void filesOfKeptSnapshotsAreNotOrphansAfterTheSnapshotThatAddedThemExpired() throws Exception {
    assertThat(run("init").code()).isZero();
    ingest(tardisTrades(D1, "a", 1));
    // S1: D1 compacted (adds D1's first file)
    assertThat(run("compact", "--table", "trades").code()).isZero();
    ingest(tardisTrades(D2, "a", 1));
    // S2: D2 compacted; D1's first file is still live in S2
    assertThat(run("compact", "--table", "trades").code()).isZero();
    long s2;
    List<String> d1FilesInS2;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      s2 = silver.currentSnapshot().snapshotId();
      d1FilesInS2 = files(silver, s2, "2020-02-20");
    }
    assertThat(d1FilesInS2).hasSize(1);
    // late data for D1, S3: D1 rebuilt, its first file replaced
    ingest(tardisTrades(D1, "b", 101));
    assertThat(run("compact", "--table", "trades").code()).isZero();
    String asOfS2 = "select count(*) from silver.trades where trading_date = DATE '2020-02-20'";
    assertThat(run("sql", "--format", "csv", "--as-of", Long.toString(s2), "-c", asOfS2).out())
        .contains("98");

    // routine expiry keeping S2 and S3: S1 (which added D1's first file) goes; the file stays, as
    // S2 still references it
    CliRun expire = run("expire", "silver.trades", "--older-than", "1ms", "--retain-last", "2");
    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(Path.of(d1FilesInS2.get(0).replaceFirst("^file:", ""))).exists();

    // what a killed job leaves is still found
    Path d1File = Path.of(d1FilesInS2.get(0).replaceFirst("^file:", ""));
    Path stray = Files.copy(d1File, d1File.resolveSibling("killed-job.parquet"));
    CliRun orphans = run("orphans", "silver.trades", "--older-than", "0");
    assertThat(orphans.code()).as(orphans.err()).isZero();
    assertThat(orphans.out())
        .as("a file of kept snapshot %d is not an orphan", s2)
        .doesNotContain(Path.of(d1FilesInS2.get(0)).getFileName().toString())
        .contains("killed-job.parquet", "1 orphaned file,");

    assertThat(run("orphans", "silver.trades", "--older-than", "0", "--delete").code()).isZero();
    assertThat(stray).doesNotExist();
    CliRun timeTravel = run("sql", "--format", "csv", "--as-of", Long.toString(s2), "-c", asOfS2);
    assertThat(timeTravel.code()).as(timeTravel.err()).isZero();
    assertThat(timeTravel.out()).contains("98");
  }

  private static List<String> files(Table table, long snapshot, String date) throws Exception {
    List<String> out = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot).planFiles()) {
      for (FileScanTask t : tasks) {
        if (t.file().location().contains("trading_date=" + date)) {
          out.add(t.file().location());
        }
      }
    }
    return out;
  }

  private void ingest(Path file) {
    CliRun r = run("ingest", "--vendor", "tardis", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  private Path tardisTrades(LocalDate date, String tag, int first) throws Exception {
    return TardisTradeFiles.write(dir, date + "_" + tag + "_trades.csv", date, first);
  }
}

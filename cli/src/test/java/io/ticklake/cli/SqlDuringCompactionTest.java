package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake sql} while a compaction is between its quarantine and its Silver commit (or died
 * there): the quarantine rows it shows for the partition are those of the rebuild Silver holds, and
 * stderr says so; standard output holds only the result.
 */
class SqlDuringCompactionTest {
  private static final LocalDate D1 = LocalDate.of(2020, 2, 20);

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @Test
  void quarantineRowsGoWithTheSilverRowsTheyWereRejectedFrom() throws Exception {
    assertThat(run("init").code()).isZero();
    ingest(TardisTradeFiles.write(dir, "a_trades.csv", D1, 1)); // 2 rows rejected
    assertThat(run("compact", "--table", "trades").code()).isZero();
    long firstBronze;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      firstBronze = CompactionMarkers.bronzeSnapshotId(silver.currentSnapshot());
    }
    ingest(TardisTradeFiles.write(dir, "b_trades.csv", D1, 101));
    assertThat(run("compact", "--table", "trades").code()).isZero();
    long unfinished;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      // the second run's Silver commit undone: what a run that died before it leaves
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      Snapshot last = silver.currentSnapshot();
      silver.manageSnapshots().rollbackTo(last.parentId()).commit();
      unfinished = w.table(TableContracts.QUARANTINE.id()).currentSnapshot().snapshotId();
    }

    CliRun r =
        run(
            "sql",
            "--format",
            "csv",
            "-c",
            "select (select count(*) from silver.trades) as silver, count(*) as quarantined,"
                + " min(bronze_snapshot_id) as lo, max(bronze_snapshot_id) as hi from"
                + " ops.quarantine where source_table = 'silver.trades'");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo("silver,quarantined,lo,hi\r\n98,2," + firstBronze + "," + firstBronze + "\r\n");
    assertThat(r.err())
        .isEqualTo(
            "ticklake: note: ops.quarantine shows silver.trades partition"
                + " binance-futures/2020-02-20 as its last finished compaction left it: a later"
                + " compaction committed its quarantine rows (snapshot "
                + unfinished
                + ") but not its Silver rows (a run still going, or one that died: ticklake"
                + " compact finishes it)\n");
    // the note is about ops.quarantine: a query that does not read it gets none
    CliRun silverOnly = run("sql", "--format", "csv", "-c", "select count(*) from silver.trades");
    assertThat(silverOnly.out()).isEqualTo("count_star()\r\n98\r\n");
    assertThat(silverOnly.err()).isEmpty();

    assertThat(run("compact", "--table", "trades").code()).isZero();
    CliRun finished = run("sql", "--format", "csv", "-c", "select count(*) from silver.trades");
    assertThat(finished.out()).isEqualTo("count_star()\r\n198\r\n");
    assertThat(finished.err()).isEmpty();
  }

  private void ingest(Path file) {
    CliRun r = run("ingest", "--vendor", "tardis", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }
}

package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.write.OrphanFiles;
import io.ticklake.manifests.IngestManifest;
import io.ticklake.manifests.ManifestEntry;
import io.ticklake.manifests.ManifestStatus;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A child JVM running {@code ticklake ingest} is killed with SIGKILL at an injected point; a rerun
 * must leave Bronze with exactly the source rows — none lost, none twice — and a consistent
 * manifest.
 */
class IngestCrashTest {
  private static final long TARDIS_ROWS_PER_FILE = 9_999;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"before-write", "after-write", "after-commit"})
  void killedIngestRerunsToExactlyTheSourceRows(String point) throws Exception {
    Path warehouse = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    String[] args = tardisIngest(warehouse, samples);

    ChildJvm crashing = ChildJvm.start(Map.of("TICKLAKE_CRASH_POINT", point), "CRASH-POINT", args);
    assertThat(crashing.killAtMarker(300))
        .as("reached %s: stderr %s stdout %s", point, crashing.stderr(), crashing.stdout())
        .isTrue();

    long orphansAfterCrash;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      Table quotes = w.catalog().loadTable(TableContracts.BRONZE_QUOTES.id());
      orphansAfterCrash =
          OrphanFiles.list(trades, Long.MAX_VALUE).size()
              + OrphanFiles.list(quotes, Long.MAX_VALUE).size();
      if (point.equals("after-write")) {
        // files were written but never committed: invisible, and listed for cleanup
        assertThat(orphansAfterCrash).isPositive();
      }
      if (point.equals("before-write")) {
        assertThat(trades.currentSnapshot()).isNull();
        assertThat(quotes.currentSnapshot()).isNull();
      }
    }

    ChildJvm rerun = ChildJvm.start(Map.of(), null, args);
    assertThat(rerun.waitFor(300)).as(rerun.stderr()).isZero();

    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse));
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      for (String table : List.of("bronze.trades", "bronze.quotes")) {
        assertThat(query(bridge, "select count(*) from " + table)).isEqualTo(TARDIS_ROWS_PER_FILE);
        assertThat(query(bridge, "select count(distinct (file_id, file_seq)) from " + table))
            .isEqualTo(TARDIS_ROWS_PER_FILE);
      }
      Map<Long, ManifestEntry> manifest =
          new IngestManifest(w.catalog().loadTable(TableContracts.INGEST_MANIFEST.id())).current();
      assertThat(manifest).hasSize(2);
      for (ManifestEntry e : manifest.values()) {
        assertThat(e.status()).isEqualTo(ManifestStatus.INGESTED);
        assertThat(e.rowsTotal()).isEqualTo(TARDIS_ROWS_PER_FILE);
        assertThat(e.rowsWritten()).isEqualTo(TARDIS_ROWS_PER_FILE);
        assertThat(
                query(
                    bridge,
                    "select count(*) from " + e.bronzeTable() + " where file_id = " + e.fileId()))
            .isEqualTo(TARDIS_ROWS_PER_FILE);
      }
      // what the crash orphaned stays unreferenced (the rerun wrote new files)
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      Table quotes = w.catalog().loadTable(TableContracts.BRONZE_QUOTES.id());
      assertThat(
              OrphanFiles.list(trades, Long.MAX_VALUE).size()
                  + OrphanFiles.list(quotes, Long.MAX_VALUE).size())
          .isEqualTo(orphansAfterCrash);
    }
  }

  /**
   * A crash between the Bronze commit and the manifest update, then {@code ticklake expire} of the
   * crashed commit's snapshots before the rerun (other ingests committed since): the rerun must
   * still find the file committed — the commit also left the file id in the table's properties —
   * and add nothing. Until 2026-11-28 it ingested the file a second time.
   */
  @Test
  void rerunAfterTheCrashedCommitExpiredAddsNothing() throws Exception {
    Path warehouse = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    String[] tardis = tardisIngest(warehouse, samples);
    ChildJvm crashing =
        ChildJvm.start(Map.of("TICKLAKE_CRASH_POINT", "after-commit"), "CRASH-POINT", tardis);
    assertThat(crashing.killAtMarker(300)).as(crashing.stderr()).isTrue();

    // later commits on both Bronze tables, then an expiry that leaves only the newest snapshot
    ChildJvm lean =
        ChildJvm.start(
            Map.of(),
            null,
            "--warehouse",
            warehouse.toString(),
            "ingest",
            "--vendor",
            "lean",
            samples.resolve("lean").toString());
    assertThat(lean.waitFor(300)).as(lean.stderr()).isZero();
    ChildJvm expire =
        ChildJvm.start(
            Map.of(),
            null,
            "--warehouse",
            warehouse.toString(),
            "expire",
            "bronze.trades",
            "bronze.quotes",
            "--older-than",
            "1ms");
    assertThat(expire.waitFor(300)).as(expire.stderr()).isZero();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse))) {
      for (var id : List.of(TableContracts.BRONZE_TRADES.id(), TableContracts.BRONZE_QUOTES.id())) {
        assertThat(w.catalog().loadTable(id).snapshots()).as("%s expired", id).hasSize(1);
      }
    }

    ChildJvm rerun = ChildJvm.start(Map.of(), null, tardis);
    assertThat(rerun.waitFor(300)).as(rerun.stderr()).isZero();
    assertThat(rerun.stdout()).contains("recovered");

    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse));
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      Map<Long, ManifestEntry> manifest =
          new IngestManifest(w.catalog().loadTable(TableContracts.INGEST_MANIFEST.id())).current();
      assertThat(manifest).hasSize(4);
      for (ManifestEntry e : manifest.values()) {
        assertThat(e.status()).isEqualTo(ManifestStatus.INGESTED);
        long rows =
            query(
                bridge,
                "select count(*) from " + e.bronzeTable() + " where file_id = " + e.fileId());
        assertThat(rows).as("rows of file %d", e.fileId()).isEqualTo(e.rowsWritten());
      }
      // settled: no file id is left in any table's properties
      for (var id :
          List.of(
              TableContracts.BRONZE_TRADES.id(),
              TableContracts.BRONZE_QUOTES.id(),
              TableContracts.QUARANTINE.id())) {
        assertThat(w.catalog().loadTable(id).properties().keySet())
            .as("%s properties", id)
            .noneMatch(k -> k.startsWith("ticklake.ingest/"));
      }
    }
  }

  /**
   * Creates the lake's tables and returns the CLI arguments that ingest the bundled Tardis files.
   */
  private static String[] tardisIngest(Path warehouse, Path samples) {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse))) {
      new LakeInitializer(w).commit();
    }
    return new String[] {
      "--warehouse",
      warehouse.toString(),
      "ingest",
      "--vendor",
      "tardis",
      samples.resolve("tardis").toString()
    };
  }

  private static long query(DuckDbBridge bridge, String sql) throws Exception {
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

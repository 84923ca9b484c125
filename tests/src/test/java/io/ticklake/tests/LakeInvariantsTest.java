package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.BronzeHistory;
import io.ticklake.bronze.live.BronzeWriter;
import io.ticklake.bronze.live.BronzeWriterOptions;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContract;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.gold.bars.BarSummary;
import io.ticklake.gold.quality.QualitySummary;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table contracts and commit protocol of the architecture brief, checked on one lake built by
 * the real pipeline — vendor files with a bad line, a live writer with an event of an unknown
 * exchange and a zero price, compaction, a forced rebuild, bars, quality, symbol loading — by
 * reading the tables' own Iceberg metadata and rows:
 *
 * <ul>
 *   <li>every table is format v2 and no snapshot of any table holds a delete file (copy-on-write);
 *   <li>prices and sizes are decimals, event times {@code timestamptz}: no binary floating point in
 *       any contract;
 *   <li>Bronze is append-only: every Bronze snapshot is an append and every data file it ever added
 *       is still live;
 *   <li>each vendor-file append names its file ids in its summary, each writer append its writer id
 *       and WAL range, and together they name every Bronze row's lineage;
 *   <li>each Silver commit records the Bronze snapshot it read, rows in/duplicates/quarantined/out
 *       and a digest, and those counts are what the tables hold: Bronze rows of the partition at
 *       that snapshot = Silver rows + duplicates + rejected rows in quarantine (invariant 4);
 *   <li>each Gold commit records the Silver snapshot it read.
 * </ul>
 */
class LakeInvariantsTest {
  private static final long T0 = 1_582_329_600_000_000L; // 2020-02-22T00:00:00Z

  @TempDir Path dir;

  @Test
  void aLakeBuiltByThePipelineKeepsTheBriefsContracts() throws Exception {
    Path wh = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    Cli cli = new Cli(wh);
    cli.ok("init");
    cli.ok("ingest", "--vendor", "lean", samples.resolve("lean/equity/usa/tick/ibm").toString());
    Path tardis = samples.resolve("tardis/tardis_trades.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(tardis, StandardCharsets.UTF_8));
    lines.add(3, lines.get(3).replaceFirst(",[0-9.]+,", ",x,")); // a line that cannot be parsed
    Path bad = dir.resolve("bad/tardis_trades.csv");
    Files.createDirectories(bad.getParent());
    Files.write(bad, lines, StandardCharsets.UTF_8);
    cli.ok("ingest", "--vendor", "tardis", bad.toString());
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh));
        BronzeWriter writer =
            BronzeWriter.open(w, ExchangeTable.load(w.catalog()), BronzeWriterOptions.of("inv"))) {
      List<TradeRow> trades = new ArrayList<>();
      for (long s = 1; s <= 20; s++) {
        trades.add(trade(s % 7 == 0 ? "nowhere" : "binance-futures", s, s == 5 ? "0" : "9682.1"));
      }
      writer.appendTrades(trades);
      writer.flush();
    }
    cli.ok("compact");
    cli.ok("compact", "--all"); // a forced rebuild replaces every partition
    cli.ok("dims", "load-symbols");
    cli.ok("compact");
    cli.ok("bars");
    cli.ok("quality");

    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      for (TableContract c : TableContracts.all()) {
        Table t = w.table(c.id());
        assertThat(((HasTableOperations) t).operations().current().formatVersion())
            .as("format of %s", c.name())
            .isEqualTo(2);
        for (Snapshot s : t.snapshots()) {
          assertThat(s.summary().getOrDefault("total-delete-files", "0"))
              .as("delete files in %s snapshot %d", c.name(), s.snapshotId())
              .isEqualTo("0");
          assertThat(SnapshotChanges.builderFor(t).snapshot(s).build().addedDeleteFiles())
              .isEmpty();
        }
        for (Types.NestedField f : c.schema().columns()) {
          assertThat(f.type().typeId())
              .as("%s.%s", c.name(), f.name())
              .isNotIn(Type.TypeID.FLOAT, Type.TypeID.DOUBLE);
          if (f.type() instanceof Types.TimestampType ts) {
            assertThat(ts.shouldAdjustToUTC()).as("%s.%s", c.name(), f.name()).isTrue();
          }
          if (f.name().equals("price") || f.name().endsWith("_price")) {
            assertThat(f.type()).isEqualTo(TableContracts.PRICE);
          }
          if (List.of("size", "bid_size", "ask_size").contains(f.name())) {
            assertThat(f.type()).isEqualTo(TableContracts.SIZE);
          }
        }
      }

      Set<Long> fileIdsInSummaries = new TreeSet<>();
      Set<String> walRanges = new HashSet<>();
      for (TableContract c : List.of(TableContracts.BRONZE_TRADES, TableContracts.BRONZE_QUOTES)) {
        Table bronze = w.table(c.id());
        Set<String> everAdded = new HashSet<>();
        for (Snapshot s : bronze.snapshots()) {
          assertThat(s.operation())
              .as("%s snapshot %d", c.name(), s.snapshotId())
              .isEqualTo(DataOperations.APPEND);
          SnapshotChanges changes = SnapshotChanges.builderFor(bronze).snapshot(s).build();
          assertThat(changes.removedDataFiles()).isEmpty();
          for (DataFile f : changes.addedDataFiles()) {
            everAdded.add(f.location());
          }
          Map<String, String> m = s.summary();
          if (m.containsKey(BronzeHistory.FILE_IDS)) {
            for (String id : m.get(BronzeHistory.FILE_IDS).split(",")) {
              fileIdsInSummaries.add(Long.parseLong(id.strip()));
            }
          } else {
            assertThat(m)
                .as("%s snapshot %d", c.name(), s.snapshotId())
                .containsKeys(
                    BronzeHistory.WRITER_ID,
                    BronzeHistory.WAL_FIRST_SEQ,
                    BronzeHistory.WAL_LAST_SEQ);
            walRanges.add(
                m.get(BronzeHistory.WRITER_ID)
                    + ":"
                    + m.get(BronzeHistory.WAL_FIRST_SEQ)
                    + ".."
                    + m.get(BronzeHistory.WAL_LAST_SEQ));
          }
        }
        assertThat(liveFiles(bronze)).isEqualTo(everAdded);
      }
      assertThat(walRanges).containsExactly("inv:1..20");

      try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
        bridge.registerAll(w.catalog(), AsOf.latest());
        assertThat(
                longs(
                    bridge,
                    "select distinct file_id from bronze.trades where file_id is not null union"
                        + " select distinct file_id from bronze.quotes where file_id is not null"
                        + " order by 1"))
            .containsExactlyElementsOf(fileIdsInSummaries);
        assertThat(
                longs(
                    bridge,
                    "select count(*) from ops.quarantine where stage = 'ingest' and rule ="
                        + " 'parse_error' and file_id is not null and file_seq is not null"
                        + " and raw_line is not null"))
            .containsExactly(1L);
        assertThat(
                longs(
                    bridge,
                    "select count(*) from ops.quarantine where stage = 'writer' and rule ="
                        + " 'unknown_exchange' and writer_id = 'inv' and wal_seq is not null"
                        + " and row_json->>'price' is not null"))
            .containsExactly(2L);
        assertThat(
                longs(
                    bridge,
                    "select count(*) from ops.quarantine where stage = 'compact' and rule ="
                        + " 'price_positive' and writer_id = 'inv' and wal_seq = 5 and"
                        + " row_json is not null"))
            .containsExactly(1L);
      }

      int partitions = 0;
      for (String silverName : List.of("silver.trades", "silver.quotes")) {
        Table silver = w.table(silverName);
        Map<String, Map<String, String>> latest = new HashMap<>();
        for (Snapshot s = silver.currentSnapshot();
            s != null;
            s = s.parentId() == null ? null : silver.snapshot(s.parentId())) {
          Map<String, String> m = s.summary();
          if (CompactionMarkers.COMPACT.equals(m.get(CompactionMarkers.OPERATION))) {
            assertThat(m)
                .containsKeys(
                    CompactionMarkers.BRONZE_SNAPSHOT_ID,
                    CompactionMarkers.ROWS_IN,
                    CompactionMarkers.DUPLICATES,
                    CompactionMarkers.QUARANTINED,
                    CompactionMarkers.ROWS_OUT,
                    CompactionMarkers.DIGEST);
            latest.putIfAbsent(m.get(CompactionMarkers.PARTITION), m);
          }
        }
        assertThat(latest).isNotEmpty();
        String bronzeName = silverName.replace("silver.", "bronze.");
        for (Map.Entry<String, Map<String, String>> e : latest.entrySet()) {
          partitions++;
          String[] key = e.getKey().split("/");
          Map<String, String> m = e.getValue();
          String where =
              " where exchange = '" + key[0] + "' and trading_date = DATE '" + key[1] + "'";
          long bronzeSnapshot = Long.parseLong(m.get(CompactionMarkers.BRONZE_SNAPSHOT_ID));
          long rowsIn = Long.parseLong(m.get(CompactionMarkers.ROWS_IN));
          long duplicates = Long.parseLong(m.get(CompactionMarkers.DUPLICATES));
          long quarantined = Long.parseLong(m.get(CompactionMarkers.QUARANTINED));
          long rowsOut = Long.parseLong(m.get(CompactionMarkers.ROWS_OUT));
          try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
            bridge.registerAll(w.catalog(), new AsOf.SnapshotId(bronzeSnapshot));
            assertThat(longs(bridge, "select count(*) from " + bronzeName + where))
                .as("Bronze rows of %s", e.getKey())
                .containsExactly(rowsIn);
          }
          try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
            bridge.registerAll(w.catalog(), AsOf.latest());
            assertThat(longs(bridge, "select count(*) from " + silverName + where))
                .containsExactly(rowsOut);
            assertThat(
                    longs(
                        bridge,
                        "select count(*) from (select distinct row_json->>'event_id', file_id,"
                            + " file_seq, writer_id, wal_seq from ops.quarantine"
                            + where
                            + " and source_table = '"
                            + silverName
                            + "' and severity = 'error')"))
                .containsExactly(quarantined);
          }
          assertThat(rowsIn).as(e.getKey()).isEqualTo(rowsOut + duplicates + quarantined);
        }
      }
      assertThat(partitions)
          .isEqualTo(3); // IBM trades and quotes; Tardis and live trades share one

      for (String gold : List.of("gold.bars", "gold.quality_daily")) {
        Table t = w.table(gold);
        assertThat(t.snapshots()).isNotEmpty();
        for (Snapshot s : t.snapshots()) {
          assertThat(s.summary())
              .as("%s snapshot %d", gold, s.snapshotId())
              .containsKey(
                  gold.equals("gold.bars")
                      ? BarSummary.SILVER_SNAPSHOT_ID
                      : QualitySummary.SILVER_SNAPSHOT_ID);
        }
      }
    }
    silverAndGoldAreRegeneratedByteForByte(wh, cli);
  }

  /**
   * Invariants 1 and 2 over the whole lake: Silver and Gold dropped (with their files) and rebuilt
   * from the same Bronze (and reference data) by {@code init}, {@code compact} and {@code bars} are
   * the same bytes, and quarantine holds the same rows.
   */
  private static void silverAndGoldAreRegeneratedByteForByte(Path wh, Cli cli) throws Exception {
    List<String> regenerated = List.of("silver.trades", "silver.quotes", "gold.bars");
    Map<String, List<String>> before = new HashMap<>();
    List<String> quarantineBefore;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      for (String name : regenerated) {
        before.put(name, fileHashes(w.table(name)));
      }
      quarantineBefore = quarantineRows(w);
      for (String name : regenerated) {
        assertThat(w.catalog().dropTable(id(name), true)).isTrue();
      }
    }
    cli.ok("init");
    cli.ok("compact");
    cli.ok("bars");
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      for (String name : regenerated) {
        assertThat(fileHashes(w.table(name))).as(name).isEqualTo(before.get(name)).isNotEmpty();
      }
      assertThat(quarantineRows(w)).isEqualTo(quarantineBefore);
    }
  }

  private static org.apache.iceberg.catalog.TableIdentifier id(String name) {
    return org.apache.iceberg.catalog.TableIdentifier.parse(name);
  }

  /** The SHA-256 of every live data file of a table, sorted. */
  private static List<String> fileHashes(Table t) throws Exception {
    List<String> out = new ArrayList<>();
    for (String location : liveFiles(t)) {
      byte[] bytes = Files.readAllBytes(Path.of(PinnedScan.localPath(location)));
      out.add(
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
    out.sort(null);
    return out;
  }

  /** Every quarantine row as text (all columns), sorted. */
  private static List<String> quarantineRows(Warehouse w) throws Exception {
    List<String> out = new ArrayList<>();
    try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select CAST(to_json(q) AS VARCHAR) from ops.quarantine q order by 1")) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static TradeRow trade(String exchange, long seq, String price) {
    return new TradeRow(
        "BTCUSDT",
        exchange,
        T0 + seq * 1000,
        null,
        null,
        new BigDecimal(price).setScale(9),
        new BigDecimal("0.132").setScale(8),
        null,
        TradeRow.BUY,
        Long.toString(seq),
        null,
        null,
        null,
        seq,
        seq);
  }

  private static Set<String> liveFiles(Table t) throws Exception {
    Set<String> out = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      tasks.forEach(task -> out.add(task.file().location()));
    }
    return out;
  }

  private static List<Long> longs(DuckDbBridge bridge, String sql) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }
}

package io.ticklake.gold.bars;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.iceberg.Table;

/** Test helpers: a real warehouse with the bundled Lean IBM ticks in Bronze and Silver. */
final class LeanLake {
  static final String EXCHANGE = "us-equity";

  private LeanLake() {}

  /**
   * A new warehouse with the bundled Lean IBM 2013-10-11 trades (and the Tardis trades when {@code
   * withTardis}) ingested and compacted.
   */
  static Warehouse create(Path dir, boolean withTardis) {
    Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(w).commit();
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    ingest(w, "lean", samples.resolve("lean/equity/usa/tick/ibm/20131011_trade.zip"));
    if (withTardis) {
      ingest(w, "tardis", samples.resolve("tardis/tardis_trades.csv"));
    }
    compact(w);
    return w;
  }

  static IngestSummary ingest(Warehouse w, String vendor, Path file) {
    return new IngestJob(
            w,
            VendorReaders.forVendor(vendor, null),
            ExchangeTable.load(w.catalog()),
            VendorReaders.defaultExchange(vendor),
            1,
            null,
            Clock.systemUTC())
        .run(InputFiles.expand(List.of(file.toString())));
  }

  static void compact(Warehouse w) {
    new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC()).run();
  }

  /**
   * Writes a Lean trade zip for IBM 2013-10-11 under {@code root} (Lean layout) holding the bundled
   * file's lines plus {@code extra} lines: a later delivery of the same day with late prints.
   */
  static Path lateFile(Path root, List<String> extra) throws IOException {
    Path target = root.resolve("lean/equity/usa/tick/ibm/20131011_trade.zip");
    Files.createDirectories(target.getParent());
    String original;
    try (InputStream in =
            BundledSamples.class.getResourceAsStream(
                "lean/equity/usa/tick/ibm/20131011_trade.zip");
        ZipInputStream zin = new ZipInputStream(in)) {
      zin.getNextEntry();
      original = new String(zin.readAllBytes(), StandardCharsets.US_ASCII);
    }
    try (OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zout = new ZipOutputStream(out)) {
      zout.putNextEntry(new ZipEntry("20131011_ibm_Trade_Tick.csv"));
      StringBuilder sb = new StringBuilder(original);
      if (!original.endsWith("\n")) {
        sb.append("\r\n");
      }
      extra.forEach(l -> sb.append(l).append("\r\n"));
      zout.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      zout.closeEntry();
    }
    return target;
  }

  /** All rows of gold.bars at the current snapshot as text, in a total order. */
  static List<String> barRows(Warehouse w) throws Exception {
    Table gold = w.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    List<String> out = new ArrayList<>();
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null)) {
      PinnedScan scan = PinnedScan.plan(gold, Optional.ofNullable(gold.currentSnapshot()));
      try (Statement s = b.connection().createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT * FROM ("
                      + DuckDbBridge.relationSql(
                          scan, io.ticklake.catalog.duckdb.PartitionFilter.all())
                      + ") ORDER BY exchange, trading_date, \"interval\", symbol, bar_start")) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            sb.append(rs.getString(i)).append('|');
          }
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  /**
   * Rewrites one Silver partition as two data files holding its rows in reverse order (written by
   * DuckDB with the Silver field ids, committed without a sort order), as another engine might.
   */
  static void splitSilverPartition(Warehouse w, String exchange, java.time.LocalDate date) {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    io.ticklake.catalog.duckdb.PartitionFilter filter =
        io.ticklake.catalog.duckdb.PartitionFilter.of(exchange, date);
    PinnedScan scan =
        PinnedScan.plan(silver, Optional.of(silver.currentSnapshot()), filter.expression());
    List<org.apache.iceberg.DataFile> files = new ArrayList<>();
    String fieldIds =
        silver.schema().columns().stream()
            .map(f -> io.ticklake.catalog.duckdb.Sql.ident(f.name()) + ": " + f.fieldId())
            .collect(java.util.stream.Collectors.joining(", "));
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null)) {
      b.execute(
          "CREATE TEMP TABLE t AS SELECT *, row_number() OVER () AS rn FROM ("
              + DuckDbBridge.relationSql(scan, filter)
              + ")");
      long n = b.queryLong("SELECT count(*) FROM t");
      for (int part = 0; part < 2; part++) {
        String location =
            silver.location()
                + "/data/split-"
                + part
                + "-"
                + java.util.UUID.randomUUID()
                + ".parquet";
        b.execute(
            "COPY (SELECT * EXCLUDE (rn) FROM t WHERE "
                + (part == 0 ? "rn > " : "rn <= ")
                + (n / 2)
                + " ORDER BY rn DESC) TO "
                + io.ticklake.catalog.duckdb.Sql.string(PinnedScan.localPath(location))
                + " (FORMAT parquet, FIELD_IDS {"
                + fieldIds
                + "})");
        org.apache.iceberg.DataFile f =
            io.ticklake.catalog.write.ParquetDataFiles.of(
                silver, List.of(exchange, date.toString()), location);
        files.add(
            org.apache.iceberg.DataFiles.builder(silver.spec())
                .copy(f)
                .withSortOrder(org.apache.iceberg.SortOrder.unsorted())
                .build());
      }
    }
    org.apache.iceberg.OverwriteFiles o =
        silver.newOverwrite().overwriteByRowFilter(filter.expression());
    files.forEach(o::addFile);
    o.commit();
  }

  /** Rows of a query (first column as long). */
  static long count(Warehouse w, String sql) throws Exception {
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null)) {
      b.registerAll(w.catalog(), io.ticklake.catalog.snapshot.AsOf.latest());
      try (Statement s = b.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}

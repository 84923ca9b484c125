package io.ticklake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query through the DuckDB bridge (snapshot resolution, file listing, field-id schema mapping)
 * against DuckDB's own {@code read_parquet} over the very same files, in one process.
 */
@Tag("benchmark")
class BridgeBenchmark {
  private static final int ROWS = 2_000_000;
  private static final String[] SYMBOLS = {"IBM", "BAC", "AIG", "SPY", "AAPL", "MSFT", "GOOG", "C"};

  @TempDir Path dir;

  @Test
  void bridgeQueryVersusRawReadParquet() throws Exception {
    BenchReport.header("DuckDB bridge vs read_parquet, " + ROWS + " rows");
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      new LakeInitializer(w).commit();
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      long writeStart = System.nanoTime();
      writeRows(trades);
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      BenchReport.line(
          "write  %,d rows through the Iceberg generic Parquet writer: %.2f s (%,.0f rows/s)",
          ROWS, writeSeconds, ROWS / writeSeconds);

      try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 0, null)) {
        trades.refresh();
        PinnedScan scan = PinnedScan.plan(trades, Optional.of(trades.currentSnapshot()));
        String files =
            scan.localPaths().stream().map(Sql::string).collect(Collectors.joining(", ", "[", "]"));
        String aggregate =
            "SELECT symbol, count(*) AS n, sum(size) AS volume, min(price) AS lo, max(price) AS hi,"
                + " sum(CAST(price AS DECIMAL(38, 9)) * size) / sum(size) AS vwap FROM %s GROUP BY symbol ORDER BY symbol";
        String bridged = String.format(aggregate, "bronze.trades");
        String raw = String.format(aggregate, "read_parquet(" + files + ")");

        bridge.execute("CREATE SCHEMA IF NOT EXISTS bronze");
        long registerNanos =
            BenchReport.time(
                1,
                5,
                () ->
                    bridge.registerView(
                        "bronze.trades",
                        trades,
                        Optional.of(trades.currentSnapshot()),
                        PartitionFilter.all()));
        String bridgedResult = result(bridge, bridged);
        assertThat(bridgedResult).isEqualTo(result(bridge, raw));

        long bridgeNanos = BenchReport.time(2, 7, () -> result(bridge, bridged));
        long rawNanos = BenchReport.time(2, 7, () -> result(bridge, raw));
        BenchReport.line(
            "files  %d data files, %,d rows", scan.dataFiles().size(), scan.recordCount());
        BenchReport.line(
            "view   register (plan snapshot + create view): %.1f ms", registerNanos / 1e6);
        BenchReport.line("query  via bridge view:        %.1f ms (median of 7)", bridgeNanos / 1e6);
        BenchReport.line("query  raw read_parquet:       %.1f ms (median of 7)", rawNanos / 1e6);
        BenchReport.line(
            "ratio  bridge / raw = %.2f  (bridge incl. view registration: %.2f)",
            (double) bridgeNanos / rawNanos, (double) (bridgeNanos + registerNanos) / rawNanos);
      }
    }
  }

  private static String result(DuckDbBridge bridge, String sql) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          sb.append(rs.getString(i)).append(i == n ? '\n' : '|');
        }
      }
    }
    return sb.toString();
  }

  private static void writeRows(Table table) {
    SplittableRandom random = new SplittableRandom(20131007);
    OffsetDateTime ingested = OffsetDateTime.of(2026, 11, 22, 0, 0, 0, 0, ZoneOffset.UTC);
    LocalDate[] days = {
      LocalDate.of(2013, 10, 7),
      LocalDate.of(2013, 10, 8),
      LocalDate.of(2013, 10, 9),
      LocalDate.of(2013, 10, 10)
    };
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      GenericRecord template = GenericRecord.create(table.schema());
      for (int i = 0; i < ROWS; i++) {
        LocalDate day = days[i * days.length / ROWS];
        GenericRecord r = template.copy();
        String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)];
        r.setField("exchange", "us-equity");
        r.setField("trading_date", day);
        r.setField("symbol", symbol);
        r.setField(
            "ts_event",
            day.atTime(13, 30)
                .atOffset(ZoneOffset.UTC)
                .plusNanos(random.nextLong(23_400_000_000L) * 1000));
        r.setField(
            "price", BigDecimal.valueOf(1_000_000 + random.nextInt(9_000_000), 4).setScale(9));
        r.setField("size", BigDecimal.valueOf(1 + random.nextInt(5000)).setScale(8));
        r.setField("venue", "P");
        r.setField("sale_condition", 1L);
        r.setField("vendor", "bench");
        r.setField("file_seq", (long) i);
        r.setField("ingested_at", ingested);
        writer.write(r);
      }
      var append = table.newAppend();
      writer.complete().forEach(append::appendFile);
      append.commit();
    }
  }
}

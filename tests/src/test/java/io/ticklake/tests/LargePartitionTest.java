package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bench.BenchReport;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Bronze partition larger than the compacting JVM's heap is compacted by {@code ticklake
 * compact} in a child JVM with {@code -Xmx} far below the partition's size and a DuckDB memory
 * limit: it completes, DuckDB spills into {@code <warehouse>/.tmp}, and the process stays bounded.
 * {@code LargePartitionBenchmark} runs the same with 10 M rows.
 */
class LargePartitionTest {
  static final String EXCHANGE = "binance-futures";
  static final String DATE = "2024-03-01";

  @TempDir Path dir;

  @Test
  void aPartitionLargerThanTheHeapCompactsWithSpillingAndBoundedMemory() throws Exception {
    Outcome o = compactLargePartition(dir, 3_000_000, "128m", "256MB");
    assertThat(o.bronzeBytes()).as("partition values in bytes").isGreaterThan(o.heapBytes());
    assertThat(o.peakSpillBytes()).as("bytes spilled to <warehouse>/.tmp").isPositive();
    assertThat(o.peakRssKb()).as("child peak RSS (kB)").isLessThan(1_200_000);
  }

  /** What one run measured. */
  record Outcome(
      long rows,
      long bronzeBytes,
      long heapBytes,
      double seconds,
      long peakRssKb,
      long peakSpillBytes,
      String stdout) {}

  /**
   * Writes {@code rows} trades into one Bronze partition (DuckDB COPY with the Bronze field ids,
   * registered by an Iceberg append) and returns their size as plain values; then runs {@code
   * ticklake compact} in a child JVM with heap {@code heap} and DuckDB memory limit {@code
   * memoryLimit}, sampling its peak RSS and the spill folder while it runs.
   */
  static Outcome compactLargePartition(Path dir, long rows, String heap, String memoryLimit)
      throws Exception {
    return compactLargePartition(dir, rows, heap, memoryLimit, 2);
  }

  /**
   * {@link #compactLargePartition(Path, long, String, String)} with {@code threads} DuckDB threads.
   */
  static Outcome compactLargePartition(
      Path dir, long rows, String heap, String memoryLimit, int threads) throws Exception {
    Path wh = dir.resolve("wh");
    long bronzeBytes;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      new LakeInitializer(w).commit();
      bronzeBytes = writeBronze(w, rows);
    }
    long start = System.nanoTime();
    ChildJvm child =
        ChildJvm.start(
            List.of("-Xmx" + heap),
            Map.of(),
            null,
            "--warehouse",
            wh.toString(),
            "compact",
            "--table",
            "trades",
            "--threads",
            Integer.toString(threads),
            "--memory-limit",
            memoryLimit);
    long peakRss = 0;
    long peakSpill = 0;
    Path spill = wh.resolve(".tmp");
    while (child.isAlive()) {
      peakRss = Math.max(peakRss, BenchReport.peakRssKb(child.pid()));
      peakSpill = Math.max(peakSpill, sizeOf(spill));
      Thread.sleep(100);
    }
    int code = child.waitFor(600);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(code).as(child.stderr()).isZero();
    String out = child.stdout();
    System.out.printf(
        java.util.Locale.ROOT,
        "large partition: %,d rows, %,d MB of values, heap %s, DuckDB"
            + " limit %s: %.1f s, peak RSS %,d MB, peak spill %,d MB%n%s%n",
        rows,
        bronzeBytes >> 20,
        heap,
        memoryLimit,
        seconds,
        peakRss >> 10,
        peakSpill >> 20,
        out);
    assertThat(out)
        .contains(
            String.format(
                java.util.Locale.ROOT,
                "silver.trades %s/%s: %,d in, 0 duplicates, 0 quarantined, 0 flagged, %,d out",
                EXCHANGE,
                DATE,
                rows,
                rows));
    // Silver holds every row, by Iceberg's own metadata
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      assertThat(silver.currentSnapshot().summary()).containsEntry("total-records", "" + rows);
    }
    return new Outcome(rows, bronzeBytes, parseBytes(heap), seconds, peakRss, peakSpill, out);
  }

  /**
   * {@code rows} trades of 50 symbols, one stream (file 1), in time order; every tenth pair of rows
   * is an identical print (same time, price, size, side), which the compactor must keep. Returns
   * the size of the values at their plain width.
   */
  private static long writeBronze(Warehouse w, long rows) throws Exception {
    Table bronze = w.table(TableContracts.BRONZE_TRADES.id());
    String file =
        bronze.location() + "/data/exchange=" + EXCHANGE + "/trading_date=" + DATE + "/big.parquet";
    Path local = Path.of(PinnedScan.localPath(file));
    Files.createDirectories(local.getParent());
    Map<String, String> values =
        Map.ofEntries(
            Map.entry("exchange", Sql.string(EXCHANGE)),
            Map.entry("trading_date", "DATE " + Sql.string(DATE)),
            Map.entry("symbol", "'S' || CAST(i % 50 AS VARCHAR)"),
            Map.entry(
                "ts_event",
                "TIMESTAMPTZ '"
                    + DATE
                    + " 00:00:00+00' + to_microseconds(CAST(i // 2 AS BIGINT) * 16)"),
            Map.entry(
                "price",
                "CAST(100 + (CASE WHEN i % 20 < 2 THEN i // 2 ELSE i END * 7919 % 500) / 100.0 AS"
                    + " DECIMAL(18,9))"),
            Map.entry(
                "size",
                "CAST(1 + (CASE WHEN i % 20 < 2 THEN i // 2 ELSE i END) % 7 AS DECIMAL(18,8))"),
            Map.entry("side", "CASE WHEN i % 20 < 2 OR i % 3 = 0 THEN 'buy' ELSE 'sell' END"),
            Map.entry("vendor", "'test'"),
            Map.entry("file_id", "CAST(1 AS BIGINT)"),
            Map.entry("file_seq", "CAST(i + 1 AS BIGINT)"),
            Map.entry("ingested_at", "TIMESTAMPTZ '2024-03-02 00:00:00+00'"));
    List<String> select = new ArrayList<>();
    for (NestedField f : bronze.schema().columns()) {
      String v = values.getOrDefault(f.name(), "NULL");
      select.add("CAST(" + v + " AS " + DuckDbBridge.duckDbType(f) + ") AS " + Sql.ident(f.name()));
    }
    String fieldIds =
        bronze.schema().columns().stream()
            .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
            .collect(Collectors.joining(", "));
    long uncompressed;
    try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 2, null)) {
      bridge.execute(
          "COPY (SELECT "
              + String.join(", ", select)
              + " FROM range("
              + rows
              + ") AS r(i)) TO "
              + Sql.string(local.toString())
              + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, FIELD_IDS {"
              + fieldIds
              + "})");
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs =
              s.executeQuery(
                  // the values at their plain width: 8 bytes per number or time, 4 per date,
                  // strings by length (no object or vector overhead)
                  "SELECT sum(6 * 8 + 4 + strlen(exchange) + strlen(symbol) + strlen(side) +"
                      + " strlen(vendor)) FROM read_parquet("
                      + Sql.string(local.toString())
                      + ")")) {
        rs.next();
        uncompressed = rs.getLong(1);
      }
    }
    DataFile df =
        DataFiles.builder(bronze.spec())
            .withPath(file)
            .withFormat(FileFormat.PARQUET)
            .withPartitionValues(List.of(EXCHANGE, DATE))
            .withFileSizeInBytes(Files.size(local))
            .withMetrics(
                ParquetUtil.fileMetrics(
                    bronze.io().newInputFile(file), MetricsConfig.forTable(bronze)))
            .build();
    bronze.newAppend().appendFile(df).commit();
    return uncompressed;
  }

  private static long sizeOf(Path folder) {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // deleted meanwhile
                }
              })
          .sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long parseBytes(String heap) {
    long n = Long.parseLong(heap.substring(0, heap.length() - 1));
    return switch (Character.toLowerCase(heap.charAt(heap.length() - 1))) {
      case 'g' -> n << 30;
      case 'm' -> n << 20;
      default -> throw new IllegalArgumentException("heap " + heap);
    };
  }
}

package io.ticklake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Type;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction of all of Bronze built from the full Lean tick set (about 10.4 M trades and quotes)
 * against a raw DuckDB {@code COPY (SELECT … QUALIFY row_number() … ORDER BY …) TO parquet} over
 * the same Bronze files of every partition, in the same process, with the same thread count, and
 * against that COPY with a stable event-id hash per row added (what the ids alone cost). Needs the
 * vendor data set: run with {@code -Dticklake.data=DIR} where DIR holds {@code
 * lean/equity/usa/tick}; skipped otherwise.
 */
@Tag("benchmark")
class CompactBenchmark {
  private static final int THREADS = 2;

  @TempDir Path dir;

  @Test
  void leanCompactionVersusRawDuckDbCopy() throws Exception {
    String data = System.getProperty("ticklake.data");
    Assumptions.assumeTrue(data != null, "set -Dticklake.data to the vendor data folder");
    Path ticks = Path.of(data, "lean", "equity", "usa", "tick");
    Assumptions.assumeTrue(Files.isDirectory(ticks), "no " + ticks);
    BenchReport.header(
        "Silver compaction of all Lean ticks vs raw DuckDB COPY, threads " + THREADS);
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      IngestSummary ingest =
          new IngestJob(
                  w,
                  VendorReaders.forVendor("lean", null),
                  ExchangeTable.load(w.catalog()),
                  "us-equity",
                  2,
                  null,
                  Clock.systemUTC())
              .run(InputFiles.expand(List.of(ticks.toString())));
      long bronzeRows = ingest.rowsWritten();
      BenchReport.line("bronze %,d rows (ingest %.1f s)", bronzeRows, ingest.seconds());

      // 1. the whole run as a user runs it: plan + every partition + commits, one DuckDB
      BenchReport.resetPeakRss();
      long start = System.nanoTime();
      long cpu0 = BenchReport.processCpuNanos();
      long rowsIn = 0;
      int partitions = 0;
      for (SilverTable kind : SilverTable.values()) {
        for (PartitionResult r :
            new SilverCompactor(
                    w, kind, CompactOptions.defaults().withThreads(THREADS), Clock.systemUTC())
                .run()) {
          rowsIn += r.rowsIn();
          partitions++;
        }
      }
      double whole = (System.nanoTime() - start) / 1e9;
      double wholeCpu = (BenchReport.processCpuNanos() - cpu0) / 1e9;
      long peakKb = BenchReport.peakRssKb(ProcessHandle.current().pid());
      assertThat(rowsIn).isEqualTo(bronzeRows);
      BenchReport.line(
          "compaction, whole run: %d partitions, %,d rows in %.2f s = %,.0f rows/s; CPU %.2f s"
              + " (%.2f of %d cores busy); peak RSS %,d MB",
          partitions,
          rowsIn,
          whole,
          rowsIn / whole,
          wholeCpu,
          wholeCpu / whole,
          Runtime.getRuntime().availableProcessors(),
          peakKb / 1024);

      // 2. paired: per partition the raw COPY, then a forced rebuild of that partition alone,
      // back to back so both see the same machine load; two passes
      double rawTotal = 0;
      double rawIdsTotal = 0;
      double compactTotal = 0;
      double rawCpu = 0;
      double compactCpu = 0;
      List<Double> ratios = new java.util.ArrayList<>();
      try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), THREADS, null)) {
        for (int pass = 0; pass < 2; pass++) {
          for (SilverTable kind : SilverTable.values()) {
            CompactionPlan plan =
                new SilverCompactor(
                        w, kind, CompactOptions.defaults().withForce(true), Clock.systemUTC())
                    .plan();
            for (CompactionPlan.Task t : plan.partitions()) {
              long r0 = BenchReport.processCpuNanos();
              double raw = rawCopy(w, bridge, kind, plan, t, false);
              rawCpu += (BenchReport.processCpuNanos() - r0) / 1e9;
              rawIdsTotal += rawCopy(w, bridge, kind, plan, t, true);
              long c0 = System.nanoTime();
              long cc0 = BenchReport.processCpuNanos();
              List<PartitionResult> one =
                  new SilverCompactor(
                          w,
                          kind,
                          CompactOptions.defaults()
                              .withThreads(THREADS)
                              .withForce(true)
                              .onlyPartition(t.key()),
                          Clock.systemUTC())
                      .run();
              double compact = (System.nanoTime() - c0) / 1e9;
              compactCpu += (BenchReport.processCpuNanos() - cc0) / 1e9;
              assertThat(one)
                  .singleElement()
                  .extracting(PartitionResult::rowsIn)
                  .isEqualTo(t.bronzeRows());
              rawTotal += raw;
              compactTotal += compact;
              ratios.add(compact / raw);
            }
          }
        }
      }
      java.util.Collections.sort(ratios);
      BenchReport.line(
          "paired, 2 passes over %d partitions: raw COPY %.2f s = %,.0f rows/s; compaction %.2f"
              + " s = %,.0f rows/s; ratio of totals %.2f, median per-partition ratio %.2f"
              + " (min %.2f, max %.2f)",
          partitions,
          rawTotal,
          2 * bronzeRows / rawTotal,
          compactTotal,
          2 * bronzeRows / compactTotal,
          compactTotal / rawTotal,
          ratios.get(ratios.size() / 2),
          ratios.get(0),
          ratios.get(ratios.size() - 1));
      BenchReport.line(
          "paired: raw COPY with event-id hashes %.2f s = %,.0f rows/s (%.2f x the raw COPY);"
              + " compaction %.2f x this one",
          rawIdsTotal,
          2 * bronzeRows / rawIdsTotal,
          rawIdsTotal / rawTotal,
          compactTotal / rawIdsTotal);
      BenchReport.line(
          "paired CPU time: raw COPY %.2f s (%.2f cores busy), compaction %.2f s (%.2f cores"
              + " busy); CPU ratio %.2f",
          rawCpu, rawCpu / rawTotal, compactCpu, compactCpu / compactTotal, compactCpu / rawCpu);
    }
  }

  /**
   * The baseline for one partition: one DuckDB COPY that dedups on the identity columns with a
   * window, sorts and writes zstd Parquet — no event ids, symbols, validation, digest or commits.
   * With {@code ids}, the second baseline: the same COPY also hashes every row's identity text (MD5
   * as a UUID, shaped like a first occurrence's event id) into an event_id column, dedups on it and
   * sorts by it last — the cost of stable ids alone, without occurrence numbers.
   */
  private double rawCopy(
      Warehouse w,
      DuckDbBridge bridge,
      SilverTable kind,
      CompactionPlan plan,
      CompactionPlan.Task t,
      boolean ids)
      throws Exception {
    long start = System.nanoTime();
    Table bronze = w.table(kind.bronze().id());
    String identity =
        kind.identityColumns().stream().map(Sql::ident).collect(Collectors.joining(", "));
    PartitionFilter filter = PartitionFilter.of(t.key().exchange(), t.key().tradingDate());
    PinnedScan scan =
        PinnedScan.plan(
            bronze, Optional.of(bronze.snapshot(plan.bronzeSnapshotId())), filter.expression());
    String scanSql = DuckDbBridge.relationSql(scan, filter);
    if (ids) {
      Schema schema = bronze.schema();
      String text =
          kind.identityColumns().stream()
              .map(
                  c ->
                      schema.findField(c).type().typeId() == Type.TypeID.TIMESTAMP
                          ? "epoch_us(" + Sql.ident(c) + ")"
                          : Sql.ident(c))
              .map(c -> "coalesce(CAST(" + c + " AS VARCHAR), chr(1))")
              .collect(Collectors.joining(", "));
      identity = "event_id";
      scanSql =
          "SELECT *, CAST(md5_number(concat_ws(chr(31), 'v3', 'occ', "
              + text
              + ")) AS UUID) AS event_id FROM ("
              + scanSql
              + ")";
    }
    Path out = Files.createDirectories(dir.resolve("raw")).resolve("p.parquet");
    try (Statement s = bridge.connection().createStatement()) {
      s.executeUpdate(
          "COPY (SELECT * FROM ("
              + scanSql
              + ") QUALIFY row_number() OVER (PARTITION BY "
              + identity
              + " ORDER BY file_id, file_seq) = 1 ORDER BY symbol, ts_event, vendor_seq,"
              + " file_seq"
              + (ids ? ", event_id" : "")
              + ") TO "
              + Sql.string(out.toString())
              + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE"
              + " 122880)");
    }
    return (System.nanoTime() - start) / 1e9;
  }
}

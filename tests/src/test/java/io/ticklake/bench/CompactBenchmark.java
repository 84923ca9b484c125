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
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction of all of Bronze built from the full Lean tick set (about 10.4 M trades and quotes)
 * against a raw DuckDB {@code COPY (SELECT … QUALIFY row_number() … ORDER BY …) TO parquet} over
 * the same Bronze files of every partition, in the same process, with the same thread count. Needs
 * the vendor data set: run with {@code -Dticklake.data=DIR} where DIR holds {@code
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

      // two rounds, baseline and compaction interleaved; the second compaction is a forced
      // rebuild of every partition from the same Bronze snapshot
      double[] raw = new double[2];
      double[] compact = new double[2];
      long peakKb = 0;
      for (int round = 0; round < 2; round++) {
        raw[round] = rawCopy(w);
        BenchReport.resetPeakRss();
        long start = System.nanoTime();
        long rowsIn = 0;
        long rowsOut = 0;
        int partitions = 0;
        for (SilverTable kind : SilverTable.values()) {
          CompactOptions options =
              CompactOptions.defaults().withThreads(THREADS).withForce(round > 0);
          List<PartitionResult> results =
              new SilverCompactor(w, kind, options, Clock.systemUTC()).run();
          for (PartitionResult r : results) {
            rowsIn += r.rowsIn();
            rowsOut += r.rowsOut();
            partitions++;
          }
        }
        compact[round] = (System.nanoTime() - start) / 1e9;
        peakKb = Math.max(peakKb, BenchReport.peakRssKb(ProcessHandle.current().pid()));
        assertThat(rowsIn).isEqualTo(bronzeRows);
        BenchReport.line(
            "round %d: raw COPY %.2f s = %,.0f rows/s; compaction %.2f s = %,.0f rows/s"
                + " (%d partitions, %,d rows out); ratio %.2f",
            round + 1,
            raw[round],
            bronzeRows / raw[round],
            compact[round],
            rowsIn / compact[round],
            partitions,
            rowsOut,
            compact[round] / raw[round]);
      }
      double bestRaw = Math.min(raw[0], raw[1]);
      double bestCompact = Math.min(compact[0], compact[1]);
      BenchReport.line(
          "best: raw %.2f s, compaction %.2f s = %,.0f rows/s, ratio %.2f; peak RSS during"
              + " compaction %,d MB (VmHWM reset before each round)",
          bestRaw, bestCompact, bronzeRows / bestCompact, bestCompact / bestRaw, peakKb / 1024);
    }
  }

  /**
   * The baseline: per Bronze partition, one DuckDB COPY that dedups on the identity columns with a
   * window, sorts and writes zstd Parquet — no event ids, symbols, validation or commits.
   */
  private double rawCopy(Warehouse w) throws Exception {
    Path out = Files.createDirectories(dir.resolve("raw"));
    long start = System.nanoTime();
    try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), THREADS, null)) {
      int n = 0;
      for (SilverTable kind : SilverTable.values()) {
        Table bronze = w.table(kind.bronze().id());
        CompactionPlan plan =
            new SilverCompactor(
                    w, kind, CompactOptions.defaults().withForce(true), Clock.systemUTC())
                .plan();
        String identity =
            kind.identityColumns().stream().map(Sql::ident).collect(Collectors.joining(", "));
        for (CompactionPlan.Task t : plan.partitions()) {
          PartitionFilter filter = PartitionFilter.of(t.key().exchange(), t.key().tradingDate());
          PinnedScan scan =
              PinnedScan.plan(
                  bronze,
                  Optional.of(bronze.snapshot(plan.bronzeSnapshotId())),
                  filter.expression());
          try (Statement s = bridge.connection().createStatement()) {
            s.executeUpdate(
                "COPY (SELECT * FROM ("
                    + DuckDbBridge.relationSql(scan, filter)
                    + ") QUALIFY row_number() OVER (PARTITION BY "
                    + identity
                    + " ORDER BY file_id, file_seq) = 1 ORDER BY symbol, ts_event, vendor_seq,"
                    + " file_seq) TO "
                    + Sql.string(out.resolve("p" + n++ + ".parquet").toString())
                    + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE"
                    + " 122880)");
          }
        }
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }
}

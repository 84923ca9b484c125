package io.ticklake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.read.ParseError;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.RowSink;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.read.VendorReader;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest of the full Lean tick set end to end, against parsing alone (the same readers into a
 * counting sink, same parallelism) in the same process. Needs the vendor data set: run with {@code
 * -Dticklake.data=DIR} where DIR holds {@code lean/equity/usa/tick}; skipped otherwise.
 */
@Tag("benchmark")
class IngestBenchmark {
  @TempDir Path dir;

  @Test
  void leanIngestVersusParseOnly() throws Exception {
    String data = System.getProperty("ticklake.data");
    Assumptions.assumeTrue(data != null, "set -Dticklake.data to the vendor data folder");
    Path ticks = Path.of(data, "lean", "equity", "usa", "tick");
    Assumptions.assumeTrue(Files.isDirectory(ticks), "no " + ticks);
    List<Path> files = InputFiles.expand(List.of(ticks.toString()));
    int parallel = 2;
    BenchReport.header(
        "Lean ingest vs parse only, " + files.size() + " files, parallel " + parallel);

    VendorReader reader = VendorReaders.forVendor("lean", null);
    long parseStart = System.nanoTime();
    long parsed = parseOnly(reader, files, parallel);
    double parseSeconds = (System.nanoTime() - parseStart) / 1e9;

    IngestSummary summary;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      summary =
          new IngestJob(
                  w,
                  reader,
                  ExchangeTable.load(w.catalog()),
                  "us-equity",
                  parallel,
                  null,
                  Clock.systemUTC())
              .run(files);
    }
    assertThat(summary.rowsTotal()).isEqualTo(parsed);
    BenchReport.line(
        "parse  %,d rows in %.2f s = %,.0f rows/s (readers into a counting sink)",
        parsed, parseSeconds, parsed / parseSeconds);
    BenchReport.line(
        "ingest %,d rows in %.2f s = %,.0f rows/s (parse + Parquet + Iceberg commits + manifest)",
        summary.rowsWritten(), summary.seconds(), summary.rowsWritten() / summary.seconds());
    BenchReport.line("ratio  ingest time / parse time = %.2f", summary.seconds() / parseSeconds);
    BenchReport.line("memory peak RSS of this JVM: %s", peakRss());
  }

  private static long parseOnly(VendorReader reader, List<Path> files, int parallel)
      throws Exception {
    AtomicLong rows = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<Object>> futures = new java.util.ArrayList<>();
      for (Path f : files) {
        futures.add(
            pool.submit(
                () -> {
                  long[] n = new long[1];
                  reader.read(
                      f,
                      new RowSink() {
                        @Override
                        public void trade(TradeRow row) {
                          n[0]++;
                        }

                        @Override
                        public void quote(QuoteRow row) {
                          n[0]++;
                        }

                        @Override
                        public void error(ParseError error) {
                          n[0]++;
                        }
                      });
                  rows.addAndGet(n[0]);
                  return null;
                }));
      }
      for (Future<Object> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return rows.get();
  }

  static String peakRss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return line.substring(6).trim();
      }
    }
    return "unknown";
  }
}

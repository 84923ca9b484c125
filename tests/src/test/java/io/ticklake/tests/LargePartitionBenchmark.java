package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bench.BenchReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LargePartitionTest} at full size: 10 M trades in one partition, compacted by a child JVM
 * with {@code -Xmx256m}, a 768 MB DuckDB limit and 2 DuckDB threads ({@code
 * -Dticklake.bench.duckdb-memory=256MB} and {@code -Dticklake.bench.duckdb-threads=1} set others).
 * Prints time, peak RSS and peak spill.
 */
@Tag("benchmark")
class LargePartitionBenchmark {
  @TempDir Path dir;

  @Test
  void tenMillionRowsInOnePartitionUnder256MbOfHeap() throws Exception {
    String duckDbMemory = System.getProperty("ticklake.bench.duckdb-memory", "768MB");
    int threads = Integer.getInteger("ticklake.bench.duckdb-threads", 2);
    BenchReport.header(
        "One 10 M-row partition compacted in a child JVM, -Xmx256m, DuckDB --memory-limit "
            + duckDbMemory
            + " --threads "
            + threads);
    LargePartitionTest.Outcome o =
        LargePartitionTest.compactLargePartition(dir, 10_000_000, "256m", duckDbMemory, threads);
    BenchReport.line(
        "%,d rows (%,d MB of values) in %.1f s = %,.0f rows/s; child peak RSS %,d MB; peak"
            + " spill in <warehouse>/.tmp %,d MB",
        o.rows(),
        o.bronzeBytes() >> 20,
        o.seconds(),
        o.rows() / o.seconds(),
        o.peakRssKb() >> 10,
        o.peakSpillBytes() >> 20);
    assertThat(o.bronzeBytes()).isGreaterThan(o.heapBytes());
  }
}

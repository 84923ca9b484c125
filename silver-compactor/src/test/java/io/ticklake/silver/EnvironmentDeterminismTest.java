package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver bytes (and row-group boundaries) do not depend on DuckDB's memory limit nor on more
 * threads than the machine has cores. 96MB is close to the least this partition compacts in (64MB
 * fails with "failed to pin block") but does not make it spill; the spilling case (2.5 M of these
 * trades under 192MB, about 0.5 GB spilled to .tmp) gave the same bytes and row groups as the
 * default when checked by hand, and is too slow for every build.
 */
class EnvironmentDeterminismTest {
  @TempDir Path dir;

  private static String sha256(String location) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(PinnedScan.localPath(location)));
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The row counts of the file's row groups, in order. */
  private static String rowGroups(Warehouse w, String location) {
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null)) {
      return String.join(
          ",",
          b.queryStrings(
              "SELECT CAST(row_group_num_rows AS VARCHAR) FROM (SELECT DISTINCT row_group_id,"
                  + " row_group_num_rows FROM parquet_metadata('"
                  + PinnedScan.localPath(location)
                  + "') ORDER BY row_group_id)"));
    }
  }

  private static CompactOptions options(int threads, String memoryLimit) {
    CompactOptions o = CompactOptions.defaults().withThreads(threads).withForce(true);
    return new CompactOptions(
        o.exchange(),
        o.fromDate(),
        o.toDate(),
        o.force(),
        o.threads(),
        Optional.ofNullable(memoryLimit),
        o.registration(),
        o.validation());
  }

  @Test
  void aSmallMemoryLimitAndManyThreadsGiveTheSameBytesAsTheDefault() throws Exception {
    List<Trade> events = BronzeFixture.trades(600_000, 11);
    List<String> outcomes = new ArrayList<>();
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(events));
      for (Object[] cfg : new Object[][] {{1, null}, {8, null}, {2, "96MB"}}) {
        PartitionResult r =
            new SilverCompactor(
                    w,
                    SilverTable.TRADES,
                    options((Integer) cfg[0], (String) cfg[1]),
                    Clock.systemUTC())
                .run()
                .get(0);
        String f = r.dataFile().orElseThrow();
        outcomes.add(sha256(f) + " " + rowGroups(w, f) + " " + r.digest());
      }
    }
    System.out.println("silver sha256, row groups, digest: " + outcomes);
    assertThat(outcomes.get(0)).contains("122880,122880,122880,122880,107281");
    assertThat(outcomes.stream().distinct()).hasSize(1);
  }
}

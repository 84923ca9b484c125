package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.duckdb.PinnedScan;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake compact --all} in a child JVM is killed with SIGKILL at random moments; readers
 * never see a partial partition, and the run that finally completes leaves Silver files with the
 * same bytes as a clean rebuild from the same Bronze snapshot.
 */
class CompactCrashTest {
  private static final List<String> TABLES = List.of("silver.trades", "silver.quotes");

  @TempDir Path dir;

  /** A warehouse with the bundled Lean and Tardis samples in Bronze, nothing compacted. */
  private Path ingestedSamples() throws Exception {
    return ingestedSamples(false);
  }

  /**
   * As {@link #ingestedSamples()}; with {@code rejects} also a Tardis file of 30 trades on the
   * sample's day of which every 5th has price 0, so compaction commits quarantine rows.
   */
  private Path ingestedSamples(boolean rejects) throws Exception {
    Path wh = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    if (rejects) {
      StringBuilder csv =
          new StringBuilder("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
      long base = java.time.Instant.parse("2020-02-22T03:00:00Z").toEpochMilli() * 1000;
      for (int i = 1; i <= 30; i++) {
        csv.append("binance-futures,BTCUSDT,")
            .append(base + i * 1_000_000L)
            .append(',')
            .append(base + i * 1_000_000L + 100)
            .append(",crash-")
            .append(i)
            .append(",buy,")
            .append(i % 5 == 0 ? "0" : "9700." + i)
            .append(",0.5\n");
      }
      Files.writeString(samples.resolve("tardis").resolve("extra_trades.csv"), csv);
    }
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      new LakeInitializer(w).commit();
      for (String vendor : List.of("lean", "tardis")) {
        new IngestJob(
                w,
                VendorReaders.forVendor(vendor, null),
                ExchangeTable.load(w.catalog()),
                VendorReaders.defaultExchange(vendor),
                2,
                null,
                Clock.systemUTC())
            .run(InputFiles.expand(List.of(samples.resolve(vendor).toString())));
      }
    }
    return wh;
  }

  /**
   * What a scheduled job does after a crash: the plain {@code ticklake compact} (no --all), killed
   * at growing delays during the first compaction of the lake (so kills land before, between and
   * inside partition rebuilds and their two commits), then run again until it completes. Readers
   * only ever see complete partitions, the plain rerun finishes every partition a kill left missing
   * or unfinished and then has nothing to do, and the files have the bytes of a forced clean
   * rebuild from the same Bronze.
   */
  @Test
  void aPlainRerunAfterKillsDuringTheFirstCompactionFinishesTheLake() throws Exception {
    Path wh = ingestedSamples(true);
    String[] compact = {"--warehouse", wh.toString(), "compact"};
    List<Map<String, Long>> seen = new ArrayList<>();
    int killedWhileRunning = 0;
    for (int i = 0; i < 6; i++) {
      ChildJvm child = ChildJvm.start(Map.of(), null, compact);
      if (child.killAfter(1_500 + 700L * i)) {
        killedWhileRunning++;
      }
      seen.add(partitionCounts(wh));
    }
    assertThat(killedWhileRunning).as("kills that hit a running compaction").isPositive();

    ChildJvm finish = ChildJvm.start(Map.of(), null, compact);
    assertThat(finish.waitFor(300)).as(finish.stderr()).isZero();
    Map<String, Long> complete = partitionCounts(wh);
    assertThat(complete).hasSize(4);
    // after every kill, each visible partition was the complete one (or not there yet)
    for (Map<String, Long> after : seen) {
      after.forEach((partition, rows) -> assertThat(rows).isEqualTo(complete.get(partition)));
    }
    ChildJvm again = ChildJvm.start(Map.of(), null, compact);
    assertThat(again.waitFor(300)).isZero();
    assertThat(again.stdout())
        .contains("silver.trades: nothing to compact")
        .contains("silver.quotes: nothing to compact");

    Map<String, String> digests = fileDigests(wh);
    List<String> quarantine = quarantineRows(wh);
    // the 6 price-0 trades, once each: no kill left a second rebuild's rows beside the first's
    assertThat(quarantine).hasSize(6).doesNotHaveDuplicates();
    String[] forced = {"--warehouse", wh.toString(), "compact", "--all"};
    assertThat(ChildJvm.start(Map.of(), null, forced).waitFor(300)).isZero();
    assertThat(partitionCounts(wh)).isEqualTo(complete);
    assertThat(fileDigests(wh)).isEqualTo(digests);
    assertThat(quarantineRows(wh)).isEqualTo(quarantine);
  }

  @Test
  void killedCompactionsNeverExposeAPartialPartitionAndConverge() throws Exception {
    Path wh = ingestedSamples();
    String[] compactAll = {"--warehouse", wh.toString(), "compact", "--all"};

    // a clean run first: the reference partition sizes
    assertThat(ChildJvm.start(Map.of(), null, compactAll).waitFor(300)).isZero();
    Map<String, Long> complete = partitionCounts(wh);
    assertThat(complete).hasSize(4);
    Map<String, String> reference = fileDigests(wh);

    SplittableRandom random = new SplittableRandom(7);
    int killedWhileRunning = 0;
    for (int i = 0; i < 6; i++) {
      ChildJvm child = ChildJvm.start(Map.of(), null, compactAll);
      if (child.killAfter(1_500 + random.nextInt(4_000))) {
        killedWhileRunning++;
      }
      // what a reader sees after the kill: every partition complete, none partial or missing
      assertThat(partitionCounts(wh)).as("after kill %d", i).isEqualTo(complete);
    }
    assertThat(killedWhileRunning).as("kills that hit a running compaction").isPositive();

    // the run that completes converges to the clean result, byte for byte
    assertThat(ChildJvm.start(Map.of(), null, compactAll).waitFor(300)).isZero();
    assertThat(partitionCounts(wh)).isEqualTo(complete);
    assertThat(fileDigests(wh)).isEqualTo(reference);
  }

  /**
   * Rows per Silver partition, read through Iceberg's own metadata (record counts of live files).
   */
  private static Map<String, Long> partitionCounts(Path wh) {
    Map<String, Long> counts = new TreeMap<>();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      for (String name : TABLES) {
        Table t = w.catalog().loadTable(TableIdentifier.parse(name));
        for (DataFile f :
            PinnedScan.plan(t, Optional.ofNullable(t.currentSnapshot())).dataFiles()) {
          counts.merge(name + "/" + f.partition(), f.recordCount(), Long::sum);
        }
      }
    }
    return counts;
  }

  /** The compaction's quarantine rows (rule, lineage, whole row), sorted. */
  private static List<String> quarantineRows(Path wh) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh));
        org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.data.Record> all =
            org.apache.iceberg.data.IcebergGenerics.read(
                    w.catalog().loadTable(TableIdentifier.parse("ops.quarantine")))
                .build()) {
      for (org.apache.iceberg.data.Record r : all) {
        if ("compact".equals(r.getField("stage"))) {
          rows.add(
              r.getField("source_table")
                  + "|"
                  + r.getField("rule")
                  + "|"
                  + r.getField("file_id")
                  + ":"
                  + r.getField("file_seq")
                  + "|"
                  + r.getField("row_json")
                  + "|"
                  + r.getField("bronze_snapshot_id"));
        }
      }
    }
    rows.sort(null);
    return rows;
  }

  /**
   * SHA-256 of every live Silver data file's bytes, by partition (names differ, bytes must not).
   */
  private static Map<String, String> fileDigests(Path wh) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      for (String name : TABLES) {
        Table t = w.catalog().loadTable(TableIdentifier.parse(name));
        List<String> files = new ArrayList<>();
        for (DataFile f :
            PinnedScan.plan(t, Optional.ofNullable(t.currentSnapshot())).dataFiles()) {
          files.add(f.partition() + "=" + sha256(Path.of(PinnedScan.localPath(f.location()))));
        }
        files.sort(null);
        digests.put(name, String.join(";", files));
      }
    }
    return digests;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}

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

  @Test
  void killedCompactionsNeverExposeAPartialPartitionAndConverge() throws Exception {
    Path wh = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
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

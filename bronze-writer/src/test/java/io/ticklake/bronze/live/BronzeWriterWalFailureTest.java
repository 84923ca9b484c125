package io.ticklake.bronze.live;

import static io.ticklake.bronze.live.BronzeWriterTest.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live writer when its WAL fails after a flush committed: a sealed segment's index file is
 * bind-mounted onto itself (a real {@code EBUSY} on unlink), so the segments the commit covers
 * cannot be deleted. Skipped where mounting is not allowed.
 */
class BronzeWriterWalFailureTest {
  @TempDir Path dir;
  Warehouse warehouse;
  ExchangeCalendars calendars;
  Path pinned;
  Path readOnly;

  @BeforeEach
  void setUp() throws Exception {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    calendars = ExchangeTable.load(warehouse.catalog());
  }

  @AfterEach
  void tearDown() throws Exception {
    warehouse.close();
    if (pinned != null) {
      Tmpfs.sh("umount", pinned.toString());
    }
    if (readOnly != null) {
      Tmpfs.sh("umount", readOnly.toString());
    }
  }

  private long count(String sql) throws Exception {
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null)) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aWalFailingAfterTheCommitLeavesTheCommittedQuarantineRowsReadable() throws Exception {
    // the flush commits quarantine, then Bronze, then deletes the WAL segments it covers; when
    // that last step failed, the flush's error path deleted the quarantine data files the
    // committed snapshot names, and ops.quarantine could no longer be read at all
    BronzeWriterOptions o =
        BronzeWriterOptions.of("w1")
            .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS).withSegmentBytes(4096))
            .withFlush(Duration.ofMinutes(10), 1_000_000);
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      List<TradeRow> rows = new ArrayList<>();
      for (long seq = 1; seq <= 200; seq++) {
        rows.add(trade(seq % 10 == 0 ? "nowhere" : "binance-futures", seq));
      }
      for (TradeRow r : rows) {
        w.appendTrades(List.of(r)); // one at a time: many sealed segments
      }
      assertThat(w.segmentCount(WalTable.TRADES)).isGreaterThan(1);
      Path first;
      try (var files = Files.list(dir.resolve("wh/wal/w1/trades"))) {
        first =
            files.filter(f -> f.toString().endsWith(".index")).sorted().findFirst().orElseThrow();
      }
      assumeTrue(
          Tmpfs.sh("mount", "--bind", first.toString(), first.toString()),
          "cannot bind-mount here (not root, or no mount namespace): skipped");
      pinned = first;
      w.flush();
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(200);
      assertThat(Tmpfs.sh("umount", first.toString())).isTrue();
      pinned = null;
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(180);
    assertThat(count("select count(*) from ops.quarantine where rule = 'unknown_exchange'"))
        .isEqualTo(20);
    // and a reopen commits nothing twice
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(200);
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(180);
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(20);
  }

  @Test
  void aFlushRetriedAfterItsQuarantineCommitQuarantinesNothingTwice() throws Exception {
    // the quarantine commit goes first; when the Bronze commit after it failed, the retry wrote the
    // flush's bad lines and unknown-exchange events to quarantine again, once per attempt
    BronzeWriterOptions o =
        BronzeWriterOptions.of("w1")
            .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS))
            .withFlush(Duration.ofMinutes(10), 1_000_000);
    Path metadata = dir.resolve("wh/bronze/trades/metadata");
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    long quarantineCommits = quarantineCommits(quarantine);
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      w.appendTrades(
          List.of(trade("binance-futures", 1), trade("nowhere", 2), trade("binance-futures", 3)));
      w.quarantineLine(
          "bronze.trades", "{\"type\":\"trade\",\"seq\":4", null, null, "line 4: bad", null, 4L);
      // Bronze's metadata read-only: its commit fails, after the quarantine commit
      assumeTrue(
          Tmpfs.sh("mount", "--bind", metadata.toString(), metadata.toString()),
          "cannot bind-mount here (not root, or no mount namespace): skipped");
      readOnly = metadata;
      assertThat(Tmpfs.sh("mount", "-o", "remount,bind,ro", metadata.toString())).isTrue();
      Thread flush = new Thread(w::flush);
      flush.start();
      // the quarantine commit, then at least one failed Bronze commit and its retry
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (quarantineCommits(quarantine) == quarantineCommits && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(quarantineCommits(quarantine)).isGreaterThan(quarantineCommits);
      Thread.sleep(1_000);
      assertThat(Tmpfs.sh("umount", metadata.toString())).isTrue();
      readOnly = null;
      flush.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(flush.isAlive()).isFalse();
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(3);
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(2);
    assertThat(count("select count(*) from ops.quarantine where rule = 'unknown_exchange'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from ops.quarantine where rule = 'parse_error'"))
        .isEqualTo(1);
  }

  private static long quarantineCommits(Table quarantine) {
    quarantine.refresh();
    long n = 0;
    for (Snapshot s : quarantine.snapshots()) {
      if ("writer-quarantine".equals(s.summary().get("ticklake.operation"))) {
        n++;
      }
    }
    return n;
  }
}

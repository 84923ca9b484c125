package io.ticklake.bronze.live;

import static io.ticklake.bronze.live.BronzeWriterTest.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.StorageErrors;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.testing.Tmpfs;
import io.ticklake.catalog.write.OrphanFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live writer's flush when its Bronze commit fails on a full disk after the flush's data files
 * are written (while Iceberg writes the commit's manifests, manifest list or metadata file, or
 * while the catalog database updates): the attempt's data files are deleted when the commit
 * definitely did not happen, so no retry leaves orphaned files behind, and once the space is back
 * every event is committed exactly once. A real tmpfs is filled for real; skipped where mounting is
 * not allowed. Each attempt is a {@link BronzeWriter#open} whose replay commits the WAL's events:
 * the same flush the background flusher retries.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BronzeWriterDiskFullTest {
  @TempDir Path dir;
  private Tmpfs mounted;

  private final BronzeWriterOptions options =
      BronzeWriterOptions.of("w1")
          .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS))
          .withFlush(Duration.ofMinutes(10), 1_000_000);

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.detach();
    }
  }

  /** 200 trades in the WAL of writer w1, none committed; every 10th with an unknown exchange. */
  private void pendingEvents(Warehouse warehouse, ExchangeCalendars calendars, boolean unknown) {
    BronzeWriter w = BronzeWriter.open(warehouse, calendars, options);
    List<TradeRow> rows = new ArrayList<>();
    for (long seq = 1; seq <= 200; seq++) {
      rows.add(trade(unknown && seq % 10 == 0 ? "nowhere" : "binance-futures", seq));
    }
    w.appendTrades(rows);
    w.abandon(); // no flush: the next open replays them
  }

  private static long count(Warehouse warehouse, String sql) throws Exception {
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null)) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static List<Path> orphans(Warehouse warehouse, TableIdentifier table) {
    return OrphanFiles.list(warehouse.table(table), Long.MAX_VALUE);
  }

  /** Whether the failure was thrown by a transaction's commit: after every file was written. */
  private static boolean inCommitTransaction(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (Stream.of(t.getStackTrace())
          .anyMatch(
              f ->
                  f.getClassName().equals("org.apache.iceberg.BaseTransaction")
                      && f.getMethodName().equals("commitTransaction"))) {
        return true;
      }
    }
    return false;
  }

  /** What a sweep saw: the failed attempts that left orphans, and those failing in a commit. */
  private record Sweep(List<String> leftOrphans, int commitFailures) {}

  /** Checks the tables after a failed attempt. */
  private interface AfterFailure {
    void check() throws Exception;
  }

  /**
   * Opens writer w1 with the mounted tmpfs filled to 0, 4, 8 … KB free until the open's replay
   * commits; each step is tried three times, the disk filled again to the same free space before
   * each (a full disk that persists while the flush is retried). After each failed attempt, notes
   * the data files of Bronze and ops.quarantine that no snapshot references.
   */
  private Sweep sweep(
      Warehouse warehouse, ExchangeCalendars calendars, long maxKb, AfterFailure after)
      throws Exception {
    List<String> left = new ArrayList<>();
    int commitFailures = 0;
    boolean committed = false;
    for (long leftKb = 0; !committed; leftKb += 4) {
      assertThat(leftKb).as("no flush committed").isLessThan(maxKb);
      for (int attempt = 1; attempt <= 3 && !committed; attempt++) {
        Path filler = mounted.fill("filler", leftKb << 10);
        try {
          BronzeWriter.open(warehouse, calendars, options).close();
          committed = true;
        } catch (RuntimeException e) {
          commitFailures += inCommitTransaction(e) ? 1 : 0;
          List<Path> bronze = orphans(warehouse, TableContracts.BRONZE_TRADES.id());
          List<Path> quarantine = orphans(warehouse, TableContracts.QUARANTINE.id());
          if (!bronze.isEmpty() || !quarantine.isEmpty()) {
            left.add(
                leftKb
                    + " KB free, attempt "
                    + attempt
                    + ": "
                    + bronze.size()
                    + " Bronze and "
                    + quarantine.size()
                    + " quarantine orphans ("
                    + e
                    + ")");
          }
          after.check();
        } finally {
          Files.delete(filler);
        }
      }
    }
    return new Sweep(left, commitFailures);
  }

  /**
   * The whole warehouse (WAL, data, metadata, catalog) on a full tmpfs, the free space growing
   * until the flush commits: no failed attempt leaves a data file no snapshot references (each
   * attempt whose Bronze commit failed left one more set), and every event lands once.
   */
  @Test
  void aBronzeCommitFailingOnAFullDiskLeavesNoOrphanedDataFilesHoweverOftenItIsRetried()
      throws Exception {
    mounted = Tmpfs.mount(dir.resolve("m"), "size=16m");
    try (Warehouse warehouse =
        Warehouse.open(WarehouseConfig.embedded(mounted.dir().resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      pendingEvents(warehouse, calendars, false);

      Sweep sweep = sweep(warehouse, calendars, 1_024, () -> {});
      assertThat(sweep.leftOrphans()).as("orphaned data files after failed attempts").isEmpty();
      // the case at hand was met: a failed commit after the data files and manifests were written
      assertThat(sweep.commitFailures()).isPositive();

      assertThat(count(warehouse, "select count(*) from bronze.trades")).isEqualTo(200);
      assertThat(count(warehouse, "select count(distinct wal_seq) from bronze.trades"))
          .isEqualTo(200);
      try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options)) {
        assertThat(w.watermark(WalTable.TRADES)).isEqualTo(200);
      }
      assertThat(orphans(warehouse, TableContracts.BRONZE_TRADES.id())).isEmpty();
    }
  }

  /**
   * The same with unknown-exchange events, whose quarantine commit goes before the Bronze commit: a
   * quarantine commit that fails deletes its own data files (they were left), one that landed keeps
   * them (ops.quarantine stays readable, each row once), and the events land once.
   */
  @Test
  void aQuarantineCommitFailingOnAFullDiskLeavesNoOrphanedQuarantineFiles() throws Exception {
    mounted = Tmpfs.mount(dir.resolve("m"), "size=16m");
    try (Warehouse warehouse =
        Warehouse.open(WarehouseConfig.embedded(mounted.dir().resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      pendingEvents(warehouse, calendars, true);

      Sweep sweep =
          sweep(
              warehouse,
              calendars,
              1_024,
              () ->
                  assertThat(count(warehouse, "select count(*) from ops.quarantine"))
                      .isIn(0L, 20L));
      assertThat(sweep.leftOrphans()).as("orphaned data files after failed attempts").isEmpty();
      assertThat(sweep.commitFailures()).isPositive();

      assertThat(count(warehouse, "select count(*) from bronze.trades")).isEqualTo(180);
      assertThat(count(warehouse, "select count(distinct wal_seq) from bronze.trades"))
          .isEqualTo(180);
      assertThat(count(warehouse, "select count(*) from ops.quarantine")).isEqualTo(20);
      assertThat(orphans(warehouse, TableContracts.BRONZE_TRADES.id())).isEmpty();
      assertThat(orphans(warehouse, TableContracts.QUARANTINE.id())).isEmpty();
    }
  }

  /**
   * A flush with unknown-exchange events commits their quarantine rows first, then Bronze. Bronze's
   * metadata folder is on its own full tmpfs, so the quarantine commit lands and the Bronze commit
   * after it fails: the Bronze attempt's data files are deleted, the committed quarantine files are
   * kept (ops.quarantine stays readable and its rows are not written again), and neither table is
   * left with orphans.
   */
  @Test
  void aBronzeCommitFailingAfterTheQuarantineCommitLandedDeletesOnlyTheBronzeFiles()
      throws Exception {
    try (Warehouse warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      pendingEvents(warehouse, calendars, true);

      // Bronze's metadata folder onto a 1 MB tmpfs, its files copied over
      Path metadata = dir.resolve("wh/bronze/trades/metadata");
      Path saved = Files.move(metadata, dir.resolve("metadata-saved"));
      mounted = Tmpfs.mount(metadata, "size=1m");
      try (Stream<Path> files = Files.list(saved)) {
        for (Path f : files.toList()) {
          Files.copy(f, metadata.resolve(f.getFileName()));
        }
      }

      Sweep sweep =
          sweep(
              warehouse,
              calendars,
              512,
              // the quarantine commit landed at the first attempt: readable, each row once
              () ->
                  assertThat(count(warehouse, "select count(*) from ops.quarantine"))
                      .isEqualTo(20));
      assertThat(sweep.leftOrphans()).as("orphaned data files after failed attempts").isEmpty();
      assertThat(sweep.commitFailures()).isPositive();

      assertThat(count(warehouse, "select count(*) from bronze.trades")).isEqualTo(180);
      assertThat(count(warehouse, "select count(distinct wal_seq) from bronze.trades"))
          .isEqualTo(180);
      assertThat(
              count(
                  warehouse, "select count(*) from ops.quarantine where rule = 'unknown_exchange'"))
          .isEqualTo(20);
      assertThat(orphans(warehouse, TableContracts.BRONZE_TRADES.id())).isEmpty();
      assertThat(orphans(warehouse, TableContracts.QUARANTINE.id())).isEmpty();
    }
  }

  /**
   * The failures of writer w1's replay with Bronze's metadata folder on its own 1 MB tmpfs, filled
   * to 0, 4, 8 … KB free until the replay commits: each attempt fails on a later file of the commit
   * (manifest, manifest list, then the new metadata file).
   */
  private List<RuntimeException> metadataFolderSweep() throws Exception {
    List<RuntimeException> failures = new ArrayList<>();
    try (Warehouse warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      pendingEvents(warehouse, calendars, false);

      Path metadata = dir.resolve("wh/bronze/trades/metadata");
      Path saved = Files.move(metadata, dir.resolve("metadata-saved"));
      mounted = Tmpfs.mount(metadata, "size=1m");
      try (Stream<Path> files = Files.list(saved)) {
        for (Path f : files.toList()) {
          Files.copy(f, metadata.resolve(f.getFileName()));
        }
      }
      boolean committed = false;
      for (long leftKb = 0; !committed; leftKb += 4) {
        assertThat(leftKb).as("no flush committed").isLessThan(512);
        Path filler = mounted.fill("filler", leftKb << 10);
        try {
          BronzeWriter.open(warehouse, calendars, options).close();
          committed = true;
        } catch (RuntimeException e) {
          failures.add(e);
        } finally {
          Files.delete(filler);
        }
      }
      assertThat(count(warehouse, "select count(*) from bronze.trades")).isEqualTo(200);
    }
    return failures;
  }

  /** Whether {@code e} or a cause of it is an I/O exception about a file named like {@code end}. */
  private static boolean failedWriting(Throwable e, String end) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.FileSystemException f
          && f.getFile() != null
          && f.getFile().endsWith(end)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A flush whose commit cannot write Bronze's new metadata file on a full disk fails with the I/O
   * error of that file, naming it and the full disk. Iceberg writes the metadata file in a
   * try-with-resources whose close met the write's failure again: the warehouse's file system threw
   * the very same exception instance a second time, and Java's {@code addSuppressed} turned it into
   * {@code IllegalArgumentException: Self-suppression not permitted}, all the writer's retry line
   * printed of the failure.
   */
  @Test
  void aMetadataFileFailingOnAFullDiskIsItsIoErrorNotSelfSuppression() throws Exception {
    List<RuntimeException> failures = metadataFolderSweep();
    // the case at hand was met: the commit failed writing its new metadata file
    assertThat(failures).anyMatch(e -> failedWriting(e, ".metadata.json"));
    for (RuntimeException e : failures) {
      assertThat(e).as(e.toString()).isNotInstanceOf(IllegalArgumentException.class);
      assertThat(StorageErrors.find(e))
          .as(e.toString())
          .hasValueSatisfying(
              f -> {
                assertThat(f.problem()).isEqualTo(StorageErrors.Problem.FULL);
                assertThat(f.describe())
                    .startsWith(dir.resolve("wh/bronze/trades/metadata").toString())
                    .endsWith(": No space left on device");
              });
    }
  }

  /**
   * The writer's retry line for a flush failing on a full disk names the file, the disk being full
   * and what to do, whichever file of the commit met it; it printed only the error's message:
   * {@code Failed to create manifest writer for path: …}, {@code Self-suppression not permitted}.
   */
  @Test
  void theRetryLineOfAFlushFailingOnAFullDiskNamesTheFileTheDiskAndWhatToDo() throws Exception {
    Path metadata = dir.resolve("wh/bronze/trades/metadata");
    List<RuntimeException> failures = metadataFolderSweep();
    assertThat(failures).anyMatch(e -> failedWriting(e, ".metadata.json"));
    for (RuntimeException e : failures) {
      assertThat(BronzeWriter.flushFailure(e, dir.resolve("wh")))
          .as(e.toString())
          .startsWith("Cannot write " + metadata + "/")
          .contains(": No space left on device (")
          .contains(
              "; free space on the file system of "
                  + metadata
                  + ", the writer retries until the flush commits");
    }
    // a file on the warehouse's own file system: free space there
    Path onWarehouse = dir.resolve("wh/bronze/quotes/metadata/00001-x.metadata.json");
    RuntimeException full =
        new org.apache.iceberg.exceptions.RuntimeIOException(
            new java.nio.file.FileSystemException(
                onWarehouse.toString(), null, "No space left on device"),
            "Failed to write json to file: %s",
            onWarehouse);
    assertThat(BronzeWriter.flushFailure(full, dir.resolve("wh")))
        .isEqualTo(
            "Cannot write "
                + onWarehouse
                + ": No space left on device (Failed to write json to file: "
                + onWarehouse
                + "); free space on the file system of "
                + dir.resolve("wh")
                + ", the writer retries until the flush commits");
    // any other failure is its message, as it was
    assertThat(BronzeWriter.flushFailure(new IllegalArgumentException("bad"), dir))
        .isEqualTo("bad");
  }
}

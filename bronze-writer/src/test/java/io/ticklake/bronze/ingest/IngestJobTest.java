package io.ticklake.bronze.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.manifests.IngestManifest;
import io.ticklake.manifests.ManifestEntry;
import io.ticklake.manifests.ManifestStatus;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job against a real warehouse, real readers and real fixture files. */
class IngestJobTest {
  @TempDir Path dir;
  Warehouse warehouse;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    data = copyFixtures(dir.resolve("data"));
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  static Path copyFixtures(Path target) throws IOException, URISyntaxException {
    Path src = Path.of(IngestJobTest.class.getResource("/fixtures").toURI());
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path t = target.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  IngestSummary ingest(String vendor, String... paths) {
    return new IngestJob(
            warehouse,
            VendorReaders.forVendor(vendor, null),
            ExchangeTable.load(warehouse.catalog()),
            VendorReaders.defaultExchange(vendor),
            2,
            null,
            Clock.systemUTC())
        .run(InputFiles.expand(List.of(paths)));
  }

  long count(String sql) throws Exception {
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null)) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  Long snapshotId(org.apache.iceberg.catalog.TableIdentifier id) {
    Table t = warehouse.catalog().loadTable(id);
    return t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId();
  }

  @Test
  void ingestsRealFilesAndASecondRunChangesNothing() throws Exception {
    IngestSummary lean = ingest("lean", data.resolve("lean").toString());
    IngestSummary tardis = ingest("tardis", data.resolve("tardis/*.csv").toString());
    assertThat(lean.count(IngestResult.Outcome.INGESTED)).isEqualTo(3);
    assertThat(tardis.count(IngestResult.Outcome.INGESTED)).isEqualTo(2);
    // fixture line counts: 200 IBM + 200 BAC trades, 224 IBM quotes, 9,999 per Tardis file? no:
    // the fixtures hold the first lines of each vendor file
    long tradeLines =
        lean.files().stream()
                .filter(f -> f.path().endsWith("_trade.zip"))
                .mapToLong(IngestResult::rowsTotal)
                .sum()
            + tardis.files().stream()
                .filter(f -> f.path().endsWith("trades.csv"))
                .mapToLong(IngestResult::rowsTotal)
                .sum();
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(tradeLines);
    assertThat(count("select count(*) from bronze.trades where symbol = 'BAC' and price = 13.99"))
        .as("the four identical BAC prints of lines 8-11 stay four rows")
        .isGreaterThanOrEqualTo(4);
    assertThat(
            count(
                "select count(*) from bronze.quotes where exchange = 'us-equity' and trading_date = DATE '2013-10-07'"))
        .isEqualTo(224);
    assertThat(
            count(
                "select count(*) from bronze.trades where exchange = 'binance-futures' and trading_date = DATE '2020-02-22'"))
        .isGreaterThan(0);

    Long trades = snapshotId(TableContracts.BRONZE_TRADES.id());
    Long quotes = snapshotId(TableContracts.BRONZE_QUOTES.id());
    IngestSummary again = ingest("lean", data.resolve("lean").toString());
    assertThat(again.count(IngestResult.Outcome.SKIPPED)).isEqualTo(3);
    assertThat(again.files().get(0).message()).startsWith("already ingested as file ");
    assertThat(snapshotId(TableContracts.BRONZE_TRADES.id())).isEqualTo(trades);
    assertThat(snapshotId(TableContracts.BRONZE_QUOTES.id())).isEqualTo(quotes);
  }

  /** Ten Tardis trades of which file lines 4 (price) and 6 (columns) cannot be parsed. */
  Path mixedTrades(String folder, int from) throws IOException {
    Path file = dir.resolve(folder + "/tardis_trades.csv");
    Files.createDirectories(file.getParent());
    List<String> all = Files.readAllLines(data.resolve("tardis/tardis_trades.csv"));
    List<String> lines = new ArrayList<>(all.subList(0, 1));
    lines.addAll(all.subList(from, from + 10));
    String[] fields = lines.get(3).split(",", -1);
    fields[6] = fields[6] + "x"; // file line 4: bad price
    lines.set(3, String.join(",", fields));
    lines.set(5, "binance-futures,BTCUSDT,1582329602130000"); // file line 6: missing columns
    Files.write(file, lines);
    return file;
  }

  /** No table keeps an ingest commit mark once the manifest has recorded the file. */
  void assertNoCommitMarks() {
    for (var id :
        List.of(
            TableContracts.BRONZE_TRADES.id(),
            TableContracts.BRONZE_QUOTES.id(),
            TableContracts.QUARANTINE.id())) {
      assertThat(BronzeHistory.unsettledFiles(warehouse.catalog().loadTable(id)))
          .as("%s", id)
          .isEmpty();
    }
  }

  @Test
  void badLinesGoToQuarantineAndGoodLinesToBronze() throws Exception {
    Path file = dir.resolve("mixed/tardis_trades.csv");
    Files.createDirectories(file.getParent());
    List<String> lines =
        new ArrayList<>(
            Files.readAllLines(data.resolve("tardis/tardis_trades.csv")).subList(0, 11));
    lines.set(
        3,
        lines.get(3).replaceFirst(",9682,", ",96x2,")); // file line 4 (after the header): bad price
    lines.set(5, "binance-futures,BTCUSDT,1582329602130000"); // file line 6: missing columns
    Files.write(file, lines);

    IngestSummary s = ingest("tardis", file.toString());
    IngestResult r = s.files().get(0);
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.PARTLY_QUARANTINED);
    assertThat(r.rowsTotal()).isEqualTo(10);
    assertThat(r.rowsQuarantined()).isEqualTo(2);
    assertThat(r.rowsWritten()).isEqualTo(8);
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(8);
    assertThat(count("select count(*) from bronze.trades where file_seq in (4, 6)")).isZero();
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'parse_error' and file_id = "
                    + r.fileId()
                    + " and source_table = 'bronze.trades' and raw_line is not null and message like 'Cannot parse%'"))
        .isEqualTo(2);
    assertThat(
            count(
                "select count(*) from ops.quarantine where file_seq = 4 and field = 'price' and value = '96x2'"))
        .isEqualTo(1);
    // a Tardis path names no symbol or date: a line that cannot be parsed has none
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'parse_error' and symbol is null"
                    + " and trading_date is null"))
        .isEqualTo(2);
    ManifestEntry m =
        new IngestManifest(warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()))
            .current()
            .get(r.fileId());
    assertThat(m.status()).isEqualTo(ManifestStatus.INGESTED);
    assertThat(m.rowsTotal()).isEqualTo(10);
    assertThat(m.rowsWritten() + m.rowsQuarantined()).isEqualTo(m.rowsTotal());
    assertNoCommitMarks();
  }

  @Test
  void aBadLeanLineIsQuarantinedWithTheSymbolDateAndExchangeOfItsFile() throws Exception {
    Path source = data.resolve("lean/equity/usa/tick/ibm/20131007_trade.zip");
    Path file = dir.resolve("badlean/lean/equity/usa/tick/ibm/20131007_trade.zip");
    Files.createDirectories(file.getParent());
    try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(source.toFile());
        java.util.zip.ZipOutputStream out =
            new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
      java.util.zip.ZipEntry entry = in.entries().nextElement();
      List<String> lines =
          new ArrayList<>(
              new String(in.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8)
                  .lines()
                  .toList());
      lines.set(2, lines.get(2).replaceFirst(",", ",x")); // line 3: a bad price
      out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    IngestResult r = ingest("lean", file.toString()).files().get(0);
    assertThat(r.rowsQuarantined()).isEqualTo(1);
    // rows of an exchange ref.exchange does not know carry the file's symbol and date too, and
    // the exchange they named
    IngestResult unknown =
        new IngestJob(
                warehouse,
                VendorReaders.forVendor("lean", null),
                ExchangeTable.load(warehouse.catalog()),
                "nyse",
                2,
                null,
                Clock.systemUTC())
            .run(InputFiles.expand(List.of(data.resolve("lean/equity/usa/tick/bac").toString())))
            .files()
            .get(0);
    assertThat(unknown.rowsWritten()).isZero();
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'unknown_exchange' and"
                    + " trading_date = DATE '2013-10-10' and symbol = 'BAC' and exchange ="
                    + " 'nyse'"))
        .isEqualTo(unknown.rowsQuarantined())
        .isPositive();
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'parse_error' and file_seq = 3"
                    + " and exchange = 'us-equity' and trading_date = DATE '2013-10-07' and"
                    + " symbol = 'IBM'"))
        .isEqualTo(1);
  }

  @Test
  void aRowOfAnUnknownExchangeKeepsItsValuesAndTimeInQuarantine() throws Exception {
    // invariant 6: every rejected row is findable in quarantine with its rule, values and lineage.
    // A row whose exchange ref.exchange does not know kept only its line number: no price, size or
    // event time, although the reader had parsed them all.
    Path bac = data.resolve("lean/equity/usa/tick/bac");
    Path copy = dir.resolve("copy/lean/equity/usa/tick/bac");
    Files.createDirectories(copy);
    Files.copy(bac.resolve("20131010_trade.zip"), copy.resolve("20131010_trade.zip"));
    IngestResult placed = ingest("lean", copy.toString()).files().get(0);
    IngestResult unknown =
        new IngestJob(
                warehouse,
                VendorReaders.forVendor("lean", null),
                ExchangeTable.load(warehouse.catalog()),
                "nyse",
                2,
                null,
                Clock.systemUTC())
            .run(InputFiles.expand(List.of(bac.toString())))
            .files()
            .get(0);
    assertThat(unknown.rowsQuarantined()).isEqualTo(placed.rowsWritten()).isPositive();
    // the quarantined rows hold what Bronze holds for the same lines: price, size, time, lineage
    String bronze =
        "select file_seq, price, size, ts_event, sale_condition_raw from bronze.trades where"
            + " file_id = "
            + placed.fileId();
    String quarantined =
        "select file_seq, CAST(row_json->>'price' AS DECIMAL(18,9)),"
            + " CAST(row_json->>'size' AS DECIMAL(18,8)), ts_event,"
            + " row_json->>'sale_condition_raw' from ops.quarantine where rule = 'unknown_exchange'"
            + " and file_id = "
            + unknown.fileId()
            + " and CAST(row_json->>'ts_event' AS TIMESTAMPTZ) = ts_event"
            + " and row_json->>'exchange' = 'nyse' and row_json->>'vendor' = 'lean'";
    assertThat(
            count(
                "select count(*) from ("
                    + bronze
                    + " except all "
                    + quarantined
                    + ") union all select count(*) from ("
                    + quarantined
                    + " except all "
                    + bronze
                    + ") order by 1 desc limit 1"))
        .isZero();
    assertThat(count("select count(*) from (" + quarantined + ")"))
        .isEqualTo(unknown.rowsQuarantined());
  }

  @Test
  void aTardisRowOfAnUnknownExchangeNamesItsSymbolInQuarantine() throws Exception {
    // Tardis lines carry their own symbol: its quarantine row named the exchange but left the
    // symbol NULL, where the live writer's row of the same event names both
    List<String> lines =
        Files.readAllLines(data.resolve("tardis/tardis_trades.csv"), StandardCharsets.UTF_8)
            .subList(0, 4);
    List<String> edited = new ArrayList<>(lines);
    edited.set(2, lines.get(2).replace("binance-futures,BTCUSDT,", "deribit,BTC-PERPETUAL,"));
    Path file = dir.resolve("mixed/tardis_trades.csv");
    Files.createDirectories(file.getParent());
    Files.write(file, edited, StandardCharsets.UTF_8);

    IngestResult r = ingest("tardis", file.toString()).files().get(0);

    assertThat(r.rowsWritten()).isEqualTo(2);
    assertThat(r.rowsQuarantined()).isEqualTo(1);
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'unknown_exchange'"
                    + " and exchange = 'deribit' and symbol = 'BTC-PERPETUAL' and file_seq = 3"
                    + " and trading_date is null"))
        .isEqualTo(1);
  }

  @Test
  void unreadableFileFailsAndNothingOfItIsAppended() throws Exception {
    Path bad = dir.resolve("bad/lean/equity/usa/tick/ibm/20131008_trade.zip");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, "this is not a zip file");
    IngestSummary s = ingest("lean", bad.toString());
    IngestResult r = s.files().get(0);
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.FAILED);
    assertThat(r.message()).startsWith("Cannot read ");
    assertThat(snapshotId(TableContracts.BRONZE_TRADES.id())).isNull();
    ManifestEntry m =
        new IngestManifest(warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()))
            .current()
            .get(r.fileId());
    assertThat(m.status()).isEqualTo(ManifestStatus.FAILED);
    assertThat(m.reason()).isEqualTo(r.message());
  }

  @Test
  void changedContentAtTheSamePathIsIngestedAsARevision() throws Exception {
    Path file = dir.resolve("rev/tardis_trades.csv");
    Files.createDirectories(file.getParent());
    List<String> lines = Files.readAllLines(data.resolve("tardis/tardis_trades.csv"));
    Files.write(file, lines.subList(0, 6));
    IngestResult first = ingest("tardis", file.toString()).files().get(0);
    Files.write(file, lines.subList(0, 11));
    IngestResult second = ingest("tardis", file.toString()).files().get(0);
    assertThat(second.fileId()).isNotEqualTo(first.fileId());
    assertThat(second.message()).startsWith("revision of file " + first.fileId() + "; ");
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(15);
  }

  @Test
  void rerunAfterCommitButBeforeManifestUpdateDoesNotDuplicate() throws Exception {
    IngestResult r =
        ingest("tardis", data.resolve("tardis/tardis_trades.csv").toString()).files().get(0);
    long rows = count("select count(*) from bronze.trades");
    Long snapshot = snapshotId(TableContracts.BRONZE_TRADES.id());
    // the state a crash between the Bronze commit and the manifest update leaves: the manifest's
    // latest row for the file still says "ingesting"
    IngestManifest manifest =
        new IngestManifest(warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()));
    manifest.record(manifest.current().get(r.fileId()).restarted(Instant.now()));
    assertThat(manifest.current().get(r.fileId()).status()).isEqualTo(ManifestStatus.INGESTING);

    IngestResult rerun =
        ingest("tardis", data.resolve("tardis/tardis_trades.csv").toString()).files().get(0);
    assertThat(rerun.fileId()).isEqualTo(r.fileId());
    assertThat(rerun.message()).contains("recovered: committed by an earlier run");
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(rows);
    assertThat(snapshotId(TableContracts.BRONZE_TRADES.id())).isEqualTo(snapshot);
    assertThat(manifest.current().get(r.fileId()).status()).isEqualTo(ManifestStatus.INGESTED);
    assertThat(manifest.current().get(r.fileId()).bronzeSnapshotId()).isEqualTo(snapshot);
  }

  @Test
  void rerunAfterACrashBetweenTheBronzeAndTheQuarantineCommitAddsTheRejectedLinesOnce()
      throws Exception {
    // invariants 5 and 6: the Bronze append and the quarantine append are two commits; a crash
    // between them must leave the rejected lines to the rerun, once, and the rows alone
    ingest("tardis", mixedTrades("earlier", 1).toString());
    Path file = mixedTrades("between", 21);
    IngestResult r = ingest("tardis", file.toString()).files().get(0);
    assertThat(r.rowsQuarantined()).isEqualTo(2);
    Table trades = warehouse.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
    Table quarantine = warehouse.catalog().loadTable(TableContracts.QUARANTINE.id());
    long tradesSnapshot = trades.currentSnapshot().snapshotId();
    // the state the crash leaves: the Bronze append and its mark, no quarantine commit, the
    // manifest still "ingesting"
    quarantine.manageSnapshots().rollbackTo(quarantine.currentSnapshot().parentId()).commit();
    trades
        .updateProperties()
        .set(BronzeHistory.ingestFileProperty(r.fileId()), Long.toString(tradesSnapshot))
        .commit();
    IngestManifest manifest =
        new IngestManifest(warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()));
    manifest.record(manifest.current().get(r.fileId()).restarted(Instant.now()));
    String rejected =
        "select count(*) from ops.quarantine where file_id = "
            + r.fileId()
            + " and file_seq in (4, 6) and rule = 'parse_error'";
    assertThat(count(rejected)).isZero();

    IngestResult rerun = ingest("tardis", file.toString()).files().get(0);
    assertThat(rerun.fileId()).isEqualTo(r.fileId());
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(16);
    assertThat(snapshotId(TableContracts.BRONZE_TRADES.id())).isEqualTo(tradesSnapshot);
    assertThat(count(rejected)).isEqualTo(2);
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(4);
    assertThat(manifest.current().get(r.fileId()).status()).isEqualTo(ManifestStatus.INGESTED);
    assertNoCommitMarks();
    // and a further run changes nothing
    ingest("tardis", file.toString());
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(4);
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(16);
  }

  @Test
  void rerunAfterTheInterruptedCommitExpiredDoesNotDuplicate() throws Exception {
    Path first = mixedTrades("first", 1);
    IngestResult r = ingest("tardis", first.toString()).files().get(0);
    assertThat(r.rowsQuarantined()).isEqualTo(2);
    Table trades = warehouse.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
    Table quarantine = warehouse.catalog().loadTable(TableContracts.QUARANTINE.id());
    long tradesSnapshot = trades.currentSnapshot().snapshotId();
    // the state a crash between the commits and the manifest update leaves: the manifest still
    // says "ingesting", and both tables still mark the file committed
    IngestManifest manifest =
        new IngestManifest(warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()));
    manifest.record(manifest.current().get(r.fileId()).restarted(Instant.now()));
    trades
        .updateProperties()
        .set(BronzeHistory.ingestFileProperty(r.fileId()), Long.toString(tradesSnapshot))
        .commit();
    quarantine
        .updateProperties()
        .set(
            BronzeHistory.ingestFileProperty(r.fileId()),
            Long.toString(quarantine.currentSnapshot().snapshotId()))
        .commit();
    // a later ingest commits to both tables; then every older snapshot expires
    IngestResult later = ingest("tardis", mixedTrades("second", 21).toString()).files().get(0);
    assertThat(later.rowsQuarantined()).isEqualTo(2);
    for (Table t : List.of(trades, quarantine)) {
      t.refresh();
      t.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
      assertThat(t.snapshots()).hasSize(1);
    }
    assertThat(BronzeHistory.unsettledFiles(trades)).containsExactly(r.fileId());

    IngestResult rerun = ingest("tardis", first.toString()).files().get(0);
    assertThat(rerun.fileId()).isEqualTo(r.fileId());
    assertThat(rerun.message()).contains("recovered: committed by an earlier run");
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(16);
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(4);
    ManifestEntry m = manifest.current().get(r.fileId());
    assertThat(m.status()).isEqualTo(ManifestStatus.INGESTED);
    assertThat(m.bronzeSnapshotId()).isEqualTo(tradesSnapshot);
    assertNoCommitMarks();
  }

  @Test
  void twoIngestsAtOnceCommitBothAndLeaveNoMarks() throws Exception {
    for (int round = 0; round < 3; round++) {
      List<Path> files = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        files.add(mixedTrades("race" + round + "-" + k, 1 + 10 * k));
      }
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        List<java.util.concurrent.Future<IngestSummary>> runs = new ArrayList<>();
        for (Path f : files) {
          runs.add(
              pool.submit(
                  () -> {
                    start.await();
                    return ingest("tardis", f.toString());
                  }));
        }
        for (var run : runs) {
          assertThat(run.get().files())
              .singleElement()
              .satisfies(r -> assertThat(r.rowsWritten()).isEqualTo(8));
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(count("select count(*) from bronze.trades")).isEqualTo(16L * (round + 1));
      assertThat(count("select count(*) from ops.quarantine")).isEqualTo(4L * (round + 1));
      assertNoCommitMarks();
    }
  }

  @Test
  void expandsFoldersAndGlobsAndRejectsMissingPaths() {
    assertThat(InputFiles.expand(List.of(data.resolve("lean").toString()))).hasSize(3);
    assertThat(InputFiles.expand(List.of(data + "/lean/**/*_trade.zip"))).hasSize(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> InputFiles.expand(List.of(dir.resolve("nope").toString())))
        .hasMessage("Cannot find " + dir.resolve("nope") + ": no such file or directory");
  }
}

package io.ticklake.gold.export;

import static io.ticklake.gold.export.ExportFixture.bar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Receipts, {@code export verify}, and pinning to snapshots. */
class ExportVerifyTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  @TempDir static Path shared;
  static Warehouse sharedWarehouse;
  static long sharedSnapshot;

  @TempDir Path tmp;
  Warehouse warehouse;
  long firstSnapshot;

  @BeforeAll
  static void createWarehouse() {
    sharedWarehouse = ExportFixture.warehouse(shared.resolve("wh"));
    sharedSnapshot = ExportFixture.appendBars(sharedWarehouse, ExportProfilesTest.bars());
  }

  @AfterAll
  static void closeWarehouse() {
    sharedWarehouse.close();
  }

  @BeforeEach
  void useShared() {
    warehouse = sharedWarehouse;
    firstSnapshot = sharedSnapshot;
  }

  /** Tests that commit more data get a warehouse of their own. */
  void useOwnWarehouse() {
    warehouse = ExportFixture.warehouse(tmp.resolve("own"));
    firstSnapshot = ExportFixture.appendBars(warehouse, ExportProfilesTest.bars());
  }

  @AfterEach
  void closeOwn() {
    if (warehouse != sharedWarehouse) {
      warehouse.close();
    }
  }

  ExportRequest request(ExportProfile profile, Path out, String asOf) {
    return new ExportRequest(
        profile, "gold.bars", null, List.of("IBM", "BAC"), DAY, DAY, "1m", out, asOf);
  }

  @Test
  void aReceiptWithoutTheWarehouseFieldsStillReadsAndVerifies() throws Exception {
    Path out = tmp.resolve("older");
    new ExportJob(warehouse, request(ExportProfile.R, out, null)).commit();
    ObjectMapper mapper = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.readTree(out.resolve("receipt.json").toFile());
    json.remove(List.of("warehouse", "catalog"));
    Files.writeString(out.resolve("receipt.json"), mapper.writeValueAsString(json));

    ExportReceipt read = ExportReceipt.read(out);
    assertThat(read.warehouse()).isNull();
    assertThat(read.catalog()).isNull();
    assertThat(new ExportVerifier(warehouse).verify(out).problems()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ExportProfile.class)
  void receiptListsSnapshotRowsChecksumsAndLoadersAndVerifies(ExportProfile profile)
      throws Exception {
    Path out = tmp.resolve("x-" + profile.cliName());
    ExportReceipt receipt = new ExportJob(warehouse, request(profile, out, null)).commit();

    JsonNode json = new ObjectMapper().readTree(out.resolve("receipt.json").toFile());
    assertThat(json.get("format").asText()).isEqualTo("ticklake-export-receipt/1");
    assertThat(json.at("/request/profile").asText()).isEqualTo(profile.cliName());
    assertThat(json.at("/request/symbols/0").asText()).isEqualTo("IBM");
    assertThat(json.at("/tables/0/snapshot_id").asLong()).isEqualTo(firstSnapshot);
    assertThat(json.get("warehouse").asText()).isEqualTo(warehouse.root().toString());
    assertThat(json.get("catalog").asText())
        .isEqualTo("jdbc:sqlite:" + warehouse.root().resolve("catalog.db"));
    long expectedRows = profile == ExportProfile.LEAN ? 3 : 4; // lean drops the volume-only bar
    assertThat(json.at("/tables/0/rows").asLong()).isEqualTo(expectedRows);
    assertThat(json.at("/loaders/pandas").asText()).contains("import pandas as pd");
    assertThat(json.at("/loaders/r").asText()).isNotBlank();
    for (ExportReceipt.FileEntry f : receipt.files()) {
      Path file = out.resolve(f.path());
      assertThat(ExportFiles.sha256(file)).isEqualTo(f.sha256());
      assertThat(Files.size(file)).isEqualTo(f.bytes());
    }
    assertThat(receipt.files().stream().mapToLong(f -> f.rows() == null ? 0 : f.rows()).sum())
        .isEqualTo(expectedRows);

    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems()).isEmpty();
    assertThat(report.rows()).isEqualTo(expectedRows);
    assertThat(report.filesChecked()).isEqualTo(receipt.files().size());
  }

  @ParameterizedTest
  @EnumSource(ExportProfile.class)
  void theSameSnapshotExportsToIdenticalFiles(ExportProfile profile) throws Exception {
    ExportReceipt a =
        new ExportJob(warehouse, request(profile, tmp.resolve("a"), Long.toString(firstSnapshot)))
            .commit();
    ExportReceipt b =
        new ExportJob(warehouse, request(profile, tmp.resolve("b"), Long.toString(firstSnapshot)))
            .commit();
    assertThat(b.files()).isEqualTo(a.files());
    assertThat(b.tables()).isEqualTo(a.tables());
  }

  @Test
  void tamperedFileFailsVerifyNamingTheFile() throws Exception {
    Path out = tmp.resolve("r");
    new ExportJob(warehouse, request(ExportProfile.R, out, null)).commit();
    Files.writeString(
        out.resolve("gold_bars.csv"), "us-equity,2013-10-11,1m,IBM\n", StandardOpenOption.APPEND);
    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .anySatisfy(p -> assertThat(p).startsWith("Cannot verify gold_bars.csv: sha256 is "))
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo("Cannot verify gold_bars.csv: it holds 5 rows, the receipt says 4"));
  }

  @Test
  void missingExtraAndEscapingFilesAreReported() throws Exception {
    Path out = tmp.resolve("pg");
    new ExportJob(warehouse, request(ExportProfile.POSTGRES, out, null)).commit();
    Files.delete(out.resolve("schema.sql"));
    Files.writeString(out.resolve("notes.txt"), "hello");
    String receipt = Files.readString(out.resolve("receipt.json"));
    Files.writeString(
        out.resolve("receipt.json"), receipt.replace("\"load.sql\"", "\"../outside.sql\""));
    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems())
        .contains(
            "Cannot verify schema.sql: the file is missing",
            "Cannot verify notes.txt: the file is not in the receipt",
            "Cannot verify load.sql: the file is not in the receipt")
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "Cannot verify ../outside.sql: Cannot use file path '../outside.sql':"
                            + " it escapes the folder"));
  }

  /**
   * Finder writes .DS_Store into every folder it opens, and AppleDouble {@code ._name} files on
   * volumes without extended attributes; Windows Explorer writes Thumbs.db. {@code export verify}
   * refused a copied export for them ("the file is not in the receipt"): hidden and OS files not in
   * the receipt are now left out and named in a note, while any other extra file still fails. The
   * DuckDB loader of the hive layout reads only {@code part-*.parquet}, since its glob would also
   * match an AppleDouble {@code ._part-0.parquet} and fail on it.
   */
  @Test
  void hiddenOsFilesAreNotedNotRefused() throws Exception {
    Path out = tmp.resolve("mac");
    ExportReceipt receipt =
        new ExportJob(warehouse, request(ExportProfile.PARQUET_PARTITIONED, out, null)).commit();
    Path day = out.resolve("symbol=IBM/date=2013-10-11");
    Files.writeString(out.resolve(".DS_Store"), "Bud1");
    Files.writeString(day.resolve(".DS_Store"), "Bud1");
    Files.writeString(day.resolve("._part-0.parquet"), "AppleDouble");
    Files.writeString(out.resolve("Thumbs.db"), "thumbs");
    Files.createDirectories(out.resolve(".Spotlight-V100/Store-V2"));
    Files.writeString(out.resolve(".Spotlight-V100/Store-V2/psid.db"), "x");

    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems()).isEmpty();
    assertThat(report.notes())
        .containsExactly(
            "5 hidden or OS files not in the receipt were left out: .DS_Store,"
                + " .Spotlight-V100/Store-V2/psid.db, Thumbs.db, symbol=IBM/date=2013-10-11/.DS_Store,"
                + " symbol=IBM/date=2013-10-11/._part-0.parquet");

    try (io.ticklake.catalog.duckdb.DuckDbBridge duck =
            io.ticklake.catalog.duckdb.DuckDbBridge.open(null, 1, null);
        java.sql.Statement st = duck.connection().createStatement()) {
      st.execute("SET file_search_path = " + io.ticklake.catalog.duckdb.Sql.string(out.toString()));
      try (java.sql.ResultSet rs =
          st.executeQuery("SELECT count(*) FROM (" + receipt.loaders().get("duckdb") + ")")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(4);
      }
    }

    Files.writeString(day.resolve("part-1.parquet"), "not hidden");
    assertThat(new ExportVerifier(warehouse).verify(out).problems())
        .containsExactly(
            "Cannot verify symbol=IBM/date=2013-10-11/part-1.parquet: the file is not in the"
                + " receipt");
  }

  @Test
  void changedSnapshotContentIsReported() throws Exception {
    useOwnWarehouse();
    Path out = tmp.resolve("pandas");
    new ExportJob(warehouse, request(ExportProfile.PANDAS, out, null)).commit();
    // Rewrite the receipt as if it had pinned another snapshot with fewer rows of IBM/BAC.
    long other =
        ExportFixture.appendBars(
            warehouse, List.of(bar("IBM", DAY, "1m", "09:40", "185", "185", "185", "185", "1")));
    String text = Files.readString(out.resolve("receipt.json"));
    Files.writeString(
        out.resolve("receipt.json"),
        text.replace("\"snapshot_id\" : " + firstSnapshot, "\"snapshot_id\" : " + other));
    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "Cannot verify gold.bars: snapshot "
                            + other
                            + " now selects 5 rows, the receipt says 4"))
        .anySatisfy(p -> assertThat(p).contains("content digest is duckdb-v"));
  }

  @Test
  void exportAsOfAnOldSnapshotGivesTheOldContent() throws Exception {
    useOwnWarehouse();
    ExportFixture.appendBars(
        warehouse, List.of(bar("IBM", DAY, "1m", "09:40", "185", "185", "185", "185", "1")));
    Path latest = tmp.resolve("latest");
    Path old = tmp.resolve("old");
    ExportReceipt now = new ExportJob(warehouse, request(ExportProfile.R, latest, null)).commit();
    ExportReceipt then =
        new ExportJob(warehouse, request(ExportProfile.R, old, Long.toString(firstSnapshot)))
            .commit();
    assertThat(now.tables().get(0).rows()).isEqualTo(5);
    assertThat(then.tables().get(0).rows()).isEqualTo(4);
    assertThat(then.tables().get(0).snapshotId()).isEqualTo(firstSnapshot);
    assertThat(Files.readString(old.resolve("gold_bars.csv"))).doesNotContain("13:40:00");
    assertThat(Files.readString(latest.resolve("gold_bars.csv"))).contains("2013-10-11T13:40:00");
    // Both still verify: each is pinned to its own snapshot.
    assertThat(new ExportVerifier(warehouse).verify(old).problems()).isEmpty();
    assertThat(new ExportVerifier(warehouse).verify(latest).problems()).isEmpty();
  }

  /**
   * A column added to the table later (the contract appends new optional columns and {@code init}
   * adds them) does not change what the pinned snapshot selected: the export still verifies, and
   * exporting that snapshot again writes the same files.
   */
  @ParameterizedTest
  @EnumSource(
      value = ExportProfile.class,
      names = {"R", "PANDAS", "LEAN"})
  void aColumnAddedLaterLeavesAnExportOfTheSnapshotUnchanged(ExportProfile profile)
      throws Exception {
    useOwnWarehouse();
    Path before = tmp.resolve("before");
    ExportReceipt first =
        new ExportJob(warehouse, request(profile, before, Long.toString(firstSnapshot))).commit();
    warehouse
        .table("gold.bars")
        .updateSchema()
        .addColumn("added_later", org.apache.iceberg.types.Types.StringType.get())
        .commit();
    assertThat(new ExportVerifier(warehouse).verify(before).problems()).isEmpty();
    ExportReceipt again =
        new ExportJob(
                warehouse, request(profile, tmp.resolve("again"), Long.toString(firstSnapshot)))
            .commit();
    assertThat(again.files()).isEqualTo(first.files());
    assertThat(again.tables()).isEqualTo(first.tables());
  }

  /**
   * Snapshot ids are random 63-bit numbers and the receipt writes them as JSON numbers, which
   * readers holding numbers as doubles round: Debian 12's jq 1.6 prints {@code .tables[0]
   * .snapshot_id} 2542784312209215019 as 2542784312209215000 (JavaScript and R's jsonlite alike),
   * and that id given to {@code --as-of} names no snapshot. The receipt also gives it as text,
   * {@code snapshot_id_text}.
   */
  @Test
  void theSnapshotIdSurvivesAJsonReaderThatHoldsNumbersAsDoubles() throws Exception {
    Path out = tmp.resolve("ids");
    new ExportJob(warehouse, request(ExportProfile.R, out, null)).commit();
    JsonNode json = new ObjectMapper().readTree(out.resolve("receipt.json").toFile());
    List<String> asDoubleReaderSeesThem = new java.util.ArrayList<>();
    json.at("/tables/0")
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getKey().startsWith("snapshot_id")) {
                JsonNode v = f.getValue();
                asDoubleReaderSeesThem.add(
                    v.isNumber()
                        ? new java.math.BigDecimal(v.asDouble()).toPlainString()
                        : v.asText());
              }
            });
    assertThat(asDoubleReaderSeesThem).contains(Long.toString(firstSnapshot));
  }

  @Test
  void anExpiredSnapshotIsReported() throws Exception {
    useOwnWarehouse();
    Path out = tmp.resolve("old");
    new ExportJob(warehouse, request(ExportProfile.ARROW, out, null)).commit();
    ExportFixture.appendBars(
        warehouse, List.of(bar("IBM", DAY, "1m", "09:40", "185", "185", "185", "185", "1")));
    warehouse.table("gold.bars").expireSnapshots().expireSnapshotId(firstSnapshot).commit();
    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems())
        .containsExactly(
            "Cannot verify gold.bars: snapshot " + firstSnapshot + " no longer exists (expired?)");
  }

  @Test
  void aSnapshotExpiredAfterTheTableWasLoadedIsAConflictNotAnInternalError() throws Exception {
    // the soak of 2026-11-28 (run 4): `export` and `export verify` exited 1 (NotFoundException on
    // a snap-*.avro) when a concurrent expire removed the snapshot they had loaded and pinned
    // before they planned its files
    useOwnWarehouse();
    org.apache.iceberg.Table loaded = warehouse.table("gold.bars");
    org.apache.iceberg.Snapshot pinned = loaded.snapshot(firstSnapshot);
    ExportFixture.appendBars(
        warehouse, List.of(bar("IBM", DAY, "1m", "09:40", "185", "185", "185", "185", "1")));
    warehouse.table("gold.bars").expireSnapshots().expireSnapshotId(firstSnapshot).commit();

    ExportRequest request = request(ExportProfile.ARROW, tmp.resolve("never"), null);
    assertThatThrownBy(
            () ->
                ExportSource.open(
                        warehouse.tempDir(), request, loaded, java.util.Optional.of(pinned))
                    .close())
        .isInstanceOfSatisfying(
            TicklakeException.class,
            e -> assertThat(e.kind()).isEqualTo(TicklakeException.Kind.CONFLICT))
        .hasMessageStartingWith(
            "Cannot read gold.bars at snapshot "
                + firstSnapshot
                + ": it was expired while it was read");
  }

  @Test
  void aSnapshotExpiredWhileTheExportReadsItsFilesIsAConflictThatLeavesNothing() throws Exception {
    // the export lists the snapshot's files, then reads them one symbol-day at a time; a
    // concurrent commit replacing them and an `expire` deleting them in between was an internal
    // error (DuckDB's "No files found"), exit 1
    useOwnWarehouse();
    Path out = tmp.resolve("hive");
    ExportJob job = new ExportJob(warehouse, request(ExportProfile.PARQUET_PARTITIONED, out, null));
    ExportPlan plan = job.plan();
    org.apache.iceberg.Table bars = warehouse.table("gold.bars");
    List<String> planned = new java.util.ArrayList<>();
    bars.newScan().planFiles().forEach(t -> planned.add(t.file().location()));
    ExportProgress replaceAndExpire =
        (done, total) -> {
          if (done == 1) {
            bars.newDelete()
                .deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.alwaysTrue())
                .commit();
            ExportFixture.appendBars(warehouse, ExportProfilesTest.bars());
            ExportFixture.appendBars(
                warehouse,
                List.of(bar("IBM", DAY.plusDays(3), "1m", "09:40", "1", "1", "1", "1", "1")));
            bars.refresh();
            bars.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
            assertThat(planned)
                .allSatisfy(
                    f ->
                        assertThat(Path.of(io.ticklake.catalog.duckdb.PinnedScan.localPath(f)))
                            .doesNotExist());
          }
        };
    assertThatThrownBy(() -> job.commit(plan, replaceAndExpire))
        .isInstanceOfSatisfying(
            TicklakeException.class,
            e -> assertThat(e.kind()).isEqualTo(TicklakeException.Kind.CONFLICT))
        .hasMessage(
            "Cannot read gold.bars at snapshot "
                + plan.snapshotId()
                + ": it was expired while it was read; retry");
    assertThat(out).doesNotExist();
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("own");
    }
  }

  @Test
  void aSnapshotExpiredWhileVerifyReadsItsFilesIsReportedAsExpired() throws Exception {
    useOwnWarehouse();
    Path out = tmp.resolve("pinned");
    new ExportJob(warehouse, request(ExportProfile.R, out, null)).commit();
    org.apache.iceberg.Table bars = warehouse.table("gold.bars");
    Runnable replaceAndExpire =
        () -> {
          bars.refresh();
          bars.newDelete()
              .deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.alwaysTrue())
              .commit();
          ExportFixture.appendBars(warehouse, ExportProfilesTest.bars());
          bars.refresh();
          bars.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
        };
    ExportVerifier.Report report = new ExportVerifier(warehouse, replaceAndExpire).verify(out);
    assertThat(report.problems())
        .containsExactly(
            "Cannot verify gold.bars: snapshot " + firstSnapshot + " no longer exists (expired?)");
  }

  @Test
  void aDigestOfAnotherAlgorithmIsNotComparedButNoted() throws Exception {
    Path out = tmp.resolve("other-duckdb");
    ExportReceipt receipt = new ExportJob(warehouse, request(ExportProfile.R, out, null)).commit();
    String digest = receipt.tables().get(0).contentDigest();
    assertThat(digest).matches("duckdb-v[0-9.]+-row-hash-sum:[0-9]+");
    String text = Files.readString(out.resolve("receipt.json"));
    Files.writeString(
        out.resolve("receipt.json"), text.replace(digest, "duckdb-v0.9.0-row-hash-sum:12345"));
    ExportVerifier.Report report = new ExportVerifier(warehouse).verify(out);
    assertThat(report.problems()).isEmpty();
    assertThat(report.notes())
        .singleElement()
        .asString()
        .startsWith(
            "content digest of gold.bars not compared: it was made with"
                + " duckdb-v0.9.0-row-hash-sum, this build uses duckdb-v");
  }

  @Test
  void verifyOfAFolderWithoutReceiptIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    assertThatThrownBy(() -> new ExportVerifier(warehouse).verify(dir))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot verify " + dir + ": it has no receipt.json (not an export folder?)");
  }
}

package io.ticklake.gold.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad requests get a "Cannot …" error of kind INPUT and leave nothing behind. */
class ExportBadRequestTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  @TempDir static Path shared;
  static Warehouse warehouse;
  static long snapshot;

  @TempDir Path tmp;
  Path exports;

  @BeforeAll
  static void createWarehouse() {
    warehouse = ExportFixture.warehouse(shared.resolve("wh"));
    snapshot = ExportFixture.appendBars(warehouse, ExportProfilesTest.bars());
  }

  @AfterAll
  static void closeWarehouse() {
    warehouse.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    exports = Files.createDirectories(tmp.resolve("exports"));
  }

  ExportRequest request(
      ExportProfile profile,
      String table,
      List<String> symbols,
      LocalDate from,
      LocalDate to,
      Path out) {
    return new ExportRequest(
        profile,
        table,
        null,
        symbols,
        from,
        to,
        table.equals("gold.bars") ? "1m" : null,
        out,
        null);
  }

  void assertRefused(ExportRequest request, String message) throws Exception {
    assertThatThrownBy(() -> new ExportJob(warehouse, request).commit())
        .isInstanceOfSatisfying(
            TicklakeException.class,
            e -> assertThat(e.kind()).isEqualTo(TicklakeException.Kind.INPUT))
        .hasMessage(message);
    assertNothingWritten();
  }

  void assertNothingWritten() throws Exception {
    try (Stream<Path> s = Files.list(exports)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("full")).toList())
          .isEmpty();
    }
  }

  @Test
  void unknownSymbol() throws Exception {
    assertRefused(
        request(
            ExportProfile.R, "gold.bars", List.of("IBM", "XYZ"), DAY, DAY, exports.resolve("a")),
        "Cannot export: unknown symbol XYZ in gold.bars at snapshot "
            + snapshot
            + " (it has AIG, BAC, IBM)");
  }

  /**
   * Tickers are stored as the vendor spells them (upper case), and {@code dims show} takes a ticker
   * in any case, but {@code export --symbols ibm} was refused as an unknown symbol. A symbol the
   * table does not hold as given is matched ignoring case; the plan names the respelling, and the
   * receipt records the table's spelling so that verify reads the same rows.
   */
  @Test
  void aSymbolInAnotherCaseIsReadAsTheTableSpellsIt() throws Exception {
    ExportJob job =
        new ExportJob(
            warehouse,
            request(
                ExportProfile.R,
                "gold.bars",
                List.of("ibm", "Bac"),
                DAY,
                DAY,
                exports.resolve("a")));
    ExportPlan plan = job.plan();
    assertThat(plan.symbolsRespelled())
        .containsExactly(Map.entry("ibm", "IBM"), Map.entry("Bac", "BAC"));
    assertThat(plan.request().symbols()).containsExactly("IBM", "BAC");
    assertThat(plan.rows()).isEqualTo(4);
    ExportReceipt receipt = job.commit(plan);
    assertThat(receipt.request().symbols()).containsExactly("IBM", "BAC");
    assertThat(receipt.tables().get(0).rows()).isEqualTo(4);
    assertThat(new ExportVerifier(warehouse).verify(exports.resolve("a")).problems()).isEmpty();
    // "ibm" given with "IBM": one symbol
    assertThat(
            new ExportJob(
                    warehouse,
                    request(
                        ExportProfile.R,
                        "gold.bars",
                        List.of("IBM", "ibm"),
                        DAY,
                        DAY,
                        exports.resolve("b")))
                .plan()
                .request()
                .symbols())
        .containsExactly("IBM");
  }

  /** A table holding two spellings that differ only in case: the request must name one. */
  @Test
  void aSymbolMatchingTwoSpellingsIgnoringCaseIsRefused() throws Exception {
    try (Warehouse own = ExportFixture.warehouse(tmp.resolve("own"))) {
      long snap =
          ExportFixture.appendBars(
              own,
              List.of(
                  ExportFixture.bar("ABC", DAY, "1m", "09:30", "1", "1", "1", "1", "1"),
                  ExportFixture.bar("Abc", DAY, "1m", "09:30", "2", "2", "2", "2", "2")));
      ExportRequest abc =
          request(ExportProfile.R, "gold.bars", List.of("abc"), DAY, DAY, exports.resolve("a"));
      assertThatThrownBy(() -> new ExportJob(own, abc).commit())
          .isInstanceOf(TicklakeException.class)
          .hasMessage(
              "Cannot export: symbol abc is not in gold.bars as given, and ignoring case it"
                  + " matches ABC, Abc at snapshot "
                  + snap
                  + " (give one of them)");
      assertNothingWritten();
      // an exact spelling is taken as given
      assertThat(
              new ExportJob(
                      own,
                      request(
                          ExportProfile.R,
                          "gold.bars",
                          List.of("Abc"),
                          DAY,
                          DAY,
                          exports.resolve("b")))
                  .plan()
                  .rows())
          .isEqualTo(1);
    }
  }

  @Test
  void emptyRange() throws Exception {
    assertRefused(
        request(
            ExportProfile.PANDAS,
            "gold.bars",
            List.of("BAC"),
            DAY.minusDays(3),
            DAY.minusDays(1),
            exports.resolve("a")),
        "Cannot export: gold.bars (1m) has no rows for BAC from 2013-10-08 to 2013-10-10 at"
            + " snapshot "
            + snapshot
            + " (empty range)");
  }

  @Test
  void emptyTable() throws Exception {
    assertRefused(
        request(ExportProfile.R, "silver.quotes", List.of("IBM"), DAY, DAY, exports.resolve("a")),
        "Cannot export silver.quotes: the table has no data");
  }

  @Test
  void outputFolderThatExistsAndIsNotEmpty() throws Exception {
    Path full = Files.createDirectories(exports.resolve("full"));
    Files.writeString(full.resolve("mine.txt"), "keep me");
    assertRefused(
        request(ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY, full),
        "Cannot export to " + full + ": the folder exists and is not empty (choose a new folder)");
    try (Stream<Path> s = Files.list(full)) {
      assertThat(s.toList()).containsExactly(full.resolve("mine.txt"));
    }
  }

  @Test
  void outputThatIsAFile() throws Exception {
    Path file = exports.resolve("file");
    Files.writeString(file, "x");
    assertThatThrownBy(
            () ->
                new ExportJob(
                        warehouse,
                        request(ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY, file))
                    .commit())
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot export to " + file + ": it is a file, not a folder");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void anEmptyExistingFolderIsUsed() throws Exception {
    Path empty = Files.createDirectories(exports.resolve("empty"));
    new ExportJob(warehouse, request(ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY, empty))
        .commit();
    assertThat(empty.resolve("gold_bars.csv")).exists();
    assertThat(empty.resolve("receipt.json")).exists();
  }

  @Test
  void aPathEscapingTheFolder() throws Exception {
    assertRefused(
        request(
            ExportProfile.LEAN,
            "gold.bars",
            List.of("../../../../../../x"),
            DAY,
            DAY,
            exports.resolve("a")),
        "Cannot export symbol '../../../../../../x' as lean: its file path would escape the output"
            + " folder "
            + exports.resolve("a"));
    assertThatThrownBy(() -> ExportFiles.inside(exports, "/etc/passwd"))
        .hasMessage("Cannot use file path '/etc/passwd': it escapes the folder " + exports);
    assertThatThrownBy(() -> ExportFiles.inside(exports, "a/../../b"))
        .hasMessage("Cannot use file path 'a/../../b': it escapes the folder " + exports);
    assertThat(ExportFiles.inside(exports, "a/../b")).isEqualTo(exports.resolve("b"));
  }

  @Test
  void unknownProfile() {
    assertThatThrownBy(() -> ExportProfile.parse("spss"))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot export: unknown profile 'spss' (profiles: pandas, r, excel, arrow, postgres,"
                + " lean, parquet-partitioned)");
  }

  @Test
  void unknownTableFromAfterToAndIntervals() {
    assertThatThrownBy(
            () -> request(ExportProfile.R, "gold.quality", List.of("IBM"), DAY, DAY, exports))
        .hasMessage(
            "Cannot export table 'gold.quality': exportable tables are gold.bars, silver.trades,"
                + " silver.quotes");
    assertThatThrownBy(
            () ->
                request(
                    ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY.minusDays(1), exports))
        .hasMessage("Cannot export: --from 2013-10-11 is after --to 2013-10-10");
    assertThatThrownBy(
            () -> ExportFixture.request(ExportProfile.R, "gold.bars", "2m", exports, "IBM"))
        .hasMessage(
            "Cannot export gold.bars: unknown interval '2m' (intervals: 1s, 1m, 5m, 1h, 1d)");
    assertThatThrownBy(
            () -> ExportFixture.request(ExportProfile.R, "silver.trades", "1m", exports, "IBM"))
        .hasMessage("Cannot export silver.trades with --interval: only gold.bars has intervals");
    assertThatThrownBy(
            () -> ExportFixture.request(ExportProfile.LEAN, "gold.bars", "5m", exports, "IBM"))
        .hasMessage(
            "Cannot export gold.bars at 5m as lean: the lean profile writes gold.bars at 1m (minute)"
                + " or 1s (second) only");
    assertThatThrownBy(() -> request(ExportProfile.R, "gold.bars", List.of(" "), DAY, DAY, exports))
        .hasMessage("Cannot export: a symbol is empty");
  }

  @Test
  void unknownAsOf() throws Exception {
    assertRefused(
        new ExportRequest(
            ExportProfile.R,
            "gold.bars",
            null,
            List.of("IBM"),
            DAY,
            DAY,
            "1m",
            exports.resolve("a"),
            "12345"),
        "Cannot find snapshot 12345 in table gold.bars: it was expired (`ticklake expire`; tags"
            + " keep theirs) or never was one of its snapshots; `ticklake snapshots` lists those"
            + " kept");
  }

  /**
   * In a container every run of the CLI gets the same process id (often 1), so the folder a killed
   * export left carries the id of the next export itself. That process was taken for the running
   * owner and the folder was kept, run after run; only an export in progress in this process is one
   * to keep.
   */
  @Test
  void aFolderLeftUnderThisProcessIdIsRemovedUnlessItsExportIsRunning() throws Exception {
    Path out = exports.resolve("bars");
    long pid = ProcessHandle.current().pid();
    Path left = Files.createDirectories(exports.resolve(".bars.export-" + pid + "-killed"));
    Files.writeString(left.resolve("gold_bars.csv"), "partial");
    Path otherName = Files.createDirectories(exports.resolve(".other.export-" + pid + "-x"));

    assertThat(ExportJob.removeInterrupted(out)).containsExactly(left);
    assertThat(left).doesNotExist();
    assertThat(otherName).exists();

    new ExportJob(warehouse, request(ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY, out))
        .commit(
            new ExportJob(
                    warehouse, request(ExportProfile.R, "gold.bars", List.of("IBM"), DAY, DAY, out))
                .plan(),
            (done, total) -> {
              // while this export writes, its own work folder is kept
              assertThat(ExportJob.removeInterrupted(out)).isEmpty();
            });
    assertThat(out.resolve("receipt.json")).exists();
  }

  @Test
  void aFailureWhileWritingLeavesNothing() throws Exception {
    // Lean refuses a price with 5 decimals half-way through writing: no folder, no temp folder.
    try (Warehouse own = ExportFixture.warehouse(tmp.resolve("own"))) {
      ExportFixture.appendBars(own, ExportProfilesTest.bars());
      ExportFixture.appendBars(
          own,
          List.of(ExportFixture.bar("ZZZ", DAY, "1m", "09:30", "1.00001", "1", "1", "1", "1")));
      assertFailureLeavesNothing(own);
    }
  }

  void assertFailureLeavesNothing(Warehouse own) throws Exception {
    assertThatThrownBy(
            () ->
                new ExportJob(
                        own,
                        request(
                            ExportProfile.LEAN,
                            "gold.bars",
                            List.of("IBM", "ZZZ"),
                            DAY,
                            DAY,
                            exports.resolve("a")))
                    .commit())
        .hasMessageContaining("Cannot export ZZZ bar 2013-10-11T13:30:00Z as lean");
    assertNothingWritten();
  }
}

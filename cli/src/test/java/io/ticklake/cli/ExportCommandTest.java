package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.export.ExportFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake export} and {@code export verify} run in-process against a real warehouse. */
class ExportCommandTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  @TempDir static Path dir;
  static long snapshot;

  @TempDir Path out;

  static CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @BeforeAll
  static void bars() {
    try (Warehouse w = ExportFixture.warehouse(dir.resolve("wh"))) {
      snapshot =
          ExportFixture.appendBars(
              w,
              List.of(
                  ExportFixture.bar(
                      "IBM", DAY, "1m", "09:30", "184.77", "184.9", "184.7", "184.85", "1200"),
                  ExportFixture.bar(
                      "IBM", DAY, "1m", "09:31", "184.85", "184.99", "184.8", "184.9", "300"),
                  ExportFixture.bar(
                      "BAC", DAY, "1m", "09:30", "14.5", "14.52", "14.49", "14.51", "25000"),
                  // a symbol the table knows, with no bar on DAY
                  ExportFixture.bar(
                      "AIG",
                      DAY.minusDays(1),
                      "1m",
                      "09:30",
                      "48.5",
                      "48.5",
                      "48.5",
                      "48.5",
                      "100")));
    }
  }

  /** {@code export --profile r} with the given table, symbols and dates. */
  static CliRun runR(Path target, String table, String symbols, String from, String to) {
    return run(
        "export",
        "--profile",
        "r",
        "--table",
        table,
        "--symbols",
        symbols,
        "--from",
        from,
        "--to",
        to,
        "--out",
        target.toString());
  }

  String[] export(Path target, String profile, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "export",
                "--profile",
                profile,
                "--table",
                "gold.bars",
                "--symbols",
                "IBM,BAC",
                "--from",
                "2013-10-11",
                "--to",
                "2013-10-11",
                "--out",
                target.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aRequestedSymbolWithoutRowsInTheRangeIsNamedNotSilentlyLeftOut() throws Exception {
    Path target = out.resolve("some");
    CliRun r = runR(target, "gold.bars", "IBM,AIG", "2013-10-11", "2013-10-11");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Exported 2 rows");
    assertThat(r.err())
        .contains(
            "Note: no rows for AIG from 2013-10-11 to 2013-10-11; the export holds the other"
                + " symbols");
    // a symbol with rows is not named
    assertThat(runR(out.resolve("all"), "gold.bars", "IBM,BAC", "2013-10-11", "2013-10-11").err())
        .doesNotContain("Note: no rows");
  }

  /** Tickers are upper case: --symbols ibm exports IBM and says so, instead of "unknown symbol". */
  @Test
  void aLowerCaseSymbolExportsTheTablesSpelling() throws Exception {
    Path target = out.resolve("lower");
    CliRun r = runR(target, "gold.bars", "ibm", "2013-10-11", "2013-10-11");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Exported 2 rows");
    assertThat(r.err()).contains("Note: symbol ibm is exported as IBM, the table's spelling");
    assertThat(run("export", "verify", target.toString()).code()).isZero();
  }

  @Test
  void exportThenVerify() throws Exception {
    Path target = out.resolve("bars");
    CliRun r = run(export(target, "pandas"));
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Exported 3 rows of gold.bars (1m) at snapshot " + snapshot)
        .contains("as pandas to " + target)
        .contains("gold_bars.parquet")
        .contains("ticklake export verify " + target);
    CliRun v = run("export", "verify", target.toString());
    assertThat(v.err()).isEmpty();
    assertThat(v.out())
        .isEqualTo(
            "OK: 1 file and 3 rows in "
                + target
                + " match the receipt and snapshot "
                + snapshot
                + " of gold.bars\n");
    assertThat(v.code()).isZero();
  }

  /**
   * The verify command the export suggests runs when pasted, also for a folder with a space: it
   * printed {@code ticklake export verify /tmp/x/my bars}, which the shell splits into two
   * arguments ("export verify takes one folder").
   */
  @Test
  void theSuggestedVerifyCommandQuotesAFolderWithSpaces() throws Exception {
    Path target = out.resolve("my bars é");
    CliRun r = run(export(target, "r"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("check it with: ticklake export verify '" + target + "'\n");
  }

  @Test
  void jsonPrintsTheReceipt() throws Exception {
    Path target = out.resolve("arrow");
    CliRun r = run(export(target, "arrow", "--json", "--as-of", Long.toString(snapshot)));
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("\"format\" : \"ticklake-export-receipt/1\"")
        .contains("\"snapshot_id\" : " + snapshot)
        .contains("\"path\" : \"gold_bars.arrow\"")
        .contains("\"as_of\" : \"" + snapshot + "\"");
    assertThat(r.out()).isEqualTo(Files.readString(target.resolve("receipt.json")));
  }

  /** An export copied to a Mac gets Finder's .DS_Store: verify passes and names it in a note. */
  @Test
  void verifyPassesWithFindersDsStoreAndNotesIt() throws Exception {
    Path target = out.resolve("copied");
    assertThat(run(export(target, "r")).code()).isZero();
    Files.writeString(target.resolve(".DS_Store"), "Bud1");
    CliRun v = run("export", "verify", target.toString());
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(v.out())
        .startsWith("OK: 1 file and 3 rows in " + target)
        .endsWith("note: 1 hidden or OS file not in the receipt was left out: .DS_Store\n");
  }

  @Test
  void verifyOfATamperedExportExitsSixNamingTheFile() throws Exception {
    Path target = out.resolve("csv");
    assertThat(run(export(target, "r")).code()).isZero();
    Files.writeString(target.resolve("gold_bars.csv"), "x", StandardOpenOption.APPEND);
    CliRun v = run("export", "verify", target.toString());
    assertThat(v.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(v.err())
        .contains("ticklake: Cannot verify gold_bars.csv: sha256 is ")
        .contains("ticklake: Cannot verify " + target + ": ");
    CliRun j = run("export", "verify", target.toString(), "--json");
    assertThat(j.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(j.out()).contains("\"ok\" : false").contains("Cannot verify gold_bars.csv");
  }

  @Test
  void badRequestsExitWithClearErrorsAndWriteNothing() throws Exception {
    Path target = out.resolve("x");
    CliRun profile = run(export(target, "spss"));
    assertThat(profile.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(profile.err())
        .isEqualTo(
            "ticklake: Cannot export: unknown profile 'spss' (profiles: pandas, r, excel, arrow,"
                + " postgres, lean, parquet-partitioned)\n");
    CliRun symbol = run(export(target, "r", "--exchange", "us-equity"));
    assertThat(symbol.code()).isZero(); // sanity: the same request with a good profile works
    CliRun again = run(export(target, "r"));
    assertThat(again.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(again.err())
        .isEqualTo(
            "ticklake: Cannot export to "
                + target
                + ": the folder exists and is not empty (choose a new folder)\n");
    Path other = out.resolve("y");
    CliRun unknown = runR(other, "gold.bars", "IBM,NOPE", "2013-10-11", "2013-10-11");
    assertThat(unknown.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(unknown.err())
        .startsWith("ticklake: Cannot export: unknown symbol NOPE in gold.bars");
    CliRun order = runR(other, "gold.bars", "IBM", "2013-10-12", "2013-10-11");
    assertThat(order.code()).isEqualTo(ExitCodes.USAGE); // as for compact and bars
    assertThat(order.err())
        .startsWith("ticklake: Cannot export: --from 2013-10-12 is after --to 2013-10-11\n");
    CliRun notADate = runR(other, "gold.bars", "IBM", "2013-10-1x", "2013-10-11");
    assertThat(notADate.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(notADate.err()).contains("--from '2013-10-1x' is not a date (yyyy-mm-dd)");
    CliRun table = runR(other, "gold.nope", "IBM", "2013-10-11", "2013-10-11");
    assertThat(table.err())
        .isEqualTo(
            "ticklake: Cannot export table 'gold.nope': exportable tables are gold.bars,"
                + " silver.trades, silver.quotes\n");
    CliRun exchange = run(export(other, "r", "--exchange", "nyse"));
    assertThat(exchange.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(exchange.err())
        .startsWith("ticklake: Cannot export exchange nyse: it is not in ref.exchange (known: ");
    CliRun missing = run("export", "--profile", "r", "--table", "gold.bars");
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err())
        .contains(
            "Missing required options: '--symbols=A,B', '--from=DATE', '--to=DATE', '--out=DIR'");
    CliRun oneMissing =
        run(
            "export",
            "--profile",
            "r",
            "--table",
            "gold.bars",
            "--symbols",
            "IBM",
            "--from",
            "2013-10-07",
            "--to",
            "2013-10-07");
    assertThat(oneMissing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(oneMissing.err()).contains("Missing required option: '--out=DIR'");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("x");
    }
  }

  @Test
  void verifyWithoutAWarehouseUsesTheOneTheReceiptNames() throws Exception {
    Path target = out.resolve("named");
    assertThat(run(export(target, "r")).code()).isZero();
    Path wh = dir.resolve("wh").toAbsolutePath().normalize();

    CliRun v = CliRun.run(Map.of(), "export", "verify", target.toString());
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("OK: 1 file and 3 rows in " + target);
    assertThat(v.err())
        .isEqualTo(
            "ticklake: note: verifying against the warehouse the receipt names, "
                + wh
                + " (give --warehouse DIR for another)\n");

    // a warehouse given by option or environment wins, silently
    CliRun given =
        CliRun.run(Map.of(), "--warehouse", wh.toString(), "export", "verify", target.toString());
    assertThat(given.code()).isZero();
    assertThat(given.err()).isEmpty();

    // the warehouse the receipt names is gone: a clear error, and nothing is created
    Path gone = dir.resolve("moved-away");
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode receipt =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.readTree(target.resolve("receipt.json").toFile());
    receipt.put("warehouse", gone.toString());
    Files.writeString(target.resolve("receipt.json"), mapper.writeValueAsString(receipt));
    CliRun missing = CliRun.run(Map.of(), "export", "verify", target.toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(missing.err())
        .isEqualTo(
            "ticklake: Cannot verify "
                + target
                + ": the warehouse its receipt names, "
                + gone
                + ", does not exist; give --warehouse DIR or set TICKLAKE_WAREHOUSE\n");
    assertThat(gone).doesNotExist();
    assertThat(run("export", "verify", target.toString()).code()).isZero();

    // a mistyped --warehouse is refused the same way, and not created
    Path typo = dir.resolve("wh-typo");
    CliRun mistyped =
        CliRun.run(Map.of(), "--warehouse", typo.toString(), "export", "verify", target.toString());
    assertThat(mistyped.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(mistyped.err()).startsWith("ticklake: Cannot open warehouse " + typo);
    assertThat(typo).doesNotExist();
  }

  @Test
  void helpDescribesProfilesAndVerify() {
    CliRun h = run("export", "--help");
    assertThat(h.code()).isZero();
    assertThat(h.out()).contains("parquet-partitioned").contains("verify").contains("--as-of");
    // the options every export needs are shown as required, not in brackets as optional
    String usage = h.out().substring(h.out().indexOf("Usage:"), h.out().indexOf("verify"));
    assertThat(usage)
        .contains("--profile=P --table=T --symbols=A,B --from=DATE --to=DATE")
        .contains("--out=DIR")
        .doesNotContain("[--profile")
        .doesNotContain("[--out");
    assertThat(h.out()).contains("Folder to create; it must not exist or must be empty. Required.");
  }

  /**
   * An --out that is, or lies under, a link to nothing (a mount point gone, a moved folder) is bad
   * input named as such: it was exit 1 with only the path of the hidden work folder or of the link
   * ({@code Cannot export to X: X/.. }), no reason.
   */
  @Test
  void anOutFolderBehindABrokenLinkIsBadInputThatSaysSo() throws Exception {
    Path gone = out.resolve("gone");
    Path link = Files.createSymbolicLink(out.resolve("link"), gone);

    CliRun at = runR(link, "gold.bars", "IBM", "2013-10-11", "2013-10-11");
    assertThat(at.code()).as(at.err()).isEqualTo(ExitCodes.INPUT);
    assertThat(at.err())
        .isEqualTo(
            "ticklake: Cannot export to "
                + link
                + ": it is a link to "
                + gone
                + ", which does not exist (choose another folder)\n");

    Path under = link.resolve("ibm");
    CliRun below = runR(under, "gold.bars", "IBM", "2013-10-11", "2013-10-11");
    assertThat(below.code()).as(below.err()).isEqualTo(ExitCodes.INPUT);
    assertThat(below.err())
        .isEqualTo(
            "ticklake: Cannot export to "
                + under
                + ": "
                + link
                + " is a link to "
                + gone
                + ", which does not exist (choose another folder)\n");
    assertThat(gone).doesNotExist();
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left).containsExactly(link);
    }
  }
}

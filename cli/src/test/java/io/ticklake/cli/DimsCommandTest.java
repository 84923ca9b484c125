package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.dim.SymbolIds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake dims} run in-process against a real warehouse. */
class DimsCommandTest {
  private static final long BAC = SymbolIds.derive("us-equity", "lean:NB:19980102");

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @BeforeEach
  void init() {
    assertThat(run("init").code()).isZero();
  }

  @Test
  void loadingTheBundledSymbolsTwiceChangesNothingTheSecondTime() {
    CliRun first = run("dims", "load-symbols");
    assertThat(first.err()).isEmpty();
    assertThat(first.code()).isZero();
    assertThat(first.out())
        .contains("ref.dim_symbol 12 instruments: 12 new, 0 changed, 0 unchanged")
        .contains("versions       15 added, 0 removed")
        .contains("Committed version ");
    CliRun second = run("dims", "load-symbols", "--json");
    assertThat(second.code()).isZero();
    assertThat(second.out())
        .contains("\"instruments\" : 12", "\"unchanged\" : 12", "\"rows_added\" : 0")
        .contains("\"dry_run\" : false");
    CliRun dry = run("dims", "load-symbols", "--dry-run");
    assertThat(dry.out()).contains("Nothing to do: ref.dim_symbol is up to date");
  }

  @Test
  void showIsPointInTimeAcrossARename() {
    assertThat(run("dims", "load-symbols").code()).isZero();
    CliRun nb = run("dims", "show", "NB", "--as-of", "1998-09-30");
    assertThat(nb.err()).isEmpty();
    assertThat(nb.out())
        .contains("symbol_id        " + BAC)
        .contains("ticker           NB")
        .contains("canonical_id     lean:NB:19980102")
        .contains("valid_until      1998-10-01T04:00:00Z")
        .contains("is_current       false");
    CliRun bac = run("dims", "show", "bac", "--exchange", "us-equity", "--as-of", "1998-10-01");
    assertThat(bac.out())
        .contains("symbol_id        " + BAC)
        .contains("ticker           BAC")
        .contains("valid_from       1998-10-01T04:00:00Z")
        .contains("is_current       true")
        .contains("tick_size        0.01");
    CliRun before = run("dims", "show", "BAC", "--as-of", "1998-09-30");
    assertThat(before.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(before.err())
        .isEqualTo(
            "ticklake: Cannot find a version of BAC valid at 1998-09-30 (us-equity at"
                + " 1998-09-30T04:00:00Z); see 'ticklake dims history BAC'\n");
  }

  @Test
  void googMeansAnotherInstrumentAfterApril2014() {
    assertThat(run("dims", "load-symbols").code()).isZero();
    CliRun old = run("dims", "show", "GOOG", "--as-of", "2014-04-02", "--json");
    assertThat(old.out()).contains("\"canonical_id\" : \"lean:GOOG:20040819\"");
    CliRun fresh = run("dims", "show", "GOOG", "--as-of", "2014-04-03T13:30:00Z", "--json");
    assertThat(fresh.out()).contains("\"canonical_id\" : \"lean:GOOCV:20140327\"");
    CliRun history = run("dims", "history", "goog");
    assertThat(history.code()).isZero();
    assertThat(history.out())
        .contains("lean:GOOCV:20140327", "GOOCV", "lean:GOOG:20040819", "GOOGL")
        .contains("(4 rows)");
  }

  @Test
  void aliasesAreFoundOnEveryExchangeThatHasThem() {
    assertThat(run("dims", "load-symbols").code()).isZero();
    CliRun r = run("dims", "show", "btc/usdt", "--json");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("\"exchange\" : \"binance\"", "\"exchange\" : \"binance-futures\"")
        .contains("\"symbol_id\" : " + SymbolIds.derive("binance-futures", "BTCUSDT"))
        .contains("\"aliases\" : [ \"BTC-USDT\", \"BTC/USDT\", \"BTC/USDT:USDT\" ]");
  }

  @Test
  void aDryRunRefusesWhatTheLoadWouldRefuse() throws Exception {
    // BTCUSDT's alias ETHUSDT is ETHUSDT's own ticker: two instruments claim one key at once
    Path clash =
        Files.writeString(
            dir.resolve("clash.csv"),
            "exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases\n"
                + "binance,BTCUSDT,BTC,USDT,0.01,0.00001,1,ETHUSDT\n"
                + "binance,ETHUSDT,ETH,USDT,0.01,0.0001,1,\n");
    CliRun load = run("dims", "load-symbols", "--crypto-csv", clash.toString());
    assertThat(load.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(load.err()).contains("key ETHUSDT on binance names two instruments");

    CliRun dry = run("dims", "load-symbols", "--crypto-csv", clash.toString(), "--dry-run");
    assertThat(dry.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(dry.out()).doesNotContain("would be added");
    assertThat(dry.err()).isEqualTo(load.err());
  }

  @Test
  void errorsNameTheFileLineFieldOrSymbol() throws Exception {
    CliRun empty = run("dims", "show", "IBM");
    assertThat(empty.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(empty.err())
        .isEqualTo(
            "ticklake: Cannot find symbol IBM: ref.dim_symbol is empty (run 'ticklake dims"
                + " load-symbols')\n");

    Path missing = dir.resolve("nope");
    CliRun noDir = run("dims", "load-symbols", "--lean-map-files", missing.toString());
    assertThat(noDir.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(noDir.err())
        .isEqualTo(
            "ticklake: Cannot read Lean map files in " + missing + ": no such file or directory\n");

    Path maps = Files.createDirectories(dir.resolve("maps"));
    Files.writeString(maps.resolve("ibm.csv"), "19980102,ibm,N\n2050123,ibm,N\n");
    CliRun bad = run("dims", "load-symbols", "--lean-map-files", maps.toString());
    assertThat(bad.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(bad.err())
        .isEqualTo(
            "ticklake: Cannot load Lean map file "
                + maps.resolve("ibm.csv")
                + " line 2: field date '2050123' is not a date in yyyymmdd form\n");

    Path crypto =
        Files.writeString(
            dir.resolve("c.csv"),
            "exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases\n"
                + "binance,BTCUSDT,BTC,USDT,0.0000000001,,,\n");
    CliRun badCrypto = run("dims", "load-symbols", "--crypto-csv", crypto.toString());
    assertThat(badCrypto.err())
        .isEqualTo(
            "ticklake: Cannot load crypto symbols "
                + crypto
                + " line 2: field tick_size: tick"
                + " size 0.0000000001 has more than 9 decimal places\n");
    Path typo =
        Files.writeString(
            dir.resolve("typo.csv"),
            "exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases\n"
                + "binance-futurez,BTCUSDT,BTC,USDT,0.1,0.001,,\n");
    CliRun unknownExchange = run("dims", "load-symbols", "--crypto-csv", typo.toString());
    assertThat(unknownExchange.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(unknownExchange.err())
        .startsWith("ticklake: Cannot load symbol ")
        .contains("exchange binance-futurez is not in ref.exchange (known: ")
        .contains("binance-futures");
    Path props = dir.resolve("props.csv");
    CliRun noProps = run("dims", "load-symbols", "--lean-symbol-properties", props.toString());
    assertThat(noProps.err())
        .isEqualTo("ticklake: Cannot read Lean symbol properties " + props + ": no such file\n");

    assertThat(run("dims", "load-symbols").code()).isZero();
    CliRun unknown = run("dims", "history", "NOPE", "--exchange", "us-equity");
    assertThat(unknown.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(unknown.err())
        .startsWith("ticklake: Cannot find symbol NOPE on us-equity in ref.dim_symbol version ");
    CliRun badTime = run("dims", "show", "IBM", "--as-of", "yesterday");
    assertThat(badTime.err())
        .isEqualTo(
            "ticklake: Cannot use --as-of 'yesterday': expected a date (2014-04-03) or an"
                + " ISO-8601 time with a zone (2014-04-03T14:30:00Z)\n");
    CliRun help = run("dims", "--help");
    assertThat(help.out()).contains("load-symbols", "show", "history");
  }

  @Test
  void dimsWithoutASubcommandIsAUsageErrorLikeTicklakeWithoutACommand() {
    CliRun r = run("dims");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Usage: ticklake dims", "load-symbols", "show", "history");
  }
}

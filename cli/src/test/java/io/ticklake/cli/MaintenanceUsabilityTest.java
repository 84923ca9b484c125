package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and edge values of the maintenance commands, found by a usability review. */
class MaintenanceUsabilityTest {
  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @BeforeEach
  void init() {
    assertThat(run("init").code()).isZero();
  }

  @Test
  void aSpikeThresholdTheCompactorCannotUseIsRefusedAndNothingIsStored() throws Exception {
    // 1e28 % overflowed DuckDB's DECIMAL(38) in every later compaction ("Cannot validate in
    // DuckDB: Out of Range Error"), 1e400 % could not even be converted; rules set stored both
    Path trades = dir.resolve("t.csv");
    Files.writeString(
        trades,
        "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
            + "binance-futures,BTCUSDT,1582329602111000,1582329602418379,1,buy,9682,0.132\n");
    assertThat(run("ingest", "--vendor", "tardis", trades.toString()).code()).isZero();
    for (String p : new String[] {"1e28", "1e400", "1000000.5", "0.0000000001"}) {
      CliRun r = run("rules", "set", "--table", "trades", "--spike-percent", p);
      assertThat(r.code()).as(p + ": " + r.out() + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("--spike-percent").doesNotContain("java.", "Exception");
    }
    assertThat(run("rules", "--table", "trades").out()).contains("more than 10% from the median");
    CliRun ok = run("rules", "set", "--table", "trades", "--spike-percent", "1000000");
    assertThat(ok.code()).as(ok.err()).isZero();
    CliRun compact = run("compact", "--table", "trades");
    assertThat(compact.code()).as(compact.err()).isZero();
    assertThat(compact.out()).contains("1 in, 0 duplicates, 0 quarantined, 0 flagged, 1 out");
    // a tolerance beyond a day admits nothing more; far larger ones overflowed every compaction
    for (String t : new String[] {"25h", "2d", "999999999d"}) {
      CliRun r = run("rules", "set", "--table", "trades", "--session-tolerance", t);
      assertThat(r.code()).as(t + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("give at most 1 day").doesNotContain("Exception");
    }
    assertThat(run("rules", "set", "--table", "trades", "--session-tolerance", "24h").code())
        .isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
  }

  @Test
  void aSpikePercentThatIsNoNumberNamesNoJavaClass() {
    CliRun r = run("rules", "set", "--spike-percent", "abc");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains("Cannot use --spike-percent 'abc'")
        .doesNotContain("BigDecimal", "java.", "Exception");
  }

  @Test
  void spikeWindowErrorsNameTheOption() {
    CliRun window = run("rules", "set", "--spike-window", "0");
    assertThat(window.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(window.err()).contains("--spike-window");
    CliRun points = run("rules", "set", "--spike-min-points", "0");
    assertThat(points.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(points.err()).contains("--spike-min-points");
    CliRun unknown = run("rules", "set", "--disable", "nope");
    assertThat(unknown.err()).contains("Cannot change rule nope: no Silver table has that rule;");
  }

  @Test
  void anEmptyTableNameIsAnUnknownTableNotAnInternalError() {
    for (String[] args :
        new String[][] {
          {"snapshots", ""}, {"snapshots", "silver."}, {"expire", ""}, {"orphans", "."}
        }) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.INPUT);
      assertThat(r.err())
          .contains("Cannot find table")
          .doesNotContain("internal error", "IllegalArgumentException");
    }
  }

  @Test
  void expireOlderThanMoreThanTheEpochExpiresNothing() {
    CliRun r = run("expire", "--older-than", "99999999999999d", "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("internal error");
    assertThat(r.out()).contains("Would expire 0 snapshots");
  }

  @Test
  void orphansOlderThanAHugeNumberOfMinutesListsNothingRatherThanEverything() throws Exception {
    // minutes × 60,000 overflowed: the cutoff wrapped into the future and a file written a moment
    // ago (a running job's) was listed, and with --delete removed
    Path fresh = dir.resolve("wh/gold/bars/data/fresh.parquet");
    Files.createDirectories(fresh.getParent());
    Files.writeString(fresh, "x");
    assertThat(run("orphans", "gold.bars", "--older-than", "0").out()).contains("fresh.parquet");
    for (String m : new String[] {"9223372036854775807", "200000000000000"}) {
      CliRun r = run("orphans", "gold.bars", "--older-than", m, "--delete");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).as(m).doesNotContain("fresh.parquet");
    }
    assertThat(fresh).exists();
  }

  @Test
  void quarantineFindsRowsOfAnUnknownExchangeSpelledInCapitals() throws Exception {
    Path file = dir.resolve("fooex_trades.csv");
    Files.writeString(
        file,
        "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"
            + "FooEx,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132\n");
    assertThat(run("ingest", "--vendor", "tardis", file.toString()).code()).isZero();
    assertThat(run("quarantine", "--format", "csv").out())
        .contains(",unknown_exchange,error,FooEx,");
    for (String ex : new String[] {"FooEx", "fooex"}) {
      CliRun r = run("quarantine", "--exchange", ex, "--format", "csv");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out().lines().skip(1)).as(ex).hasSize(1);
    }
  }

  @Test
  void quarantineRefusesAnExchangeItHasNeverHeardOf() {
    CliRun typo = run("quarantine", "--exchange", "us-equty");
    assertThat(typo.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(typo.err())
        .contains("Invalid value for option '--exchange': us-equty;")
        .contains("binance-futures", "us-equity");
    // a known exchange without quarantined rows is an empty answer, not an error
    CliRun known = run("quarantine", "--exchange", "us-equity", "--format", "csv");
    assertThat(known.code()).as(known.err()).isZero();
  }

  @Test
  void aTableNamedTwiceIsListedOnce() {
    CliRun expire = run("expire", "silver.trades", "silver.trades", "--dry-run");
    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(expire.out().lines().filter(l -> l.startsWith("silver.trades"))).hasSize(1);
    CliRun orphans = run("orphans", "silver.trades", "silver.trades", "--older-than", "0");
    assertThat(orphans.code()).as(orphans.err()).isZero();
    assertThat(orphans.out()).contains("0 orphaned files, 0 bytes");
  }

  @Test
  void ticklakesTablesAreNamedInAnyCase() {
    CliRun snapshots = run("snapshots", "SILVER.Trades");
    assertThat(snapshots.code()).as(snapshots.err()).isZero();
    CliRun expire = run("expire", "Silver.Trades", "silver.trades", "--dry-run");
    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(expire.out().lines().filter(l -> l.startsWith("silver.trades"))).hasSize(1);
  }

  @Test
  void orphansOlderThanThatIsNoNumberOfMinutesNamesTheOptionAndWhatItTakes() {
    // picocli said "'7d' is not a long": neither the unit (minutes) nor what to give instead
    for (String m : new String[] {"abc", "1.5", "", "7 days", "-2h"}) {
      CliRun r = run("orphans", "--older-than", m);
      assertThat(r.code()).as(m + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err())
          .as(m)
          .contains(
              "Cannot use --older-than '"
                  + m
                  + "': give a duration such as 7d, 12h, 30m or PT1H, or a whole number of"
                  + " minutes")
          .doesNotContain("not a long", "Exception");
    }
    // a duration with a unit, as 'expire' takes it, or minutes; a number past the epoch lists
    // nothing rather than failing
    for (String m :
        new String[] {"7d", "12h", "PT1H", "90", "0", "99999999999999999999", "99999999999999d"}) {
      CliRun r = run("orphans", "--older-than", m);
      assertThat(r.code()).as(m + ": " + r.err()).isZero();
    }
    assertThat(run("orphans", "--older-than", "-5").err()).contains("modified in the future");
  }

  @Test
  void aBadDurationNamesTheOptionAndEveryUnit() {
    // the message listed 5s, 500ms, 2m or PT1H: an expire user did not learn that 7d works
    for (String[] args :
        new String[][] {
          {"expire", "--older-than", "abc"},
          {"expire", "--older-than", "7 days"},
          {"writer", "--flush-interval", "abc"},
          {"simulate", "--duration", "abc"}
        }) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err())
          .contains("Cannot use " + args[1] + " '" + args[2] + "': give a positive duration")
          .contains("(ms, s, m, h or d), e.g. 7d, 12h, 30m, 5s, 500ms, or ISO-8601 such as PT1H")
          .doesNotContain("Exception");
    }
  }

  @Test
  void integerOptionsThatAreNoNumberArePicocliUsageErrors() {
    for (String[] args :
        new String[][] {
          {"quarantine", "--limit", "x"},
          {"expire", "--retain-last", "x"},
          {"compact", "--threads", "x"},
          {"ingest", "--parallel", "x"},
          {"writer", "--flush-events", "x"},
          {"writer", "--batch", "x"},
          {"rules", "set", "--spike-window", "x"},
          {"quality", "--max-charts", "x"},
          {"quality", "--gap-floor-seconds", "x"}
        }) {
      CliRun r = run(args);
      String option = args[args.length - 2];
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err())
          .contains("Invalid value for option '" + option + "': 'x' is not a")
          .doesNotContain("internal error", "Exception");
    }
  }

  @Test
  void qualityGapOptionsNameTheOptionAndAnUnreachableGapFloorIsNoInternalError() throws Exception {
    for (String[] args :
        new String[][] {
          {"--gap-floor-seconds", "-5", "Cannot use --gap-floor-seconds -5: give 1 or more"},
          {"--gap-multiple", "0", "Cannot use --gap-multiple 0: give 1 or more"},
          {"--max-charts", "-1", "Cannot use --max-charts -1: give 0 or more"}
        }) {
      CliRun r = run("quality", args[0], args[1]);
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains(args[2]).doesNotContain("PT-5S");
    }
    // a floor of more seconds than a long holds in microseconds overflowed: "internal error:
    // ArithmeticException: long overflow"; no pause reaches it, so there is no gap
    Path trades = TardisTradeFiles.write(dir, "t.csv", java.time.LocalDate.of(2020, 2, 20), 0);
    assertThat(run("ingest", "--vendor", "tardis", trades.toString()).code()).isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
    for (String floor : new String[] {"9223372036854775807", "9223372036855"}) {
      CliRun r = run("quality", "--all", "--json", "--gap-floor-seconds", floor);
      assertThat(r.code()).as(floor + ": " + r.err()).isZero();
      assertThat(r.out()).contains("\"gap_count\" : 0");
    }
  }

  @Test
  void anEmptyExchangeTableOrSymbolIsAUsageErrorNamingTheOption() throws Exception {
    // '' was looked up as a name: "Cannot compact exchange : it is not in ref.exchange" (exit 6),
    // quality --symbol '' built quality first, quarantine said "Invalid value for option
    // '--exchange': ; exchanges are ..."
    Path file = dir.resolve("t.csv");
    Files.writeString(file, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
    String exchange = ": give an exchange, e.g. us-equity";
    String[] export = {
      "export",
      "--profile",
      "pandas",
      "--from",
      "2013-10-07",
      "--to",
      "2013-10-11",
      "--out",
      dir.resolve("out").toString()
    };
    Object[][] cases = {
      {new String[] {"compact", "--exchange", ""}, "Cannot use --exchange ''" + exchange},
      {new String[] {"compact", "--exchange", " "}, "Cannot use --exchange ' '" + exchange},
      {new String[] {"compact", "--table", ""}, "Cannot use --table '': give trades or quotes"},
      {new String[] {"bars", "--exchange", ""}, "Cannot use --exchange ''" + exchange},
      {new String[] {"quality", "--exchange", ""}, "Cannot use --exchange ''" + exchange},
      {new String[] {"quality", "--symbol", ""}, "Cannot use --symbol '': give a symbol, e.g. IBM"},
      {new String[] {"quarantine", "--exchange", ""}, "Cannot use --exchange ''" + exchange},
      {new String[] {"quarantine", "--table", ""}, "Cannot use --table '': give one of"},
      {new String[] {"quarantine", "--stage", ""}, "Cannot use --stage '': give one of"},
      {new String[] {"quarantine", "--severity", " "}, "Cannot use --severity ' ': give error"},
      {new String[] {"quarantine", "--rule", ""}, "Cannot use --rule '': give a rule name"},
      {new String[] {"rules", "--table", ""}, "Cannot use --table '': give trades or quotes"},
      {
        new String[] {"rules", "set", "--table", "", "--spike-window", "10"},
        "Cannot use --table '': give trades or quotes"
      },
      {
        new String[] {"ingest", "--vendor", "lean", "--exchange", "", file.toString()},
        "Cannot use --exchange ''" + exchange
      },
      {
        new String[] {"dims", "show", "IBM", "--exchange", ""},
        "Cannot use --exchange ''" + exchange
      },
      {new String[] {"dims", "history", ""}, "Cannot use TICKER '': give a ticker or alias"},
      {
        concat(export, "--table", "", "--symbols", "IBM"),
        "Cannot use --table '': give gold.bars, silver.trades or silver.quotes"
      },
      {
        concat(export, "--table", "gold.bars", "--symbols", ",IBM"),
        "Cannot use --symbols ',IBM': give comma-separated symbols"
      },
      {
        concat(export, "--table", "gold.bars", "--symbols", "IBM", "--exchange", ""),
        "Cannot use --exchange ''" + exchange
      },
    };
    for (Object[] c : cases) {
      String[] args = (String[]) c[0];
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("ticklake: " + c[1]);
    }
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}

package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContract;
import io.ticklake.catalog.contract.TableContracts;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake compact} and {@code ticklake quarantine} in-process on a real warehouse. */
class CompactCommandTest {
  private static final LocalDate D1 = LocalDate.of(2020, 2, 20);
  private static final LocalDate D2 = LocalDate.of(2020, 2, 21);
  private static final LocalDate D3 = LocalDate.of(2020, 2, 22);

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @BeforeEach
  void ingestThreeDays() throws Exception {
    assertThat(run("init").code()).isZero();
    String[] ingest = {"ingest", "--vendor", "tardis", "--parallel", "1", "", "", ""};
    int i = 5;
    for (LocalDate d : new LocalDate[] {D1, D2, D3}) {
      ingest[i++] = tardisTrades(d).toString();
    }
    CliRun r = run(ingest);
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void aWarehouseWithoutTheCompactionLogIsToldToRunInit() {
    try (io.ticklake.catalog.Warehouse w =
        io.ticklake.catalog.Warehouse.open(
            io.ticklake.catalog.WarehouseConfig.embedded(dir.resolve("wh")))) {
      w.catalog().dropTable(io.ticklake.catalog.contract.TableContracts.COMPACTION_LOG.id(), true);
    }
    CliRun before = run("compact", "--table", "trades");
    assertThat(before.code()).as(before.err()).isZero();
    assertThat(before.err())
        .contains(
            "note: ops.compaction_log does not exist (a warehouse from before it): run 'ticklake"
                + " init' once");
    assertThat(run("init").code()).isZero();
    CliRun after = run("compact", "--table", "trades");
    assertThat(after.code()).as(after.err()).isZero();
    assertThat(after.err()).doesNotContain("compaction_log");
    assertThat(after.out()).contains("silver.trades: nothing to compact");
  }

  @Test
  void expiringSnapshotsRebuildsNothingAndKeepsTheData() {
    assertThat(run("compact", "--table", "trades").code()).isZero();
    assertThat(run("compact", "--table", "trades", "--all").code()).isZero(); // more snapshots
    String before = run("sql", "-c", "select count(*), sum(size) from silver.trades").out();

    CliRun dry = run("expire", "--older-than", "1ms", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would expire", "nothing changed");
    assertThat(run("snapshots", "silver.trades").out().lines().count())
        .isGreaterThan(3); // header lines + 6 snapshots
    // the dry run expired nothing: 3 compaction commits and 3 forced ones are all still there
    assertThat(run("snapshots", "silver.trades").out()).contains("(6 rows)");

    CliRun expire = run("expire", "--older-than", "1ms");
    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(expire.out()).containsPattern("silver\\.trades +5 +1 +[1-9]");
    assertThat(run("snapshots", "silver.trades").out()).contains("(1 row)");
    CliRun plan = run("compact", "--table", "trades", "--dry-run");
    assertThat(plan.out()).contains("silver.trades: nothing to compact");
    assertThat(run("sql", "-c", "select count(*), sum(size) from silver.trades").out())
        .isEqualTo(before);

    CliRun bad = run("expire", "--older-than", "soon");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("Cannot use --older-than 'soon'");
    assertThat(run("expire", "--retain-last", "0").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void dateRangeDryRunJsonAndPerPartitionLines() {
    CliRun dry =
        run(
            "compact",
            "--table",
            "trades",
            "--from",
            D2.toString(),
            "--to",
            D3.toString(),
            "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out().lines())
        .containsExactly(
            "silver.trades binance-futures/2020-02-21: would rebuild (new) from 100 Bronze rows in"
                + " 1 file",
            "silver.trades binance-futures/2020-02-22: would rebuild (new) from 100 Bronze rows in"
                + " 1 file");

    CliRun json =
        run(
            "compact",
            "--table",
            "trades",
            "--from",
            D2.toString(),
            "--to",
            D3.toString(),
            "--json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out())
        .contains("\"trading_date\" : \"2020-02-21\"", "\"trading_date\" : \"2020-02-22\"")
        .doesNotContain("2020-02-20")
        .contains("\"outcome\" : \"rebuilt\"", "\"rows_in\" : 200", "\"quarantined\" : 4")
        .contains("\"rows_out\" : 196", "\"seconds\" : ", "\"digest\" : \"md5x:");

    CliRun rest = run("compact", "--table", "trades");
    assertThat(rest.code()).as(rest.err()).isZero();
    // quiet in a pipe: no progress bar on stderr
    assertThat(rest.err()).isEmpty();
    assertThat(rest.out().lines())
        .singleElement()
        .asString()
        .matches(
            "silver\\.trades binance-futures/2020-02-20: 100 in, 0 duplicates, 2 quarantined, 0"
                + " flagged, 98 out in \\d+\\.\\d\\d s \\(Bronze snapshot -?\\d+, Silver snapshot"
                + " -?\\d+, md5x:[0-9a-f]{32}\\)");
    assertThat(run("compact", "--table", "trades").out())
        .startsWith("silver.trades: nothing to compact");
    // in JSON a table with nothing to do is no partition
    CliRun none = run("compact", "--json");
    assertThat(none.out())
        .contains("\"partitions\" : [ ]", "\"flagged\" : 0")
        .contains("\"unchanged_tables\" : [ {", "\"table\" : \"silver.trades\"")
        .contains("\"table\" : \"silver.quotes\",\n    \"bronze_snapshot_id\" : null")
        .doesNotContain("\"exchange\" : null");
  }

  @Test
  void aSilverTableFromBeforeTheUuidEventIdIsRecreatedOnRequestAndRebuilt() {
    // silver.trades as `ticklake init` created it before 2026-11-27: event_id string
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      TableContract c = TableContracts.SILVER_TRADES;
      Schema old =
          new Schema(
              c.schema().columns().stream()
                  .map(
                      f ->
                          f.name().equals("event_id")
                              ? Types.NestedField.required(
                                  f.fieldId(), f.name(), Types.StringType.get(), f.doc())
                              : f)
                  .toList());
      w.catalog().dropTable(c.id(), true);
      w.catalog()
          .buildTable(c.id(), old)
          .withPartitionSpec(c.spec())
          .withProperties(c.properties())
          .create();
    }

    CliRun compact = run("compact", "--table", "trades");
    assertThat(compact.code()).as(compact.err()).isEqualTo(ExitCodes.CONTRACT);
    assertThat(compact.err())
        .contains(
            "Cannot compact silver.trades: silver.trades column event_id is string but its"
                + " contract says uuid")
        .contains("ticklake init --recreate-silver");
    CliRun init = run("init");
    assertThat(init.code()).isEqualTo(ExitCodes.CONTRACT);
    assertThat(init.err()).contains("ticklake init --recreate-silver");

    CliRun dry = run("init", "--recreate-silver", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("silver.trades").contains("would drop and recreate");
    CliRun recreate = run("init", "--recreate-silver");
    assertThat(recreate.code()).as(recreate.err()).isZero();
    assertThat(recreate.out())
        .contains("dropped and recreated")
        .contains("run `ticklake compact` to rebuild it");
    CliRun rebuilt = run("compact", "--table", "trades");
    assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
    assertThat(rebuilt.out().lines())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("100 in, 0 duplicates, 2 quarantined"));
    assertThat(run("init").out()).contains("Nothing to do");
  }

  @Test
  void badDateSelectionsAreUsageErrors() {
    CliRun both = run("compact", "--date", D1.toString(), "--from", D1.toString());
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("Cannot combine --date with --from/--to");
    CliRun empty = run("compact", "--from", D3.toString(), "--to", D1.toString());
    assertThat(empty.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.err())
        .contains("Cannot select trading dates from 2020-02-22 to 2020-02-20: the range is empty");
  }

  @Test
  void quarantineShowsRejectedRowsWithFilters() {
    assertThat(run("compact", "--table", "trades").code()).isZero();

    CliRun all = run("quarantine", "--format", "csv");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.out().lines().findFirst().orElseThrow())
        .isEqualTo(
            "source_table,stage,rule,severity,exchange,trading_date,symbol,ts_event,field,value,"
                + "message,vendor,file_id,file_seq,writer_id,wal_seq");
    assertThat(all.out().lines().skip(1)).hasSize(6);
    // newest trading date first
    assertThat(all.out().lines().skip(1).findFirst().orElseThrow()).contains(",2020-02-22,");

    CliRun rule = run("quarantine", "--rule", "size_positive", "--format", "csv");
    assertThat(rule.out().lines().skip(1))
        .hasSize(3)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains("silver.trades,compact,size_positive,error,binance-futures")
                    .contains(",size,0.00000000,"));

    CliRun day = run("quarantine", "--date", D1.toString(), "--table", "trades", "--format", "csv");
    assertThat(day.out().lines().skip(1))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains(",2020-02-20,"));
    assertThat(run("quarantine", "--table", "silver.quotes", "--format", "csv").out().lines())
        .hasSize(1);
    CliRun limited = run("quarantine", "--limit", "1", "--format", "csv");
    assertThat(limited.out().lines()).hasSize(2);
    assertThat(limited.err())
        .isEqualTo("showing the first 1 of 6 matching rows; --limit 0 shows all\n");
    assertThat(run("quarantine", "--limit", "6", "--format", "csv").err()).isEmpty();

    CliRun summary = run("quarantine", "--summary", "--format", "csv");
    assertThat(summary.out().lines())
        .containsExactly(
            "source_table,stage,rule,severity,rows,first_date,last_date",
            "silver.trades,compact,price_positive,error,3,2020-02-20,2020-02-22",
            "silver.trades,compact,size_positive,error,3,2020-02-20,2020-02-22");

    CliRun json = run("quarantine", "--full", "--limit", "1", "--format", "json");
    assertThat(json.out())
        .contains("\"row_json\"", "\"bronze_snapshot_id\"", "\"file_seq\"")
        .containsPattern("\"file\" : \"[^\"]*_trades\\.csv\"");

    CliRun bad = run("quarantine", "--severity", "fatal");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("Invalid value for option '--severity': use error or warn");

    // values are not case-sensitive; a typo is an error naming what is valid, not "0 rows"
    assertThat(
            run("quarantine", "--rule", "SIZE_POSITIVE", "--severity", "ERROR", "--format", "csv")
                .out()
                .lines()
                .skip(1))
        .hasSize(3);
    CliRun typo = run("quarantine", "--rule", "size_positve");
    assertThat(typo.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(typo.err())
        .contains("Invalid value for option '--rule': size_positve; rules are ")
        .contains("parse_error", "quote_crossed", "size_positive");
    CliRun table = run("quarantine", "--table", "silver.trade");
    assertThat(table.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(table.err()).contains("quarantine holds rows of bronze.trades,");
    CliRun stage = run("quarantine", "--stage", "bronze");
    assertThat(stage.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(stage.err()).contains("use ingest, writer, compact");
  }

  @Test
  void quarantineSummaryFollowsTheLimitAndSaysWhenItCutsTheRows() {
    assertThat(run("compact", "--table", "trades").code()).isZero();
    // --limit was ignored with --summary: both rows were printed, and nothing said so
    CliRun first = run("quarantine", "--summary", "--limit", "1", "--format", "csv");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out().lines())
        .containsExactly(
            "source_table,stage,rule,severity,rows,first_date,last_date",
            "silver.trades,compact,price_positive,error,3,2020-02-20,2020-02-22");
    assertThat(first.err())
        .isEqualTo("showing the first 1 of 2 summary rows; --limit 0 shows all\n");
    // the filters narrow what the note counts
    CliRun one = run("quarantine", "--summary", "--limit", "1", "--rule", "size_positive");
    assertThat(one.out()).contains("size_positive").doesNotContain("price_positive");
    assertThat(one.err()).isEmpty();
    for (String limit : new String[] {"0", "2"}) {
      CliRun all = run("quarantine", "--summary", "--limit", limit, "--format", "csv");
      assertThat(all.out().lines()).as(limit).hasSize(3);
      assertThat(all.err()).as(limit).isEmpty();
    }
    assertThat(run("quarantine", "--help").out()).contains("with --summary N summary rows");
  }

  @Test
  void unknownExchangesBadDatesAndBadResourcesAreRefusedBeforeAnyWork() {
    CliRun exchange = run("compact", "--exchange", "nyse");
    assertThat(exchange.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(exchange.err())
        .contains("Cannot compact exchange nyse: it is not in ref.exchange (known: ")
        .contains("binance-futures");
    CliRun upper = run("compact", "--exchange", "US-EQUITY");
    assertThat(upper.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(upper.err())
        .contains(
            "Cannot compact exchange US-EQUITY: it is not in ref.exchange (did you mean us-equity?"
                + " known: ");
    CliRun date = run("compact", "--date", "2013-13-45");
    assertThat(date.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(date.err())
        .contains("'2013-13-45' is not a date: give YYYY-MM-DD")
        .doesNotContain("java.time");
    CliRun memory = run("compact", "--dry-run", "--memory-limit", "lots");
    assertThat(memory.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(memory.err()).contains("Cannot use --memory-limit lots: give a size with a unit");
    CliRun threads = run("compact", "--threads", "-1");
    assertThat(threads.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(threads.err()).contains("Cannot use --threads -1");
    // nothing was compacted by any of them
    assertThat(run("compact", "--dry-run", "--memory-limit", "1.5GiB").out())
        .contains("silver.trades binance-futures/2020-02-20: would rebuild (new)")
        .contains("silver.quotes: nothing to compact, bronze.quotes is empty");
  }

  @Test
  void rulesAreStoredInTheWarehouseAndTheNextCompactFollowsThem() throws Exception {
    assertThat(run("compact", "--table", "trades").out())
        .contains("binance-futures/2020-02-20: 100 in, 0 duplicates, 2 quarantined");
    CliRun set = run("rules", "set", "--table", "trades", "--disable", "size_positive");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out())
        .contains("silver.trades: ticklake.rules.disabled (built in) -> size_positive")
        .contains("the next 'ticklake compact' rebuilds");
    assertThat(run("rules", "--table", "trades").out())
        .containsPattern("silver.trades +size_positive +size +error +error +no")
        .containsPattern("silver.trades +price_positive +price +error +error +yes +price <= 0")
        .contains("price more than 10% from the median of the symbol's previous 50 valid trades");
    CliRun dry = run("compact", "--table", "trades", "--dry-run");
    assertThat(dry.out().lines().filter(l -> l.contains("would rebuild (rules)"))).hasSize(3);
    assertThat(run("compact", "--table", "trades").out())
        .contains("binance-futures/2020-02-20: 100 in, 0 duplicates, 1 quarantined");
    assertThat(run("compact", "--dry-run").out()).contains("silver.trades: nothing to compact");

    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(run("rules", "--table", "trades", "--json").out());
    com.fasterxml.jackson.databind.JsonNode trades = json.get("tables").get(0);
    assertThat(trades.get("table").asText()).isEqualTo("silver.trades");
    assertThat(trades.get("spike_percent").asText()).isEqualTo("10");
    java.util.Map<String, Boolean> runs = new java.util.TreeMap<>();
    trades.get("rules").forEach(r -> runs.put(r.get("rule").asText(), r.get("runs").asBoolean()));
    assertThat(runs).containsEntry("size_positive", false).containsEntry("price_positive", true);

    // refused, naming what is wrong; nothing stored
    CliRun quotesSpike = run("rules", "set", "--table", "quotes", "--disable", "price_spike");
    assertThat(quotesSpike.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(quotesSpike.err()).contains("silver.quotes has no such rule; rules are");
    CliRun relax = run("rules", "set", "--severity", "unknown_symbol=warn");
    assertThat(relax.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(relax.err()).contains("Cannot relax rule unknown_symbol");
    CliRun fatal = run("rules", "set", "--severity", "price_spike=fatal");
    assertThat(fatal.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(fatal.err()).contains("severity 'fatal': use error or warn");
    assertThat(run("rules", "set").err()).contains("give --severity, --disable, --enable");
    assertThat(run("compact", "--dry-run").out()).contains("silver.trades: nothing to compact");

    // --dry-run stores nothing; --reset goes back to the built-in rules
    assertThat(run("rules", "set", "--table", "trades", "--reset", "--dry-run").out())
        .contains("ticklake.rules.disabled size_positive -> (built in)")
        .contains("dry run: nothing stored");
    assertThat(run("compact", "--dry-run").out()).contains("silver.trades: nothing to compact");
    assertThat(run("rules", "set", "--table", "trades", "--reset").code()).isZero();
    assertThat(run("compact", "--table", "trades").out())
        .contains("binance-futures/2020-02-20: 100 in, 0 duplicates, 2 quarantined");
  }

  /**
   * A rules change refused as a usage error stores nothing, also when its error concerns only the
   * second table (quotes) and the first (trades) had a valid change: the README promises exit 2
   * "and stores nothing".
   */
  @Test
  void aRefusedRulesChangeStoresNothingInAnyTable() throws Exception {
    assertThat(run("compact", "--table", "trades").code()).isZero();
    CliRun bad = run("rules", "set", "--severity", "price_spike=error,quote_locked=fatal");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("Cannot give rule quote_locked severity 'fatal'");
    assertThat(run("rules", "--table", "trades").out())
        .containsPattern("silver.trades +price_spike +price +warn +warn +yes");
    assertThat(run("compact", "--dry-run").out()).contains("silver.trades: nothing to compact");
  }

  /** Two severities for one rule (names are case-insensitive) are refused, not last-wins. */
  @Test
  void twoSeveritiesForOneRuleAreAUsageError() throws Exception {
    CliRun twice =
        run("rules", "set", "--severity", "price_spike=error", "--severity", "PRICE_SPIKE=warn");
    assertThat(twice.code()).as(twice.out()).isEqualTo(ExitCodes.USAGE);
    assertThat(twice.err()).contains("price_spike");
    CliRun same = run("rules", "set", "--severity", "price_spike=error,price_spike=warn");
    assertThat(same.code()).as(same.out()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void concurrentRulesChangesAreNeverLost() throws Exception {
    for (int round = 0; round < 5; round++) {
      assertThat(run("rules", "set", "--table", "trades", "--reset").code()).isZero();
      java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<CliRun>> runs = new java.util.ArrayList<>();
      for (String rule : List.of("side_known", "price_spike")) {
        runs.add(
            pool.submit(
                () -> {
                  barrier.await();
                  return run("rules", "set", "--table", "trades", "--disable", rule);
                }));
      }
      CliRun a = runs.get(0).get();
      CliRun b = runs.get(1).get();
      pool.shutdown();
      String shown = run("rules", "--table", "trades").out();
      boolean sideOff = shown.matches("(?s).*side_known +side +error +error +no.*");
      boolean spikeOff = shown.matches("(?s).*price_spike +price +warn +warn +no.*");
      // each run either stored its change or was refused as a conflict (exit 5): none is lost
      assertThat(a.code()).as(a.err()).isIn(ExitCodes.OK, ExitCodes.CONFLICT);
      assertThat(b.code()).as(b.err()).isIn(ExitCodes.OK, ExitCodes.CONFLICT);
      assertThat(sideOff).as("round %d: %s / %s", round, a.out(), b.out()).isEqualTo(a.code() == 0);
      assertThat(spikeOff)
          .as("round %d: %s / %s", round, a.out(), b.out())
          .isEqualTo(b.code() == 0);
      if (a.code() != 0) {
        assertThat(a.err()).contains("Cannot store the rules of silver.trades");
      }
    }
  }

  /**
   * Commits property changes to a Silver table in a loop until stopped, as a compaction's commits
   * (or another 'rules set') would, alternating {@code key} between {@code values}.
   */
  private AutoCloseable committing(String table, String key, String... values) {
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger commits =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CompletableFuture<Void> loop =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
                org.apache.iceberg.Table t = w.table(table);
                for (int i = 0; !stop.get(); i++) {
                  t.updateProperties().set(key, values[i % values.length]).commit();
                  commits.incrementAndGet();
                }
              }
            });
    return () -> {
      stop.set(true);
      loop.join();
      assertThat(commits.get()).as("commits to %s", table).isPositive();
    };
  }

  @Test
  void aRulesChangeIsNotRefusedForACommitThatLeftTheRulesAlone() throws Exception {
    // a compaction commits Silver snapshots all the time: the rules it read are still the rules
    try (AutoCloseable other = committing("silver.trades", "test.other", "a", "b")) {
      for (int i = 0; i < 30; i++) {
        CliRun r =
            run("rules", "set", "--table", "trades", "--session-tolerance", (2 + i % 2) + "m");
        assertThat(r.code()).as("run %d: %s", i, r.err()).isZero();
      }
    }
  }

  @Test
  void aRulesChangeRefusedForQuotesSaysThatTradesChanged() throws Exception {
    CliRun refused = null;
    try (AutoCloseable other =
        committing("silver.quotes", "ticklake.rules.disabled", "quote_locked", "quote_empty")) {
      for (int i = 0; i < 100 && refused == null; i++) {
        CliRun r = run("rules", "set", "--session-tolerance", (2 + i % 2) + "m");
        if (r.code() == ExitCodes.CONFLICT) {
          refused = r;
        } else {
          assertThat(r.code()).as(r.err()).isZero();
        }
      }
    }
    assertThat(refused).as("a run refused for the concurrent change of silver.quotes").isNotNull();
    // trades was stored before quotes was refused: the message must say so, or the user takes
    // 'refused' for 'nothing stored'
    assertThat(refused.err()).contains("Cannot store the rules of silver.quotes");
    assertThat(refused.err()).contains("silver.trades");
  }

  /** 100 Tardis trades of one day; the 10th has price 0 and the 20th size 0. */
  private Path tardisTrades(LocalDate date) throws Exception {
    return TardisTradeFiles.write(dir, date + "_trades.csv", date, 1);
  }
}

package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolSnapshot;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.SymbolAttributes;
import io.ticklake.catalog.dim.SymbolChanges;
import io.ticklake.catalog.dim.SymbolIds;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.catalog.dim.VersionConflictException;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL catalog against a real server (a throw-away cluster, {@link PostgresServer}): the
 * user journey through the CLI gives the same lake as on the embedded SQLite catalog, and the
 * guarantees that rest on the catalog's atomic swap of a table's metadata pointer hold (one winner
 * of two compactors of a partition, dims optimistic concurrency, concurrent init of a fresh
 * catalog). Skipped, with a message, where PostgreSQL's binaries are not installed.
 */
class PostgresCatalogTest {
  static final String USER = "lake";
  static final String PASSWORD = "lake-secret";

  @TempDir static Path dir;
  static PostgresServer server;
  static Path samples;
  static int databases;

  @BeforeAll
  static void startServer() throws Exception {
    assumeTrue(PostgresServer.installed(), PostgresServer.NOT_INSTALLED);
    server = PostgresServer.start();
    samples = BundledSamples.extractTo(dir.resolve("samples"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A new, empty database owned by {@link #USER}, and the environment that selects it. */
  static Map<String, String> freshCatalog() throws Exception {
    String db = "lake" + (++databases);
    server.createDatabase(db, USER, PASSWORD);
    return Map.of(
        WarehouseConfig.ENV_CATALOG_URI,
        server.jdbcUrl(db),
        WarehouseConfig.ENV_CATALOG_USER,
        USER,
        WarehouseConfig.ENV_CATALOG_PASSWORD,
        PASSWORD);
  }

  static WarehouseConfig config(Path warehouse, Map<String, String> env) {
    return WarehouseConfig.resolve(warehouse.toString(), null, env);
  }

  // ---------------------------------------------------------------- the journey

  @Test
  void theUserJourneyGivesTheSameLakeAsOnSqlite() throws Exception {
    Map<String, String> onSqlite = journey(new Cli(dir.resolve("journey-sqlite")), "sqlite");
    Map<String, String> onPostgres =
        journey(new Cli(dir.resolve("journey-pg"), freshCatalog()), "pg");
    assertThat(onPostgres).isEqualTo(onSqlite);
    // and the journey did what it says
    assertThat(onSqlite.get("compact digests"))
        .contains("silver.trades us-equity/2013-10-11=md5x:")
        .contains("silver.trades binance-futures/2020-02-22=md5x:");
    assertThat(onSqlite.get("as-of first bronze snapshot").lines())
        .containsExactly("count_star()", "19264");
    assertThat(onSqlite.get("quarantine after rules")).contains("price_spike,warn,2");
    assertThat(onSqlite.get("export")).contains("Exported 421 rows of gold.bars (1m)");
  }

  /**
   * Runs the journey and returns what must not depend on the catalog: digests, counts, query
   * results (without snapshot ids or times, which differ between any two runs).
   */
  private Map<String, String> journey(Cli cli, String name) throws Exception {
    Map<String, String> seen = new LinkedHashMap<>();
    cli.ok("init");
    assertThat(cli.ok("init").out()).contains("Nothing to do");
    cli.ok(
        "ingest",
        "--vendor",
        "lean",
        samples.resolve("lean/equity/usa/tick/ibm/20131011_trade.zip").toString());
    cli.ok("ingest", "--vendor", "tardis", samples.resolve("tardis/tardis_trades.csv").toString());
    cli.ok("dims", "load-symbols");
    seen.put("compact digests", digests(cli.ok("compact").out()));
    cli.ok("bars");
    seen.put(
        "bars",
        csv(
            cli,
            "select exchange, symbol, interval, count(*), sum(volume), sum(trade_count)"
                + " from gold.bars group by all order by all"));
    cli.ok("quality");
    seen.put(
        "quality",
        csv(
            cli,
            "select exchange, symbol, trading_date, grade, score, coverage from"
                + " gold.quality_daily order by all"));
    cli.ok("rules", "set", "--table", "trades", "--spike-percent", "0.5");
    seen.put("compact after rules", digests(cli.ok("compact").out()));
    seen.put(
        "quarantine after rules",
        csv(cli, "select rule, severity, count(*) from ops.quarantine group by all order by all"));
    seen.put("quarantine command", cli.ok("quarantine", "--format", "csv").out());

    Path export = dir.resolve(name + "-export");
    String exported =
        cli.ok(Cli.exportIbmDay("pandas", "gold.bars", export)).out().lines().findFirst().get();
    seen.put(
        "export",
        exported
            .replaceAll("snapshot \\d+ \\(committed [^)]*\\)", "snapshot S")
            .replace(export.toString(), "OUT"));
    assertThat(cli.ok("export", "verify", export.toString()).out()).startsWith("OK: 1 file");

    List<String> snapshots =
        cli.ok("snapshots", "bronze.trades", "--format", "csv").out().lines().skip(1).toList();
    String first = snapshots.get(0).split(",")[0];
    String firstTime = snapshots.get(0).split(",")[2];
    seen.put(
        "as-of first bronze snapshot",
        cli.ok(
                "sql",
                "--as-of",
                first,
                "--format",
                "csv",
                "-c",
                "select count(*) from bronze.trades")
            .out());
    seen.put(
        "as-of first bronze time",
        cli.ok(
                "sql",
                "--as-of",
                firstTime,
                "--format",
                "csv",
                "-c",
                "select count(*) from bronze.trades")
            .out());

    Path events = dir.resolve(name + "-events.jsonl");
    Files.writeString(
        events,
        cli.ok("simulate", "--duration", "3s", "--rate", "1000", "--duplicates", "0.01").out());
    seen.put(
        "writer",
        cli.ok("writer", "--input", events.toString(), "--writer-id", "w1")
            .err()
            .lines()
            .filter(l -> l.contains("stopped"))
            .findFirst()
            .orElse("no stop line"));
    seen.put("tables", tableRows(cli));

    cli.ok("expire", "--older-than", "1ms", "--retain-last", "1");
    seen.put(
        "orphans after expire",
        cli.ok("orphans", "--older-than", "0").out().lines().reduce((a, b) -> b).orElse(""));
    seen.put("tables after expire", tableRows(cli));
    return seen;
  }

  private static final Pattern DIGEST =
      Pattern.compile("^(silver\\.\\w+ \\S+): .*(md5x:[0-9a-f]+)\\)$", Pattern.MULTILINE);

  /** Partition and content digest of each partition a compact run printed. */
  private static String digests(String compactOutput) {
    Map<String, String> d = new TreeMap<>();
    Matcher m = DIGEST.matcher(compactOutput);
    while (m.find()) {
      d.put(m.group(1), m.group(2));
    }
    return d.toString();
  }

  private static String csv(Cli cli, String query) {
    return cli.ok("sql", "--format", "csv", "-c", query).out();
  }

  /** Table name and row count of every table. */
  private static String tableRows(Cli cli) {
    StringBuilder b = new StringBuilder();
    cli.ok("tables", "--format", "csv")
        .out()
        .lines()
        .skip(1)
        .forEach(l -> b.append(l, 0, l.indexOf(',', l.indexOf(',') + 1)).append('\n'));
    return b.toString();
  }

  // ---------------------------------------------------------------- which warehouse

  @Test
  void aCommandOtherThanInitRefusesACatalogWithoutTicklakesTables() throws Exception {
    Map<String, String> env = freshCatalog();
    Path typo = dir.resolve("no-such-warehouse");
    assertThat(new Cli(typo, env).ok("init", "--dry-run").out())
        .contains("The warehouse does not exist yet: init would create it");
    Cli.Result r = new Cli(typo, env).run("tables");
    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.err())
        .contains("Cannot open warehouse " + typo)
        .contains("create it with 'ticklake init'");
    assertThat(typo).doesNotExist();
    // an existing folder does not make a warehouse either: the catalog has no tables
    Files.createDirectories(typo);
    r = new Cli(typo, env).run("sql", "-c", "select 1");
    assertThat(r.code()).as(r.err()).isEqualTo(6);
    assertThat(r.err()).contains("create it with 'ticklake init'");
    // init makes it
    new Cli(typo, env).ok("init");
    new Cli(typo, env).ok("tables");
  }

  @Test
  void anotherWarehouseDirectoryOnTheSameCatalogIsRefused() throws Exception {
    Map<String, String> env = freshCatalog();
    Path first = dir.resolve("first-warehouse");
    new Cli(first, env).ok("init");
    Path other = dir.resolve("other-warehouse");
    for (String[] command : List.of(new String[] {"tables"}, new String[] {"init"})) {
      Cli.Result r = new Cli(other, env).run(command);
      assertThat(r.code()).as(r.err()).isEqualTo(3);
      assertThat(r.err())
          .contains("Cannot open warehouse " + other)
          .contains("holds the tables of the warehouse at " + first)
          .contains("--warehouse " + first);
    }
    assertThat(other).doesNotExist();
    // a warehouse moved away from where its catalog's tables live
    Path moved = dir.resolve("moved-warehouse");
    Files.move(first, moved);
    Cli.Result r = new Cli(moved, env).run("tables");
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("no longer exist").contains("Move it back to " + first);
  }

  @Test
  void theDemoRefusesAPostgresCatalog() throws Exception {
    Map<String, String> env = freshCatalog();
    Path demo = dir.resolve("pg-demo");
    Cli.Result r = new Cli(demo, env).run("demo");
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains("Cannot build the demo with catalog " + env.get(WarehouseConfig.ENV_CATALOG_URI));
    assertThat(demo).doesNotExist();
  }

  @Test
  void exportVerifyAsksForTheCatalogWhenTheReceiptMaskedItsPassword() throws Exception {
    Map<String, String> env = freshCatalog();
    String url =
        env.get(WarehouseConfig.ENV_CATALOG_URI) + "?user=" + USER + "&password=" + PASSWORD;
    Path wh = dir.resolve("password-in-url");
    Cli cli = new Cli(wh, Map.of(WarehouseConfig.ENV_CATALOG_URI, url));
    cli.silverIbmTradesOfTheSampleDay(samples);
    Path export = dir.resolve("password-in-url-export");
    cli.ok(Cli.exportIbmDay("r", "silver.trades", export));
    assertThat(Files.readString(export.resolve("receipt.json")))
        .contains("password=***")
        .doesNotContain(PASSWORD);
    // neither the warehouse nor the catalog given: the receipt's are used, but not its password
    Cli.Result r = runWithout(export);
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains("Cannot verify " + export)
        .contains("password=***")
        .contains("--catalog-uri");
    assertThat(wh.resolve("catalog.db")).doesNotExist();
    // given again, it verifies
    Cli.Result ok = runWithout(export, "--catalog-uri", url);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith("OK: ");
  }

  /** {@code ticklake export verify DIR MORE…} with an empty environment. */
  private static Cli.Result runWithout(Path export, String... more) {
    java.io.StringWriter o = new java.io.StringWriter();
    java.io.StringWriter e = new java.io.StringWriter();
    List<String> args = new ArrayList<>(List.of("export", "verify", export.toString()));
    args.addAll(List.of(more));
    int code =
        io.ticklake.cli.Main.run(
            args.toArray(String[]::new),
            new java.io.PrintWriter(o, true),
            new java.io.PrintWriter(e, true),
            Map.of());
    return new Cli.Result(code, o.toString(), e.toString());
  }

  // ---------------------------------------------------------------- concurrency

  /** Two inits of a fresh catalog at once, each opening it (Iceberg creates its own tables). */
  @Test
  void twoInitsOfAFreshCatalogBothSucceedAndSeedEachExchangeOnce() throws Exception {
    for (int round = 0; round < 3; round++) {
      Map<String, String> env = freshCatalog();
      Path wh = dir.resolve("init-race-" + round);
      List<Object> outcomes =
          race(
              2,
              i -> {
                try (Warehouse w = Warehouse.open(config(wh, env))) {
                  return new LakeInitializer(w).commit();
                }
              },
              true);
      assertThat(outcomes).as("round %d", round).allMatch(o -> o instanceof LakeInitializer.Result);
      try (Warehouse w = Warehouse.open(config(wh, env))) {
        List<String> ids = new ArrayList<>();
        try (CloseableIterable<Record> rows =
            IcebergGenerics.read(w.table(TableContracts.EXCHANGE.id())).build()) {
          rows.forEach(r -> ids.add((String) r.getField("exchange_id")));
        }
        assertThat(ids).as("round %d", round).isNotEmpty().doesNotHaveDuplicates();
        assertThat(new LakeInitializer(w).commit().isNoop()).isTrue();
      }
    }
  }

  @Test
  void twoCompactorsOfOnePartitionHaveOneWinnerAndTheLoserRetriesCleanly() throws Exception {
    Map<String, String> env = freshCatalog();
    Path wh = dir.resolve("compact-race");
    Cli cli = new Cli(wh, env);
    cli.ok("init");
    cli.ok("ingest", "--vendor", "tardis", samples.resolve("tardis/tardis_trades.csv").toString());
    try (Warehouse w = Warehouse.open(config(wh, env))) {
      // both planned before either commits: one wins, the other gets a retryable conflict
      List<Object> outcomes =
          race(
              2,
              i -> {
                SilverCompactor c =
                    new SilverCompactor(
                        w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
                CompactionPlan plan = c.plan();
                return plan;
              },
              false);
      List<Object> results =
          race(
              2,
              i ->
                  new SilverCompactor(
                          w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                      .commit((CompactionPlan) outcomes.get(i)),
              true);
      List<Object> lost = results.stream().filter(r -> r instanceof TicklakeException).toList();
      List<Object> won = results.stream().filter(r -> r instanceof List).toList();
      assertThat(won).as("%s", results).hasSize(1);
      assertThat(lost).as("%s", results).hasSize(1);
      assertThat(((TicklakeException) lost.get(0)).kind())
          .isEqualTo(TicklakeException.Kind.CONFLICT);
      PartitionResult winner = (PartitionResult) ((List<?>) won.get(0)).get(0);
      assertThat(silverRows(w)).isEqualTo(winner.rowsOut()).isEqualTo(9_999);

      // new rows, two compactors resolving conflicts: neither fails, the partition is built once
      Path events = dir.resolve("compact-race-events.jsonl");
      Files.writeString(
          events, cli.ok("simulate", "--duration", "2s", "--rate", "1000", "--seed", "7").out());
      cli.ok("writer", "--input", events.toString(), "--writer-id", "w1");
      long live =
          Long.parseLong(
              cli.ok("sql", "--format", "csv", "-c", "select count(*) from bronze.trades")
                  .out()
                  .lines()
                  .skip(1)
                  .findFirst()
                  .orElseThrow()
                  .strip());
      List<Object> resolved =
          race(
              2,
              i ->
                  new SilverCompactor(
                          w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                      .runResolvingConflicts(3),
              true);
      assertThat(resolved).allMatch(o -> o instanceof SilverCompactor.Outcome);
      long committed =
          resolved.stream().mapToLong(o -> ((SilverCompactor.Outcome) o).committed().size()).sum();
      assertThat(committed).isEqualTo(1);
      // the writer's events are in the same partition (binance-futures, 2020-02-22): it is
      // rebuilt once, with every row (the stream has no duplicates)
      assertThat(live).isGreaterThan(9_999);
      assertThat(silverRows(w)).isEqualTo(live);
      assertThat(
              new SilverCompactor(
                      w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
    }
  }

  @Test
  void dimsSavesAgainstOneVersionHaveOneWinnerAndTheOthersGetAConflict() throws Exception {
    Map<String, String> env = freshCatalog();
    Path wh = dir.resolve("dims-race");
    new Cli(wh, env).ok("init");
    try (Warehouse w = Warehouse.open(config(wh, env))) {
      DimSymbolSnapshot base = DimSymbolTable.open(w).read();
      List<Object> outcomes =
          race(
              3,
              i -> DimSymbolTable.open(w).save(SymbolChanges.adding(row("s" + i)), base.version()),
              true);
      assertThat(outcomes.stream().filter(o -> o instanceof VersionConflictException))
          .as("%s", outcomes)
          .hasSize(2)
          .allSatisfy(
              e ->
                  assertThat(((Exception) e).getMessage())
                      .startsWith("Cannot save ref.dim_symbol: expected an empty table")
                      .endsWith("; read again and retry"));
      // each loser retries from a fresh read: every row in exactly once
      List<Object> retried =
          race(
              3,
              i ->
                  DimSymbolTable.open(w)
                      .update(
                          s ->
                              s.find(row("s" + i).key()).isPresent()
                                  ? SymbolChanges.none()
                                  : SymbolChanges.adding(row("s" + i)),
                          new DimSymbolTable.Retry(
                              30,
                              java.time.Duration.ofMillis(10),
                              java.time.Duration.ofMillis(200))),
              true);
      assertThat(retried).allMatch(o -> o instanceof DimSymbolTable.Saved);
      assertThat(DimSymbolTable.open(w).read().rows())
          .extracting(SymbolVersion::canonicalId)
          .containsExactlyInAnyOrder("s0", "s1", "s2");
    }
  }

  private static SymbolVersion row(String canonical) {
    return new SymbolVersion(
        SymbolIds.derive("race", canonical),
        "race",
        canonical,
        canonical.toUpperCase(java.util.Locale.ROOT),
        null,
        new SymbolAttributes(
            "equity",
            "USD",
            null,
            new BigDecimal("0.01"),
            BigDecimal.ONE,
            BigDecimal.ONE,
            List.of()),
        Instant.parse("2020-01-01T00:00:00Z"),
        Optional.empty(),
        true,
        false,
        "test",
        Instant.parse("2026-11-28T00:00:00Z"));
  }

  private static long silverRows(Warehouse w) throws Exception {
    Table silver = w.table(TableContracts.SILVER_TRADES.id());
    silver.refresh();
    long n = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(silver).build()) {
      for (Record ignored : rows) {
        n++;
      }
    }
    return n;
  }

  interface Task {
    Object run(int index) throws Exception;
  }

  /**
   * Runs {@code n} tasks on threads released together by a barrier; each outcome is the task's
   * result or, when {@code catchTicklake}, the TicklakeException it threw.
   */
  private static List<Object> race(int n, Task task, boolean catchTicklake) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<Object> c =
            () -> {
              barrier.await();
              try {
                return task.run(index);
              } catch (TicklakeException e) {
                if (catchTicklake) {
                  return e;
                }
                throw e;
              }
            };
        futures.add(pool.submit(c));
      }
      List<Object> out = new ArrayList<>();
      for (Future<Object> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake bars} run in-process against a real warehouse built from the bundled samples. */
class BarsCommandTest {
  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @Test
  void buildsChangedPartitionsOnceAndSaysWhenNothingIsNew() throws Exception {
    assertThat(run("init").code()).isZero();
    Path samples = io.ticklake.bronze.sample.BundledSamples.extractTo(dir.resolve("samples"));
    assertThat(
            run(
                    "ingest",
                    "--vendor",
                    "tardis",
                    samples.resolve("tardis/tardis_trades.csv").toString())
                .code())
        .isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();

    CliRun dry = run("bars", "--dry-run", "--interval", "1m,1s");
    assertThat(dry.err()).isEmpty();
    assertThat(dry.code()).isZero();
    assertThat(dry.out())
        .isEqualTo(
            "gold.bars binance-futures/2020-02-22: would build 1s,1m (new) from 9,999 Silver"
                + " rows\n");
    assertThat(run("sql", "--format", "csv", "-c", "select count(*) n from gold.bars").out())
        .isEqualTo("n\r\n0\r\n");

    CliRun built = run("bars", "--interval", "1m", "--date", "2020-02-22");
    assertThat(built.err()).isEmpty();
    assertThat(built.code()).isZero();
    assertThat(built.out())
        .containsPattern(
            "gold.bars binance-futures/2020-02-22: 9,999 rows in, [0-9,]+ bars out \\(1m [0-9]+\\)"
                + " in [0-9.]+ s, Silver snapshot [0-9]+\n")
        .contains("gold.bars: 1 partitions, 9,999 rows in");
    CliRun counted =
        run(
            "sql",
            "--format",
            "csv",
            "-c",
            "select count(*) n, sum(trade_count) t from gold.bars where \"interval\" = '1m'");
    assertThat(counted.out()).matches("n,t\r\n[1-9][0-9]*,9999\r\n");

    // the other intervals are still due; 1m is not
    CliRun json = run("bars", "--json");
    assertThat(json.code()).isZero();
    JsonNode result = new ObjectMapper().readTree(json.out());
    assertThat(result.path("up_to_date").asBoolean()).isFalse();
    assertThat(result.path("partitions")).hasSize(1);
    JsonNode p = result.path("partitions").get(0);
    assertThat(p.path("intervals").toString()).isEqualTo("[\"1s\",\"5m\",\"1h\",\"1d\"]");
    assertThat(p.path("rows_in").asLong()).isEqualTo(9_999);
    assertThat(p.path("bars_out").path("1d").asLong()).isEqualTo(1);

    CliRun again = run("bars");
    assertThat(again.code()).isZero();
    assertThat(again.out()).startsWith("gold.bars: nothing to build, bars are up to date");

    CliRun forced = run("bars", "--all", "--exchange", "binance-futures", "--interval", "1h");
    assertThat(forced.out()).contains("binance-futures/2020-02-22: 9,999 rows in");
  }

  @Test
  void badIntervalsAndDatesAreUsageErrors() {
    assertThat(run("init").code()).isZero();
    CliRun interval = run("bars", "--interval", "1m,2m");
    assertThat(interval.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(interval.err())
        .contains("Cannot build bars at interval '2m': expected one of 1s, 1m, 5m, 1h, 1d");
    CliRun both = run("bars", "--date", "2013-10-11", "--from", "2013-10-07");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("Cannot combine --date with --from/--to");
    CliRun empty = run("bars", "--from", "2013-10-11", "--to", "2013-10-07");
    assertThat(empty.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.err())
        .contains("Cannot build bars from 2013-10-11 to 2013-10-07: the range is empty");
    CliRun badDate = run("bars", "--date", "2013-13-01");
    assertThat(badDate.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badDate.err()).contains("--date");
    CliRun nothing = run("bars");
    assertThat(nothing.code()).isZero();
    assertThat(nothing.out()).isEqualTo("gold.bars: nothing to build, silver.trades is empty\n");
  }

  /** Runs {@code args} twice at once (a slow scheduled run and the next tick). */
  private List<CliRun> twice(String... args) throws Exception {
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<CliRun>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(
            pool.submit(
                () -> {
                  barrier.await();
                  return run(args);
                }));
      }
      return List.of(runs.get(0).get(), runs.get(1).get());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void overlappingBarsAndQualityRunsBothSucceed() throws Exception {
    assertThat(run("init").code()).isZero();
    Path samples = io.ticklake.bronze.sample.BundledSamples.extractTo(dir.resolve("samples"));
    for (String vendor : List.of("tardis", "lean")) {
      CliRun ingest = run("ingest", "--vendor", vendor, samples.resolve(vendor).toString());
      assertThat(ingest.code()).as(ingest.err()).isZero();
    }
    assertThat(run("compact", "--table", "trades").code()).isZero();
    for (int round = 0; round < 2; round++) {
      // both forced: every partition of one run is also in the other's plan
      for (String job : List.of("bars", "quality")) {
        for (CliRun r : twice(job, "--all")) {
          assertThat(r.code()).as("%s round %d: %s", job, round, r.err()).isZero();
        }
      }
    }
    assertThat(run("bars", "--dry-run").out()).contains("gold.bars: nothing to build");
    assertThat(run("quality").out()).contains("quality: nothing to rebuild");
  }

  /** 100 Tardis trades on each day from {@code first}, {@code days} days, one file per day. */
  private Path tardisDays(LocalDate first, int days) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("tardis-days"));
    for (int d = 0; d < days; d++) {
      LocalDate date = first.plusDays(d);
      StringBuilder sb =
          new StringBuilder("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
      long base = date.atTime(2, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
      for (int i = 1; i <= 100; i++) {
        long ts = base + i * 1_000_000L;
        sb.append(
            String.join(
                    ",",
                    "binance-futures",
                    "BTCUSDT",
                    Long.toString(ts),
                    Long.toString(ts + 100),
                    date + "-" + i,
                    "buy",
                    Integer.toString(9_000 + i),
                    "0.5")
                + "\n");
      }
      Files.writeString(folder.resolve(date + "_trades.csv"), sb);
    }
    return folder;
  }

  /** 40 days, 2020-01-01 to 2020-02-09, compacted: two bar batches, two quality months. */
  private void fortyDays() throws Exception {
    assertThat(run("init").code()).isZero();
    CliRun ingest =
        run("ingest", "--vendor", "tardis", tardisDays(LocalDate.of(2020, 1, 1), 40).toString());
    assertThat(ingest.code()).as(ingest.err()).isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
  }

  /**
   * Runs {@code main} while, once {@code started} exists, another run {@code other} commits (a
   * partition of {@code main}'s last commit, so that main loses it after committing others).
   */
  private CliRun withOtherRun(Path started, String[] other, String... main) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<CliRun> otherRun =
          pool.submit(
              () -> {
                for (long t = System.nanoTime();
                    !Files.exists(started) && System.nanoTime() - t < 120_000_000_000L; ) {
                  Thread.sleep(2);
                }
                return run(other);
              });
      CliRun r = run(main);
      CliRun o = otherRun.get();
      assertThat(o.code()).as(o.err()).isZero();
      return r;
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void barsJsonAfterLosingACommitListsEveryPartitionItBuilt() throws Exception {
    fortyDays();
    Path gold;
    try (io.ticklake.catalog.Warehouse w =
        io.ticklake.catalog.Warehouse.open(
            io.ticklake.catalog.WarehouseConfig.embedded(dir.resolve("wh")))) {
      gold =
          Path.of(
              io.ticklake.catalog.duckdb.PinnedScan.localPath(
                  w.table(io.ticklake.catalog.contract.TableContracts.GOLD_BARS.id()).location()));
    }
    // the first batch (32 partitions) started writing: the other run builds the last day
    Path started =
        gold.resolve("data/exchange=binance-futures/trading_date=2020-01-01/interval=1s");
    CliRun r =
        withOtherRun(
            started,
            new String[] {"bars", "--date", "2020-02-09", "--interval", "1d"},
            "bars",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode parts = new ObjectMapper().readTree(r.out()).path("partitions");
    List<String> names = new java.util.ArrayList<>();
    parts.forEach(p -> names.add(p.path("partition").asText()));
    // every partition this run committed is in its output, with its own result
    assertThat(names).hasSize(40).contains("binance-futures/2020-01-01");
    for (JsonNode p : parts) {
      assertThat(p.path("rows_in").asLong()).as(p.toString()).isEqualTo(100);
    }
    // it lost the last batch and built it again: the other run had built the last day at 1d
    assertThat(parts.get(39).path("partition").asText()).isEqualTo("binance-futures/2020-02-09");
    assertThat(parts.get(39).path("intervals").toString())
        .isEqualTo("[\"1s\",\"1m\",\"5m\",\"1h\"]");
    assertThat(run("bars", "--dry-run").out()).contains("gold.bars: nothing to build");
  }

  @Test
  void qualityAfterLosingACommitReportsTheMonthsItCommittedBefore() throws Exception {
    fortyDays();
    Path quality;
    try (io.ticklake.catalog.Warehouse w =
        io.ticklake.catalog.Warehouse.open(
            io.ticklake.catalog.WarehouseConfig.embedded(dir.resolve("wh")))) {
      quality =
          Path.of(
              io.ticklake.catalog.duckdb.PinnedScan.localPath(
                  w.table(io.ticklake.catalog.contract.TableContracts.GOLD_QUALITY_DAILY.id())
                      .location()));
    }
    // January is being computed: the other run builds the last day of February
    Path started = quality.resolve("data");
    CliRun r = withOtherRun(started, new String[] {"quality", "--date", "2020-02-09"}, "quality");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("another build committed some of these days meanwhile");
    // January was committed by this run before it lost February: the output must say so
    assertThat(r.out()).contains("quality binance-futures/2020-01-01: 1 symbol (new");
    assertThat(run("quality").out()).contains("quality: nothing to rebuild");
  }
}

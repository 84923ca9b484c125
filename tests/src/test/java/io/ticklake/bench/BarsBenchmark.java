package io.ticklake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.gold.bars.BarInterval;
import io.ticklake.gold.bars.BarJob;
import io.ticklake.gold.bars.BarOptions;
import io.ticklake.gold.bars.BarResult;
import io.ticklake.gold.bars.LeanBarCheck;
import io.ticklake.gold.bars.LeanBarCheck.DayResult;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gold bars over all Lean trades (IBM, BAC, AIG, 2013-10-07…11): the share of bars identical to the
 * vendor's own minute and second bars per symbol-day, and the bar job's speed against a bare DuckDB
 * GROUP BY over the same Silver files in the same run. Needs the vendor data set: run with {@code
 * -Dticklake.data=DIR} where DIR holds {@code lean/equity/usa}; skipped otherwise.
 */
@Tag("benchmark")
class BarsBenchmark {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @TempDir static Path dir;

  private static Path lean;
  private static Warehouse warehouse;
  private static List<BarResult> results;
  private static double jobSeconds;

  @BeforeAll
  static void buildLake() {
    String data = System.getProperty("ticklake.data");
    Assumptions.assumeTrue(data != null, "set -Dticklake.data to the vendor data folder");
    lean = Path.of(data, "lean", "equity", "usa");
    Assumptions.assumeTrue(Files.isDirectory(lean.resolve("tick")), "no " + lean);
    List<Path> trades =
        InputFiles.expand(List.of(lean.resolve("tick").toString())).stream()
            .filter(p -> p.getFileName().toString().endsWith("_trade.zip"))
            .toList();
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    IngestSummary ingest =
        new IngestJob(
                warehouse,
                VendorReaders.forVendor("lean", null),
                ExchangeTable.load(warehouse.catalog()),
                "us-equity",
                2,
                null,
                Clock.systemUTC())
            .run(trades);
    new SilverCompactor(warehouse, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
        .run();
    long start = System.nanoTime();
    results = new BarJob(warehouse, BarOptions.defaults()).run();
    jobSeconds = (System.nanoTime() - start) / 1e9;
    BenchReport.header(
        "Gold bars over all Lean trades, "
            + trades.size()
            + " files, "
            + ingest.rowsWritten()
            + " trades");
  }

  @AfterAll
  static void close() {
    if (warehouse != null) {
      warehouse.close();
    }
  }

  @Test
  void barsMatchTheVendorsMinuteAndSecondBars() throws Exception {
    Table gold = warehouse.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    Map<String, int[]> totals = new TreeMap<>();
    Map<String, Integer> kinds = new TreeMap<>();
    double worst = 1.0;
    try (DuckDbBridge b = DuckDbBridge.open(warehouse.tempDir(), 0, null)) {
      for (String resolution : List.of("minute", "second")) {
        BarInterval interval = resolution.equals("minute") ? BarInterval.M1 : BarInterval.S1;
        List<Path> files;
        try (Stream<Path> s = Files.walk(lean.resolve(resolution))) {
          files = s.filter(p -> p.toString().endsWith("_trade.zip")).sorted().toList();
        }
        for (Path f : files) {
          String symbol = f.getParent().getFileName().toString().toUpperCase(Locale.ROOT);
          LocalDate date =
              LocalDate.parse(
                  f.getFileName().toString().substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE);
          if (results.stream().noneMatch(r -> r.tradingDate().equals(date))) {
            continue; // a vendor bar file without ticks (2013-10-04)
          }
          DayResult r =
              LeanBarCheck.compare(
                  b,
                  gold,
                  gold.currentSnapshot(),
                  "us-equity",
                  symbol,
                  date,
                  interval,
                  f,
                  NEW_YORK);
          BenchReport.line(
              "%s %s %s: %,d of %,d bars identical = %.4f %%  %s",
              interval,
              symbol,
              date,
              r.identical(),
              r.bars(),
              100 * r.share(),
              r.byKind().isEmpty() ? "" : r.byKind().toString());
          r.diffs()
              .forEach(
                  d ->
                      BenchReport.line(
                          "    %s at %s: ticklake [%s] vendor [%s]",
                          d.kind(),
                          java.time.LocalTime.ofNanoOfDay(d.msOfDay() * 1_000_000L),
                          d.ours(),
                          d.vendor()));
          int[] t = totals.computeIfAbsent(interval.label(), k -> new int[2]);
          t[0] += r.identical();
          t[1] += r.bars();
          r.byKind().forEach((k, n) -> kinds.merge(interval.label() + " " + k, n, Integer::sum));
          worst = Math.min(worst, r.share());
        }
      }
    }
    totals.forEach(
        (k, t) ->
            BenchReport.line(
                "%s all symbol-days: %,d of %,d bars identical = %.4f %%",
                k, t[0], t[1], 100.0 * t[0] / t[1]));
    BenchReport.line(
        "worst symbol-day share: %.4f %%; differences by class: %s", 100 * worst, kinds);
    assertThat(totals).containsKeys("1m", "1s");
    assertThat(worst).isGreaterThanOrEqualTo(0.995);
  }

  @Test
  void oneMinuteAggregationVersusBareGroupBy() throws Exception {
    long rows = results.stream().mapToLong(BarResult::rowsIn).sum();
    long bars = results.stream().mapToLong(BarResult::totalBars).sum();
    Map<BarInterval, Double> perInterval = new TreeMap<>();
    results.forEach(r -> r.buildSeconds().forEach((i, s) -> perInterval.merge(i, s, Double::sum)));
    BenchReport.line(
        "bar job, all intervals, %d partitions: %,d trades -> %,d bars in %.2f s wall (%,.0f"
            + " trades/s)",
        results.size(), rows, bars, jobSeconds, rows / jobSeconds);
    perInterval.forEach(
        (i, s) ->
            BenchReport.line(
                "  %s build (bucket + carry + aggregate + Parquet): %.3f s = %,.0f trades/s",
                i, s, rows / s));

    BenchReport.line(
        "  shared by all intervals: load + classify %.3f s; commits %.3f s",
        results.stream().mapToDouble(BarResult::loadSeconds).sum(),
        results.stream().mapToDouble(BarResult::commitSeconds).sum());

    // the same run, only 1m, all partitions again (forced), alternating with the baseline: a bare
    // GROUP BY (symbol, minute) over the same Silver files, so both see the same machine load;
    // 9 rounds after 2 warm-ups of each, medians and the median of the per-round ratios
    BarOptions oneMinute =
        BarOptions.defaults().withIntervals(List.of(BarInterval.M1)).forced(true);
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    List<String> files =
        PinnedScan.plan(silver, Optional.of(silver.currentSnapshot())).localPaths();
    String list = files.stream().map(Sql::string).collect(Collectors.joining(", ", "[", "]"));
    String groupBy =
        "SELECT count(*) FROM (SELECT symbol, time_bucket(INTERVAL 1 MINUTE, ts_event) AS m,"
            + " arg_min(price, ts_event) AS o, max(price) AS h, min(price) AS l, arg_max(price,"
            + " ts_event) AS c, sum(size) AS v, count(*) AS n FROM read_parquet("
            + list
            + ") GROUP BY ALL)";
    int rounds = 9;
    long[] jobNanos = new long[rounds];
    long[] nanos = new long[rounds];
    double[] buildSecs = new double[rounds];
    double[] loadSecs = new double[rounds];
    double[] commitSecs = new double[rounds];
    double[] buildRatio = new double[rounds];
    double[] coreRatio = new double[rounds];
    double[] jobRatio = new double[rounds];
    long groups = 0;
    try (DuckDbBridge b = DuckDbBridge.open(warehouse.tempDir(), 0, null);
        Statement st = b.connection().createStatement()) {
      for (int i = -2; i < rounds; i++) {
        long s = System.nanoTime();
        List<BarResult> r = new BarJob(warehouse, oneMinute).run();
        long job = System.nanoTime() - s;
        s = System.nanoTime();
        try (ResultSet rs = st.executeQuery(groupBy)) {
          rs.next();
          groups = rs.getLong(1);
        }
        long bareRound = System.nanoTime() - s;
        if (i < 0) {
          continue;
        }
        jobNanos[i] = job;
        nanos[i] = bareRound;
        buildSecs[i] = r.stream().mapToDouble(x -> x.buildSeconds().get(BarInterval.M1)).sum();
        loadSecs[i] = r.stream().mapToDouble(BarResult::loadSeconds).sum();
        commitSecs[i] = r.stream().mapToDouble(BarResult::commitSeconds).sum();
        buildRatio[i] = buildSecs[i] / (bareRound / 1e9);
        coreRatio[i] = (buildSecs[i] + loadSecs[i]) / (bareRound / 1e9);
        jobRatio[i] = job / (double) bareRound;
      }
    }
    long planStart = System.nanoTime();
    new BarJob(warehouse, oneMinute).plan();
    double planSecs = (System.nanoTime() - planStart) / 1e9;
    for (double[] a : List.of(buildSecs, loadSecs, commitSecs, buildRatio, coreRatio, jobRatio)) {
      java.util.Arrays.sort(a);
    }
    double build1m = buildSecs[rounds / 2];
    double job1m = BenchReport.median(jobNanos) / 1e9;
    long bareNanos = BenchReport.median(nanos);
    double bare = bareNanos / 1e9;
    BenchReport.line(
        "1m bar job end to end (load + build + commit, %d partitions): %.3f s = %,.0f trades/s",
        results.size(), job1m, rows / job1m);
    BenchReport.line(
        "  of which planning (Silver and Gold history): %.3f s; load + register + commit: %.3f s"
            + " (medians: load + classify %.3f s, commits %.3f s)",
        planSecs, job1m - build1m - planSecs, loadSecs[rounds / 2], commitSecs[rounds / 2]);
    BenchReport.line(
        "1m build step (bucket + carry + aggregate + Parquet): %.3f s = %,.0f trades/s",
        build1m, rows / build1m);
    BenchReport.line(
        "1m load + classify + build: %.3f s = %,.0f trades/s",
        loadSecs[rounds / 2] + build1m, rows / (loadSecs[rounds / 2] + build1m));
    BenchReport.line(
        "bare DuckDB GROUP BY (symbol, minute) over the same %d files: %.3f s = %,.0f trades/s"
            + " (%,d groups)",
        files.size(), bare, rows / bare, groups);
    BenchReport.line(
        "ratio 1m build / bare GROUP BY = %.2f; 1m load + classify + build / bare GROUP BY ="
            + " %.2f; 1m job / bare GROUP BY = %.2f (medians of the %d per-round ratios)",
        buildRatio[rounds / 2], coreRatio[rounds / 2], jobRatio[rounds / 2], rounds);
    assertThat(groups).isPositive();
  }
}

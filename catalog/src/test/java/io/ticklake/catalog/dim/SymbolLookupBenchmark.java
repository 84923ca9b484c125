package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time resolution of 10 million events in bulk (DuckDB range join against a pinned
 * ref.dim_symbol) against a plain hash join on (exchange, symbol) that ignores time, in the same
 * process; plus the in-memory single lookup's rate. Run with {@code mvn -o -Pbench -pl catalog test
 * -Dtest=SymbolLookupBenchmark}.
 */
@Tag("benchmark")
class SymbolLookupBenchmark {
  private static final int EVENTS = 10_000_000;
  private static final int INSTRUMENTS = 5_000;
  private static final Path REPORT = Path.of("target", "benchmarks.txt");

  @TempDir Path dir;

  @Test
  void tenMillionEventsResolvedInBulk() throws Exception {
    line(
        "== SymbolLookup: %,d events, %,d instruments  (%s, %d cores, max heap %d MiB)",
        EVENTS,
        INSTRUMENTS,
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      new LakeInitializer(w).commit();
      DimSymbolTable dim = DimSymbolTable.open(w);
      dim.save(SymbolChanges.adding(instruments()), DimVersion.EMPTY);
      DimSymbolSnapshot rows = dim.read();
      line("dimension: %,d versions at version %s", rows.rows().size(), rows.version());

      try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 0, null)) {
        createEvents(bridge, rows);
        long registerStart = System.nanoTime();
        SymbolLookup lookup = SymbolLookup.register(bridge, rows);
        double registerMs = (System.nanoTime() - registerStart) / 1e6;

        String[] resolvedCount = new String[1];
        long bulk =
            median(
                () -> {
                  SymbolLookup fresh = SymbolLookup.register(bridge, rows);
                  SymbolLookup.Resolved r = fresh.resolveInto("events", "resolved");
                  resolvedCount[0] =
                      (r.events() - r.unresolved())
                          + " resolved, "
                          + r.unresolved()
                          + " unresolved";
                });
        long bulkCount =
            median(() -> count(bridge, SymbolLookup.register(bridge, rows).resolveSql("events")));
        // the baseline maps each ticker to one id, whatever the time
        bridge.execute(
            "CREATE TABLE ticker_ids AS SELECT exchange, key AS symbol, min(symbol_id) AS symbol_id"
                + " FROM "
                + lookup.versionsTable()
                + " GROUP BY exchange, key");
        String baselineJoin =
            "SELECT e.*, s.symbol_id FROM events AS e LEFT JOIN ticker_ids AS s"
                + " ON s.exchange = e.exchange AND s.symbol = e.symbol";
        long baseline =
            median(() -> bridge.execute("CREATE OR REPLACE TABLE baseline AS " + baselineJoin));
        long baselineCount = median(() -> count(bridge, baselineJoin));
        long distinct =
            median(
                () ->
                    count(bridge, "SELECT DISTINCT exchange, symbol, 1 AS symbol_id FROM events"));
        line("register the dimension in DuckDB: %.1f ms", registerMs);
        line("the distinct-spellings pass alone: %.2f s", distinct / 1e9);
        line(
            "into a table: bulk point-in-time %.2f s = %,.0f events/s (%s); baseline hash join on"
                + " (exchange, symbol) ignoring time %.2f s = %,.0f events/s; ratio %.2f",
            bulk / 1e9,
            EVENTS / (bulk / 1e9),
            resolvedCount[0],
            baseline / 1e9,
            EVENTS / (baseline / 1e9),
            (double) bulk / baseline);
        line(
            "count only:   bulk point-in-time %.2f s = %,.0f events/s; baseline %.2f s = %,.0f"
                + " events/s; ratio %.2f",
            bulkCount / 1e9,
            EVENTS / (bulkCount / 1e9),
            baselineCount / 1e9,
            EVENTS / (baselineCount / 1e9),
            (double) bulkCount / baselineCount);

        // the in-memory single lookup, on the first million events, and agreement with the bulk
        SymbolResolver resolver = SymbolResolver.of(rows);
        List<Object[]> sample = new ArrayList<>();
        try (Statement s = bridge.connection().createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT exchange, symbol, epoch_us(ts_event), symbol_id FROM resolved"
                        + " WHERE event_no < 1000000")) {
          while (rs.next()) {
            long id = rs.getLong(4);
            Long symbolId = rs.wasNull() ? null : id;
            sample.add(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), symbolId});
          }
        }
        long singleStart = System.nanoTime();
        int mismatches = 0;
        for (Object[] e : sample) {
          long us = (Long) e[2];
          Instant t =
              Instant.ofEpochSecond(
                  Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
          var id = resolver.symbolId((String) e[0], (String) e[1], t);
          Long expected = id.isPresent() ? id.getAsLong() : null;
          if (!java.util.Objects.equals(expected, e[3])) {
            mismatches++;
          }
        }
        double singleSeconds = (System.nanoTime() - singleStart) / 1e9;
        line(
            "single lookups in Java (SymbolResolver), %,d events: %.2f s = %,.0f lookups/s;"
                + " disagreements with the bulk result: %d",
            sample.size(), singleSeconds, sample.size() / singleSeconds, mismatches);
        assertThat(mismatches).isZero();
      }
    }
  }

  /** INSTRUMENTS synthetic instruments on us-equity, every other one renamed once. */
  private static List<SymbolVersion> instruments() {
    SplittableRandom random = new SplittableRandom(42);
    List<SymbolVersion> rows = new ArrayList<>();
    Instant listed = Instant.parse("1998-01-02T05:00:00Z");
    for (int i = 0; i < INSTRUMENTS; i++) {
      String canonical = String.format(Locale.ROOT, "bench:S%05d", i);
      long id = SymbolIds.derive("us-equity", canonical);
      SymbolAttributes a = DimRows.attrs("0.01");
      String first = String.format(Locale.ROOT, "S%05d", i);
      if (i % 2 == 0) {
        Instant rename =
            LocalDate.of(2000, 1, 1)
                .plusDays(random.nextInt(9000))
                .atStartOfDay()
                .toInstant(java.time.ZoneOffset.UTC);
        rows.add(
            new SymbolVersion(
                id,
                "us-equity",
                canonical,
                first,
                null,
                a,
                listed,
                Optional.of(rename),
                false,
                false,
                "bench",
                Instant.EPOCH));
        rows.add(
            new SymbolVersion(
                id,
                "us-equity",
                canonical,
                String.format(Locale.ROOT, "T%05d", i),
                null,
                a,
                rename,
                Optional.empty(),
                true,
                false,
                "bench",
                Instant.EPOCH));
      } else {
        rows.add(
            new SymbolVersion(
                id,
                "us-equity",
                canonical,
                first,
                null,
                a,
                listed,
                Optional.empty(),
                true,
                false,
                "bench",
                Instant.EPOCH));
      }
    }
    return rows;
  }

  /** EVENTS events over every ticker (and 1% unknown), uniformly between 1997 and 2027. */
  private static void createEvents(DuckDbBridge bridge, DimSymbolSnapshot rows) {
    bridge.execute("CREATE TABLE tickers (n BIGINT, exchange VARCHAR, symbol VARCHAR)");
    StringBuilder values = new StringBuilder();
    List<String> tickers = rows.rows().stream().map(SymbolVersion::ticker).distinct().toList();
    for (int i = 0; i < tickers.size(); i++) {
      values
          .append(i == 0 ? "" : ",")
          .append("(")
          .append(i)
          .append(",'us-equity','")
          .append(tickers.get(i))
          .append("')");
    }
    bridge.execute("INSERT INTO tickers VALUES " + values);
    bridge.execute(
        "INSERT INTO tickers SELECT "
            + tickers.size()
            + " + i, 'us-equity', 'UNKNOWN' || i FROM"
            + " range("
            + tickers.size() / 100
            + ") r(i)");
    long start = Instant.parse("1997-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
    long span = Instant.parse("2027-01-01T00:00:00Z").getEpochSecond() * 1_000_000L - start;
    bridge.execute(
        "CREATE TABLE events AS SELECT r.i AS event_no, t.exchange, t.symbol,"
            + " make_timestamptz("
            + start
            + " + (hash(r.i, 1) % "
            + span
            + ")::BIGINT) AS ts_event,"
            + " CAST(100 + (hash(r.i, 2) % 10000) / 100.0 AS DECIMAL(18,9)) AS price"
            + " FROM range("
            + EVENTS
            + ") r(i) JOIN tickers t ON t.n = hash(r.i) % "
            + (tickers.size() + tickers.size() / 100));
  }

  private static void count(DuckDbBridge bridge, String sql) throws Exception {
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT count(symbol_id) FROM (" + sql + ")")) {
      rs.next();
    }
  }

  /** Median of 5 timed runs after one warm-up, in nanoseconds. */
  private static long median(Body body) throws Exception {
    int runs = 5;
    body.run(); // warm-up
    long[] t = new long[runs];
    for (int i = 0; i < runs; i++) {
      long s = System.nanoTime();
      body.run();
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    return t[runs / 2];
  }

  private interface Body {
    void run() throws Exception;
  }

  private static void line(String format, Object... args) throws IOException {
    String text = String.format(Locale.ROOT, format, args);
    System.out.println(text);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(
        REPORT,
        text + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}

package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DuckDB bulk lookup against the in-memory single lookup, on real reference data. */
class SymbolLookupTest {
  private static final int EVENTS = 100_000;

  @TempDir Path dir;
  Warehouse warehouse;
  DuckDbBridge bridge;
  DimSymbolSnapshot dimRows;

  record Event(long no, String exchange, String symbol, Instant ts) {}

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(warehouse).commit();
    DimSymbolTable dim = DimSymbolTable.open(warehouse);
    new SymbolLoader(
            SymbolLoader.references(Optional.empty(), Optional.empty(), Optional.empty()),
            Fixtures.TODAY,
            Fixtures.CLOCK)
        .commit(dim, DimSymbolTable.Retry.DEFAULT);
    new SymbolRegistry(dim, RegistrationPolicy.AUTO, Fixtures.CLOCK)
        .ensureRegistered("us-equity", "MSFT");
    dimRows = dim.read();
    bridge = DuckDbBridge.open(warehouse.tempDir(), 2, null);
  }

  @AfterEach
  void tearDown() {
    bridge.close();
    warehouse.close();
  }

  /** Events on every spelling, unknown ones too, at random times and at every window edge. */
  private List<Event> events() {
    List<String[]> spellings = new ArrayList<>();
    List<Instant> edges = new ArrayList<>();
    for (SymbolVersion v : dimRows.rows()) {
      spellings.add(new String[] {v.exchange(), v.ticker()});
      spellings.add(new String[] {v.exchange(), v.ticker().toLowerCase(Locale.ROOT)});
      for (String alias : v.attributes().aliasList()) {
        spellings.add(new String[] {v.exchange(), alias});
      }
      edges.add(v.validFrom());
      v.validUntil().ifPresent(edges::add);
    }
    spellings.add(new String[] {"us-equity", "NOPE"});
    spellings.add(new String[] {"nowhere", "IBM"});
    spellings.add(new String[] {"binance", "BTCUSDT-PERP"});
    SplittableRandom random = new SplittableRandom(20261122);
    long lo = Instant.parse("1960-01-01T00:00:00Z").getEpochSecond();
    long hi = Instant.parse("2031-01-01T00:00:00Z").getEpochSecond();
    List<Event> events = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      String[] s = spellings.get(random.nextInt(spellings.size()));
      Instant ts;
      if (random.nextInt(4) == 0) {
        // right at, just before or just after a window edge
        ts = edges.get(random.nextInt(edges.size())).plusNanos(1_000L * (random.nextInt(3) - 1));
      } else {
        ts = Instant.ofEpochSecond(random.nextLong(lo, hi), random.nextInt(1_000_000) * 1_000L);
      }
      events.add(new Event(i, s[0], s[1], ts));
    }
    return events;
  }

  private void createEvents(String table, List<Event> events) throws Exception {
    bridge.execute(
        "CREATE OR REPLACE TABLE "
            + table
            + " (event_no BIGINT, exchange VARCHAR, symbol VARCHAR, ts_event TIMESTAMPTZ)");
    try (DuckDBAppender a =
        bridge.connection().unwrap(DuckDBConnection.class).createAppender("main", table)) {
      for (Event e : events) {
        a.beginRow();
        a.append(e.no());
        a.append(e.exchange());
        a.append(e.symbol());
        a.appendEpochMicros(e.ts().getEpochSecond() * 1_000_000L + e.ts().getNano() / 1_000);
        a.endRow();
      }
    }
  }

  private Map<Long, Long> resolvedIds(String sql) throws Exception {
    Map<Long, Long> out = new HashMap<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        long no = rs.getLong("event_no");
        long id = rs.getLong("symbol_id");
        Long previous = out.put(no, rs.wasNull() ? null : id);
        assertThat(previous).as("event %d resolved twice", no).isNull();
      }
    }
    return out;
  }

  @Test
  void bulkLookupEqualsSingleLookups() throws Exception {
    List<Event> events = events();
    createEvents("events", events);
    SymbolLookup lookup = SymbolLookup.register(bridge, dimRows);
    SymbolLookup.Resolved counts = lookup.resolveInto("events", "resolved");
    assertThat(counts.events()).isEqualTo(EVENTS);
    Map<Long, Long> bulk = resolvedIds("SELECT event_no, symbol_id FROM resolved");
    assertThat(bulk).hasSize(EVENTS);

    SymbolResolver single = SymbolResolver.of(dimRows);
    long resolved = 0;
    for (Event e : events) {
      OptionalLong expected = single.symbolId(e.exchange(), e.symbol(), e.ts());
      Long actual = bulk.get(e.no());
      assertThat(actual == null ? OptionalLong.empty() : OptionalLong.of(actual))
          .as("event %s", e)
          .isEqualTo(expected);
      if (expected.isPresent()) {
        resolved++;
      }
    }
    assertThat(counts.unresolved()).isEqualTo(EVENTS - resolved);
    // the sample exercises both outcomes a lot
    assertThat(resolved).isBetween(EVENTS / 5L, EVENTS * 4L / 5);
  }

  @Test
  void theResultIsTheSameWhateverTheBatching() throws Exception {
    List<Event> events = events();
    createEvents("events", events);
    Map<Long, Long> whole =
        resolvedIds(SymbolLookup.register(bridge, dimRows).resolveSql("events"));

    // seven batches through one lookup, then three through fresh lookups
    Map<Long, Long> batched = new HashMap<>();
    SymbolLookup one = SymbolLookup.register(bridge, dimRows);
    for (int b = 0; b < 7; b++) {
      batched.putAll(
          resolvedIds(one.resolveSql("(SELECT * FROM events WHERE event_no % 7 = " + b + ")")));
    }
    assertThat(batched).isEqualTo(whole);
    Map<Long, Long> fresh = new HashMap<>();
    for (int b = 0; b < 3; b++) {
      int batch = b;
      createEvents("batch", events.stream().filter(e -> e.no() % 3 == batch).toList());
      fresh.putAll(resolvedIds(SymbolLookup.register(bridge, dimRows).resolveSql("batch")));
    }
    assertThat(fresh).isEqualTo(whole);
  }

  @Test
  void otherColumnNamesAndTheDimensionsVersionAreHonoured() throws Exception {
    bridge.execute(
        "CREATE TABLE ticks AS SELECT 'us-equity' AS venue, 'bac' AS sym,"
            + " TIMESTAMPTZ '2013-10-07 14:30:00+00' AS t, 1 AS event_no");
    SymbolLookup lookup = SymbolLookup.register(bridge, dimRows);
    assertThat(lookup.version()).isEqualTo(dimRows.version());
    assertThat(resolvedIds(lookup.resolveSql("ticks", "venue", "sym", "t")))
        .containsEntry(1L, SymbolIds.derive("us-equity", "lean:NB:19980102"));
  }

  @Test
  void aDimensionBreakingItsRulesIsRefusedRatherThanMatchingEventsTwice() {
    DimSymbolSnapshot broken =
        new DimSymbolSnapshot(
            DimVersion.of(7),
            List.of(
                DimRows.open("x", "a", "A", DimRows.T0), DimRows.open("x", "b", "A", DimRows.T0)));
    assertThatThrownBy(() -> SymbolLookup.register(bridge, broken))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith(
            "Cannot resolve symbols against ref.dim_symbol version 7: key A on x names two"
                + " instruments at 2020-01-01T00:00:00Z");
  }
}

package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Point-in-time symbol resolution in bulk, in DuckDB: gives every event of a relation the {@code
 * symbol_id} its (exchange, symbol) named at its event time, by a range join against one pinned
 * version of {@code ref.dim_symbol}. Built for compaction: millions of events in seconds.
 *
 * <p>{@link #register} loads the versions of one {@link DimSymbolSnapshot} (so one pinned Iceberg
 * snapshot) into a DuckDB table of {@code (exchange, key, valid_from, valid_until, symbol_id)}, one
 * row per version and lookup key. {@link #resolveSql} first normalises the distinct (exchange,
 * symbol) spellings of the events in Java with {@link SymbolIds#normalize} (the one normalisation
 * ticklake has, so answers equal {@link SymbolResolver}'s), joins them to their keys' versions into
 * a small spellings table, and returns a query that hash-joins the events to it on (exchange,
 * symbol) with {@code valid_from <= ts < valid_until}. The dimension is validated first, so at most
 * one version matches an event. An event's answer depends only on its own columns and the pinned
 * version, hence it is the same whatever the batching.
 *
 * <p>Not thread-safe: one lookup per bridge and thread, like the bridge.
 */
public final class SymbolLookup {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final DuckDbBridge bridge;
  private final DimVersion version;
  private final String versionsTable;
  private final String spellingsTable;
  private final String stagingTable;
  private final Set<String> spellingsSeen = new HashSet<>();

  private SymbolLookup(DuckDbBridge bridge, DimVersion version, long id) {
    this.bridge = bridge;
    this.version = version;
    this.versionsTable = "ticklake_symbol_versions_" + id;
    this.spellingsTable = "ticklake_symbol_spellings_" + id;
    this.stagingTable = "ticklake_symbol_staging_" + id;
  }

  /**
   * Loads one version of the dimension into the bridge's DuckDB.
   *
   * @throws TicklakeException of kind INPUT when the rows break a dimension rule (a lookup could
   *     then match an event twice)
   */
  public static SymbolLookup register(DuckDbBridge bridge, DimSymbolSnapshot dim) {
    requireNonNull(bridge, "bridge is null");
    requireNonNull(dim, "dim is null");
    List<String> violations = DimSymbolValidator.violations(dim.rows());
    if (!violations.isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot resolve symbols against %s version %s: %s",
          DimSymbolTable.NAME,
          dim.version(),
          DimSymbolValidator.summary(violations));
    }
    SymbolLookup lookup = new SymbolLookup(bridge, dim.version(), SEQUENCE.incrementAndGet());
    lookup.load(dim);
    return lookup;
  }

  /** The version of the dimension events are resolved against. */
  public DimVersion version() {
    return version;
  }

  /**
   * The DuckDB table of versions by lookup key: exchange, key, valid_from, valid_until, symbol_id.
   */
  public String versionsTable() {
    return versionsTable;
  }

  private void load(DimSymbolSnapshot dim) {
    bridge.execute(
        "CREATE OR REPLACE TABLE "
            + versionsTable
            + " (exchange VARCHAR, key VARCHAR, valid_from TIMESTAMPTZ, valid_until TIMESTAMPTZ,"
            + " symbol_id BIGINT)");
    try (DuckDBAppender a = appender(versionsTable)) {
      for (SymbolVersion v : dim.rows()) {
        for (String key : v.lookupKeys()) {
          a.beginRow();
          a.append(v.exchange());
          a.append(key);
          a.appendEpochMicros(micros(v.validFrom()));
          if (v.validUntil().isPresent()) {
            a.appendEpochMicros(micros(v.validUntil().get()));
          } else {
            a.appendNull();
          }
          a.append(v.symbolId());
          a.endRow();
        }
      }
    } catch (SQLException e) {
      throw failure("load the dimension", e);
    }
    // open-ended versions end at infinity, so the join condition needs no special case
    bridge.execute(
        "UPDATE "
            + versionsTable
            + " SET valid_until = 'infinity'::TIMESTAMPTZ WHERE valid_until IS NULL");
    bridge.execute(
        "CREATE OR REPLACE TABLE "
            + spellingsTable
            + " (exchange VARCHAR, symbol VARCHAR, valid_from TIMESTAMPTZ, valid_until"
            + " TIMESTAMPTZ, symbol_id BIGINT)");
    bridge.execute(
        "CREATE OR REPLACE TABLE "
            + stagingTable
            + " (exchange VARCHAR, symbol VARCHAR, key VARCHAR)");
  }

  /**
   * A query returning every row of {@code events} plus a {@code symbol_id} column (null when the
   * symbol named no instrument at the event time), for events with columns {@code exchange}, {@code
   * symbol} and {@code ts_event}.
   *
   * @param events a table or view name, or a parenthesised query
   */
  public String resolveSql(String events) {
    return resolveSql(events, "exchange", "symbol", "ts_event");
  }

  /**
   * A query returning every row of {@code events} plus a {@code symbol_id} column. Registers the
   * events' spellings first, so the query is valid for these events (and any earlier ones).
   *
   * @param events a table or view name, or a parenthesised query
   * @param exchangeColumn the events' exchange column (VARCHAR)
   * @param symbolColumn the events' symbol column (VARCHAR)
   * @param timeColumn the events' time column (TIMESTAMPTZ)
   */
  public String resolveSql(
      String events, String exchangeColumn, String symbolColumn, String timeColumn) {
    String ex = "e." + Sql.ident(exchangeColumn);
    String sym = "e." + Sql.ident(symbolColumn);
    String ts = "e." + Sql.ident(timeColumn);
    learnSpellings(
        "SELECT DISTINCT CAST("
            + ex
            + " AS VARCHAR), CAST("
            + sym
            + " AS VARCHAR) FROM "
            + events
            + " AS e WHERE "
            + ex
            + " IS NOT NULL AND "
            + sym
            + " IS NOT NULL");
    return "SELECT e.*, s.symbol_id AS symbol_id FROM "
        + events
        + " AS e LEFT JOIN "
        + spellingsTable
        + " AS s ON s.exchange = "
        + ex
        + " AND s.symbol = "
        + sym
        + " AND "
        + ts
        + " >= s.valid_from AND "
        + ts
        + " < s.valid_until";
  }

  /**
   * Writes {@code events} with their {@code symbol_id} into a new DuckDB table.
   *
   * @return the number of events and of events without a symbol_id
   */
  public Resolved resolveInto(String events, String targetTable) {
    String sql = resolveSql(events);
    bridge.execute("CREATE OR REPLACE TABLE " + Sql.ident(targetTable) + " AS " + sql);
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE symbol_id IS NULL) FROM "
                    + Sql.ident(targetTable))) {
      rs.next();
      return new Resolved(rs.getLong(1), rs.getLong(2));
    } catch (SQLException e) {
      throw failure("count resolved events", e);
    }
  }

  /**
   * Counts of a bulk resolution.
   *
   * @param events events resolved
   * @param unresolved events whose symbol named no instrument at their time
   */
  public record Resolved(long events, long unresolved) {}

  private void learnSpellings(String distinctSql) {
    List<String[]> fresh = new ArrayList<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(distinctSql)) {
      while (rs.next()) {
        String exchange = rs.getString(1);
        String symbol = rs.getString(2);
        if (spellingsSeen.add(exchange + "\u0000" + symbol)) {
          fresh.add(new String[] {exchange, symbol});
        }
      }
    } catch (SQLException e) {
      throw failure("read the events' symbols", e);
    }
    if (fresh.isEmpty()) {
      return;
    }
    bridge.execute("DELETE FROM " + stagingTable);
    try (DuckDBAppender a = appender(stagingTable)) {
      for (String[] f : fresh) {
        a.beginRow();
        a.append(f[0]);
        a.append(f[1]);
        a.append(SymbolIds.normalize(f[1]));
        a.endRow();
      }
    } catch (SQLException e) {
      throw failure("register symbols", e);
    }
    bridge.execute(
        "INSERT INTO "
            + spellingsTable
            + " SELECT s.exchange, s.symbol, v.valid_from, v.valid_until, v.symbol_id FROM "
            + stagingTable
            + " AS s JOIN "
            + versionsTable
            + " AS v ON v.exchange = s.exchange AND v.key = s.key");
  }

  private DuckDBAppender appender(String table) throws SQLException {
    return bridge
        .connection()
        .unwrap(DuckDBConnection.class)
        .createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
  }

  private static long micros(java.time.Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  private static TicklakeException failure(String what, SQLException e) {
    return new TicklakeException(
        Kind.FAILURE, "Cannot " + what + " in DuckDB: " + e.getMessage().strip(), e);
  }
}

package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The rows an {@link ExportRequest} selects from its table at one pinned snapshot, exposed to an
 * in-process DuckDB as the view {@code export_source}. Both the export and {@code export verify}
 * read through this class, so they agree on which rows, in which order, make up an export.
 *
 * <p>Not thread-safe (it owns one DuckDB connection).
 */
public final class ExportSource implements AutoCloseable {
  /** Name of the DuckDB view holding the selected rows. */
  public static final String VIEW = "export_source";

  private static final String ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ";

  /** How timestamp columns are written. */
  public enum TimeStyle {
    /** As stored: timestamptz in microseconds. */
    NATIVE,
    /** timestamptz in nanoseconds (pandas reads datetime64[ns, UTC] whatever its version). */
    NANOS,
    /** ISO-8601 text in UTC with microseconds, e.g. {@code 2013-10-11T13:30:00.000000Z}. */
    ISO_TEXT
  }

  /** One symbol on one trading date. */
  public record SymbolDay(String exchange, String symbol, LocalDate tradingDate) {
    public SymbolDay {
      requireNonNull(exchange, "exchange is null");
      requireNonNull(symbol, "symbol is null");
      requireNonNull(tradingDate, "tradingDate is null");
    }
  }

  private final DuckDbBridge bridge;
  private final ExportRequest request;
  private final Table table;
  private final Optional<Snapshot> snapshot;
  private final Schema schema;

  private ExportSource(
      DuckDbBridge bridge, ExportRequest request, Table table, Optional<Snapshot> snapshot) {
    this.bridge = bridge;
    this.request = request;
    this.table = table;
    this.snapshot = snapshot;
    // a column added later is not part of what the snapshot selected: an export of the snapshot,
    // and its verification, stay the same after the table evolves
    this.schema = SnapshotResolver.schemaAt(table, snapshot);
  }

  /**
   * Registers the view of {@code request}'s rows of {@code table} at {@code snapshot}.
   *
   * @param tempDir DuckDB spill directory
   */
  public static ExportSource open(
      Path tempDir, ExportRequest request, Table table, Optional<Snapshot> snapshot) {
    DuckDbBridge bridge = DuckDbBridge.open(tempDir, 0, null);
    try {
      ExportSource source = new ExportSource(bridge, request, table, snapshot);
      PinnedScan files = PinnedScan.plan(table, snapshot, source.pruning());
      PinnedScan scan = new PinnedScan(table, snapshot, source.schema, files.dataFiles());
      bridge.execute(
          "CREATE TEMP VIEW "
              + VIEW
              + " AS SELECT * FROM ("
              + DuckDbBridge.relationSql(scan, PartitionFilter.all())
              + ") WHERE "
              + source.predicate());
      return source;
    } catch (org.apache.iceberg.exceptions.NotFoundException e) {
      // a concurrent `ticklake expire` removed the snapshot after the table was loaded: its
      // manifest list or manifests are gone. A rerun pins the snapshots left (or says the one
      // asked for was expired)
      bridge.close();
      throw TicklakeException.of(
          Kind.CONFLICT,
          "Cannot read %s at snapshot %s: it was expired while it was read (%s); retry",
          request.table(),
          snapshot.map(s -> Long.toString(s.snapshotId())).orElse("(none)"),
          e.getMessage());
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
  }

  /** The DuckDB bridge the view lives in. */
  public DuckDbBridge bridge() {
    return bridge;
  }

  /** The request. */
  public ExportRequest request() {
    return request;
  }

  /** The table's schema (the columns exported). */
  public Schema schema() {
    return schema;
  }

  /** The pinned snapshot id, or -1 when the table had no snapshot. */
  public long snapshotId() {
    return snapshot.map(Snapshot::snapshotId).orElse(-1L);
  }

  private Expression pruning() {
    Expression e =
        Expressions.and(
            Expressions.greaterThanOrEqual("trading_date", request.from().toString()),
            Expressions.lessThanOrEqual("trading_date", request.to().toString()));
    e = Expressions.and(e, Expressions.in("symbol", request.symbols().toArray()));
    if (request.exchange() != null) {
      e = Expressions.and(e, Expressions.equal("exchange", request.exchange()));
    }
    if (request.isBars()) {
      e = Expressions.and(e, Expressions.equal("interval", request.interval()));
    }
    return e;
  }

  private String predicate() {
    List<String> terms = new ArrayList<>();
    terms.add(
        "trading_date BETWEEN "
            + Sql.literal(request.from())
            + " AND "
            + Sql.literal(request.to()));
    terms.add(
        "symbol IN "
            + request.symbols().stream()
                .map(Sql::string)
                .collect(Collectors.joining(", ", "(", ")")));
    if (request.exchange() != null) {
      terms.add("exchange = " + Sql.string(request.exchange()));
    }
    if (request.isBars()) {
      terms.add(Sql.ident("interval") + " = " + Sql.string(request.interval()));
    }
    if (request.profile() == ExportProfile.LEAN) {
      // Lean bars always carry four prices; a bar of volume-only prints has none to write.
      terms.add("open IS NOT NULL AND high IS NOT NULL AND low IS NOT NULL AND close IS NOT NULL");
    }
    return String.join(" AND ", terms);
  }

  /** The total order rows are written in. */
  public String orderBy() {
    return request.isBars()
        ? "exchange, symbol, trading_date, bar_start"
        : "exchange, symbol, trading_date, " + TableContracts.SILVER_EVENT_ORDER;
  }

  /**
   * The query of the exported rows in order: every column accepted by {@code columns}, times in
   * {@code style}, restricted by {@code where} (SQL, or null).
   */
  public String select(TimeStyle style, Predicate<NestedField> columns, String where) {
    String list =
        schema.columns().stream()
            .filter(columns)
            .map(f -> column(f, style))
            .collect(Collectors.joining(", "));
    return "SELECT "
        + list
        + " FROM "
        + VIEW
        + (where == null ? "" : " WHERE " + where)
        + " ORDER BY "
        + orderBy();
  }

  private static String column(NestedField f, TimeStyle style) {
    String id = Sql.ident(f.name());
    if (f.type().typeId() == Type.TypeID.UUID) {
      // the 36-character text form: every reader (Spark included) takes it, a Parquet UUID not
      return "CAST(" + id + " AS VARCHAR) AS " + id;
    }
    if (f.type().typeId() != Type.TypeID.TIMESTAMP) {
      return id;
    }
    boolean utc = ((Types.TimestampType) f.type()).shouldAdjustToUTC();
    return switch (style) {
      case NATIVE -> id;
      case NANOS ->
          "CAST(" + id + " AS " + (utc ? "TIMESTAMPTZ_NS" : "TIMESTAMP_NS") + ") AS " + id;
      case ISO_TEXT ->
          "strftime("
              + id
              + ", "
              + Sql.string(utc ? ISO_FORMAT : ISO_FORMAT.substring(0, ISO_FORMAT.length() - 1))
              + ") AS "
              + id;
    };
  }

  /** Rows selected. */
  public long rowCount() {
    return queryLong("SELECT count(*) FROM " + VIEW);
  }

  /**
   * An order-independent digest of the selected rows: {@link #digestAlgorithm()}, a colon, and the
   * sum over rows of DuckDB's 64-bit {@code hash} of the whole row. One cheap pass (about 20 times
   * faster than an MD5 per row, measured), sensitive to any changed, added or removed row. DuckDB
   * does not promise its hash across versions, so the algorithm names the DuckDB version and a
   * digest is only compared with one of the same algorithm. Not a cryptographic digest: the
   * receipt's SHA-256 per file is what detects tampering with files.
   */
  public String contentDigest() {
    return digestAlgorithm()
        + ":"
        + queryString("SELECT CAST(coalesce(sum(hash(s)), 0) AS VARCHAR) FROM " + VIEW + " s");
  }

  /** The digest algorithm of this build, e.g. {@code duckdb-v2.0.0-row-hash-sum}. */
  public String digestAlgorithm() {
    return "duckdb-" + queryString("SELECT version()") + "-row-hash-sum";
  }

  /** The algorithm part of a digest made by {@link #contentDigest()}. */
  public static String algorithmOf(String digest) {
    int colon = digest.lastIndexOf(':');
    return colon < 0 ? "" : digest.substring(0, colon);
  }

  /** The requested symbols that have rows in the selection (range, exchange, interval). */
  public List<String> selectedSymbols() {
    List<String> out = new ArrayList<>();
    query(
        "SELECT DISTINCT symbol FROM " + VIEW + " ORDER BY symbol", rs -> out.add(rs.getString(1)));
    return out;
  }

  /**
   * The symbols the table holds at the snapshot on any date (for the request's exchange), sorted;
   * with {@code only} non-null, just those of {@code only} (files are pruned by their symbol
   * statistics, so checking a few symbols does not read the whole table).
   */
  public List<String> knownSymbols(List<String> only) {
    Expression filter =
        request.exchange() == null
            ? Expressions.alwaysTrue()
            : Expressions.equal("exchange", request.exchange());
    List<String> where = new ArrayList<>();
    if (request.exchange() != null) {
      where.add("exchange = " + Sql.string(request.exchange()));
    }
    if (only != null) {
      filter = Expressions.and(filter, Expressions.in("symbol", only.toArray()));
      where.add(
          "symbol IN "
              + only.stream().map(Sql::string).collect(Collectors.joining(", ", "(", ")")));
    }
    PinnedScan scan = PinnedScan.plan(table, snapshot, filter);
    String sql =
        "SELECT DISTINCT symbol FROM ("
            + DuckDbBridge.relationSql(scan, PartitionFilter.all())
            + ")"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY symbol";
    List<String> out = new ArrayList<>();
    query(sql, rs -> out.add(rs.getString(1)));
    return out;
  }

  /** The (exchange, symbol, trading date) groups of the selected rows, in order. */
  public List<SymbolDay> symbolDays() {
    List<SymbolDay> out = new ArrayList<>();
    query(
        "SELECT DISTINCT exchange, symbol, trading_date FROM " + VIEW + " ORDER BY 2, 3, 1",
        rs ->
            out.add(
                new SymbolDay(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class))));
    return out;
  }

  /** Runs a query and hands each row to {@code row}. */
  public void query(String sql, RowHandler row) {
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        row.accept(rs);
      }
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot read " + request.table() + ": " + e.getMessage().strip(), e);
    }
  }

  private long queryLong(String sql) {
    long[] v = new long[1];
    query(sql, rs -> v[0] = rs.getLong(1));
    return v[0];
  }

  private String queryString(String sql) {
    String[] v = new String[1];
    query(sql, rs -> v[0] = rs.getString(1));
    return v[0];
  }

  /** Consumes one row of a result set. */
  @FunctionalInterface
  public interface RowHandler {
    /** Reads the current row. */
    void accept(ResultSet rs) throws SQLException;
  }

  @Override
  public void close() {
    bridge.close();
  }
}

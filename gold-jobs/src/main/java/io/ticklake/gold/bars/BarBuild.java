package io.ticklake.gold.bars;

import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.SessionInterval;
import io.ticklake.catalog.calendar.SessionType;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;

/**
 * Builds the bars of one Silver partition with DuckDB: reads the pinned Silver rows once, then per
 * interval classifies every print with the vendor's {@link EligibilityTable}, assigns it to its bar
 * and writes one Parquet file sorted by (symbol, bar_start). Commits nothing. Not thread-safe (uses
 * one bridge).
 *
 * <p>The steps, all in SQL over microsecond epoch times:
 *
 * <ol>
 *   <li>Each print gets its session from the calendar (prints outside every session are in no bar)
 *       and its position in Silver order (symbol, ts_event, vendor_seq, file_seq, wal_seq,
 *       event_id), so same-time prints keep the vendor's order.
 *   <li>The eligibility table gives a treatment; auction prints move to the first (opening) or last
 *       (closing) bar of the regular session.
 *   <li>The bar of a print is its clock bucket in exchange time, cut at its session's bounds; a 1d
 *       bar is the whole session.
 *   <li>A volume-only print in a bar that has no price-eligible print counts in the latest earlier
 *       bar of the same session that has one (the vendor emits no bar without a price); with no
 *       such bar it makes a bar with volume and no prices.
 *   <li>OHLC from price-eligible prints in order (auction open first, auction close last), volume,
 *       VWAP (exact, rounded half up to 9 decimals) and count from volume-eligible prints.
 * </ol>
 */
final class BarBuild {
  /** The Silver sort order; event_id is unique, so the order is total. */
  static final String SILVER_ORDER =
      "ts_event, vendor_seq NULLS FIRST, file_seq NULLS FIRST, wal_seq NULLS FIRST, event_id";

  private static final int ROW_GROUP_SIZE = 122_880;

  private final DuckDbBridge bridge;
  private final Schema goldSchema;

  BarBuild(DuckDbBridge bridge, Schema goldSchema) {
    this.bridge = bridge;
    this.goldSchema = goldSchema;
  }

  /** Rows read and kept. */
  record Input(long rowsIn, long rowsInSessions, List<String> vendors) {}

  /**
   * Loads the partition's Silver rows into the temp table {@code tl_p}.
   *
   * @param scan the pinned Silver scan
   * @param filter the partition filter
   * @param calendar the exchange calendar
   * @param date the trading date
   */
  Input load(PinnedScan scan, PartitionFilter filter, ExchangeCalendar calendar, LocalDate date) {
    List<SessionInterval> sessions = calendar.sessions(date);
    StringBuilder values = new StringBuilder();
    for (SessionInterval s : sessions) {
      if (values.length() > 0) {
        values.append(", ");
      }
      values
          .append("(")
          .append(Sql.string(s.type().label()))
          .append(", CAST(")
          .append(micros(s.open()))
          .append(" AS BIGINT), CAST(")
          .append(micros(s.close()))
          .append(" AS BIGINT), CAST(")
          .append(offsetMicros(calendar, s.open()))
          .append(" AS BIGINT))");
    }
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_sess AS "
            + (sessions.isEmpty()
                ? "SELECT CAST(NULL AS VARCHAR) AS sess, CAST(NULL AS BIGINT) AS s_open,"
                    + " CAST(NULL AS BIGINT) AS s_close, CAST(NULL AS BIGINT) AS s_off WHERE false"
                : "SELECT * FROM (VALUES " + values + ") AS t(sess, s_open, s_close, s_off)"));
    // Silver writes one file per partition in Silver order: its row numbers are the order, and
    // sorting the partition again is skipped; anything else (several files, another writer's
    // file) is ordered by a window
    boolean inOrder =
        scan.dataFiles().size() == 1
            && scan.dataFiles().get(0).sortOrderId() != null
            && scan.table().sortOrders().containsKey(scan.dataFiles().get(0).sortOrderId())
            && scan.table()
                .sortOrders()
                .get(scan.dataFiles().get(0).sortOrderId())
                .sameOrder(TableContracts.SILVER_TRADES.sortOrder());
    String relation = DuckDbBridge.relationSql(scan, filter, inOrder);
    String pos =
        inOrder
            ? "r.file_row_number"
            : "row_number() OVER (PARTITION BY r.symbol ORDER BY " + SILVER_ORDER + ")";
    long rowsIn = count("SELECT count(*) FROM (" + relation + ")");
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_p AS SELECT r.symbol, r.symbol_id, r.vendor, r.ts_event,"
            + " epoch_us(r.ts_event) AS t_us, r.price, r.size, coalesce(r.sale_condition, 0) AS"
            + " cond, coalesce(r.suspicious, false) AS suspect, s.sess, s.s_open, s.s_close,"
            + " s.s_off, "
            + pos
            + " AS pos FROM ("
            + relation
            + ") AS r JOIN tl_sess AS s ON epoch_us(r.ts_event) >= s.s_open AND"
            + " epoch_us(r.ts_event) < s.s_close");
    long kept = count("SELECT count(*) FROM tl_p");
    List<String> vendors = bridge.queryStrings("SELECT DISTINCT vendor FROM tl_p ORDER BY vendor");
    return new Input(rowsIn, kept, vendors);
  }

  /**
   * Builds the bars of one interval from {@code tl_p} and writes them to {@code outputPath} when
   * there are any.
   *
   * @return the number of bars
   */
  long build(
      BarInterval interval,
      List<EligibilityTable> tables,
      ExchangeCalendar calendar,
      String exchange,
      LocalDate date,
      String outputPath) {
    Optional<SessionInterval> regular = calendar.session(date, SessionType.REGULAR);
    String code = EligibilityTable.sql(tables, interval);
    String regOpen = regular.map(r -> Long.toString(micros(r.open()))).orElse("NULL");
    String regClose = regular.map(r -> Long.toString(micros(r.close()))).orElse("NULL");
    String regOff =
        regular.map(r -> Long.toString(offsetMicros(calendar, r.open()))).orElse("NULL");
    // auctions without a regular session have nowhere to go
    String auctionOk = regular.isPresent() ? "true" : "false";
    long w = interval.width().toNanos() / 1000;
    String bucket =
        interval.isSession()
            ? "bs_open"
            : "greatest(((te + bs_off) // " + w + ") * " + w + " - bs_off, bs_open)";
    String barEnd =
        interval.isSession()
            ? "bs_close"
            : "least(((bar + bs_off) // " + w + ") * " + w + " - bs_off + " + w + ", bs_close)";
    try {
      // 1. per print: treatment, effective time (auctions move to the regular session's first or
      // last instant), the session its bar belongs to, and the bar
      String perPrint =
          "SELECT *, "
              + bucket
              + " AS bar FROM (SELECT *, CASE code0 WHEN 4 THEN "
              + regOpen
              + " WHEN 5 THEN "
              + regClose
              + " - 1 ELSE t_us END AS te, CASE code0 WHEN 4 THEN 0 WHEN 5 THEN 2 ELSE 1 END AS"
              + " rnk, CASE WHEN code0 IN (4, 5) THEN 'regular' ELSE sess END AS bsess, CASE WHEN"
              + " code0 IN (4, 5) THEN "
              + regOpen
              + " ELSE s_open END AS bs_open, CASE WHEN code0 IN (4, 5) THEN "
              + regClose
              + " ELSE s_close END AS bs_close, CASE WHEN code0 IN (4, 5) THEN "
              + regOff
              + " ELSE s_off END AS bs_off FROM (SELECT *, CASE WHEN c0 IN (4, 5) AND NOT "
              + auctionOk
              + " THEN 0 ELSE c0 END AS code0 FROM (SELECT *, "
              + code
              + " AS c0 FROM tl_p)) WHERE code0 <> 0)";
      // 2. partial bars: the opening auction counts unless a price-eligible print of a later bar
      // came first; prices from price-eligible prints, sums from volume-eligible ones
      String priced = " FILTER (WHERE code IN (2, 3))";
      String counted = " FILTER (WHERE code IN (1, 3))";
      String order = "rnk * 1000000000000 + pos";
      bridge.execute(
          "CREATE OR REPLACE TEMP TABLE tl_a AS WITH tl_b AS MATERIALIZED ("
              + perPrint
              + ") SELECT symbol, bsess, bar, bs_close, bs_off,"
              + " min(pos) AS first_pos, arg_min(symbol_id, pos) AS symbol_id, arg_min(price, "
              + order
              + ")"
              + priced
              + " AS open, max(price)"
              + priced
              + " AS high, min(price)"
              + priced
              + " AS low, arg_max(price, "
              + order
              + ")"
              + priced
              + " AS close, coalesce(sum(size)"
              + counted
              + ", 0) AS volume, coalesce(sum(pu * su)"
              + counted
              + ", 0) AS num, coalesce(sum(su)"
              + counted
              + ", 0) AS den, count(*)"
              + counted
              + " AS n, min(ts_event) AS first_ts, max(ts_event) AS last_ts FROM (SELECT b.*,"
              + " CASE WHEN b.code0 = 4 THEN (CASE WHEN l.first_later IS NULL OR b.pos <"
              + " l.first_later THEN 3 ELSE 0 END) WHEN b.code0 = 5 THEN 3 ELSE b.code0 END AS"
              + " code, CAST(CAST(b.price AS DECIMAL(38,9)) * 1000000000 AS HUGEINT) AS pu,"
              + " CAST(CAST(b.size AS DECIMAL(38,8)) * 100000000 AS HUGEINT) AS su FROM tl_b AS b"
              + " LEFT JOIN (SELECT symbol, min(pos) AS first_later FROM tl_b WHERE code0 IN (2,"
              + " 3) AND bar > "
              + regOpen
              + " GROUP BY symbol) AS l USING (symbol)) WHERE code <> 0 GROUP BY symbol, bsess,"
              + " bar, bs_close, bs_off");
      // 3. a bar without a price is merged into the latest earlier priced bar of its session
      // (the vendor emits no price-less bar); with none it stays a volume-only bar
      String merged =
          "SELECT symbol, bsess, target AS bar, any_value(bs_close) AS bs_close,"
              + " any_value(bs_off) AS bs_off, arg_min(symbol_id, first_pos) AS symbol_id,"
              + " max(open) AS open, max(high) AS high, min(low) AS low, max(close) AS close,"
              + " sum(volume) AS volume, sum(num) AS num, sum(den) AS den, sum(n) AS n,"
              + " min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM (SELECT *, bar AS"
              + " target FROM tl_a WHERE open IS NOT NULL UNION ALL SELECT o.*, coalesce(p.bar,"
              + " o.bar) AS target FROM (SELECT * FROM tl_a WHERE open IS NULL) AS o ASOF LEFT"
              + " JOIN (SELECT symbol, bsess, bar FROM tl_a WHERE open IS NOT NULL) AS p ON"
              + " o.symbol = p.symbol AND o.bsess = p.bsess AND o.bar >= p.bar) GROUP BY"
              + " symbol, bsess, target";
      String bars =
          "SELECT "
              + Sql.string(exchange)
              + " AS exchange, DATE "
              + Sql.string(date.toString())
              + " AS trading_date, "
              + Sql.string(interval.label())
              + " AS \"interval\", symbol, symbol_id, CAST(make_timestamp(bar) AS TIMESTAMPTZ)"
              + " AS bar_start, CAST(make_timestamp("
              + barEnd
              + ") AS TIMESTAMPTZ) AS bar_end, bsess AS session, CAST(open AS DECIMAL(18,9)) AS"
              + " open, CAST(high AS DECIMAL(18,9)) AS high, CAST(low AS DECIMAL(18,9)) AS low,"
              + " CAST(close AS DECIMAL(18,9)) AS close, CAST(volume AS DECIMAL(28,8)) AS volume,"
              + " CASE WHEN den > 0 THEN CAST(CAST((2 * num + den) // (2 * den) AS DECIMAL(38,0))"
              + " * CAST(0.000000001 AS DECIMAL(10,9)) AS DECIMAL(18,9)) END AS vwap, n AS"
              + " trade_count, first_ts, last_ts FROM ("
              + merged
              + ")";
      if (count("SELECT count(*) FROM tl_a") == 0) {
        return 0;
      }
      String columns =
          goldSchema.columns().stream()
              .map(f -> Sql.ident(f.name()))
              .collect(Collectors.joining(", "));
      bridge.execute(
          "COPY (SELECT "
              + columns
              + " FROM ("
              + bars
              + ") ORDER BY symbol, bar_start) TO "
              + Sql.string(outputPath)
              + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE "
              + ROW_GROUP_SIZE
              + ", FIELD_IDS {"
              + goldSchema.columns().stream()
                  .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
                  .collect(Collectors.joining(", "))
              + "})");
      // the footer's row count
      return count("SELECT count(*) FROM read_parquet(" + Sql.string(outputPath) + ")");
    } finally {
      bridge.execute("DROP TABLE IF EXISTS tl_a");
    }
  }

  /** Drops the partition's input tables. */
  void close() {
    bridge.execute("DROP TABLE IF EXISTS tl_p");
    bridge.execute("DROP TABLE IF EXISTS tl_sess");
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** The zone offset at {@code t} in microseconds: bars align to the clock of the exchange. */
  private static long offsetMicros(ExchangeCalendar calendar, Instant t) {
    return calendar.zone().getRules().getOffset(t).getTotalSeconds() * 1_000_000L;
  }

  private long count(String sql) {
    return bridge.queryLong(sql);
  }
}

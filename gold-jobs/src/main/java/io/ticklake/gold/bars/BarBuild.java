package io.ticklake.gold.bars;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;

/**
 * Builds the bars of a batch of Silver partitions with DuckDB: reads the pinned Silver rows of all
 * of them into one table and classifies every print once for all intervals with the vendor's {@link
 * EligibilityTable}, then per interval assigns each print to its bar and aggregates all partitions
 * in one statement, and writes one Parquet file per partition sorted by (symbol, bar_start).
 * Commits nothing. Not thread-safe (uses one bridge).
 *
 * <p>The steps, all in SQL over microsecond epoch times:
 *
 * <ol>
 *   <li>Load (once per batch): each print gets its partition, its session from the calendar (prints
 *       outside every session are in no bar) and its position in Silver order (symbol, ts_event,
 *       vendor_seq, file_seq, wal_seq, event_id), so same-time prints keep the vendor's order. The
 *       eligibility table gives a treatment code per distinct rule set (the closing-auction rule
 *       differs between 1s and coarser intervals); a print's treatment at an interval is either its
 *       treatment or "excluded", so everything that follows from the treatment is computed here
 *       once: auction prints move to the first (opening) or last (closing) instant of the regular
 *       session, their order rank, the session bounds their bar is cut at, and the exact VWAP
 *       terms.
 *   <li>Per interval: the bar of a print is its clock bucket in exchange time, cut at its session's
 *       bounds; a 1d bar is the whole session.
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

  /** Interval to the {@code tl_p} column holding its treatment code. */
  private final Map<BarInterval, String> codeColumn = new HashMap<>();

  BarBuild(DuckDbBridge bridge, Schema goldSchema) {
    this.bridge = bridge;
    this.goldSchema = goldSchema;
  }

  /**
   * One partition of a batch.
   *
   * @param id its number in the batch
   * @param exchange the market
   * @param date the trading date
   * @param scan the pinned Silver scan of the partition
   * @param filter the partition filter
   * @param calendar the exchange calendar
   */
  record Part(
      int id,
      String exchange,
      LocalDate date,
      PinnedScan scan,
      PartitionFilter filter,
      ExchangeCalendar calendar) {}

  /** Rows read and kept. */
  record Input(long rowsIn, long rowsInSessions) {}

  /**
   * Loads and classifies the Silver rows of {@code parts} into the temp table {@code tl_p}.
   *
   * @param parts the partitions of the batch
   * @param intervals every interval any of them will be built at
   * @return the rows per partition id
   */
  Map<Integer, Input> load(List<Part> parts, List<BarInterval> intervals) {
    List<String> relations = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    for (Part p : parts) {
      ExchangeCalendar calendar = p.calendar();
      // the session of a print and its bounds, by comparisons with the date's constants
      StringBuilder sess = new StringBuilder("CASE");
      StringBuilder open = new StringBuilder("CASE");
      StringBuilder close = new StringBuilder("CASE");
      StringBuilder off = new StringBuilder("CASE");
      for (SessionInterval s : calendar.sessions(p.date())) {
        String when = " WHEN t_us >= " + micros(s.open()) + " AND t_us < " + micros(s.close());
        sess.append(when).append(" THEN ").append(s.type().ordinal());
        open.append(when).append(" THEN CAST(").append(micros(s.open())).append(" AS BIGINT)");
        close.append(when).append(" THEN CAST(").append(micros(s.close())).append(" AS BIGINT)");
        off.append(when)
            .append(" THEN CAST(")
            .append(offsetMicros(calendar, s.open()))
            .append(" AS BIGINT)");
      }
      sess.append(" ELSE CAST(NULL AS INTEGER) END");
      open.append(" ELSE CAST(NULL AS BIGINT) END");
      close.append(" ELSE CAST(NULL AS BIGINT) END");
      off.append(" ELSE CAST(NULL AS BIGINT) END");
      Optional<SessionInterval> reg = calendar.session(p.date(), SessionType.REGULAR);
      String regOpen = reg.map(r -> Long.toString(micros(r.open()))).orElse("NULL");
      String regClose = reg.map(r -> Long.toString(micros(r.close()))).orElse("NULL");
      String regOff = reg.map(r -> Long.toString(offsetMicros(calendar, r.open()))).orElse("NULL");
      // Silver writes one file per partition in Silver order: its row numbers are the order, and
      // sorting the partition again is skipped; anything else (several files, another writer's
      // file) is ordered by a window
      PinnedScan scan = p.scan();
      boolean inOrder =
          scan.dataFiles().size() == 1
              && scan.dataFiles().get(0).sortOrderId() != null
              && scan.table().sortOrders().containsKey(scan.dataFiles().get(0).sortOrderId())
              && scan.table()
                  .sortOrders()
                  .get(scan.dataFiles().get(0).sortOrderId())
                  .sameOrder(TableContracts.SILVER_TRADES.sortOrder());
      String pos =
          inOrder
              ? "r.file_row_number"
              : "row_number() OVER (PARTITION BY r.symbol ORDER BY " + SILVER_ORDER + ")";
      String relation = DuckDbBridge.relationSql(scan, p.filter(), inOrder);
      // the treatment key: vendor, suspect, session and whether the date has a regular session
      // in one small number (the condition bits are the other half)
      String tag =
          vendorTag("vendor")
              + " * 16 + CASE WHEN coalesce(suspicious, false) THEN 8 ELSE 0 END + si * 2 + "
              + (reg.isEmpty() ? 1 : 0);
      relations.add(
          "SELECT *, "
              + tag
              + " AS tag FROM (SELECT *, "
              + sess
              + " AS si, "
              + open
              + " AS s_open, "
              + close
              + " AS s_close, "
              + off
              + " AS s_off FROM (SELECT CAST("
              + p.id()
              + " AS INTEGER) AS part, r.symbol, r.symbol_id, r.ts_event, epoch_us(r.ts_event) AS"
              + " t_us, r.price, r.size, "
              + pos
              + " AS pos, r.vendor, r.suspicious, coalesce(r.sale_condition, 0) AS cond, CAST("
              + regOpen
              + " AS BIGINT) AS reg_open, CAST("
              + regClose
              + " AS BIGINT) AS reg_close, CAST("
              + regOff
              + " AS BIGINT) AS reg_off FROM ("
              + relation
              + ") AS r))");
      conditions.add(
          "SELECT DISTINCT "
              + vendorTag("vendor")
              + " AS vtag, coalesce(sale_condition, 0) AS cond, coalesce(suspicious, false) AS"
              + " suspect FROM ("
              + relation
              + ")");
    }
    // one treatment column per distinct rule set (a print's treatment at an interval is either
    // its treatment or excluded, so the largest code over the columns is its treatment)
    codeColumn.clear();
    List<EligibilityTable> tables =
        EligibilityTable.BUNDLED.stream().map(EligibilityTable::forVendor).toList();
    Map<String, String> columnBySql = new LinkedHashMap<>();
    for (BarInterval interval : intervals) {
      String sql = EligibilityTable.sql(tables, interval);
      codeColumn.put(interval, columnBySql.computeIfAbsent(sql, k -> "c" + columnBySql.size()));
    }
    String codes =
        columnBySql.entrySet().stream()
            .map(
                e ->
                    "CASE WHEN noreg AND ("
                        + e.getKey()
                        + ") IN (4, 5) THEN 0 ELSE ("
                        + e.getKey()
                        + ") END AS "
                        + e.getValue())
            .collect(Collectors.joining(", "));
    String any =
        columnBySql.size() == 1
            ? columnBySql.values().iterator().next()
            : "greatest(" + String.join(", ", columnBySql.values()) + ")";
    // 1. the treatments, evaluated once per distinct (vendor, condition, suspect, session, whether
    // the date has a regular session) instead of once per print; with the session label the bar
    // belongs to (auctions: the regular session)
    String vendors = "CASE vtag";
    for (int i = 0; i < EligibilityTable.BUNDLED.size(); i++) {
      vendors += " WHEN " + (i + 1) + " THEN " + Sql.string(EligibilityTable.BUNDLED.get(i));
    }
    vendors += " ELSE '' END";
    String sessions = "CASE si";
    for (SessionType t : SessionType.values()) {
      sessions += " WHEN " + t.ordinal() + " THEN " + Sql.string(t.label());
    }
    sessions += " END";
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_k AS SELECT cond, vtag * 16 + CASE WHEN suspect THEN 8"
            + " ELSE 0 END + si * 2 + CASE WHEN noreg THEN 1 ELSE 0 END AS tag, "
            + String.join(", ", columnBySql.values())
            + ", k, CASE WHEN k IN (4, 5) THEN 'regular' ELSE sess END AS bsess FROM (SELECT *, "
            + any
            + " AS k FROM (SELECT *, "
            + codes
            + " FROM (SELECT *, "
            + vendors
            + " AS vendor, "
            + sessions
            + " AS sess FROM (SELECT DISTINCT * FROM ("
            + String.join(" UNION ALL ", conditions)
            + ")) CROSS JOIN range(0, "
            + SessionType.values().length
            + ") AS s(si) CROSS JOIN (VALUES (true), (false)) AS n(noreg))))");
    // 2. the prints in a session, with what follows from their treatment: auctions (4 open, 5
    // close) belong to the regular session, at its first or last instant, ordered before or after
    // every other print; and the exact VWAP terms
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_p AS SELECT r.part, r.symbol, r.symbol_id, r.ts_event,"
            + " r.price, r.size, r.pos, r.reg_open, "
            + columnBySql.values().stream().map(c -> "k." + c).collect(Collectors.joining(", "))
            + ", CASE k.k WHEN 4 THEN r.reg_open WHEN 5 THEN r.reg_close - 1 ELSE r.t_us END AS"
            + " te, CAST(CASE k.k WHEN 4 THEN 0 WHEN 5 THEN 2 ELSE 1 END AS BIGINT) *"
            + " 1000000000000 + r.pos AS ord, k.bsess, CASE WHEN k.k IN (4, 5) THEN r.reg_open"
            + " ELSE r.s_open END AS bs_open, CASE WHEN k.k IN (4, 5) THEN r.reg_close ELSE"
            + " r.s_close END AS bs_close, CASE WHEN k.k IN (4, 5) THEN r.reg_off ELSE r.s_off END"
            + " AS bs_off, CAST(CAST(r.price AS DECIMAL(38,9)) * 1000000000 AS HUGEINT) *"
            + " CAST(CAST(r.size AS DECIMAL(38,8)) * 100000000 AS HUGEINT) AS pv,"
            + " CAST(CAST(r.size AS DECIMAL(38,8)) * 100000000 AS HUGEINT) AS su FROM ("
            + String.join(" UNION ALL ", relations)
            + ") AS r JOIN tl_k AS k ON r.cond = k.cond AND r.tag = k.tag");
    bridge.execute("DROP TABLE tl_k");
    Map<Integer, Long> kept = counts("SELECT part, count(*) FROM tl_p GROUP BY part");
    Map<Integer, Input> out = new LinkedHashMap<>();
    for (Part p : parts) {
      // the data files' row counts: the relation reads every row of them
      long in = p.scan().dataFiles().stream().mapToLong(f -> f.recordCount()).sum();
      out.put(p.id(), new Input(in, kept.getOrDefault(p.id(), 0L)));
    }
    return out;
  }

  /**
   * Builds the bars of one interval for the partitions {@code parts} of the loaded batch into the
   * temp table {@code tl_bars}.
   *
   * @return the number of bars per partition id (absent: none)
   */
  Map<Integer, Long> build(BarInterval interval, List<Part> parts) {
    String code = codeColumn.get(interval);
    if (code == null) {
      throw new IllegalStateException("interval " + interval + " was not loaded");
    }
    long w = interval.width().toNanos() / 1000;
    String bucket =
        interval.isSession()
            ? "bs_open"
            : "greatest(((te + bs_off) // " + w + ") * " + w + " - bs_off, bs_open)";
    String barEnd =
        interval.isSession()
            ? "bs_close"
            : "least(((bar + bs_off) // " + w + ") * " + w + " - bs_off + " + w + ", bs_close)";
    String ids =
        parts.stream().map(p -> Integer.toString(p.id())).collect(Collectors.joining(", "));
    // 1. per print: its bar; the opening auction counts unless a price-eligible print of a later
    // bar came first
    String perPrint =
        "SELECT *, "
            + bucket
            + " AS bar, "
            + code
            + " AS code0 FROM tl_p WHERE "
            + code
            + " <> 0 AND part IN ("
            + ids
            + ")";
    String firstLater =
        "SELECT part, symbol, min(pos) AS first_later FROM ("
            + perPrint
            + ") WHERE code0 IN (2, 3) AND bar > reg_open GROUP BY part, symbol";
    // 2. partial bars: prices from price-eligible prints, sums from volume-eligible ones
    String priced = " FILTER (WHERE code IN (2, 3))";
    String counted = " FILTER (WHERE code IN (1, 3))";
    String partial =
        "SELECT part, symbol, bsess, bar, bs_close, bs_off, min(pos) AS first_pos,"
            + " arg_min(symbol_id, pos) AS symbol_id, arg_min(price, ord)"
            + priced
            + " AS open, max(price)"
            + priced
            + " AS high, min(price)"
            + priced
            + " AS low, arg_max(price, ord)"
            + priced
            + " AS close, coalesce(sum(size)"
            + counted
            + ", 0) AS volume, coalesce(sum(pv)"
            + counted
            + ", 0) AS num, coalesce(sum(su)"
            + counted
            + ", 0) AS den, count(*)"
            + counted
            + " AS n, min(ts_event) AS first_ts, max(ts_event) AS last_ts FROM (SELECT b.*, CASE"
            + " WHEN b.code0 = 4 THEN (CASE WHEN l.first_later IS NULL OR b.pos < l.first_later"
            + " THEN 3 ELSE 0 END) WHEN b.code0 = 5 THEN 3 ELSE b.code0 END AS code FROM ("
            + perPrint
            + ") AS b LEFT JOIN ("
            + firstLater
            + ") AS l ON b.part = l.part AND b.symbol = l.symbol) WHERE code <> 0 GROUP BY part,"
            + " symbol, bsess, bar, bs_close, bs_off";
    // 3. a bar without a price is merged into the latest earlier priced bar of its session
    // (the vendor emits no price-less bar); with none it stays a volume-only bar
    String merged =
        "SELECT part, symbol, bsess, target AS bar, any_value(bs_close) AS bs_close,"
            + " any_value(bs_off) AS bs_off, arg_min(symbol_id, first_pos) AS symbol_id,"
            + " max(open) AS open, max(high) AS high, min(low) AS low, max(close) AS close,"
            + " sum(volume) AS volume, sum(num) AS num, sum(den) AS den, sum(n) AS n,"
            + " min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM (SELECT *, bar AS"
            + " target FROM tl_a WHERE open IS NOT NULL UNION ALL SELECT o.*, coalesce(p.bar,"
            + " o.bar) AS target FROM (SELECT * FROM tl_a WHERE open IS NULL) AS o ASOF LEFT"
            + " JOIN (SELECT part, symbol, bsess, bar FROM tl_a WHERE open IS NOT NULL) AS p ON"
            + " o.part = p.part AND o.symbol = p.symbol AND o.bsess = p.bsess AND o.bar >="
            + " p.bar) GROUP BY part, symbol, bsess, target";
    String bars =
        "SELECT part, "
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
    try {
      bridge.execute("CREATE OR REPLACE TEMP TABLE tl_a AS " + partial);
      bridge.execute("CREATE OR REPLACE TEMP TABLE tl_bars AS " + bars);
    } finally {
      bridge.execute("DROP TABLE IF EXISTS tl_a");
    }
    return counts("SELECT part, count(*) FROM tl_bars GROUP BY part");
  }

  /**
   * Writes the bars of partition {@code part} from {@code tl_bars} to {@code outputPath}.
   *
   * @return the number of bars written (the footer's row count)
   */
  long write(Part part, String outputPath) {
    String columns =
        goldSchema.columns().stream()
            .map(
                f ->
                    switch (f.name()) {
                      case "exchange" -> Sql.string(part.exchange()) + " AS exchange";
                      case "trading_date" ->
                          "DATE " + Sql.string(part.date().toString()) + " AS trading_date";
                      default -> Sql.ident(f.name());
                    })
            .collect(Collectors.joining(", "));
    bridge.execute(
        "COPY (SELECT "
            + columns
            + " FROM tl_bars WHERE part = "
            + part.id()
            + " ORDER BY symbol, bar_start) TO "
            + Sql.string(outputPath)
            + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE "
            + ROW_GROUP_SIZE
            + ", FIELD_IDS {"
            + goldSchema.columns().stream()
                .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
                .collect(Collectors.joining(", "))
            + "})");
    return bridge.queryLong(
        "SELECT sum(num_rows) FROM parquet_file_metadata(" + Sql.string(outputPath) + ")");
  }

  /** Drops the batch's tables. */
  void close() {
    bridge.execute("DROP TABLE IF EXISTS tl_bars");
    bridge.execute("DROP TABLE IF EXISTS tl_p");
    bridge.execute("DROP TABLE IF EXISTS tl_k");
  }

  /** The SQL number of a vendor column's bundled eligibility table (1, 2, …), 0 for none. */
  private static String vendorTag(String column) {
    StringBuilder sb = new StringBuilder("CASE ").append(column);
    for (int i = 0; i < EligibilityTable.BUNDLED.size(); i++) {
      sb.append(" WHEN ").append(Sql.string(EligibilityTable.BUNDLED.get(i))).append(" THEN ");
      sb.append(i + 1);
    }
    return sb.append(" ELSE 0 END").toString();
  }

  private Map<Integer, Long> counts(String sql) {
    Map<Integer, Long> out = new HashMap<>();
    try (var st = bridge.connection().createStatement();
        var rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot run DuckDB query: " + e.getMessage().strip(), e);
    }
    return out;
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** The zone offset at {@code t} in microseconds: bars align to the clock of the exchange. */
  private static long offsetMicros(ExchangeCalendar calendar, Instant t) {
    return calendar.zone().getRules().getOffset(t).getTotalSeconds() * 1_000_000L;
  }
}

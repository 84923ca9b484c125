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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;

/**
 * Builds the bars of a batch of Silver partitions with DuckDB: reads the pinned Silver rows of all
 * of them into one table and classifies every print once for all intervals with the vendor's {@link
 * EligibilityTable}, then per interval builds the bars of all partitions and writes them, one
 * Parquet file per partition sorted by (symbol, bar_start), in one statement. Commits nothing. Not
 * thread-safe (uses one bridge).
 *
 * <p>The steps, all in SQL over microsecond epoch times (docs/ARCHITECTURE.md, "Build pipeline"):
 *
 * <ol>
 *   <li>Load (once per batch): each print gets its partition, its session from the calendar (prints
 *       outside every session are in no bar), its position in Silver order (symbol, ts_event,
 *       ts_event_ns, vendor_seq, file_seq, wal_seq, event_id), so same-time prints keep the
 *       vendor's order, and a treatment code per distinct rule set (the closing-auction rule
 *       differs between 1s and coarser intervals). A print's treatment at an interval is either its
 *       treatment or "excluded", so everything that follows from the treatment is computed here
 *       once: auction prints move to the first (opening) or last (closing) instant of the regular
 *       session, their order rank, the session their bar belongs to.
 *   <li>Per interval: the bar of a print is its clock bucket in exchange time, cut at its session's
 *       bounds; a 1d bar is the whole session. Partial bars first; an opening auction print counts
 *       (as its bar's open) unless a price-eligible print of a later bar came first.
 *   <li>A volume-only print in a bar that has no price-eligible print counts in the latest earlier
 *       bar of the same session that has one (the vendor emits no bar without a price); with no
 *       such bar it makes a bar with volume and no prices.
 *   <li>OHLC from price-eligible prints in order (auction open first, auction close last), volume,
 *       VWAP (exact decimal sums, divided on their unscaled integers and rounded half up to 9
 *       decimals) and count from volume-eligible prints.
 * </ol>
 */
final class BarBuild {
  /** The Silver sort order; event_id is unique, so the order is total. */
  static final String SILVER_ORDER = TableContracts.SILVER_EVENT_ORDER;

  private static final int ROW_GROUP_SIZE = 122_880;

  /**
   * The order key of a print is its position plus its class times this: opening auction prints
   * (class 0) before, closing auction prints (class 2) after every other print (class 1).
   */
  private static final long ORDER_CLASS = 1_000_000_000_000L;

  private final DuckDbBridge bridge;
  private final Schema goldSchema;

  /** Interval to the {@code tl_p} column holding its treatment code. */
  private final Map<BarInterval, String> codeColumn = new HashMap<>();

  /** The ids of the loaded partitions. */
  private final List<Integer> loaded = new ArrayList<>();

  /** The loaded intervals. */
  private final List<BarInterval> loadedIntervals = new ArrayList<>();

  /**
   * Partial bars kept in a temp table for coarser intervals of the same rule set to roll up from.
   *
   * @param table the temp table
   * @param interval their interval
   * @param parts the partition ids they cover
   */
  private record Kept(String table, BarInterval interval, List<Integer> parts) {}

  /** By code column: the kept partial bars. */
  private final Map<String, Kept> kept = new HashMap<>();

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
   * Loads and classifies the Silver rows of {@code parts} into the temp table {@code tl_p} (one row
   * per print in a session) and their sessions into {@code tl_s}.
   *
   * @param parts the partitions of the batch
   * @param intervals every interval any of them will be built at
   * @return the rows per partition id
   */
  Map<Integer, Input> load(List<Part> parts, List<BarInterval> intervals) {
    // one treatment column per distinct rule set (a print's treatment at an interval is either
    // its treatment or excluded, so the largest code over the columns is its treatment)
    codeColumn.clear();
    loaded.clear();
    loadedIntervals.clear();
    loadedIntervals.addAll(intervals);
    dropKept();
    List<EligibilityTable> tables =
        EligibilityTable.BUNDLED.stream().map(EligibilityTable::forVendor).toList();
    Map<String, String> columnByRules = new LinkedHashMap<>();
    List<BarInterval> columnIntervals = new ArrayList<>();
    for (BarInterval interval : intervals) {
      String rules = EligibilityTable.sql(tables, interval, labels -> "sess IN " + labels);
      codeColumn.put(
          interval,
          columnByRules.computeIfAbsent(
              rules,
              k -> {
                columnIntervals.add(interval);
                return "c" + columnIntervals.size();
              }));
    }
    List<String> relations = new ArrayList<>();
    List<String> sessionRows = new ArrayList<>();
    for (Part p : parts) {
      loaded.add(p.id());
      relations.add(relation(p, tables, columnIntervals, sessionRows));
    }
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_s (part INTEGER, si INTEGER, stype INTEGER, label VARCHAR,"
            + " s_open BIGINT, s_close BIGINT, off BIGINT, reg_open BIGINT, exchange VARCHAR,"
            + " trading_date DATE)");
    if (!sessionRows.isEmpty()) {
      bridge.execute("INSERT INTO tl_s VALUES " + String.join(", ", sessionRows));
    }
    bridge.execute("CREATE OR REPLACE TEMP TABLE tl_p AS " + String.join(" UNION ALL ", relations));
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
   * The classified prints of one partition, and its sessions as rows of {@code tl_s}: index {@code
   * si} in the date's session list (the auctions' bar session, the regular session's span when a
   * break splits it, gets the next index), type, label, bounds and the zone offset at the open.
   */
  private static String relation(
      Part p,
      List<EligibilityTable> tables,
      List<BarInterval> columnIntervals,
      List<String> sessionRows) {
    ExchangeCalendar calendar = p.calendar();
    List<SessionInterval> sessions = calendar.sessions(p.date());
    Optional<SessionInterval> reg = calendar.session(p.date(), SessionType.REGULAR);
    int regIndex = reg.map(sessions::indexOf).orElse(-1);
    List<SessionInterval> barSessions = new ArrayList<>(sessions);
    if (reg.isPresent() && regIndex < 0) {
      regIndex = barSessions.size();
      barSessions.add(reg.get());
    }
    String regOpen = reg.map(r -> Long.toString(micros(r.open()))).orElse("NULL");
    for (int j = 0; j < barSessions.size(); j++) {
      SessionInterval s = barSessions.get(j);
      sessionRows.add(
          "("
              + p.id()
              + ", "
              + j
              + ", "
              + s.type().ordinal()
              + ", "
              + Sql.string(s.type().label())
              + ", "
              + micros(s.open())
              + ", "
              + micros(s.close())
              + ", "
              + offsetMicros(calendar, s.open())
              + ", "
              + regOpen
              + ", "
              + Sql.string(p.exchange())
              + ", DATE "
              + Sql.string(p.date().toString())
              + ")");
    }
    // the session of a print: its index, by comparisons with the date's constants
    StringBuilder si = new StringBuilder(sessions.isEmpty() ? "CAST(NULL AS INTEGER)" : "CASE");
    StringBuilder off = new StringBuilder("CASE si");
    for (int j = 0; j < sessions.size(); j++) {
      SessionInterval s = sessions.get(j);
      si.append(" WHEN t_us >= ")
          .append(micros(s.open()))
          .append(" AND t_us < ")
          .append(micros(s.close()))
          .append(" THEN ")
          .append(j);
      off.append(" WHEN ").append(j).append(" THEN ").append(offsetMicros(calendar, s.open()));
    }
    si.append(sessions.isEmpty() ? "" : " END");
    off.append(" END");
    boolean oneOffset =
        sessions.stream().map(s -> offsetMicros(calendar, s.open())).distinct().count() <= 1;
    // a date without sessions (kept in Silver when session_window is only a warning) has no
    // print in a session, so no offset is ever used; "CASE si END" would not parse
    String offset =
        sessions.isEmpty()
            ? "0"
            : !oneOffset
                ? off.toString()
                : Long.toString(offsetMicros(calendar, sessions.get(0).open()));
    // the treatment codes: rules naming sessions test the print's session index
    java.util.function.Function<java.util.Set<String>, String> inSessions =
        labels -> {
          List<String> idx = new ArrayList<>();
          for (int j = 0; j < sessions.size(); j++) {
            if (labels.contains(sessions.get(j).type().label())) {
              idx.add(Integer.toString(j));
            }
          }
          return idx.isEmpty() ? "false" : "si IN (" + String.join(", ", idx) + ")";
        };
    List<String> raw = new ArrayList<>();
    for (int j = 0; j < columnIntervals.size(); j++) {
      String code = EligibilityTable.sql(tables, columnIntervals.get(j), inSessions);
      // auctions need a regular session
      raw.add(
          (reg.isEmpty()
                  ? "CASE WHEN (" + code + ") IN (4, 5) THEN 0 ELSE (" + code + ") END"
                  : code)
              + " AS r"
              + (j + 1));
    }
    String k =
        raw.size() == 1
            ? "r1"
            : "greatest("
                + java.util.stream.IntStream.rangeClosed(1, raw.size())
                    .mapToObj(j -> "r" + j)
                    .collect(Collectors.joining(", "))
                + ")";
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
    String read =
        "SELECT r.symbol, r.symbol_id, r.ts_event, epoch_us(r.ts_event) AS t_us, r.price, r.size, "
            + pos
            + " AS pos, r.vendor, coalesce(r.suspicious, false) AS suspect,"
            + " coalesce(r.sale_condition, 0) AS cond FROM ("
            + DuckDbBridge.relationSql(scan, p.filter(), inOrder)
            + ") AS r";
    // what follows from the treatment, for all intervals: auctions (4 open, 5 close) belong to
    // the regular session, at its first or last instant, ordered before or after every other
    // print; the time in exchange clock micros (tl) that bars are cut from; per interval the code
    // the build works with (0 excluded, 1 volume only, 2 price only, 3 eligible, 4 opening
    // auction: the closing auction, placed, is an eligible print)
    String tl =
        reg.isEmpty()
            ? "t_us + " + offset
            : "CASE k WHEN 4 THEN "
                + (micros(reg.get().open()) + offsetMicros(calendar, reg.get().open()))
                + " WHEN 5 THEN "
                + (micros(reg.get().close()) - 1 + offsetMicros(calendar, reg.get().open()))
                + " ELSE t_us + "
                + offset
                + " END";
    String bsi = reg.isEmpty() ? "si" : "CASE WHEN k IN (4, 5) THEN " + regIndex + " ELSE si END";
    StringBuilder codes = new StringBuilder();
    for (int j = 1; j <= raw.size(); j++) {
      codes.append(", CAST(CASE r").append(j).append(" WHEN 5 THEN 3 ELSE r").append(j);
      codes.append(" END AS TINYINT) AS c").append(j);
    }
    return "SELECT CAST("
        + p.id()
        + " AS INTEGER) AS part, symbol, symbol_id, ts_event, price, size, pos, CASE k WHEN 4 THEN"
        + " 0 WHEN 5 THEN "
        + 2 * ORDER_CLASS
        + " ELSE "
        + ORDER_CLASS
        + " END + pos AS ord, "
        + tl
        + " AS tl, CAST("
        + bsi
        + " AS INTEGER) AS bsi"
        + codes
        + " FROM (SELECT *, "
        + k
        + " AS k FROM (SELECT *, "
        + String.join(", ", raw)
        + " FROM (SELECT *, "
        + si
        + " AS si FROM ("
        + read
        + ")) WHERE si IS NOT NULL))";
  }

  /**
   * Builds the bars of one interval for the partitions {@code parts} of the loaded batch and writes
   * them, in one statement (a partitioned {@code COPY}), into the new folder {@code dir}: the bars
   * of partition id p go to files under {@code dir/part=p}, each sorted by (symbol, bar_start) and
   * without the {@code part} column.
   *
   * @return the files written per partition id, in name order (a partition without bars has none)
   */
  Map<Integer, List<Path>> write(BarInterval interval, List<Part> parts, Path dir) {
    String c = codeColumn.get(interval);
    if (c == null) {
      throw new IllegalStateException("interval " + interval + " was not loaded");
    }
    long w = interval.width().toNanos() / 1000;
    String bucket = interval.isSession() ? "CAST(0 AS BIGINT)" : "tl // " + w;
    String bar = interval.isSession() ? "s.s_open" : "greatest(a.b * " + w + " - s.off, s.s_open)";
    String barEnd =
        interval.isSession()
            ? "s_close"
            : "least(((bar + off) // " + w + ") * " + w + " - off + " + w + ", s_close)";
    List<Integer> ids = parts.stream().map(Part::id).toList();
    String inParts =
        ids.containsAll(loaded)
            ? ""
            : " AND part IN ("
                + ids.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ")";
    // 1. partial bars of every print but the opening auctions: prices from price-eligible
    // prints, sums from volume-eligible ones; per bar the order key of its first price-eligible
    // print
    String priced = " FILTER (WHERE " + c + " >= 2)";
    String counted = " FILTER (WHERE " + c + " <> 2)";
    String fromPrints =
        "SELECT part, symbol, symbol_id, bsi, "
            + bucket
            + " AS b, min(pos) AS first_pos, arg_min(price, ord)"
            + priced
            + " AS open, min(ord)"
            + priced
            + " AS open_ord, max(price)"
            + priced
            + " AS high, min(price)"
            + priced
            + " AS low, arg_max(price, ord)"
            + priced
            + " AS close, max(ord)"
            + priced
            + " AS close_ord, sum(size)"
            + counted
            + " AS volume, sum(CAST(price AS DECIMAL(38,9)) * size)"
            + counted
            + " AS num, count(*)"
            + counted
            + " AS n, min(ts_event) AS first_ts, max(ts_event) AS last_ts FROM tl_p WHERE "
            + c
            + " BETWEEN 1 AND 3"
            + inParts
            + " GROUP BY part, symbol, symbol_id, bsi, b";
    String partial;
    Kept from = kept.get(c);
    if (from != null && from.parts().containsAll(ids) && rollsUp(from.interval(), interval)) {
      // decomposable aggregates: the partial bars of a finer interval of the same rule set
      // (a bucket of the coarser interval is a whole number of finer ones)
      partial =
          "SELECT part, symbol, symbol_id, bsi, "
              + (interval.isSession()
                  ? "CAST(0 AS BIGINT)"
                  : "b // " + w / (from.interval().width().toNanos() / 1000))
              + " AS b, min(first_pos) AS first_pos, arg_min(open, open_ord) AS open,"
              + " min(open_ord) AS open_ord, max(high) AS high, min(low) AS low,"
              + " arg_max(close, close_ord) AS close, max(close_ord) AS close_ord, sum(volume) AS"
              + " volume, sum(num) AS num, sum(n) AS n, min(first_ts) AS first_ts,"
              + " max(last_ts) AS last_ts FROM "
              + from.table()
              + " WHERE true"
              + inParts
              + " GROUP BY ALL";
    } else {
      partial = fromPrints;
    }
    if (from == null
        && loadedIntervals.stream()
            .anyMatch(
                y ->
                    y.compareTo(interval) > 0
                        && c.equals(codeColumn.get(y))
                        && rollsUp(interval, y))) {
      String table = "tl_a_" + c;
      bridge.execute("CREATE OR REPLACE TEMP TABLE " + table + " AS " + partial);
      kept.put(c, new Kept(table, interval, ids));
      partial = "SELECT * FROM " + table;
    }
    // 2. an opening auction print counts (as the open of its bar) unless a price-eligible print
    // of a later bar came first; closing auctions (order class 2) do not count for this
    String withBar =
        "SELECT a.*, s.stype, s.s_close, s.off, s.reg_open, "
            + bar
            + " AS bar FROM (%s) AS a JOIN tl_s AS s ON a.part = s.part AND a.bsi = s.si";
    String firstLater =
        "SELECT part, symbol, min(open_ord) - "
            + ORDER_CLASS
            + " AS first_later FROM m WHERE bar > reg_open AND open_ord < "
            + 2 * ORDER_CLASS
            + " GROUP BY part, symbol";
    String auctions =
        "SELECT p.part, p.symbol, p.symbol_id, p.bsi, "
            + bucket.replace("tl", "p.tl")
            + " AS b, p.pos AS first_pos, p.price AS open, p.ord AS open_ord, p.price AS high,"
            + " p.price AS low, p.price AS close, p.ord AS close_ord, CAST(p.size AS"
            + " DECIMAL(38,8)) AS volume, CAST(p.price AS DECIMAL(38,9)) * p.size AS num, CAST(1 AS"
            + " BIGINT) AS n, p.ts_event AS first_ts, p.ts_event AS last_ts FROM tl_p AS p LEFT"
            + " JOIN fl ON p.part = fl.part AND p.symbol = fl.symbol WHERE p."
            + c
            + " = 4"
            + inParts.replace("part", "p.part")
            + " AND (fl.first_later IS NULL OR p.pos < fl.first_later)";
    // 3. a bar without a price is merged into the latest earlier priced bar of its session
    // type (the vendor emits no price-less bar); with none it stays a volume-only bar
    String merged =
        "SELECT part, symbol, stype, target AS bar, any_value(s_close) AS s_close,"
            + " any_value(off) AS off, arg_min(symbol_id, first_pos) AS symbol_id, arg_min(open, open_ord) AS open,"
            + " max(high) AS high, min(low) AS low, arg_max(close, close_ord) AS close,"
            + " coalesce(sum(volume), 0) AS volume, coalesce(sum(num), 0) AS num, sum(n) AS n,"
            + " min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM (SELECT *, bar AS target"
            + " FROM pa WHERE open IS NOT NULL UNION ALL SELECT o.*, coalesce(p.bar, o.bar) AS"
            + " target FROM (SELECT * FROM pa WHERE open IS NULL) AS o ASOF LEFT JOIN (SELECT"
            + " DISTINCT part, symbol, stype, bar FROM pa WHERE open IS NOT NULL) AS p ON o.part ="
            + " p.part AND o.symbol = p.symbol AND o.stype = p.stype AND o.bar >= p.bar) GROUP BY"
            + " part, symbol, stype, target";
    // exact VWAP: the sums' unscaled integers (price x size has 17 decimals, size 8), rounded
    // half up to 9 decimals
    String numUnits =
        "CAST(trunc(num) AS HUGEINT) * 100000000000000000 + CAST((num - trunc(num)) *"
            + " 100000000000000000 AS HUGEINT)";
    String denUnits = "CAST(volume * 100000000 AS HUGEINT)";
    StringBuilder sessionLabel = new StringBuilder("CASE stype");
    for (SessionType t : SessionType.values()) {
      sessionLabel.append(" WHEN ").append(t.ordinal()).append(" THEN ");
      sessionLabel.append(Sql.string(t.label()));
    }
    sessionLabel.append(" END");
    String bars =
        "WITH a AS ("
            + partial
            + "), m AS ("
            + String.format(withBar, "SELECT * FROM a")
            + "), fl AS ("
            + firstLater
            + "), pa AS (SELECT * FROM m UNION ALL "
            + String.format(withBar, auctions)
            + ") SELECT part, exchange, trading_date, "
            + Sql.string(interval.label())
            + " AS \"interval\", symbol, symbol_id, CAST(make_timestamp(bar) AS TIMESTAMPTZ)"
            + " AS bar_start, CAST(make_timestamp("
            + barEnd
            + ") AS TIMESTAMPTZ) AS bar_end, "
            + sessionLabel
            + " AS session, open, high, low, close,"
            + " CAST(volume AS DECIMAL(28,8)) AS volume, CASE WHEN den > 0 THEN"
            + " CAST(CAST((2 * num_u + den) // (2 * den) AS DECIMAL(38,0)) *"
            + " CAST(0.000000001 AS DECIMAL(10,9)) AS DECIMAL(18,9)) END AS vwap, CAST(n AS BIGINT)"
            + " AS trade_count, first_ts, last_ts FROM (SELECT *, "
            + numUnits
            + " AS num_u, "
            + denUnits
            + " AS den FROM ("
            + merged
            + ")) AS g JOIN (SELECT DISTINCT part AS p, exchange, trading_date FROM tl_s) AS t ON"
            + " g.part = t.p";
    bridge.execute(
        "COPY (SELECT "
            + goldSchema.columns().stream()
                .map(f -> Sql.ident(f.name()))
                .collect(Collectors.joining(", "))
            + ", part FROM ("
            + bars
            + ")) TO "
            + Sql.string(dir.toString())
            + " (FORMAT parquet, PARTITION_BY (part), ORDER_BY (symbol, bar_start), FILENAME_PATTERN"
            + " 'bars_{i}', COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE "
            + ROW_GROUP_SIZE
            + ", FIELD_IDS {"
            + goldSchema.columns().stream()
                .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
                .collect(Collectors.joining(", "))
            + "})");
    Map<Integer, List<Path>> out = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList()) {
        String folder = f.getParent().getFileName().toString();
        if (!folder.startsWith("part=")) {
          throw new IllegalStateException("unexpected bar file " + f);
        }
        out.computeIfAbsent(Integer.parseInt(folder.substring(5)), k -> new ArrayList<>()).add(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Drops the batch's tables. */
  void close() {
    bridge.execute("DROP TABLE IF EXISTS tl_p");
    bridge.execute("DROP TABLE IF EXISTS tl_s");
    dropKept();
  }

  private void dropKept() {
    for (Kept k : kept.values()) {
      bridge.execute("DROP TABLE IF EXISTS " + k.table());
    }
    kept.clear();
  }

  /** Whether the bars of {@code coarse} are whole groups of the bars of {@code fine}. */
  private static boolean rollsUp(BarInterval fine, BarInterval coarse) {
    return coarse.isSession()
        || (!fine.isSession() && coarse.width().toNanos() % fine.width().toNanos() == 0);
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

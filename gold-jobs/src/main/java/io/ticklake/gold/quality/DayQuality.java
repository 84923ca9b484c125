package io.ticklake.gold.quality;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.SessionInterval;
import io.ticklake.catalog.calendar.SessionType;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NotFoundException;

/**
 * Computes the quality rows of one day in DuckDB from pinned snapshots of Silver trades, Bronze
 * trades (at the snapshot the day's compaction read) and the quarantine. Commits nothing. Not
 * thread-safe (uses one bridge).
 */
final class DayQuality {
  private static final long MINUTE_MICROS = 60_000_000L;

  private final DuckDbBridge bridge;
  private final GapRule gapRule;

  DayQuality(DuckDbBridge bridge, GapRule gapRule) {
    this.bridge = bridge;
    this.gapRule = gapRule;
  }

  /** The regular-session windows of a date, in time order (several with a lunch break). */
  static List<SessionInterval> regularWindows(ExchangeCalendar calendar, LocalDate date) {
    return calendar.sessions(date).stream().filter(s -> s.type() == SessionType.REGULAR).toList();
  }

  /** Minutes of the regular session(s): each window's length rounded up to whole minutes. */
  static int sessionMinutes(ExchangeCalendar calendar, LocalDate date) {
    long minutes = 0;
    for (SessionInterval s : regularWindows(calendar, date)) {
      long micros = Duration.between(s.open(), s.close()).toNanos() / 1000;
      minutes += (micros + MINUTE_MICROS - 1) / MINUTE_MICROS;
    }
    return Math.toIntExact(minutes);
  }

  /**
   * The rows of one day, one per symbol seen in Bronze, Silver or the quarantine, sorted by symbol.
   *
   * @param silver {@code silver.trades}
   * @param silverSnapshot the pinned Silver snapshot
   * @param bronze {@code bronze.trades}
   * @param bronzeSnapshotId the Bronze snapshot the day's compaction read
   * @param quarantine {@code ops.quarantine}
   * @param quarantineSnapshot the pinned quarantine snapshot, empty when the table is empty
   * @param compaction the summary of the day's compaction commit (for the cross-check)
   */
  List<QualityRow> compute(
      ExchangeDate key,
      ExchangeCalendar calendar,
      Table silver,
      Snapshot silverSnapshot,
      Table bronze,
      long bronzeSnapshotId,
      Table quarantine,
      Optional<Snapshot> quarantineSnapshot,
      Map<String, String> compaction) {
    PartitionFilter day = PartitionFilter.of(key.exchange(), key.tradingDate());
    Map<String, Object> qf = new LinkedHashMap<>();
    qf.put("source_table", TableContracts.SILVER_TRADES.name());
    qf.put("exchange", key.exchange());
    qf.put("trading_date", key.tradingDate());
    PartitionFilter quarantineDay = new PartitionFilter(qf);
    Optional<PinnedScan> bronzeScan = bronzeScan(bronze, bronzeSnapshotId, day);
    Snapshot bronzeSnapshot = bronzeScan.flatMap(PinnedScan::snapshot).orElse(null);
    try {
      bridge.execute(
          "CREATE OR REPLACE TEMP TABLE tl_qs AS SELECT symbol, symbol_id, epoch_us(ts_event) AS t"
              + " FROM ("
              + DuckDbBridge.relationSql(
                  PinnedScan.plan(silver, Optional.of(silverSnapshot), day.expression()), day)
              + ")");
      bridge.execute(
          "CREATE OR REPLACE TEMP TABLE tl_qq AS SELECT symbol, rule, severity,"
              + " json_extract_string(row_json, '$.event_id') AS event_id, file_id, file_seq,"
              + " writer_id, wal_seq FROM ("
              + DuckDbBridge.relationSql(
                  PinnedScan.plan(quarantine, quarantineSnapshot, quarantineDay.expression()),
                  quarantineDay)
              + ") WHERE stage = 'compact' AND symbol IS NOT NULL");
      String bronzeRelation =
          bronzeSnapshot == null
              ? "SELECT CAST(NULL AS VARCHAR) AS symbol WHERE false"
              : "SELECT symbol FROM (" + DuckDbBridge.relationSql(bronzeScan.get(), day) + ")";
      bridge.execute(
          "CREATE OR REPLACE TEMP TABLE tl_qb AS SELECT symbol, count(*) AS n FROM ("
              + bronzeRelation
              + ") GROUP BY symbol");
      bridge.execute(
          "CREATE OR REPLACE TEMP TABLE tl_qy AS SELECT symbol FROM tl_qs UNION SELECT symbol FROM"
              + " tl_qb UNION SELECT symbol FROM tl_qq");

      TreeMap<String, Builder> rows = new TreeMap<>();
      query("SELECT symbol FROM tl_qy WHERE symbol IS NOT NULL", (rs, b) -> {}, rows, true);
      query(
          "SELECT symbol, count(*), min(symbol_id) FROM tl_qs GROUP BY symbol",
          (rs, b) -> {
            b.silver = rs.getLong(2);
            long id = rs.getLong(3);
            b.symbolId = rs.wasNull() ? null : id;
          },
          rows,
          false);
      if (bronzeSnapshot != null) {
        query("SELECT symbol, n FROM tl_qb", (rs, b) -> b.bronze = rs.getLong(2), rows, false);
      } else {
        rows.values().forEach(b -> b.bronzeUnknown = true);
      }
      query(
          // one rejected Bronze row per event id and lineage: a row breaking two rules has two
          // findings, and re-sent copies of one trade id with other content share the event id
          "SELECT symbol, count(DISTINCT {'e': event_id, 'f': file_id, 's': file_seq, 'w':"
              + " writer_id, 'q': wal_seq}) FROM tl_qq WHERE severity = 'error' GROUP BY symbol",
          (rs, b) -> b.quarantined = rs.getLong(2),
          rows,
          false);
      query(
          "SELECT symbol, rule, count(*) FROM tl_qq WHERE severity = 'error' GROUP BY symbol, rule",
          (rs, b) -> b.byRule.put(rs.getString(2), rs.getLong(3)),
          rows,
          false);
      query(
          "SELECT symbol, count(DISTINCT event_id) FROM tl_qq WHERE rule = 'price_spike' GROUP BY"
              + " symbol",
          (rs, b) -> b.outliers = rs.getLong(2),
          rows,
          false);

      List<SessionInterval> windows = regularWindows(calendar, key.tradingDate());
      int sessionMinutes = sessionMinutes(calendar, key.tradingDate());
      if (!windows.isEmpty()) {
        sessionFigures(windows, rows);
      }

      checkAgainstCompaction(key, rows, bronzeSnapshot != null, compaction);
      List<QualityRow> out = new ArrayList<>(rows.size());
      for (Map.Entry<String, Builder> e : rows.entrySet()) {
        out.add(e.getValue().build(key, e.getKey(), sessionMinutes));
      }
      return out;
    } finally {
      for (String t : List.of("tl_qs", "tl_qq", "tl_qb", "tl_qy", "tl_qw", "tl_qp", "tl_qi")) {
        bridge.execute("DROP TABLE IF EXISTS " + t);
      }
    }
  }

  /**
   * The files of the day at the Bronze snapshot its compaction read, or empty when a routine {@code
   * expire} removed that snapshot: before the build loaded Bronze, or since (its manifest list or a
   * manifest is then gone while it is read, a {@link NotFoundException}; the table, read again, no
   * longer has it). Either way the day's Bronze count is unknown.
   */
  private static Optional<PinnedScan> bronzeScan(
      Table bronze, long snapshotId, PartitionFilter day) {
    Snapshot snapshot = bronze.snapshot(snapshotId);
    if (snapshot == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(PinnedScan.plan(bronze, Optional.of(snapshot), day.expression()));
    } catch (NotFoundException e) {
      bronze.refresh();
      if (bronze.snapshot(snapshotId) == null) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Coverage, pauses, the usual pause and gaps per symbol over the regular windows. */
  private void sessionFigures(List<SessionInterval> windows, Map<String, Builder> rows) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < windows.size(); i++) {
      values
          .append(i == 0 ? "" : ", ")
          .append("(")
          .append(i)
          .append(", CAST(")
          .append(micros(windows.get(i).open()))
          .append(" AS BIGINT), CAST(")
          .append(micros(windows.get(i).close()))
          .append(" AS BIGINT))");
    }
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_qw AS SELECT * FROM (VALUES "
            + values
            + ") AS v(w, o, c)");
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_qp AS SELECT s.symbol, w.w, w.o, s.t FROM tl_qs AS s"
            + " JOIN tl_qw AS w ON s.t >= w.o AND s.t < w.c");
    query(
        "SELECT symbol, count(DISTINCT w * 1000000 + (t - o) // "
            + MINUTE_MICROS
            + ") FROM tl_qp GROUP BY symbol",
        (rs, b) -> b.covered = rs.getInt(2),
        rows,
        false);
    // Pauses: between consecutive points of open, prints and close, per symbol and window.
    bridge.execute(
        "CREATE OR REPLACE TEMP TABLE tl_qi AS SELECT symbol, s, e, e - s AS d, (pk = 1 AND k = 1)"
            + " AS inner_pause FROM (SELECT symbol, lag(t) OVER win AS s, t AS e, lag(k) OVER win"
            + " AS pk, k FROM (SELECT symbol, w, t, 1 AS k FROM tl_qp UNION ALL SELECT y.symbol,"
            + " w.w, w.o, 0 FROM tl_qy AS y, tl_qw AS w WHERE y.symbol IS NOT NULL UNION ALL"
            + " SELECT y.symbol, w.w, w.c, 2 FROM tl_qy AS y, tl_qw AS w WHERE y.symbol IS NOT"
            + " NULL) WINDOW win AS (PARTITION BY symbol, w ORDER BY t, k)) WHERE s IS NOT NULL");
    query(
        "SELECT symbol, max(d) FROM tl_qi GROUP BY symbol",
        (rs, b) -> b.maxGapMicros = rs.getLong(2),
        rows,
        false);
    // The usual pause: the lower median (the ceil(n/2)-th smallest) of pauses between prints.
    query(
        "SELECT symbol, d FROM (SELECT symbol, d, row_number() OVER (PARTITION BY symbol ORDER BY"
            + " d) AS rn, count(*) OVER (PARTITION BY symbol) AS n FROM tl_qi WHERE inner_pause)"
            + " WHERE rn = (n + 1) // 2",
        (rs, b) -> b.usualMicros = rs.getLong(2),
        rows,
        false);
    long floor = gapRule.thresholdMicros(-1);
    query(
        "SELECT symbol, s, e FROM tl_qi WHERE d > " + floor + " ORDER BY symbol, s, e",
        (rs, b) -> {
          long s = rs.getLong(2);
          long e = rs.getLong(3);
          if (e - s > gapRule.thresholdMicros(b.usualMicros)) {
            b.gaps.add(new Gap(instant(s), instant(e)));
          }
        },
        rows,
        false);
  }

  private static void checkAgainstCompaction(
      ExchangeDate key,
      Map<String, Builder> rows,
      boolean bronzeKnown,
      Map<String, String> summary) {
    long silver = 0;
    long quarantined = 0;
    long bronze = 0;
    for (Builder b : rows.values()) {
      silver += b.silver;
      quarantined += b.quarantined;
      bronze += b.bronze;
    }
    String rowsOut = summary.get(CompactionMarkers.ROWS_OUT);
    String q = summary.get(CompactionMarkers.QUARANTINED);
    String in = summary.get(CompactionMarkers.ROWS_IN);
    boolean ok =
        (rowsOut == null || Long.parseLong(rowsOut) == silver)
            && (q == null || Long.parseLong(q) == quarantined)
            && (!bronzeKnown || in == null || Long.parseLong(in) == bronze);
    if (!ok) {
      throw TicklakeException.of(
          Kind.FAILURE,
          "Cannot build quality of %s: Bronze/Silver/quarantine hold %d/%d/%d rows but its"
              + " compaction recorded %s/%s/%s; compact the day again",
          key,
          bronze,
          silver,
          quarantined,
          in,
          rowsOut,
          q);
    }
  }

  private interface RowReader {
    void read(ResultSet rs, Builder b) throws SQLException;
  }

  private void query(String sql, RowReader reader, Map<String, Builder> rows, boolean create) {
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String symbol = rs.getString(1);
        if (symbol == null) {
          continue;
        }
        Builder b = create ? rows.computeIfAbsent(symbol, k -> new Builder()) : rows.get(symbol);
        if (b != null) {
          reader.read(rs, b);
        }
      }
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot compute quality figures in DuckDB: " + e.getMessage().strip(), e);
    }
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** Figures of one symbol as they are collected. */
  private static final class Builder {
    Long symbolId;
    long bronze;
    long silver;
    long quarantined;
    final Map<String, Long> byRule = new HashMap<>();
    long outliers;
    int covered;
    long maxGapMicros;
    long usualMicros = -1;
    final List<Gap> gaps = new ArrayList<>();
    boolean bronzeUnknown;

    QualityRow build(ExchangeDate key, String symbol, int sessionMinutes) {
      Long rowsBronze = bronzeUnknown ? null : bronze;
      Long duplicates = rowsBronze == null ? null : rowsBronze - silver - quarantined;
      if (duplicates != null && duplicates < 0) {
        throw TicklakeException.of(
            Kind.FAILURE,
            "Cannot build quality of %s %s: %d Bronze rows are fewer than %d Silver + %d"
                + " quarantined",
            key,
            symbol,
            rowsBronze,
            silver,
            quarantined);
      }
      BigDecimal coverage = QualityScore.coverage(covered, sessionMinutes);
      BigDecimal score =
          QualityScore.score(
              coverage, gaps.size(), rowsBronze, silver, duplicates, quarantined, outliers);
      return new QualityRow(
          key.exchange(),
          key.tradingDate(),
          symbol,
          symbolId,
          rowsBronze,
          silver,
          duplicates,
          quarantined,
          new TreeMap<>(byRule),
          gaps,
          maxGapMicros / 1000,
          outliers,
          sessionMinutes,
          covered,
          coverage,
          score,
          QualityScore.grade(score));
    }
  }
}

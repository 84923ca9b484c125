package io.ticklake.gold.quality;

import static io.ticklake.gold.quality.Html.escape;
import static io.ticklake.gold.quality.Html.px;
import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.calendar.SessionInterval;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Writes one self-contained HTML file about quality rows: a grade table, quarantined rows by rule,
 * a gap timeline, and a price and volume chart per symbol-day from Silver trades by minute. Charts
 * are inline SVG generated here; the file loads nothing from anywhere. Every text from data is
 * escaped. Not thread-safe.
 */
public final class QualityReport {
  private static final int WIDTH = 1100;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final long MINUTE_MICROS = 60_000_000L;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

  /** Progress callback: called after each symbol-day chart. */
  public interface Progress {
    /** {@code done} of {@code total} charts are drawn. */
    void chartDone(int done, int total);

    /** No progress reporting. */
    Progress NONE = (done, total) -> {};
  }

  /**
   * What was written.
   *
   * @param file the HTML file
   * @param rows symbol-days in the grade table
   * @param charts symbol-days with a price and volume chart
   * @param bytes size of the file
   */
  public record Written(Path file, int rows, int charts, long bytes) {}

  /** Trades of one minute. */
  record Minute(
      long minute, BigDecimal low, BigDecimal high, BigDecimal close, BigDecimal volume) {}

  private final Warehouse warehouse;
  private final Runnable beforeDayRead;

  /** A report writer over an open warehouse. */
  public QualityReport(Warehouse warehouse) {
    this(warehouse, () -> {});
  }

  /** A report writer that runs {@code beforeDayRead} before it reads each day's trades (tests). */
  QualityReport(Warehouse warehouse, Runnable beforeDayRead) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.beforeDayRead = requireNonNull(beforeDayRead, "beforeDayRead is null");
  }

  /**
   * Writes the report atomically (a temporary file next to it, then a rename).
   *
   * @param rows the quality rows to report, e.g. from {@link QualityJob#read}
   * @param file the HTML file to write (replaced if it exists)
   * @param maxCharts at most this many symbol-days get a price and volume chart (the first ones)
   */
  public Written write(List<QualityRow> rows, Path file, int maxCharts, Progress progress) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot write report %s: folder %s does not exist", file, dir);
    }
    if (Files.isDirectory(target)) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot write report %s: it is a folder; name an .html file", file);
    }
    String html = render(rows, maxCharts, progress);
    Path tmp =
        target.resolveSibling(
            "." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Written(target, rows.size(), Math.min(maxCharts, rows.size()), Files.size(target));
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the message below names the real failure
      }
      throw writeError(file, tmp, e);
    }
  }

  /** How many times the charts read Silver again when its snapshot expires while read. */
  private static final int EXPIRED_WHILE_READ_ATTEMPTS = 5;

  /**
   * The error of writing report {@code file} through {@code tmp}: permission denied is exit 3
   * naming the folder to make writable; any other file-system error names the file and the system's
   * reason (the JDK gives none for a missing file or a denied one).
   */
  private static TicklakeException writeError(Path file, Path tmp, IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return new TicklakeException(
          Kind.CONFIGURATION,
          String.format(
              "Cannot write report %s: permission denied; make %s writable for this user or"
                  + " choose another folder for --html",
              file, tmp.getParent()),
          e);
    }
    String reason;
    if (e instanceof java.nio.file.NoSuchFileException f) {
      reason = (f.getFile() == null ? tmp : f.getFile()) + ": no such file or directory";
    } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
      reason = (f.getFile() == null ? tmp : f.getFile()) + ": " + e.getClass().getSimpleName();
    } else {
      reason = e.getMessage();
    }
    return new TicklakeException(
        Kind.INPUT,
        String.format(
            "Cannot write report %s: %s (choose another folder for --html)", file, reason),
        e);
  }

  /** The report as HTML text. */
  public String render(List<QualityRow> rows, int maxCharts, Progress progress) {
    requireNonNull(rows, "rows is null");
    requireNonNull(progress, "progress is null");
    ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table quality = warehouse.table(TableContracts.GOLD_QUALITY_DAILY.id());
    quality.refresh();
    Snapshot qualitySnap = quality.currentSnapshot();
    List<QualityRow> charted = rows.subList(0, Math.min(Math.max(0, maxCharts), rows.size()));
    Snapshot silverSnap;
    Map<ExchangeDate, Map<String, List<Minute>>> minutes;
    for (int attempt = 1; ; attempt++) {
      silver.refresh();
      silverSnap = silver.currentSnapshot();
      try {
        minutes = silverSnap == null ? Map.of() : minutes(silver, silverSnap, rows);
        break;
      } catch (RuntimeException e) {
        // a concurrent expire removed the snapshot while it was read (its manifests, or the
        // files a later compaction replaced): the charts read the current one
        if (attempt >= EXPIRED_WHILE_READ_ATTEMPTS
            || !SnapshotExpiry.expiredAfter(() -> silver, silverSnap.snapshotId(), e)) {
          throw e;
        }
      }
    }

    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>ticklake data quality</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
    h.append("<h1>ticklake data quality</h1>\n<p class=\"meta\">")
        .append(rows.size())
        .append(" symbol-days · gold.quality_daily snapshot ")
        .append(qualitySnap == null ? "none" : qualitySnap.snapshotId())
        .append(" · silver.trades snapshot ")
        .append(silverSnap == null ? "none" : silverSnap.snapshotId())
        .append("</p>\n");
    gradeCards(h, rows);
    h.append("<nav><a href=\"#grades\">Grades</a> <a href=\"#quarantine\">Quarantine by rule</a>")
        .append(
            " <a href=\"#gaps\">Gap timeline</a> <a href=\"#charts\">Price and volume</a></nav>\n");

    h.append("<section id=\"grades\"><h2>Grades</h2>\n");
    gradeTable(h, rows);
    h.append("<p class=\"note\">Score = 100 − 60·(1 − coverage) − min(20, 5·gaps) −")
        .append(" min(10, 1000·quarantined/bronze) − min(5, 100·duplicates/bronze) −")
        .append(" min(5, 1000·outliers/silver), at least 0; A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else")
        .append(" F. See docs/ARCHITECTURE.md, “Quality”.</p></section>\n");

    h.append("<section id=\"quarantine\"><h2>Quarantine by rule</h2>\n");
    quarantineChart(h, rows);
    h.append("</section>\n");

    h.append("<section id=\"gaps\"><h2>Gap timeline</h2>\n")
        .append("<p class=\"note\">Regular session of each symbol-day: minutes with prints in")
        .append(" green, gaps in red (hover for times).</p>\n");
    gapTimeline(h, rows, minutes, calendars);
    h.append("</section>\n");

    h.append("<section id=\"charts\"><h2>Price and volume</h2>\n");
    if (charted.size() < rows.size()) {
      h.append("<p class=\"note\">Charts for the first ")
          .append(charted.size())
          .append(" of ")
          .append(rows.size())
          .append(" symbol-days (narrow the selection with --date or --symbol).</p>\n");
    }
    int done = 0;
    for (QualityRow r : charted) {
      List<Minute> series =
          minutes.getOrDefault(r.day(), Map.of()).getOrDefault(r.symbol(), List.of());
      symbolDay(h, r, series, QualityJob.calendar(calendars, r.day(), "report on"));
      progress.chartDone(++done, charted.size());
    }
    h.append("</section>\n</body></html>\n");
    return h.toString();
  }

  // ---- data

  /** Per day and symbol, the Silver trades of the rows' symbol-days by minute. */
  private Map<ExchangeDate, Map<String, List<Minute>>> minutes(
      Table silver, Snapshot snapshot, List<QualityRow> rows) {
    Map<ExchangeDate, List<String>> symbolsByDay = new TreeMap<>();
    for (QualityRow r : rows) {
      symbolsByDay.computeIfAbsent(r.day(), k -> new ArrayList<>()).add(r.symbol());
    }
    Map<ExchangeDate, Map<String, List<Minute>>> out = new LinkedHashMap<>();
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 0, null)) {
      for (Map.Entry<ExchangeDate, List<String>> e : symbolsByDay.entrySet()) {
        ExchangeDate key = e.getKey();
        beforeDayRead.run();
        PartitionFilter day = PartitionFilter.of(key.exchange(), key.tradingDate());
        String relation =
            DuckDbBridge.relationSql(
                PinnedScan.plan(silver, Optional.of(snapshot), day.expression()), day);
        String sql =
            "SELECT symbol, epoch_us(ts_event) // "
                + MINUTE_MICROS
                + " AS m, min(price), max(price), last(price ORDER BY ts_event, event_id),"
                + " sum(size) FROM ("
                + relation
                + ") GROUP BY symbol, m ORDER BY symbol, m";
        Map<String, List<Minute>> bySymbol = new TreeMap<>();
        try (Statement s = bridge.connection().createStatement();
            ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            bySymbol
                .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(
                    new Minute(
                        rs.getLong(2),
                        rs.getBigDecimal(3),
                        rs.getBigDecimal(4),
                        rs.getBigDecimal(5),
                        rs.getBigDecimal(6)));
          }
        } catch (SQLException ex) {
          throw new TicklakeException(
              Kind.FAILURE, "Cannot read trades for the report: " + ex.getMessage().strip(), ex);
        }
        out.put(key, bySymbol);
      }
    }
    return out;
  }

  // ---- sections

  private static void gradeCards(StringBuilder h, List<QualityRow> rows) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String g : List.of("A", "B", "C", "D", "F")) {
      counts.put(g, 0);
    }
    rows.forEach(r -> counts.merge(r.grade(), 1, Integer::sum));
    h.append("<div class=\"cards\">");
    counts.forEach(
        (g, n) ->
            h.append("<div class=\"card g")
                .append(escape(g))
                .append("\"><b>")
                .append(n)
                .append("</b><span>grade ")
                .append(escape(g))
                .append("</span></div>"));
    h.append("</div>\n");
  }

  private static void gradeTable(StringBuilder h, List<QualityRow> rows) {
    h.append("<table><thead><tr><th>exchange</th><th>date</th><th>symbol</th><th>grade</th>")
        .append("<th>score</th><th>coverage</th><th>session min</th><th>gaps</th>")
        .append("<th>max gap</th><th>bronze</th><th>silver</th><th>duplicates</th>")
        .append("<th>quarantined</th><th>outliers</th></tr></thead><tbody>\n");
    for (QualityRow r : rows) {
      h.append("<tr><td>")
          .append(escape(r.exchange()))
          .append("</td><td>")
          .append(r.tradingDate())
          .append("</td><td>")
          .append(escape(r.symbol()))
          .append("</td><td><span class=\"badge g")
          .append(escape(r.grade()))
          .append("\">")
          .append(escape(r.grade()))
          .append("</span></td>");
      for (String cell :
          List.of(
              r.score().setScale(1, java.math.RoundingMode.HALF_EVEN).toPlainString(),
              percent(r.coverage()),
              Integer.toString(r.sessionMinutes()),
              Integer.toString(r.gapCount()),
              duration(r.maxGapMs()),
              count(r.rowsBronze()),
              count(r.rowsSilver()),
              count(r.duplicates()),
              count(r.quarantined()),
              count(r.outliers()))) {
        h.append("<td class=\"n\">").append(escape(cell)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void quarantineChart(StringBuilder h, List<QualityRow> rows) {
    Map<String, Long> totals = new TreeMap<>();
    long outliers = 0;
    for (QualityRow r : rows) {
      r.quarantinedByRule().forEach((rule, n) -> totals.merge(rule, n, Long::sum));
      outliers += r.outliers();
    }
    Map<String, Long> bars = new LinkedHashMap<>();
    totals.forEach((rule, n) -> bars.put(rule + " (rejected)", n));
    if (outliers > 0) {
      bars.put("price_spike (flagged, kept)", outliers);
    }
    if (bars.isEmpty()) {
      h.append("<p class=\"ok\">No row of these symbol-days was quarantined or flagged.</p>\n");
      return;
    }
    long max = bars.values().stream().mapToLong(Long::longValue).max().orElse(1);
    int rowH = 26;
    int labelW = 260;
    int height = bars.size() * rowH + 10;
    svgOpen(h, height, "Quarantined rows by rule");
    int i = 0;
    for (Map.Entry<String, Long> e : bars.entrySet()) {
      double y = 5 + i * rowH;
      double w = (WIDTH - labelW - 120) * (double) e.getValue() / max;
      boolean warn = e.getKey().startsWith("price_spike (flagged");
      h.append("<text x=\"")
          .append(labelW - 8)
          .append("\" y=\"")
          .append(px(y + 17))
          .append("\" text-anchor=\"end\">")
          .append(escape(e.getKey()))
          .append("</text><rect x=\"")
          .append(labelW)
          .append("\" y=\"")
          .append(px(y + 3))
          .append("\" width=\"")
          .append(px(Math.max(1, w)))
          .append("\" height=\"18\" fill=\"")
          .append(warn ? "#e0a526" : "#c0392b")
          .append("\"/><text x=\"")
          .append(px(labelW + Math.max(1, w) + 6))
          .append("\" y=\"")
          .append(px(y + 17))
          .append("\">")
          .append(String.format(Locale.ROOT, "%,d", e.getValue()))
          .append("</text>");
      i++;
    }
    h.append("</svg>\n");
  }

  private static void gapTimeline(
      StringBuilder h,
      List<QualityRow> rows,
      Map<ExchangeDate, Map<String, List<Minute>>> minutes,
      ExchangeCalendars calendars) {
    int rowH = 22;
    int labelW = 260;
    int plotW = WIDTH - labelW - RIGHT;
    int height = rows.size() * rowH + 30;
    svgOpen(h, height, "Gap timeline");
    h.append("<text x=\"")
        .append(labelW)
        .append("\" y=\"14\" class=\"axis\">session open</text><text x=\"")
        .append(WIDTH - RIGHT)
        .append("\" y=\"14\" class=\"axis\" text-anchor=\"end\">session close</text>");
    int i = 0;
    for (QualityRow r : rows) {
      double y = 22 + i * rowH;
      h.append("<text x=\"")
          .append(labelW - 8)
          .append("\" y=\"")
          .append(px(y + 14))
          .append("\" text-anchor=\"end\">")
          .append(escape(r.symbol() + "  " + r.tradingDate()))
          .append("</text>");
      ExchangeCalendar cal = QualityJob.calendar(calendars, r.day(), "report on");
      List<SessionInterval> windows = DayQuality.regularWindows(cal, r.tradingDate());
      if (windows.isEmpty()) {
        h.append("<text x=\"").append(labelW).append("\" y=\"").append(px(y + 14));
        h.append("\" class=\"axis\">no regular session</text>");
        i++;
        continue;
      }
      long open = DayQuality.micros(windows.get(0).open());
      long close = DayQuality.micros(windows.get(windows.size() - 1).close());
      double span = close - open;
      h.append("<rect x=\"")
          .append(labelW)
          .append("\" y=\"")
          .append(px(y + 3))
          .append("\" width=\"")
          .append(plotW)
          .append("\" height=\"14\" fill=\"#e6e6e6\"/>");
      // minutes with prints, joined into runs
      List<Minute> series =
          minutes.getOrDefault(r.day(), Map.of()).getOrDefault(r.symbol(), List.of());
      long runStart = -1;
      long runEnd = -1;
      for (Minute m : series) {
        long s = Math.max(m.minute() * MINUTE_MICROS, open);
        long e = Math.min((m.minute() + 1) * MINUTE_MICROS, close);
        if (e <= s) {
          continue;
        }
        if (runStart >= 0 && s <= runEnd) {
          runEnd = Math.max(runEnd, e);
        } else {
          timelineRect(h, runStart, runEnd, open, span, labelW, plotW, y, "#3c9d5d", null);
          runStart = s;
          runEnd = e;
        }
      }
      timelineRect(h, runStart, runEnd, open, span, labelW, plotW, y, "#3c9d5d", null);
      for (Gap g : r.gaps()) {
        timelineRect(
            h,
            DayQuality.micros(g.start()),
            DayQuality.micros(g.end()),
            open,
            span,
            labelW,
            plotW,
            y,
            "#d62f2f",
            gapTitle(g, cal.zone()));
      }
      i++;
    }
    h.append("</svg>\n");
  }

  /** Opens an inline SVG chart of the report's width; {@code label} is escaped. */
  private static void svgOpen(StringBuilder h, int height, String label) {
    h.append("<svg class=\"chart\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape(label))
        .append("\">");
  }

  private static void timelineRect(
      StringBuilder h,
      long s,
      long e,
      long open,
      double span,
      int labelW,
      int plotW,
      double y,
      String fill,
      String title) {
    if (s < 0 || e <= s) {
      return;
    }
    double x0 = labelW + plotW * ((s - open) / span);
    double x1 = labelW + plotW * ((e - open) / span);
    h.append("<rect x=\"")
        .append(px(x0))
        .append("\" y=\"")
        .append(px(y + 3))
        .append("\" width=\"")
        .append(px(Math.max(0.8, x1 - x0)))
        .append("\" height=\"14\" fill=\"")
        .append(fill)
        .append("\">");
    if (title != null) {
      h.append("<title>").append(escape(title)).append("</title>");
    }
    h.append("</rect>");
  }

  private static String gapTitle(Gap g, ZoneId zone) {
    return "gap "
        + HOUR.format(g.start().atZone(zone))
        + "–"
        + HOUR.format(g.end().atZone(zone))
        + " "
        + zone.getId()
        + " ("
        + duration(g.millis())
        + ")";
  }

  /** The price and volume chart of one symbol-day. */
  private static void symbolDay(
      StringBuilder h, QualityRow r, List<Minute> series, ExchangeCalendar cal) {
    ZoneId zone = cal.zone();
    h.append("<div class=\"day\"><h3>")
        .append(escape(r.symbol()))
        .append(" · ")
        .append(escape(r.exchange()))
        .append(" · ")
        .append(r.tradingDate())
        .append(" <span class=\"badge g")
        .append(escape(r.grade()))
        .append("\">")
        .append(escape(r.grade()))
        .append("</span></h3>\n<p class=\"meta\">")
        .append(count(r.rowsSilver()))
        .append(" trades · coverage ")
        .append(percent(r.coverage()))
        .append(" · ")
        .append(r.gapCount())
        .append(r.gapCount() == 1 ? " gap" : " gaps")
        .append(" · times in ")
        .append(escape(zone.getId()))
        .append("</p>\n");
    List<SessionInterval> sessions = cal.sessions(r.tradingDate());
    List<SessionInterval> regular = DayQuality.regularWindows(cal, r.tradingDate());
    long x0;
    long x1;
    if (!sessions.isEmpty()) {
      x0 = DayQuality.micros(sessions.get(0).open());
      x1 = DayQuality.micros(sessions.get(sessions.size() - 1).close());
    } else {
      x0 = Long.MAX_VALUE;
      x1 = Long.MIN_VALUE;
    }
    for (Minute m : series) {
      x0 = Math.min(x0, m.minute() * MINUTE_MICROS);
      x1 = Math.max(x1, (m.minute() + 1) * MINUTE_MICROS);
    }
    if (x1 <= x0) {
      h.append("<p class=\"note\">No trades and no session on this date.</p></div>\n");
      return;
    }
    int plotW = WIDTH - LEFT - RIGHT;
    double span = x1 - x0;
    int priceTop = 22;
    int priceH = 220;
    int volTop = priceTop + priceH + 28;
    int volH = 80;
    int height = volTop + volH + 24;
    svgOpen(h, height, "Price and volume of " + r.symbol() + " on " + r.tradingDate());
    for (SessionInterval s : regular) {
      double a = LEFT + plotW * ((DayQuality.micros(s.open()) - x0) / span);
      double b = LEFT + plotW * ((DayQuality.micros(s.close()) - x0) / span);
      h.append("<rect x=\"")
          .append(px(a))
          .append("\" y=\"")
          .append(priceTop)
          .append("\" width=\"")
          .append(px(b - a))
          .append("\" height=\"")
          .append(volTop + volH - priceTop)
          .append("\" fill=\"#eef3fb\"><title>regular session</title></rect>");
    }
    for (Gap g : r.gaps()) {
      double a = LEFT + plotW * ((DayQuality.micros(g.start()) - x0) / span);
      double b = LEFT + plotW * ((DayQuality.micros(g.end()) - x0) / span);
      h.append("<rect x=\"")
          .append(px(a))
          .append("\" y=\"")
          .append(priceTop)
          .append("\" width=\"")
          .append(px(Math.max(1, b - a)))
          .append("\" height=\"")
          .append(volTop + volH - priceTop)
          .append("\" fill=\"#f9d6d5\"><title>")
          .append(escape(gapTitle(g, zone)))
          .append("</title></rect>");
    }
    // hour grid and labels
    ZonedDateTime t =
        Instant.ofEpochSecond(x0 / 1_000_000).atZone(zone).truncatedTo(ChronoUnit.HOURS);
    long hours = Math.max(1, Math.round(span / 3_600_000_000.0));
    int step = hours > 16 ? 2 : 1;
    for (; DayQuality.micros(t.toInstant()) <= x1; t = t.plusHours(step)) {
      long us = DayQuality.micros(t.toInstant());
      if (us < x0) {
        continue;
      }
      double x = LEFT + plotW * ((us - x0) / span);
      h.append("<line x1=\"")
          .append(px(x))
          .append("\" x2=\"")
          .append(px(x))
          .append("\" y1=\"")
          .append(priceTop)
          .append("\" y2=\"")
          .append(volTop + volH)
          .append("\" class=\"grid\"/><text x=\"")
          .append(px(x))
          .append("\" y=\"")
          .append(volTop + volH + 16)
          .append("\" class=\"axis\" text-anchor=\"middle\">")
          .append(HOUR.format(t))
          .append("</text>");
    }
    if (series.isEmpty()) {
      h.append("<text x=\"")
          .append(LEFT + 10)
          .append("\" y=\"")
          .append(priceTop + 30)
          .append("\">no Silver trades</text></svg></div>\n");
      return;
    }
    // The scale follows the minute closes: one wild print (a spike, a bad tick) must not flatten
    // the day; prints beyond the scale are clipped and marked in red with their exact price.
    BigDecimal lo = series.get(0).close();
    BigDecimal hi = series.get(0).close();
    BigDecimal vmax = BigDecimal.ZERO;
    for (Minute m : series) {
      lo = lo.min(m.close());
      hi = hi.max(m.close());
      vmax = vmax.max(m.volume());
    }
    double plo = lo.doubleValue();
    double phi = hi.doubleValue();
    double pad = Math.max((phi - plo) * 0.05, Math.max(Math.abs(plo) * 0.001, 1e-9));
    double scaleLo = plo - pad;
    double scaleHi = phi + pad;
    double pspan = scaleHi - scaleLo;
    double barW = Math.max(1.0, plotW * (MINUTE_MICROS / span));
    StringBuilder ranges = new StringBuilder();
    StringBuilder line = new StringBuilder();
    StringBuilder vols = new StringBuilder();
    StringBuilder clipped = new StringBuilder();
    int clippedCount = 0;
    double vm = vmax.signum() == 0 ? 1 : vmax.doubleValue();
    long previous = Long.MIN_VALUE;
    for (Minute m : series) {
      double x = LEFT + plotW * ((m.minute() * MINUTE_MICROS - x0) / span) + barW / 2;
      double low = m.low().doubleValue();
      double high = m.high().doubleValue();
      double yl = priceTop + priceH * (scaleHi - Math.max(low, scaleLo)) / pspan;
      double yh = priceTop + priceH * (scaleHi - Math.min(high, scaleHi)) / pspan;
      double yc = priceTop + priceH * (scaleHi - m.close().doubleValue()) / pspan;
      ranges.append('M').append(px(x)).append(' ').append(px(yl));
      ranges.append('V').append(px(Math.min(yh, yl - 0.5)));
      if (high > scaleHi || low < scaleLo) {
        clippedCount++;
        boolean up = high > scaleHi;
        double edge = up ? priceTop : priceTop + priceH;
        clipped
            .append("<path d=\"M")
            .append(px(x - 4))
            .append(' ')
            .append(px(up ? edge + 7 : edge - 7))
            .append("L")
            .append(px(x + 4))
            .append(' ')
            .append(px(up ? edge + 7 : edge - 7))
            .append("L")
            .append(px(x))
            .append(' ')
            .append(px(edge))
            .append("Z\" fill=\"#d62f2f\"><title>")
            .append(
                escape(
                    HOUR.format(Instant.ofEpochSecond(m.minute() * 60).atZone(zone))
                        + " "
                        + (up ? "high " + plain(m.high()) : "low " + plain(m.low()))
                        + " beyond the scale"))
            .append("</title></path>");
      }
      // a line across minutes without trades would suggest prices nobody traded at
      boolean join = previous != Long.MIN_VALUE && m.minute() - previous <= 5;
      line.append(join ? "L" : "M").append(px(x)).append(' ').append(px(yc));
      previous = m.minute();
      double vh = volH * m.volume().doubleValue() / vm;
      vols.append('M').append(px(x)).append(' ').append(volTop + volH);
      vols.append('V').append(px(volTop + volH - Math.max(0.5, vh)));
    }
    h.append("<path d=\"")
        .append(ranges)
        .append("\" stroke=\"#9db7d8\" stroke-width=\"")
        .append(px(Math.max(1, barW * 0.8)))
        .append("\" fill=\"none\"/><path d=\"")
        .append(line)
        .append("\" stroke=\"#1f4e9a\" stroke-width=\"1.2\" fill=\"none\"/>");
    h.append("<path d=\"")
        .append(vols)
        .append("\" stroke=\"#7a8793\" stroke-width=\"")
        .append(px(Math.max(1, barW * 0.8)))
        .append("\" fill=\"none\"/>")
        .append(clipped);
    // axes labels: exact decimal prices and volume
    h.append("<text x=\"")
        .append(LEFT - 6)
        .append("\" y=\"")
        .append(priceTop + 10)
        .append("\" class=\"axis\" text-anchor=\"end\">")
        .append(escape(plain(hi)))
        .append("</text><text x=\"")
        .append(LEFT - 6)
        .append("\" y=\"")
        .append(priceTop + priceH)
        .append("\" class=\"axis\" text-anchor=\"end\">")
        .append(escape(plain(lo)))
        .append("</text><text x=\"")
        .append(LEFT - 6)
        .append("\" y=\"")
        .append(volTop + 10)
        .append("\" class=\"axis\" text-anchor=\"end\">")
        .append(escape(plain(vmax)))
        .append("</text><text x=\"")
        .append(LEFT + 4)
        .append("\" y=\"")
        .append(volTop - 7)
        .append("\" class=\"axis\">volume per minute</text><text x=\"")
        .append(LEFT + 4)
        .append("\" y=\"")
        .append(priceTop - 7)
        .append("\" class=\"axis\">price per minute: range (light) and last trade (dark);")
        .append(" shaded: regular session; red: gaps</text>");
    h.append("<rect x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(priceTop)
        .append("\" width=\"")
        .append(plotW)
        .append("\" height=\"")
        .append(priceH)
        .append("\" class=\"frame\"/><rect x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(volTop)
        .append("\" width=\"")
        .append(plotW)
        .append("\" height=\"")
        .append(volH)
        .append("\" class=\"frame\"/></svg>");
    if (clippedCount > 0) {
      h.append("<p class=\"note\">")
          .append(clippedCount)
          .append(clippedCount == 1 ? " minute has" : " minutes have")
          .append(" prints beyond the price scale (red marks; hover for the price).</p>");
    }
    h.append("</div>\n");
  }

  // ---- formatting

  private static String plain(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
  }

  private static String percent(BigDecimal coverage) {
    if (coverage == null) {
      return "–";
    }
    return coverage
            .multiply(BigDecimal.valueOf(100))
            .setScale(1, java.math.RoundingMode.HALF_EVEN)
            .toPlainString()
        + " %";
  }

  private static String count(Long v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%,d", v);
  }

  private static String duration(long ms) {
    long s = ms / 1000;
    if (s < 60) {
      return String.format(Locale.ROOT, "%d.%03d s", s, ms % 1000);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  private static final String CSS =
      "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px"
          + " 32px;color:#1d2733;background:#fff}"
          + "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px"
          + " solid #d5dbe2;padding-bottom:4px}h3{font-size:15px;margin:18px 0 2px}"
          + ".meta{color:#5b6773;margin:2px 0 8px}.note{color:#5b6773;font-size:12px}"
          + ".ok{color:#2d7a46}nav a{margin-right:14px;color:#1f4e9a}"
          + ".cards{display:flex;gap:10px;margin:10px 0 14px}.card{border-radius:6px;padding:8px"
          + " 14px;min-width:70px;color:#fff}.card b{font-size:22px;display:block}"
          + ".card span{font-size:12px}"
          + "table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px"
          + " solid #e3e7ec;text-align:left}th{background:#f3f5f8}td.n{text-align:right;"
          + "font-variant-numeric:tabular-nums}"
          + ".badge{display:inline-block;min-width:18px;text-align:center;border-radius:4px;"
          + "color:#fff;font-weight:600;padding:0 4px}"
          + ".gA{background:#2d7a46}.gB{background:#6a9a2f}.gC{background:#c79a16}"
          + ".gD{background:#d2691e}.gF{background:#c0392b}"
          + "svg.chart{display:block;font-size:12px;margin:4px 0}svg text{fill:#1d2733}"
          + "svg .axis{fill:#5b6773;font-size:11px}svg .grid{stroke:#d5dbe2;stroke-width:1}"
          + "svg .frame{fill:none;stroke:#aab4bf}.day{margin-bottom:18px}";
}

package io.ticklake.gold.export;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.gold.export.ExportSource.SymbolDay;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes gold.bars in QuantConnect Lean's equity trade-bar format, in Lean's own folder layout so
 * that the export folder can serve as (part of) a Lean data folder: {@code
 * equity/usa/<minute|second>/<symbol>/<yyyymmdd>_trade.zip}, each holding one entry {@code
 * <yyyymmdd>_<symbol>_<minute|second>_trade.csv} with lines {@code
 * ms_since_midnight,open,high,low,close,volume}: the bar start as milliseconds after local midnight
 * of the exchange's time zone, prices times 10000 and volume, all as integers, LF between lines and
 * no line end after the last (exactly as the vendor files in Lean's repository). The symbol is
 * lower-case in paths, as in Lean.
 *
 * <p>Lean cannot say "no price": bars without open, high, low and close (volume-only prints) are
 * not selected for this profile. A price with more than four decimals or a fractional volume cannot
 * be written without rounding and is refused.
 */
final class LeanExport {
  /** The only exchange whose bars fit Lean's equity format. */
  static final String EXCHANGE = "us-equity";

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

  private LeanExport() {}

  /** The resolution name Lean uses for an interval. */
  static String resolution(String interval) {
    return switch (interval) {
      case "1m" -> "minute";
      case "1s" -> "second";
      default ->
          throw TicklakeException.of(
              Kind.INPUT, "Cannot export interval %s as lean: only 1m and 1s", interval);
    };
  }

  /** The relative path of one symbol-day's zip. */
  static String zipPath(String interval, String symbol, LocalDate date) {
    return "equity/usa/"
        + resolution(interval)
        + "/"
        + symbol.toLowerCase(Locale.ROOT)
        + "/"
        + DAY.format(date)
        + "_trade.zip";
  }

  static List<Path> write(ExportSource source, Path dir, ExportProgress progress)
      throws IOException {
    ExportRequest request = source.request();
    String res = resolution(request.interval());
    ZoneId zone = ExchangeCalendars.bundled().calendar(EXCHANGE).zone();
    List<Path> files = new ArrayList<>();
    List<SymbolDay> days = source.symbolDays();
    for (SymbolDay day : days) {
      if (!day.exchange().equals(EXCHANGE)) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export %s of exchange %s as lean: the lean profile writes %s (US equity) bars"
                + " only; pass --exchange %s",
            day.symbol(),
            day.exchange(),
            EXCHANGE,
            EXCHANGE);
      }
      Path zip =
          ExportFiles.inside(dir, zipPath(request.interval(), day.symbol(), day.tradingDate()));
      String entry =
          DAY.format(day.tradingDate())
              + "_"
              + day.symbol().toLowerCase(Locale.ROOT)
              + "_"
              + res
              + "_trade.csv";
      StringBuilder csv = new StringBuilder();
      String sql =
          "SELECT epoch_us(bar_start), open, high, low, close, volume FROM "
              + ExportSource.VIEW
              + " WHERE symbol = "
              + Sql.string(day.symbol())
              + " AND trading_date = "
              + Sql.literal(day.tradingDate())
              + " AND exchange = "
              + Sql.string(day.exchange())
              + " ORDER BY bar_start";
      source.query(
          sql,
          rs -> {
            long micros = rs.getLong(1);
            Instant start =
                Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            if (csv.length() > 0) {
              csv.append('\n');
            }
            csv.append(msSinceMidnight(start, day.tradingDate(), zone));
            for (int c = 2; c <= 5; c++) {
              csv.append(',')
                  .append(
                      scaled(rs.getBigDecimal(c), day, start, rs.getMetaData().getColumnName(c)));
            }
            csv.append(',').append(volume(rs.getBigDecimal(6), day, start));
          });
      Files.createDirectories(zip.getParent());
      try (OutputStream out = Files.newOutputStream(zip);
          ZipOutputStream z = new ZipOutputStream(out, StandardCharsets.US_ASCII)) {
        ZipEntry e = new ZipEntry(entry);
        // A fixed entry time keeps the zip bytes a function of the bars alone.
        e.setTimeLocal(day.tradingDate().atStartOfDay());
        z.putNextEntry(e);
        z.write(csv.toString().getBytes(StandardCharsets.US_ASCII));
        z.closeEntry();
      }
      files.add(zip);
      progress.filesWritten(files.size(), days.size());
    }
    return files;
  }

  /** Milliseconds from local midnight of {@code date} to {@code t} on the local clock. */
  static long msSinceMidnight(Instant t, LocalDate date, ZoneId zone) {
    ZonedDateTime local = t.atZone(zone);
    long days = local.toLocalDate().toEpochDay() - date.toEpochDay();
    return days * 86_400_000L + local.toLocalTime().toNanoOfDay() / 1_000_000L;
  }

  private static String scaled(BigDecimal price, SymbolDay day, Instant start, String column) {
    BigDecimal v = price.movePointRight(4).stripTrailingZeros();
    if (v.scale() > 0) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot export %s bar %s as lean: %s %s has more than 4 decimals",
          day.symbol(),
          start,
          column,
          price.stripTrailingZeros().toPlainString());
    }
    return v.toBigIntegerExact().toString();
  }

  private static String volume(BigDecimal volume, SymbolDay day, Instant start) {
    BigDecimal v = volume.stripTrailingZeros();
    if (v.scale() > 0) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot export %s bar %s as lean: volume %s is not a whole number",
          day.symbol(),
          start,
          v.toPlainString());
    }
    return v.toBigIntegerExact().toString();
  }
}

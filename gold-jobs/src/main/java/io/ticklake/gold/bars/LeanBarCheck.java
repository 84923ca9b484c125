package io.ticklake.gold.bars;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Compares {@code gold.bars} with the vendor's own Lean trade bars ({@code
 * <interval>/<symbol>/<yyyymmdd>_trade.zip}: {@code ms_of_bar_start, open, high, low, close,
 * volume}, prices ×10000, time in the exchange's local time) built from the same ticks. A bar is
 * identical when all six fields are. Every other bar is one of the difference classes of {@link
 * DiffKind}.
 */
public final class LeanBarCheck {
  private LeanBarCheck() {}

  /** How a bar differs. */
  public enum DiffKind {
    /** The vendor has a bar at this time and ticklake has none. */
    VENDOR_ONLY,
    /** Ticklake has a bar with prices at this time and the vendor has none. */
    TICKLAKE_ONLY,
    /**
     * Ticklake has a volume-only bar (no price-eligible print, no earlier priced bar in the same
     * session) and the vendor has none: the vendor counts that volume in the previous bar even
     * across a session boundary, ticklake keeps it in its session.
     */
    TICKLAKE_VOLUME_ONLY_BAR,
    /** Same open, high, low and close; different volume. */
    VOLUME,
    /** At least one of open, high, low, close differs. */
    PRICE
  }

  /**
   * One differing bar.
   *
   * @param msOfDay bar start in milliseconds since local midnight
   * @param kind the difference class
   * @param ours ticklake's {@code open,high,low,close,volume} (×10000 prices) or empty
   * @param vendor the vendor's fields or empty
   */
  public record Diff(long msOfDay, DiffKind kind, String ours, String vendor) {}

  /**
   * The comparison of one symbol-day at one interval.
   *
   * @param symbol the ticker
   * @param date the trading date
   * @param interval 1s or 1m
   * @param bars bar times on either side
   * @param identical bars identical in all six fields
   * @param diffs the other bars
   */
  public record DayResult(
      String symbol,
      LocalDate date,
      BarInterval interval,
      int bars,
      int identical,
      List<Diff> diffs) {
    public DayResult {
      requireNonNull(symbol, "symbol is null");
      diffs = List.copyOf(diffs);
    }

    /** identical / bars. */
    public double share() {
      return bars == 0 ? 1.0 : (double) identical / bars;
    }

    /** Differences per class. */
    public Map<DiffKind, Integer> byKind() {
      Map<DiffKind, Integer> m = new TreeMap<>();
      diffs.forEach(d -> m.merge(d.kind(), 1, Integer::sum));
      return m;
    }
  }

  /**
   * Compares one symbol-day.
   *
   * @param bridge a DuckDB bridge
   * @param gold the {@code gold.bars} table
   * @param snapshot the Gold snapshot to read
   * @param exchange the exchange
   * @param symbol the ticker as in Silver (e.g. IBM)
   * @param date the trading date
   * @param interval the interval (the vendor has 1s and 1m)
   * @param vendorZip the vendor's bar file
   * @param zone the exchange's time zone (vendor times are local)
   */
  public static DayResult compare(
      DuckDbBridge bridge,
      Table gold,
      Snapshot snapshot,
      String exchange,
      String symbol,
      LocalDate date,
      BarInterval interval,
      Path vendorZip,
      ZoneId zone) {
    Map<Long, String> vendor = readVendor(vendorZip);
    Map<Long, String> ours =
        readOurs(bridge, gold, snapshot, exchange, symbol, date, interval, zone);
    TreeSet<Long> times = new TreeSet<>(vendor.keySet());
    times.addAll(ours.keySet());
    int identical = 0;
    List<Diff> diffs = new ArrayList<>();
    for (long t : times) {
      String o = ours.get(t);
      String v = vendor.get(t);
      if (o != null && o.equals(v)) {
        identical++;
        continue;
      }
      DiffKind kind;
      if (o == null) {
        kind = DiffKind.VENDOR_ONLY;
      } else if (v == null) {
        kind = o.startsWith(",,,,") ? DiffKind.TICKLAKE_VOLUME_ONLY_BAR : DiffKind.TICKLAKE_ONLY;
      } else if (o.substring(0, o.lastIndexOf(',')).equals(v.substring(0, v.lastIndexOf(',')))) {
        kind = DiffKind.VOLUME;
      } else {
        kind = DiffKind.PRICE;
      }
      diffs.add(new Diff(t, kind, o == null ? "" : o, v == null ? "" : v));
    }
    return new DayResult(symbol, date, interval, times.size(), identical, diffs);
  }

  /** The vendor's bars by ms of bar start, as {@code o,h,l,c,v} text. */
  static Map<Long, String> readVendor(Path zip) {
    Map<Long, String> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e = in.getNextEntry();
      if (e == null) {
        throw TicklakeException.of(Kind.INPUT, "Cannot read %s: the zip file is empty", zip);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != 6) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot read %s line %d: expected 6 fields (ms, open, high, low, close, volume),"
                  + " found %d",
              zip,
              n,
              f.length);
        }
        out.put(
            Long.parseLong(f[0].strip()),
            String.join(",", f[1].strip(), f[2].strip(), f[3].strip(), f[4].strip(), f[5].strip()));
      }
    } catch (IOException | NumberFormatException ex) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s: %s", zip, ex.getMessage());
    }
    return out;
  }

  private static Map<Long, String> readOurs(
      DuckDbBridge bridge,
      Table gold,
      Snapshot snapshot,
      String exchange,
      String symbol,
      LocalDate date,
      BarInterval interval,
      ZoneId zone) {
    Map<String, Object> eq = new LinkedHashMap<>();
    eq.put("exchange", exchange);
    eq.put("trading_date", date);
    eq.put("interval", interval.label());
    PartitionFilter filter = new PartitionFilter(eq);
    PinnedScan scan = PinnedScan.plan(gold, Optional.ofNullable(snapshot), filter.expression());
    String sql =
        // epoch_ms: DuckDB's JDBC driver turns a TIMESTAMPTZ into an OffsetDateTime through the
        // JVM's zone and can pick the wrong offset around a daylight-saving change
        "SELECT epoch_ms(bar_start), open, high, low, close, volume FROM ("
            + DuckDbBridge.relationSql(scan, filter)
            + ") WHERE symbol = "
            + Sql.string(symbol)
            + " ORDER BY bar_start";
    Map<Long, String> out = new LinkedHashMap<>();
    long midnight = date.atStartOfDay(zone).toInstant().toEpochMilli();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        long ms = rs.getLong(1) - midnight;
        out.put(
            ms,
            String.join(
                ",",
                scaled(rs.getBigDecimal(2)),
                scaled(rs.getBigDecimal(3)),
                scaled(rs.getBigDecimal(4)),
                scaled(rs.getBigDecimal(5)),
                rs.getBigDecimal(6).stripTrailingZeros().toPlainString()));
      }
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot read gold.bars in DuckDB: " + e.getMessage().strip(), e);
    }
    return out;
  }

  /** A price in the vendor's ×10000 integer form; a bar without prices reads as an empty field. */
  private static String scaled(BigDecimal price) {
    return price == null ? "" : price.movePointRight(4).stripTrailingZeros().toPlainString();
  }
}

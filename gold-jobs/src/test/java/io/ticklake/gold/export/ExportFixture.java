package io.ticklake.gold.export;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipInputStream;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;

/**
 * Test data for exports, written straight into the contract tables through the Iceberg API: bars
 * into gold.bars (from values or from a vendor Lean bar file) and trades into silver.trades.
 */
public final class ExportFixture {
  /** The exchange of the fixtures. */
  public static final String EXCHANGE = "us-equity";

  /** US equities' time zone. */
  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static final Instant INGESTED = Instant.parse("2013-10-12T00:00:00Z");

  private ExportFixture() {}

  /**
   * One bar.
   *
   * @param symbol ticker
   * @param date trading date
   * @param interval 1s, 1m, …
   * @param start bar start
   * @param open open, or null with high/low/close for a volume-only bar
   */
  public record Bar(
      String symbol,
      LocalDate date,
      String interval,
      Instant start,
      BigDecimal open,
      BigDecimal high,
      BigDecimal low,
      BigDecimal close,
      BigDecimal volume) {}

  /** One trade. */
  public record Trade(String symbol, Instant ts, BigDecimal price, BigDecimal size) {}

  /** The trading date of the fixtures. */
  public static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  /** A request for {@link #DAY} on every exchange at the latest snapshot. */
  public static ExportRequest request(
      ExportProfile profile, String table, String interval, Path out, String... symbols) {
    return new ExportRequest(profile, table, null, List.of(symbols), DAY, DAY, interval, out, null);
  }

  /** Opens a fresh warehouse in {@code dir} with every table created. */
  public static Warehouse warehouse(Path dir) {
    Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(w).commit();
    return w;
  }

  /** A bar at {@code hh:mm[:ss]} New York time on {@code date}, prices as text. */
  public static Bar bar(
      String symbol,
      LocalDate date,
      String interval,
      String localTime,
      String o,
      String h,
      String l,
      String c,
      String v) {
    Instant start = date.atTime(java.time.LocalTime.parse(localTime)).atZone(NEW_YORK).toInstant();
    return new Bar(
        symbol,
        date,
        interval,
        start,
        o == null ? null : new BigDecimal(o),
        h == null ? null : new BigDecimal(h),
        l == null ? null : new BigDecimal(l),
        c == null ? null : new BigDecimal(c),
        new BigDecimal(v));
  }

  /**
   * Reads a vendor Lean trade-bar zip (from the test resources) into bars: {@code
   * ms_since_midnight, open×10000, high×10000, low×10000, close×10000, volume}.
   */
  public static List<Bar> leanBars(
      String resource, String symbol, LocalDate date, String interval) {
    List<Bar> bars = new ArrayList<>();
    try (InputStream in = ExportFixture.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      ZipInputStream zip = new ZipInputStream(in);
      zip.getNextEntry();
      BufferedReader r = new BufferedReader(new InputStreamReader(zip, StandardCharsets.US_ASCII));
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        Instant start = date.atStartOfDay(NEW_YORK).toInstant().plusMillis(Long.parseLong(f[0]));
        bars.add(
            new Bar(
                symbol,
                date,
                interval,
                start,
                new BigDecimal(f[1]).movePointLeft(4),
                new BigDecimal(f[2]).movePointLeft(4),
                new BigDecimal(f[3]).movePointLeft(4),
                new BigDecimal(f[4]).movePointLeft(4),
                new BigDecimal(f[5])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bars;
  }

  /** Reads the one CSV entry of a zip as text. */
  public static String zipText(InputStream in) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(in)) {
      zip.getNextEntry();
      return new String(zip.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** Appends bars to gold.bars in one commit; returns the new snapshot id. */
  public static long appendBars(Warehouse w, List<Bar> bars) {
    Table table = w.table(TableContracts.GOLD_BARS.id());
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      for (Bar b : bars) {
        GenericRecord r = GenericRecord.create(table.schema());
        r.setField("exchange", EXCHANGE);
        r.setField("trading_date", b.date());
        r.setField("interval", b.interval());
        r.setField("symbol", b.symbol());
        r.setField("symbol_id", (long) b.symbol().hashCode());
        r.setField("bar_start", b.start().atOffset(java.time.ZoneOffset.UTC));
        r.setField(
            "bar_end", b.start().plus(duration(b.interval())).atOffset(java.time.ZoneOffset.UTC));
        r.setField("session", "regular");
        r.setField("open", scale9(b.open()));
        r.setField("high", scale9(b.high()));
        r.setField("low", scale9(b.low()));
        r.setField("close", scale9(b.close()));
        r.setField("volume", b.volume().setScale(8));
        r.setField("vwap", scale9(b.close()));
        r.setField("trade_count", 1L);
        r.setField("first_ts", b.start().atOffset(java.time.ZoneOffset.UTC));
        r.setField("last_ts", b.start().atOffset(java.time.ZoneOffset.UTC));
        writer.write(r);
      }
      return commit(table, writer.complete());
    }
  }

  /** Appends trades to silver.trades in one commit; returns the new snapshot id. */
  public static long appendTrades(Warehouse w, LocalDate date, List<Trade> trades) {
    Table table = w.table(TableContracts.SILVER_TRADES.id());
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      long seq = 0;
      for (Trade t : trades) {
        GenericRecord r = GenericRecord.create(table.schema());
        r.setField("exchange", EXCHANGE);
        r.setField("trading_date", date);
        r.setField("symbol", t.symbol());
        r.setField("ts_event", t.ts().atOffset(java.time.ZoneOffset.UTC));
        r.setField("price", scale9(t.price()));
        r.setField("size", t.size().setScale(8));
        r.setField("venue", "N");
        r.setField("vendor", "lean");
        r.setField("file_seq", ++seq);
        r.setField("ingested_at", INGESTED.atOffset(java.time.ZoneOffset.UTC));
        r.setField(
            "event_id",
            java.util.UUID.nameUUIDFromBytes(
                (t.symbol() + "-" + t.ts() + "-" + seq)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        r.setField("symbol_id", (long) t.symbol().hashCode());
        r.setField("session", "regular");
        writer.write(r);
      }
      return commit(table, writer.complete());
    }
  }

  private static long commit(Table table, List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    table.refresh();
    return table.currentSnapshot().snapshotId();
  }

  private static BigDecimal scale9(BigDecimal v) {
    return v == null ? null : v.setScale(9);
  }

  private static Duration duration(String interval) {
    return switch (interval) {
      case "1s" -> Duration.ofSeconds(1);
      case "1m" -> Duration.ofMinutes(1);
      case "5m" -> Duration.ofMinutes(5);
      case "1h" -> Duration.ofHours(1);
      default -> Duration.of(1, ChronoUnit.DAYS);
    };
  }
}

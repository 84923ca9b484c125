package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads Tardis.dev CSV exports, plain or gzip-compressed (recognised by content, so {@code .csv}
 * and {@code .csv.gz} both work). The header decides the data type:
 *
 * <ul>
 *   <li>trades: {@value #TRADES_HEADER}
 *   <li>quotes: {@value #QUOTES_HEADER} (note the mirrored order: ask first, then bid)
 * </ul>
 *
 * <p>{@code timestamp} is the exchange time and {@code local_timestamp} the receive time, both
 * microseconds since the epoch (UTC). {@code exchange} fills the row's exchange ({@code
 * binance-futures}), {@code id} the vendor trade id, {@code side} is {@code buy}, {@code sell} or
 * {@code unknown}. Prices and amounts are exact decimals ({@code 9681.92}, {@code 0.003}, also
 * {@code 1e-05}); a value needing more than 9 (price) or 8 (size) decimals is an error, never
 * rounded. A quote side whose price and amount are both empty is not quoted (null); one empty and
 * one not is an error. A wrong or missing header fails the whole file.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TardisCsvReader implements VendorReader {
  /** The Bronze lineage vendor of Tardis rows. */
  public static final String VENDOR = "tardis";

  /** Header of a Tardis trades export. */
  public static final String TRADES_HEADER =
      "exchange,symbol,timestamp,local_timestamp,id,side,price,amount";

  /** Header of a Tardis quotes export (ask before bid). */
  public static final String QUOTES_HEADER =
      "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount";

  /** Earliest accepted epoch microseconds: 0001-01-01T00:00:00Z. */
  static final long MIN_MICROS = -62_135_596_800_000_000L;

  /** Latest accepted epoch microseconds: 9999-12-31T23:59:59.999999Z. */
  static final long MAX_MICROS = 253_402_300_799_999_999L;

  private static final byte COMMA = ',';

  @Override
  public String vendor() {
    return VENDOR;
  }

  @Override
  public DataType dataType(Path file) throws IOException {
    String fileText = file.toString();
    String name = Sources.name(file);
    try (InputStream in = Sources.open(file)) {
      LineSource lines = new LineSource(in);
      Emitter out = new Emitter(fileText, name, new NoSink());
      return header(lines, out);
    }
  }

  @Override
  public ReadSummary read(Path file, RowSink sink) throws IOException {
    requireNonNull(sink, "sink is null");
    String fileText = file.toString();
    String name = Sources.name(file);
    try (InputStream in = Sources.open(file)) {
      LineSource lines = new LineSource(in);
      Emitter out = new Emitter(fileText, name, sink);
      DataType type = header(lines, out);
      LineParser parser = new LineParser();
      out.drain(lines, type, parser::trade, parser::quote);
      return out.summary(type);
    }
  }

  private static DataType header(LineSource lines, Emitter out) throws IOException {
    boolean any;
    try {
      any = lines.next();
    } catch (IOException e) {
      throw out.corrupt(e, 0);
    }
    if (!any) {
      throw FileFormatException.of(out.file(), out.sourceName(), "it has no header line");
    }
    byte[] b = lines.bytes();
    if (!lines.overlong()) {
      if (Texts.equalsAscii(b, lines.start(), lines.end(), TRADES_HEADER)) {
        return DataType.TRADES;
      }
      if (Texts.equalsAscii(b, lines.start(), lines.end(), QUOTES_HEADER)) {
        return DataType.QUOTES;
      }
    }
    String found = Texts.printable(b, lines.start(), lines.end(), 200);
    throw FileFormatException.of(
        out.file(),
        out.sourceName(),
        "its header '%s' is neither the Tardis trades header '%s' nor the quotes header '%s'",
        found,
        TRADES_HEADER,
        QUOTES_HEADER);
  }

  /** Parses the lines of one file. Not thread-safe. */
  private static final class LineParser {
    private final Fields fields = new Fields(9);
    private final Texts texts = new Texts();

    TradeRow trade(LineSource lines) throws FieldProblem {
      byte[] b = lines.bytes();
      int n = fields.split(b, lines.start(), lines.end(), COMMA);
      if (n != 8) {
        throw FieldProblem.line("expected 8 comma-separated fields, found " + n);
      }
      String exchange = texts.requiredText(b, fields.start(0), fields.end(0), "exchange");
      String symbol = texts.requiredText(b, fields.start(1), fields.end(1), "symbol");
      long ts = micros(b, fields.start(2), fields.end(2), "ts_event");
      Long recv = optionalMicros(b, fields.start(3), fields.end(3), "ts_recv");
      String id = optionalId(b, fields.start(4), fields.end(4));
      String side = side(b, fields.start(5), fields.end(5));
      BigDecimal price = Numbers.decimal(b, fields.start(6), fields.end(6), 9, 0, "price");
      BigDecimal size = Numbers.decimal(b, fields.start(7), fields.end(7), 8, 0, "size");
      return new TradeRow(
          symbol,
          exchange,
          ts,
          null,
          recv,
          price,
          size,
          null,
          side,
          id,
          null,
          null,
          null,
          null,
          lines.lineNumber());
    }

    QuoteRow quote(LineSource lines) throws FieldProblem {
      byte[] b = lines.bytes();
      int n = fields.split(b, lines.start(), lines.end(), COMMA);
      if (n != 8) {
        throw FieldProblem.line("expected 8 comma-separated fields, found " + n);
      }
      String exchange = texts.requiredText(b, fields.start(0), fields.end(0), "exchange");
      String symbol = texts.requiredText(b, fields.start(1), fields.end(1), "symbol");
      long ts = micros(b, fields.start(2), fields.end(2), "ts_event");
      Long recv = optionalMicros(b, fields.start(3), fields.end(3), "ts_recv");
      // Mirrored order: ask_amount, ask_price, bid_price, bid_amount.
      BigDecimal askSize = optionalDecimal(b, 4, 8, "ask_size");
      BigDecimal askPrice = optionalDecimal(b, 5, 9, "ask_price");
      BigDecimal bidPrice = optionalDecimal(b, 6, 9, "bid_price");
      BigDecimal bidSize = optionalDecimal(b, 7, 8, "bid_size");
      checkPair(bidPrice, bidSize, "bid_price", "bid_size");
      checkPair(askPrice, askSize, "ask_price", "ask_size");
      return new QuoteRow(
          symbol,
          exchange,
          ts,
          null,
          recv,
          bidPrice,
          bidSize,
          askPrice,
          askSize,
          null,
          null,
          null,
          null,
          null,
          lines.lineNumber());
    }

    private BigDecimal optionalDecimal(byte[] b, int field, int scale, String name)
        throws FieldProblem {
      int s = fields.start(field);
      int e = fields.end(field);
      return s == e ? null : Numbers.decimal(b, s, e, scale, 0, name);
    }

    private static void checkPair(
        BigDecimal price, BigDecimal size, String priceName, String sizeName) throws FieldProblem {
      if (price == null && size != null) {
        throw FieldProblem.field(
            priceName, "", "the price is empty but the amount is '" + size.toPlainString() + "'");
      }
      if (price != null && size == null) {
        throw FieldProblem.field(
            sizeName, "", "the amount is empty but the price is '" + price.toPlainString() + "'");
      }
    }

    private String optionalId(byte[] b, int s, int e) throws FieldProblem {
      if (s == e) {
        return null;
      }
      // Ids are unique per row: decode without polluting the cache.
      boolean ascii = true;
      for (int i = s; i < e; i++) {
        if (b[i] < 0) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
      }
      return texts.text(b, s, e, "vendor_trade_id");
    }

    private static String side(byte[] b, int s, int e) throws FieldProblem {
      if (Texts.equalsAsciiIgnoreCase(b, s, e, TradeRow.BUY)) {
        return TradeRow.BUY;
      }
      if (Texts.equalsAsciiIgnoreCase(b, s, e, TradeRow.SELL)) {
        return TradeRow.SELL;
      }
      if (Texts.equalsAsciiIgnoreCase(b, s, e, TradeRow.UNKNOWN)) {
        return TradeRow.UNKNOWN;
      }
      throw FieldProblem.field("side", b, s, e, "expected buy, sell or unknown");
    }

    private static long micros(byte[] b, int s, int e, String name) throws FieldProblem {
      long v = Numbers.integer(b, s, e, name);
      if (v < MIN_MICROS || v > MAX_MICROS) {
        throw FieldProblem.field(
            name, b, s, e, "microseconds since the epoch outside the years 1..9999");
      }
      return v;
    }

    private static Long optionalMicros(byte[] b, int s, int e, String name) throws FieldProblem {
      return s == e ? null : micros(b, s, e, name);
    }
  }

  /** A sink for header-only reads. */
  private static final class NoSink implements RowSink {
    @Override
    public void trade(TradeRow row) {}

    @Override
    public void quote(QuoteRow row) {}

    @Override
    public void error(ParseError error) {}
  }
}

package io.ticklake.bronze.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.bronze.read.JsonLines;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.WalTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the live writer's input lines into {@link TradeRow}s and {@link QuoteRow}s.
 *
 * <p>JSONL: one object per line, {@code {"type":"trade","exchange":"binance-futures",
 * "symbol":"BTCUSDT","ts":"2020-02-22T00:00:02.111Z","price":"9682.00","size":"0.132",
 * "side":"buy","id":"42377944","seq":17}}; a quote has {@code bid_price}, {@code bid_size}, {@code
 * ask_price}, {@code ask_size} (a side may be absent or null: one-sided quote). {@code ts} is an
 * ISO-8601 instant (a fraction finer than microseconds is kept as epoch nanoseconds in {@code
 * ts_event_ns}) or epoch microseconds; decimals are strings or JSON numbers, read exactly (never
 * through a double); {@code side}, {@code id} (a string, or a JSON integer kept as its digits),
 * {@code venue} and {@code seq} are optional.
 *
 * <p>CSV: {@code type,exchange,symbol,ts,seq,price,size,side,id,bid_price,bid_size,ask_price,
 * ask_size} without quoting; empty fields are absent; a header line starting with {@code type,} is
 * skipped.
 *
 * <p>A bad line's error also carries what the line still says about itself ({@link
 * EventLineException#table()}, {@link EventLineException#seq()}): for JSONL, the top-level {@code
 * type} and {@code seq} read before the line breaks off, if it does (a value counts only when what
 * follows it is well-formed, so a line cut inside {@code "seq":123} has no seq); for CSV, the
 * {@code type} of the first field, and the {@code seq} only when the line has all 13 fields.
 *
 * <p>Thread-safe (stateless apart from the shared, immutable JSON mapper).
 */
public final class EventLineParser {
  /** Input formats. */
  public enum Format {
    /** One JSON object per line. */
    JSONL,
    /** Comma-separated fields in a fixed order. */
    CSV
  }

  /** CSV columns, in order. */
  public static final String CSV_HEADER =
      "type,exchange,symbol,ts,seq,price,size,side,id,bid_price,bid_size,ask_price,ask_size";

  /**
   * What a reader of the input puts for bytes that are not UTF-8 (a noncharacter, so never a
   * genuine value): a line holding it is a bad line, never an event with a replaced character.
   */
  public static final String NOT_UTF8 = "\uFFFF";

  private static final String[] CSV_COLUMNS = CSV_HEADER.split(",");

  // text after the object ("{…} junk", "{…}{…}") and a key given twice are bad lines
  private static final ObjectMapper JSON = JsonLines.MAPPER;

  private final Format format;

  /** A parser of one format. */
  public EventLineParser(Format format) {
    this.format = requireNonNull(format, "format is null");
  }

  /**
   * Parses one line: a {@link TradeRow} or a {@link QuoteRow} whose {@code line} is {@code lineNo},
   * or null for a line to skip (blank, CSV header).
   *
   * @throws EventLineException when the line is not a valid event
   */
  public Object parse(String line, long lineNo) throws EventLineException {
    requireNonNull(line, "line is null");
    if (line.isBlank() || (format == Format.CSV && line.startsWith("type,"))) {
      return null;
    }
    try {
      if (line.contains(NOT_UTF8)) {
        throw new EventLineException(null, null, "Cannot read the line: not valid UTF-8");
      }
      return event(line, lineNo);
    } catch (EventLineException e) {
      throw identified(e, line);
    }
  }

  /**
   * {@code e} with what the bad {@code line} still says about itself: its table (from {@code type})
   * and {@code seq}, each null when it cannot be read.
   */
  private EventLineException identified(EventLineException e, String line) {
    Map<String, Object> f = format == Format.JSONL ? jsonPrefix(line) : csvPrefix(line);
    Object type = f.get("type");
    WalTable table =
        "trade".equals(type) ? WalTable.TRADES : "quote".equals(type) ? WalTable.QUOTES : null;
    Long seq;
    try {
      seq = integer(f, "seq");
    } catch (EventLineException unreadable) {
      seq = null;
    }
    return e.about(table, seq);
  }

  /**
   * The scalar top-level fields of a JSON object read up to where the line stops being valid JSON.
   * A string counts once its closing quote is read; a number only when something follows it on the
   * line, so a number cut off by the end of the line is not taken for a shorter one.
   */
  private static Map<String, Object> jsonPrefix(String line) {
    Map<String, Object> out = new HashMap<>();
    try (JsonParser p = JSON.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return out;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_STRING) {
          out.put(key, p.getText());
        } else if ((v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT)
            && p.currentLocation().getCharOffset() < line.length()) {
          out.put(key, p.getDecimalValue());
        } else {
          out.remove(key); // a later value replaces an earlier one (json() refuses such a line)
          p.skipChildren();
        }
      }
      return out;
    } catch (IOException | RuntimeException broken) {
      return out;
    }
  }

  /** The type (first field) of a CSV line, and its fields when it has the right number. */
  private static Map<String, Object> csvPrefix(String line) {
    try {
      return csv(line);
    } catch (EventLineException wrongFieldCount) {
      String first = line.substring(0, Math.max(0, line.indexOf(',')));
      return first.isEmpty() ? Map.of() : Map.of("type", first);
    }
  }

  private Object event(String line, long lineNo) throws EventLineException {
    Map<String, Object> fields = format == Format.JSONL ? json(line) : csv(line);
    String type = text(fields, "type", true);
    String exchange = text(fields, "exchange", true);
    String symbol = text(fields, "symbol", true);
    long ts = timestamp(fields, "ts");
    Long tsNanos = nanos(fields, "ts");
    Long seq = integer(fields, "seq");
    String venue = text(fields, "venue", false);
    try {
      switch (type) {
        case "trade":
          String side = text(fields, "side", false);
          if (side != null) {
            side = side.toLowerCase(Locale.ROOT);
            if (!side.equals(TradeRow.BUY)
                && !side.equals(TradeRow.SELL)
                && !side.equals(TradeRow.UNKNOWN)) {
              throw new EventLineException(
                  "side", side, "Cannot read side: not buy, sell or unknown");
            }
          }
          return new TradeRow(
              symbol,
              exchange,
              ts,
              tsNanos,
              null,
              decimal(fields, "price", 9, true),
              decimal(fields, "size", 8, true),
              venue,
              side,
              tradeId(fields),
              null,
              null,
              null,
              seq,
              lineNo);
        case "quote":
          return new QuoteRow(
              symbol,
              exchange,
              ts,
              tsNanos,
              null,
              decimal(fields, "bid_price", 9, false),
              decimal(fields, "bid_size", 8, false),
              decimal(fields, "ask_price", 9, false),
              decimal(fields, "ask_size", 8, false),
              venue,
              null,
              null,
              null,
              seq,
              lineNo);
        default:
          throw new EventLineException("type", type, "Cannot read type: not trade or quote");
      }
    } catch (IllegalArgumentException e) {
      throw new EventLineException(null, null, "Cannot read the event: " + e.getMessage());
    }
  }

  private static Map<String, Object> json(String line) throws EventLineException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new EventLineException(
          null, null, "Cannot parse the line as JSON: " + JsonLines.reason(e));
    }
    if (node == null || !node.isObject()) {
      throw new EventLineException(null, null, "Cannot parse the line: not a JSON object");
    }
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (v.isTextual()) {
        out.put(e.getKey(), v.textValue());
      } else if (v.isIntegralNumber() && "id".equals(e.getKey())) {
        // a numbered trade id (Binance, Coinbase, Tardis) is the id its digits spell
        out.put(e.getKey(), v.bigIntegerValue().toString());
      } else if (v.isNumber()) {
        out.put(e.getKey(), v.decimalValue());
      } else {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static Map<String, Object> csv(String line) throws EventLineException {
    String[] parts = line.split(",", -1);
    if (parts.length != CSV_COLUMNS.length) {
      throw new EventLineException(
          null,
          null,
          "Cannot parse the line: " + parts.length + " fields, expected " + CSV_COLUMNS.length);
    }
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].isEmpty()) {
        out.put(CSV_COLUMNS[i], parts[i]);
      }
    }
    return out;
  }

  /** The optional trade id: a string, or a JSON integer read as its digits by {@link #json}. */
  private static String tradeId(Map<String, Object> f) throws EventLineException {
    Object v = f.get("id");
    if (v != null && !(v instanceof String)) {
      throw new EventLineException(
          "id", v.toString(), "Cannot read id: not a string or a whole number");
    }
    return text(f, "id", false);
  }

  private static String text(Map<String, Object> f, String name, boolean required)
      throws EventLineException {
    Object v = f.get(name);
    if (v == null) {
      if (required) {
        throw new EventLineException(name, null, "Cannot read " + name + ": missing");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new EventLineException(name, v.toString(), "Cannot read " + name + ": not a string");
    }
    if (required && s.isBlank()) {
      throw new EventLineException(name, s, "Cannot read " + name + ": empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // "\ud800" would be written to Bronze as '?'
        throw new EventLineException(
            name,
            String.format("\\u%04x", (int) c),
            "Cannot read " + name + ": not valid Unicode (an unpaired surrogate escape)");
      }
    }
    return s;
  }

  /** Earliest accepted event time, epoch microseconds: 0001-01-01T00:00:00Z (as Tardis files). */
  static final long MIN_MICROS = -62_135_596_800_000_000L;

  /** Latest accepted event time, epoch microseconds: 9999-12-31T23:59:59.999999Z. */
  static final long MAX_MICROS = 253_402_300_799_999_999L;

  /**
   * Epoch microseconds of a time field, within the years 1..9999: a later (or earlier) time has no
   * trading date Bronze can be partitioned by, and once in the WAL it would fail every flush.
   */
  private static long timestamp(Map<String, Object> f, String name) throws EventLineException {
    long micros = anyTimestamp(f, name);
    if (micros < MIN_MICROS || micros > MAX_MICROS) {
      Object v = f.get(name);
      String value = v instanceof BigDecimal d ? d.toPlainString() : v.toString();
      throw new EventLineException(
          name, value, "Cannot read " + name + ": outside the years 1..9999");
    }
    return micros;
  }

  private static long anyTimestamp(Map<String, Object> f, String name) throws EventLineException {
    Object v = f.get(name);
    if (v == null) {
      throw new EventLineException(name, null, "Cannot read " + name + ": missing");
    }
    if (v instanceof BigDecimal d) {
      return micros(name, d);
    }
    if (v instanceof String s) {
      if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) && s.indexOf('T') < 0)) {
        if (!NUMBER.matcher(s).matches()) {
          // "2020-02-22 00:00:02.111": not a number, but not meant as one either
          throw new EventLineException(
              name, s, "Cannot read " + name + ": not an ISO-8601 instant or epoch microseconds");
        }
        return micros(name, parseDecimal(name, s));
      }
      try {
        Instant i = Instant.parse(s);
        // a finer time keeps its nanoseconds in ts_event_ns (nanos): the µs are its floor
        return Math.addExact(
            Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new EventLineException(
            name, s, "Cannot read " + name + ": not an ISO-8601 instant or epoch microseconds");
      }
    }
    throw new EventLineException(name, v.toString(), "Cannot read " + name + ": wrong type");
  }

  /**
   * Epoch nanoseconds of an ISO-8601 time field finer than microseconds (for {@code ts_event_ns}),
   * else null; called after {@link #timestamp} accepted the field.
   */
  private static Long nanos(Map<String, Object> f, String name) throws EventLineException {
    if (!(f.get(name) instanceof String s) || fractionDigits(s) <= 6) {
      return null; // whole microseconds or coarser: ts_event holds it all, no second parse
    }
    Instant i = Instant.parse(s);
    if (i.getNano() % 1000 == 0) {
      return null;
    }
    try {
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (ArithmeticException e) {
      throw new EventLineException(
          name,
          s,
          "Cannot read "
              + name
              + ": a time finer than microseconds is kept as epoch nanoseconds, which reach only"
              + " the years 1677..2262");
    }
  }

  /** Digits of the seconds' fraction in an ISO-8601 time ({@code 0} without one or a 'T'). */
  private static int fractionDigits(String iso) {
    int t = iso.indexOf('T');
    int dot = t < 0 ? -1 : iso.indexOf('.', t);
    if (dot < 0) {
      return 0;
    }
    int end = dot + 1;
    while (end < iso.length() && Character.isDigit(iso.charAt(end))) {
      end++;
    }
    return end - dot - 1;
  }

  private static long micros(String name, BigDecimal d) throws EventLineException {
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new EventLineException(
          name, d.toPlainString(), "Cannot read " + name + ": not whole epoch microseconds");
    }
  }

  private static Long integer(Map<String, Object> f, String name) throws EventLineException {
    Object v = f.get(name);
    if (v == null) {
      return null;
    }
    BigDecimal d = v instanceof BigDecimal b ? b : parseDecimal(name, v.toString());
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new EventLineException(
          name, d.toPlainString(), "Cannot read " + name + ": not a 64-bit integer");
    }
  }

  private static BigDecimal decimal(Map<String, Object> f, String name, int scale, boolean required)
      throws EventLineException {
    Object v = f.get(name);
    if (v == null) {
      if (required) {
        throw new EventLineException(name, null, "Cannot read " + name + ": missing");
      }
      return null;
    }
    BigDecimal d = v instanceof BigDecimal b ? b : parseDecimal(name, v.toString());
    try {
      BigDecimal scaled = d.setScale(scale, RoundingMode.UNNECESSARY);
      if (scaled.precision() > 18) {
        throw new EventLineException(
            name, d.toPlainString(), "Cannot read " + name + ": more than 18 digits");
      }
      return scaled;
    } catch (ArithmeticException e) {
      throw new EventLineException(
          name,
          d.toPlainString(),
          "Cannot read " + name + ": more than " + scale + " decimal places");
    }
  }

  /** A decimal number as text: sign, digits, optional fraction and exponent. */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private static BigDecimal parseDecimal(String name, String s) throws EventLineException {
    if (!NUMBER.matcher(s).matches()) {
      throw new EventLineException(name, s, "Cannot read " + name + ": not a number");
    }
    return new BigDecimal(s);
  }
}

package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A declared mapping from a generic CSV or JSONL file to Bronze fields, so a vendor without a
 * dedicated reader can be ingested without code. Loaded from a small JSON file; the format is
 * documented in {@code docs/generic-mapping.md}.
 *
 * @param name short id of the source ({@code [a-z0-9][a-z0-9_-]*}); the rows' vendor is {@code
 *     csv:<name>} or {@code jsonl:<name>}
 * @param format csv or jsonl
 * @param dataType trades or quotes
 * @param delimiter CSV field delimiter
 * @param header whether a CSV's first line names its columns
 * @param zeroSideAbsent quotes: a side with price 0 and size 0 is not quoted (Lean's convention)
 * @param fields how each Bronze field is filled
 */
public record ReaderMapping(
    String name,
    Format format,
    DataType dataType,
    char delimiter,
    boolean header,
    boolean zeroSideAbsent,
    Map<Field, FieldSpec> fields) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_KEYS =
      Set.of("name", "format", "data_type", "delimiter", "header", "zero_side_absent", "fields");
  private static final Set<String> SPEC_KEYS =
      Set.of(
          "column",
          "value",
          "unit",
          "time_zone",
          "pattern",
          "implied_decimals",
          "format",
          "values");

  /** Checks the mapping; see {@code docs/generic-mapping.md} for the rules. */
  public ReaderMapping {
    requireNonNull(name, "name is null");
    requireNonNull(format, "format is null");
    requireNonNull(dataType, "dataType is null");
    requireNonNull(fields, "fields is null");
    EnumMap<Field, FieldSpec> copy = new EnumMap<>(Field.class);
    for (Map.Entry<Field, FieldSpec> e : fields.entrySet()) {
      copy.put(
          requireNonNull(e.getKey(), "field is null"),
          requireNonNull(e.getValue(), "spec is null"));
    }
    fields = Collections.unmodifiableMap(copy);
    List<String> problems = problems(name, format, dataType, delimiter, header, fields);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** File formats a mapping can read. */
  public enum Format {
    /** Delimited text, one record per line, optional RFC 4180 quotes within a line. */
    CSV("csv"),
    /** One JSON object per line. */
    JSONL("jsonl");

    private final String id;

    Format(String id) {
      this.id = id;
    }

    /** The id used in mapping files and in the vendor name. */
    public String id() {
      return id;
    }
  }

  /** The Bronze fields a mapping can fill; {@link #id()} is the Bronze column name. */
  public enum Field {
    /** Ticker (required). */
    SYMBOL("symbol", null),
    /** Market of the feed, e.g. {@code us-equity}. */
    EXCHANGE("exchange", null),
    /** Exchange event time (required). */
    TS_EVENT("ts_event", null),
    /** Receive time. */
    TS_RECV("ts_recv", null),
    /** Venue of the print or quote. */
    VENUE("venue", null),
    /** Vendor suspicious flag: 0/1/true/false. */
    SUSPICIOUS("suspicious", null),
    /** Vendor sequence number (integer). */
    VENDOR_SEQ("vendor_seq", null),
    /** Trade price (required for trades). */
    PRICE("price", DataType.TRADES),
    /** Trade size (required for trades). */
    SIZE("size", DataType.TRADES),
    /** Aggressor side: buy/b, sell/s, unknown/u. */
    SIDE("side", DataType.TRADES),
    /** Vendor trade id. */
    VENDOR_TRADE_ID("vendor_trade_id", DataType.TRADES),
    /** Sale condition; kept as text and, per {@code format}, as a number. */
    SALE_CONDITION("sale_condition", DataType.TRADES),
    /** Best bid price. */
    BID_PRICE("bid_price", DataType.QUOTES),
    /** Best bid size. */
    BID_SIZE("bid_size", DataType.QUOTES),
    /** Best ask price. */
    ASK_PRICE("ask_price", DataType.QUOTES),
    /** Best ask size. */
    ASK_SIZE("ask_size", DataType.QUOTES),
    /** Quote condition; kept as text and, per {@code format}, as a number. */
    QUOTE_CONDITION("quote_condition", DataType.QUOTES);

    private final String id;
    private final DataType only;

    Field(String id, DataType only) {
      this.id = id;
      this.only = only;
    }

    /** The Bronze column name. */
    public String id() {
      return id;
    }

    /** Whether this field exists for {@code type}. */
    public boolean appliesTo(DataType type) {
      return only == null || only == type;
    }

    boolean isTime() {
      return this == TS_EVENT || this == TS_RECV;
    }

    boolean isDecimal() {
      return this == PRICE
          || this == SIZE
          || this == BID_PRICE
          || this == BID_SIZE
          || this == ASK_PRICE
          || this == ASK_SIZE;
    }

    boolean isCondition() {
      return this == SALE_CONDITION || this == QUOTE_CONDITION;
    }

    static Field fromId(String id) {
      for (Field f : values()) {
        if (f.id.equals(id)) {
          return f;
        }
      }
      return null;
    }
  }

  /** How a time value is written. */
  public enum TimeUnit {
    /** Seconds since the epoch, fractions allowed down to nanoseconds. */
    SECONDS("s", 9),
    /** Milliseconds since the epoch, fractions allowed down to nanoseconds. */
    MILLIS("ms", 6),
    /** Microseconds since the epoch, fractions allowed down to nanoseconds. */
    MICROS("us", 3),
    /** Nanoseconds since the epoch (integer); also fills {@code ts_event_ns}. */
    NANOS("ns", 0),
    /** ISO-8601 text, with an offset or local to the field's {@code time_zone}. */
    ISO("iso", -1);

    private final String id;
    private final int nanosShift;

    TimeUnit(String id, int nanosShift) {
      this.id = id;
      this.nanosShift = nanosShift;
    }

    /** The id used in mapping files. */
    public String id() {
      return id;
    }

    /** Decimal digits between this unit and nanoseconds; -1 for text. */
    int nanosShift() {
      return nanosShift;
    }
  }

  /** How a condition value is read as a number; the text is always kept as written. */
  public enum ConditionFormat {
    /** Unsigned hexadecimal flags, e.g. {@code 20002020}. */
    HEX("hex"),
    /** A decimal integer. */
    DECIMAL("decimal"),
    /** Text only; the numeric column stays null. */
    TEXT("text");

    private final String id;

    ConditionFormat(String id) {
      this.id = id;
    }

    /** The id used in mapping files. */
    public String id() {
      return id;
    }
  }

  /**
   * Where one Bronze field comes from.
   *
   * @param column CSV header name, JSON key or JSON pointer ({@code /a/b}); null when {@code index}
   *     or {@code value} is used
   * @param index 1-based CSV column number, or null
   * @param value a fixed value for every row, or null
   * @param unit time fields: how the time is written
   * @param timeZone ISO times without an offset are local to this zone (null: such times are
   *     errors)
   * @param pattern ISO times: a {@link DateTimeFormatter} pattern instead of ISO-8601, or null
   * @param impliedDecimals prices and sizes: the value is written times 10^n (Lean: 4 for prices)
   * @param conditionFormat conditions: how to read the number
   * @param values translations applied to the raw text before parsing ({@code "B": "buy"})
   */
  public record FieldSpec(
      String column,
      Integer index,
      String value,
      TimeUnit unit,
      ZoneId timeZone,
      String pattern,
      int impliedDecimals,
      ConditionFormat conditionFormat,
      Map<String, String> values) {
    /** Checks the components and copies {@code values}. */
    public FieldSpec {
      int sources = (column != null ? 1 : 0) + (index != null ? 1 : 0) + (value != null ? 1 : 0);
      if (sources != 1) {
        throw new IllegalArgumentException("exactly one of column, index or value must be set");
      }
      if (index != null && index < 1) {
        throw new IllegalArgumentException("a column number starts at 1: " + index);
      }
      if (impliedDecimals < 0 || impliedDecimals > 18) {
        throw new IllegalArgumentException("implied_decimals must be 0..18: " + impliedDecimals);
      }
      values = values == null ? Map.of() : Map.copyOf(values);
    }

    /** A column by name. */
    public static FieldSpec column(String column) {
      return new FieldSpec(column, null, null, null, null, null, 0, null, null);
    }

    /** A column by 1-based number. */
    public static FieldSpec index(int index) {
      return new FieldSpec(null, index, null, null, null, null, 0, null, null);
    }

    /** A fixed value. */
    public static FieldSpec fixed(String value) {
      return new FieldSpec(null, null, value, null, null, null, 0, null, null);
    }

    /** A copy with a time unit and zone. */
    public FieldSpec withTime(TimeUnit unit, ZoneId zone) {
      return new FieldSpec(
          column, index, value, unit, zone, pattern, impliedDecimals, conditionFormat, values);
    }

    /** A copy with implied decimals. */
    public FieldSpec withImpliedDecimals(int n) {
      return new FieldSpec(
          column, index, value, unit, timeZone, pattern, n, conditionFormat, values);
    }

    /** A copy with a condition format. */
    public FieldSpec withConditionFormat(ConditionFormat format) {
      return new FieldSpec(
          column, index, value, unit, timeZone, pattern, impliedDecimals, format, values);
    }

    /** Where the value comes from, for messages. */
    String describe() {
      if (value != null) {
        return "fixed value '" + value + "'";
      }
      return index != null ? "column " + index : "column '" + column + "'";
    }
  }

  /**
   * Loads a mapping from a JSON file.
   *
   * @throws TicklakeException of kind CONFIGURATION naming the problem
   */
  public static ReaderMapping load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new TicklakeException(
          TicklakeException.Kind.CONFIGURATION,
          "Cannot load reader mapping " + file + ": no such file",
          e);
    } catch (IOException e) {
      String reason =
          Files.isDirectory(file)
              ? "it is a folder, not a JSON file"
              : String.valueOf(e.getMessage());
      throw new TicklakeException(
          TicklakeException.Kind.CONFIGURATION,
          "Cannot load reader mapping " + file + ": " + reason,
          e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses a mapping from JSON text; {@code source} names it in messages.
   *
   * @throws TicklakeException of kind CONFIGURATION naming the problem
   */
  public static ReaderMapping parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw fail(source, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw fail(source, "the mapping must be a JSON object");
    }
    unknownKeys(root, TOP_KEYS, "", source);
    String name = text(root, "name", null, source);
    if (name == null) {
      throw fail(source, "'name' is missing");
    }
    Format format = enumValue(root, "format", Format.values(), Format::id, Format.CSV, source);
    String typeText = text(root, "data_type", null, source);
    if (typeText == null) {
      throw fail(source, "'data_type' is missing (trades or quotes)");
    }
    DataType dataType;
    try {
      dataType = DataType.fromId(typeText);
    } catch (IllegalArgumentException e) {
      throw fail(source, "'data_type' must be trades or quotes, not '" + typeText + "'");
    }
    String delimiterText = text(root, "delimiter", ",", source);
    if (delimiterText.length() != 1) {
      throw fail(source, "'delimiter' must be one character, not '" + delimiterText + "'");
    }
    boolean header = bool(root, "header", true, source);
    boolean zeroSideAbsent = bool(root, "zero_side_absent", false, source);
    JsonNode fieldsNode = root.get("fields");
    if (fieldsNode == null || !fieldsNode.isObject()) {
      throw fail(source, "'fields' must be an object mapping Bronze fields to columns");
    }
    Map<Field, FieldSpec> fields = new EnumMap<>(Field.class);
    for (Map.Entry<String, JsonNode> e : fieldsNode.properties()) {
      Field field = Field.fromId(e.getKey());
      if (field == null) {
        List<String> known = new ArrayList<>();
        for (Field f : Field.values()) {
          if (f.appliesTo(dataType)) {
            known.add(f.id());
          }
        }
        throw fail(
            source,
            "unknown field '" + e.getKey() + "' (fields of " + dataType.id() + ": " + known + ")");
      }
      fields.put(field, spec(field, e.getValue(), source));
    }
    try {
      return new ReaderMapping(
          name, format, dataType, delimiterText.charAt(0), header, zeroSideAbsent, fields);
    } catch (IllegalArgumentException e) {
      throw fail(source, e.getMessage());
    }
  }

  private static FieldSpec spec(Field field, JsonNode node, String source) {
    String where = "field '" + field.id() + "'";
    if (node.isTextual()) {
      return FieldSpec.column(node.textValue());
    }
    if (node.isIntegralNumber()) {
      return FieldSpec.index(index(node, where, source));
    }
    if (!node.isObject()) {
      throw fail(source, where + " must be a column name, a column number or an object");
    }
    unknownKeys(node, SPEC_KEYS, where + " ", source);
    String column = null;
    Integer index = null;
    JsonNode columnNode = node.get("column");
    if (columnNode != null) {
      if (columnNode.isIntegralNumber()) {
        index = index(columnNode, where, source);
      } else if (columnNode.isTextual()) {
        column = columnNode.textValue();
      } else {
        throw fail(source, where + ": 'column' must be a name or a 1-based number");
      }
    }
    String value = text(node, "value", null, source);
    String unitText = text(node, "unit", null, source);
    TimeUnit unit = null;
    if (unitText != null) {
      for (TimeUnit u : TimeUnit.values()) {
        if (u.id().equals(unitText.toLowerCase(Locale.ROOT))) {
          unit = u;
        }
      }
      if (unit == null) {
        throw fail(source, where + ": 'unit' must be s, ms, us, ns or iso, not '" + unitText + "'");
      }
    }
    String zoneText = text(node, "time_zone", null, source);
    ZoneId zone = null;
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        throw fail(source, where + ": unknown time_zone '" + zoneText + "'");
      }
    }
    String pattern = text(node, "pattern", null, source);
    int implied = 0;
    JsonNode impliedNode = node.get("implied_decimals");
    if (impliedNode != null) {
      if (!impliedNode.isIntegralNumber()) {
        throw fail(source, where + ": 'implied_decimals' must be an integer");
      }
      implied = impliedNode.intValue();
    }
    ConditionFormat conditionFormat =
        enumValue(node, "format", ConditionFormat.values(), ConditionFormat::id, null, source);
    Map<String, String> values = new LinkedHashMap<>();
    JsonNode valuesNode = node.get("values");
    if (valuesNode != null) {
      if (!valuesNode.isObject()) {
        throw fail(source, where + ": 'values' must be an object of text to text");
      }
      for (Map.Entry<String, JsonNode> v : valuesNode.properties()) {
        if (!v.getValue().isValueNode() || v.getValue().isNull()) {
          throw fail(source, where + ": 'values' must map text to text");
        }
        values.put(v.getKey(), v.getValue().asText());
      }
    }
    try {
      return new FieldSpec(
          column, index, value, unit, zone, pattern, implied, conditionFormat, values);
    } catch (IllegalArgumentException e) {
      throw fail(source, where + ": " + e.getMessage());
    }
  }

  private static Integer index(JsonNode node, String where, String source) {
    if (!node.canConvertToInt() || node.intValue() < 1) {
      throw fail(source, where + ": a column number must be 1 or more, not " + node);
    }
    return node.intValue();
  }

  private static List<String> problems(
      String name,
      Format format,
      DataType type,
      char delimiter,
      boolean header,
      Map<Field, FieldSpec> fields) {
    List<String> problems = new ArrayList<>();
    if (!NAME.matcher(name).matches()) {
      problems.add("'name' must match [a-z0-9][a-z0-9_-]*, not '" + name + "'");
    }
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      problems.add("'delimiter' cannot be a quote or a line break");
    }
    for (Map.Entry<Field, FieldSpec> e : fields.entrySet()) {
      Field f = e.getKey();
      FieldSpec s = e.getValue();
      String where = "field '" + f.id() + "'";
      if (!f.appliesTo(type)) {
        problems.add(where + " does not exist for " + type.id());
      }
      if (s.index() != null && format == Format.JSONL) {
        problems.add(where + ": JSONL fields are named by key or JSON pointer, not by number");
      }
      if (s.column() != null && format == Format.CSV && !header) {
        problems.add(where + ": a CSV without header names columns by 1-based number");
      }
      if (s.column() != null && s.column().isEmpty()) {
        problems.add(where + ": the column name is empty");
      }
      if (f.isTime() && s.unit() == null) {
        problems.add(where + ": 'unit' is missing (s, ms, us, ns or iso)");
      }
      if (!f.isTime() && s.unit() != null) {
        problems.add(where + ": 'unit' applies to ts_event and ts_recv only");
      }
      if ((s.timeZone() != null || s.pattern() != null) && s.unit() != TimeUnit.ISO) {
        problems.add(where + ": 'time_zone' and 'pattern' apply to unit iso only");
      }
      if (s.pattern() != null) {
        try {
          DateTimeFormatter.ofPattern(s.pattern(), Locale.ROOT);
        } catch (IllegalArgumentException ex) {
          problems.add(where + ": bad pattern '" + s.pattern() + "' (" + ex.getMessage() + ")");
        }
      }
      if (s.impliedDecimals() != 0 && !f.isDecimal()) {
        problems.add(where + ": 'implied_decimals' applies to prices and sizes only");
      }
      if (s.conditionFormat() != null && !f.isCondition()) {
        problems.add(where + ": 'format' applies to sale_condition and quote_condition only");
      }
    }
    if (!fields.containsKey(Field.SYMBOL)) {
      problems.add("field 'symbol' is required");
    }
    if (!fields.containsKey(Field.TS_EVENT)) {
      problems.add("field 'ts_event' is required");
    }
    if (type == DataType.TRADES) {
      if (!fields.containsKey(Field.PRICE)) {
        problems.add("field 'price' is required for trades");
      }
      if (!fields.containsKey(Field.SIZE)) {
        problems.add("field 'size' is required for trades");
      }
    } else {
      boolean bid = fields.containsKey(Field.BID_PRICE);
      boolean ask = fields.containsKey(Field.ASK_PRICE);
      if (bid != fields.containsKey(Field.BID_SIZE)) {
        problems.add("fields 'bid_price' and 'bid_size' go together");
      }
      if (ask != fields.containsKey(Field.ASK_SIZE)) {
        problems.add("fields 'ask_price' and 'ask_size' go together");
      }
      if (!bid && !ask) {
        problems.add("quotes need bid_price/bid_size, ask_price/ask_size or both");
      }
    }
    return problems;
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String where, String source) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!allowed.contains(key)) {
        throw fail(
            source,
            where
                + "unknown key '"
                + key
                + "' (allowed: "
                + new java.util.TreeSet<>(allowed)
                + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String fallback, String source) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw fail(source, "'" + key + "' must be text, not " + v);
    }
    return v.textValue();
  }

  private static boolean bool(JsonNode node, String key, boolean fallback, String source) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw fail(source, "'" + key + "' must be true or false, not " + v);
    }
    return v.booleanValue();
  }

  private static <E> E enumValue(
      JsonNode node,
      String key,
      E[] values,
      java.util.function.Function<E, String> id,
      E fallback,
      String source) {
    String text = text(node, key, null, source);
    if (text == null) {
      return fallback;
    }
    List<String> ids = new ArrayList<>();
    for (E v : values) {
      if (id.apply(v).equals(text.toLowerCase(Locale.ROOT))) {
        return v;
      }
      ids.add(id.apply(v));
    }
    throw fail(source, "'" + key + "' must be one of " + ids + ", not '" + text + "'");
  }

  private static TicklakeException fail(String source, String reason) {
    return TicklakeException.of(
        TicklakeException.Kind.CONFIGURATION, "Cannot load reader mapping %s: %s", source, reason);
  }
}

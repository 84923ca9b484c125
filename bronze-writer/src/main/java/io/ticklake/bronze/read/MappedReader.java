package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.bronze.read.ReaderMapping.ConditionFormat;
import io.ticklake.bronze.read.ReaderMapping.Field;
import io.ticklake.bronze.read.ReaderMapping.FieldSpec;
import io.ticklake.bronze.read.ReaderMapping.Format;
import io.ticklake.bronze.read.ReaderMapping.TimeUnit;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a generic CSV or JSONL file (plain or gzip) as a {@link ReaderMapping} declares: which
 * column or key fills which Bronze field, how times are written, fixed values. See {@code
 * docs/generic-mapping.md}.
 *
 * <p>Rules shared by all mapped files: values are trimmed of surrounding spaces and tabs; an empty
 * value, a missing JSON key or JSON null leaves an optional field null and is an error for a
 * required one (symbol, ts_event, and price and size of a trade); a quote side with both values
 * empty is not quoted, one empty and one not is an error. Numbers are exact (no rounding), times
 * keep nanoseconds in {@code ts_event_ns} when the source is finer than microseconds. ISO local
 * times are resolved in the field's time zone with ticklake's wall-clock rule (Lean's: a repeated
 * local time is the later instant, a skipped one the first instant after the gap). A CSV with a
 * header must have as many fields on every line as the header names.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class MappedReader implements VendorReader {
  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private static final ObjectMapper JSON = JsonLines.MAPPER;

  private static final Field[] FIELDS = Field.values();
  private static final int MAX_COLUMNS = 4096;

  private final ReaderMapping mapping;
  private final DateTimeFormatter[] formatters = new DateTimeFormatter[FIELDS.length];

  /** A reader for files described by {@code mapping}. */
  public MappedReader(ReaderMapping mapping) {
    this.mapping = requireNonNull(mapping, "mapping is null");
    for (Map.Entry<Field, FieldSpec> e : mapping.fields().entrySet()) {
      FieldSpec spec = e.getValue();
      if (spec.unit() == TimeUnit.ISO) {
        formatters[e.getKey().ordinal()] =
            spec.pattern() == null
                ? ISO
                : DateTimeFormatter.ofPattern(strictPattern(spec.pattern()), Locale.ROOT)
                    .withResolverStyle(ResolverStyle.STRICT);
      }
    }
  }

  /** The mapping this reader follows. */
  public ReaderMapping mapping() {
    return mapping;
  }

  /** {@code csv:<name>} or {@code jsonl:<name>}. */
  @Override
  public String vendor() {
    return mapping.format().id() + ":" + mapping.name();
  }

  /** The mapping's declared data type; the file is not opened. */
  @Override
  public DataType dataType(Path file) {
    return mapping.dataType();
  }

  @Override
  public ReadSummary read(Path file, RowSink sink) throws IOException {
    requireNonNull(sink, "sink is null");
    String fileText = file.toString();
    String name = Sources.name(file);
    try (InputStream in = Sources.open(file)) {
      LineSource lines = new LineSource(in);
      Emitter out = new Emitter(fileText, name, sink);
      Session session = new Session();
      if (mapping.format() == Format.CSV && mapping.header()) {
        session.readHeader(lines, out);
      }
      out.drain(
          lines,
          mapping.dataType(),
          l -> {
            session.extract(l);
            return session.trade(l.lineNumber());
          },
          l -> {
            session.extract(l);
            return session.quote(l.lineNumber());
          });
      return out.summary(mapping.dataType());
    }
  }

  /** Replaces the year-of-era letter {@code y} by {@code u} outside quotes, for STRICT parsing. */
  static String strictPattern(String pattern) {
    StringBuilder sb = new StringBuilder(pattern.length());
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      sb.append(!quoted && c == 'y' && pattern.indexOf('G') < 0 ? 'u' : c);
    }
    return sb.toString();
  }

  /** The state of one read. Not thread-safe. */
  private final class Session {
    private final int n = FIELDS.length;
    private final boolean[] mapped = new boolean[n];
    private final int[] column = new int[n];
    private final JsonPointer[] pointers = new JsonPointer[n];
    private final String[] keys = new String[n];
    private final byte[][] fixed = new byte[n][];
    private final byte[][] vb = new byte[n][];
    private final int[] vs = new int[n];
    private final int[] ve = new int[n];
    private final Texts texts = new Texts();
    private Fields fields;
    private int expectedFields = -1;
    private int minFields;
    private long nanos;
    private boolean fine;

    Session() {
      int maxIndex = 0;
      for (Map.Entry<Field, FieldSpec> e : mapping.fields().entrySet()) {
        int o = e.getKey().ordinal();
        FieldSpec spec = e.getValue();
        mapped[o] = true;
        column[o] = -1;
        if (spec.value() != null) {
          fixed[o] = spec.value().getBytes(StandardCharsets.UTF_8);
        } else if (spec.index() != null) {
          column[o] = spec.index() - 1;
          maxIndex = Math.max(maxIndex, spec.index());
        } else if (mapping.format() == Format.JSONL) {
          if (spec.column().startsWith("/")) {
            pointers[o] = JsonPointer.compile(spec.column());
          } else {
            keys[o] = spec.column();
          }
        }
      }
      minFields = maxIndex;
      if (mapping.format() == Format.CSV && !mapping.header()) {
        fields = new Fields(Math.max(1, maxIndex));
      }
    }

    void readHeader(LineSource lines, Emitter out) throws IOException {
      boolean any;
      try {
        any = lines.next();
      } catch (IOException e) {
        throw out.corrupt(e, 0);
      }
      if (!any) {
        throw FileFormatException.of(out.file(), out.sourceName(), "it has no header line");
      }
      if (lines.overlong()) {
        throw FileFormatException.of(
            out.file(),
            out.sourceName(),
            "its header line is longer than %d bytes",
            LineSource.MAX_LINE_BYTES);
      }
      Fields header = new Fields(MAX_COLUMNS);
      int count;
      try {
        count =
            header.splitQuoted(
                lines.bytes(), lines.start(), lines.end(), (byte) mapping.delimiter());
      } catch (FieldProblem p) {
        throw FileFormatException.of(
            out.file(), out.sourceName(), "its header cannot be split: %s", p.reason());
      }
      if (count > MAX_COLUMNS) {
        throw FileFormatException.of(
            out.file(), out.sourceName(), "its header has more than %d columns", MAX_COLUMNS);
      }
      Map<String, Integer> positions = new HashMap<>();
      List<String> duplicates = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String h =
            new String(
                    header.bytes(),
                    header.start(i),
                    header.end(i) - header.start(i),
                    StandardCharsets.UTF_8)
                .strip();
        names.add(shown(h, header, i));
        if (positions.putIfAbsent(h, i) != null) {
          duplicates.add(h);
        }
      }
      List<String> missing = new ArrayList<>();
      for (Map.Entry<Field, FieldSpec> e : mapping.fields().entrySet()) {
        int o = e.getKey().ordinal();
        FieldSpec spec = e.getValue();
        if (spec.column() != null) {
          Integer at = positions.get(spec.column());
          if (at == null) {
            missing.add("'" + spec.column() + "' for " + e.getKey().id());
            continue;
          }
          if (duplicates.contains(spec.column())) {
            throw FileFormatException.of(
                out.file(),
                out.sourceName(),
                "its header names column '%s' more than once",
                spec.column());
          }
          column[o] = at;
        } else if (spec.index() != null && spec.index() > count) {
          throw FileFormatException.of(
              out.file(),
              out.sourceName(),
              "its header has %d columns, but field %s of mapping %s reads column %d",
              count,
              e.getKey().id(),
              mapping.name(),
              spec.index());
        }
      }
      if (!missing.isEmpty()) {
        throw FileFormatException.of(
            out.file(),
            out.sourceName(),
            "its header lacks columns of mapping %s: %s (columns: %s)",
            mapping.name(),
            String.join(", ", missing),
            names.size() > 50 ? names.subList(0, 50) + "…" : names);
      }
      expectedFields = count;
      fields = new Fields(count);
    }

    /** Points vb/vs/ve of every mapped field at its value on the current line. */
    void extract(LineSource lines) throws FieldProblem {
      if (mapping.format() == Format.CSV) {
        extractCsv(lines);
      } else {
        extractJson(lines);
      }
      for (int o = 0; o < n; o++) {
        if (!mapped[o]) {
          continue;
        }
        if (fixed[o] != null) {
          vb[o] = fixed[o];
          vs[o] = 0;
          ve[o] = fixed[o].length;
          continue;
        }
        byte[] b = vb[o];
        int s = vs[o];
        int e = ve[o];
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
          s++;
        }
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
          e--;
        }
        vs[o] = s;
        ve[o] = e;
        Map<String, String> values = mapping.fields().get(FIELDS[o]).values();
        if (!values.isEmpty()) {
          String translated = values.get(texts.text(b, s, e, FIELDS[o].id()));
          if (translated != null) {
            vb[o] = translated.getBytes(StandardCharsets.UTF_8);
            vs[o] = 0;
            ve[o] = vb[o].length;
          }
        }
      }
    }

    private void extractCsv(LineSource lines) throws FieldProblem {
      int count =
          fields.splitQuoted(lines.bytes(), lines.start(), lines.end(), (byte) mapping.delimiter());
      if (expectedFields >= 0 && count != expectedFields) {
        throw FieldProblem.line(
            String.format(
                Locale.ROOT,
                "expected %d fields as in the header, found %d",
                expectedFields,
                count));
      }
      if (count < minFields) {
        throw FieldProblem.line(
            String.format(Locale.ROOT, "expected at least %d fields, found %d", minFields, count));
      }
      byte[] b = fields.bytes();
      for (int o = 0; o < n; o++) {
        if (mapped[o] && column[o] >= 0) {
          vb[o] = b;
          vs[o] = fields.start(column[o]);
          ve[o] = fields.end(column[o]);
        }
      }
    }

    private void extractJson(LineSource lines) throws FieldProblem {
      JsonNode root;
      try {
        root = JSON.readTree(lines.bytes(), lines.start(), lines.end() - lines.start());
      } catch (JsonProcessingException e) {
        String reason = JsonLines.reason(e);
        if (reason != null && reason.length() > 200) {
          reason = reason.substring(0, 200) + "…";
        }
        throw FieldProblem.line("not valid JSON (" + reason + ")");
      } catch (IOException e) {
        throw FieldProblem.line("not valid JSON (" + e.getMessage() + ")");
      }
      if (root == null || !root.isObject()) {
        throw FieldProblem.line("not a JSON object");
      }
      for (int o = 0; o < n; o++) {
        if (!mapped[o] || fixed[o] != null) {
          continue;
        }
        JsonNode node = pointers[o] != null ? root.at(pointers[o]) : root.get(keys[o]);
        byte[] value;
        if (node == null || node.isMissingNode() || node.isNull()) {
          value = new byte[0];
        } else if (node.isContainerNode()) {
          throw FieldProblem.field(
              FIELDS[o].id(),
              abbreviate(node.toString()),
              "expected a single value, not " + (node.isArray() ? "an array" : "an object"));
        } else {
          value = utf8(node.asText(), FIELDS[o].id());
        }
        vb[o] = value;
        vs[o] = 0;
        ve[o] = value.length;
      }
    }

    /**
     * {@code text} as UTF-8; a JSON escape of an unpaired surrogate ({@code "\\ud800"}) is an
     * error, not silently replaced by {@code ?}.
     */
    private static byte[] utf8(String text, String field) throws FieldProblem {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw FieldProblem.field(
              field,
              String.format("\\u%04x", (int) c),
              "not valid Unicode (an unpaired surrogate escape)");
        }
      }
      return text.getBytes(StandardCharsets.UTF_8);
    }

    TradeRow trade(long line) throws FieldProblem {
      String symbol = requiredText(Field.SYMBOL);
      String exchange = optionalText(Field.EXCHANGE);
      long ts = time(Field.TS_EVENT, true);
      Long tsNanos = fine ? nanos : null;
      Long recv =
          mapped(Field.TS_RECV) && !empty(Field.TS_RECV) ? time(Field.TS_RECV, false) : null;
      BigDecimal price = decimal(Field.PRICE, Rows.PRICE_SCALE);
      BigDecimal size = decimal(Field.SIZE, Rows.SIZE_SCALE);
      if (price == null || size == null) {
        throw FieldProblem.field(price == null ? "price" : "size", "", Numbers.EMPTY);
      }
      String venue = optionalText(Field.VENUE);
      String side = side();
      String tradeId = optionalText(Field.VENDOR_TRADE_ID);
      String conditionRaw = optionalText(Field.SALE_CONDITION);
      Long condition = condition(Field.SALE_CONDITION, conditionRaw);
      Boolean suspicious = suspicious();
      Long seq = optionalInteger(Field.VENDOR_SEQ);
      return new TradeRow(
          symbol,
          exchange,
          ts,
          tsNanos,
          recv,
          price,
          size,
          venue,
          side,
          tradeId,
          condition,
          conditionRaw,
          suspicious,
          seq,
          line);
    }

    QuoteRow quote(long line) throws FieldProblem {
      String symbol = requiredText(Field.SYMBOL);
      String exchange = optionalText(Field.EXCHANGE);
      long ts = time(Field.TS_EVENT, true);
      Long tsNanos = fine ? nanos : null;
      Long recv =
          mapped(Field.TS_RECV) && !empty(Field.TS_RECV) ? time(Field.TS_RECV, false) : null;
      BigDecimal bidPrice = decimal(Field.BID_PRICE, Rows.PRICE_SCALE);
      BigDecimal bidSize = decimal(Field.BID_SIZE, Rows.SIZE_SCALE);
      BigDecimal askPrice = decimal(Field.ASK_PRICE, Rows.PRICE_SCALE);
      BigDecimal askSize = decimal(Field.ASK_SIZE, Rows.SIZE_SCALE);
      pair(bidPrice, bidSize, Field.BID_PRICE, Field.BID_SIZE);
      pair(askPrice, askSize, Field.ASK_PRICE, Field.ASK_SIZE);
      if (mapping.zeroSideAbsent()) {
        if (bidPrice != null && bidPrice.signum() == 0 && bidSize.signum() == 0) {
          bidPrice = null;
          bidSize = null;
        }
        if (askPrice != null && askPrice.signum() == 0 && askSize.signum() == 0) {
          askPrice = null;
          askSize = null;
        }
      }
      String venue = optionalText(Field.VENUE);
      String conditionRaw = optionalText(Field.QUOTE_CONDITION);
      Long condition = condition(Field.QUOTE_CONDITION, conditionRaw);
      Boolean suspicious = suspicious();
      Long seq = optionalInteger(Field.VENDOR_SEQ);
      return new QuoteRow(
          symbol,
          exchange,
          ts,
          tsNanos,
          recv,
          bidPrice,
          bidSize,
          askPrice,
          askSize,
          venue,
          condition,
          conditionRaw,
          suspicious,
          seq,
          line);
    }

    private boolean mapped(Field f) {
      return mapped[f.ordinal()];
    }

    private boolean empty(Field f) {
      int o = f.ordinal();
      return vs[o] >= ve[o];
    }

    private String requiredText(Field f) throws FieldProblem {
      int o = f.ordinal();
      return texts.requiredText(vb[o], vs[o], ve[o], f.id());
    }

    private String optionalText(Field f) throws FieldProblem {
      if (!mapped(f)) {
        return null;
      }
      int o = f.ordinal();
      return texts.optionalText(vb[o], vs[o], ve[o], f.id());
    }

    /** The decimal of a mapped, non-empty field; null when unmapped or empty. */
    private BigDecimal decimal(Field f, int scale) throws FieldProblem {
      if (!mapped(f) || empty(f)) {
        return null;
      }
      int o = f.ordinal();
      return Numbers.decimal(
          vb[o], vs[o], ve[o], scale, mapping.fields().get(f).impliedDecimals(), f.id());
    }

    private void pair(BigDecimal price, BigDecimal size, Field priceField, Field sizeField)
        throws FieldProblem {
      if (price == null && size != null) {
        throw FieldProblem.field(
            priceField.id(),
            "",
            "the price is empty but the size is '" + size.toPlainString() + "'");
      }
      if (price != null && size == null) {
        throw FieldProblem.field(
            sizeField.id(),
            "",
            "the size is empty but the price is '" + price.toPlainString() + "'");
      }
    }

    private Long optionalInteger(Field f) throws FieldProblem {
      if (!mapped(f) || empty(f)) {
        return null;
      }
      int o = f.ordinal();
      return Numbers.integer(vb[o], vs[o], ve[o], f.id());
    }

    private Long condition(Field f, String raw) throws FieldProblem {
      if (raw == null) {
        return null;
      }
      ConditionFormat format = mapping.fields().get(f).conditionFormat();
      int o = f.ordinal();
      if (format == ConditionFormat.HEX) {
        return Numbers.hex(vb[o], vs[o], ve[o], f.id());
      }
      if (format == ConditionFormat.DECIMAL) {
        return Numbers.integer(vb[o], vs[o], ve[o], f.id());
      }
      return null;
    }

    private String side() throws FieldProblem {
      if (!mapped(Field.SIDE) || empty(Field.SIDE)) {
        return null;
      }
      int o = Field.SIDE.ordinal();
      byte[] b = vb[o];
      int s = vs[o];
      int e = ve[o];
      if (Texts.equalsAsciiIgnoreCase(b, s, e, "buy")
          || Texts.equalsAsciiIgnoreCase(b, s, e, "b")) {
        return TradeRow.BUY;
      }
      if (Texts.equalsAsciiIgnoreCase(b, s, e, "sell")
          || Texts.equalsAsciiIgnoreCase(b, s, e, "s")) {
        return TradeRow.SELL;
      }
      if (Texts.equalsAsciiIgnoreCase(b, s, e, "unknown")
          || Texts.equalsAsciiIgnoreCase(b, s, e, "u")) {
        return TradeRow.UNKNOWN;
      }
      throw FieldProblem.field("side", b, s, e, "expected buy, sell or unknown (or b, s, u)");
    }

    private Boolean suspicious() throws FieldProblem {
      if (!mapped(Field.SUSPICIOUS) || empty(Field.SUSPICIOUS)) {
        return null;
      }
      int o = Field.SUSPICIOUS.ordinal();
      byte[] b = vb[o];
      int s = vs[o];
      int e = ve[o];
      if (Texts.equalsAscii(b, s, e, "1") || Texts.equalsAsciiIgnoreCase(b, s, e, "true")) {
        return Boolean.TRUE;
      }
      if (Texts.equalsAscii(b, s, e, "0") || Texts.equalsAsciiIgnoreCase(b, s, e, "false")) {
        return Boolean.FALSE;
      }
      throw FieldProblem.field("suspicious", b, s, e, "expected 0, 1, true or false");
    }

    /** Parses a time field into {@link #nanos} and {@link #fine} and returns epoch microseconds. */
    private long time(Field f, boolean required) throws FieldProblem {
      int o = f.ordinal();
      byte[] b = vb[o];
      int s = vs[o];
      int e = ve[o];
      if (s >= e && required) {
        throw FieldProblem.field(f.id(), "", Numbers.EMPTY);
      }
      FieldSpec spec = mapping.fields().get(f);
      TimeUnit unit = spec.unit();
      if (unit == TimeUnit.ISO) {
        String text = texts.text(b, s, e, f.id());
        Instant instant = instant(f, spec, text);
        try {
          nanos =
              Math.addExact(
                  Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException ex) {
          throw FieldProblem.field(f.id(), text, "outside the years 1677..2262");
        }
        fine = instant.getNano() % 1000 != 0;
      } else {
        nanos =
            Numbers.scaled(
                b,
                s,
                e,
                unit.nanosShift(),
                Long.MAX_VALUE,
                f.id(),
                "is finer than a nanosecond",
                "outside the years 1677..2262");
        fine = unit == TimeUnit.NANOS || nanos % 1000 != 0;
      }
      return Math.floorDiv(nanos, 1000L);
    }

    private Instant instant(Field f, FieldSpec spec, String text) throws FieldProblem {
      TemporalAccessor t;
      try {
        t = formatters[f.ordinal()].parse(text);
      } catch (DateTimeException ex) {
        throw FieldProblem.field(
            f.id(),
            text,
            spec.pattern() == null
                ? "not an ISO-8601 date-time"
                : "does not match the pattern '" + spec.pattern() + "'");
      }
      try {
        if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
          return Instant.from(t);
        }
        LocalDateTime local = LocalDateTime.from(t);
        if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
          return local.toInstant(ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS)));
        }
        if (spec.timeZone() == null) {
          throw FieldProblem.field(
              f.id(), text, "has no offset and the mapping declares no time_zone for it");
        }
        return WallClock.toInstant(local, spec.timeZone().getRules());
      } catch (DateTimeException ex) {
        throw FieldProblem.field(f.id(), text, "needs a date and a time of day");
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  /**
   * Header name {@code h} (column {@code i} of {@code header}) as a message shows it: as read when
   * it is printable text, else its bytes as printable ASCII ({@code \\xNN}), at most 100 of them,
   * so a binary file given to a text mapping writes no raw bytes into terminals and the manifest.
   */
  private static String shown(String h, Fields header, int i) {
    boolean printable =
        h.length() <= 100 && h.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd);
    return printable
        ? h
        : Texts.printable(header.bytes(), header.start(i), header.end(i), 100).strip();
  }
}

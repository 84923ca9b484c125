package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads Lean/AlgoSeek equity tick files: {@code …/tick/<sym>/<yyyymmdd>_trade.zip} or {@code
 * _quote.zip}, each a zip holding exactly one headerless CSV named {@code
 * <yyyymmdd>_<sym>_Trade_Tick.csv} (or {@code _Quote_Tick.csv}).
 *
 * <ul>
 *   <li>Trades: {@code ms, price×10000, size, venue, condition_hex, suspicious}.
 *   <li>Quotes: {@code ms, bid×10000, bid_size, ask×10000, ask_size, venue, condition_hex,
 *       suspicious}. A side written {@code 0,0} is not quoted in that update: its price and size
 *       are null. Any other combination (0 with a size, a price with size 0) is kept as written and
 *       left to validation.
 * </ul>
 *
 * <p>The date and symbol come from the path (the symbol upper-cased: {@code ibm} → {@code IBM});
 * the zip's entry name must agree with them. {@code ms} is wall-clock milliseconds since local
 * midnight of that date in the data time zone (America/New_York), resolved to an instant with
 * ticklake's wall-clock rule (Lean's own: a repeated local time is the later instant, a skipped one
 * the first instant after the gap): on 2013-10-07 (EDT) {@code 14430270} is
 * 2013-10-07T08:00:30.270Z. Prices become exact decimals at scale 9 (×10000 integers divided by
 * 10^4), sizes scale 8; the condition is parsed as unsigned hex ({@code 20002020} → 0x20002020) and
 * also kept as written; suspicious is {@code 0} or {@code 1}. Rows carry no exchange (the ingest
 * job assigns the market, e.g. {@code us-equity}), no side, no receive time.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LeanTickReader implements VendorReader {
  /** The Bronze lineage vendor of Lean rows. */
  public static final String VENDOR = "lean";

  /** Lean's data time zone for US equities. */
  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static final Pattern FILE_NAME = Pattern.compile("(\\d{8})_(trade|quote)\\.zip");
  private static final DateTimeFormatter BASIC_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd", Locale.ROOT)
          .withResolverStyle(java.time.format.ResolverStyle.STRICT);
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final ZoneId dataTimeZone;

  /** A reader for US equities (data time zone America/New_York). */
  public LeanTickReader() {
    this(NEW_YORK);
  }

  /** A reader whose {@code ms} column is wall-clock time in {@code dataTimeZone}. */
  public LeanTickReader(ZoneId dataTimeZone) {
    this.dataTimeZone = requireNonNull(dataTimeZone, "dataTimeZone is null");
  }

  /**
   * What a Lean tick path states.
   *
   * @param symbol the ticker, upper case
   * @param date the file's trading date (local to the data time zone)
   * @param dataType trades or quotes
   */
  public record TickFile(String symbol, LocalDate date, DataType dataType) {
    /** Checks the components. */
    public TickFile {
      Rows.checkSymbol(symbol);
      requireNonNull(date, "date is null");
      requireNonNull(dataType, "dataType is null");
    }

    /** The CSV entry name Lean writes for this file, e.g. {@code 20131007_ibm_Trade_Tick.csv}. */
    public String entryName() {
      return BASIC_DATE.format(date)
          + "_"
          + symbol.toLowerCase(Locale.ROOT)
          + (dataType == DataType.TRADES ? "_Trade_Tick.csv" : "_Quote_Tick.csv");
    }
  }

  /**
   * The symbol, date and data type of a Lean tick path {@code …/<sym>/<yyyymmdd>_trade.zip}.
   *
   * @throws FileFormatException when the path does not follow that layout
   */
  public static TickFile describe(Path file) {
    String name = Sources.name(file);
    Matcher m = FILE_NAME.matcher(name);
    if (!m.matches()) {
      throw FileFormatException.of(
          file.toString(),
          name,
          "a Lean tick file must be named <yyyymmdd>_trade.zip or <yyyymmdd>_quote.zip");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(m.group(1), BASIC_DATE);
    } catch (DateTimeException e) {
      throw FileFormatException.of(
          file.toString(), name, e, "'%s' is not a valid date", m.group(1));
    }
    Path parent = file.toAbsolutePath().getParent();
    Path symbolDir = parent == null ? null : parent.getFileName();
    if (symbolDir == null || symbolDir.toString().isEmpty()) {
      throw FileFormatException.of(
          file.toString(), name, "the symbol folder is missing (…/tick/<symbol>/%s)", name);
    }
    DataType type = m.group(2).equals("trade") ? DataType.TRADES : DataType.QUOTES;
    return new TickFile(symbolDir.toString().toUpperCase(Locale.ROOT), date, type);
  }

  @Override
  public String vendor() {
    return VENDOR;
  }

  @Override
  public DataType dataType(Path file) {
    return describe(file).dataType();
  }

  @Override
  public Optional<FileKey> fileKey(Path file) {
    try {
      TickFile t = describe(file);
      return Optional.of(new FileKey(t.symbol(), t.date()));
    } catch (FileFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public ReadSummary read(Path file, RowSink sink) throws IOException {
    requireNonNull(sink, "sink is null");
    TickFile info = describe(file);
    String fileText = file.toString();
    String zipName = Sources.name(file);
    Sources.requireNonEmpty(file);
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException | EOFException | IllegalArgumentException e) {
      throw FileFormatException.of(
          fileText, zipName, e, "not a readable zip archive (%s)", e.getMessage());
    }
    try (zip) {
      List<String> names = new ArrayList<>();
      ZipEntry entry = null;
      try {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
          entry = entries.nextElement();
          names.add(entry.getName());
        }
      } catch (IllegalArgumentException e) {
        throw FileFormatException.of(
            fileText, zipName, e, "the archive's directory is corrupt (%s)", e.getMessage());
      }
      if (names.size() != 1) {
        throw FileFormatException.of(
            fileText,
            zipName,
            "the archive must hold exactly one CSV entry, found %d %s",
            names.size(),
            names.size() > 10 ? names.subList(0, 10) + "…" : names);
      }
      String expected = info.entryName();
      if (!entry.getName().equalsIgnoreCase(expected)) {
        throw FileFormatException.of(
            fileText,
            zipName,
            "its entry '%s' does not match the path (symbol %s, date %s, %s): expected '%s'",
            entry.getName(),
            info.symbol(),
            info.date(),
            info.dataType().id(),
            expected);
      }
      Emitter out = new Emitter(fileText, entry.getName(), sink);
      LineParser parser = new LineParser(info, new WallClock(info.date(), dataTimeZone));
      InputStream in;
      try {
        in = zip.getInputStream(entry);
      } catch (ZipException e) {
        throw out.corrupt(e, 0);
      }
      try (in) {
        LineSource lines = new LineSource(in);
        out.drain(lines, info.dataType(), parser::trade, parser::quote);
      }
      return out.summary(info.dataType());
    }
  }

  /** Parses the lines of one file. Not thread-safe. */
  private static final class LineParser {
    private static final byte COMMA = ',';

    private final String symbol;
    private final WallClock clock;
    private final Fields fields = new Fields(9);
    private final Texts texts = new Texts();

    LineParser(TickFile info, WallClock clock) {
      this.symbol = info.symbol();
      this.clock = clock;
    }

    TradeRow trade(LineSource lines) throws FieldProblem {
      byte[] b = lines.bytes();
      int n = fields.split(b, lines.start(), lines.end(), COMMA);
      if (n != 6) {
        throw FieldProblem.line("expected 6 comma-separated fields, found " + n);
      }
      long ts = time(b);
      BigDecimal price = Numbers.decimal(b, fields.start(1), fields.end(1), 9, 4, "price");
      BigDecimal size = Numbers.decimal(b, fields.start(2), fields.end(2), 8, 0, "size");
      String venue = venue(b, fields.start(3), fields.end(3));
      int cs = fields.start(4);
      int ce = fields.end(4);
      long condition = Numbers.hex(b, cs, ce, "sale_condition");
      String conditionRaw = texts.text(b, cs, ce, "sale_condition");
      Boolean suspicious = suspicious(b, fields.start(5), fields.end(5));
      return new TradeRow(
          symbol,
          null,
          ts,
          null,
          null,
          price,
          size,
          venue,
          null,
          null,
          condition,
          conditionRaw,
          suspicious,
          null,
          lines.lineNumber());
    }

    QuoteRow quote(LineSource lines) throws FieldProblem {
      byte[] b = lines.bytes();
      int n = fields.split(b, lines.start(), lines.end(), COMMA);
      if (n != 8) {
        throw FieldProblem.line("expected 8 comma-separated fields, found " + n);
      }
      long ts = time(b);
      BigDecimal bidPrice = Numbers.decimal(b, fields.start(1), fields.end(1), 9, 4, "bid_price");
      BigDecimal bidSize = Numbers.decimal(b, fields.start(2), fields.end(2), 8, 0, "bid_size");
      BigDecimal askPrice = Numbers.decimal(b, fields.start(3), fields.end(3), 9, 4, "ask_price");
      BigDecimal askSize = Numbers.decimal(b, fields.start(4), fields.end(4), 8, 0, "ask_size");
      String venue = venue(b, fields.start(5), fields.end(5));
      int cs = fields.start(6);
      int ce = fields.end(6);
      long condition = Numbers.hex(b, cs, ce, "quote_condition");
      String conditionRaw = texts.text(b, cs, ce, "quote_condition");
      Boolean suspicious = suspicious(b, fields.start(7), fields.end(7));
      if (bidPrice.signum() == 0 && bidSize.signum() == 0) {
        bidPrice = null;
        bidSize = null;
      }
      if (askPrice.signum() == 0 && askSize.signum() == 0) {
        askPrice = null;
        askSize = null;
      }
      return new QuoteRow(
          symbol,
          null,
          ts,
          null,
          null,
          bidPrice,
          bidSize,
          askPrice,
          askSize,
          venue,
          condition,
          conditionRaw,
          suspicious,
          null,
          lines.lineNumber());
    }

    private long time(byte[] b) throws FieldProblem {
      int s = fields.start(0);
      int e = fields.end(0);
      long ms = Numbers.integer(b, s, e, "ts_event");
      if (ms < 0 || ms >= MILLIS_PER_DAY) {
        throw FieldProblem.field(
            "ts_event", b, s, e, "milliseconds since midnight must be in 0..86399999");
      }
      return clock.epochMicros(ms);
    }

    private String venue(byte[] b, int s, int e) throws FieldProblem {
      if (s >= e) {
        throw FieldProblem.field("venue", "", Numbers.EMPTY);
      }
      if (e - s > 8) {
        throw FieldProblem.field("venue", b, s, e, "a venue code has at most 8 characters");
      }
      for (int i = s; i < e; i++) {
        int c = b[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
          throw FieldProblem.field("venue", b, s, e, "a venue code is ASCII letters and digits");
        }
      }
      return texts.text(b, s, e, "venue");
    }

    private static Boolean suspicious(byte[] b, int s, int e) throws FieldProblem {
      if (e - s == 1) {
        if (b[s] == '0') {
          return Boolean.FALSE;
        }
        if (b[s] == '1') {
          return Boolean.TRUE;
        }
      }
      throw FieldProblem.field("suspicious", b, s, e, "expected 0 or 1");
    }
  }
}

package io.ticklake.catalog.dim;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads QuantConnect Lean's ticker map files ({@code equity/usa/map_files/<ticker>.csv}) into
 * {@link SymbolReference}s of exchange {@code us-equity}.
 *
 * <p>A map file is one instrument's ticker history. Each row {@code yyyymmdd,ticker[,code]} says
 * the instrument traded as {@code ticker} (listed on venue {@code code}) up to and including that
 * date, since the day after the previous row; the first row's date is the instrument's first date
 * and {@code 20501231} means "still so". So {@code bac.csv} = {@code 19980102,nb,N / 19980930,nb,N
 * / 20501231,bac,N} is NB from 1998-01-02 through 1998-09-30 and BAC from 1998-10-01 on; a last
 * date before 2050-12-31 is a delisting.
 *
 * <p>ticklake's reading: dates start at local midnight in the exchange's time zone
 * (America/New_York), so NB is valid in [1998-01-02T05:00Z, 1998-10-01T04:00Z) and BAC from
 * 1998-10-01T04:00Z, open-ended. Consecutive rows with the same ticker and code form one segment; a
 * change of either starts a new one. Tickers are upper-cased with {@link Locale#ROOT} (Lean writes
 * them lower-case). The permanent identity is Lean's own idea of a security identifier: the first
 * ticker and the first date, as canonical id {@code lean:<FIRST TICKER>:<yyyymmdd>}, e.g. {@code
 * lean:NB:19980102} for BAC. It survives renames, and a ticker that is reused (GOOG meant {@code
 * lean:GOOG:20040819} until 2014-04-02 and {@code lean:GOOCV:20140327} after) gives two
 * instruments. Stateless and thread-safe.
 */
public final class LeanMapFiles {
  /** The ticklake exchange of Lean's US equities. */
  public static final String EXCHANGE = "us-equity";

  /** Lean's "open-ended" date. */
  public static final LocalDate OPEN_END = LocalDate.of(2050, 12, 31);

  /** Prefix of canonical ids from map files. */
  public static final String CANONICAL_PREFIX = "lean:";

  /** Prefix of the {@code source} column of rows from map files. */
  public static final String SOURCE_PREFIX = "lean-map-file:";

  /** The map files bundled as resources (QuantConnect Lean, Apache License 2.0; see NOTICE.md). */
  static final List<String> BUNDLED =
      List.of("aig.csv", "bac.csv", "goog.csv", "googl.csv", "ibm.csv", "spy.csv");

  static final String BUNDLED_DIR = "lean-map-files/";

  private static final String WHAT = "Lean map file";
  private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;
  private static final Pattern DATE = Pattern.compile("[0-9]{8}");
  private static final Pattern TICKER = Pattern.compile("[A-Za-z0-9.\\-_/^$]+");
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9]+");

  private LeanMapFiles() {}

  /**
   * Reads every {@code *.csv} file of a directory (sorted by name), or a single file.
   *
   * @throws TicklakeException of kind INPUT for a missing or empty directory, an unreadable file, a
   *     malformed row (naming file, line and field), or two files describing one instrument
   */
  public static List<SymbolReference> read(Path dirOrFile) {
    List<ReferenceText> texts = new ArrayList<>();
    if (Files.isDirectory(dirOrFile)) {
      List<Path> files;
      try (Stream<Path> s = Files.list(dirOrFile)) {
        files =
            s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
      } catch (IOException e) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot read Lean map files in %s: %s", dirOrFile, e.getMessage());
      }
      if (files.isEmpty()) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot read Lean map files in %s: the directory has no .csv files",
            dirOrFile);
      }
      for (Path f : files) {
        texts.add(ReferenceText.read(f, WHAT));
      }
    } else if (Files.exists(dirOrFile)) {
      texts.add(ReferenceText.read(dirOrFile, WHAT));
    } else {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot read Lean map files in %s: no such file or directory", dirOrFile);
    }
    return parseAll(texts);
  }

  /** The bundled map files (AIG, BAC, GOOG, GOOGL, IBM, SPY). */
  public static List<SymbolReference> bundled() {
    List<ReferenceText> texts = new ArrayList<>();
    for (String name : BUNDLED) {
      texts.add(ReferenceText.bundled(BUNDLED_DIR + name));
    }
    return parseAll(texts);
  }

  private static List<SymbolReference> parseAll(List<ReferenceText> texts) {
    List<SymbolReference> refs = new ArrayList<>();
    Map<String, String> fileByCanonical = new HashMap<>();
    for (ReferenceText text : texts) {
      SymbolReference ref = parse(text);
      String other = fileByCanonical.putIfAbsent(ref.canonicalId(), text.display());
      if (other != null) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot load Lean map files: %s and %s both describe instrument %s",
            other,
            text.display(),
            ref.canonicalId());
      }
      refs.add(ref);
    }
    return refs;
  }

  private record Row(int line, LocalDate date, String ticker, String code) {}

  static SymbolReference parse(ReferenceText text) {
    List<Row> rows = new ArrayList<>();
    List<String> lines = text.lines();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length < 2 || f.length > 3) {
        throw text.error(
            WHAT,
            lineNo,
            "expected 2 or 3 fields (date,ticker[,exchange_code]) but found %d",
            f.length);
      }
      String dateText = f[0].strip();
      LocalDate date;
      try {
        if (!DATE.matcher(dateText).matches()) {
          throw new DateTimeException(dateText);
        }
        date = LocalDate.parse(dateText, YYYYMMDD);
      } catch (DateTimeException e) {
        throw text.error(WHAT, lineNo, "field date '%s' is not a date in yyyymmdd form", dateText);
      }
      String ticker = f[1].strip();
      if (ticker.isEmpty()) {
        throw text.error(WHAT, lineNo, "field ticker is empty");
      }
      if (!TICKER.matcher(ticker).matches()) {
        throw text.error(
            WHAT, lineNo, "field ticker '%s' has characters a ticker cannot have", ticker);
      }
      if (SymbolIds.normalize(ticker).isEmpty()) {
        throw text.error(WHAT, lineNo, "field ticker '%s' %s", ticker, SymbolIds.EMPTY_KEY);
      }
      String code = f.length == 3 ? f[2].strip() : "";
      if (!code.isEmpty() && !CODE.matcher(code).matches()) {
        throw text.error(WHAT, lineNo, "field exchange_code '%s' is not letters and digits", code);
      }
      if (!rows.isEmpty() && !date.isAfter(rows.get(rows.size() - 1).date())) {
        Row previous = rows.get(rows.size() - 1);
        throw text.error(
            WHAT,
            lineNo,
            "field date %s is not after the date %s of line %d",
            dateText,
            previous.date().format(YYYYMMDD),
            previous.line());
      }
      rows.add(
          new Row(
              lineNo,
              date,
              ticker.toUpperCase(Locale.ROOT),
              code.isEmpty() ? null : code.toUpperCase(Locale.ROOT)));
    }
    if (rows.size() < 2) {
      throw text.error(
          WHAT,
          "it has %d row%s but a map file needs at least 2 (the first date, then one row per"
              + " ticker period)",
          rows.size(),
          rows.size() == 1 ? "" : "s");
    }
    if (rows.get(0).date().isAfter(OPEN_END) || rows.get(0).date().equals(OPEN_END)) {
      throw text.error(
          WHAT,
          rows.get(0).line(),
          "field date %s cannot be the first date",
          rows.get(0).date().format(YYYYMMDD));
    }
    List<SymbolReference.Segment> segments = new ArrayList<>();
    Instant segmentStart = ExchangeInfo.startOfDate(EXCHANGE, rows.get(0).date());
    for (int i = 1; i < rows.size(); i++) {
      Row previous = rows.get(i - 1);
      Row row = rows.get(i);
      boolean changes =
          !previous.ticker().equals(row.ticker()) || !Objects.equals(previous.code(), row.code());
      if (changes) {
        Instant boundary = ExchangeInfo.startOfDate(EXCHANGE, previous.date().plusDays(1));
        segments.add(
            new SymbolReference.Segment(
                segmentStart, Optional.of(boundary), previous.ticker(), previous.code()));
        segmentStart = boundary;
      }
    }
    Row last = rows.get(rows.size() - 1);
    Optional<Instant> end =
        last.date().isBefore(OPEN_END)
            ? Optional.of(ExchangeInfo.startOfDate(EXCHANGE, last.date().plusDays(1)))
            : Optional.empty();
    segments.add(new SymbolReference.Segment(segmentStart, end, last.ticker(), last.code()));
    String canonical =
        CANONICAL_PREFIX + rows.get(0).ticker() + ":" + rows.get(0).date().format(YYYYMMDD);
    return new SymbolReference(
        EXCHANGE,
        canonical,
        segments,
        new SymbolAttributes("equity", null, null, null, null, null, null),
        SOURCE_PREFIX + text.fileName());
  }
}

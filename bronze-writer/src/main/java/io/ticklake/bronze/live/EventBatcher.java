package io.ticklake.bronze.live;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.SeqRange;
import io.ticklake.bronze.wal.WalRows;
import io.ticklake.bronze.wal.WalTable;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Turns the writer's input lines straight into columnar WAL batches (one for trades, one for
 * quotes) and appends them to a {@link BronzeWriter}: no per-event objects on the common path.
 *
 * <p>JSONL lines in the documented shape (a flat object whose values are plain strings without
 * escapes, numbers or null) are read by a scanner that writes the vectors directly; it checks
 * exactly what {@link EventLineParser} checks. Any line it does not fully understand (an escape, a
 * nested value, an exponent, a malformed value) goes through {@link EventLineParser}, which yields
 * the same event or the precise error, so both paths accept and reject the same lines. CSV lines
 * always go through {@link EventLineParser}.
 *
 * <p>Events whose {@code seq} is at or below the given resume point of their table are dropped (the
 * feed resent what was already committed). Not thread-safe.
 */
public final class EventBatcher implements AutoCloseable {
  /** What {@link #add} did with a line. */
  public enum Outcome {
    /** A trade was added to the trades batch. */
    TRADE,
    /** A quote was added to the quotes batch. */
    QUOTE,
    /** The event's seq is at or below what was already committed; dropped. */
    ALREADY_COMMITTED,
    /** A blank line or a CSV header. */
    SKIPPED
  }

  // keys of the JSONL schema, their slot index
  private static final String[] KEYS = {
    "type",
    "exchange",
    "symbol",
    "ts",
    "seq",
    "venue",
    "price",
    "size",
    "side",
    "id",
    "bid_price",
    "bid_size",
    "ask_price",
    "ask_size"
  };
  private static final int TYPE = 0;
  private static final int EXCHANGE = 1;
  private static final int SYMBOL = 2;
  private static final int TS = 3;
  private static final int SEQ = 4;
  private static final int VENUE = 5;
  private static final int PRICE = 6;
  private static final int SIZE = 7;
  private static final int SIDE = 8;
  private static final int ID = 9;
  private static final int BID_PRICE = 10;
  private static final int BID_SIZE = 11;
  private static final int ASK_PRICE = 12;
  private static final int ASK_SIZE = 13;
  private static final byte ABSENT = 0;
  private static final byte STR = 1;
  private static final byte NUM = 2;
  private static final byte NULL = 3;
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private final BronzeWriter writer;
  private final EventLineParser parser;
  private final boolean jsonl;
  private final long tradesResume;
  private final long quotesResume;
  private final Batch trades;
  private final Batch quotes;
  // the current line's value spans
  private final int[] start = new int[KEYS.length];
  private final int[] end = new int[KEYS.length];
  private final byte[] kind = new byte[KEYS.length];

  /** Start and end of each key outside the schema in the line being scanned (up to 8). */
  private final int[] otherKeys = new int[16];

  private byte[] scratch = new byte[256];
  private long lastSeq = -1;
  private long earliest = Long.MAX_VALUE;
  private Long seq;
  private int lastDateKey = -1;
  private long lastDays;

  /** The rows of one table not yet appended. */
  private static final class Batch {
    final WalTable table;
    final VectorSchemaRoot root;
    final VarCharVector symbol;
    final VarCharVector exchange;
    final TimeStampMicroTZVector tsEvent;
    final BigIntVector vendorSeq;
    final VarCharVector venue;
    final BigIntVector[] decimals;
    final VarCharVector side;
    final VarCharVector tradeId;
    final FieldVector[] rest;
    int rows;

    Batch(BronzeWriter writer, WalTable table, int capacity) {
      this.table = table;
      root = writer.newBatch(table);
      for (FieldVector v : root.getFieldVectors()) {
        v.setInitialCapacity(capacity);
        v.allocateNew();
      }
      symbol = (VarCharVector) root.getVector("symbol");
      exchange = (VarCharVector) root.getVector("exchange");
      tsEvent = (TimeStampMicroTZVector) root.getVector("ts_event");
      vendorSeq = (BigIntVector) root.getVector("vendor_seq");
      venue = (VarCharVector) root.getVector("venue");
      if (table == WalTable.TRADES) {
        decimals =
            new BigIntVector[] {
              (BigIntVector) root.getVector("price"), (BigIntVector) root.getVector("size")
            };
        side = (VarCharVector) root.getVector("side");
        tradeId = (VarCharVector) root.getVector("vendor_trade_id");
      } else {
        decimals =
            new BigIntVector[] {
              (BigIntVector) root.getVector("bid_price"),
              (BigIntVector) root.getVector("bid_size"),
              (BigIntVector) root.getVector("ask_price"),
              (BigIntVector) root.getVector("ask_size")
            };
        side = null;
        tradeId = null;
      }
      List<FieldVector> others = new ArrayList<>(root.getFieldVectors());
      others.removeAll(List.of(symbol, exchange, tsEvent, vendorSeq, venue));
      others.removeAll(Arrays.asList(decimals));
      if (side != null) {
        others.removeAll(List.of(side, tradeId));
      }
      rest = others.toArray(new FieldVector[0]);
    }

    /** Marks the columns the scanner does not fill as null in row {@code i}. */
    void nullRest(int i) {
      for (FieldVector v : rest) {
        v.setNull(i);
      }
    }

    SeqRange append(BronzeWriter writer) {
      if (rows == 0) {
        return null;
      }
      root.setRowCount(rows);
      SeqRange r = writer.append(table, root);
      for (FieldVector v : root.getFieldVectors()) {
        v.reset();
      }
      root.setRowCount(0);
      rows = 0;
      return r;
    }
  }

  /**
   * A batcher appending to {@code writer}.
   *
   * @param capacity rows per batch to allocate up front (batches grow beyond it if needed)
   * @param tradesResume trades with seq &lt;= this are dropped (the writer's vendor high-water)
   * @param quotesResume quotes with seq &lt;= this are dropped
   */
  public EventBatcher(
      BronzeWriter writer,
      EventLineParser.Format format,
      int capacity,
      long tradesResume,
      long quotesResume) {
    this.writer = requireNonNull(writer, "writer is null");
    this.parser = new EventLineParser(requireNonNull(format, "format is null"));
    this.jsonl = format == EventLineParser.Format.JSONL;
    this.tradesResume = tradesResume;
    this.quotesResume = quotesResume;
    int cap = Math.max(1, capacity);
    this.trades = new Batch(writer, WalTable.TRADES, cap);
    VectorSchemaRoot t = trades.root;
    try {
      this.quotes = new Batch(writer, WalTable.QUOTES, cap);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /**
   * Reads one line into the batches.
   *
   * @throws EventLineException when the line is not a valid event (nothing was added)
   */
  public Outcome add(String line, long lineNo) throws EventLineException {
    requireNonNull(line, "line is null");
    if (jsonl && !line.contains(EventLineParser.NOT_UTF8)) {
      Outcome o = scan(line);
      if (o != null) {
        return o;
      }
    }
    Object event = parser.parse(line, lineNo);
    if (event instanceof TradeRow t) {
      if (drop(t.vendorSeq(), tradesResume)) {
        return Outcome.ALREADY_COMMITTED;
      }
      WalRows.setTrade(trades.root, trades.rows++, t);
      earliest = Math.min(earliest, t.tsEventMicros());
      return Outcome.TRADE;
    }
    if (event instanceof QuoteRow q) {
      if (drop(q.vendorSeq(), quotesResume)) {
        return Outcome.ALREADY_COMMITTED;
      }
      WalRows.setQuote(quotes.root, quotes.rows++, q);
      earliest = Math.min(earliest, q.tsEventMicros());
      return Outcome.QUOTE;
    }
    return Outcome.SKIPPED;
  }

  /** The earliest event time (epoch µs) of the events added so far; Long.MAX_VALUE if none. */
  public long earliestEventMicros() {
    return earliest;
  }

  /** The {@code seq} of the last event read that had one (added or dropped), -1 if none. */
  public long lastSeq() {
    return lastSeq;
  }

  /** The pending batch of a table (tests compare it with the parser's rows). */
  VectorSchemaRoot batch(WalTable table) {
    Batch b = table == WalTable.TRADES ? trades : quotes;
    b.root.setRowCount(b.rows);
    return b.root;
  }

  /** Events waiting in the batches. */
  public int pending() {
    return trades.rows + quotes.rows;
  }

  /** Events of {@code table} waiting in its batch. */
  public int pending(WalTable table) {
    return (table == WalTable.TRADES ? trades : quotes).rows;
  }

  /** Appends the pending trades, then the pending quotes, each as one durable WAL append. */
  public void appendPending() {
    trades.append(writer);
    quotes.append(writer);
  }

  private boolean drop(Long vendorSeq, long resume) {
    if (vendorSeq == null) {
      return false;
    }
    lastSeq = vendorSeq;
    return vendorSeq <= resume;
  }

  // ---- the JSONL scanner: null means "not understood, use the parser"

  private Outcome scan(String s) {
    for (int k = 0; k < KEYS.length; k++) {
      kind[k] = ABSENT;
    }
    int others = 0;
    int n = s.length();
    int i = skipWs(s, 0, n);
    if (i >= n || s.charAt(i) != '{') {
      return null;
    }
    i = skipWs(s, i + 1, n);
    while (true) {
      if (i >= n || s.charAt(i) != '"') {
        return null;
      }
      int ks = i + 1;
      int ke = stringEnd(s, ks, n);
      if (ke < 0) {
        return null;
      }
      int key = key(s, ks, ke);
      // a key given twice is the parser's error (JsonLines): hand such a line over to it
      if (key >= 0 && kind[key] != ABSENT) {
        return null;
      }
      if (key < 0) {
        if (others == otherKeys.length / 2 || seenBefore(s, ks, ke, others)) {
          return null;
        }
        otherKeys[2 * others] = ks;
        otherKeys[2 * others + 1] = ke;
        others++;
      }
      i = skipWs(s, ke + 1, n);
      if (i >= n || s.charAt(i) != ':') {
        return null;
      }
      i = skipWs(s, i + 1, n);
      if (i >= n) {
        return null;
      }
      char c = s.charAt(i);
      int vs;
      int ve;
      byte k;
      if (c == '"') {
        vs = i + 1;
        ve = stringEnd(s, vs, n);
        if (ve < 0) {
          return null;
        }
        k = STR;
        i = ve + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        vs = i;
        while (i < n && isNumberChar(s.charAt(i))) {
          i++;
        }
        ve = i;
        if (!jsonNumber(s, vs, ve)) {
          return null;
        }
        k = NUM;
      } else if (s.startsWith("null", i)) {
        vs = i;
        ve = i + 4;
        k = NULL;
        i += 4;
      } else {
        return null; // true/false, objects, arrays: the parser decides
      }
      if (key >= 0) {
        start[key] = vs;
        end[key] = ve;
        kind[key] = k;
      }
      i = skipWs(s, i, n);
      if (i >= n) {
        return null;
      }
      c = s.charAt(i);
      if (c == ',') {
        i = skipWs(s, i + 1, n);
      } else if (c == '}') {
        if (skipWs(s, i + 1, n) != n) {
          return null;
        }
        break;
      } else {
        return null;
      }
    }
    return event(s);
  }

  private Outcome event(String s) {
    if (kind[TYPE] != STR || !nonBlankString(s, EXCHANGE) || !nonBlankString(s, SYMBOL)) {
      return null;
    }
    boolean trade;
    if (s.startsWith("trade", start[TYPE]) && end[TYPE] - start[TYPE] == 5) {
      trade = true;
    } else if (s.startsWith("quote", start[TYPE]) && end[TYPE] - start[TYPE] == 5) {
      trade = false;
    } else {
      return null;
    }
    long ts = timestamp(s);
    if (ts < EventLineParser.MIN_MICROS || ts > EventLineParser.MAX_MICROS) {
      return null; // unreadable or outside the years 1..9999: the parser reports it
    }
    if (!readSeq(s) || !(kind[VENUE] == ABSENT || kind[VENUE] == NULL || kind[VENUE] == STR)) {
      return null;
    }
    Batch b = trade ? trades : quotes;
    int i = b.rows;
    if (trade) {
      long price = decimal(s, PRICE, 9);
      long size = decimal(s, SIZE, 8);
      if (price == Long.MIN_VALUE || size == Long.MIN_VALUE || price == NULL_VALUE) {
        return null;
      }
      if (size == NULL_VALUE) {
        return null;
      }
      String side = side(s);
      if (side == INVALID
          || !(kind[ID] == ABSENT || kind[ID] == NULL || kind[ID] == STR || digitsOnly(s, ID))) {
        return null;
      }
      if (seq != null && seq <= tradesResume) {
        lastSeq = seq;
        return Outcome.ALREADY_COMMITTED;
      }
      b.decimals[0].setSafe(i, price);
      b.decimals[1].setSafe(i, size);
      if (side == null) {
        b.side.setNull(i);
      } else {
        b.side.setSafe(i, sideBytes(side));
      }
      setString(b.tradeId, i, s, ID);
    } else {
      long bp = decimal(s, BID_PRICE, 9);
      long bs = decimal(s, BID_SIZE, 8);
      long ap = decimal(s, ASK_PRICE, 9);
      long as = decimal(s, ASK_SIZE, 8);
      if (bp == Long.MIN_VALUE
          || bs == Long.MIN_VALUE
          || ap == Long.MIN_VALUE
          || as == Long.MIN_VALUE
          || (bp == NULL_VALUE) != (bs == NULL_VALUE)
          || (ap == NULL_VALUE) != (as == NULL_VALUE)) {
        return null;
      }
      if (seq != null && seq <= quotesResume) {
        lastSeq = seq;
        return Outcome.ALREADY_COMMITTED;
      }
      setDecimal(b.decimals[0], i, bp);
      setDecimal(b.decimals[1], i, bs);
      setDecimal(b.decimals[2], i, ap);
      setDecimal(b.decimals[3], i, as);
    }
    if (seq != null) {
      lastSeq = seq;
      b.vendorSeq.setSafe(i, seq);
    } else {
      b.vendorSeq.setNull(i);
    }
    setString(b.symbol, i, s, SYMBOL);
    setString(b.exchange, i, s, EXCHANGE);
    b.tsEvent.setSafe(i, ts);
    earliest = Math.min(earliest, ts);
    setString(b.venue, i, s, VENUE);
    b.nullRest(i);
    b.rows++;
    return trade ? Outcome.TRADE : Outcome.QUOTE;
  }

  // decimal(): a value that is absent or null
  private static final long NULL_VALUE = Long.MIN_VALUE + 1;
  private static final String INVALID = new String("invalid");

  private static void setDecimal(BigIntVector v, int i, long value) {
    if (value == NULL_VALUE) {
      v.setNull(i);
    } else {
      v.setSafe(i, value);
    }
  }

  /**
   * The unscaled value at {@code scale}; NULL_VALUE if absent/null; MIN_VALUE if not understood.
   */
  private long decimal(String s, int key, int scale) {
    byte k = kind[key];
    if (k == ABSENT || k == NULL) {
      return NULL_VALUE;
    }
    int i = start[key];
    int e = end[key];
    boolean neg = false;
    if (i < e && s.charAt(i) == '-') {
      neg = true;
      i++;
    }
    long v = 0;
    int digits = 0;
    int intDigits = 0;
    while (i < e && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      v = v * 10 + (s.charAt(i) - '0');
      if (v != 0) {
        digits++;
      }
      intDigits++;
      i++;
      if (digits > 18) {
        return Long.MIN_VALUE;
      }
    }
    if (intDigits == 0) {
      return Long.MIN_VALUE;
    }
    int frac = 0;
    if (i < e && s.charAt(i) == '.') {
      i++;
      while (i < e && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (frac == scale) {
          return Long.MIN_VALUE; // more places than the scale: the parser decides
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (v != 0) {
          digits++;
        }
        frac++;
        i++;
        if (digits > 18) {
          return Long.MIN_VALUE;
        }
      }
      if (frac == 0) {
        return Long.MIN_VALUE;
      }
    }
    if (i != e) {
      return Long.MIN_VALUE; // exponent, sign or other text
    }
    int pad = scale - frac;
    if (digits + pad > 18 && v != 0) {
      return Long.MIN_VALUE;
    }
    v *= POW10[pad];
    return neg ? -v : v;
  }

  /** The side in lower case, null when absent, INVALID when the parser must decide. */
  private String side(String s) {
    byte k = kind[SIDE];
    if (k == ABSENT || k == NULL) {
      return null;
    }
    if (k != STR) {
      return INVALID;
    }
    int len = end[SIDE] - start[SIDE];
    for (String side : new String[] {TradeRow.BUY, TradeRow.SELL, TradeRow.UNKNOWN}) {
      if (len == side.length() && s.regionMatches(true, start[SIDE], side, 0, len)) {
        return side;
      }
    }
    return INVALID;
  }

  private static final byte[] BUY = TradeRow.BUY.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SELL = TradeRow.SELL.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNKNOWN = TradeRow.UNKNOWN.getBytes(StandardCharsets.US_ASCII);

  private static byte[] sideBytes(String side) {
    return side.equals(TradeRow.BUY) ? BUY : side.equals(TradeRow.SELL) ? SELL : UNKNOWN;
  }

  /** Reads seq into {@link #seq}; false when the parser must decide. */
  private boolean readSeq(String s) {
    seq = null;
    byte k = kind[SEQ];
    if (k == ABSENT || k == NULL) {
      return true;
    }
    long v = digits(s, start[SEQ], end[SEQ], k == NUM);
    if (v == Long.MIN_VALUE) {
      return false;
    }
    seq = v;
    return true;
  }

  /** Epoch microseconds of ts, or MIN_VALUE when the parser must decide. */
  private long timestamp(String s) {
    byte k = kind[TS];
    int i = start[TS];
    int e = end[TS];
    if (k == NUM) {
      return digits(s, i, e, true);
    }
    if (k != STR || i == e) {
      return Long.MIN_VALUE;
    }
    char c0 = s.charAt(i);
    if (c0 >= '0' && c0 <= '9' && !hasT(s, i, e)) {
      return digits(s, i, e, false);
    }
    // yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z
    if (e - i < 20 || s.charAt(e - 1) != 'Z') {
      return Long.MIN_VALUE;
    }
    int year = num(s, i, 4);
    int month = num(s, i + 5, 2);
    int day = num(s, i + 8, 2);
    int hour = num(s, i + 11, 2);
    int min = num(s, i + 14, 2);
    int sec = num(s, i + 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || s.charAt(i + 4) != '-'
        || s.charAt(i + 7) != '-'
        || s.charAt(i + 10) != 'T'
        || s.charAt(i + 13) != ':'
        || s.charAt(i + 16) != ':'
        || hour < 0
        || hour > 23
        || min < 0
        || min > 59
        || sec < 0
        || sec > 59) {
      return Long.MIN_VALUE;
    }
    int p = i + 19;
    long micros = 0;
    if (p < e - 1) {
      if (s.charAt(p) != '.') {
        return Long.MIN_VALUE;
      }
      int fracStart = ++p;
      long nanos = 0;
      while (p < e - 1) {
        char c = s.charAt(p);
        if (c < '0' || c > '9' || p - fracStart >= 9) {
          return Long.MIN_VALUE;
        }
        nanos = nanos * 10 + (c - '0');
        p++;
      }
      int fd = p - fracStart;
      if (fd == 0) {
        return Long.MIN_VALUE;
      }
      nanos *= POW10[9 - fd];
      if (nanos % 1000 != 0) {
        return Long.MIN_VALUE; // finer than microseconds: the parser keeps the nanoseconds
      }
      micros = nanos / 1000;
    }
    int dateKey = year * 10_000 + month * 100 + day;
    if (dateKey != lastDateKey) {
      if (day > YearMonth.of(year, month).lengthOfMonth()) {
        return Long.MIN_VALUE;
      }
      lastDays = LocalDate.of(year, month, day).toEpochDay();
      lastDateKey = dateKey;
    }
    long days = lastDays;
    return (days * 86_400L + hour * 3600L + min * 60L + sec) * 1_000_000L + micros;
  }

  private static boolean hasT(String s, int i, int e) {
    for (int k = i; k < e; k++) {
      if (s.charAt(k) == 'T') {
        return true;
      }
    }
    return false;
  }

  private static int num(String s, int i, int len) {
    int v = 0;
    for (int k = i; k < i + len; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** A plain (optionally negative when {@code signed}) integer, or MIN_VALUE. */
  private static long digits(String s, int i, int e, boolean signed) {
    boolean neg = false;
    if (signed && i < e && s.charAt(i) == '-') {
      neg = true;
      i++;
    }
    if (i >= e || e - i > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (int k = i; k < e; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return Long.MIN_VALUE;
      }
      v = v * 10 + (c - '0');
    }
    return neg ? -v : v;
  }

  private boolean nonBlankString(String s, int key) {
    if (kind[key] != STR) {
      return false;
    }
    for (int i = start[key]; i < end[key]; i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the key holds a JSON number of digits alone (no sign, fraction or exponent): a numbered
   * trade id, whose text is its id as the parser reads it. Others go to the parser.
   */
  private boolean digitsOnly(String s, int key) {
    if (kind[key] != NUM || start[key] == end[key]) {
      return false;
    }
    for (int i = start[key]; i < end[key]; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Sets a string key's text (a number's digits for the trade id, see digitsOnly), else null. */
  private void setString(VarCharVector v, int row, String s, int key) {
    if (kind[key] != STR && !(key == ID && kind[key] == NUM)) {
      v.setNull(row);
      return;
    }
    int i = start[key];
    int len = end[key] - i;
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    for (int k = 0; k < len; k++) {
      char c = s.charAt(i + k);
      if (c >= 0x80) {
        byte[] utf8 = s.substring(i, i + len).getBytes(StandardCharsets.UTF_8);
        v.setSafe(row, utf8, 0, utf8.length);
        return;
      }
      scratch[k] = (byte) c;
    }
    v.setSafe(row, scratch, 0, len);
  }

  /** Whether the key at [ks, ke) is one of the first {@code count} keys outside the schema. */
  private boolean seenBefore(String s, int ks, int ke, int count) {
    for (int o = 0; o < count; o++) {
      int os = otherKeys[2 * o];
      int oe = otherKeys[2 * o + 1];
      if (oe - os == ke - ks && s.regionMatches(os, s, ks, ke - ks)) {
        return true;
      }
    }
    return false;
  }

  private static int key(String s, int ks, int ke) {
    int k;
    switch (ke - ks) {
      case 2 -> k = s.charAt(ks) == 't' ? TS : ID;
      case 3 -> k = SEQ;
      case 4 -> k = s.charAt(ks) == 't' ? TYPE : s.charAt(ks + 2) == 'z' ? SIZE : SIDE;
      case 5 -> k = s.charAt(ks) == 'v' ? VENUE : PRICE;
      case 6 -> k = SYMBOL;
      case 8 -> k = s.charAt(ks) == 'e' ? EXCHANGE : s.charAt(ks) == 'b' ? BID_SIZE : ASK_SIZE;
      case 9 -> k = s.charAt(ks) == 'b' ? BID_PRICE : ASK_PRICE;
      default -> {
        return -1;
      }
    }
    // the guess above only looked at the length and a character or two: confirm it
    return s.startsWith(KEYS[k], ks) ? k : -1;
  }

  /** The index of the closing quote of a string without escapes or control characters, or -1. */
  private static int stringEnd(String s, int i, int n) {
    for (int k = i; k < n; k++) {
      char c = s.charAt(k);
      if (c == '"') {
        return k;
      }
      if (c == '\\' || c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  private static int skipWs(String s, int i, int n) {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        break;
      }
      i++;
    }
    return i;
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  /** JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private static boolean jsonNumber(String s, int i, int e) {
    if (i < e && s.charAt(i) == '-') {
      i++;
    }
    if (i >= e) {
      return false;
    }
    if (s.charAt(i) == '0') {
      i++;
    } else {
      int d = i;
      while (i < e && Character.isDigit(s.charAt(i)) && s.charAt(i) < 0x80) {
        i++;
      }
      if (i == d) {
        return false;
      }
    }
    if (i < e && s.charAt(i) == '.') {
      int d = ++i;
      while (i < e && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == d) {
        return false;
      }
    }
    if (i < e && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < e && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int d = i;
      while (i < e && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == d) {
        return false;
      }
    }
    return i == e;
  }

  /** Frees the batches (pending rows that were not appended are dropped). */
  @Override
  public void close() {
    trades.root.close();
    quotes.root.close();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "EventBatcher[%d trades, %d quotes pending]", trades.rows, quotes.rows);
  }
}

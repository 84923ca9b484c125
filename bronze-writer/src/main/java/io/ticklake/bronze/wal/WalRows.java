package io.ticklake.bronze.wal;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Converts event rows to and from the WAL's Arrow columns. Stateless and thread-safe. */
public final class WalRows {
  private static final int PRICE_SCALE = 9;
  private static final int SIZE_SCALE = 8;

  private WalRows() {}

  /** Fills the event columns of {@code root} (not wal_seq / received_at) with the trades. */
  static void fillTrades(VectorSchemaRoot root, List<TradeRow> rows) {
    int n = rows.size();
    allocate(root, n);
    TradeVectors v = new TradeVectors(root);
    for (int i = 0; i < n; i++) {
      v.set(i, rows.get(i));
    }
    root.setRowCount(n);
  }

  /** Fills the event columns of {@code root} (not wal_seq / received_at) with the quotes. */
  static void fillQuotes(VectorSchemaRoot root, List<QuoteRow> rows) {
    int n = rows.size();
    allocate(root, n);
    QuoteVectors v = new QuoteVectors(root);
    for (int i = 0; i < n; i++) {
      v.set(i, rows.get(i));
    }
    root.setRowCount(n);
  }

  /**
   * Sets row {@code i} of a trades batch (growing the vectors as needed; the row count is left to
   * the caller).
   */
  public static void setTrade(VectorSchemaRoot root, int i, TradeRow row) {
    new TradeVectors(root).set(i, row);
  }

  /**
   * Sets row {@code i} of a quotes batch (growing the vectors as needed; the row count is left to
   * the caller).
   */
  public static void setQuote(VectorSchemaRoot root, int i, QuoteRow row) {
    new QuoteVectors(root).set(i, row);
  }

  private static final class TradeVectors {
    final Common c;
    final BigIntVector price;
    final BigIntVector size;
    final VarCharVector venue;
    final VarCharVector side;
    final VarCharVector tradeId;
    final BigIntVector cond;
    final VarCharVector condRaw;
    final BitVector suspicious;
    final BigIntVector vendorSeq;

    TradeVectors(VectorSchemaRoot root) {
      c = new Common(root);
      price = (BigIntVector) root.getVector("price");
      size = (BigIntVector) root.getVector("size");
      venue = (VarCharVector) root.getVector("venue");
      side = (VarCharVector) root.getVector("side");
      tradeId = (VarCharVector) root.getVector("vendor_trade_id");
      cond = (BigIntVector) root.getVector("sale_condition");
      condRaw = (VarCharVector) root.getVector("sale_condition_raw");
      suspicious = (BitVector) root.getVector("suspicious");
      vendorSeq = (BigIntVector) root.getVector("vendor_seq");
    }

    void set(int i, TradeRow r) {
      c.set(i, r.symbol(), r.exchange(), r.tsEventMicros(), r.tsEventNanos(), r.tsRecvMicros());
      price.setSafe(i, unscaled(r.price()));
      size.setSafe(i, unscaled(r.size()));
      setString(venue, i, r.venue());
      setString(side, i, r.side());
      setString(tradeId, i, r.vendorTradeId());
      setLong(cond, i, r.saleCondition());
      setString(condRaw, i, r.saleConditionRaw());
      setBool(suspicious, i, r.suspicious());
      setLong(vendorSeq, i, r.vendorSeq());
    }
  }

  private static final class QuoteVectors {
    final Common c;
    final BigIntVector bidPrice;
    final BigIntVector bidSize;
    final BigIntVector askPrice;
    final BigIntVector askSize;
    final VarCharVector venue;
    final BigIntVector cond;
    final VarCharVector condRaw;
    final BitVector suspicious;
    final BigIntVector vendorSeq;

    QuoteVectors(VectorSchemaRoot root) {
      c = new Common(root);
      bidPrice = (BigIntVector) root.getVector("bid_price");
      bidSize = (BigIntVector) root.getVector("bid_size");
      askPrice = (BigIntVector) root.getVector("ask_price");
      askSize = (BigIntVector) root.getVector("ask_size");
      venue = (VarCharVector) root.getVector("venue");
      cond = (BigIntVector) root.getVector("quote_condition");
      condRaw = (VarCharVector) root.getVector("quote_condition_raw");
      suspicious = (BitVector) root.getVector("suspicious");
      vendorSeq = (BigIntVector) root.getVector("vendor_seq");
    }

    void set(int i, QuoteRow r) {
      c.set(i, r.symbol(), r.exchange(), r.tsEventMicros(), r.tsEventNanos(), r.tsRecvMicros());
      setDecimal(bidPrice, i, r.bidPrice());
      setDecimal(bidSize, i, r.bidSize());
      setDecimal(askPrice, i, r.askPrice());
      setDecimal(askSize, i, r.askSize());
      setString(venue, i, r.venue());
      setLong(cond, i, r.quoteCondition());
      setString(condRaw, i, r.quoteConditionRaw());
      setBool(suspicious, i, r.suspicious());
      setLong(vendorSeq, i, r.vendorSeq());
    }
  }

  /** The trade at row {@code i}, with the WAL sequence number as its {@code line}. */
  static TradeRow trade(VectorSchemaRoot root, int i) {
    long seq = ((BigIntVector) root.getVector(WalTable.WAL_SEQ)).get(i);
    return new TradeRow(
        string(root, "symbol", i),
        string(root, "exchange", i),
        ((TimeStampMicroTZVector) root.getVector("ts_event")).get(i),
        longOrNull(root, "ts_event_ns", i),
        tsOrNull(root, "ts_recv", i),
        BigDecimal.valueOf(((BigIntVector) root.getVector("price")).get(i), PRICE_SCALE),
        BigDecimal.valueOf(((BigIntVector) root.getVector("size")).get(i), SIZE_SCALE),
        string(root, "venue", i),
        string(root, "side", i),
        string(root, "vendor_trade_id", i),
        longOrNull(root, "sale_condition", i),
        string(root, "sale_condition_raw", i),
        boolOrNull(root, "suspicious", i),
        longOrNull(root, "vendor_seq", i),
        seq);
  }

  /** The quote at row {@code i}, with the WAL sequence number as its {@code line}. */
  static QuoteRow quote(VectorSchemaRoot root, int i) {
    long seq = ((BigIntVector) root.getVector(WalTable.WAL_SEQ)).get(i);
    return new QuoteRow(
        string(root, "symbol", i),
        string(root, "exchange", i),
        ((TimeStampMicroTZVector) root.getVector("ts_event")).get(i),
        longOrNull(root, "ts_event_ns", i),
        tsOrNull(root, "ts_recv", i),
        decimalOrNull(root, "bid_price", PRICE_SCALE, i),
        decimalOrNull(root, "bid_size", SIZE_SCALE, i),
        decimalOrNull(root, "ask_price", PRICE_SCALE, i),
        decimalOrNull(root, "ask_size", SIZE_SCALE, i),
        string(root, "venue", i),
        longOrNull(root, "quote_condition", i),
        string(root, "quote_condition_raw", i),
        boolOrNull(root, "suspicious", i),
        longOrNull(root, "vendor_seq", i),
        seq);
  }

  private static void allocate(VectorSchemaRoot root, int n) {
    for (FieldVector v : root.getFieldVectors()) {
      v.setInitialCapacity(Math.max(n, 1));
      v.allocateNew();
    }
  }

  private static long unscaled(BigDecimal value) {
    // the row records guarantee the scale and at most 18 digits
    return value.unscaledValue().longValue();
  }

  private static void setDecimal(BigIntVector v, int i, BigDecimal value) {
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, unscaled(value));
    }
  }

  private static void setString(VarCharVector v, int i, String value) {
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void setLong(BigIntVector v, int i, Long value) {
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value.longValue());
    }
  }

  private static void setBool(BitVector v, int i, Boolean value) {
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value.booleanValue() ? 1 : 0);
    }
  }

  private static String string(VectorSchemaRoot root, String name, int i) {
    VarCharVector v = (VarCharVector) root.getVector(name);
    return v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
  }

  private static Long longOrNull(VectorSchemaRoot root, String name, int i) {
    BigIntVector v = (BigIntVector) root.getVector(name);
    return v.isNull(i) ? null : v.get(i);
  }

  private static Long tsOrNull(VectorSchemaRoot root, String name, int i) {
    TimeStampMicroTZVector v = (TimeStampMicroTZVector) root.getVector(name);
    return v.isNull(i) ? null : v.get(i);
  }

  private static BigDecimal decimalOrNull(VectorSchemaRoot root, String name, int scale, int i) {
    BigIntVector v = (BigIntVector) root.getVector(name);
    return v.isNull(i) ? null : BigDecimal.valueOf(v.get(i), scale);
  }

  private static Boolean boolOrNull(VectorSchemaRoot root, String name, int i) {
    BitVector v = (BitVector) root.getVector(name);
    return v.isNull(i) ? null : v.get(i) != 0;
  }

  /** The columns trades and quotes share. */
  private static final class Common {
    private final VarCharVector symbol;
    private final VarCharVector exchange;
    private final TimeStampMicroTZVector tsEvent;
    private final BigIntVector tsEventNs;
    private final TimeStampMicroTZVector tsRecv;

    Common(VectorSchemaRoot root) {
      symbol = (VarCharVector) root.getVector("symbol");
      exchange = (VarCharVector) root.getVector("exchange");
      tsEvent = (TimeStampMicroTZVector) root.getVector("ts_event");
      tsEventNs = (BigIntVector) root.getVector("ts_event_ns");
      tsRecv = (TimeStampMicroTZVector) root.getVector("ts_recv");
    }

    void set(int i, String sym, String exch, long ts, Long tsNs, Long recv) {
      setString(symbol, i, sym);
      setString(exchange, i, exch);
      tsEvent.setSafe(i, ts);
      setLong(tsEventNs, i, tsNs);
      if (recv == null) {
        tsRecv.setNull(i);
      } else {
        tsRecv.setSafe(i, recv.longValue());
      }
    }
  }
}

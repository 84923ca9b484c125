package io.ticklake.bronze.read;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One top-of-book quote update as a vendor file states it. A side that is not quoted in this update
 * has a null price and size (Lean writes such a side as {@code 0,0}; Tardis leaves it empty).
 * Values are parsed, not validated: a crossed or zero-priced quote is a legal row here.
 *
 * @param symbol the ticker
 * @param exchange the market of the feed, or null when the format does not carry it
 * @param tsEventMicros exchange event time, epoch microseconds (UTC)
 * @param tsEventNanos the same instant in epoch nanoseconds when the source is finer than µs
 * @param tsRecvMicros receive time in epoch microseconds, or null
 * @param bidPrice best bid at scale 9, or null when the bid is not quoted
 * @param bidSize bid size at scale 8, null exactly when {@code bidPrice} is null
 * @param askPrice best ask at scale 9, or null when the ask is not quoted
 * @param askSize ask size at scale 8, null exactly when {@code askPrice} is null
 * @param venue venue of the quote (Lean exchange letter), or null
 * @param quoteCondition quote-condition flags as a number, or null
 * @param quoteConditionRaw quote-condition text as written, or null
 * @param suspicious the vendor's suspicious flag, or null
 * @param vendorSeq the vendor's sequence number, or null
 * @param line 1-based line number in the source file (lineage {@code file_seq})
 */
public record QuoteRow(
    String symbol,
    String exchange,
    long tsEventMicros,
    Long tsEventNanos,
    Long tsRecvMicros,
    BigDecimal bidPrice,
    BigDecimal bidSize,
    BigDecimal askPrice,
    BigDecimal askSize,
    String venue,
    Long quoteCondition,
    String quoteConditionRaw,
    Boolean suspicious,
    Long vendorSeq,
    long line) {

  /** Checks the components. */
  public QuoteRow {
    Rows.checkSymbol(symbol);
    Rows.checkExchange(exchange);
    Rows.checkNanos(tsEventMicros, tsEventNanos);
    checkSide(bidPrice, bidSize, "bid", "bid_price", "bid_size");
    checkSide(askPrice, askSize, "ask", "ask_price", "ask_size");
    Rows.checkLine(line);
  }

  private static void checkSide(
      BigDecimal price, BigDecimal size, String side, String priceName, String sizeName) {
    if ((price == null) != (size == null)) {
      throw new IllegalArgumentException(
          side + " price and size must both be set or both be null: " + price + ", " + size);
    }
    if (price != null) {
      Rows.checkDecimal(price, Rows.PRICE_SCALE, priceName);
      Rows.checkDecimal(size, Rows.SIZE_SCALE, sizeName);
    }
  }

  /** {@link #tsEventMicros()} as an instant. */
  public Instant tsEvent() {
    return Rows.instant(tsEventMicros, tsEventNanos);
  }
}

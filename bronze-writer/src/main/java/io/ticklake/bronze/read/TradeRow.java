package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One trade as a vendor file states it: the Bronze event columns a reader knows, without lineage.
 * Values are parsed, not validated: a zero or negative price is a legal row here and the quarantine
 * rules reject it later.
 *
 * @param symbol the ticker (Lean: upper case of the path's symbol)
 * @param exchange the market of the feed ({@code binance-futures}), or null when the format does
 *     not carry it (Lean: the ingest job assigns {@code us-equity})
 * @param tsEventMicros exchange event time, epoch microseconds (UTC)
 * @param tsEventNanos the same instant in epoch nanoseconds when the source is finer than µs, else
 *     null; when set, {@code floorDiv(tsEventNanos, 1000) == tsEventMicros}
 * @param tsRecvMicros receive time in epoch microseconds (Tardis {@code local_timestamp}), or null
 * @param price exact price at scale 9, at most 18 digits
 * @param size exact size at scale 8, at most 18 digits
 * @param venue venue of the print (Lean exchange letter), or null
 * @param side aggressor side {@code buy}, {@code sell} or {@code unknown}; null when the format has
 *     no side (Lean)
 * @param vendorTradeId the vendor's trade id, or null
 * @param saleCondition sale-condition flags as a number, or null
 * @param saleConditionRaw sale-condition text as written (Lean hex {@code 20002020}), or null
 * @param suspicious the vendor's suspicious flag, or null
 * @param vendorSeq the vendor's sequence number, or null
 * @param line 1-based line number in the source file (lineage {@code file_seq})
 */
public record TradeRow(
    String symbol,
    String exchange,
    long tsEventMicros,
    Long tsEventNanos,
    Long tsRecvMicros,
    BigDecimal price,
    BigDecimal size,
    String venue,
    String side,
    String vendorTradeId,
    Long saleCondition,
    String saleConditionRaw,
    Boolean suspicious,
    Long vendorSeq,
    long line) {

  /** Aggressor was the buyer. */
  public static final String BUY = "buy";

  /** Aggressor was the seller. */
  public static final String SELL = "sell";

  /** The vendor states the side is unknown. */
  public static final String UNKNOWN = "unknown";

  /** Checks the components. */
  public TradeRow {
    Rows.checkSymbol(symbol);
    Rows.checkExchange(exchange);
    Rows.checkNanos(tsEventMicros, tsEventNanos);
    Rows.checkDecimal(requireNonNull(price, "price is null"), Rows.PRICE_SCALE, "price");
    Rows.checkDecimal(requireNonNull(size, "size is null"), Rows.SIZE_SCALE, "size");
    if (side != null && !BUY.equals(side) && !SELL.equals(side) && !UNKNOWN.equals(side)) {
      throw new IllegalArgumentException("side must be buy, sell or unknown: " + side);
    }
    Rows.checkLine(line);
  }

  /** {@link #tsEventMicros()} as an instant. */
  public Instant tsEvent() {
    return Rows.instant(tsEventMicros, tsEventNanos);
  }
}

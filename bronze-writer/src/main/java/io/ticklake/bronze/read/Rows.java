package io.ticklake.bronze.read;

import java.math.BigDecimal;
import java.time.Instant;

/** Shared argument checks of {@link TradeRow} and {@link QuoteRow}. */
final class Rows {
  /** Scale of {@code decimal(18,9)} prices. */
  static final int PRICE_SCALE = 9;

  /** Scale of {@code decimal(18,8)} sizes. */
  static final int SIZE_SCALE = 8;

  /** Exclusive bound of an 18-digit unscaled value. */
  static final long MAX_UNSCALED_EXCLUSIVE = 1_000_000_000_000_000_000L;

  private Rows() {}

  static void checkSymbol(String symbol) {
    if (symbol == null || symbol.isEmpty()) {
      throw new IllegalArgumentException("symbol is null or empty");
    }
  }

  static void checkExchange(String exchange) {
    if (exchange != null && exchange.isEmpty()) {
      throw new IllegalArgumentException("exchange is empty (use null when unknown)");
    }
  }

  static void checkNanos(long micros, Long nanos) {
    if (nanos != null && Math.floorDiv(nanos.longValue(), 1000L) != micros) {
      throw new IllegalArgumentException(
          "tsEventNanos " + nanos + " is not the same instant as tsEventMicros " + micros);
    }
  }

  static void checkLine(long line) {
    if (line < 1) {
      throw new IllegalArgumentException("line must be >= 1: " + line);
    }
  }

  static void checkDecimal(BigDecimal value, int scale, String name) {
    if (value.scale() != scale) {
      throw new IllegalArgumentException(
          name + " must have scale " + scale + ", not " + value.scale() + ": " + value);
    }
    if (value.precision() > 18) {
      throw new IllegalArgumentException(name + " has more than 18 digits: " + value);
    }
  }

  static Instant instant(long micros, Long nanos) {
    if (nanos != null) {
      return Instant.ofEpochSecond(
          Math.floorDiv(nanos.longValue(), 1_000_000_000L),
          Math.floorMod(nanos.longValue(), 1_000_000_000L));
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}

package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * One trading date of one exchange: the unit the quality job rebuilds (a Silver partition).
 *
 * @param exchange the market
 * @param tradingDate the exchange's session date
 */
public record DayKey(String exchange, LocalDate tradingDate) implements Comparable<DayKey> {
  public DayKey {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(tradingDate, "tradingDate is null");
  }

  /** A key. */
  public static DayKey of(String exchange, LocalDate tradingDate) {
    return new DayKey(exchange, tradingDate);
  }

  /** Parses the {@link #toString()} form {@code exchange/yyyy-mm-dd}. */
  public static DayKey parse(String text) {
    int slash = text.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("Cannot parse day " + text + ": expected exchange/date");
    }
    return new DayKey(text.substring(0, slash), LocalDate.parse(text.substring(slash + 1)));
  }

  @Override
  public int compareTo(DayKey o) {
    int c = exchange.compareTo(o.exchange);
    return c != 0 ? c : tradingDate.compareTo(o.tradingDate);
  }

  @Override
  public String toString() {
    return exchange + "/" + tradingDate;
  }
}

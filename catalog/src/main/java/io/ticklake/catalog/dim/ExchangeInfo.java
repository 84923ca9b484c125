package io.ticklake.catalog.dim;

import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.LeanMarketHours;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the dimension loaders need to know about an exchange, from the bundled calendars: its time
 * zone (dates in reference data start at local midnight), its asset class, and which Lean market
 * and security type it corresponds to. Stateless and thread-safe.
 */
final class ExchangeInfo {
  private ExchangeInfo() {}

  /**
   * A Lean market and security type, as in the symbol-properties database.
   *
   * @param type lower-case Lean security type, e.g. {@code equity}, {@code cryptofuture}
   * @param market Lean market, e.g. {@code usa}, {@code binance}
   */
  record LeanMarket(String type, String market) {}

  /** The exchange's time zone; UTC for an exchange without a bundled calendar. */
  static ZoneId zone(String exchange) {
    return ExchangeCalendars.bundled()
        .find(exchange)
        .map(ExchangeCalendar::zone)
        .orElse(ZoneOffset.UTC);
  }

  /** The first instant of {@code date} in the exchange's time zone. */
  static Instant startOfDate(String exchange, LocalDate date) {
    return date.atStartOfDay(zone(exchange)).toInstant();
  }

  /** The exchange's asset class, e.g. {@code equity}, {@code crypto-future}, if known. */
  static Optional<String> assetClass(String exchange) {
    return ExchangeCalendars.bundled().find(exchange).map(c -> c.definition().assetClass());
  }

  /** The Lean market and type of a ticklake exchange, from the bundled market-hours mapping. */
  static Optional<LeanMarket> leanMarket(String exchange) {
    for (Map.Entry<String, LeanMarketHours.Target> e :
        LeanMarketHours.bundledMapping().entrySet()) {
      if (!e.getValue().exchangeId().equals(exchange)) {
        continue;
      }
      // keys look like "CryptoFuture-binance-[*]"
      String[] parts = e.getKey().split("-", 3);
      if (parts.length == 3) {
        return Optional.of(
            new LeanMarket(parts[0].toLowerCase(Locale.ROOT), parts[1].toLowerCase(Locale.ROOT)));
      }
    }
    return Optional.empty();
  }
}

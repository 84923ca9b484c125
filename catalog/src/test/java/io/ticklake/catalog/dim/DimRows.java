package io.ticklake.catalog.dim;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Hand-made rows of ref.dim_symbol for tests. */
final class DimRows {
  static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");
  static final Instant UPDATED = Instant.parse("2026-11-22T00:00:00Z");

  private DimRows() {}

  static SymbolAttributes attrs(String tick) {
    return new SymbolAttributes(
        "equity", "USD", null, new BigDecimal(tick), BigDecimal.ONE, BigDecimal.ONE, List.of());
  }

  /** An open-ended current version. */
  static SymbolVersion open(String exchange, String canonical, String ticker, Instant from) {
    return new SymbolVersion(
        SymbolIds.derive(exchange, canonical),
        exchange,
        canonical,
        ticker,
        null,
        attrs("0.01"),
        from,
        Optional.empty(),
        true,
        false,
        "test",
        UPDATED);
  }

  /** A closed version. */
  static SymbolVersion closed(
      String exchange, String canonical, String ticker, Instant from, Instant until) {
    return new SymbolVersion(
        SymbolIds.derive(exchange, canonical),
        exchange,
        canonical,
        ticker,
        null,
        attrs("0.01"),
        from,
        Optional.of(until),
        false,
        false,
        "test",
        UPDATED);
  }

  /** The same version with other aliases. */
  static SymbolVersion withAliases(SymbolVersion v, String... aliases) {
    return new SymbolVersion(
        v.symbolId(),
        v.exchange(),
        v.canonicalId(),
        v.ticker(),
        v.exchangeCode(),
        v.attributes().withAliases(List.of(aliases)),
        v.validFrom(),
        v.validUntil(),
        v.current(),
        v.autoRegistered(),
        v.source(),
        v.updatedAt());
  }
}

package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of {@code ref.dim_symbol}: an instrument as it was during {@code [validFrom,
 * validUntil)}.
 *
 * <p>An instrument is identified by {@code (exchange, canonicalId)}; its {@link #symbolId()} is
 * derived from that identity ({@link SymbolIds#derive}) and is the same in every version. A row is
 * identified by {@link #key()}, {@code (symbolId, validFrom)}. Instants are truncated to
 * microseconds, the precision of Iceberg's {@code timestamptz}. Whether the row obeys the SCD2
 * rules (windows, current flag, id derivation) is checked by {@link DimSymbolValidator} before a
 * save, not here, so that invalid rows read from a table can still be shown.
 *
 * @param symbolId stable id of the instrument
 * @param exchange ticklake exchange id, e.g. {@code us-equity}
 * @param canonicalId permanent identifier that survives renames
 * @param ticker the ticker valid in this window, as the source spells it
 * @param exchangeCode the vendor's listing-venue code (Lean's map-file letter), or null
 * @param attributes descriptive attributes, including aliases
 * @param validFrom start of validity, inclusive
 * @param validUntil end of validity, exclusive; empty while the version is open-ended
 * @param current whether this is the instrument's current version ({@code is_current})
 * @param autoRegistered whether the row was registered on first sight, without reference data
 * @param source where the row came from, e.g. {@code lean-map-file:bac.csv}
 * @param updatedAt when the row was written
 */
public record SymbolVersion(
    long symbolId,
    String exchange,
    String canonicalId,
    String ticker,
    String exchangeCode,
    SymbolAttributes attributes,
    Instant validFrom,
    Optional<Instant> validUntil,
    boolean current,
    boolean autoRegistered,
    String source,
    Instant updatedAt) {

  /**
   * The row's identity inside the table.
   *
   * @param symbolId the instrument
   * @param validFrom the start of the version
   */
  public record Key(long symbolId, Instant validFrom) implements Comparable<Key> {
    public Key {
      requireNonNull(validFrom, "validFrom is null");
    }

    @Override
    public int compareTo(Key o) {
      int c = Long.compare(symbolId, o.symbolId);
      return c != 0 ? c : validFrom.compareTo(o.validFrom);
    }

    @Override
    public String toString() {
      return "symbol_id " + symbolId + " from " + validFrom;
    }
  }

  public SymbolVersion {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(canonicalId, "canonicalId is null");
    requireNonNull(ticker, "ticker is null");
    requireNonNull(attributes, "attributes is null");
    requireNonNull(validFrom, "validFrom is null");
    requireNonNull(validUntil, "validUntil is null");
    requireNonNull(updatedAt, "updatedAt is null");
    if (attributes.aliases() == null) {
      attributes = attributes.withAliases(List.of());
    }
    validFrom = validFrom.truncatedTo(ChronoUnit.MICROS);
    validUntil = validUntil.map(t -> t.truncatedTo(ChronoUnit.MICROS));
    updatedAt = updatedAt.truncatedTo(ChronoUnit.MICROS);
  }

  /** The row's identity, {@code (symbolId, validFrom)}. */
  public Key key() {
    return new Key(symbolId, validFrom);
  }

  /** True when the version is valid at {@code t}: {@code validFrom <= t < validUntil}. */
  public boolean isValidAt(Instant t) {
    return !t.isBefore(validFrom) && validUntil.map(t::isBefore).orElse(true);
  }

  /** True when the windows of the two versions share an instant. */
  public boolean overlaps(SymbolVersion other) {
    boolean startsBeforeOtherEnds = other.validUntil.map(validFrom::isBefore).orElse(true);
    boolean otherStartsBeforeThisEnds = validUntil.map(other.validFrom::isBefore).orElse(true);
    return startsBeforeOtherEnds && otherStartsBeforeThisEnds;
  }

  /** The lookup keys of this version: its ticker and aliases, normalised, without duplicates. */
  public List<String> lookupKeys() {
    List<String> keys = new ArrayList<>();
    keys.add(SymbolIds.normalize(ticker));
    for (String alias : attributes.aliasList()) {
      String k = SymbolIds.normalize(alias);
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /**
   * True when the two rows describe the same version: same identity, window, ticker, exchange code,
   * attributes and flags. Ignores {@link #source()} and {@link #updatedAt()}, which say how the row
   * was written, not what it says.
   */
  public boolean sameContent(SymbolVersion o) {
    return symbolId == o.symbolId
        && exchange.equals(o.exchange)
        && canonicalId.equals(o.canonicalId)
        && ticker.equals(o.ticker)
        && Objects.equals(exchangeCode, o.exchangeCode)
        && attributes.equals(o.attributes)
        && validFrom.equals(o.validFrom)
        && validUntil.equals(o.validUntil)
        && current == o.current
        && autoRegistered == o.autoRegistered;
  }

  /** A short description for messages: exchange, ticker, canonical id and window. */
  public String describe() {
    return exchange
        + " "
        + ticker
        + " ("
        + canonicalId
        + ", symbol_id "
        + symbolId
        + ") ["
        + validFrom
        + ", "
        + validUntil.map(Instant::toString).orElse("open")
        + ")";
  }
}

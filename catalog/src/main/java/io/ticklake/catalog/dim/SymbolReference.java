package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a reference source says about one instrument: its identity, its ticker history as contiguous
 * segments, and its attributes. {@link SymbolLoader} turns references into SCD2 versions of {@code
 * ref.dim_symbol}.
 *
 * @param exchange ticklake exchange id
 * @param canonicalId permanent identifier, e.g. {@code lean:NB:19980102}
 * @param segments the ticker history: sorted, contiguous, only the last may be open-ended
 * @param attributes the attributes the source gives (null fields: the source does not say)
 * @param source where the reference came from, e.g. {@code lean-map-file:bac.csv}
 */
public record SymbolReference(
    String exchange,
    String canonicalId,
    List<Segment> segments,
    SymbolAttributes attributes,
    String source) {

  /**
   * A stretch of an instrument's life with one ticker and listing-venue code.
   *
   * @param from start, inclusive
   * @param until end, exclusive; empty when open-ended
   * @param ticker the ticker
   * @param exchangeCode the vendor's listing-venue code, or null
   */
  public record Segment(Instant from, Optional<Instant> until, String ticker, String exchangeCode) {
    public Segment {
      requireNonNull(from, "from is null");
      requireNonNull(until, "until is null");
      requireNonNull(ticker, "ticker is null");
      if (until.isPresent() && !until.get().isAfter(from)) {
        throw new IllegalArgumentException(
            "Cannot create segment " + ticker + ": until " + until.get() + " is not after " + from);
      }
    }
  }

  public SymbolReference {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(canonicalId, "canonicalId is null");
    requireNonNull(attributes, "attributes is null");
    requireNonNull(source, "source is null");
    segments = List.copyOf(segments);
    if (segments.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot create reference " + canonicalId + ": no segments");
    }
    for (int i = 1; i < segments.size(); i++) {
      Optional<Instant> previousEnd = segments.get(i - 1).until();
      if (previousEnd.isEmpty() || !previousEnd.get().equals(segments.get(i).from())) {
        throw new IllegalArgumentException(
            "Cannot create reference " + canonicalId + ": segments are not contiguous");
      }
    }
  }

  /** The instrument's id. */
  public long symbolId() {
    return SymbolIds.derive(exchange, canonicalId);
  }

  /** The start of the instrument's life. */
  public Instant start() {
    return segments.get(0).from();
  }

  /** The end of the instrument's life, or empty while it is listed. */
  public Optional<Instant> end() {
    return segments.get(segments.size() - 1).until();
  }

  /** The segment containing {@code t}, if any. */
  Optional<Segment> segmentAt(Instant t) {
    for (Segment s : segments) {
      if (!t.isBefore(s.from()) && s.until().map(t::isBefore).orElse(true)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Every lookup key the reference claims: normalised tickers of all segments and aliases. */
  List<String> lookupKeys() {
    java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
    for (Segment s : segments) {
      keys.add(SymbolIds.normalize(s.ticker()));
    }
    for (String alias : attributes.aliasList()) {
      keys.add(SymbolIds.normalize(alias));
    }
    return List.copyOf(keys);
  }
}

package io.ticklake.catalog.dim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The slowly-changing-dimension (type 2) rule that turns an instrument's stored versions and new
 * reference data into its new versions. Pure and deterministic; stateless and thread-safe.
 *
 * <p>The reference is authoritative for the instrument's life and its ticker history (tickers and
 * listing codes at every instant, from the map file's dates). Attributes (asset class, currency,
 * tick and lot size, multiplier, aliases) come without dates, so a change takes effect at the
 * load's effective instant: before it, each instant keeps the attributes its stored version had;
 * from it on, the stored attributes are overridden by every attribute the reference gives (an
 * attribute the reference does not give keeps its stored value). Instants no stored version covers
 * take the reference's attributes. Adjacent stretches with equal content become one version; a
 * version equal to a stored one (same window, ticker, code, attributes) is the stored row itself,
 * so reloading unchanged data changes nothing.
 */
final class Scd2 {
  private Scd2() {}

  private record Content(String ticker, String exchangeCode, SymbolAttributes attributes) {}

  private record Stretch(Instant from, Optional<Instant> until, Content content) {}

  /**
   * The versions of {@code reference}'s instrument.
   *
   * @param stored the instrument's stored versions (not auto-registered), any order
   * @param reference what the source says now
   * @param effective when attribute changes take effect
   * @param now the {@code updated_at} of new rows
   */
  static List<SymbolVersion> merge(
      List<SymbolVersion> stored, SymbolReference reference, Instant effective, Instant now) {
    Instant start = reference.start();
    Optional<Instant> end = reference.end();
    TreeSet<Instant> bounds = new TreeSet<>();
    bounds.add(start);
    for (SymbolReference.Segment s : reference.segments()) {
      bounds.add(s.from());
      s.until().ifPresent(bounds::add);
    }
    for (SymbolVersion v : stored) {
      addInside(bounds, v.validFrom(), start, end);
      v.validUntil().ifPresent(t -> addInside(bounds, t, start, end));
    }
    addInside(bounds, effective, start, end);

    List<Instant> b = new ArrayList<>(bounds);
    int count = end.isPresent() ? b.size() - 1 : b.size();
    List<Stretch> stretches = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant from = b.get(i);
      Optional<Instant> until = i + 1 < b.size() ? Optional.of(b.get(i + 1)) : Optional.empty();
      SymbolReference.Segment segment =
          reference
              .segmentAt(from)
              .orElseThrow(() -> new IllegalStateException("no segment at " + from));
      SymbolVersion storedAt =
          stored.stream().filter(v -> v.isValidAt(from)).findFirst().orElse(null);
      SymbolAttributes attributes;
      if (storedAt == null) {
        attributes = SymbolAttributes.UNKNOWN.overriddenBy(reference.attributes());
      } else if (from.isBefore(effective)) {
        attributes = storedAt.attributes();
      } else {
        attributes = storedAt.attributes().overriddenBy(reference.attributes());
      }
      if (attributes.aliases() == null) {
        attributes = attributes.withAliases(List.of());
      }
      Content content = new Content(segment.ticker(), segment.exchangeCode(), attributes);
      Stretch last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
      if (last != null && last.content().equals(content)) {
        stretches.set(stretches.size() - 1, new Stretch(last.from(), until, content));
      } else {
        stretches.add(new Stretch(from, until, content));
      }
    }

    long symbolId = reference.symbolId();
    List<SymbolVersion> versions = new ArrayList<>();
    for (Stretch s : stretches) {
      SymbolVersion fresh =
          new SymbolVersion(
              symbolId,
              reference.exchange(),
              reference.canonicalId(),
              s.content().ticker(),
              s.content().exchangeCode(),
              s.content().attributes(),
              s.from(),
              s.until(),
              s.until().isEmpty(),
              false,
              reference.source(),
              now);
      versions.add(stored.stream().filter(v -> v.sameContent(fresh)).findFirst().orElse(fresh));
    }
    return versions;
  }

  private static void addInside(
      TreeSet<Instant> bounds, Instant t, Instant start, Optional<Instant> end) {
    if (t.isAfter(start) && end.map(t::isBefore).orElse(true)) {
      bounds.add(t);
    }
  }
}

package io.ticklake.catalog.dim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules every state of {@code ref.dim_symbol} obeys; {@link DimSymbolTable#save} checks the
 * whole resulting set against them and commits nothing when one is broken.
 *
 * <ol>
 *   <li>exchange, canonical id and ticker are not blank;
 *   <li>{@code valid_until > valid_from} where a version is closed;
 *   <li>{@code is_current} is true exactly when {@code valid_until} is open;
 *   <li>{@code symbol_id} is derived from {@code (exchange, canonical_id)} ({@link
 *       SymbolIds#derive}), so one id never names two instruments;
 *   <li>no two rows share {@code (symbol_id, valid_from)};
 *   <li>the versions of one instrument do not overlap, and at most one is current;
 *   <li>a lookup key (normalised ticker or alias) on an exchange names at most one instrument at
 *       any instant, so a point-in-time lookup is never ambiguous.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class DimSymbolValidator {
  /** At most this many violations are spelled out in a message. */
  static final int MAX_LISTED = 10;

  private DimSymbolValidator() {}

  /** Every violation of the rules by {@code rows}, as sentences; empty when the set is valid. */
  public static List<String> violations(List<SymbolVersion> rows) {
    List<String> out = new ArrayList<>();
    Map<Long, String> identityById = new HashMap<>();
    Set<SymbolVersion.Key> keys = new HashSet<>();
    Map<Long, List<SymbolVersion>> byInstrument = new TreeMap<>();
    for (SymbolVersion r : rows) {
      if (r.exchange().isBlank() || r.canonicalId().isBlank() || r.ticker().isBlank()) {
        out.add("row " + r.key() + " has a blank exchange, canonical_id or ticker");
      }
      if (r.validUntil().isPresent() && !r.validUntil().get().isAfter(r.validFrom())) {
        out.add(
            "version "
                + r.describe()
                + " has valid_until "
                + r.validUntil().get()
                + " not after valid_from");
      }
      if (r.current() == r.validUntil().isPresent()) {
        out.add(
            "version "
                + r.describe()
                + " has is_current="
                + r.current()
                + " but is_current must be true exactly when valid_until is open");
      }
      long derived = SymbolIds.derive(r.exchange(), r.canonicalId());
      if (derived != r.symbolId()) {
        out.add(
            "version "
                + r.describe()
                + " has symbol_id "
                + r.symbolId()
                + " but its exchange and canonical_id give "
                + derived);
      }
      String identity = r.exchange() + " " + r.canonicalId();
      String other = identityById.putIfAbsent(r.symbolId(), identity);
      if (other != null && !other.equals(identity)) {
        out.add("symbol_id " + r.symbolId() + " names both " + other + " and " + identity);
      }
      if (!keys.add(r.key())) {
        out.add("duplicate row " + r.key());
      }
      byInstrument.computeIfAbsent(r.symbolId(), k -> new ArrayList<>()).add(r);
    }
    for (List<SymbolVersion> versions : byInstrument.values()) {
      versions.sort(Comparator.comparing(SymbolVersion::validFrom));
      long current = versions.stream().filter(SymbolVersion::current).count();
      if (current > 1) {
        out.add(
            "instrument "
                + versions.get(0).exchange()
                + " "
                + versions.get(0).canonicalId()
                + " has "
                + current
                + " current versions");
      }
      for (int i = 1; i < versions.size(); i++) {
        SymbolVersion a = versions.get(i - 1);
        SymbolVersion b = versions.get(i);
        if (a.overlaps(b) && !a.key().equals(b.key())) {
          out.add("versions " + a.describe() + " and " + b.describe() + " overlap");
        }
      }
    }
    out.addAll(ambiguousKeys(rows));
    return out;
  }

  private record Claim(String key, SymbolVersion version) {}

  private static List<String> ambiguousKeys(List<SymbolVersion> rows) {
    Map<String, List<Claim>> byKey = new TreeMap<>();
    for (SymbolVersion r : rows) {
      for (String key : r.lookupKeys()) {
        byKey
            .computeIfAbsent(r.exchange() + "\u0000" + key, k -> new ArrayList<>())
            .add(new Claim(key, r));
      }
    }
    List<String> out = new ArrayList<>();
    for (List<Claim> claims : byKey.values()) {
      if (claims.size() < 2) {
        continue;
      }
      claims.sort(Comparator.comparing(c -> c.version().validFrom()));
      for (int i = 0; i < claims.size(); i++) {
        for (int j = i + 1; j < claims.size(); j++) {
          SymbolVersion a = claims.get(i).version();
          SymbolVersion b = claims.get(j).version();
          if (a.symbolId() == b.symbolId()) {
            continue;
          }
          if (!a.validUntil().map(b.validFrom()::isBefore).orElse(true)) {
            continue;
          }
          if (a.overlaps(b)) {
            Instant at = b.validFrom().isAfter(a.validFrom()) ? b.validFrom() : a.validFrom();
            out.add(
                "key "
                    + claims.get(i).key()
                    + " on "
                    + a.exchange()
                    + " names two instruments at "
                    + at
                    + ": "
                    + a.describe()
                    + " and "
                    + b.describe());
          }
        }
      }
    }
    return out;
  }

  /** The violations as one clause for an error message: the first few and how many in all. */
  static String summary(List<String> violations) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(MAX_LISTED, violations.size());
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    if (violations.size() > n) {
      sb.append("; and ").append(violations.size() - n).append(" more");
    }
    return sb.toString();
  }
}

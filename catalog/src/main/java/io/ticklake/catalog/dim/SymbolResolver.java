package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Point-in-time lookup of one symbol in memory: which version of which instrument a ticker or alias
 * named on an exchange at an instant. For millions of events use {@link SymbolLookup}, which gives
 * the same answers in DuckDB.
 *
 * <p>A spelling is matched by its normalised key ({@link SymbolIds#normalize}) against the tickers
 * and aliases of every version, and a version matches when {@code valid_from <= t < valid_until}.
 * Lookups by ticker are always point-in-time: a ticker can be reused (GOOG named one instrument
 * until April 2014 and another after). Immutable and thread-safe.
 */
public final class SymbolResolver {
  private final DimVersion version;
  private final Map<String, List<SymbolVersion>> byKey;
  private final List<SymbolVersion> rows;

  private SymbolResolver(DimVersion version, List<SymbolVersion> rows) {
    this.version = version;
    this.rows = rows;
    Map<String, List<SymbolVersion>> index = new HashMap<>();
    for (SymbolVersion v : rows) {
      for (String key : v.lookupKeys()) {
        index.computeIfAbsent(indexKey(v.exchange(), key), k -> new ArrayList<>()).add(v);
      }
    }
    index.values().forEach(l -> l.sort(Comparator.comparing(SymbolVersion::validFrom)));
    this.byKey = index;
  }

  /** A resolver over the rows of one version of the dimension. */
  public static SymbolResolver of(DimSymbolSnapshot snapshot) {
    requireNonNull(snapshot, "snapshot is null");
    return new SymbolResolver(snapshot.version(), snapshot.rows());
  }

  private static String indexKey(String exchange, String key) {
    return exchange + "\u0000" + key;
  }

  /** The version of the dimension this resolver answers from. */
  public DimVersion version() {
    return version;
  }

  /**
   * The version {@code spelling} named on {@code exchange} at {@code at}.
   *
   * @return the version, or empty when no instrument had that ticker or alias then
   */
  public Optional<SymbolVersion> resolve(String exchange, String spelling, Instant at) {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(spelling, "spelling is null");
    requireNonNull(at, "at is null");
    List<SymbolVersion> candidates = byKey.get(indexKey(exchange, SymbolIds.normalize(spelling)));
    if (candidates == null) {
      return Optional.empty();
    }
    // the last version starting at or before t; in a valid dimension at most one matches
    int lo = 0;
    int hi = candidates.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (candidates.get(mid).validFrom().isAfter(at)) {
        hi = mid - 1;
      } else {
        found = mid;
        lo = mid + 1;
      }
    }
    for (int i = found; i >= 0; i--) {
      if (candidates.get(i).isValidAt(at)) {
        return Optional.of(candidates.get(i));
      }
    }
    return Optional.empty();
  }

  /** The {@code symbol_id} {@code spelling} named on {@code exchange} at {@code at}, if any. */
  public OptionalLong symbolId(String exchange, String spelling, Instant at) {
    return resolve(exchange, spelling, at)
        .map(v -> OptionalLong.of(v.symbolId()))
        .orElse(OptionalLong.empty());
  }

  /** True when some version on {@code exchange}, at any time, has {@code spelling}'s key. */
  public boolean isKnown(String exchange, String spelling) {
    return byKey.containsKey(indexKey(exchange, SymbolIds.normalize(spelling)));
  }

  /**
   * Every version of every instrument that ever had {@code spelling} as ticker or alias on {@code
   * exchange} (or on any exchange when {@code exchange} is null), sorted by exchange, canonical id
   * and start. Includes the instruments' versions under other tickers, so a rename shows whole.
   */
  public List<SymbolVersion> history(String exchange, String spelling) {
    String key = SymbolIds.normalize(spelling);
    Set<Long> instruments = new LinkedHashSet<>();
    for (SymbolVersion v : rows) {
      if ((exchange == null || v.exchange().equals(exchange)) && v.lookupKeys().contains(key)) {
        instruments.add(v.symbolId());
      }
    }
    return rows.stream()
        .filter(v -> instruments.contains(v.symbolId()))
        .sorted(DimSymbolSnapshot.ORDER)
        .toList();
  }

  /** The exchanges on which some version has {@code spelling}'s key, sorted. */
  public List<String> exchangesOf(String spelling) {
    String key = SymbolIds.normalize(spelling);
    TreeSet<String> out = new TreeSet<>();
    for (SymbolVersion v : rows) {
      if (v.lookupKeys().contains(key)) {
        out.add(v.exchange());
      }
    }
    return List.copyOf(out);
  }
}

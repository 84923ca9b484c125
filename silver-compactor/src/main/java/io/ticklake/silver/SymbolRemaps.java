package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.dim.DimSymbolSnapshot;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.SymbolLookup;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.AsOf;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Finds the compacted partitions whose Silver rows the current {@code ref.dim_symbol} would resolve
 * to another {@code symbol_id} than the version their compaction used: a ticker remapped to another
 * instrument, a corrected validity window, a version removed. Plan reason {@code remapped}.
 *
 * <p>Two steps, so that the common change — new instruments registered or loaded — costs no scan of
 * Silver:
 *
 * <ol>
 *   <li><b>Which lookup keys changed.</b> When every save since a recorded version only added rows
 *       ({@link DimSymbolTable#onlyAddedSince}, from snapshot summaries alone), none did: each row
 *       of that version is still there, and the dimension's rules let no other instrument claim its
 *       keys at its instants. Otherwise, for each dimension version some compaction recorded, the
 *       (exchange, key) pairs that existed then and now map some instant to another instrument (the
 *       windows are compared after joining adjacent windows of one instrument, so an attribute
 *       change that splits a version changes nothing). A key that did not exist then cannot touch
 *       Silver: every Silver row's key was in the dimension its compaction used (AUTO registers the
 *       unknown ones first, STRICT quarantines them, and those rows are the {@code symbols} check's
 *       business). A partition is a candidate when such a key of its exchange changed within a few
 *       days of its trading date.
 *   <li><b>Whether a row moves.</b> A candidate's Silver rows (exchange, symbol, event time) go
 *       through the same {@link SymbolLookup} the rebuild uses, against the current dimension; the
 *       partition is due if any row's answer differs from its stored {@code symbol_id}.
 * </ol>
 *
 * <p>When a recorded dimension version can no longer be read (its snapshot expired), every
 * partition that recorded it is a candidate: step 2 alone decides, at the cost of a scan of those
 * partitions.
 *
 * <p>One instance per plan; not thread-safe.
 */
final class SymbolRemaps {
  /** Events of a trading date lie within this many days of its UTC midnight, either side. */
  private static final long WINDOW_DAYS = 2;

  private final Warehouse warehouse;
  private final Optional<String> memoryLimit;
  private final DimSymbolTable dim;
  private DimSymbolSnapshot now; // read on first need
  private Map<String, Map<String, List<Window>>> current; // windows of now, on first need

  /** For one plan: the current dimension is read once, and only when needed. */
  SymbolRemaps(Warehouse warehouse, Optional<String> memoryLimit) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.memoryLimit = requireNonNull(memoryLimit, "memoryLimit is null");
    this.dim = DimSymbolTable.open(warehouse);
  }

  private DimSymbolSnapshot now() {
    if (now == null) {
      now = dim.read();
    }
    return now;
  }

  /** One window of a lookup key: the instrument it names during {@code [from, until)}. */
  private record Window(Instant from, Instant until, long symbolId) {}

  /** A stretch of time in which a key's old and new windows name different instruments. */
  private record Span(Instant from, Instant until) {
    boolean overlaps(Instant start, Instant end) {
      return from.isBefore(end) && start.isBefore(until);
    }
  }

  /**
   * The partitions among {@code recorded} whose Silver rows, read at {@code silverRead}, would now
   * get another {@code symbol_id}.
   *
   * @param silver the Silver table
   * @param silverRead the Silver snapshot the plan read
   * @param recorded per partition, the dimension snapshot id its latest compaction recorded (each
   *     differing from the current one)
   */
  List<ExchangeDate> remapped(Table silver, Snapshot silverRead, Map<ExchangeDate, Long> recorded) {
    if (recorded.isEmpty() || silverRead == null) {
      return List.of();
    }
    Map<Long, Optional<Map<String, Map<String, List<Span>>>>> changedBySnapshot = new HashMap<>();
    List<ExchangeDate> candidates = new ArrayList<>();
    for (Map.Entry<ExchangeDate, Long> e : recorded.entrySet()) {
      Optional<Map<String, Map<String, List<Span>>>> changed =
          changedBySnapshot.computeIfAbsent(e.getValue(), this::changedKeys);
      if (changed.isEmpty() || touches(changed.get(), e.getKey())) {
        candidates.add(e.getKey());
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<ExchangeDate> out = new ArrayList<>();
    try (DuckDbBridge bridge =
        DuckDbBridge.open(warehouse.tempDir(), 1, memoryLimit.orElse(null))) {
      SymbolLookup lookup = SymbolLookup.register(bridge, now());
      for (ExchangeDate key : candidates) {
        PartitionFilter filter = PartitionFilter.of(key.exchange(), key.tradingDate());
        PinnedScan scan = PinnedScan.plan(silver, Optional.of(silverRead), filter.expression());
        String rows =
            "(SELECT exchange, symbol, ts_event, symbol_id AS stored_symbol_id FROM ("
                + DuckDbBridge.relationSql(scan, filter)
                + "))";
        long moved =
            bridge.queryLong(
                "SELECT count(*) FROM ("
                    + lookup.resolveSql(rows)
                    + ") WHERE symbol_id IS DISTINCT FROM stored_symbol_id");
        if (moved > 0) {
          out.add(key);
        }
      }
    }
    return out;
  }

  /**
   * The keys that existed at dimension snapshot {@code snapshotId} and map some instant to another
   * instrument now, by exchange; empty when that snapshot cannot be read any more.
   */
  private Optional<Map<String, Map<String, List<Span>>>> changedKeys(long snapshotId) {
    if (dim.onlyAddedSince(snapshotId)) {
      return Optional.of(Map.of()); // every row of then is still there: no key maps elsewhere
    }
    if (current == null) {
      current = windows(now());
    }
    DimSymbolSnapshot then;
    try {
      then = dim.read(new AsOf.SnapshotId(snapshotId));
    } catch (TicklakeException expired) {
      return Optional.empty();
    }
    Map<String, Map<String, List<Span>>> changed = new HashMap<>();
    windows(then)
        .forEach(
            (exchange, keys) ->
                keys.forEach(
                    (key, old) -> {
                      List<Window> now =
                          current.getOrDefault(exchange, Map.of()).getOrDefault(key, List.of());
                      if (!old.equals(now)) {
                        changed
                            .computeIfAbsent(exchange, x -> new HashMap<>())
                            .put(key, spans(old, now));
                      }
                    }));
    return Optional.of(changed);
  }

  /** Whether a changed key of the partition's exchange changed near its trading date. */
  private static boolean touches(
      Map<String, Map<String, List<Span>>> changed, ExchangeDate partition) {
    Map<String, List<Span>> keys = changed.get(partition.exchange());
    if (keys == null) {
      return false;
    }
    Instant midnight = partition.tradingDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant start = midnight.minus(java.time.Duration.ofDays(WINDOW_DAYS));
    Instant end = midnight.plus(java.time.Duration.ofDays(WINDOW_DAYS + 1));
    return keys.values().stream().flatMap(List::stream).anyMatch(s -> s.overlaps(start, end));
  }

  /**
   * The instants at which the two window lists name different instruments (or one names none), as
   * disjoint spans in time order: between consecutive boundaries of either list the answer of each
   * list is constant, so one probe per stretch decides it.
   */
  private static List<Span> spans(List<Window> old, List<Window> now) {
    java.util.TreeSet<Instant> bounds = new java.util.TreeSet<>();
    for (List<Window> side : List.of(old, now)) {
      for (Window w : side) {
        bounds.add(w.from());
        bounds.add(w.until());
      }
    }
    List<Span> out = new ArrayList<>();
    Instant from = null;
    for (Instant b : bounds) {
      if (from != null) {
        boolean differs = !Objects.equals(at(old, from), at(now, from));
        Span last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (differs && last != null && last.until().equals(from)) {
          out.set(out.size() - 1, new Span(last.from(), b));
        } else if (differs) {
          out.add(new Span(from, b));
        }
      }
      from = b;
    }
    return out;
  }

  /** The instrument the windows name at {@code t}, or null. */
  private static Long at(List<Window> windows, Instant t) {
    for (Window w : windows) {
      if (!t.isBefore(w.from()) && t.isBefore(w.until())) {
        return w.symbolId();
      }
    }
    return null;
  }

  /**
   * Per exchange and lookup key, its windows in time order, adjacent windows of one instrument
   * joined.
   */
  private static Map<String, Map<String, List<Window>>> windows(DimSymbolSnapshot snapshot) {
    Map<String, Map<String, List<Window>>> byKey = new LinkedHashMap<>();
    for (SymbolVersion v : snapshot.rows()) {
      Instant until = v.validUntil().orElse(Instant.MAX);
      for (String key : v.lookupKeys()) {
        byKey
            .computeIfAbsent(v.exchange(), x -> new TreeMap<>())
            .computeIfAbsent(key, k -> new ArrayList<>())
            .add(new Window(v.validFrom(), until, v.symbolId()));
      }
    }
    byKey.values().forEach(keys -> keys.replaceAll((key, list) -> joined(list)));
    return byKey;
  }

  private static List<Window> joined(List<Window> windows) {
    List<Window> sorted = new ArrayList<>(windows);
    sorted.sort(Comparator.comparing(Window::from));
    List<Window> out = new ArrayList<>();
    for (Window w : sorted) {
      Window last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null
          && last.symbolId() == w.symbolId()
          && Objects.equals(last.until(), w.from())) {
        out.set(out.size() - 1, new Window(last.from(), w.until(), w.symbolId()));
      } else {
        out.add(w);
      }
    }
    return out;
  }
}

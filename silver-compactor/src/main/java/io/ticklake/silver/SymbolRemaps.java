package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.dim.DimSymbolSnapshot;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.DimVersion;
import io.ticklake.catalog.dim.SymbolLookup;
import io.ticklake.catalog.dim.SymbolVersion;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.CompactionLog;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Finds the compacted partitions whose Silver rows the current {@code ref.dim_symbol} would resolve
 * to another {@code symbol_id} than the version their compaction used: a ticker remapped to another
 * instrument, a corrected validity window, a version removed. Plan reason {@code remapped}.
 *
 * <p>Two steps, so that the common change — new instruments registered or loaded — costs no read of
 * Silver or of dimension rows:
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
 *       business). A partition is a candidate when, within a few days of its trading date, such a
 *       key of its exchange names another instrument than the one it named then.
 *   <li><b>Whether a row moves.</b> A candidate's Silver rows that hold one of those former
 *       instruments go through the same {@link SymbolLookup} the rebuild uses, against the current
 *       dimension; the partition is due if any row's answer differs from its stored {@code
 *       symbol_id}.
 * </ol>
 *
 * <p>A candidate found unmoved is returned as a check for {@code ops.compaction_log} (the run
 * appends it), and a later plan starts from the newest such row whose files are still the
 * partition's, so the check is not repeated after changes that only add rows. When a recorded
 * dimension version can no longer be read (its snapshot expired), every partition that recorded it
 * is a candidate: step 2 alone decides, reading all its rows.
 *
 * <p>One instance per plan; not thread-safe.
 */
final class SymbolRemaps {
  /** Events of a trading date lie within this many days of its UTC midnight, either side. */
  private static final long WINDOW_DAYS = 2;

  private final Warehouse warehouse;
  private final Optional<String> memoryLimit;
  private final DimSymbolTable dim;
  private final DimVersion pinned; // the plan's current version
  private DimSymbolSnapshot now; // read on first need
  private Map<String, Map<String, List<Window>>> current; // windows of now, on first need

  /**
   * For one plan: the dimension at {@code pinned} (the version the plan calls current, and against
   * which it checked the unknown_symbol rows) is read once, and only when needed, so that a check
   * row records the version every check of the plan used.
   */
  SymbolRemaps(Warehouse warehouse, Optional<String> memoryLimit, DimVersion pinned) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.memoryLimit = requireNonNull(memoryLimit, "memoryLimit is null");
    this.dim = DimSymbolTable.open(warehouse);
    this.pinned = requireNonNull(pinned, "pinned is null");
  }

  private java.util.function.LongPredicate addOnly; // the dimension's history, walked once

  private java.util.function.LongPredicate addOnly() {
    if (addOnly == null) {
      addOnly = dim.onlyAddedSince();
    }
    return addOnly;
  }

  private DimSymbolSnapshot now() {
    if (now == null) {
      now = dim.read(pinned);
    }
    return now;
  }

  /** One window of a lookup key: the instrument it names during {@code [from, until)}. */
  private record Window(Instant from, Instant until, long symbolId) {}

  /**
   * A stretch of time in which a key names another instrument than it did.
   *
   * @param oldId the instrument it named then, or null (it named none: no Silver row can have
   *     resolved there)
   */
  private record Span(Instant from, Instant until, Long oldId) {
    boolean overlaps(Instant start, Instant end) {
      return from.isBefore(end) && start.isBefore(until);
    }
  }

  /**
   * What the check found.
   *
   * @param due partitions with a row that now resolves to another instrument
   * @param checked log rows for the candidates whose rows all kept their instrument: their markers
   *     with the current dimension version, so that later plans start from it (recorded by the run,
   *     not the plan, see {@link SilverCompactor#recordChecks})
   */
  record Result(List<ExchangeDate> due, List<CompactionLog.Entry> checked) {
    static final Result NONE = new Result(List.of(), List.of());
  }

  /**
   * The partitions among {@code recorded} whose Silver rows, read at {@code silverRead}, would now
   * get another {@code symbol_id}.
   *
   * @param table the Silver table's name
   * @param silver the Silver table
   * @param silverRead the Silver snapshot the plan read
   * @param log the log as the plan sees it: the partitions' files in Silver at {@code silverRead}
   *     and in the quarantine at the snapshot the plan read the recorded markers from (check rows
   *     pair the markers with those files, not with a later snapshot another rebuild may have
   *     committed to since)
   * @param recorded per partition, the markers of its latest compaction, whose dimension snapshot
   *     is not the current one
   */
  Result remapped(
      String table,
      Table silver,
      Snapshot silverRead,
      CompactionLog.View log,
      Map<ExchangeDate, Map<String, String>> recorded) {
    if (recorded.isEmpty() || silverRead == null) {
      return Result.NONE;
    }
    Map<Long, Optional<Map<String, Map<String, List<Span>>>>> changedBySnapshot = new HashMap<>();
    // per candidate, the instruments its moving rows must hold now (empty: unknown, check all)
    Map<ExchangeDate, Optional<Set<Long>>> candidates = new TreeMap<>();
    Map<ExchangeDate, Map<String, String>> markers = new TreeMap<>();
    List<ExchangeDate> settled = new ArrayList<>();
    for (Map.Entry<ExchangeDate, Map<String, String>> e : recorded.entrySet()) {
      ExchangeDate key = e.getKey();
      Map<String, String> m = e.getValue();
      long version = dimensionOf(m);
      if (addOnly().test(version)) {
        continue; // every row of that version is still there: no key maps elsewhere
      }
      Map<String, String> later = log.current().get(key);
      if (later != null && hasDimension(later) && dimensionOf(later) != version) {
        // a later run found this partition's rows unmoved against a newer version
        m = later;
        version = dimensionOf(later);
        if (addOnly().test(version)) {
          continue;
        }
      }
      markers.put(key, m);
      Optional<Map<String, Map<String, List<Span>>>> changed =
          changedBySnapshot.computeIfAbsent(version, this::changedKeys);
      if (changed.isEmpty()) {
        candidates.put(key, Optional.empty());
      } else {
        Set<Long> ids = oldIdsNear(changed.get(), key);
        if (!ids.isEmpty()) {
          candidates.put(key, Optional.of(ids));
        } else {
          settled.add(key); // no changed key near it: unmoved without reading a row
        }
      }
    }
    if (candidates.isEmpty() && settled.isEmpty()) {
      return Result.NONE;
    }
    List<ExchangeDate> due = new ArrayList<>();
    List<CompactionLog.Entry> checked = new ArrayList<>();
    for (ExchangeDate key : settled) {
      checkedEntry(table, key, markers.get(key), silverRead, log).ifPresent(checked::add);
    }
    if (candidates.isEmpty()) {
      return new Result(due, checked);
    }
    try (DuckDbBridge bridge =
        DuckDbBridge.open(warehouse.tempDir(), 1, memoryLimit.orElse(null))) {
      SymbolLookup lookup = SymbolLookup.register(bridge, now());
      for (Map.Entry<ExchangeDate, Optional<Set<Long>>> c : candidates.entrySet()) {
        ExchangeDate key = c.getKey();
        PartitionFilter filter = PartitionFilter.of(key.exchange(), key.tradingDate());
        PinnedScan scan = PinnedScan.plan(silver, Optional.of(silverRead), filter.expression());
        // a row that moves holds an instrument its key named in a changed stretch: only those
        // rows are resolved again (and Parquet statistics skip row groups of other symbols)
        String only =
            c.getValue()
                .map(
                    ids ->
                        " WHERE symbol_id IN ("
                            + ids.stream().map(String::valueOf).collect(Collectors.joining(", "))
                            + ")")
                .orElse("");
        String rows =
            "(SELECT exchange, symbol, ts_event, symbol_id AS stored_symbol_id FROM ("
                + DuckDbBridge.relationSql(scan, filter)
                + ")"
                + only
                + ")";
        long moved =
            bridge.queryLong(
                "SELECT count(*) FROM ("
                    + lookup.resolveSql(rows)
                    + ") WHERE symbol_id IS DISTINCT FROM stored_symbol_id");
        if (moved > 0) {
          due.add(key);
        } else {
          checkedEntry(table, key, markers.get(key), silverRead, log).ifPresent(checked::add);
        }
      }
    }
    return new Result(due, checked);
  }

  /**
   * The log row saying that the partition's current files keep their symbol ids under the current
   * dimension: its markers with that version.
   */
  private Optional<CompactionLog.Entry> checkedEntry(
      String table,
      ExchangeDate key,
      Map<String, String> markers,
      Snapshot silverRead,
      CompactionLog.View log) {
    if (now().version().snapshotId().isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> m = new TreeMap<>(markers);
    m.put(
        SilverSummary.DIM_SYMBOL_SNAPSHOT_ID,
        Long.toString(now().version().snapshotId().getAsLong()));
    return Optional.of(
        new CompactionLog.Entry(
            table,
            key,
            silverRead.snapshotId(),
            Instant.now(),
            log.dataFiles(key),
            log.quarantineFiles(key),
            m));
  }

  private static boolean hasDimension(Map<String, String> markers) {
    String v = markers.get(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID);
    return v != null && !"none".equals(v);
  }

  private static long dimensionOf(Map<String, String> markers) {
    return Long.parseLong(markers.get(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID));
  }

  /**
   * The keys that existed at dimension snapshot {@code snapshotId} and map some instant to another
   * instrument now, by exchange; empty when that snapshot cannot be read any more.
   */
  private Optional<Map<String, Map<String, List<Span>>>> changedKeys(long snapshotId) {
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

  /**
   * The instruments that keys of the partition's exchange named, near its trading date, in
   * stretches where they now name another: empty when no Silver row of it can move.
   */
  private static Set<Long> oldIdsNear(
      Map<String, Map<String, List<Span>>> changed, ExchangeDate partition) {
    Map<String, List<Span>> keys = changed.get(partition.exchange());
    if (keys == null) {
      return Set.of();
    }
    Instant midnight = partition.tradingDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant start = midnight.minus(java.time.Duration.ofDays(WINDOW_DAYS));
    Instant end = midnight.plus(java.time.Duration.ofDays(WINDOW_DAYS + 1));
    Set<Long> ids = new TreeSet<>();
    keys.values().stream()
        .flatMap(List::stream)
        .filter(s -> s.oldId() != null && s.overlaps(start, end))
        .forEach(s -> ids.add(s.oldId()));
    return ids;
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
        Long then = at(old, from);
        boolean differs = !Objects.equals(then, at(now, from));
        Span last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (differs
            && last != null
            && last.until().equals(from)
            && Objects.equals(last.oldId(), then)) {
          out.set(out.size() - 1, new Span(last.from(), b, then));
        } else if (differs) {
          out.add(new Span(from, b, then));
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

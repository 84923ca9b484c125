package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.calendar.SessionInterval;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.contract.TableInitializer;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.DimVersion;
import io.ticklake.catalog.dim.SymbolLookup;
import io.ticklake.catalog.dim.SymbolRegistry;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.catalog.snapshot.CompactionLog;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.catalog.snapshot.PartitionHistory;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import io.ticklake.catalog.write.ParquetDataFiles;
import io.ticklake.catalog.write.PartitionOverwrite;
import io.ticklake.quarantine.QuarantineRecord;
import io.ticklake.quarantine.QuarantineWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Bronze partitions into Silver partitions: for every (exchange, trading_date) partition that
 * Bronze commits touched since its last compaction, rebuilds the whole Silver partition from all
 * its Bronze rows at one pinned Bronze snapshot (event ids, dedup, point-in-time symbol ids,
 * validation, sort) and replaces it with one {@code OverwriteFiles} validated from the Silver
 * snapshot it started from. The partition's quarantine rows are replaced just before, by the same
 * rule, so reruns converge.
 *
 * <p>Follows the plan/commit shape: {@link #plan()} changes nothing (a dry run), {@link
 * #commit(CompactionPlan)} does the work. Not thread-safe; run one compactor per thread (several
 * processes may compact different partitions; Iceberg's validation arbitrates the same one).
 */
public final class SilverCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(SilverCompactor.class);

  /**
   * A run appends its {@code ops.compaction_log} rows at least this often (and at its end);
   * settable by tests.
   */
  static long logAppendEveryNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private final Warehouse warehouse;
  private final SilverTable kind;
  private final CompactOptions options;
  private final Clock clock;

  /**
   * Runs right before each quarantine commit, once the snapshot it validates from is chosen; tests
   * interleave other jobs there ({@link #beforeQuarantineCommit(Runnable)}).
   */
  private Runnable beforeQuarantineCommit = () -> {};

  /** The validation settings of this compactor, resolved once ({@link #settings()}). */
  private ValidationSettings settings;

  /**
   * A compactor for one table.
   *
   * @param warehouse the open warehouse
   * @param kind trades or quotes
   * @param options what and how to compact
   * @param clock gives {@code updated_at} of auto-registered symbols
   */
  public SilverCompactor(
      Warehouse warehouse, SilverTable kind, CompactOptions options, Clock clock) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.kind = requireNonNull(kind, "kind is null");
    this.options = requireNonNull(options, "options is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Has {@code hook} run right before each quarantine commit, after the snapshot it validates from
   * is chosen (tests: another job's commit and an expiry at that exact point).
   */
  SilverCompactor beforeQuarantineCommit(Runnable hook) {
    this.beforeQuarantineCommit = requireNonNull(hook, "hook is null");
    return this;
  }

  /**
   * The validation settings this compactor uses for every plan and rebuild: the options', or else
   * those the Silver table's properties held when first asked (a change made during a run applies
   * from the next run).
   */
  public ValidationSettings settings() {
    if (settings == null) {
      settings =
          options
              .validation()
              .orElseGet(
                  () -> {
                    try {
                      return ValidationSettings.fromProperties(
                          kind, warehouse.table(kind.silver().id()).properties());
                    } catch (IllegalArgumentException e) {
                      throw new TicklakeException(
                          Kind.CONFIGURATION,
                          e.getMessage() + "; fix it with `ticklake rules set`",
                          e);
                    }
                  });
    }
    return settings;
  }

  /**
   * Lists the partitions to rebuild, pinned to the current Bronze snapshot. Writes nothing.
   *
   * <p>A partition is due when Silver has no compaction commit for it ({@code new}), when its
   * Silver and quarantine commits come from different rebuilds ({@code unfinished}), when its
   * Bronze data files are not the set its latest compaction recorded ({@code changed}; for
   * compactions from before that marker: a later Bronze snapshot touched it, or the snapshot it
   * read is no longer in the history, see {@link PartitionHistory#changedSince}), when the
   * dimension now resolves some of its {@code unknown_symbol} rows ({@code symbols}) or gives some
   * of its Silver rows another {@code symbol_id} ({@code remapped}, see {@link SymbolRemaps}), when
   * it was built under other validation settings ({@code rules}: its {@code ticklake.rules} marker
   * is not {@link ValidationSettings#key} of the current ones; a compaction from before that marker
   * counts as built under the defaults), or when the options force it. A partition with Silver or
   * quarantine commits but no Bronze file left is due ({@code removed}) until a finished compaction
   * has emptied it.
   */
  public CompactionPlan plan() {
    // a concurrent expire may remove a snapshot this reads after its table was loaded (the live
    // writer commits to Bronze every flush, so its current snapshot soon goes)
    return SnapshotExpiry.replanning("compaction of " + kind.silver().name(), this::planOnce);
  }

  private CompactionPlan planOnce() {
    Table bronze = warehouse.table(kind.bronze().id());
    Snapshot pinned = bronze.currentSnapshot();
    if (pinned == null) {
      return new CompactionPlan(kind, -1, -1, List.of());
    }
    Map<ExchangeDate, long[]> content = new TreeMap<>();
    Map<ExchangeDate, List<String>> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        bronze.newScan().useSnapshot(pinned.snapshotId()).planFiles()) {
      for (FileScanTask t : tasks) {
        ExchangeDate key = ExchangeDate.of(bronze, t.file());
        long[] c = content.computeIfAbsent(key, k -> new long[2]);
        c[0] += t.file().recordCount();
        c[1]++;
        files.computeIfAbsent(key, k -> new ArrayList<>()).add(t.file().location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Table silver = warehouse.table(kind.silver().id());
    Snapshot silverRead = silver.currentSnapshot();
    Table quarantineTable = warehouse.table(TableContracts.QUARANTINE.id());
    // one quarantine snapshot for the whole plan: its markers, the unknown_symbol rows checked and
    // the files a check row records must all be of the same state
    Snapshot quarantineRead = quarantineTable.currentSnapshot();
    Map<ExchangeDate, Map<String, String>> compacted =
        summaries(CompactionMarkers.lastCompactions(silver, kind.silver().name()));
    Map<ExchangeDate, Map<String, String>> quarantined =
        summaries(CompactionMarkers.lastCompactions(quarantineTable, kind.silver().name()));
    // the log as this plan sees it, read only when needed (and then once)
    CompactionLog.View log =
        new CompactionLog.View(
            warehouse, kind.silver().name(), silver, silverRead, quarantineTable, quarantineRead);
    if (!CompactionMarkers.historyComplete(silver)
        || !CompactionMarkers.historyComplete(quarantineTable)) {
      // snapshots expired: a partition whose commits went with them is known by its log row
      log.current()
          .forEach(
              (key, markers) -> {
                compacted.merge(key, markers, SilverCompactor::withLoggedFileSet);
                quarantined.putIfAbsent(key, markers);
              });
    }
    // a partition whose Bronze files are all gone (deleted, or rolled back) may still have Silver
    // or quarantine rows to empty
    Set<ExchangeDate> keys = new TreeSet<>(content.keySet());
    keys.addAll(compacted.keySet());
    keys.addAll(quarantined.keySet());
    // read (lazily) only for compactions from before the file-set marker
    PartitionHistory history = PartitionHistory.of(bronze, pinned);
    List<CompactionPlan.Task> due = new ArrayList<>();
    // one dimension version for the whole plan: the symbols check, the remap check and the
    // version a check row records
    DimVersion dimPinned = DimSymbolTable.open(warehouse).currentVersion();
    String dimNow = label(dimPinned);
    String rulesNow = settings().key(kind);
    // ref.exchange, read once and only when a compaction recorded its sessions
    ExchangeCalendars[] calendarsRead = new ExchangeCalendars[1];
    java.util.function.Supplier<ExchangeCalendars> calendars =
        () -> {
          if (calendarsRead[0] == null) {
            calendarsRead[0] = ExchangeTable.load(warehouse.catalog());
          }
          return calendarsRead[0];
        };
    String rulesDefault = ValidationSettings.defaults().key(kind);
    List<ExchangeDate> symbolChecks = new ArrayList<>();
    Map<ExchangeDate, Map<String, String>> remapChecks = new TreeMap<>();
    for (ExchangeDate key : keys) {
      if (!options.selects(key)) {
        continue;
      }
      long[] c = content.getOrDefault(key, new long[2]);
      boolean removed = c[1] == 0;
      Map<String, String> last = compacted.get(key);
      Map<String, String> quarantine = quarantined.get(key);
      if (removed
          && last != null
          && emptyCompaction(last)
          && CompactionMarkers.sameRebuild(last, quarantine)) {
        continue; // already emptied, by a finished compaction
      }
      String reason;
      if (last == null) {
        reason = removed ? "removed" : "new";
      } else if (options.force()) {
        reason = "forced";
      } else if (!CompactionMarkers.sameRebuild(last, quarantine)) {
        reason = "unfinished";
      } else if (bronzeChanged(key, last, files.getOrDefault(key, List.of()), history)) {
        reason = removed ? "removed" : "changed";
      } else if (!rulesNow.equals(last.getOrDefault(SilverSummary.RULES, rulesDefault))) {
        reason = "rules";
      } else if (sessionsChanged(key, last, calendars)) {
        reason = "calendar";
      } else {
        if (!removed && unknownSymbolsMayResolve(last, dimNow)) {
          symbolChecks.add(key);
        }
        if (!removed && recordedDimension(last, dimNow).isPresent()) {
          remapChecks.put(key, last);
        }
        continue;
      }
      due.add(new CompactionPlan.Task(key, c[0], c[1], reason));
    }
    SymbolRemaps.Result remaps = SymbolRemaps.Result.NONE;
    if (!symbolChecks.isEmpty() || !remapChecks.isEmpty()) {
      Set<ExchangeDate> symbols =
          new TreeSet<>(
              symbolChecks.isEmpty()
                  ? List.of()
                  : resolvableUnknownSymbols(symbolChecks, quarantineRead, dimPinned));
      for (ExchangeDate key : symbols) {
        long[] c = content.get(key);
        due.add(new CompactionPlan.Task(key, c[0], c[1], "symbols"));
      }
      remapChecks.keySet().removeAll(symbols);
      remaps =
          new SymbolRemaps(warehouse, options.memoryLimit(), dimPinned)
              .remapped(kind.silver().name(), silver, silverRead, log, remapChecks);
      for (ExchangeDate key : remaps.due()) {
        long[] c = content.get(key);
        due.add(new CompactionPlan.Task(key, c[0], c[1], "remapped"));
      }
      due.sort(Comparator.comparing(CompactionPlan.Task::key));
    }
    return new CompactionPlan(
        kind,
        pinned.snapshotId(),
        silverRead == null ? -1 : silverRead.snapshotId(),
        due,
        remaps.checked());
  }

  /**
   * Whether the partition's Bronze rows differ from those its compaction read: by the file set it
   * recorded (exact whatever happened to the history: rollbacks, expiry), or, for a compaction from
   * before that marker, by the Bronze history ({@link PartitionHistory#changedSince}).
   */
  private static boolean bronzeChanged(
      ExchangeDate key,
      Map<String, String> compaction,
      List<String> files,
      PartitionHistory history) {
    String recorded = compaction.get(SilverSummary.BRONZE_FILES);
    if (recorded != null) {
      return !recorded.equals(CompactionMarkers.fileSetKey(files));
    }
    return history.changedSince(key, CompactionMarkers.bronzeSnapshotId(compaction));
  }

  /**
   * Whether the trading date's sessions (from {@code ref.exchange} and the calendar rules) are no
   * longer those the partition's compaction recorded: its {@code session} column and {@code
   * session_window} findings would differ. Compactions from before that marker, and exchanges no
   * longer in {@code ref.exchange}, count as unchanged.
   */
  private static boolean sessionsChanged(
      ExchangeDate key,
      Map<String, String> compaction,
      java.util.function.Supplier<ExchangeCalendars> calendars) {
    String recorded = compaction.get(SilverSummary.SESSIONS);
    if (recorded == null) {
      return false;
    }
    return calendars
        .get()
        .find(key.exchange())
        .map(c -> !recorded.equals(sessionsKey(c, key.tradingDate())))
        .orElse(false);
  }

  /**
   * The {@code ticklake.sessions} marker: SHA-256 (hex) of the exchange's zone and the trading
   * date's sessions (type, open, close), what a partition's session labels and session window
   * depend on.
   */
  static String sessionsKey(ExchangeCalendar calendar, java.time.LocalDate date) {
    List<String> parts = new ArrayList<>();
    parts.add("sessions-v1");
    parts.add(calendar.zone().getId());
    for (SessionInterval s : calendar.sessions(date)) {
      parts.addAll(List.of(s.type().label(), s.open().toString(), s.close().toString()));
    }
    return CompactionMarkers.sha256Hex(String.join("\u001f", parts));
  }

  /**
   * A compaction's summary, with the Bronze file set its log row holds when the summary, from
   * before that marker, has none ({@code init} records it for such compactions while the Bronze
   * history still shows their partitions unchanged): without it an expiry of the Bronze snapshot it
   * read would make the partition {@code changed}. The row must name the same rebuild.
   */
  private static Map<String, String> withLoggedFileSet(
      Map<String, String> summary, Map<String, String> logged) {
    String fileSet = logged.get(SilverSummary.BRONZE_FILES);
    if (summary.containsKey(SilverSummary.BRONZE_FILES)
        || fileSet == null
        || !Objects.equals(
            summary.get(CompactionMarkers.BRONZE_SNAPSHOT_ID),
            logged.get(CompactionMarkers.BRONZE_SNAPSHOT_ID))
        || !Objects.equals(
            summary.get(CompactionMarkers.REBUILD_KEY),
            logged.get(CompactionMarkers.REBUILD_KEY))) {
      return summary;
    }
    Map<String, String> out = new HashMap<>(summary);
    out.put(SilverSummary.BRONZE_FILES, fileSet);
    return out;
  }

  /** The summaries of the commits, by partition (a mutable map). */
  private static Map<ExchangeDate, Map<String, String>> summaries(
      Map<ExchangeDate, Snapshot> commits) {
    Map<ExchangeDate, Map<String, String>> out = new TreeMap<>();
    commits.forEach((key, commit) -> out.put(key, commit.summary()));
    return out;
  }

  /**
   * Whether a compaction quarantined rows as {@code unknown_symbol} and {@code ref.dim_symbol} has
   * changed since it resolved them (compactions from before these markers: never).
   */
  private static boolean unknownSymbolsMayResolve(Map<String, String> summary, String dimNow) {
    String unknown = summary.get(SilverSummary.UNKNOWN_SYMBOLS);
    return unknown != null
        && !"0".equals(unknown)
        && !dimNow.equals(summary.get(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID));
  }

  /**
   * The {@code ref.dim_symbol} snapshot a compaction resolved against, when it is not the current
   * one (empty too for compactions from before that marker, and for an empty dimension then: no
   * Silver row could have resolved against it).
   */
  private static Optional<Long> recordedDimension(Map<String, String> compaction, String dimNow) {
    String recorded = compaction.get(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID);
    if (recorded == null || recorded.equals(dimNow) || "none".equals(recorded)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(recorded));
  }

  /**
   * The partitions among {@code keys} with an {@code unknown_symbol} quarantine row that the
   * current {@code ref.dim_symbol} resolves — by the lookup the rebuild uses, on the row's
   * exchange, symbol and event time — so a rebuild would move it to Silver. A dimension change that
   * resolves none of them (another instrument, another time) makes nothing due.
   */
  private List<ExchangeDate> resolvableUnknownSymbols(
      List<ExchangeDate> keys, Snapshot current, DimVersion dimPinned) {
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    if (current == null) {
      return List.of();
    }
    PartitionFilter filter = new PartitionFilter(Map.of("source_table", kind.silver().name()));
    PinnedScan scan = PinnedScan.plan(quarantine, Optional.of(current), filter.expression());
    String rows =
        "(SELECT exchange, symbol, ts_event, trading_date FROM ("
            + DuckDbBridge.relationSql(scan, filter)
            + ") WHERE stage = "
            + Sql.string(PartitionRebuild.STAGE)
            + " AND rule = "
            + Sql.string(SilverTable.UNKNOWN_SYMBOL)
            + " AND symbol IS NOT NULL AND ts_event IS NOT NULL)";
    List<ExchangeDate> out = new ArrayList<>();
    try (DuckDbBridge bridge =
        DuckDbBridge.open(warehouse.tempDir(), 1, options.memoryLimit().orElse(null))) {
      SymbolLookup lookup =
          SymbolLookup.register(bridge, DimSymbolTable.open(warehouse).read(dimPinned));
      for (String hit :
          bridge.queryStrings(
              "SELECT DISTINCT exchange || '/' || CAST(trading_date AS VARCHAR) FROM ("
                  + lookup.resolveSql(rows)
                  + ") WHERE symbol_id IS NOT NULL")) {
        ExchangeDate key = ExchangeDate.parse(hit);
        if (keys.contains(key)) {
          out.add(key);
        }
      }
    }
    return out;
  }

  /** A dimension version as recorded in a summary: its snapshot id, or {@code none}. */
  private static String label(DimVersion version) {
    return version.snapshotId().isPresent()
        ? Long.toString(version.snapshotId().getAsLong())
        : "none";
  }

  /** Whether a compaction commit left its partition empty: no Bronze rows at all. */
  private static boolean emptyCompaction(Map<String, String> compaction) {
    return "0".equals(compaction.get(SilverSummary.ROWS_IN));
  }

  /** Plans and commits; see {@link #commit(CompactionPlan)}. */
  public List<PartitionResult> run() {
    long start = System.nanoTime();
    CompactionPlan plan = plan();
    DuckDbBridge.trace("-- plan " + kind.silver().name(), start);
    return commit(plan);
  }

  /**
   * What {@link #runResolvingConflicts} did.
   *
   * @param committed partitions this compactor rebuilt
   * @param skipped partitions another compactor rebuilt first (nothing left to do for them)
   */
  public record Outcome(List<PartitionResult> committed, List<ExchangeDate> skipped) {
    public Outcome {
      committed = List.copyOf(committed);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Plans and commits partition by partition; when another compactor commits a partition first (a
   * CONFLICT), re-plans that partition and either rebuilds it again on the newer state or, when
   * nothing is left to do, skips it. Gives up with the CONFLICT after {@code maxAttempts} tries of
   * one partition.
   */
  public Outcome runResolvingConflicts(int maxAttempts) {
    return runResolvingConflicts(plan(), maxAttempts, Listener.NONE);
  }

  /** Hears about each partition as {@link #runResolvingConflicts} goes. */
  public interface Listener {
    /** Does nothing. */
    Listener NONE = new Listener() {};

    /** A partition's rebuild starts. */
    default void starting(CompactionPlan.Task task) {}

    /** A partition was committed. */
    default void committed(PartitionResult result) {}

    /** A partition was left to the compactor that rebuilt it first. */
    default void skipped(ExchangeDate key) {}

    /**
     * A partition's commit lost a race ({@code conflict}: another commit changed it, or what the
     * run pinned expired): it is planned again, and rebuilt unless the winner left nothing to do.
     */
    default void retrying(ExchangeDate key, TicklakeException conflict) {}

    /**
     * The Bronze snapshot the plan pinned expired during the run ({@code ticklake expire}): the
     * {@code remaining} partitions were planned again, once, at Bronze snapshot {@code pinned}.
     */
    default void replanned(long expiredSnapshotId, long pinned, int remaining) {}
  }

  /**
   * {@link #runResolvingConflicts(int)} for a plan already made, telling {@code listener} about
   * each partition.
   */
  public Outcome runResolvingConflicts(CompactionPlan plan, int maxAttempts, Listener listener) {
    requireNonNull(listener, "listener is null");
    checkTable(plan);
    recordChecks(plan);
    List<PartitionResult> committed = new java.util.ArrayList<>();
    List<ExchangeDate> skipped = new java.util.ArrayList<>();
    if (plan.isEmpty()) {
      return new Outcome(committed, skipped);
    }
    // one DuckDB, calendar set and symbol lookup for all partitions, as commit(plan) has
    try (Session session = new Session()) {
      List<CompactionPlan.Task> tasks = new java.util.ArrayList<>(plan.partitions());
      long bronzeSnapshotId = plan.bronzeSnapshotId();
      long silverSnapshotId = plan.silverSnapshotId();
      for (int i = 0; i < tasks.size(); i++) {
        CompactionPlan.Task task = tasks.get(i);
        if (task == null) {
          continue; // the re-plan after an expiry found it rebuilt already
        }
        CompactionPlan one =
            new CompactionPlan(plan.table(), bronzeSnapshotId, silverSnapshotId, List.of(task));
        listener.starting(task);
        for (int attempt = 1; ; attempt++) {
          try {
            List<PartitionResult> done = session.commit(one);
            committed.addAll(done);
            done.forEach(listener::committed);
            break;
          } catch (TicklakeException e) {
            if (e.kind() != TicklakeException.Kind.CONFLICT || attempt >= maxAttempts) {
              throw e;
            }
            listener.retrying(task.key(), e);
            if (one.bronzeSnapshotId() == bronzeSnapshotId
                && SnapshotExpiry.expiredAfter(
                    () -> warehouse.table(kind.bronze().id()), bronzeSnapshotId, e)) {
              // the pin went with a routine expiry: every partition left needs a new one, so
              // plan them all again once rather than each on its turn
              CompactionPlan fresh =
                  new SilverCompactor(warehouse, kind, options.withValidation(settings()), clock)
                      .plan();
              java.util.Map<ExchangeDate, CompactionPlan.Task> byKey = new java.util.HashMap<>();
              fresh.partitions().forEach(t -> byKey.put(t.key(), t));
              for (int j = i + 1; j < tasks.size(); j++) {
                if (tasks.get(j) != null) {
                  tasks.set(j, byKey.get(tasks.get(j).key()));
                  if (tasks.get(j) == null) {
                    ExchangeDate gone = plan.partitions().get(j).key();
                    skipped.add(gone);
                    listener.skipped(gone);
                  }
                }
              }
              listener.replanned(bronzeSnapshotId, fresh.bronzeSnapshotId(), tasks.size() - i);
              bronzeSnapshotId = fresh.bronzeSnapshotId();
              silverSnapshotId = fresh.silverSnapshotId();
              CompactionPlan.Task again = byKey.get(task.key());
              one =
                  new CompactionPlan(
                      plan.table(),
                      bronzeSnapshotId,
                      silverSnapshotId,
                      again == null ? List.of() : List.of(again));
            } else {
              one =
                  new SilverCompactor(
                          warehouse,
                          kind,
                          options.onlyPartition(task.key()).withValidation(settings()),
                          clock)
                      .plan();
            }
            if (one.isEmpty()) {
              skipped.add(task.key());
              listener.skipped(task.key());
              break;
            }
          }
        }
      }
    }
    return new Outcome(committed, skipped);
  }

  /**
   * Rebuilds and commits every partition of the plan, one after another; an empty plan does
   * nothing.
   *
   * @return one result per partition, in plan order
   * @throws TicklakeException of kind CONFLICT when another commit changed a partition meanwhile,
   *     or the plan's Bronze snapshot expired (partitions before it stay committed; rerun to retry)
   */
  public List<PartitionResult> commit(CompactionPlan plan) {
    checkTable(plan);
    recordChecks(plan);
    if (plan.isEmpty()) {
      return List.of();
    }
    try (Session session = new Session()) {
      return session.commit(plan);
    }
  }

  /**
   * Appends to {@code ops.compaction_log} what the plan learned without rebuilding: partitions
   * whose Silver rows it checked against the current {@code ref.dim_symbol} and found unmoved
   * ({@link CompactionPlan#checked}), so later plans start from that version instead of checking
   * them again. {@link #commit} and {@link #runResolvingConflicts} do this themselves; call it for
   * a plan with nothing to rebuild. A failure is logged, not thrown: it costs only a repeated
   * check.
   *
   * @return the rows appended
   */
  public int recordChecks(CompactionPlan plan) {
    checkTable(plan);
    return appendToLog(plan.checked());
  }

  /**
   * Appends rows to {@code ops.compaction_log} (and tidies it), when the warehouse has one. A
   * failure is logged, not thrown: the rows only spare later work.
   *
   * @return the rows appended
   */
  private int appendToLog(List<CompactionLog.Entry> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    try {
      Optional<Table> log = CompactionLog.table(warehouse);
      if (log.isEmpty()) {
        return 0;
      }
      CompactionLog.append(log.get(), rows);
      CompactionLog.tidy(warehouse, log.get());
      return rows.size();
    } catch (RuntimeException e) {
      LOG.warn(
          "Cannot append {} rows to {}: {}",
          rows.size(),
          TableContracts.COMPACTION_LOG.name(),
          e.toString());
      return 0;
    }
  }

  private void checkTable(CompactionPlan plan) {
    requireNonNull(plan, "plan is null");
    if (plan.table() != kind) {
      throw new IllegalArgumentException(
          "Cannot commit a plan for " + plan.table() + " with a compactor for " + kind);
    }
  }

  /**
   * What the partitions of one run share: the exchange calendars, the symbol dimension and its
   * registry, one DuckDB and the symbol lookup loaded into it.
   */
  private final class Session implements AutoCloseable {
    private final ExchangeCalendars calendars;
    private final SymbolRegistry registry;
    private final DuckDbBridge bridge;
    private final PartitionRebuild rebuild;
    private final Lookups lookups;

    /**
     * Bronze, Silver and quarantine, loaded once and refreshed per partition: a refresh reads a
     * table's metadata file only when another process committed (a load reads it every time, and it
     * grows with the table's snapshots).
     */
    private final Table bronze;

    private final Table silver;
    private final Table quarantine;

    private final List<CompactionLog.Entry> logged = new ArrayList<>();

    /**
     * The Silver snapshots this session committed, with the partition each replaced: a later
     * partition's commit need not validate against them (see {@link #validationBase}).
     */
    private final Map<Long, ExchangeDate> ownCommits = new HashMap<>();

    private long lastLogAppend = System.nanoTime();

    /** The Silver snapshot {@link #filesAtBase} was read at. */
    private long filesBaseId = Long.MIN_VALUE;

    /**
     * Each partition's Silver data files at the plan's Silver snapshot, read once while it exists
     * (null when it did not): what a partition's commit compares with when the run's own commits,
     * or another job's, made that snapshot old and an expire removed it before the commit.
     */
    private Map<ExchangeDate, Set<String>> filesAtBase;

    /**
     * The data files of partition {@code key} at Silver snapshot {@code baseId}, or null when they
     * cannot be known (the snapshot was gone before this session read it).
     */
    private Set<String> silverFilesAtBase(long baseId, ExchangeDate key) {
      if (baseId != filesBaseId) {
        filesBaseId = baseId;
        silver.refresh();
        Snapshot base = baseId < 0 ? null : silver.snapshot(baseId);
        filesAtBase = null;
        if (base != null) {
          try {
            filesAtBase = partitionFilesByKey(silver, base);
          } catch (NotFoundException e) {
            // expired while read: unknown, the commit's own validation decides
          }
        }
      }
      return filesAtBase == null ? null : filesAtBase.getOrDefault(key, Set.of());
    }

    /**
     * Checks the Silver table's shape once (and gives it the contract's sort order, so the new
     * files are tagged with the order they are written in), then opens what the partitions share.
     */
    Session() {
      checkSilverShape();
      TableInitializer.adoptSortOrder(warehouse.table(kind.silver().id()), kind.silver());
      bronze = warehouse.table(kind.bronze().id());
      silver = warehouse.table(kind.silver().id());
      quarantine = warehouse.table(TableContracts.QUARANTINE.id());
      calendars = ExchangeTable.load(warehouse.catalog());
      DimSymbolTable dim = DimSymbolTable.open(warehouse);
      registry = new SymbolRegistry(dim, options.registration(), clock);
      bridge =
          DuckDbBridge.open(
              warehouse.tempDir(), options.threads(), options.memoryLimit().orElse(null));
      rebuild = new PartitionRebuild(bridge, kind, kind.silver().schema(), settings());
      lookups = new Lookups(bridge, dim);
    }

    List<PartitionResult> commit(CompactionPlan plan) {
      bronze.refresh();
      Snapshot pinned = bronze.snapshot(plan.bronzeSnapshotId());
      if (pinned == null) {
        // expired since the plan (a routine `expire` while the run goes): like a lost race, a
        // re-plan pins the current snapshot (runResolvingConflicts does it)
        throw TicklakeException.of(
            Kind.CONFLICT,
            "Cannot compact %s: Bronze snapshot %d of the plan no longer exists (expired since the"
                + " plan); plan again",
            kind.silver().name(),
            plan.bronzeSnapshotId());
      }
      List<PartitionResult> results = new ArrayList<>();
      for (CompactionPlan.Task task : plan.partitions()) {
        ExchangeCalendar calendar =
            calendars
                .find(task.key().exchange())
                .orElseThrow(
                    () ->
                        TicklakeException.of(
                            Kind.CONFIGURATION,
                            "Cannot compact %s partition %s: exchange %s has no calendar in %s",
                            kind.silver().name(),
                            task.key(),
                            task.key().exchange(),
                            TableContracts.EXCHANGE.name()));
        results.add(
            compactPartition(
                bridge,
                rebuild,
                registry,
                lookups,
                bronze,
                silver,
                quarantine,
                pinned,
                plan.silverSnapshotId(),
                silverFilesAtBase(plan.silverSnapshotId(), task.key()),
                task.key(),
                calendar,
                logged,
                ownCommits));
        if (System.nanoTime() - lastLogAppend >= logAppendEveryNanos) {
          appendLog(); // a long run killed later keeps the rows of what it committed so far
        }
      }
      return results;
    }

    /**
     * Closes DuckDB and appends the log rows of the partitions this session committed and has not
     * appended yet (also when a later partition failed; a long run appends every {@link
     * #logAppendEveryNanos} as it goes). A failed append loses nothing but those rows: the snapshot
     * summaries hold the same markers, and a partition without a matching row is rebuilt only if
     * its commits expire.
     */
    @Override
    public void close() {
      bridge.close();
      appendLog();
    }

    private void appendLog() {
      lastLogAppend = System.nanoTime();
      appendToLog(logged);
      logged.clear();
    }
  }

  /**
   * Refuses a Silver table whose shape conflicts with its contract (e.g. an {@code event_id} string
   * from before 2026-11-27), before anything is written into it.
   */
  private void checkSilverShape() {
    List<String> conflicts =
        TableInitializer.conflicts(warehouse.table(kind.silver().id()), kind.silver());
    if (!conflicts.isEmpty()) {
      throw TicklakeException.of(
          Kind.CONTRACT,
          "Cannot compact %s: %s; the table holds only rows compaction rebuilds from Bronze:"
              + " recreate it with `ticklake init --recreate-silver`, then compact again",
          kind.silver().name(),
          String.join("; ", conflicts));
    }
  }

  private PartitionResult compactPartition(
      DuckDbBridge bridge,
      PartitionRebuild rebuild,
      SymbolRegistry registry,
      Lookups lookups,
      Table bronze,
      Table silver,
      Table quarantine,
      Snapshot pinned,
      long silverBaseId,
      Set<String> silverBaseFiles,
      ExchangeDate key,
      ExchangeCalendar calendar,
      List<CompactionLog.Entry> log,
      Map<Long, ExchangeDate> ownCommits) {
    long started = System.nanoTime();
    silver.refresh();
    quarantine.refresh();
    Snapshot quarantineBase = quarantine.currentSnapshot();
    // the partition's quarantine files at that base: what the commit compares with when a
    // routine expire removes the base before the commit (Iceberg can then no longer tell what
    // changed since it)
    Set<String> quarantineBaseFiles =
        quarantineBase == null
            ? Set.of()
            : partitionFiles(quarantine, quarantineBase, quarantinePartition(key));
    checkNotReplacedSince(silver, silverBaseId, key);

    String location = ParquetDataFiles.newLocation(silver, key.path(), pinned.snapshotId());
    Path local = Path.of(PinnedScan.localPath(location));
    try {
      Files.createDirectories(local.getParent());
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.FAILURE, "Cannot create directory %s: %s", local.getParent(), e.getMessage());
    }
    PartitionRebuild.Built built;
    try {
      built =
          rebuild.build(
              bronze,
              pinned,
              key,
              calendar,
              symbols -> lookups.lookupAfter(registry.ensureRegistered(key.exchange(), symbols)),
              kind.silver().name(),
              local.toString());
    } catch (RuntimeException e) {
      deleteQuietly(local);
      throw e;
    }
    DuckDbBridge.trace("-- rebuild " + key, started);
    long commitStart = System.nanoTime();
    Optional<DataFile> dataFile =
        built.rowsOut() == 0
            ? Optional.empty()
            : Optional.of(
                ParquetDataFiles.ofLocal(
                    silver,
                    List.of(key.exchange(), key.tradingDate().toString()),
                    location,
                    local));

    Map<String, String> summary = new TreeMap<>();
    summary.put(SilverSummary.OPERATION, SilverSummary.COMPACT);
    summary.put(SilverSummary.TABLE, kind.silver().name());
    summary.put(SilverSummary.BRONZE_SNAPSHOT_ID, Long.toString(pinned.snapshotId()));
    summary.put(SilverSummary.REBUILD_KEY, rebuildKey(pinned.snapshotId()));
    summary.put(SilverSummary.PARTITION, key.toString());
    summary.put(SilverSummary.ROWS_IN, Long.toString(built.rowsIn()));
    summary.put(SilverSummary.DUPLICATES, Long.toString(built.duplicates()));
    summary.put(SilverSummary.QUARANTINED, Long.toString(built.quarantined()));
    summary.put(SilverSummary.WARNED, Long.toString(built.warned()));
    summary.put(SilverSummary.ROWS_OUT, Long.toString(built.rowsOut()));
    summary.put(SilverSummary.DIGEST, built.digest());
    summary.put(
        SilverSummary.UNKNOWN_SYMBOLS,
        Long.toString(
            built.quarantine().stream()
                .filter(q -> SilverTable.UNKNOWN_SYMBOL.equals(q.rule()))
                .count()));
    summary.put(SilverSummary.DIM_SYMBOL_SNAPSHOT_ID, label(lookups.version()));
    summary.put(SilverSummary.BRONZE_FILES, built.bronzeFiles());
    summary.put(SilverSummary.RULES, settings().key(kind));
    summary.put(SilverSummary.SESSIONS, sessionsKey(calendar, key.tradingDate()));

    // Quarantine first: if the process dies between the two commits, Silver still names the old
    // Bronze snapshot, so the partition stays due and the rerun replaces both again.
    List<DataFile> quarantineFiles;
    try {
      quarantineFiles =
          replaceQuarantine(
              quarantine, quarantineBase, quarantineBaseFiles, key, built.quarantine(), summary);
    } catch (RuntimeException | Error e) {
      deleteQuietly(local); // its commit was never attempted
      throw e;
    }
    DuckDbBridge.trace(
        "-- commit " + built.quarantine().size() + " quarantine rows of " + key, commitStart);
    commitStart = System.nanoTime();

    PartitionOverwrite.commit(
        silver,
        key.expression(),
        dataFile.map(List::of).orElse(List.of()),
        unchangedSinceExpiredBase(
            silver,
            validationBase(silver, silverBaseId, key, ownCommits),
            silverBaseFiles,
            key.expression()),
        summary,
        "compact " + kind.silver().name() + " partition " + key,
        () -> deleteQuietly(local));
    silver.refresh();
    DuckDbBridge.trace("-- commit Silver " + key, commitStart);
    Snapshot committed = ownCommit(silver, summary);
    if (matches(committed, summary)) {
      ownCommits.put(committed.snapshotId(), key);
    }
    log.add(
        new CompactionLog.Entry(
            kind.silver().name(),
            key,
            committed.snapshotId(),
            Instant.ofEpochMilli(committed.timestampMillis()),
            dataFile.map(f -> List.of(f.location())).orElse(List.of()),
            quarantineFiles.stream().map(DataFile::location).toList(),
            summary));
    return new PartitionResult(
        key,
        pinned.snapshotId(),
        built.rowsIn(),
        built.duplicates(),
        built.quarantined(),
        built.warned(),
        built.rowsOut(),
        built.digest(),
        dataFile.map(DataFile::location),
        silver.currentSnapshot().snapshotId(),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * This rebuild's Silver commit: the newest snapshot with its partition and digest markers (a
   * compactor of another partition may have committed after it).
   */
  private static Snapshot ownCommit(Table silver, Map<String, String> summary) {
    for (Snapshot s :
        org.apache.iceberg.util.SnapshotUtil.ancestorsOf(
            silver.currentSnapshot().snapshotId(), silver::snapshot)) {
      if (matches(s, summary)) {
        return s;
      }
    }
    return silver.currentSnapshot();
  }

  /** Whether {@code s} is the commit of the rebuild with {@code summary}. */
  private static boolean matches(Snapshot s, Map<String, String> summary) {
    Map<String, String> m = s.summary();
    return summary.get(SilverSummary.PARTITION).equals(m.get(SilverSummary.PARTITION))
        && summary.get(SilverSummary.REBUILD_KEY).equals(m.get(SilverSummary.REBUILD_KEY))
        && summary.get(SilverSummary.DIGEST).equals(m.get(SilverSummary.DIGEST));
  }

  /**
   * The snapshot a partition's Silver commit validates from: the plan's Silver snapshot, moved past
   * the commits right after it that this session made for other partitions. Such a commit only
   * replaced its own partition, so Iceberg's check of it (reading the manifests it wrote) cannot
   * find a conflict; skipping them keeps the check, and so each partition's cost, from growing with
   * the partitions the run committed before it (a run of 100 partitions read 99 commits' manifests
   * for its last). The first commit of another writer in between, and every commit after it, is
   * still checked.
   *
   * @param silverBaseId the plan's Silver snapshot, or -1 when Silver was empty
   * @return the snapshot to validate from, or -1 (all of the table's history)
   */
  static long validationBase(
      Table silver, long silverBaseId, ExchangeDate key, Map<Long, ExchangeDate> ownCommits) {
    Snapshot current = silver.currentSnapshot();
    if (current == null || current.snapshotId() == silverBaseId || ownCommits.isEmpty()) {
      return silverBaseId;
    }
    List<Long> since = new ArrayList<>(); // newest first
    boolean reachedBase = false;
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), silver::snapshot)) {
      if (s.snapshotId() == silverBaseId) {
        reachedBase = true;
        break;
      }
      since.add(s.snapshotId());
    }
    if (!reachedBase && silverBaseId >= 0) {
      return silverBaseId; // not an ancestor (a rollback?): leave it to Iceberg's validation
    }
    long base = silverBaseId;
    for (int i = since.size() - 1; i >= 0; i--) {
      ExchangeDate replaced = ownCommits.get(since.get(i));
      if (replaced == null || replaced.equals(key)) {
        break;
      }
      base = since.get(i);
    }
    return base;
  }

  /** A Silver partition's rows in {@code ops.quarantine}. */
  private Expression quarantinePartition(ExchangeDate key) {
    return Expressions.and(
        Expressions.equal("source_table", kind.silver().name()), key.expression());
  }

  /** The data files of each (exchange, trading date) partition of {@code table} at {@code at}. */
  private static Map<ExchangeDate, Set<String>> partitionFilesByKey(Table table, Snapshot at) {
    Map<ExchangeDate, Set<String>> out = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(at.snapshotId()).planFiles()) {
      tasks.forEach(
          t ->
              out.computeIfAbsent(ExchangeDate.of(table, t.file()), k -> new HashSet<>())
                  .add(t.file().location()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The data files of {@code table} matching {@code filter} at snapshot {@code at}. */
  private static Set<String> partitionFiles(Table table, Snapshot at, Expression filter) {
    Set<String> out = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(at.snapshotId()).filter(filter).planFiles()) {
      tasks.forEach(t -> out.add(t.file().location()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The snapshot a partition's commit validates from: {@code baseId}, the one its rebuild started
   * from; or, when a routine {@code expire} removed it meanwhile (Iceberg can then no longer tell
   * what changed since), the current snapshot if the partition still has exactly the files it had
   * at the base ({@code baseFiles}): no commit replaced them (replaced files get new names), and a
   * commit that replaces them after this check is still caught. Otherwise {@code baseId}, and
   * Iceberg refuses the commit. The live writer and the other stages commit to {@code
   * ops.quarantine} all the time, and a run's own commits to Silver age the plan's snapshot, so
   * with an aggressive expiry the base goes within seconds.
   *
   * @param baseId the base snapshot, or -1 (the table was empty: every commit is checked)
   * @param baseFiles the partition's data files at the base, or null when they are not known
   */
  private static long unchangedSinceExpiredBase(
      Table table, long baseId, Set<String> baseFiles, Expression partition) {
    if (baseId < 0 || baseFiles == null) {
      return baseId;
    }
    table.refresh();
    Snapshot now = table.currentSnapshot();
    if (table.snapshot(baseId) != null || now == null) {
      return baseId;
    }
    try {
      return partitionFiles(table, now, partition).equals(baseFiles) ? now.snapshotId() : baseId;
    } catch (NotFoundException e) {
      return baseId; // expired again while read: the commit's validation decides
    }
  }

  private List<DataFile> replaceQuarantine(
      Table quarantine,
      Snapshot base,
      Set<String> baseFiles,
      ExchangeDate key,
      List<QuarantineRecord> rows,
      Map<String, String> summary) {
    Expression partition = quarantinePartition(key);
    // decided before any file is written, so that a failure here leaves none behind
    long validateFrom =
        unchangedSinceExpiredBase(
            quarantine, base == null ? -1 : base.snapshotId(), baseFiles, partition);
    for (int attempt = 1; ; attempt++) {
      List<DataFile> files = writeQuarantine(quarantine, rows);
      beforeQuarantineCommit.run();
      try {
        PartitionOverwrite.commit(
            quarantine,
            partition,
            files,
            validateFrom,
            summary,
            "replace the quarantine rows of " + kind.silver().name() + " partition " + key,
            () -> files.forEach(f -> quarantine.io().deleteFile(f.location())));
        return files;
      } catch (TicklakeException e) {
        // the snapshot the commit validated from expired during the commit (Iceberg retries a
        // commit the live writer's flush beat, and meanwhile a routine expire removed it, so
        // Iceberg "cannot determine history"): decide again as before the first attempt, and
        // commit new files when the partition still has the files of the rebuild's base
        if (e.kind() != Kind.CONFLICT
            || attempt >= QUARANTINE_COMMIT_ATTEMPTS
            || validateFrom < 0
            || !SnapshotExpiry.expiredAfter(() -> quarantine, validateFrom, e)) {
          throw e;
        }
        long again = unchangedSinceExpiredBase(quarantine, base.snapshotId(), baseFiles, partition);
        if (again == validateFrom || again == base.snapshotId()) {
          throw e; // the partition's quarantine rows were replaced: a real conflict
        }
        validateFrom = again;
      }
    }
  }

  /**
   * Commits of one partition's quarantine rows whose validation base expired during the commit that
   * {@link #replaceQuarantine} makes before it reports the conflict.
   */
  private static final int QUARANTINE_COMMIT_ATTEMPTS = 3;

  /** Writes a partition's quarantine rows into new data files. */
  private static List<DataFile> writeQuarantine(Table quarantine, List<QuarantineRecord> rows) {
    try (QuarantineWriter writer = new QuarantineWriter(quarantine)) {
      try {
        rows.forEach(writer::write);
        return writer.complete();
      } catch (RuntimeException e) {
        writer.abort(); // also the file a full disk cut short
        throw e;
      }
    }
  }

  /**
   * The dimension loaded into DuckDB once per version: partitions whose registration leaves the
   * dimension at the version already loaded reuse it (loading costs a table scan and a DuckDB
   * load).
   */
  private static final class Lookups {
    private final DuckDbBridge bridge;
    private final DimSymbolTable dim;
    private SymbolLookup last;

    Lookups(DuckDbBridge bridge, DimSymbolTable dim) {
      this.bridge = bridge;
      this.dim = dim;
    }

    /** The dimension version of the last lookup (the current partition's), or the table's. */
    DimVersion version() {
      return last != null ? last.version() : dim.currentVersion();
    }

    SymbolLookup lookupAfter(SymbolRegistry.Registration registration) {
      if (last == null || !last.version().equals(registration.version())) {
        last = SymbolLookup.register(bridge, dim.read());
      }
      return last;
    }
  }

  /**
   * Fails early, before quarantine is touched, when a compaction committed the partition after the
   * plan's Silver snapshot (the Silver commit's own validation would refuse it anyway).
   */
  private void checkNotReplacedSince(Table silver, long silverBaseId, ExchangeDate key) {
    Snapshot current = silver.currentSnapshot();
    if (current == null || current.snapshotId() == silverBaseId) {
      return;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), silver::snapshot)) {
      if (s.snapshotId() == silverBaseId) {
        return;
      }
      if (key.toString().equals(s.summary().get(SilverSummary.PARTITION))) {
        throw TicklakeException.of(
            Kind.CONFLICT,
            "Cannot compact %s partition %s: snapshot %d replaced it after the plan was made"
                + " (at snapshot %d); plan again",
            kind.silver().name(),
            key,
            s.snapshotId(),
            silverBaseId);
      }
    }
  }

  /**
   * The rebuild key of a partition rebuilt from {@code bronzeSnapshotId} with this compactor's
   * options: SHA-256 over the snapshot id, the registration policy, the session tolerance, the
   * spike window and every rule's definition (severity, condition, value and message), in hex.
   */
  String rebuildKey(long bronzeSnapshotId) {
    ValidationSettings v = settings();
    List<String> parts = new ArrayList<>();
    parts.add("v1");
    parts.add(Long.toString(bronzeSnapshotId));
    parts.add(options.registration().toString());
    parts.add(v.sessionTolerance().toString());
    parts.add(Integer.toString(v.spikeWindow()));
    for (ValidationRule r : v.rules(kind)) {
      parts.addAll(
          List.of(
              r.name(), r.severity().label(), r.field(), r.condition(), r.value(), r.message()));
    }
    return CompactionMarkers.sha256Hex(String.join("\u001f", parts));
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // an orphan file is harmless: no snapshot names it
    }
  }
}

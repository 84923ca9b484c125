package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.CompactionLog;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Builds {@code gold.quality_daily}: for every day (exchange, trading date) whose Silver trades
 * were compacted since its last quality build, recomputes the rows of all its symbols from pinned
 * snapshots of Silver trades, Bronze trades (at the snapshot the compaction read) and the
 * quarantine, and replaces that day's rows.
 *
 * <p>Storage: the table is partitioned by exchange and month, and the job writes one data file per
 * day, so a day is replaced by an {@code OverwriteFiles} with the row filter {@code exchange = X
 * AND trading_date IN (…)}, which removes exactly the old files of those days. One commit per
 * exchange and month; its summary names each day with the Silver compaction snapshot it was built
 * from ({@link QualitySummary#DAYS}), which is what the next plan compares against.
 *
 * <p>Follows the plan/commit shape: {@link #plan()} writes nothing. Not thread-safe; Iceberg's
 * validation refuses a commit when another build replaced the same days after the plan.
 */
public final class QualityJob {
  private final Warehouse warehouse;
  private final Runnable planLoaded;
  private final QualityOptions options;

  /** Progress callbacks of {@link #commit}; called on the committing thread. */
  public interface Progress {
    /** A day was computed ({@code done} of {@code total}). */
    void dayDone(ExchangeDate key, int rows, int done, int total);

    /** No progress reporting. */
    Progress NONE = (key, rows, done, total) -> {};
  }

  /**
   * What a build did for one day.
   *
   * @param key the day
   * @param rows rows written (one per symbol)
   * @param reason why it was rebuilt: new, changed or forced
   * @param compactionSnapshotId the Silver compaction snapshot the day was built from
   * @param qualitySnapshotId the quality snapshot that committed it
   */
  public record DayResult(
      ExchangeDate key,
      int rows,
      String reason,
      long compactionSnapshotId,
      long qualitySnapshotId) {
    public DayResult {
      requireNonNull(key, "key is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /**
   * A job.
   *
   * @param warehouse the open warehouse
   * @param options which days and how
   */
  public QualityJob(Warehouse warehouse, QualityOptions options) {
    this(warehouse, options, () -> {});
  }

  /** A job that runs {@code planLoaded} once its plan loaded the tables (tests). */
  QualityJob(Warehouse warehouse, QualityOptions options, Runnable planLoaded) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.options = requireNonNull(options, "options is null");
    this.planLoaded = requireNonNull(planLoaded, "planLoaded is null");
  }

  /**
   * The days to rebuild: selected days whose latest Silver trades compaction differs from the one
   * their last quality build recorded (or all selected days with {@code force}). Writes nothing.
   */
  public QualityPlan plan() {
    // a concurrent expire may remove a snapshot this reads after its table was loaded
    return SnapshotExpiry.replanning("quality", this::planOnce);
  }

  private QualityPlan planOnce() {
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    Table quality = warehouse.table(TableContracts.GOLD_QUALITY_DAILY.id());
    Snapshot silverSnap = silver.currentSnapshot();
    Snapshot quarantineSnap = quarantine.currentSnapshot();
    Snapshot qualitySnap = quality.currentSnapshot();
    planLoaded.run();
    long qualityId = qualitySnap == null ? -1 : qualitySnap.snapshotId();
    if (silverSnap == null) {
      return new QualityPlan(-1, -1, qualityId, List.of(), List.of());
    }
    String silverName = TableContracts.SILVER_TRADES.name();
    Map<ExchangeDate, Snapshot> compactions = CompactionMarkers.lastCompactions(silver, silverName);
    Map<ExchangeDate, Snapshot> quarantined =
        CompactionMarkers.lastCompactions(quarantine, silverName);
    // quarantine snapshots expired (more often than Silver's: the table takes every stage's
    // commits): the compaction log's row for the partition's current files stands in
    Map<ExchangeDate, Map<String, String>> logged = Map.of();
    if (!quarantined.keySet().containsAll(compactions.keySet())
        && !CompactionMarkers.historyComplete(quarantine)) {
      logged =
          new CompactionLog.View(
                  warehouse, silverName, silver, silverSnap, quarantine, quarantineSnap)
              .current();
    }
    Map<ExchangeDate, Build> built = lastBuilds(quality);
    String rule = options.gapRule().label();
    List<QualityPlan.Task> due = new ArrayList<>();
    List<ExchangeDate> unfinished = new ArrayList<>();
    for (Map.Entry<ExchangeDate, Snapshot> e : compactions.entrySet()) {
      ExchangeDate key = e.getKey();
      if (!options.selects(key)) {
        continue;
      }
      Snapshot compaction = e.getValue();
      long bronzeId = CompactionMarkers.bronzeSnapshotId(compaction);
      Snapshot q = quarantined.get(key);
      boolean finished =
          q != null
              ? CompactionMarkers.sameRebuild(compaction, q)
              : CompactionMarkers.sameRebuild(compaction.summary(), logged.get(key));
      if (!finished) {
        unfinished.add(key);
        continue;
      }
      Build from = built.get(key);
      String reason;
      if (from == null) {
        reason = "new";
      } else if (from.compactionSnapshotId() != compaction.snapshotId()) {
        reason = "changed";
      } else if (from.gapRule() != null && !from.gapRule().equals(rule)) {
        // built with another gap rule: its gaps and score are not those this rule gives
        reason = "gap-rule";
      } else if (options.force()) {
        reason = "forced";
      } else {
        continue;
      }
      due.add(new QualityPlan.Task(key, compaction.snapshotId(), bronzeId, reason));
    }
    return new QualityPlan(
        silverSnap.snapshotId(),
        quarantineSnap == null ? -1 : quarantineSnap.snapshotId(),
        qualityId,
        due,
        unfinished);
  }

  /** Plans and commits without progress reporting. */
  public List<DayResult> run() {
    return commit(plan(), Progress.NONE);
  }

  /**
   * Computes and commits every day of the plan, one commit per exchange and month.
   *
   * @return one result per day, in plan order
   * @throws TicklakeException of kind CONFLICT when another build replaced one of the days after
   *     the plan (earlier months stay committed; rerun to retry)
   */
  public List<DayResult> commit(QualityPlan plan, Progress progress) {
    return commit(plan, progress, r -> {});
  }

  /**
   * {@link #commit(QualityPlan, Progress)} that survives an overlapping build (the next scheduled
   * run): when another build replaces one of the plan's days first (a CONFLICT), plans again and
   * builds what is left — not what this run already committed, even when forced — up to {@code
   * maxAttempts} commits of the plan in all, as {@code SilverCompactor.runResolvingConflicts} does.
   *
   * @param replanned hears each new plan (empty when the other build left nothing to do)
   * @return every day this run committed, also those of months committed before a conflict
   * @throws TicklakeException of kind CONFLICT after {@code maxAttempts} lost commits
   */
  public List<DayResult> commitResolvingConflicts(
      QualityPlan plan,
      int maxAttempts,
      Progress progress,
      java.util.function.Consumer<QualityPlan> replanned) {
    requireNonNull(replanned, "replanned is null");
    List<DayResult> results = new ArrayList<>();
    QualityPlan attempt = plan;
    for (int n = 1; ; n++) {
      try {
        commit(attempt, progress, results::add);
        return results;
      } catch (TicklakeException e) {
        if (e.kind() != Kind.CONFLICT || n >= maxAttempts) {
          throw e;
        }
        QualityPlan again = plan();
        java.util.Set<ExchangeDate> done = new java.util.HashSet<>();
        results.forEach(r -> done.add(r.key()));
        attempt =
            new QualityPlan(
                again.silverSnapshotId(),
                again.quarantineSnapshotId(),
                again.qualitySnapshotId(),
                again.days().stream().filter(t -> !done.contains(t.key())).toList(),
                again.unfinished());
        replanned.accept(attempt);
        if (attempt.isEmpty()) {
          return results;
        }
      }
    }
  }

  /**
   * {@link #commit(QualityPlan, Progress)}, telling {@code committed} each day as its month is
   * committed: the days committed before a CONFLICT are told too.
   */
  private List<DayResult> commit(
      QualityPlan plan, Progress progress, java.util.function.Consumer<DayResult> committed) {
    requireNonNull(plan, "plan is null");
    requireNonNull(committed, "committed is null");
    requireNonNull(progress, "progress is null");
    if (plan.isEmpty()) {
      return List.of();
    }
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table bronze = warehouse.table(TableContracts.BRONZE_TRADES.id());
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    Table quality = warehouse.table(TableContracts.GOLD_QUALITY_DAILY.id());
    Snapshot silverSnap = silver.snapshot(plan.silverSnapshotId());
    Optional<Snapshot> quarantineSnap =
        plan.quarantineSnapshotId() < 0
            ? Optional.empty()
            : Optional.ofNullable(quarantine.snapshot(plan.quarantineSnapshotId()));
    if (silverSnap == null || (plan.quarantineSnapshotId() >= 0 && quarantineSnap.isEmpty())) {
      throw pinsExpired(plan, null);
    }
    ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
    Map<String, List<QualityPlan.Task>> groups = new LinkedHashMap<>();
    for (QualityPlan.Task t : plan.days()) {
      groups
          .computeIfAbsent(
              t.key().exchange() + "/" + YearMonth.from(t.key().tradingDate()),
              k -> new ArrayList<>())
          .add(t);
    }
    List<DayResult> results = new ArrayList<>();
    int done = 0;
    int total = plan.days().size();
    try (DuckDbBridge bridge =
        DuckDbBridge.open(
            warehouse.tempDir(), options.threads(), options.memoryLimit().orElse(null))) {
      DayQuality dayQuality = new DayQuality(bridge, options.gapRule());
      for (List<QualityPlan.Task> group : groups.values()) {
        List<DataFile> files = new ArrayList<>();
        Map<ExchangeDate, Integer> rowCounts = new LinkedHashMap<>();
        try {
          for (QualityPlan.Task t : group) {
            ExchangeCalendar calendar = calendar(calendars, t.key(), "build quality of");
            Snapshot compaction = silver.snapshot(t.compactionSnapshotId());
            List<QualityRow> rows =
                dayQuality.compute(
                    t.key(),
                    calendar,
                    silver,
                    silverSnap,
                    bronze,
                    t.bronzeSnapshotId(),
                    quarantine,
                    quarantineSnap,
                    compaction == null ? Map.of() : compaction.summary());
            files.addAll(write(quality, rows));
            rowCounts.put(t.key(), rows.size());
            progress.dayDone(t.key(), rows.size(), ++done, total);
          }
        } catch (RuntimeException e) {
          files.forEach(f -> quality.io().deleteFile(f.location()));
          if (!(e instanceof TicklakeException t && t.kind() == Kind.CONFLICT)
              && pinnedSnapshotsGone(plan)) {
            // a routine `expire` removed the pinned snapshots (their manifest lists, the files
            // they replaced) while the build read them: like a lost race, plan again
            throw pinsExpired(plan, e);
          }
          throw e;
        }
        long snapshotId = commitGroup(quality, plan, group, files, rowCounts);
        for (QualityPlan.Task t : group) {
          DayResult r =
              new DayResult(
                  t.key(),
                  rowCounts.get(t.key()),
                  t.reason(),
                  t.compactionSnapshotId(),
                  snapshotId);
          results.add(r);
          committed.accept(r);
        }
      }
    }
    return results;
  }

  /** Whether the Silver or quarantine snapshot the plan pinned is gone from its table now. */
  private boolean pinnedSnapshotsGone(QualityPlan plan) {
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    return silver.snapshot(plan.silverSnapshotId()) == null
        || (plan.quarantineSnapshotId() >= 0
            && quarantine.snapshot(plan.quarantineSnapshotId()) == null);
  }

  /**
   * The CONFLICT of a plan whose pinned snapshots expired (a routine {@code ticklake expire}):
   * {@link #commitResolvingConflicts} plans again from the current snapshots.
   */
  private static TicklakeException pinsExpired(QualityPlan plan, RuntimeException cause) {
    String message =
        String.format(
            java.util.Locale.ROOT,
            "Cannot build quality: snapshot %d of silver.trades or %d of ops.quarantine expired"
                + " since the plan; plan again",
            plan.silverSnapshotId(),
            plan.quarantineSnapshotId());
    return cause == null
        ? new TicklakeException(Kind.CONFLICT, message)
        : new TicklakeException(Kind.CONFLICT, message, cause);
  }

  private long commitGroup(
      Table quality,
      QualityPlan plan,
      List<QualityPlan.Task> group,
      List<DataFile> files,
      Map<ExchangeDate, Integer> rowCounts) {
    String exchange = group.get(0).key().exchange();
    Expression filter =
        Expressions.and(
            Expressions.equal("exchange", exchange),
            Expressions.in(
                "trading_date",
                group.stream()
                    .map(t -> (Object) t.key().tradingDate().toString())
                    .toList()
                    .toArray()));
    OverwriteFiles overwrite = quality.newOverwrite().overwriteByRowFilter(filter);
    files.forEach(overwrite::addFile);
    if (plan.qualitySnapshotId() >= 0) {
      overwrite.validateFromSnapshot(plan.qualitySnapshotId());
    }
    overwrite
        .conflictDetectionFilter(filter)
        .validateNoConflictingData()
        .validateNoConflictingDeletes();
    overwrite.set(QualitySummary.OPERATION, QualitySummary.QUALITY);
    overwrite.set(QualitySummary.SILVER_SNAPSHOT_ID, Long.toString(plan.silverSnapshotId()));
    overwrite.set(
        QualitySummary.QUARANTINE_SNAPSHOT_ID, Long.toString(plan.quarantineSnapshotId()));
    overwrite.set(
        QualitySummary.DAYS,
        group.stream()
            .map(t -> t.key() + "=" + t.compactionSnapshotId())
            .collect(Collectors.joining(",")));
    overwrite.set(
        QualitySummary.ROWS,
        Long.toString(rowCounts.values().stream().mapToLong(Integer::longValue).sum()));
    GapRule rule = options.gapRule();
    overwrite.set(QualitySummary.GAP_RULE, rule.label());
    Snapshot before = quality.currentSnapshot();
    try {
      overwrite.commit();
    } catch (CommitStateUnknownException e) {
      throw new TicklakeException(
          Kind.FAILURE,
          "Cannot tell whether the quality build of "
              + group.get(0).key()
              + " … committed: "
              + e.getMessage()
              + "; check gold.quality_daily before rerunning",
          e);
    } catch (CommitFailedException | ValidationException e) {
      files.forEach(f -> quality.io().deleteFile(f.location()));
      throw new TicklakeException(
          Kind.CONFLICT,
          String.format(
              Locale.ROOT,
              "Cannot build quality of %s: another build replaced these days since snapshot %s"
                  + " (%s); rerun to retry",
              group.stream().map(t -> t.key().toString()).collect(Collectors.joining(", ")),
              plan.qualitySnapshotId() < 0 ? "none" : Long.toString(plan.qualitySnapshotId()),
              e.getMessage()),
          e);
    } catch (RuntimeException | Error e) {
      // a full disk while writing the manifests or the metadata file, a refused catalog update:
      // the files go only when the table, read again, shows that the commit did not happen
      CommitOutcome.discardIfFailed(e, quality, before, files);
      throw e;
    }
    quality.refresh();
    return quality.currentSnapshot().snapshotId();
  }

  /** Writes one day's rows into one data file (none for an empty day). */
  private static List<DataFile> write(Table quality, List<QualityRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(quality)) {
      try {
        for (QualityRow r : rows) {
          w.write(record(quality, r));
        }
        return w.complete();
      } catch (RuntimeException e) {
        w.abort(); // also the file a full disk cut short
        throw e;
      }
    }
  }

  private static Record record(Table quality, QualityRow r) {
    GenericRecord rec = GenericRecord.create(quality.schema());
    rec.setField("exchange", r.exchange());
    rec.setField("trading_date", r.tradingDate());
    rec.setField("symbol", r.symbol());
    rec.setField("symbol_id", r.symbolId());
    rec.setField("rows_bronze", r.rowsBronze());
    rec.setField("rows_silver", r.rowsSilver());
    rec.setField("duplicates", r.duplicates());
    rec.setField("quarantined", r.quarantined());
    rec.setField("quarantined_by_rule", QualityJson.rules(r.quarantinedByRule()));
    rec.setField("gap_count", r.gapCount());
    rec.setField("max_gap_ms", r.maxGapMs());
    rec.setField("gaps", QualityJson.gaps(r.gaps()));
    rec.setField("outliers", r.outliers());
    rec.setField("session_minutes", r.sessionMinutes());
    rec.setField("covered_minutes", r.coveredMinutes());
    rec.setField("coverage", r.coverage());
    rec.setField("score", r.score());
    rec.setField("grade", r.grade());
    return rec;
  }

  /**
   * The current rows of {@code gold.quality_daily} for the selected exchange and dates (and symbol,
   * when given), sorted by exchange, date and symbol.
   */
  public static List<QualityRow> read(
      Warehouse warehouse, QualityOptions selection, Optional<String> symbol) {
    Table quality = warehouse.table(TableContracts.GOLD_QUALITY_DAILY.id());
    quality.refresh();
    Expression filter = Expressions.alwaysTrue();
    if (selection.exchange().isPresent()) {
      filter = Expressions.and(filter, Expressions.equal("exchange", selection.exchange().get()));
    }
    if (selection.from().isPresent()) {
      filter =
          Expressions.and(
              filter,
              Expressions.greaterThanOrEqual("trading_date", selection.from().get().toString()));
    }
    if (selection.to().isPresent()) {
      filter =
          Expressions.and(
              filter, Expressions.lessThanOrEqual("trading_date", selection.to().get().toString()));
    }
    if (symbol.isPresent()) {
      filter = Expressions.and(filter, Expressions.equal("symbol", symbol.get()));
    }
    List<QualityRow> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(quality).where(filter).build()) {
      for (Record r : rows) {
        QualityRow row = row(r);
        if (selection.selects(row.day()) && symbol.map(row.symbol()::equals).orElse(true)) {
          out.add(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(
        Comparator.comparing(QualityRow::exchange)
            .thenComparing(QualityRow::tradingDate)
            .thenComparing(QualityRow::symbol));
    return out;
  }

  private static QualityRow row(Record r) {
    return new QualityRow(
        (String) r.getField("exchange"),
        (LocalDate) r.getField("trading_date"),
        (String) r.getField("symbol"),
        (Long) r.getField("symbol_id"),
        (Long) r.getField("rows_bronze"),
        orZero((Long) r.getField("rows_silver")),
        (Long) r.getField("duplicates"),
        orZero((Long) r.getField("quarantined")),
        QualityJson.parseRules((String) r.getField("quarantined_by_rule")),
        QualityJson.parseGaps((String) r.getField("gaps")),
        orZero((Long) r.getField("max_gap_ms")),
        orZero((Long) r.getField("outliers")),
        r.getField("session_minutes") == null ? 0 : (Integer) r.getField("session_minutes"),
        r.getField("covered_minutes") == null ? 0 : (Integer) r.getField("covered_minutes"),
        (java.math.BigDecimal) r.getField("coverage"),
        (java.math.BigDecimal) r.getField("score"),
        (String) r.getField("grade"));
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  /** The calendar of a day's exchange, or a CONFIGURATION error: "Cannot {@code verb} day …". */
  static ExchangeCalendar calendar(ExchangeCalendars calendars, ExchangeDate key, String verb) {
    return calendars
        .find(key.exchange())
        .orElseThrow(
            () ->
                TicklakeException.of(
                    Kind.CONFIGURATION,
                    "Cannot %s %s: exchange %s has no calendar in %s",
                    verb,
                    key,
                    key.exchange(),
                    TableContracts.EXCHANGE.name()));
  }

  /**
   * What a day's newest quality build recorded: the Silver compaction snapshot it read and its gap
   * rule ({@link GapRule#label()}, null when the commit did not record one).
   */
  record Build(long compactionSnapshotId, String gapRule) {}

  /** The Silver compaction snapshot and gap rule each day's newest quality build recorded. */
  static Map<ExchangeDate, Build> lastBuilds(Table quality) {
    Map<ExchangeDate, Build> out = new HashMap<>();
    Snapshot current = quality.currentSnapshot();
    if (current == null) {
      return out;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), quality::snapshot)) {
      Map<String, String> summary = s.summary();
      if (summary == null
          || !QualitySummary.QUALITY.equals(summary.get(QualitySummary.OPERATION))
          || summary.get(QualitySummary.DAYS) == null) {
        continue;
      }
      for (String item : summary.get(QualitySummary.DAYS).split(",")) {
        int eq = item.lastIndexOf('=');
        if (eq > 0) {
          out.putIfAbsent(
              ExchangeDate.parse(item.substring(0, eq)),
              new Build(
                  Long.parseLong(item.substring(eq + 1)), summary.get(QualitySummary.GAP_RULE)));
        }
      }
    }
    return out;
  }
}

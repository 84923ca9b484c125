package io.ticklake.gold.bars;

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
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.PartitionHistory;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import io.ticklake.catalog.write.LocalTrees;
import io.ticklake.catalog.write.ParquetDataFiles;
import io.ticklake.catalog.write.PartitionOverwrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Builds {@code gold.bars} from {@code silver.trades}: for every (exchange, trading_date) partition
 * whose Silver content changed since its bars were built, rebuilds the bars of the selected
 * intervals from the partition's rows at one pinned Silver snapshot. Partitions are built in
 * batches (one DuckDB load and one statement per interval for several partitions, see {@link
 * #batches}) and a batch's partitions due at the same intervals are replaced with one {@code
 * OverwriteFiles} validated from the Gold snapshot the plan was made at. The commit's summary names
 * the partitions, the intervals and the Silver snapshot read, which is how the next run knows what
 * is up to date. Each (exchange, trading_date, interval) Gold partition is always replaced whole,
 * so there is exactly one bar per (symbol, bar_start) in it.
 *
 * <p>Follows the plan/commit shape: {@link #plan()} writes nothing (a dry run), {@link
 * #commit(BarPlan, Progress)} does the work. Not thread-safe; several processes may build bars at
 * once, Iceberg's validation arbitrates a partition both touch (a CONFLICT error, rerun to retry).
 */
public final class BarJob {
  /** Receives a result as each partition is committed. */
  public interface Progress {
    /** A partition was committed. */
    void partitionDone(BarResult result, int done, int total);
  }

  /** The Silver rows a batch of partitions built together in DuckDB may hold (about). */
  static final long BATCH_ROWS = 2_000_000;

  /** The partitions a batch may hold. */
  static final int BATCH_PARTITIONS = 32;

  private final Warehouse warehouse;
  private final BarOptions options;

  /**
   * What {@link #plan()} read, for {@link #commit} of the same plan to reuse: the tables and the
   * Silver files at the pinned snapshot (null until planned).
   */
  private Table plannedSilver;

  private Table plannedGold;
  private PinnedScan plannedFiles;

  /**
   * A job.
   *
   * @param warehouse the open warehouse
   * @param options what to build
   */
  public BarJob(Warehouse warehouse, BarOptions options) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.options = requireNonNull(options, "options is null");
  }

  /**
   * Lists the partitions and intervals to rebuild, pinned to the current Silver snapshot. Writes
   * nothing.
   *
   * <p>An interval of a partition is due when no bar commit built it, when a Silver snapshot newer
   * (by sequence number) than the one its latest bar commit read added or removed a data file of
   * the partition, when that snapshot is no longer an ancestor of the pinned one (a Silver
   * rollback, or expiry: {@link PartitionHistory#changedSince}), or when the options force it.
   * Every partition with bars is a candidate, so bars of a partition Silver no longer holds are
   * replaced by none.
   */
  public BarPlan plan() {
    // a concurrent expire may remove a snapshot this reads after its table was loaded
    return SnapshotExpiry.replanning("bars", this::planOnce);
  }

  private BarPlan planOnce() {
    long start = System.nanoTime();
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table gold = warehouse.table(TableContracts.GOLD_BARS.id());
    Snapshot goldBase = gold.currentSnapshot();
    long goldId = goldBase == null ? -1 : goldBase.snapshotId();
    Snapshot pinned = silver.currentSnapshot();
    if (pinned == null) {
      return new BarPlan(-1, goldId, List.of());
    }
    Map<ExchangeDate, Long> rows = new TreeMap<>();
    PinnedScan files = PinnedScan.plan(silver, Optional.of(pinned));
    for (DataFile f : files.dataFiles()) {
      rows.merge(ExchangeDate.of(silver, f), f.recordCount(), Long::sum);
    }
    PartitionHistory history = PartitionHistory.of(silver, pinned);
    Map<ExchangeDate, Map<BarInterval, Long>> built = lastBuilds(gold);
    // a partition Silver emptied (or a rollback took away) still has bars to replace
    Map<ExchangeDate, Long> candidates = new TreeMap<>(rows);
    for (ExchangeDate k : built.keySet()) {
      candidates.putIfAbsent(k, 0L);
    }
    List<BarPlan.Task> due = new ArrayList<>();
    for (Map.Entry<ExchangeDate, Long> e : candidates.entrySet()) {
      ExchangeDate key = e.getKey();
      if (!options.selects(key.exchange(), key.tradingDate())) {
        continue;
      }
      List<BarInterval> intervals = new ArrayList<>();
      String reason = null;
      for (BarInterval interval : options.intervals()) {
        Long from = built.getOrDefault(key, Map.of()).get(interval);
        String why;
        if (from == null) {
          why = "new";
        } else if (options.force()) {
          why = "forced";
        } else if (history.changedSince(key, from)) {
          why = "changed";
        } else {
          continue;
        }
        intervals.add(interval);
        reason = reason == null || reason.equals(why) ? why : reason + "+" + why;
      }
      if (!intervals.isEmpty()) {
        due.add(
            new BarPlan.Task(key.exchange(), key.tradingDate(), intervals, e.getValue(), reason));
      }
    }
    plannedSilver = silver;
    plannedGold = gold;
    plannedFiles = files;
    phase("plan", start);
    return new BarPlan(pinned.snapshotId(), goldId, due);
  }

  /** Plans and commits. */
  public List<BarResult> run() {
    return commit(plan(), null);
  }

  /**
   * {@link #commit} that survives an overlapping build (the next scheduled run): when another build
   * commits one of the plan's partitions first (a CONFLICT), plans again and builds what is left —
   * not what this run already committed, even when forced — up to {@code maxAttempts} commits of
   * the plan in all, as {@code SilverCompactor.runResolvingConflicts} does.
   *
   * @param replanned hears each new plan (empty when the other build left nothing to do)
   * @return the result of every partition this run committed, in commit order
   * @throws TicklakeException of kind CONFLICT after {@code maxAttempts} lost commits
   */
  public List<BarResult> commitResolvingConflicts(
      BarPlan plan,
      int maxAttempts,
      Progress progress,
      java.util.function.Consumer<BarPlan> replanned) {
    requireNonNull(replanned, "replanned is null");
    List<BarResult> results = new ArrayList<>();
    Progress tell =
        (r, done, total) -> {
          results.add(r);
          if (progress != null) {
            progress.partitionDone(r, done, total);
          }
        };
    BarPlan attempt = plan;
    for (int n = 1; ; n++) {
      try {
        commit(attempt, tell);
        return results;
      } catch (TicklakeException e) {
        if (e.kind() != Kind.CONFLICT || n >= maxAttempts) {
          throw e;
        }
        BarPlan again = plan();
        java.util.Set<String> done = new java.util.HashSet<>();
        results.forEach(r -> done.add(r.partition()));
        attempt =
            new BarPlan(
                again.silverSnapshotId(),
                again.goldSnapshotId(),
                again.partitions().stream().filter(t -> !done.contains(t.partition())).toList());
        replanned.accept(attempt);
        if (attempt.isEmpty()) {
          return results;
        }
      }
    }
  }

  /**
   * Builds and commits every partition of the plan, one after another.
   *
   * @param plan the plan
   * @param progress told after each partition, or null
   * @return one result per partition, in plan order
   * @throws TicklakeException of kind CONFLICT when another commit changed a partition meanwhile
   *     (partitions before it stay committed; rerun to retry)
   */
  public List<BarResult> commit(BarPlan plan, Progress progress) {
    requireNonNull(plan, "plan is null");
    if (plan.isEmpty()) {
      return List.of();
    }
    // the tables and Silver files this job's plan() read, when this is its plan
    boolean planned = plannedFiles != null && plannedFiles.snapshotId() == plan.silverSnapshotId();
    Table silver = planned ? plannedSilver : warehouse.table(TableContracts.SILVER_TRADES.id());
    Snapshot pinned = silver.snapshot(plan.silverSnapshotId());
    if (pinned == null) {
      // expired since the plan (a routine `expire` while the run goes): like a lost race,
      // commitResolvingConflicts plans again from the current snapshot
      throw TicklakeException.of(
          Kind.CONFLICT,
          "Cannot build %s: Silver snapshot %d of the plan no longer exists; plan again",
          TableContracts.GOLD_BARS.name(),
          plan.silverSnapshotId());
    }
    long start = System.nanoTime();
    ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
    phase("calendars", start);
    List<BarResult> results = new ArrayList<>();
    start = System.nanoTime();
    try (DuckDbBridge bridge =
        DuckDbBridge.open(
            warehouse.tempDir(), options.threads(), options.memoryLimit().orElse(null))) {
      phase("DuckDB open", start);
      // rows carry their order (pos) and every output is sorted: DuckDB may write in any order
      bridge.execute("SET preserve_insertion_order = false");
      BarBuild build = new BarBuild(bridge, TableContracts.GOLD_BARS.schema());
      for (List<BarPlan.Task> batch : batches(plan.partitions())) {
        List<ExchangeCalendar> batchCalendars = new ArrayList<>();
        for (BarPlan.Task task : batch) {
          batchCalendars.add(
              calendars
                  .find(task.exchange())
                  .orElseThrow(
                      () ->
                          TicklakeException.of(
                              Kind.CONFIGURATION,
                              "Cannot build bars of partition %s: exchange %s has no calendar in"
                                  + " %s",
                              task.partition(),
                              task.exchange(),
                              TableContracts.EXCHANGE.name())));
        }
        try {
          buildBatch(
              build,
              silver,
              planned ? plannedFiles : null,
              planned && results.isEmpty() ? plannedGold : null,
              pinned,
              plan.goldSnapshotId(),
              batch,
              batchCalendars,
              r -> {
                results.add(r);
                if (progress != null) {
                  progress.partitionDone(r, results.size(), plan.partitions().size());
                }
              });
        } catch (RuntimeException e) {
          throw expiredWhileRead(plan, e);
        }
      }
      start = System.nanoTime();
    }
    phase("DuckDB close", start);
    return results;
  }

  /**
   * {@code failure} of a batch's build, or a CONFLICT when a concurrent {@code ticklake expire}
   * removed the plan's Silver snapshot while the build read it (its data files deleted after they
   * were listed): {@link #commitResolvingConflicts} then plans again from the current snapshot, as
   * when the snapshot is gone before the build starts.
   */
  private RuntimeException expiredWhileRead(BarPlan plan, RuntimeException failure) {
    if ((failure instanceof TicklakeException t && t.kind() == Kind.CONFLICT)
        || !SnapshotExpiry.expiredAfter(
            () -> warehouse.table(TableContracts.SILVER_TRADES.id()),
            plan.silverSnapshotId(),
            failure)) {
      return failure;
    }
    return new TicklakeException(
        Kind.CONFLICT,
        String.format(
            java.util.Locale.ROOT,
            "Cannot build %s: Silver snapshot %d of the plan was expired while the build read it;"
                + " plan again",
            TableContracts.GOLD_BARS.name(),
            plan.silverSnapshotId()),
        failure);
  }

  /**
   * Consecutive tasks of at most {@link #BATCH_ROWS} Silver rows (a larger partition alone) and
   * {@link #BATCH_PARTITIONS} partitions: each batch is one DuckDB load and one statement per
   * interval.
   */
  static List<List<BarPlan.Task>> batches(List<BarPlan.Task> tasks) {
    List<List<BarPlan.Task>> out = new ArrayList<>();
    List<BarPlan.Task> current = new ArrayList<>();
    long rows = 0;
    for (BarPlan.Task t : tasks) {
      if (!current.isEmpty()
          && (rows + t.silverRows() > BATCH_ROWS || current.size() >= BATCH_PARTITIONS)) {
        out.add(current);
        current = new ArrayList<>();
        rows = 0;
      }
      current.add(t);
      rows += t.silverRows();
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * Builds the bars of a batch of partitions in DuckDB, then commits them partition by partition
   * (one {@code OverwriteFiles} each, as a single-partition run would). DuckDB time of a step
   * shared by the batch is attributed to its partitions by their share of the Silver rows.
   */
  private void buildBatch(
      BarBuild build,
      Table silver,
      PinnedScan silverFiles,
      Table plannedGoldTable,
      Snapshot pinned,
      long goldBaseId,
      List<BarPlan.Task> batch,
      List<ExchangeCalendar> calendars,
      java.util.function.Consumer<BarResult> done) {
    long start = System.nanoTime();
    Table gold =
        plannedGoldTable != null
            ? plannedGoldTable
            : warehouse.table(TableContracts.GOLD_BARS.id());
    // the files of the plan's scan, or one scan plan for the batch; split by partition
    PinnedScan batchScan = silverFiles;
    if (batchScan == null) {
      Expression batchFilter = Expressions.alwaysFalse();
      for (BarPlan.Task task : batch) {
        batchFilter = Expressions.or(batchFilter, task.key().expression());
      }
      batchScan = PinnedScan.plan(silver, Optional.of(pinned), batchFilter);
    }
    Map<ExchangeDate, List<DataFile>> filesByPartition = new HashMap<>();
    for (DataFile f : batchScan.dataFiles()) {
      filesByPartition.computeIfAbsent(ExchangeDate.of(silver, f), k -> new ArrayList<>()).add(f);
    }
    List<BarBuild.Part> parts = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      BarPlan.Task task = batch.get(i);
      PartitionFilter filter = PartitionFilter.of(task.exchange(), task.tradingDate());
      List<DataFile> partFiles = filesByPartition.getOrDefault(task.key(), List.of());
      parts.add(
          new BarBuild.Part(
              i,
              task.exchange(),
              task.tradingDate(),
              new PinnedScan(silver, Optional.of(pinned), batchScan.schema(), partFiles),
              filter,
              calendars.get(i)));
    }
    phase("Silver files of " + batch.size() + " partitions", start);
    List<BarInterval> intervals =
        java.util.Arrays.stream(BarInterval.values())
            .filter(i -> batch.stream().anyMatch(t -> t.intervals().contains(i)))
            .toList();
    // per partition: written files (all, to discard on failure) and the files to add
    List<List<Path>> written = new ArrayList<>();
    List<List<DataFile>> files = new ArrayList<>();
    List<Map<BarInterval, Long>> barsOut = new ArrayList<>();
    List<Map<BarInterval, Double>> buildSeconds = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      written.add(new ArrayList<>());
      files.add(new ArrayList<>());
      barsOut.add(new LinkedHashMap<>());
      buildSeconds.add(new LinkedHashMap<>());
    }
    Map<Integer, BarBuild.Input> inputs;
    boolean[] committed = new boolean[batch.size()];
    try {
      long loadStart = System.nanoTime();
      inputs = build.load(parts, intervals);
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      long batchRows = inputs.values().stream().mapToLong(BarBuild.Input::rowsIn).sum();
      for (BarInterval interval : intervals) {
        List<BarBuild.Part> due =
            parts.stream().filter(p -> batch.get(p.id()).intervals().contains(interval)).toList();
        long buildStart = System.nanoTime();
        // one COPY for the batch into a staging folder next to the table's data, then each file
        // moved to its partition's folder under the job's naming
        Path staging =
            Path.of(PinnedScan.localPath(gold.location() + "/data/_staging-" + UUID.randomUUID()));
        try {
          Files.createDirectories(staging.getParent());
          Map<Integer, List<Path>> out = build.write(interval, due, staging);
          long footerStart = System.nanoTime();
          List<BarBuild.Part> owners = new ArrayList<>();
          List<String> locations = new ArrayList<>();
          List<Path> locals = new ArrayList<>();
          for (BarBuild.Part part : due) {
            BarPlan.Task task = batch.get(part.id());
            barsOut.get(part.id()).put(interval, 0L);
            for (Path staged : out.getOrDefault(part.id(), List.of())) {
              String location =
                  ParquetDataFiles.newLocation(
                      gold,
                      task.key().path() + "/interval=" + interval.label(),
                      pinned.snapshotId());
              Path local = Path.of(PinnedScan.localPath(location));
              Files.createDirectories(local.getParent());
              Files.move(staged, local, StandardCopyOption.ATOMIC_MOVE);
              written.get(part.id()).add(local);
              owners.add(part);
              locations.add(location);
              locals.add(local);
            }
          }
          // the footers, read in parallel
          List<DataFile> entries =
              java.util.stream.IntStream.range(0, locals.size())
                  .parallel()
                  .mapToObj(
                      k -> {
                        BarPlan.Task task = batch.get(owners.get(k).id());
                        return ParquetDataFiles.ofLocal(
                            gold,
                            List.of(
                                task.exchange(), task.tradingDate().toString(), interval.label()),
                            locations.get(k),
                            locals.get(k));
                      })
                  .toList();
          for (int k = 0; k < entries.size(); k++) {
            int id = owners.get(k).id();
            files.get(id).add(entries.get(k));
            // the footers' row counts
            barsOut.get(id).merge(interval, entries.get(k).recordCount(), Long::sum);
          }
          phase(
              "move and read footers, " + interval + " " + due.size() + " partitions", footerStart);
        } finally {
          LocalTrees.deleteTreeQuietly(staging);
        }
        double seconds = (System.nanoTime() - buildStart) / 1e9;
        long dueRows = due.stream().mapToLong(p -> inputs.get(p.id()).rowsIn()).sum();
        for (BarBuild.Part part : due) {
          double share =
              dueRows == 0 ? 1.0 / due.size() : (double) inputs.get(part.id()).rowsIn() / dueRows;
          buildSeconds.get(part.id()).put(interval, seconds * share);
        }
      }
      build.close();
      double batchSeconds = (System.nanoTime() - start) / 1e9;
      // one commit per set of partitions due at the same intervals (all of them, mostly)
      Map<List<BarInterval>, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < batch.size(); i++) {
        groups.computeIfAbsent(batch.get(i).intervals(), k -> new ArrayList<>()).add(i);
      }
      for (Map.Entry<List<BarInterval>, List<Integer>> group : groups.entrySet()) {
        long commitStart = System.nanoTime();
        List<BarInterval> groupIntervals = group.getKey();
        List<Integer> members = group.getValue();
        List<Path> mine = new ArrayList<>();
        List<DataFile> adds = new ArrayList<>();
        long rowsIn = 0;
        long rowsOutside = 0;
        Map<BarInterval, Long> groupBars = new TreeMap<>();
        Expression partition = Expressions.alwaysFalse();
        for (int i : members) {
          BarPlan.Task task = batch.get(i);
          mine.addAll(written.get(i));
          adds.addAll(files.get(i));
          rowsIn += inputs.get(i).rowsIn();
          rowsOutside += inputs.get(i).rowsIn() - inputs.get(i).rowsInSessions();
          barsOut.get(i).forEach((iv, n) -> groupBars.merge(iv, n, Long::sum));
          partition = Expressions.or(partition, task.key().expression());
        }
        partition =
            Expressions.and(
                partition,
                Expressions.in(
                    "interval", groupIntervals.stream().map(BarInterval::label).toArray()));
        String names =
            members.stream().map(i -> batch.get(i).partition()).collect(Collectors.joining(","));
        Map<String, String> summary = new TreeMap<>();
        summary.put(BarSummary.OPERATION, BarSummary.BARS);
        summary.put(BarSummary.PARTITION, names);
        summary.put(
            BarSummary.INTERVALS,
            groupIntervals.stream().map(BarInterval::label).collect(Collectors.joining(",")));
        summary.put(BarSummary.SILVER_SNAPSHOT_ID, Long.toString(pinned.snapshotId()));
        summary.put(BarSummary.ROWS_IN, Long.toString(rowsIn));
        summary.put(BarSummary.ROWS_OUTSIDE_SESSIONS, Long.toString(rowsOutside));
        summary.put(
            BarSummary.BARS_OUT,
            Long.toString(groupBars.values().stream().mapToLong(Long::longValue).sum()));
        groupBars.forEach(
            (iv, n) -> summary.put(BarSummary.BARS_OUT + "." + iv.label(), Long.toString(n)));
        members.forEach(i -> committed[i] = true); // from here on the commit discards its files
        PartitionOverwrite.commit(
            gold,
            partition,
            adds,
            goldBaseId,
            summary,
            "build the bars of partition" + (members.size() > 1 ? "s " : " ") + names,
            () -> mine.forEach(BarJob::deleteQuietly));
        phase("commit of " + members.size() + " partitions", commitStart);
        double commitSeconds = (System.nanoTime() - commitStart) / 1e9;
        for (int i : members) {
          BarPlan.Task task = batch.get(i);
          BarBuild.Input input = inputs.get(i);
          double share = batchRows == 0 ? 1.0 / batch.size() : (double) input.rowsIn() / batchRows;
          double commitShare =
              rowsIn == 0 ? 1.0 / members.size() : (double) input.rowsIn() / rowsIn;
          done.accept(
              new BarResult(
                  task.exchange(),
                  task.tradingDate(),
                  input.rowsIn(),
                  input.rowsIn() - input.rowsInSessions(),
                  barsOut.get(i),
                  buildSeconds.get(i),
                  loadSeconds * share,
                  commitSeconds * commitShare,
                  batchSeconds * share + commitSeconds * commitShare,
                  pinned.snapshotId(),
                  gold.currentSnapshot().snapshotId()));
        }
      }
    } catch (IOException e) {
      discardUncommitted(written, committed);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      discardUncommitted(written, committed);
      throw e;
    } finally {
      build.close();
    }
  }

  /**
   * The Silver snapshot each (partition, interval) was last built from, from the Gold history (the
   * newest bar commit naming them wins).
   */
  static Map<ExchangeDate, Map<BarInterval, Long>> lastBuilds(Table gold) {
    Map<ExchangeDate, Map<BarInterval, Long>> out = new HashMap<>();
    Snapshot current = gold.currentSnapshot();
    if (current == null) {
      return out;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), gold::snapshot)) {
      Map<String, String> summary = s.summary();
      if (summary == null || !BarSummary.BARS.equals(summary.get(BarSummary.OPERATION))) {
        continue;
      }
      long silverId = Long.parseLong(summary.get(BarSummary.SILVER_SNAPSHOT_ID));
      // one partition, or several comma-separated (a batch committed at once)
      for (String name : summary.get(BarSummary.PARTITION).split(",")) {
        ExchangeDate key = ExchangeDate.parse(name);
        for (String label : summary.get(BarSummary.INTERVALS).split(",")) {
          BarInterval.find(label)
              .ifPresent(
                  i -> out.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(i, silverId));
        }
      }
    }
    return out;
  }

  /** Traces the wall time of a step of the job with the SQL trace ({@link DuckDbBridge#trace}). */
  private static void phase(String step, long startNanos) {
    DuckDbBridge.trace("-- bar job: " + step, startNanos);
  }

  private static void discardUncommitted(List<List<Path>> written, boolean[] committed) {
    for (int i = 0; i < written.size(); i++) {
      if (!committed[i]) {
        written.get(i).forEach(BarJob::deleteQuietly);
      }
    }
  }

  /** Deletes a file quietly: one no snapshot names is a harmless orphan. */
  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // an orphan file is harmless: no snapshot names it
    }
  }
}

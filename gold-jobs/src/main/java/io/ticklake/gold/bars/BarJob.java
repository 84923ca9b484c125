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
import io.ticklake.catalog.write.ParquetDataFiles;
import io.ticklake.catalog.write.PartitionOverwrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Builds {@code gold.bars} from {@code silver.trades}: for every (exchange, trading_date) partition
 * whose Silver content changed since its bars were built, rebuilds the bars of the selected
 * intervals from the partition's rows at one pinned Silver snapshot and replaces them with one
 * {@code OverwriteFiles} validated from the Gold snapshot the plan was made at. The commit's
 * summary names the partition, the intervals and the Silver snapshot read, which is how the next
 * run knows what is up to date. Each (exchange, trading_date, interval) Gold partition is always
 * replaced whole, so there is exactly one bar per (symbol, bar_start) in it.
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

  private final Warehouse warehouse;
  private final BarOptions options;

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
   * the partition, or when the options force it.
   */
  public BarPlan plan() {
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Table gold = warehouse.table(TableContracts.GOLD_BARS.id());
    Snapshot goldBase = gold.currentSnapshot();
    long goldId = goldBase == null ? -1 : goldBase.snapshotId();
    Snapshot pinned = silver.currentSnapshot();
    if (pinned == null) {
      return new BarPlan(-1, goldId, List.of());
    }
    Map<ExchangeDate, Long> rows = new TreeMap<>();
    for (DataFile f : PinnedScan.plan(silver, Optional.of(pinned)).dataFiles()) {
      rows.merge(ExchangeDate.of(silver, f), f.recordCount(), Long::sum);
    }
    Map<ExchangeDate, Long> touched = new HashMap<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(pinned.snapshotId(), silver::snapshot)) {
      SnapshotChanges changes = SnapshotChanges.builderFor(silver).snapshot(s).build();
      for (DataFile f : changes.addedDataFiles()) {
        touched.merge(ExchangeDate.of(silver, f), s.sequenceNumber(), Math::max);
      }
      for (DataFile f : changes.removedDataFiles()) {
        touched.merge(ExchangeDate.of(silver, f), s.sequenceNumber(), Math::max);
      }
    }
    Map<ExchangeDate, Map<BarInterval, Long>> built = lastBuilds(gold);
    // a partition Silver emptied still has bars to replace
    Map<ExchangeDate, Long> candidates = new TreeMap<>(rows);
    for (ExchangeDate k : touched.keySet()) {
      if (built.containsKey(k)) {
        candidates.putIfAbsent(k, 0L);
      }
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
        } else {
          Snapshot read = silver.snapshot(from);
          long touchedAt = touched.getOrDefault(key, Long.MAX_VALUE);
          if (read == null || touchedAt > read.sequenceNumber()) {
            why = "changed";
          } else {
            continue;
          }
        }
        intervals.add(interval);
        reason = reason == null || reason.equals(why) ? why : reason + "+" + why;
      }
      if (!intervals.isEmpty()) {
        due.add(
            new BarPlan.Task(key.exchange(), key.tradingDate(), intervals, e.getValue(), reason));
      }
    }
    return new BarPlan(pinned.snapshotId(), goldId, due);
  }

  /** Plans and commits. */
  public List<BarResult> run() {
    return commit(plan(), null);
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
    Table silver = warehouse.table(TableContracts.SILVER_TRADES.id());
    Snapshot pinned = silver.snapshot(plan.silverSnapshotId());
    if (pinned == null) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot build %s: Silver snapshot %d of the plan no longer exists; plan again",
          TableContracts.GOLD_BARS.name(),
          plan.silverSnapshotId());
    }
    ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
    List<BarResult> results = new ArrayList<>();
    try (DuckDbBridge bridge =
        DuckDbBridge.open(
            warehouse.tempDir(), options.threads(), options.memoryLimit().orElse(null))) {
      BarBuild build = new BarBuild(bridge, TableContracts.GOLD_BARS.schema());
      for (BarPlan.Task task : plan.partitions()) {
        ExchangeCalendar calendar =
            calendars
                .find(task.exchange())
                .orElseThrow(
                    () ->
                        TicklakeException.of(
                            Kind.CONFIGURATION,
                            "Cannot build bars of partition %s: exchange %s has no calendar in %s",
                            task.partition(),
                            task.exchange(),
                            TableContracts.EXCHANGE.name()));
        BarResult r = buildPartition(build, silver, pinned, plan.goldSnapshotId(), task, calendar);
        results.add(r);
        if (progress != null) {
          progress.partitionDone(r, results.size(), plan.partitions().size());
        }
      }
    }
    return results;
  }

  private BarResult buildPartition(
      BarBuild build,
      Table silver,
      Snapshot pinned,
      long goldBaseId,
      BarPlan.Task task,
      ExchangeCalendar calendar) {
    long start = System.nanoTime();
    Table gold = warehouse.table(TableContracts.GOLD_BARS.id());
    PartitionFilter filter = PartitionFilter.of(task.exchange(), task.tradingDate());
    PinnedScan scan = PinnedScan.plan(silver, Optional.of(pinned), filter.expression());
    List<Path> written = new ArrayList<>();
    List<DataFile> files = new ArrayList<>();
    Map<BarInterval, Long> barsOut = new LinkedHashMap<>();
    Map<BarInterval, Double> buildSeconds = new LinkedHashMap<>();
    BarBuild.Input input;
    try {
      input = build.load(scan, filter, calendar, task.tradingDate());
      List<EligibilityTable> tables =
          input.vendors().stream().map(EligibilityTable::forVendor).toList();
      for (BarInterval interval : task.intervals()) {
        String location =
            gold.location()
                + "/data/exchange="
                + java.net.URLEncoder.encode(
                    task.exchange(), java.nio.charset.StandardCharsets.UTF_8)
                + "/trading_date="
                + task.tradingDate()
                + "/interval="
                + interval.label()
                + "/"
                + pinned.snapshotId()
                + "-"
                + UUID.randomUUID()
                + ".parquet";
        Path local = Path.of(PinnedScan.localPath(location));
        Files.createDirectories(local.getParent());
        written.add(local);
        long buildStart = System.nanoTime();
        long bars =
            build.build(
                interval, tables, calendar, task.exchange(), task.tradingDate(), local.toString());
        barsOut.put(interval, bars);
        buildSeconds.put(interval, (System.nanoTime() - buildStart) / 1e9);
        if (bars > 0) {
          files.add(
              ParquetDataFiles.of(
                  gold,
                  List.of(task.exchange(), task.tradingDate().toString(), interval.label()),
                  location));
        }
      }
    } catch (IOException e) {
      written.forEach(BarJob::deleteQuietly);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      written.forEach(BarJob::deleteQuietly);
      throw e;
    } finally {
      build.close();
    }

    Map<String, String> summary = new TreeMap<>();
    summary.put(BarSummary.OPERATION, BarSummary.BARS);
    summary.put(BarSummary.PARTITION, task.partition());
    summary.put(
        BarSummary.INTERVALS,
        task.intervals().stream().map(BarInterval::label).collect(Collectors.joining(",")));
    summary.put(BarSummary.SILVER_SNAPSHOT_ID, Long.toString(pinned.snapshotId()));
    summary.put(BarSummary.ROWS_IN, Long.toString(input.rowsIn()));
    summary.put(
        BarSummary.ROWS_OUTSIDE_SESSIONS, Long.toString(input.rowsIn() - input.rowsInSessions()));
    long total = barsOut.values().stream().mapToLong(Long::longValue).sum();
    summary.put(BarSummary.BARS_OUT, Long.toString(total));
    barsOut.forEach((i, n) -> summary.put(BarSummary.BARS_OUT + "." + i.label(), Long.toString(n)));

    Expression partition =
        Expressions.and(
            Expressions.equal("exchange", task.exchange()),
            Expressions.and(
                Expressions.equal("trading_date", task.tradingDate().toString()),
                Expressions.in(
                    "interval", task.intervals().stream().map(BarInterval::label).toArray())));
    PartitionOverwrite.commit(
        gold,
        partition,
        files,
        goldBaseId,
        summary,
        "build the bars of partition " + task.partition(),
        () -> written.forEach(BarJob::deleteQuietly));
    written.stream().filter(p -> !isAdded(p, files)).forEach(BarJob::deleteQuietly);
    return new BarResult(
        task.exchange(),
        task.tradingDate(),
        input.rowsIn(),
        input.rowsIn() - input.rowsInSessions(),
        barsOut,
        buildSeconds,
        (System.nanoTime() - start) / 1e9,
        pinned.snapshotId(),
        gold.currentSnapshot().snapshotId());
  }

  private static boolean isAdded(Path local, List<DataFile> files) {
    return files.stream().anyMatch(f -> Path.of(PinnedScan.localPath(f.location())).equals(local));
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
      ExchangeDate key = ExchangeDate.parse(summary.get(BarSummary.PARTITION));
      long silverId = Long.parseLong(summary.get(BarSummary.SILVER_SNAPSHOT_ID));
      for (String label : summary.get(BarSummary.INTERVALS).split(",")) {
        BarInterval.find(label)
            .ifPresent(
                i -> out.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(i, silverId));
      }
    }
    return out;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // an orphan file is harmless: no snapshot names it
    }
  }
}

package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The partitions whose rows in a snapshot of {@code ops.quarantine} come from a compaction that a
 * snapshot of its Silver table does not hold. The compactor commits a partition's quarantine rows,
 * then its Silver rows (so that a run dying in between leaves the partition due); a read between
 * the two — a run still going, one that died there, or an as-of time in that window — finds the new
 * run's quarantine rows next to the old run's Silver rows: rows then counted twice or not at all.
 * For each such partition this finds the quarantine snapshot whose rows of it go with the Silver
 * partition: the newest quarantine commit of the rebuild Silver holds, or, when Silver holds no
 * compaction of the partition, the state before its first one.
 */
public final class UnfinishedCompactions {
  private UnfinishedCompactions() {}

  /**
   * A partition whose quarantine rows run ahead of its Silver rows.
   *
   * @param silverTable the Silver table, e.g. {@code silver.trades}
   * @param partition the partition
   * @param unfinished the newest quarantine commit of the partition (of a rebuild Silver lacks)
   * @param finished the quarantine snapshot whose rows of the partition go with Silver's (empty:
   *     none, the partition then had no quarantine rows), when {@code found}
   * @param found false when that snapshot was expired: the rows cannot be shown as they were
   */
  public record Unfinished(
      String silverTable,
      ExchangeDate partition,
      Snapshot unfinished,
      Optional<Snapshot> finished,
      boolean found) {
    public Unfinished {
      requireNonNull(silverTable, "silverTable is null");
      requireNonNull(partition, "partition is null");
      requireNonNull(unfinished, "unfinished is null");
      requireNonNull(finished, "finished is null");
    }

    /** The quarantine rows of this partition: its {@code source_table} and partition columns. */
    public Expression quarantineRows() {
      return Expressions.and(
          Expressions.equal("source_table", silverTable), partition.expression());
    }
  }

  /**
   * A Silver table read at a snapshot.
   *
   * @param table the table
   * @param snapshot its snapshot, or empty when it had none
   */
  public record TableAt(Table table, Optional<Snapshot> snapshot) {
    public TableAt {
      requireNonNull(table, "table is null");
      requireNonNull(snapshot, "snapshot is null");
    }
  }

  /**
   * The partitions of {@code quarantine} at {@code quarantineAt} whose compaction the Silver table
   * read at its snapshot does not hold, by Silver table and partition.
   *
   * <p>A Silver table whose history at its snapshot was expired and which holds no compaction of a
   * partition is not judged for it (the compaction may have been among the expired snapshots).
   *
   * @param silver the tables that compaction commits may name, by name ({@code silver.trades});
   *     others are left alone
   */
  public static List<Unfinished> find(
      Table quarantine, Snapshot quarantineAt, Map<String, TableAt> silver) {
    requireNonNull(quarantine, "quarantine is null");
    requireNonNull(quarantineAt, "quarantineAt is null");
    // every compaction commit of the quarantine history, newest first, by table and partition
    Map<String, Map<ExchangeDate, List<Snapshot>>> commits = new TreeMap<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(quarantineAt.snapshotId(), quarantine::snapshot)) {
      Map<String, String> summary = s.summary();
      if (summary == null
          || !CompactionMarkers.COMPACT.equals(summary.get(CompactionMarkers.OPERATION))) {
        continue;
      }
      String table = summary.get(CompactionMarkers.TABLE);
      if (table == null || !silver.containsKey(table)) {
        continue;
      }
      commits
          .computeIfAbsent(table, t -> new TreeMap<>())
          .computeIfAbsent(
              ExchangeDate.parse(summary.get(CompactionMarkers.PARTITION)), k -> new ArrayList<>())
          .add(s);
    }
    List<Unfinished> out = new ArrayList<>();
    for (Map.Entry<String, Map<ExchangeDate, List<Snapshot>>> t : commits.entrySet()) {
      TableAt read = silver.get(t.getKey());
      Snapshot silverAt = read.snapshot().orElse(null);
      Map<ExchangeDate, Snapshot> compacted =
          CompactionMarkers.lastCompactions(read.table(), t.getKey(), silverAt);
      Boolean complete = null;
      for (Map.Entry<ExchangeDate, List<Snapshot>> p : t.getValue().entrySet()) {
        List<Snapshot> history = p.getValue();
        Snapshot held = compacted.get(p.getKey());
        if (CompactionMarkers.sameRebuild(held, history.get(0))) {
          continue;
        }
        if (held == null) {
          if (complete == null) {
            complete = CompactionMarkers.historyComplete(read.table(), silverAt);
          }
          if (!complete) {
            continue;
          }
        }
        out.add(unfinished(quarantine, t.getKey(), p.getKey(), held, history));
      }
    }
    return out;
  }

  private static Unfinished unfinished(
      Table quarantine,
      String table,
      ExchangeDate partition,
      Snapshot held,
      List<Snapshot> history) {
    Snapshot newest = history.get(0);
    if (held != null) {
      for (Snapshot s : history) {
        if (CompactionMarkers.sameRebuild(held, s)) {
          return new Unfinished(table, partition, newest, Optional.of(s), true);
        }
      }
      return new Unfinished(table, partition, newest, Optional.empty(), false);
    }
    // Silver holds no compaction of it: the quarantine as before its first one
    Snapshot oldest = history.get(history.size() - 1);
    if (oldest.parentId() == null) {
      return new Unfinished(table, partition, newest, Optional.empty(), true);
    }
    Snapshot before = quarantine.snapshot(oldest.parentId());
    return new Unfinished(table, partition, newest, Optional.ofNullable(before), before != null);
  }

  /** Groups {@code unfinished} by Silver table, in order. */
  public static Map<String, List<Unfinished>> bySilverTable(List<Unfinished> unfinished) {
    Map<String, List<Unfinished>> out = new LinkedHashMap<>();
    unfinished.forEach(u -> out.computeIfAbsent(u.silverTable(), t -> new ArrayList<>()).add(u));
    return out;
  }
}

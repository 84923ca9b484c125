package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.snapshot.CompactionLog;
import java.util.List;

/**
 * The partitions a compaction would rebuild, all from one pinned Bronze snapshot.
 *
 * @param table the table
 * @param bronzeSnapshotId the pinned Bronze snapshot, or -1 when Bronze is empty
 * @param silverSnapshotId the Silver snapshot the plan read, or -1 when Silver was empty; the
 *     commits validate from it, so a partition another compaction replaced since is a conflict
 * @param partitions the partitions to rebuild, sorted
 * @param checked what the plan verified without a rebuild, for {@code ops.compaction_log}:
 *     partitions whose Silver rows keep their {@code symbol_id} under the current {@code
 *     ref.dim_symbol} (written by the run, see {@link SilverCompactor#recordChecks})
 */
public record CompactionPlan(
    SilverTable table,
    long bronzeSnapshotId,
    long silverSnapshotId,
    List<Task> partitions,
    List<CompactionLog.Entry> checked) {
  public CompactionPlan {
    requireNonNull(table, "table is null");
    partitions = List.copyOf(partitions);
    checked = List.copyOf(checked);
  }

  /** A plan that verified nothing beyond its partitions. */
  public CompactionPlan(
      SilverTable table, long bronzeSnapshotId, long silverSnapshotId, List<Task> partitions) {
    this(table, bronzeSnapshotId, silverSnapshotId, partitions, List.of());
  }

  /**
   * One partition to rebuild.
   *
   * @param key the partition
   * @param bronzeRows rows of the partition at the pinned Bronze snapshot
   * @param bronzeFiles data files of the partition at that snapshot
   * @param reason why: {@code new} (never compacted), {@code changed} (its Bronze files are not the
   *     set its compaction read), {@code removed} (no Bronze file of it is left: the rebuild
   *     empties it), {@code symbols} (the dimension now resolves some of its {@code unknown_symbol}
   *     rows), {@code remapped} (the dimension now gives some of its Silver rows another {@code
   *     symbol_id}), {@code rules} (it was built under other validation settings), {@code forced},
   *     or {@code unfinished} (its Silver and quarantine commits come from different rebuilds: a
   *     run died or lost a race between the two)
   */
  public record Task(ExchangeDate key, long bronzeRows, long bronzeFiles, String reason) {
    public Task {
      requireNonNull(key, "key is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /** True when there is nothing to do. */
  public boolean isEmpty() {
    return partitions.isEmpty();
  }
}

package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * When each (exchange, trading_date) partition of an input table last changed, as seen from one
 * pinned snapshot: the highest sequence number among the snapshots in its history that added or
 * removed a data file of the partition. Incremental jobs (the Silver compactor over Bronze, the bar
 * job over Silver) ask it whether a partition changed after the input snapshot they last read.
 */
public final class PartitionHistory {
  private final Table table;
  private final Map<ExchangeDate, Long> lastChanged;

  private PartitionHistory(Table table, Map<ExchangeDate, Long> lastChanged) {
    this.table = table;
    this.lastChanged = lastChanged;
  }

  /** Reads the history of {@code table} back from {@code pinned} (one pass over its snapshots). */
  public static PartitionHistory of(Table table, Snapshot pinned) {
    requireNonNull(table, "table is null");
    requireNonNull(pinned, "pinned is null");
    Map<ExchangeDate, Long> last = new HashMap<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(pinned.snapshotId(), table::snapshot)) {
      SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(s).build();
      for (DataFile f : changes.addedDataFiles()) {
        last.merge(ExchangeDate.of(table, f), s.sequenceNumber(), Math::max);
      }
      for (DataFile f : changes.removedDataFiles()) {
        last.merge(ExchangeDate.of(table, f), s.sequenceNumber(), Math::max);
      }
    }
    return new PartitionHistory(table, last);
  }

  /** The partitions some snapshot of the history added or removed a data file of. */
  public Set<ExchangeDate> changedPartitions() {
    return lastChanged.keySet();
  }

  /**
   * Whether {@code partition} changed after the snapshot {@code readSnapshotId}. A snapshot that
   * has expired, or a partition the history never touched, counts as changed: the caller cannot
   * prove its output is current, so it rebuilds.
   */
  public boolean changedSince(ExchangeDate partition, long readSnapshotId) {
    Snapshot read = table.snapshot(readSnapshotId);
    long changedAt = lastChanged.getOrDefault(partition, Long.MAX_VALUE);
    return read == null || changedAt > read.sequenceNumber();
  }
}

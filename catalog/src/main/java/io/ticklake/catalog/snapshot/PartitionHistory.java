package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.ExchangeDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * When each (exchange, trading_date) partition of an input table last changed, as seen from one
 * pinned snapshot: the highest sequence number among the snapshots in its history that added or
 * removed a data file of the partition. Incremental jobs (the Silver compactor over Bronze, the bar
 * job over Silver) ask it whether a partition changed after the input snapshot they last read.
 *
 * <p>The history is the chain of ancestors of the pinned snapshot as far back as it is kept. An
 * input snapshot a job read that is not on that chain — rolled back, or expired — cannot be
 * compared with it, so every partition counts as changed since it; one that is on the chain was
 * followed by exactly the snapshots walked before it, so a partition none of them touched did not
 * change.
 *
 * <p>Not thread-safe (the history is read on first use).
 */
public final class PartitionHistory {
  private final Table table;
  private final Snapshot pinned;
  private Map<ExchangeDate, Long> lastChanged;
  private Set<Long> ancestors;

  private PartitionHistory(Table table, Snapshot pinned) {
    this.table = table;
    this.pinned = pinned;
  }

  /**
   * The history of {@code table} back from {@code pinned}. It is read (one pass over the snapshots
   * and their manifests) on the first question, so a caller that ends up asking none pays nothing.
   */
  public static PartitionHistory of(Table table, Snapshot pinned) {
    requireNonNull(table, "table is null");
    requireNonNull(pinned, "pinned is null");
    return new PartitionHistory(table, pinned);
  }

  /** How often {@link #read} reads the table again whose snapshots expire while it reads them. */
  private static final int MAX_READS = 5;

  /**
   * {@link #readOnce}, again on the table as it is now when a concurrent {@code ticklake expire}
   * removed snapshots after the table was loaded (their manifest lists and manifests are gone): the
   * history then reaches back only through the snapshots left, and a pinned snapshot that went
   * itself makes every partition count as changed.
   */
  private void read() {
    for (int attempt = 1; ; attempt++) {
      try {
        readOnce();
        return;
      } catch (NotFoundException e) {
        if (attempt >= MAX_READS) {
          throw TicklakeException.of(
              Kind.CONFLICT,
              "Cannot read the history of %s: its snapshots kept expiring while they were read"
                  + " (%s); rerun",
              table.name(),
              e.getMessage());
        }
        table.refresh();
      }
    }
  }

  private void readOnce() {
    Map<ExchangeDate, Long> last = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    if (table.snapshot(pinned.snapshotId()) == null) {
      lastChanged = last; // the pinned snapshot expired: no read snapshot is an ancestor left
      ancestors = seen;
      return;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(pinned.snapshotId(), table::snapshot)) {
      seen.add(s.snapshotId());
      SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(s).build();
      for (DataFile f : changes.addedDataFiles()) {
        last.merge(ExchangeDate.of(table, f), s.sequenceNumber(), Math::max);
      }
      for (DataFile f : changes.removedDataFiles()) {
        last.merge(ExchangeDate.of(table, f), s.sequenceNumber(), Math::max);
      }
    }
    lastChanged = last;
    ancestors = seen;
  }

  /**
   * Whether {@code partition} changed after the snapshot {@code readSnapshotId}. A snapshot that is
   * not an ancestor of the pinned one still kept — rolled back (the rows it read may be gone) or
   * expired — counts as a change of every partition: the caller cannot prove its output is current,
   * so it rebuilds once, and its next read is on the chain again. Otherwise the partition changed
   * when a snapshot after the read one added or removed one of its files; one that no kept snapshot
   * touched (its files came from snapshots since expired, older than the read one) did not.
   */
  public boolean changedSince(ExchangeDate partition, long readSnapshotId) {
    if (lastChanged == null) {
      read();
    }
    Snapshot read = table.snapshot(readSnapshotId);
    if (read == null || !ancestors.contains(readSnapshotId)) {
      return true;
    }
    Long changedAt = lastChanged.get(partition);
    return changedAt != null && changedAt > read.sequenceNumber();
  }
}

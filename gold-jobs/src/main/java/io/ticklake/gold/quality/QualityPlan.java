package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.util.List;

/**
 * What a quality build would do: the days to rebuild, pinned to one snapshot of Silver trades and
 * of the quarantine. Changes nothing.
 *
 * @param silverSnapshotId the pinned {@code silver.trades} snapshot, -1 when Silver is empty
 * @param quarantineSnapshotId the pinned {@code ops.quarantine} snapshot, -1 when empty
 * @param qualitySnapshotId the {@code gold.quality_daily} snapshot the plan was made at, -1 when
 *     empty (the commit validates that no other build replaced the days since)
 * @param days the days to rebuild, in (exchange, date) order
 * @param unfinished selected days whose compaction committed the quarantine but not yet Silver (a
 *     compaction is running or died between its two commits); left alone until it is finished
 */
public record QualityPlan(
    long silverSnapshotId,
    long quarantineSnapshotId,
    long qualitySnapshotId,
    List<Task> days,
    List<ExchangeDate> unfinished) {
  public QualityPlan {
    days = List.copyOf(requireNonNull(days, "days is null"));
    unfinished = List.copyOf(requireNonNull(unfinished, "unfinished is null"));
  }

  /**
   * One day to rebuild.
   *
   * @param key the day
   * @param compactionSnapshotId the Silver snapshot that last compacted the day
   * @param bronzeSnapshotId the Bronze snapshot that compaction read
   * @param reason new, changed, gap-rule (last built with another gap rule) or forced
   */
  public record Task(
      ExchangeDate key, long compactionSnapshotId, long bronzeSnapshotId, String reason) {
    public Task {
      requireNonNull(key, "key is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return days.isEmpty();
  }
}

package io.ticklake.gold.quality;

import io.ticklake.catalog.snapshot.CompactionMarkers;

/**
 * Snapshot summary keys the quality job writes on {@code gold.quality_daily} commits. Those of the
 * Silver compaction commits it reads are {@link io.ticklake.catalog.snapshot.CompactionMarkers}.
 */
public final class QualitySummary {
  /** Marks a ticklake job commit: {@code ticklake.operation}. */
  public static final String OPERATION = CompactionMarkers.OPERATION;

  /** Value of {@link #OPERATION} for quality builds. */
  public static final String QUALITY = "gold-quality";

  /** The pinned {@code silver.trades} snapshot of the build. */
  public static final String SILVER_SNAPSHOT_ID = "ticklake.silver-snapshot-id";

  /** The pinned {@code ops.quarantine} snapshot of the build. */
  public static final String QUARANTINE_SNAPSHOT_ID = "ticklake.quarantine-snapshot-id";

  /**
   * The days the commit rebuilt, each with the Silver compaction snapshot it was built from: {@code
   * exchange/date=snapshotId} separated by commas. Incremental planning compares these.
   */
  public static final String DAYS = "ticklake.quality.days";

  /** Rows written by the commit. */
  public static final String ROWS = "ticklake.rows";

  /** The gap rule used, e.g. {@code 20x-median-min-PT1M}. */
  public static final String GAP_RULE = "ticklake.quality.gap-rule";

  private QualitySummary() {}
}

package io.ticklake.gold.quality;

/**
 * Snapshot summary keys: those the quality job writes on {@code gold.quality_daily} commits, and
 * those of Silver compaction commits it reads (written by the silver-compactor, whose classes Gold
 * may not import; the names are the contract between the two tiers).
 */
public final class QualitySummary {
  /** Marks a ticklake job commit: {@code ticklake.operation}. */
  public static final String OPERATION = "ticklake.operation";

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

  // Keys of Silver compaction commits (see io.ticklake.silver.SilverSummary).

  /** Value of {@link #OPERATION} on Silver compaction commits. */
  public static final String SILVER_COMPACT = "silver-compact";

  /** The Silver table a compaction commit rebuilt, e.g. {@code silver.trades}. */
  public static final String COMPACTED_TABLE = "ticklake.table";

  /** The partition a compaction commit rebuilt, {@code exchange/yyyy-mm-dd}. */
  public static final String COMPACTED_PARTITION = "ticklake.partition";

  /** The Bronze snapshot a compaction read. */
  public static final String BRONZE_SNAPSHOT_ID = "ticklake.bronze-snapshot-id";

  /** Duplicates a compaction removed from the partition. */
  public static final String COMPACTED_DUPLICATES = "ticklake.duplicates";

  /** Rows a compaction rejected into quarantine. */
  public static final String COMPACTED_QUARANTINED = "ticklake.quarantined";

  /** Bronze rows a compaction read. */
  public static final String COMPACTED_ROWS_IN = "ticklake.rows-in";

  /** Rows a compaction wrote to Silver. */
  public static final String COMPACTED_ROWS_OUT = "ticklake.rows-out";

  private QualitySummary() {}
}

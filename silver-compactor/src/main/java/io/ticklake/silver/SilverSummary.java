package io.ticklake.silver;

/** Snapshot summary properties of Silver (and its quarantine) compaction commits. */
public final class SilverSummary {
  /** Marks a compaction commit: {@code ticklake.operation=silver-compact}. */
  public static final String OPERATION = "ticklake.operation";

  /** Value of {@link #OPERATION} for compaction commits. */
  public static final String COMPACT = "silver-compact";

  /** The Bronze snapshot the partition was rebuilt from. */
  public static final String BRONZE_SNAPSHOT_ID = "ticklake.bronze-snapshot-id";

  /** The Silver table compacted, e.g. {@code silver.trades} (quarantine holds both tables). */
  public static final String TABLE = "ticklake.table";

  /** The partition, {@code exchange/yyyy-mm-dd}. */
  public static final String PARTITION = "ticklake.partition";

  /** Bronze rows read. */
  public static final String ROWS_IN = "ticklake.rows-in";

  /** Rows removed as re-deliveries. */
  public static final String DUPLICATES = "ticklake.duplicates";

  /** Rows rejected (error severity) into quarantine. */
  public static final String QUARANTINED = "ticklake.quarantined";

  /** Rows kept but flagged (warn severity). */
  public static final String WARNED = "ticklake.warned";

  /** Rows written to Silver. */
  public static final String ROWS_OUT = "ticklake.rows-out";

  /** Digest over the event columns of the partition in Silver order. */
  public static final String DIGEST = "ticklake.digest";

  private SilverSummary() {}
}

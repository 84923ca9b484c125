package io.ticklake.silver;

import io.ticklake.catalog.snapshot.CompactionMarkers;

/**
 * Snapshot summary properties of Silver (and its quarantine) compaction commits: the names of
 * {@link CompactionMarkers}, which later tiers read.
 */
public final class SilverSummary {
  /** Marks a compaction commit: {@code ticklake.operation=silver-compact}. */
  public static final String OPERATION = CompactionMarkers.OPERATION;

  /** Value of {@link #OPERATION} for compaction commits. */
  public static final String COMPACT = CompactionMarkers.COMPACT;

  /** The Bronze snapshot the partition was rebuilt from. */
  public static final String BRONZE_SNAPSHOT_ID = CompactionMarkers.BRONZE_SNAPSHOT_ID;

  /** The Silver table compacted, e.g. {@code silver.trades} (quarantine holds both tables). */
  public static final String TABLE = CompactionMarkers.TABLE;

  /** The partition, {@code exchange/yyyy-mm-dd}. */
  public static final String PARTITION = CompactionMarkers.PARTITION;

  /** What the partition was rebuilt from (Bronze snapshot, rules, policy), in both commits. */
  public static final String REBUILD_KEY = CompactionMarkers.REBUILD_KEY;

  /** Bronze rows read. */
  public static final String ROWS_IN = CompactionMarkers.ROWS_IN;

  /** Rows removed as re-deliveries. */
  public static final String DUPLICATES = CompactionMarkers.DUPLICATES;

  /** Rows rejected (error severity) into quarantine. */
  public static final String QUARANTINED = CompactionMarkers.QUARANTINED;

  /**
   * Rows quarantined by rule {@code unknown_symbol}: when non-zero, a later change of {@code
   * ref.dim_symbol} that resolves them makes the partition due again (reason {@code symbols}).
   */
  public static final String UNKNOWN_SYMBOLS = CompactionMarkers.UNKNOWN_SYMBOLS;

  /** The {@code ref.dim_symbol} snapshot the symbol ids were resolved against, or {@code none}. */
  public static final String DIM_SYMBOL_SNAPSHOT_ID = CompactionMarkers.DIM_SYMBOL_SNAPSHOT_ID;

  /** The partition's Bronze files: count and SHA-256 of their sorted locations. */
  public static final String BRONZE_FILES = CompactionMarkers.BRONZE_FILES;

  /**
   * The validation settings the partition was built under ({@link ValidationSettings#key}): when
   * they change, the partition is rebuilt (reason {@code rules}).
   */
  public static final String RULES = CompactionMarkers.RULES;

  /**
   * The trading date's sessions the partition was built with ({@link SilverCompactor#sessionsKey}):
   * when {@code ref.exchange} or the calendar rules give the date other sessions, the partition is
   * rebuilt (reason {@code calendar}).
   */
  public static final String SESSIONS = CompactionMarkers.SESSIONS;

  /** Rows kept but flagged (warn severity). */
  public static final String WARNED = CompactionMarkers.WARNED;

  /** Rows written to Silver. */
  public static final String ROWS_OUT = CompactionMarkers.ROWS_OUT;

  /** Digest over the event columns of the partition in Silver order. */
  public static final String DIGEST = CompactionMarkers.DIGEST;

  private SilverSummary() {}
}

package io.ticklake.gold.bars;

/** Snapshot summary properties of {@code gold.bars} commits. */
public final class BarSummary {
  /** Marks a bar commit: {@code ticklake.operation=gold-bars}. */
  public static final String OPERATION = "ticklake.operation";

  /** Value of {@link #OPERATION} for bar commits. */
  public static final String BARS = "gold-bars";

  /**
   * The Silver partitions the bars were built from, {@code exchange/yyyy-mm-dd}, comma-separated
   * when one commit replaced the bars of several (a batch).
   */
  public static final String PARTITION = "ticklake.partition";

  /** The intervals replaced by the commit, comma-separated (e.g. {@code 1s,1m,5m,1h,1d}). */
  public static final String INTERVALS = "ticklake.intervals";

  /** The Silver snapshot the partition was read at. */
  public static final String SILVER_SNAPSHOT_ID = "ticklake.silver-snapshot-id";

  /** Silver rows read (over all partitions of the commit, as the counts below). */
  public static final String ROWS_IN = "ticklake.rows-in";

  /** Silver rows outside every session of the date (in no bar). */
  public static final String ROWS_OUTSIDE_SESSIONS = "ticklake.rows-outside-sessions";

  /** Bars written over all intervals; per interval under {@code ticklake.bars-out.<interval>}. */
  public static final String BARS_OUT = "ticklake.bars-out";

  private BarSummary() {}
}

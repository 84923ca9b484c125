package io.ticklake.catalog.snapshot;

import io.ticklake.catalog.contract.ExchangeDate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The snapshot summary markers of Silver compaction commits (on a Silver table and on the
 * quarantine): the silver-compactor writes them, later tiers read them. They live here because Gold
 * may not import Silver; the names are the contract between the tiers.
 */
public final class CompactionMarkers {
  /** Marks a ticklake job commit: {@code ticklake.operation}. */
  public static final String OPERATION = "ticklake.operation";

  /** Value of {@link #OPERATION} for compaction commits. */
  public static final String COMPACT = "silver-compact";

  /** The Bronze snapshot the partition was rebuilt from. */
  public static final String BRONZE_SNAPSHOT_ID = "ticklake.bronze-snapshot-id";

  /** The Silver table compacted, e.g. {@code silver.trades} (quarantine holds both tables). */
  public static final String TABLE = "ticklake.table";

  /** The partition, {@code exchange/yyyy-mm-dd}. */
  public static final String PARTITION = "ticklake.partition";

  /**
   * What a partition was rebuilt from: a hash of the Bronze snapshot, the validation rules and the
   * symbol registration policy, the same in a rebuild's quarantine and Silver commit. A run that
   * committed only its quarantine is then told apart even when it read the same Bronze snapshot (a
   * forced rebuild with other rules, say), while two runs with equal inputs stay interchangeable.
   */
  public static final String REBUILD_KEY = "ticklake.rebuild-key";

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

  /**
   * The partition's Bronze data files the compaction read: their count and the SHA-256 of their
   * sorted locations ({@link #fileSetKey}). Bronze files never change once written, so an equal key
   * means equal rows, whatever happened to the snapshot history in between.
   */
  public static final String BRONZE_FILES = "ticklake.bronze-files";

  /** Rows the compaction quarantined as {@code unknown_symbol}. */
  public static final String UNKNOWN_SYMBOLS = "ticklake.unknown-symbols";

  /** The {@code ref.dim_symbol} snapshot the compaction resolved symbols against, or none. */
  public static final String DIM_SYMBOL_SNAPSHOT_ID = "ticklake.dim-symbol-snapshot-id";

  /** Key of the validation settings a partition was built under. */
  public static final String RULES = "ticklake.rules";

  /** Key of the trading date's sessions a partition was built with. */
  public static final String SESSIONS = "ticklake.sessions";

  /** The {@link #BRONZE_FILES} value of a set of data file locations. */
  public static String fileSetKey(Collection<String> locations) {
    StringBuilder text = new StringBuilder();
    locations.stream().sorted().forEach(l -> text.append(l).append('\n'));
    return locations.size() + ":" + sha256Hex(text.toString());
  }

  /** The SHA-256 of the UTF-8 of {@code text}, in lower-case hex (the markers' hashes). */
  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  private CompactionMarkers() {}

  /**
   * The newest compaction commit of {@code silverTable} per partition in the history of {@code
   * table} (the Silver table itself or the quarantine).
   */
  public static Map<ExchangeDate, Snapshot> lastCompactions(Table table, String silverTable) {
    return lastCompactions(table, silverTable, table.currentSnapshot());
  }

  /**
   * The newest compaction commit of {@code silverTable} per partition in the history of {@code
   * table} up to and including {@code at} (none when {@code at} is null).
   */
  public static Map<ExchangeDate, Snapshot> lastCompactions(
      Table table, String silverTable, Snapshot at) {
    Map<ExchangeDate, Snapshot> out = new TreeMap<>();
    if (at == null) {
      return out;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(at.snapshotId(), table::snapshot)) {
      Map<String, String> summary = s.summary();
      if (summary == null
          || !COMPACT.equals(summary.get(OPERATION))
          || !silverTable.equals(summary.get(TABLE))) {
        continue;
      }
      out.putIfAbsent(ExchangeDate.parse(summary.get(PARTITION)), s);
    }
    return out;
  }

  /**
   * Whether a partition's latest Silver and quarantine compaction commits come from equal rebuilds:
   * the same rebuild key, or — for commits from before the key existed — the same Bronze snapshot;
   * the same count of {@code unknown_symbol} rows (a rebuild after a dimension change reads the
   * same Bronze with the same rules, but resolves other symbols); and the same {@link #SESSIONS} (a
   * rebuild after a calendar change labels other sessions). A commit with a marker and one without
   * come from different runs.
   *
   * @param silver the Silver commit, or null when there is none
   * @param quarantine the quarantine commit, or null when there is none
   */
  public static boolean sameRebuild(Snapshot silver, Snapshot quarantine) {
    return sameRebuild(
        silver == null ? null : silver.summary(), quarantine == null ? null : quarantine.summary());
  }

  /**
   * {@link #sameRebuild(Snapshot, Snapshot)} on the commits' markers (their snapshot summaries, or
   * the same entries kept elsewhere).
   */
  public static boolean sameRebuild(Map<String, String> silver, Map<String, String> quarantine) {
    if (silver == null || quarantine == null) {
      return false;
    }
    if (!Objects.equals(silver.get(UNKNOWN_SYMBOLS), quarantine.get(UNKNOWN_SYMBOLS))) {
      return false;
    }
    // a rebuild after a calendar change reads the same Bronze with the same rules too, but labels
    // other sessions
    if (!Objects.equals(silver.get(SESSIONS), quarantine.get(SESSIONS))) {
      return false;
    }
    String a = silver.get(REBUILD_KEY);
    String b = quarantine.get(REBUILD_KEY);
    if (a != null || b != null) {
      return a != null && a.equals(b);
    }
    return bronzeSnapshotId(silver) == bronzeSnapshotId(quarantine);
  }

  /** The Bronze snapshot a compaction commit read. */
  public static long bronzeSnapshotId(Snapshot compaction) {
    return bronzeSnapshotId(compaction.summary());
  }

  /** The Bronze snapshot a compaction read, from its markers. */
  public static long bronzeSnapshotId(Map<String, String> markers) {
    return Long.parseLong(markers.get(BRONZE_SNAPSHOT_ID));
  }

  /**
   * Whether {@code table}'s history reaches back to its first snapshot: no ancestor of the current
   * snapshot has expired, so every commit that shaped the current state is still there to read.
   */
  public static boolean historyComplete(Table table) {
    return historyComplete(table, table.currentSnapshot());
  }

  /**
   * Whether the history of {@code table} up to {@code at} reaches back to its first snapshot (true
   * when {@code at} is null: an empty table has all of its no history).
   */
  public static boolean historyComplete(Table table, Snapshot at) {
    Snapshot s = at;
    while (s != null && s.parentId() != null) {
      s = table.snapshot(s.parentId());
    }
    return s != null || at == null;
  }
}

package io.ticklake.bronze.ingest;

import java.util.Arrays;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Reads ticklake's commit markers from a table's snapshot history. Every ingest commit names the
 * file ids whose rows it contains in the snapshot summary property {@value #FILE_IDS}; before
 * ingesting a file, the job asks the history whether that id is already committed, so a crash
 * between the Bronze commit and the manifest update never duplicates rows on rerun.
 */
public final class BronzeHistory {
  /** Snapshot summary property: comma-separated file ids committed by the snapshot. */
  public static final String FILE_IDS = "ticklake.file-ids";

  /** Snapshot summary property: rows written per file id, {@code id:rows,…}. */
  public static final String FILE_ROWS = "ticklake.file-rows";

  private BronzeHistory() {}

  /** The snapshot (on the current branch's ancestry) that committed {@code fileId}, if any. */
  public static Optional<Snapshot> committed(Table table, long fileId) {
    table.refresh();
    String id = Long.toString(fileId);
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      String ids = s.summary().get(FILE_IDS);
      if (ids != null && Arrays.asList(ids.split(",")).contains(id)) {
        return Optional.of(s);
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return Optional.empty();
  }

  /**
   * Every file id committed on the current branch's ancestry, with its snapshot: one walk of the
   * history for a whole ingest run.
   */
  public static java.util.Map<Long, Snapshot> committedFiles(Table table) {
    table.refresh();
    java.util.Map<Long, Snapshot> out = new java.util.HashMap<>();
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      String ids = s.summary().get(FILE_IDS);
      if (ids != null && !ids.isEmpty()) {
        for (String id : ids.split(",")) {
          out.putIfAbsent(Long.parseLong(id), s);
        }
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return out;
  }

  /** Rows a snapshot recorded for a file id, if it recorded them. */
  public static Optional<Long> rowsOf(Snapshot s, long fileId) {
    String rows = s.summary().get(FILE_ROWS);
    if (rows == null) {
      return Optional.empty();
    }
    for (String pair : rows.split(",")) {
      int colon = pair.indexOf(':');
      if (colon > 0 && pair.substring(0, colon).equals(Long.toString(fileId))) {
        return Optional.of(Long.parseLong(pair.substring(colon + 1)));
      }
    }
    return Optional.empty();
  }
}

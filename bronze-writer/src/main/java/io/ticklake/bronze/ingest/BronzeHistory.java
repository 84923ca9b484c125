package io.ticklake.bronze.ingest;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Reads ticklake's commit markers from a table's snapshot history. Every ingest commit names the
 * file ids whose rows it contains in the snapshot summary property {@value #FILE_IDS}; before
 * ingesting a file, the job asks the history whether that id is already committed, so a crash
 * between the Bronze commit and the manifest update never duplicates rows on rerun. The same commit
 * also marks the file in the table's properties until the manifest records it ({@link
 * #ingestFileProperty}), so the answer survives the expiry of that snapshot.
 */
public final class BronzeHistory {
  /** Snapshot summary property: comma-separated file ids committed by the snapshot. */
  public static final String FILE_IDS = "ticklake.file-ids";

  /** Snapshot summary property: rows written per file id, {@code id:rows,…}. */
  public static final String FILE_ROWS = "ticklake.file-rows";

  private BronzeHistory() {}

  /**
   * Table property prefix of an ingest commit not yet settled in the manifest: {@code
   * ticklake.ingest/file/<file id>} = the id of the snapshot that committed the file's rows. An
   * ingest sets it in the same transaction as the append and removes it once the manifest records
   * the file, so it outlives the snapshot — {@code ticklake expire} before the rerun of a crashed
   * ingest — and the table's metadata holds only the files of a running or crashed ingest.
   */
  public static final String INGEST_FILE_PREFIX = "ticklake.ingest/file/";

  /** The table property that marks file {@code fileId} committed, not yet settled. */
  public static String ingestFileProperty(long fileId) {
    return INGEST_FILE_PREFIX + fileId;
  }

  /** The file ids the table's properties mark committed and not yet settled. */
  public static java.util.Set<Long> unsettledFiles(Table table) {
    java.util.Set<Long> out = new java.util.TreeSet<>();
    table
        .properties()
        .forEach(
            (k, v) -> {
              if (k.startsWith(INGEST_FILE_PREFIX)) {
                out.add(Long.parseLong(k.substring(INGEST_FILE_PREFIX.length())));
              }
            });
    return out;
  }

  /**
   * Every file id committed to the table, with the id of the snapshot that committed it: one walk
   * of the current branch's ancestry for a whole ingest run ({@value #FILE_IDS}), plus the files
   * the properties mark unsettled ({@link #ingestFileProperty}), whose snapshot may have expired.
   */
  public static java.util.Map<Long, Long> committedFiles(Table table) {
    table.refresh();
    java.util.Map<Long, Long> out = new java.util.HashMap<>();
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      String ids = s.summary().get(FILE_IDS);
      if (ids != null && !ids.isEmpty()) {
        for (String id : ids.split(",")) {
          out.putIfAbsent(Long.parseLong(id), s.snapshotId());
        }
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    for (long fileId : unsettledFiles(table)) {
      out.putIfAbsent(fileId, Long.parseLong(table.properties().get(ingestFileProperty(fileId))));
    }
    return out;
  }

  /** Snapshot summary property: id of the live writer whose WAL records the snapshot holds. */
  public static final String WRITER_ID = "ticklake.writer-id";

  /** Snapshot summary property: first WAL sequence number the snapshot holds. */
  public static final String WAL_FIRST_SEQ = "ticklake.wal-first-seq";

  /** Snapshot summary property: last WAL sequence number the snapshot holds. */
  public static final String WAL_LAST_SEQ = "ticklake.wal-last-seq";

  /** Snapshot summary property: the WAL (trades, quotes) the records came from. */
  public static final String WAL_TABLE = "ticklake.wal-table";

  /** Snapshot summary property: highest vendor sequence number the writer has committed so far. */
  public static final String VENDOR_HIGH_SEQ = "ticklake.vendor-high-seq";

  /**
   * The newest snapshot on the current branch's ancestry written by live writer {@code writerId}
   * from WAL {@code walTable} (any WAL when null). A writer commits its WAL records in sequence
   * order, so this snapshot holds the writer's watermark, {@link #WAL_LAST_SEQ}.
   */
  public static Optional<Snapshot> lastWriterSnapshot(
      Table table, String writerId, String walTable) {
    table.refresh();
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      java.util.Map<String, String> summary = s.summary();
      if (writerId.equals(summary.get(WRITER_ID))
          && summary.get(WAL_LAST_SEQ) != null
          && (walTable == null || walTable.equals(summary.get(WAL_TABLE)))) {
        return Optional.of(s);
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return Optional.empty();
  }

  /**
   * A live writer's watermark in one table: the last WAL sequence number it committed there and,
   * for Bronze, the highest vendor sequence number committed so far ({@code absent} when none).
   */
  public record WriterMark(long walLastSeq, OptionalLong vendorHighSeq) {
    public WriterMark {
      if (walLastSeq < 0) {
        throw new IllegalArgumentException("Cannot have a negative WAL watermark: " + walLastSeq);
      }
      java.util.Objects.requireNonNull(vendorHighSeq, "vendorHighSeq is null");
    }
  }

  /**
   * The table property that keeps writer {@code writerId}'s WAL watermark (from WAL {@code
   * walTable}, or null in Bronze, where each table has one WAL) in the table's current metadata:
   * {@code ticklake.writer/<id>[/<wal>]/wal-last-seq}. Snapshot summaries go with expired
   * snapshots; properties do not. Writer ids never hold {@code /}.
   */
  public static String watermarkProperty(String writerId, String walTable) {
    return "ticklake.writer/"
        + writerId
        + (walTable == null ? "" : "/" + walTable)
        + "/wal-last-seq";
  }

  /**
   * The quarantine table property that keeps the highest feed seq of a bad input line writer {@code
   * writerId} has quarantined for WAL table {@code walTable} (a line whose type could not be read
   * counts for both): {@code ticklake.writer/<id>/<wal>/bad-line-seq}. A resent bad line at or
   * below it is skipped, not quarantined again.
   */
  public static String badLineSeqProperty(String writerId, String walTable) {
    return "ticklake.writer/" + writerId + "/" + walTable + "/bad-line-seq";
  }

  /** The table property that keeps a writer's vendor high-water mark (Bronze only). */
  public static String vendorHighProperty(String writerId) {
    return "ticklake.writer/" + writerId + "/vendor-high-seq";
  }

  /**
   * Writer {@code writerId}'s watermark in {@code table}: the newer of the one its newest snapshot
   * on the current ancestry records ({@link #lastWriterSnapshot}) and the one in the table's
   * properties ({@link #watermarkProperty}), which every writer commit since 2026-11-28 sets in the
   * same transaction as its append, so an expired writer snapshot — {@code ticklake expire} after a
   * writer stood still for a week while others committed — does not send the writer back to seq 0
   * to commit its WAL again. Empty when the writer never committed to the table.
   */
  public static Optional<WriterMark> writerMark(Table table, String writerId, String walTable) {
    Optional<Snapshot> last = lastWriterSnapshot(table, writerId, walTable);
    String prop = table.properties().get(watermarkProperty(writerId, walTable));
    if (last.isEmpty() && prop == null) {
      return Optional.empty();
    }
    long seq =
        Math.max(
            last.map(s -> summaryLong(s, WAL_LAST_SEQ, 0)).orElse(0L),
            prop == null ? 0 : Long.parseLong(prop));
    OptionalLong high = OptionalLong.empty();
    String highProp =
        walTable == null ? table.properties().get(vendorHighProperty(writerId)) : null;
    if (highProp != null) {
      high = OptionalLong.of(Long.parseLong(highProp));
    }
    if (last.isPresent() && last.get().summary().get(VENDOR_HIGH_SEQ) != null) {
      long h = Long.parseLong(last.get().summary().get(VENDOR_HIGH_SEQ));
      high = OptionalLong.of(high.isPresent() ? Math.max(high.getAsLong(), h) : h);
    }
    return Optional.of(new WriterMark(seq, high));
  }

  /** A long summary property of a snapshot, or {@code absent} when the snapshot lacks it. */
  public static long summaryLong(Snapshot s, String key, long absent) {
    String v = s.summary().get(key);
    return v == null ? absent : Long.parseLong(v);
  }
}

package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.exceptions.CommitStateUnknownException;

/**
 * What a commit that threw did: whether the data files written for it may be deleted. Only a commit
 * that definitely did not happen allows it; when it may have landed, deleting its files would break
 * the table, so they are kept (an orphan costs disk space, a missing live file loses rows).
 */
public enum CommitOutcome {
  /** The commit did not happen: its data files are referenced by nothing and can go. */
  FAILED,
  /** The commit may have happened (or did): its data files must be kept. */
  UNKNOWN;

  /**
   * The outcome of a commit of {@code table} that would have made snapshot {@code snapshotId} and
   * threw {@code failure} from {@code commit()} or {@code commitTransaction()}.
   *
   * <p>{@link #UNKNOWN} for Iceberg's {@link CommitStateUnknownException} anywhere among the
   * causes, an {@link Error}, or a catalog connection that was lost or timed out (the catalog
   * database may have run the update). {@link #FAILED} for Iceberg's {@link CleanableFailure}s (a
   * commit that lost its retries, a failed validation: Iceberg deletes its own manifests then too).
   * Any other failure (a full disk while writing the manifest list or metadata file, a catalog
   * statement that was refused) is {@link #FAILED} only when the table, read again, does not hold
   * the snapshot; {@link #UNKNOWN} when it does or cannot be read.
   */
  public static CommitOutcome ofCommit(Throwable failure, Table table, long snapshotId) {
    requireNonNull(table, "table is null");
    Optional<CommitOutcome> known = classify(failure);
    if (known.isPresent()) {
      return known.get();
    }
    try {
      table.refresh();
      return table.snapshot(snapshotId) == null ? FAILED : UNKNOWN;
    } catch (RuntimeException unreadable) {
      return UNKNOWN;
    }
  }

  /**
   * The outcome of a commit to {@code table} that would have added the data files {@code files} on
   * top of snapshot {@code baseSnapshotId} (-1: the table had none) and threw {@code failure} from
   * {@code commit()}: as {@link #ofCommit(Throwable, Table, long)}, where the table read again
   * shows the commit when a snapshot made since the base added one of the files. Also {@link
   * #UNKNOWN} when the base is no longer among the current snapshot's last {@value #ANCESTORS}
   * ancestors.
   */
  public static CommitOutcome ofCommit(
      Throwable failure, Table table, long baseSnapshotId, Collection<String> files) {
    requireNonNull(table, "table is null");
    requireNonNull(files, "files is null");
    Optional<CommitOutcome> known = classify(failure);
    if (known.isPresent()) {
      return known.get();
    }
    if (files.isEmpty()) {
      return FAILED; // nothing to delete either way
    }
    try {
      table.refresh();
      Snapshot s = table.currentSnapshot();
      for (int n = 0; s != null && s.snapshotId() != baseSnapshotId; n++) {
        if (n == ANCESTORS) {
          return UNKNOWN;
        }
        for (DataFile f : s.addedDataFiles(table.io())) {
          if (files.contains(f.location())) {
            return UNKNOWN;
          }
        }
        s = s.parentId() == null ? null : table.snapshot(s.parentId());
      }
      return s == null && baseSnapshotId >= 0 ? UNKNOWN : FAILED;
    } catch (RuntimeException unreadable) {
      return UNKNOWN;
    }
  }

  /**
   * After a commit to {@code table} on top of {@code base} (null: the table had no snapshot) that
   * would have added {@code files} threw {@code failure}: deletes the files when the commit
   * definitely did not happen ({@link #ofCommit(Throwable, Table, long, Collection)}), and returns
   * the outcome. A file that cannot be deleted is left to {@code ticklake orphans} (its error is
   * added to {@code failure} as suppressed).
   */
  public static CommitOutcome discardIfFailed(
      Throwable failure, Table table, Snapshot base, List<DataFile> files) {
    List<String> locations = files.stream().map(DataFile::location).toList();
    CommitOutcome outcome =
        ofCommit(failure, table, base == null ? -1 : base.snapshotId(), locations);
    if (outcome == FAILED) {
      for (String location : locations) {
        try {
          table.io().deleteFile(location);
        } catch (RuntimeException notDeleted) {
          failure.addSuppressed(notDeleted);
        }
      }
    }
    return outcome;
  }

  /** Snapshots since the base looked at, at most. */
  private static final int ANCESTORS = 100;

  /** The outcome the failure alone tells, if it does. */
  private static Optional<CommitOutcome> classify(Throwable failure) {
    requireNonNull(failure, "failure is null");
    if (failure instanceof Error) {
      return Optional.of(UNKNOWN);
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CommitStateUnknownException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLTimeoutException) {
        return Optional.of(UNKNOWN);
      }
    }
    return failure instanceof CleanableFailure ? Optional.of(FAILED) : Optional.empty();
  }
}

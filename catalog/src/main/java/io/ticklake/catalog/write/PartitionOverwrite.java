package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;

/**
 * Replaces every row of a table matching a partition filter with new data files in one {@code
 * OverwriteFiles}, validated from the snapshot the caller read: the commit fails when another
 * commit added or deleted data in the partition since. The protocol of every Silver and Gold job.
 */
public final class PartitionOverwrite {
  private PartitionOverwrite() {}

  /**
   * Commits the overwrite.
   *
   * @param table the table
   * @param partition the rows to replace (whole partitions)
   * @param files the new data files (none: the partition becomes empty)
   * @param baseSnapshotId the snapshot the caller read, or -1 when the table was empty
   * @param summary snapshot summary properties
   * @param action what the commit does, for messages, e.g. {@code compact silver.trades partition
   *     us-equity/2013-10-11}
   * @param discard deletes the new files when the commit definitely did not happen ({@link
   *     CommitOutcome#FAILED}: refused, or failed before it reached the catalog, e.g. a full disk
   *     while writing its manifests or metadata file); not when it may have landed
   * @throws TicklakeException of kind CONFLICT when another commit changed the partition (the new
   *     files are discarded; rerun to retry), FAILURE when the commit state is unknown (the files
   *     are kept); any other failure of the commit is rethrown as it is, after the discard
   */
  public static void commit(
      Table table,
      Expression partition,
      List<DataFile> files,
      long baseSnapshotId,
      Map<String, String> summary,
      String action,
      Runnable discard) {
    requireNonNull(partition, "partition is null");
    OverwriteFiles overwrite = table.newOverwrite().overwriteByRowFilter(partition);
    files.forEach(overwrite::addFile);
    if (baseSnapshotId >= 0) {
      overwrite.validateFromSnapshot(baseSnapshotId);
    }
    overwrite
        .conflictDetectionFilter(partition)
        .validateNoConflictingData()
        .validateNoConflictingDeletes();
    summary.forEach(overwrite::set);
    Snapshot before = table.currentSnapshot();
    try {
      overwrite.commit();
    } catch (CommitStateUnknownException e) {
      throw new TicklakeException(
          Kind.FAILURE,
          String.format(
              Locale.ROOT,
              "Cannot tell whether the commit to %s succeeded: %s; its files are kept, check the"
                  + " table before rerunning",
              action,
              e.getMessage()),
          e);
    } catch (CommitFailedException | ValidationException e) {
      discard.run();
      throw new TicklakeException(
          Kind.CONFLICT,
          String.format(
              Locale.ROOT,
              "Cannot %s: another commit changed it since snapshot %s (%s); rerun to retry",
              action,
              baseSnapshotId < 0 ? "none" : Long.toString(baseSnapshotId),
              e.getMessage()),
          e);
    } catch (RuntimeException | Error e) {
      // a full disk while writing the manifests or the metadata file, a refused catalog update:
      // the files go only when the table, read again, shows that the commit did not happen
      if (CommitOutcome.ofCommit(
              e,
              table,
              before == null ? -1 : before.snapshotId(),
              files.stream().map(DataFile::location).toList())
          == CommitOutcome.FAILED) {
        try {
          discard.run();
        } catch (RuntimeException notDeleted) {
          e.addSuppressed(notDeleted); // e.g. read-only now: 'ticklake orphans' lists them
        }
      }
      throw e;
    }
  }
}

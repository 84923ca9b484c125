package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.apache.iceberg.Table;

/**
 * Tells a read that failed because a concurrent {@code ticklake expire} removed the snapshot it
 * pinned (its manifest list, or the data files a later commit replaced, deleted while they were
 * read) from any other failure.
 */
public final class SnapshotExpiry {
  private SnapshotExpiry() {}

  /**
   * Whether snapshot {@code snapshotId} is gone from the table as the catalog holds it now. When
   * that cannot be told (the table cannot be loaded), false, and the check's own failure is added
   * to {@code failure} as suppressed, so that {@code failure} is reported as it is.
   *
   * @param table loads the table afresh
   * @param failure the read's failure
   */
  public static boolean expiredAfter(Supplier<Table> table, long snapshotId, Throwable failure) {
    requireNonNull(table, "table is null");
    requireNonNull(failure, "failure is null");
    try {
      Table t = table.get();
      t.refresh();
      return t.snapshot(snapshotId) == null;
    } catch (RuntimeException check) {
      failure.addSuppressed(check);
      return false;
    }
  }
}

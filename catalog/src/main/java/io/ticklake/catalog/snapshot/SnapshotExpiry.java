package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NotFoundException;

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

  /** How many times {@link #replanning} plans when snapshots keep expiring under it. */
  public static final int PLAN_ATTEMPTS = 5;

  /**
   * Runs {@code plan}, again while it fails because a concurrent {@code ticklake expire} removed
   * metadata it was reading (a {@link NotFoundException}: the manifest list or a manifest of a
   * snapshot that was current when its table was loaded); each run loads the tables afresh.
   *
   * @param what what is planned, for the message, e.g. {@code quality}
   * @throws TicklakeException of kind CONFLICT when snapshots kept expiring under every attempt
   */
  public static <T> T replanning(String what, Supplier<T> plan) {
    requireNonNull(plan, "plan is null");
    for (int attempt = 1; ; attempt++) {
      try {
        return plan.get();
      } catch (NotFoundException e) {
        if (attempt >= PLAN_ATTEMPTS) {
          throw new TicklakeException(
              Kind.CONFLICT,
              String.format(
                  java.util.Locale.ROOT,
                  "Cannot plan %s: the snapshots it read kept expiring (%d attempts, last: %s);"
                      + " retry",
                  what,
                  PLAN_ATTEMPTS,
                  e.getMessage()),
              e);
        }
      }
    }
  }
}

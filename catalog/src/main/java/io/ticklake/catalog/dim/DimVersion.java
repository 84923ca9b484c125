package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * The version of a dimension table a read came from and a save expects: the Iceberg snapshot id, or
 * {@link #EMPTY} for a table without any snapshot.
 *
 * @param snapshotId the snapshot id, empty for "no snapshot yet"
 */
public record DimVersion(OptionalLong snapshotId) {
  /** The version of a table that has never been written. */
  public static final DimVersion EMPTY = new DimVersion(OptionalLong.empty());

  public DimVersion {
    requireNonNull(snapshotId, "snapshotId is null");
  }

  /** The version of a snapshot. */
  public static DimVersion of(long snapshotId) {
    return new DimVersion(OptionalLong.of(snapshotId));
  }

  /** True for the version of an empty table. */
  public boolean isEmpty() {
    return snapshotId.isEmpty();
  }

  /** The snapshot id as text, or {@code empty}. */
  @Override
  public String toString() {
    return snapshotId.isPresent() ? Long.toString(snapshotId.getAsLong()) : "empty";
  }
}

package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.TableInitializer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Resolves an {@link AsOf} to a concrete snapshot of a table, or to "empty" when the table had no
 * snapshot at that point (a typed empty read, not an error).
 */
public final class SnapshotResolver {
  /** What a snapshot id not found may mean: a typo, or a snapshot {@code expire} removed. */
  private static final String EXPIRED_HINT =
      ": it was expired (`ticklake expire`; tags keep theirs) or never was one of its snapshots;"
          + " `ticklake snapshots` lists those kept";

  private SnapshotResolver() {}

  /**
   * The snapshot of {@code table} at {@code asOf}.
   *
   * @return the snapshot, or empty when the table had no data then
   * @throws TicklakeException of kind INPUT for an unknown snapshot id or reference
   */
  public static Optional<Snapshot> resolve(Table table, AsOf asOf) {
    requireNonNull(table, "table is null");
    requireNonNull(asOf, "asOf is null");
    if (asOf instanceof AsOf.Latest) {
      return Optional.ofNullable(table.currentSnapshot());
    }
    if (asOf instanceof AsOf.SnapshotId id) {
      Snapshot snapshot = table.snapshot(id.snapshotId());
      if (snapshot == null) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot find snapshot %d in table %s%s",
            id.snapshotId(),
            shortName(table),
            EXPIRED_HINT);
      }
      return Optional.of(snapshot);
    }
    if (asOf instanceof AsOf.Timestamp ts) {
      return snapshotAt(table, ts.instant());
    }
    AsOf.Ref ref = (AsOf.Ref) asOf;
    SnapshotRef snapshotRef = table.refs().get(ref.name());
    if (snapshotRef == null) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot find tag or branch '%s' in table %s (it has: %s)",
          ref.name(),
          shortName(table),
          table.refs().isEmpty()
              ? "none"
              : String.join(", ", new java.util.TreeSet<>(table.refs().keySet())));
    }
    return Optional.of(table.snapshot(snapshotRef.snapshotId()));
  }

  /**
   * The snapshot that was current on the main branch at {@code instant}, if any.
   *
   * @return the snapshot, or empty when the table had no snapshot then
   * @throws TicklakeException of kind INPUT when the snapshot current then was expired: the table
   *     may have held rows then, so reading it as empty would be wrong
   */
  public static Optional<Snapshot> snapshotAt(Table table, Instant instant) {
    long millis = instant.toEpochMilli();
    Long found = null;
    HistoryEntry oldest = null;
    for (HistoryEntry entry : table.history()) {
      if (oldest == null) {
        oldest = entry;
      }
      if (entry.timestampMillis() <= millis) {
        found = entry.snapshotId();
      }
    }
    if (found != null) {
      Snapshot snapshot = table.snapshot(found);
      if (snapshot == null) {
        throw expired(table, instant, oldest);
      }
      return Optional.of(snapshot);
    }
    if (oldest != null) {
      // the oldest snapshot left has a parent that is gone: history before it was expired
      Snapshot first = table.snapshot(oldest.snapshotId());
      if (first == null || (first.parentId() != null && table.snapshot(first.parentId()) == null)) {
        throw expired(table, instant, oldest);
      }
    }
    String recreated = table.properties().get(TableInitializer.RECREATED_AT);
    if (recreated != null && millis < Long.parseLong(recreated)) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot read %s as of %s: the table was dropped and created anew at %s (ticklake init"
              + " --recreate-silver), so its rows from before are gone; give a later time",
          shortName(table),
          instant,
          Instant.ofEpochMilli(Long.parseLong(recreated)));
    }
    return Optional.empty();
  }

  private static TicklakeException expired(Table table, Instant instant, HistoryEntry oldest) {
    return TicklakeException.of(
        Kind.INPUT,
        "Cannot read %s as of %s: the snapshots of that time were expired (the oldest left is %d,"
            + " committed %s); give a later time or snapshot",
        shortName(table),
        instant,
        oldest.snapshotId(),
        Instant.ofEpochMilli(oldest.timestampMillis()));
  }

  /** {@code silver.trades} for the catalog's {@code ticklake.silver.trades}. */
  private static String shortName(Table table) {
    String name = table.name();
    int first = name.indexOf('.');
    return first >= 0 && name.indexOf('.', first + 1) >= 0 ? name.substring(first + 1) : name;
  }

  /**
   * The schema of {@code table} when {@code snapshot} was committed (the current one when the
   * snapshot names none, or none is given): a column added later is not part of what the snapshot
   * held, and a column renamed later still has its old name. Iceberg's time travel reads with it,
   * and so do an export of a snapshot and its verification, which then stay the same after the
   * table evolves. It is taken from the snapshot itself, not by looking its id up in the table as
   * Iceberg's {@code SnapshotUtil.schemaFor} does: a job holding a pinned snapshot while a
   * concurrent {@code expire} removes it from the table's metadata still gets its schema, and goes
   * on to the step that reports the expiry as a conflict ({@code schemaFor} threw "Cannot find
   * snapshot with ID", an internal error of {@code compact} in the soak of 2026-11-28).
   */
  public static Schema schemaAt(Table table, Optional<Snapshot> snapshot) {
    return snapshot
        .map(Snapshot::schemaId)
        .map(id -> table.schemas().get(id))
        .orElseGet(table::schema);
  }

  /**
   * A table's snapshot at an as-of, or why the table cannot be read then.
   *
   * @param snapshot the snapshot, or empty when the table had none then (it reads as empty)
   * @param schema the schema to read it with: the table's current one for the latest snapshot or a
   *     branch (and for an unreadable table), else the snapshot's own ({@link #schemaAt})
   * @param unreadable the error, when the table's snapshot of that time was expired
   */
  public record Resolution(
      Optional<Snapshot> snapshot, Schema schema, Optional<String> unreadable) {
    public Resolution {
      requireNonNull(snapshot, "snapshot is null");
      requireNonNull(schema, "schema is null");
      requireNonNull(unreadable, "unreadable is null");
    }
  }

  /**
   * Resolves one as-of for several tables so that they form one consistent view of the lake.
   *
   * <p>A time applies to every table. A snapshot id belongs to one table, which is read at that
   * snapshot; every other table is read as of that snapshot's commit time. A tag or branch is used
   * where it exists; the other tables are read as of the commit time of the first table's
   * referenced snapshot. A table whose snapshot of that time was expired does not fail the others:
   * it gets the error as its {@link Resolution#unreadable()} (a view over the lake can fail only
   * when that table is read).
   *
   * @throws TicklakeException of kind INPUT when no table has the snapshot id or reference
   */
  public static Map<TableIdentifier, Resolution> resolveEach(
      Map<TableIdentifier, Table> tables, AsOf asOf) {
    Map<TableIdentifier, Resolution> result = new LinkedHashMap<>();
    if (asOf instanceof AsOf.Latest || asOf instanceof AsOf.Timestamp) {
      tables.forEach((id, t) -> result.put(id, attempt(t, () -> resolve(t, asOf), asOf)));
      return result;
    }
    Instant pointInTime = null;
    for (Map.Entry<TableIdentifier, Table> e : tables.entrySet()) {
      Table table = e.getValue();
      Optional<Snapshot> own = ownSnapshot(table, asOf);
      if (own.isPresent()) {
        result.put(
            e.getKey(),
            new Resolution(
                own,
                isBranch(table, asOf) ? table.schema() : schemaAt(table, own),
                Optional.empty()));
        if (pointInTime == null) {
          pointInTime = Instant.ofEpochMilli(own.get().timestampMillis());
        }
      }
    }
    if (pointInTime == null) {
      String what =
          asOf instanceof AsOf.SnapshotId id
              ? "snapshot " + id.snapshotId()
              : "tag or branch '" + ((AsOf.Ref) asOf).name() + "'";
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot find %s in any of the %d tables (%s)%s",
          what,
          tables.size(),
          String.join(", ", tables.keySet().stream().map(Object::toString).toList()),
          asOf instanceof AsOf.SnapshotId ? EXPIRED_HINT : "");
    }
    Map<TableIdentifier, Resolution> ordered = new LinkedHashMap<>();
    Instant at = pointInTime;
    for (Map.Entry<TableIdentifier, Table> e : tables.entrySet()) {
      Resolution r = result.get(e.getKey());
      ordered.put(
          e.getKey(),
          r != null
              ? r
              : attempt(e.getValue(), () -> snapshotAt(e.getValue(), at), new AsOf.Timestamp(at)));
    }
    return ordered;
  }

  /**
   * The snapshot {@code resolution} finds in {@code table} for {@code asOf} and the schema to read
   * it with (the current one for the latest snapshot, the snapshot's own when travelling back in
   * time), or the error of a table read at an expired time.
   */
  private static Resolution attempt(
      Table table, java.util.function.Supplier<Optional<Snapshot>> resolution, AsOf asOf) {
    try {
      Optional<Snapshot> snapshot = resolution.get();
      return new Resolution(
          snapshot,
          asOf instanceof AsOf.Latest ? table.schema() : schemaAt(table, snapshot),
          Optional.empty());
    } catch (TicklakeException e) {
      if (e.kind() != Kind.INPUT) {
        throw e;
      }
      return new Resolution(Optional.empty(), table.schema(), Optional.of(e.getMessage()));
    }
  }

  /**
   * Whether {@code asOf} names a snapshot of {@code table} itself: one of its snapshot ids, or one
   * of its tags (a branch, {@code main} included, moves on with the table).
   */
  public static boolean pinsOwnSnapshot(Table table, AsOf asOf) {
    if (asOf instanceof AsOf.SnapshotId id) {
      return table.snapshot(id.snapshotId()) != null;
    }
    if (asOf instanceof AsOf.Ref ref) {
      SnapshotRef snapshotRef = table.refs().get(ref.name());
      return snapshotRef != null && snapshotRef.isTag();
    }
    return false;
  }

  /**
   * Whether {@code asOf} names a branch of {@code table} (read, as Iceberg does, with its schema).
   */
  private static boolean isBranch(Table table, AsOf asOf) {
    if (!(asOf instanceof AsOf.Ref ref)) {
      return false;
    }
    SnapshotRef snapshotRef = table.refs().get(ref.name());
    return snapshotRef != null && snapshotRef.isBranch();
  }

  private static Optional<Snapshot> ownSnapshot(Table table, AsOf asOf) {
    if (asOf instanceof AsOf.SnapshotId id) {
      return Optional.ofNullable(table.snapshot(id.snapshotId()));
    }
    SnapshotRef ref = table.refs().get(((AsOf.Ref) asOf).name());
    return ref == null ? Optional.empty() : Optional.ofNullable(table.snapshot(ref.snapshotId()));
  }

  /** Lists a table's snapshots in commit order. */
  public static List<Snapshot> snapshots(Table table) {
    List<Snapshot> list = new java.util.ArrayList<>();
    table.snapshots().forEach(list::add);
    list.sort(
        java.util.Comparator.comparingLong(Snapshot::timestampMillis)
            .thenComparingLong(Snapshot::sequenceNumber));
    return list;
  }
}

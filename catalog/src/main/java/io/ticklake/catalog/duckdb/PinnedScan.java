package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The live data files of a table at one snapshot, after partition and statistics pruning.
 *
 * <p>Pruning is by file: the files listed can hold rows outside {@code filter}, so a reader must
 * still apply the predicate to rows (the DuckDB bridge does, see {@link PartitionFilter}).
 *
 * @param table the table
 * @param snapshot the pinned snapshot, or empty when the table had no snapshot then
 * @param schema the schema rows are read with (the table's current schema, or a snapshot's own when
 *     reading back in time)
 * @param dataFiles the data files, in a deterministic order (by path)
 */
public record PinnedScan(
    Table table, Optional<Snapshot> snapshot, Schema schema, List<DataFile> dataFiles) {

  public PinnedScan {
    requireNonNull(table, "table is null");
    requireNonNull(snapshot, "snapshot is null");
    requireNonNull(schema, "schema is null");
    dataFiles = List.copyOf(dataFiles);
  }

  /**
   * Plans the files of {@code table} at {@code snapshot} that may hold rows matching {@code
   * filter}.
   *
   * @throws TicklakeException of kind UNSUPPORTED when the snapshot has delete files
   */
  public static PinnedScan plan(Table table, Optional<Snapshot> snapshot, Expression filter) {
    return plan(table, snapshot, table.schema(), filter);
  }

  /**
   * Plans every file of {@code table} at {@code snapshot}, to be read with {@code schema} (e.g. the
   * snapshot's own, {@link io.ticklake.catalog.snapshot.SnapshotResolver#schemaAt}).
   */
  public static PinnedScan plan(Table table, Optional<Snapshot> snapshot, Schema schema) {
    return plan(table, snapshot, schema, Expressions.alwaysTrue());
  }

  /**
   * Plans the files of {@code table} at {@code snapshot} that may hold rows matching {@code
   * filter}, to be read with {@code schema}.
   *
   * @throws TicklakeException of kind UNSUPPORTED when the snapshot has delete files
   */
  public static PinnedScan plan(
      Table table, Optional<Snapshot> snapshot, Schema schema, Expression filter) {
    requireNonNull(filter, "filter is null");
    requireNonNull(schema, "schema is null");
    if (snapshot.isEmpty()) {
      return new PinnedScan(table, snapshot, schema, List.of());
    }
    long snapshotId = snapshot.get().snapshotId();
    TableScan scan = table.newScan().useSnapshot(snapshotId).filter(filter);
    Map<String, DataFile> files = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw TicklakeException.of(
              Kind.UNSUPPORTED,
              "Cannot read %s at snapshot %d: it has row-level delete files (written by another"
                  + " engine); ticklake reads copy-on-write tables only, so rewrite the table's"
                  + " data files first",
              table.name(),
              snapshotId);
        }
        files.putIfAbsent(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<DataFile> sorted = new ArrayList<>(files.values());
    sorted.sort(java.util.Comparator.comparing(DataFile::location));
    return new PinnedScan(table, snapshot, schema, sorted);
  }

  /** Plans every file of the table at a snapshot. */
  public static PinnedScan plan(Table table, Optional<Snapshot> snapshot) {
    return plan(table, snapshot, Expressions.alwaysTrue());
  }

  /** The snapshot id, or -1 when the table was empty. */
  public long snapshotId() {
    return snapshot.map(Snapshot::snapshotId).orElse(-1L);
  }

  /** Total records in the listed files. */
  public long recordCount() {
    return dataFiles.stream().mapToLong(DataFile::recordCount).sum();
  }

  /** The files as local paths DuckDB can open ({@code file:} URIs are turned into paths). */
  public List<String> localPaths() {
    return dataFiles.stream().map(f -> localPath(f.location())).toList();
  }

  /** Turns a {@code file:} location into a plain path; other locations are returned as they are. */
  public static String localPath(String location) {
    if (location.startsWith("file://")) {
      return location.substring("file://".length());
    }
    if (location.startsWith("file:")) {
      return location.substring("file:".length());
    }
    return location;
  }
}

package io.ticklake.manifests;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The ingest manifest, {@code ops.ingest_manifest}: one row per status change of a vendor file; a
 * file's current status is its latest row.
 *
 * <p>A status change is one small Iceberg append — O(1), never a rewrite of the manifest. File ids
 * are allocated by {@link #register} in one commit validated against the snapshot it read, so two
 * ingest processes never hand out the same id (the loser re-reads and retries). {@link
 * #compactIfNeeded} folds the many small files into one, keeping every row.
 *
 * <p>Not thread-safe; use one instance per job thread that commits.
 */
public final class IngestManifest {
  private static final int REGISTER_ATTEMPTS = 10;

  private final Table table;

  public IngestManifest(Table table) {
    this.table = requireNonNull(table, "table is null");
  }

  /** The outcome of registering one file. */
  public record Registration(FileIdentity identity, ManifestEntry entry, boolean isNew) {
    /** True when the file was ingested before (by identity): a rerun skips it. */
    public boolean alreadyIngested() {
      return !isNew && entry.status() == ManifestStatus.INGESTED;
    }
  }

  /** The latest entry of every file, by file id (ascending). */
  public Map<Long, ManifestEntry> current() {
    table.refresh();
    return current(table.currentSnapshot());
  }

  private Map<Long, ManifestEntry> current(Snapshot snapshot) {
    Map<Long, ManifestEntry> latest = new java.util.TreeMap<>();
    if (snapshot == null) {
      return latest;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
      for (Record r : rows) {
        ManifestEntry e = fromRecord(r);
        latest.merge(e.fileId(), e, (a, b) -> newer(a, b) ? a : b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return latest;
  }

  /** Every row of one file, oldest first. */
  public List<ManifestEntry> history(long fileId) {
    table.refresh();
    List<ManifestEntry> list = new ArrayList<>();
    if (table.currentSnapshot() == null) {
      return list;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        if ((Long) r.getField("file_id") == fileId) {
          list.add(fromRecord(r));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    list.sort((a, b) -> newer(a, b) ? 1 : (newer(b, a) ? -1 : 0));
    return list;
  }

  private static boolean newer(ManifestEntry a, ManifestEntry b) {
    int c = a.updatedAt().compareTo(b.updatedAt());
    return c != 0 ? c > 0 : a.status().ordinal() > b.status().ordinal();
  }

  /**
   * Registers files: an identity seen before keeps its id and entry (a file that is not yet
   * ingested is marked as started again); a new identity gets the next id and, when another content
   * was seen at the same path, records which file it revises. All new rows are committed in one
   * append.
   *
   * @return one registration per identity, in the given order
   */
  public List<Registration> register(List<FileIdentity> files, Instant now) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Snapshot base = table.currentSnapshot();
      Map<Long, ManifestEntry> current = current(base);
      long nextId = current.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
      Map<String, ManifestEntry> latestAtPath = new HashMap<>();
      for (ManifestEntry e : current.values()) {
        latestAtPath.merge(
            e.vendor() + "\u0000" + e.dataType() + "\u0000" + e.path(),
            e,
            (a, b) -> a.fileId() > b.fileId() ? a : b);
      }
      List<Registration> out = new ArrayList<>();
      List<ManifestEntry> rows = new ArrayList<>();
      Map<String, Registration> seenInBatch = new LinkedHashMap<>();
      for (FileIdentity id : files) {
        String key =
            id.vendor() + "\u0000" + id.dataType() + "\u0000" + id.path() + "\u0000" + id.sha256();
        Registration dup = seenInBatch.get(key);
        if (dup != null) {
          out.add(new Registration(id, dup.entry(), false));
          continue;
        }
        Optional<ManifestEntry> existing =
            current.values().stream()
                .filter(id::sameAs)
                .max(Comparator.comparingLong(ManifestEntry::fileId));
        Registration reg;
        if (existing.isPresent()) {
          ManifestEntry e = existing.get();
          if (e.status() == ManifestStatus.INGESTED) {
            reg = new Registration(id, e, false);
          } else {
            ManifestEntry restarted = e.restarted(now);
            rows.add(restarted);
            reg = new Registration(id, restarted, false);
          }
        } else {
          ManifestEntry prev =
              latestAtPath.get(id.vendor() + "\u0000" + id.dataType() + "\u0000" + id.path());
          ManifestEntry started =
              ManifestEntry.started(nextId++, id, prev == null ? null : prev.fileId(), now);
          rows.add(started);
          reg = new Registration(id, started, true);
        }
        seenInBatch.put(key, reg);
        out.add(reg);
      }
      if (rows.isEmpty()) {
        return out;
      }
      try {
        commit(rows, base, true);
        return out;
      } catch (CommitFailedException | ValidationException e) {
        if (attempt >= REGISTER_ATTEMPTS) {
          throw new TicklakeException(
              Kind.CONFLICT,
              "Cannot register files in ops.ingest_manifest: another ingest kept committing"
                  + " (tried "
                  + attempt
                  + " times); retry",
              e);
        }
      }
    }
  }

  /** Appends status rows (one small append, whatever the manifest's size). */
  public void record(List<ManifestEntry> entries) {
    if (!entries.isEmpty()) {
      commit(entries, null, false);
    }
  }

  /** Appends one status row. */
  public void record(ManifestEntry entry) {
    record(List.of(entry));
  }

  /**
   * Writes the rows into a data file and commits it; when that fails, deletes the file unless the
   * commit may have landed ({@link CommitOutcome}).
   */
  private void commit(List<ManifestEntry> entries, Snapshot base, boolean validate) {
    List<DataFile> files;
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      try {
        GenericRecord template = GenericRecord.create(table.schema());
        for (ManifestEntry e : entries) {
          writer.write(toRecord(template.copy(), e));
        }
        files = writer.complete();
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
    }
    SnapshotUpdate<?> update;
    if (validate) {
      OverwriteFiles op = table.newOverwrite();
      files.forEach(op::addFile);
      if (base != null) {
        op.validateFromSnapshot(base.snapshotId());
      }
      op.validateNoConflictingData();
      op.set("ticklake.operation", "manifest-register");
      update = op;
    } else {
      AppendFiles append = table.newAppend();
      files.forEach(append::appendFile);
      append.set("ticklake.operation", "manifest-status");
      update = append;
    }
    commit(update, files);
  }

  /** Commits {@code update}, which adds {@code files}; deletes them if it definitely failed. */
  private void commit(SnapshotUpdate<?> update, List<DataFile> files) {
    Snapshot before = table.currentSnapshot();
    try {
      update.commit();
    } catch (RuntimeException | Error e) {
      List<String> locations = files.stream().map(DataFile::location).toList();
      if (CommitOutcome.ofCommit(e, table, before == null ? -1 : before.snapshotId(), locations)
          == CommitOutcome.FAILED) {
        locations.forEach(table.io()::deleteFile);
      }
      throw e;
    }
  }

  /**
   * Folds the manifest into one data file when it has more than {@code maxFiles}, keeping every row
   * (the history stays queryable). Validated against the snapshot it read.
   *
   * @return true when it compacted
   */
  public boolean compactIfNeeded(int maxFiles) {
    table.refresh();
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return false;
    }
    List<DataFile> live = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(base.snapshotId()).planFiles()) {
      tasks.forEach(t -> live.add(t.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (live.size() <= maxFiles) {
      return false;
    }
    List<DataFile> files;
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table);
        CloseableIterable<Record> rows =
            IcebergGenerics.read(table).useSnapshot(base.snapshotId()).build()) {
      try {
        for (Record r : rows) {
          writer.write(r);
        }
        files = writer.complete();
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    OverwriteFiles op = table.newOverwrite();
    live.forEach(op::deleteFile);
    files.forEach(op::addFile);
    op.validateFromSnapshot(base.snapshotId()).validateNoConflictingData();
    op.set("ticklake.operation", "manifest-compact");
    try {
      commit(op, files);
      return true;
    } catch (CommitFailedException | ValidationException e) {
      return false; // someone recorded a status meanwhile; try again next run
    }
  }

  private static Record toRecord(GenericRecord r, ManifestEntry e) {
    r.setField("file_id", e.fileId());
    r.setField("vendor", e.vendor());
    r.setField("data_type", e.dataType());
    r.setField("path", e.path());
    r.setField("sha256", e.sha256());
    r.setField("size_bytes", e.sizeBytes());
    r.setField("status", e.status().label());
    r.setField("rows_total", e.rowsTotal());
    r.setField("rows_written", e.rowsWritten());
    r.setField("rows_quarantined", e.rowsQuarantined());
    r.setField("min_trading_date", e.minTradingDate());
    r.setField("max_trading_date", e.maxTradingDate());
    r.setField("bronze_table", e.bronzeTable());
    r.setField("bronze_snapshot_id", e.bronzeSnapshotId());
    r.setField("reason", e.reason());
    r.setField("revision_of", e.revisionOf());
    r.setField("started_at", e.startedAt() == null ? null : e.startedAt().atOffset(ZoneOffset.UTC));
    r.setField("updated_at", e.updatedAt().atOffset(ZoneOffset.UTC));
    return r;
  }

  private static ManifestEntry fromRecord(Record r) {
    return new ManifestEntry(
        (Long) r.getField("file_id"),
        (String) r.getField("vendor"),
        (String) r.getField("data_type"),
        (String) r.getField("path"),
        (String) r.getField("sha256"),
        (Long) r.getField("size_bytes"),
        ManifestStatus.fromLabel((String) r.getField("status")),
        (Long) r.getField("rows_total"),
        (Long) r.getField("rows_written"),
        (Long) r.getField("rows_quarantined"),
        (LocalDate) r.getField("min_trading_date"),
        (LocalDate) r.getField("max_trading_date"),
        (String) r.getField("bronze_table"),
        (Long) r.getField("bronze_snapshot_id"),
        (String) r.getField("reason"),
        (Long) r.getField("revision_of"),
        instant(r.getField("started_at")),
        instant(r.getField("updated_at")));
  }

  private static Instant instant(Object v) {
    return v == null ? null : ((OffsetDateTime) v).toInstant();
  }
}

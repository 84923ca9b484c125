package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContract;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * {@code ops.compaction_log}: the planner's memory of each partition's latest rebuild beyond
 * snapshot expiry.
 *
 * <p>The markers a plan needs (Bronze file set, rebuild key, counts, dimension snapshot) live in
 * the snapshot summaries of a rebuild's quarantine and Silver commits, and expiring those snapshots
 * — routine Iceberg maintenance, to reclaim the files of replaced partitions — would lose them: the
 * partition would look never compacted and be rebuilt. So every run also appends, in one commit at
 * its end, a row per committed partition with the same markers and the files the rebuild left in
 * both tables. A row speaks for a partition only while the partition's current files in Silver and
 * in the quarantine are exactly the ones it lists: files are never rewritten, so equal sets mean
 * the rebuild's own output — and a row that lost a race, or a run that died before its row was
 * written, simply does not match (the planner then falls back to rebuilding, as without the log).
 * Summaries stay the first source; the log is read only for partitions whose commits are no longer
 * in the history.
 */
public final class CompactionLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CompactionLog() {}

  /**
   * One committed rebuild.
   *
   * @param table the Silver table, e.g. {@code silver.trades}
   * @param key the partition
   * @param snapshotId the Silver snapshot that committed it
   * @param committedAt when
   * @param dataFiles the partition's Silver data files afterwards
   * @param quarantineFiles the partition's quarantine data files afterwards
   * @param markers the {@code ticklake.*} summary entries of its commits
   */
  public record Entry(
      String table,
      ExchangeDate key,
      long snapshotId,
      Instant committedAt,
      List<String> dataFiles,
      List<String> quarantineFiles,
      Map<String, String> markers) {
    public Entry {
      requireNonNull(table, "table is null");
      requireNonNull(key, "key is null");
      requireNonNull(committedAt, "committedAt is null");
      dataFiles = dataFiles.stream().sorted().toList();
      quarantineFiles = quarantineFiles.stream().sorted().toList();
      markers = Map.copyOf(markers);
    }
  }

  /** The log table, when the warehouse has one (warehouses from before it: after an init). */
  public static Optional<Table> table(Warehouse warehouse) {
    if (!warehouse.catalog().tableExists(TableContracts.COMPACTION_LOG.id())) {
      return Optional.empty();
    }
    return Optional.of(warehouse.table(TableContracts.COMPACTION_LOG.id()));
  }

  /**
   * Records the latest finished compaction of every partition whose commits are still in the
   * history: for a warehouse that gets the log after compacting (an {@code init} on an older
   * warehouse), so that a later expiry does not rebuild what was compacted before. A partition
   * counts when its latest Silver and quarantine compaction commits come from one rebuild; its
   * current files are then that rebuild's output.
   *
   * @return the rows appended
   */
  public static int backfill(Warehouse warehouse, List<String> silverTables) {
    Optional<Table> log = table(warehouse);
    if (log.isEmpty()) {
      return 0;
    }
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    List<Entry> entries = new ArrayList<>();
    for (String name : silverTables) {
      Table silver = warehouse.table(TableIdentifier.parse(name));
      Map<ExchangeDate, Snapshot> compacted = CompactionMarkers.lastCompactions(silver, name);
      Map<ExchangeDate, Snapshot> quarantined = CompactionMarkers.lastCompactions(quarantine, name);
      if (compacted.isEmpty()) {
        continue;
      }
      Files files =
          Files.read(
              name, silver, silver.currentSnapshot(), quarantine, quarantine.currentSnapshot());
      BronzeFileSets bronze = new BronzeFileSets(warehouse, name);
      compacted.forEach(
          (key, commit) -> {
            if (!CompactionMarkers.sameRebuild(commit, quarantined.get(key))) {
              return; // unfinished: the next compaction rebuilds it and logs it
            }
            Map<String, String> markers = new TreeMap<>();
            commit
                .summary()
                .forEach(
                    (k, v) -> {
                      if (k.startsWith("ticklake.")) {
                        markers.put(k, v);
                      }
                    });
            if (!markers.containsKey(CompactionMarkers.BRONZE_FILES)) {
              // a compaction from before the file-set marker: the planner would judge it by the
              // Bronze history, which an expiry of the Bronze snapshot it read cuts (every such
              // partition then rebuilt once); while that history still shows the partition
              // untouched since, its current Bronze files are the ones it read
              bronze
                  .unchangedSince(key, CompactionMarkers.bronzeSnapshotId(markers))
                  .ifPresent(set -> markers.put(CompactionMarkers.BRONZE_FILES, set));
            }
            entries.add(
                new Entry(
                    name,
                    key,
                    commit.snapshotId(),
                    Instant.ofEpochMilli(commit.timestampMillis()),
                    files.data(key),
                    files.quarantine(key),
                    markers));
          });
    }
    append(log.get(), entries);
    return entries.size();
  }

  /**
   * The Bronze file sets of a Silver table's partitions, for compactions from before the file-set
   * marker: read (one history walk, one scan plan) only when such a compaction is met.
   */
  private static final class BronzeFileSets {
    private final Table bronze;
    private PartitionHistory history;
    private Map<ExchangeDate, List<String>> files;

    BronzeFileSets(Warehouse warehouse, String silverName) {
      TableIdentifier id = TableIdentifier.of("bronze", TableIdentifier.parse(silverName).name());
      this.bronze = warehouse.catalog().tableExists(id) ? warehouse.table(id) : null;
    }

    /**
     * The file-set key of {@code key}'s current Bronze files, when no kept Bronze snapshot after
     * {@code readSnapshotId} (which must still be on the current ancestry) changed the partition.
     */
    Optional<String> unchangedSince(ExchangeDate key, long readSnapshotId) {
      if (bronze == null || bronze.currentSnapshot() == null) {
        return Optional.empty();
      }
      if (history == null) {
        history = PartitionHistory.of(bronze, bronze.currentSnapshot());
        files = new HashMap<>();
        try (CloseableIterable<FileScanTask> tasks =
            bronze.newScan().useSnapshot(bronze.currentSnapshot().snapshotId()).planFiles()) {
          for (FileScanTask t : tasks) {
            files
                .computeIfAbsent(ExchangeDate.of(bronze, t.file()), k -> new ArrayList<>())
                .add(t.file().location());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (history.changedSince(key, readSnapshotId)) {
        return Optional.empty();
      }
      return Optional.of(CompactionMarkers.fileSetKey(files.getOrDefault(key, List.of())));
    }
  }

  /** Above this many data files, {@link #tidy} rewrites the log. */
  static final int TIDY_ABOVE_FILES = 64;

  /**
   * Keeps reading the log cheap: every run appends a small file, and a plan after an expiry reads
   * them all. When the log holds more than {@link #TIDY_ABOVE_FILES} files, its rows are rewritten
   * into one file, without the rows that match no partition's current files any more (those only
   * described replaced content: a later rebuild or check of the partition wrote its own row). Files
   * appended meanwhile by another run are left as they are; a concurrent tidy makes one of the two
   * commits fail, which is ignored. Nothing is lost either way but a cheaper read.
   *
   * @return whether the log was rewritten
   */
  public static boolean tidy(Warehouse warehouse, Table log) {
    log.refresh();
    Snapshot read = log.currentSnapshot();
    if (read == null
        || Long.parseLong(read.summary().getOrDefault("total-data-files", "0"))
            <= TIDY_ABOVE_FILES) {
      return false;
    }
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    Snapshot quarantineRead = quarantine.currentSnapshot();
    Map<String, Files> files = new HashMap<>();
    for (TableContract c : TableContracts.regenerable()) {
      Table silver = warehouse.table(c.id());
      files.put(
          c.name(),
          Files.read(c.name(), silver, silver.currentSnapshot(), quarantine, quarantineRead));
    }
    List<DataFile> old = new ArrayList<>();
    List<Record> kept = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        log.newScan().useSnapshot(read.snapshotId()).planFiles()) {
      tasks.forEach(t -> old.add(t.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(log).useSnapshot(read.snapshotId()).build()) {
      for (Record r : rows) {
        Files of = files.get((String) r.getField("target_table"));
        if (of != null && of.holds(r)) {
          kept.add(r.copy());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<DataFile> written = kept.isEmpty() ? List.of() : write(log, kept);
    org.apache.iceberg.OverwriteFiles rewrite = log.newOverwrite();
    old.forEach(rewrite::deleteFile);
    written.forEach(rewrite::addFile);
    try {
      rewrite.commit();
    } catch (RuntimeException e) {
      // the new files go only when the commit definitely did not happen (never when it may have)
      CommitOutcome.discardIfFailed(e, log, read, written);
      return false; // another tidy won, or a file went: the rows are all still there
    }
    return true;
  }

  /** Appends the entries in one commit. */
  public static void append(Table log, List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<Record> records = new ArrayList<>();
    for (Entry e : entries) {
      GenericRecord r = GenericRecord.create(log.schema());
      r.setField("target_table", e.table());
      r.setField("exchange", e.key().exchange());
      r.setField("trading_date", e.key().tradingDate());
      r.setField("snapshot_id", e.snapshotId());
      r.setField("committed_at", e.committedAt().atOffset(ZoneOffset.UTC));
      r.setField("data_files", lines(e.dataFiles()));
      r.setField("quarantine_files", lines(e.quarantineFiles()));
      r.setField("markers", json(e.markers()));
      records.add(r);
    }
    List<DataFile> files = write(log, records);
    Snapshot before = log.currentSnapshot();
    AppendFiles append = log.newAppend();
    files.forEach(append::appendFile);
    try {
      append.commit();
    } catch (RuntimeException e) {
      CommitOutcome.discardIfFailed(e, log, before, files);
      throw e;
    }
  }

  /** Writes the rows into new data files of the log; deletes them when writing fails. */
  private static List<DataFile> write(Table log, List<Record> rows) {
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(log)) {
      try {
        rows.forEach(writer::write);
        return writer.complete();
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
    }
  }

  /**
   * The current data files of each partition of one Silver table: in Silver at one snapshot, and
   * its compaction rows in the quarantine at another.
   */
  private record Files(
      Map<ExchangeDate, List<String>> data, Map<ExchangeDate, List<String>> quarantine) {
    static Files read(
        String table,
        Table silver,
        Snapshot silverRead,
        Table quarantineTable,
        Snapshot quarantineRead) {
      return new Files(
          filesByPartition(silver, silverRead, Expressions.alwaysTrue()),
          filesByPartition(
              quarantineTable, quarantineRead, Expressions.equal("source_table", table)));
    }

    List<String> data(ExchangeDate key) {
      return data.getOrDefault(key, List.of());
    }

    List<String> quarantine(ExchangeDate key) {
      return quarantine.getOrDefault(key, List.of());
    }

    /** Whether a log row lists exactly the current files of its partition in both tables. */
    boolean holds(Record row) {
      ExchangeDate key = keyOf(row);
      return split((String) row.getField("data_files")).equals(data(key))
          && split((String) row.getField("quarantine_files")).equals(quarantine(key));
    }
  }

  private static ExchangeDate keyOf(Record row) {
    return ExchangeDate.of(
        (String) row.getField("exchange"), (java.time.LocalDate) row.getField("trading_date"));
  }

  /**
   * The log as one plan sees it: the current files of one Silver table's partitions (Silver at the
   * plan's Silver snapshot, quarantine at its quarantine snapshot) and the log rows that hold them.
   * Both are read once, on first need. Not thread-safe.
   */
  public static final class View {
    private final Warehouse warehouse;
    private final String table;
    private final Table silver;
    private final Snapshot silverRead;
    private final Table quarantine;
    private final Snapshot quarantineRead;
    private Files files;
    private Map<ExchangeDate, Map<String, String>> current;

    /**
     * @param table the Silver table's name, e.g. {@code silver.trades}
     * @param silverRead the Silver snapshot the plan read
     * @param quarantineRead the quarantine snapshot the plan read
     */
    public View(
        Warehouse warehouse,
        String table,
        Table silver,
        Snapshot silverRead,
        Table quarantine,
        Snapshot quarantineRead) {
      this.warehouse = requireNonNull(warehouse, "warehouse is null");
      this.table = requireNonNull(table, "table is null");
      this.silver = requireNonNull(silver, "silver is null");
      this.silverRead = silverRead;
      this.quarantine = requireNonNull(quarantine, "quarantine is null");
      this.quarantineRead = quarantineRead;
    }

    private Files files() {
      if (files == null) {
        files = Files.read(table, silver, silverRead, quarantine, quarantineRead);
      }
      return files;
    }

    /** The partition's current Silver data files, sorted. */
    public List<String> dataFiles(ExchangeDate key) {
      return files().data(key);
    }

    /** The partition's current quarantine files (of this table's compactions), sorted. */
    public List<String> quarantineFiles(ExchangeDate key) {
      return files().quarantine(key);
    }

    /**
     * The markers of the rebuild whose files each partition holds now, for the partitions the log
     * knows and whose current files are exactly those of one of its rows; of several such rows (a
     * rebuild's and later checks of the same files against a newer dimension), the newest. Empty
     * without a log.
     */
    public Map<ExchangeDate, Map<String, String>> current() {
      if (current == null) {
        current = read();
      }
      return current;
    }

    private Map<ExchangeDate, Map<String, String>> read() {
      Optional<Table> log = table(warehouse);
      if (log.isEmpty()) {
        return Map.of();
      }
      log.get().refresh();
      if (log.get().currentSnapshot() == null) {
        return Map.of();
      }
      Map<ExchangeDate, Map<String, String>> out = new TreeMap<>();
      Map<ExchangeDate, java.time.OffsetDateTime> newest = new HashMap<>();
      try (CloseableIterable<Record> rows =
          IcebergGenerics.read(log.get()).where(Expressions.equal("target_table", table)).build()) {
        for (Record r : rows) {
          if (files().holds(r)) {
            ExchangeDate key = keyOf(r);
            java.time.OffsetDateTime at = (java.time.OffsetDateTime) r.getField("committed_at");
            java.time.OffsetDateTime seen = newest.get(key);
            if (seen == null || !at.isBefore(seen)) {
              newest.put(key, at);
              out.put(key, markers((String) r.getField("markers")));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
  }

  /** The sorted data file locations of each partition of {@code table} at {@code snapshot}. */
  static Map<ExchangeDate, List<String>> filesByPartition(
      Table table, Snapshot snapshot, Expression filter) {
    Map<ExchangeDate, List<String>> out = new HashMap<>();
    if (snapshot == null) {
      return out;
    }
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).filter(filter).planFiles()) {
      for (FileScanTask t : tasks) {
        out.computeIfAbsent(ExchangeDate.of(table, t.file()), k -> new ArrayList<>())
            .add(t.file().location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  private static String lines(List<String> files) {
    return files.isEmpty() ? null : String.join("\n", files);
  }

  private static List<String> split(String lines) {
    return lines == null ? List.of() : List.of(lines.split("\n"));
  }

  private static String json(Map<String, String> markers) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(markers));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write markers as JSON", e);
    }
  }

  private static Map<String, String> markers(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot read markers " + json, e);
    }
  }
}

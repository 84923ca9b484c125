package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads and writes {@code ref.dim_symbol} with optimistic concurrency.
 *
 * <p>{@link #read()} returns the rows together with the version (Iceberg snapshot) they came from.
 * {@link #save} applies changes to exactly that version and commits only if the table is still at
 * it. The check is Iceberg's, inside the commit: the whole table is replaced by one {@link
 * OverwriteFiles} that deletes the data files of the expected version and validates, from that
 * snapshot, that no data file was added or removed since. Iceberg swaps the metadata pointer in the
 * catalog with a compare-and-swap and, when the swap fails because another writer got there first,
 * re-runs this validation against the new state before retrying, so a save based on a stale version
 * always fails (never a check-then-write that could lose an update). A lost race is a {@link
 * VersionConflictException}; {@link #update} retries read-modify-save for callers that want it.
 *
 * <p>Every save validates the complete resulting set ({@link DimSymbolValidator}) before writing; a
 * violation is a {@link TicklakeException} of kind INPUT and nothing is committed. A save that
 * changes no row commits nothing and returns the expected version.
 *
 * <p>The dimension is small (thousands of rows), so each save rewrites it as one data file
 * (copy-on-write). Instances are not thread-safe; give each thread its own (the catalog is shared
 * safely).
 *
 * <p>A save that fails leaves no data file behind, so retries (of {@link #update}, or of a command
 * on a full disk) do not pile files up: its file is deleted when writing it fails, on a conflict,
 * and when the commit failed otherwise and definitely did not happen ({@link CommitOutcome}); it is
 * kept only when the commit may have landed.
 */
public final class DimSymbolTable {
  /** The table's name. */
  public static final String NAME = TableContracts.DIM_SYMBOL.name();

  /** Snapshot summary key naming the operation. */
  static final String SUMMARY_OPERATION = "ticklake.operation";

  /** Snapshot summary key with the version a save was based on. */
  static final String SUMMARY_EXPECTED = "ticklake.expected-version";

  /** Snapshot summary key with a unique id of the save, to find its snapshot afterwards. */
  static final String SUMMARY_COMMIT_ID = "ticklake.commit-id";

  /**
   * Snapshot summary key with the number of rows a save removed or changed (rows of the version it
   * was based on that are not in the new one with the same content).
   */
  static final String SUMMARY_REMOVED_ROWS = "ticklake.removed-rows";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final Table table;

  /** Wraps a loaded {@code ref.dim_symbol} table. */
  public DimSymbolTable(Table table) {
    this.table = requireNonNull(table, "table is null");
  }

  /**
   * Loads {@code ref.dim_symbol} from a warehouse.
   *
   * @throws TicklakeException of kind INPUT when the table does not exist (run {@code ticklake
   *     init})
   */
  public static DimSymbolTable open(Warehouse warehouse) {
    return new DimSymbolTable(warehouse.table(TableContracts.DIM_SYMBOL.id()));
  }

  /** The underlying Iceberg table. */
  public Table table() {
    return table;
  }

  /** The table's current version, refreshed from the catalog. */
  public DimVersion currentVersion() {
    table.refresh();
    return versionOf(table.currentSnapshot());
  }

  /** The rows at the table's current version. */
  public DimSymbolSnapshot read() {
    table.refresh();
    return readAt(versionOf(table.currentSnapshot()));
  }

  /**
   * The rows as of a point in the table's history (a snapshot id, a time, a tag).
   *
   * @throws TicklakeException of kind INPUT for an unknown snapshot or reference
   */
  public DimSymbolSnapshot read(AsOf asOf) {
    table.refresh();
    return readAt(versionOf(SnapshotResolver.resolve(table, asOf).orElse(null)));
  }

  private static DimVersion versionOf(Snapshot snapshot) {
    return snapshot == null ? DimVersion.EMPTY : DimVersion.of(snapshot.snapshotId());
  }

  /**
   * The rows at {@code version} (one a caller pinned earlier with {@link #currentVersion}, so that
   * several reads of one job see the same dimension).
   */
  public DimSymbolSnapshot read(DimVersion version) {
    return readAt(version);
  }

  private DimSymbolSnapshot readAt(DimVersion version) {
    if (version.isEmpty()) {
      return DimSymbolSnapshot.empty(version);
    }
    List<SymbolVersion> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(version.snapshotId().getAsLong()).build()) {
      for (Record r : records) {
        rows.add(fromRecord(r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DimSymbolSnapshot(version, rows);
  }

  /**
   * Applies {@code changes} to the rows of version {@code expected} and commits the result if the
   * table is still at {@code expected}.
   *
   * @param changes rows to remove (each must be in {@code expected}) and rows to add
   * @param expected the version the changes were computed from; {@link DimVersion#EMPTY} for a
   *     table that must not have any snapshot yet
   * @return the new version, or {@code expected} when the changes change nothing
   * @throws VersionConflictException when the table is no longer at {@code expected}
   * @throws TicklakeException of kind INPUT when the result breaks a rule of {@link
   *     DimSymbolValidator} or a removed row is not in {@code expected}; nothing is committed
   */
  public DimVersion save(SymbolChanges changes, DimVersion expected) {
    requireNonNull(changes, "changes is null");
    requireNonNull(expected, "expected is null");
    table.refresh();
    DimVersion actual = versionOf(table.currentSnapshot());
    if (!actual.equals(expected)) {
      // fail fast; the commit below would fail the same way, after writing a file
      throw VersionConflictException.of(NAME, expected, actual, null);
    }
    requireEvolvedSchema();
    DimSymbolSnapshot base = readAt(expected);
    List<SymbolVersion> result = validated(base, changes);
    if (sameRows(base.rows(), result)) {
      return expected;
    }
    return commit(expected, result, removedRows(base.rows(), result));
  }

  /**
   * The rows {@code changes} leave of {@code base}, checked as {@link #save} checks them, without
   * writing anything: what a dry run must refuse.
   *
   * @throws TicklakeException of kind INPUT when the result breaks a rule of {@link
   *     DimSymbolValidator} or a removed row is not in {@code base}
   */
  public static List<SymbolVersion> validated(DimSymbolSnapshot base, SymbolChanges changes) {
    List<SymbolVersion> result = apply(base, changes);
    List<String> violations = DimSymbolValidator.violations(result);
    if (!violations.isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot save %s: %s; nothing was committed",
          NAME,
          DimSymbolValidator.summary(violations));
    }
    return result;
  }

  /** How many rows of {@code base} are not in {@code result} with the same content. */
  private static int removedRows(List<SymbolVersion> base, List<SymbolVersion> result) {
    Map<SymbolVersion.Key, SymbolVersion> kept = new HashMap<>();
    result.forEach(r -> kept.put(r.key(), r));
    int removed = 0;
    for (SymbolVersion r : base) {
      SymbolVersion now = kept.get(r.key());
      if (now == null || !now.sameContent(r)) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Whether every save after snapshot {@code snapshotId}, up to the current one, only added rows,
   * so that each row of that version is still in the table with the same content. False when that
   * snapshot is not an ancestor of the current one (expired, rolled back) or a snapshot in between
   * does not say what it removed (a save from before that marker, or a commit by another tool).
   */
  public boolean onlyAddedSince(long snapshotId) {
    return onlyAddedSince().test(snapshotId);
  }

  /**
   * {@link #onlyAddedSince(long)} for many snapshots against the current version read once: the
   * snapshots it holds for are the current one and its ancestors back to the newest save that
   * removed a row (or did not say), which is walked once.
   */
  public LongPredicate onlyAddedSince() {
    table.refresh();
    Set<Long> since = new HashSet<>();
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      since.add(s.snapshotId());
      if (!"0".equals(s.summary().get(SUMMARY_REMOVED_ROWS))) {
        break; // saves after an older snapshot include this one
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return since::contains;
  }

  /**
   * Replaces the rows of {@code expected} by {@code rows} in one atomic commit, without the
   * up-front version check of {@link #save}: the only guard is Iceberg's validation inside the
   * commit. Package-private so that tests can prove that guard alone rejects stale writers.
   */
  DimVersion commit(DimVersion expected, List<SymbolVersion> rows) {
    return commit(expected, rows, -1);
  }

  /** {@link #commit(DimVersion, List)}, recording how many rows it removed when known (≥ 0). */
  private DimVersion commit(DimVersion expected, List<SymbolVersion> rows, int removedRows) {
    List<DataFile> oldFiles = dataFiles(expected);
    List<DataFile> newFiles = List.of();
    if (!rows.isEmpty()) {
      try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
        try {
          Schema schema = table.schema();
          for (SymbolVersion row : rows) {
            writer.write(toRecord(schema, row));
          }
          newFiles = writer.complete();
        } catch (RuntimeException e) {
          writer.abort(); // e.g. a full disk: the file it could not finish goes too
          throw e;
        }
      }
    }
    Snapshot base = table.currentSnapshot();
    String commitId = UUID.randomUUID().toString();
    OverwriteFiles overwrite = table.newOverwrite();
    oldFiles.forEach(overwrite::deleteFile);
    newFiles.forEach(overwrite::addFile);
    // The atomic part: Iceberg checks, inside its commit loop and again after every failed
    // compare-and-swap, that nothing was added or removed since the expected version. For an
    // expected empty table there is no starting snapshot, so the whole history must be empty.
    expected.snapshotId().ifPresent(overwrite::validateFromSnapshot);
    overwrite
        .conflictDetectionFilter(Expressions.alwaysTrue())
        .validateNoConflictingData()
        .validateNoConflictingDeletes();
    overwrite.set(SUMMARY_OPERATION, "dim-save");
    overwrite.set(SUMMARY_EXPECTED, expected.toString());
    overwrite.set(SUMMARY_COMMIT_ID, commitId);
    if (removedRows >= 0) {
      overwrite.set(SUMMARY_REMOVED_ROWS, Integer.toString(removedRows));
    }
    try {
      overwrite.commit();
    } catch (ValidationException | CommitFailedException e) {
      deleteQuietly(newFiles);
      table.refresh();
      throw VersionConflictException.of(NAME, expected, versionOf(table.currentSnapshot()), e);
    } catch (CommitStateUnknownException e) {
      // the commit may have succeeded: the files must stay, whatever the outcome
      throw new TicklakeException(
          Kind.FAILURE,
          "Cannot tell whether the save of "
              + NAME
              + " based on version "
              + expected
              + " was committed ("
              + e.getMessage()
              + "); read the table to find out before retrying",
          e);
    } catch (RuntimeException e) {
      // a full disk while writing the manifests or the metadata file, a refused catalog update:
      // the file goes only when the table, read again, shows that the commit did not happen
      CommitOutcome.discardIfFailed(e, table, base, newFiles);
      throw e;
    }
    return committedVersion(commitId);
  }

  /** Finds the snapshot a save committed by its commit id, walking back from the current one. */
  private DimVersion committedVersion(String commitId) {
    table.refresh();
    Snapshot s = table.currentSnapshot();
    while (s != null) {
      if (commitId.equals(s.summary().get(SUMMARY_COMMIT_ID))) {
        return DimVersion.of(s.snapshotId());
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    throw new IllegalStateException(
        "Cannot find the snapshot of commit " + commitId + " in " + NAME + " after committing it");
  }

  private List<DataFile> dataFiles(DimVersion version) {
    List<DataFile> files = new ArrayList<>();
    if (version.isEmpty()) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(version.snapshotId().getAsLong()).planFiles()) {
      for (FileScanTask t : tasks) {
        if (!t.deletes().isEmpty()) {
          throw TicklakeException.of(
              Kind.UNSUPPORTED,
              "Cannot save %s: version %s has row-level delete files; ticklake writes"
                  + " copy-on-write tables only",
              NAME,
              version);
        }
        files.add(t.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private void deleteQuietly(List<DataFile> files) {
    for (DataFile f : files) {
      try {
        table.io().deleteFile(f.location());
      } catch (RuntimeException ignored) {
        // an orphan file is harmless; the conflict is what the caller needs to hear about
      }
    }
  }

  private void requireEvolvedSchema() {
    for (var field : TableContracts.DIM_SYMBOL.schema().columns()) {
      if (table.schema().findField(field.name()) == null) {
        throw TicklakeException.of(
            Kind.CONTRACT,
            "Cannot save %s: the table lacks column %s; run 'ticklake init' to evolve it",
            NAME,
            field.name());
      }
    }
  }

  /** The rows of {@code base} with {@code changes} applied. */
  static List<SymbolVersion> apply(DimSymbolSnapshot base, SymbolChanges changes) {
    Map<SymbolVersion.Key, SymbolVersion> byKey = new LinkedHashMap<>();
    List<SymbolVersion> duplicates = new ArrayList<>();
    for (SymbolVersion r : base.rows()) {
      if (byKey.putIfAbsent(r.key(), r) != null) {
        duplicates.add(r);
      }
    }
    for (SymbolVersion r : changes.removed()) {
      if (byKey.remove(r.key()) == null) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot save %s: the row %s to remove is not in version %s",
            NAME,
            r.describe(),
            base.version());
      }
    }
    List<SymbolVersion> result = new ArrayList<>(byKey.values());
    result.addAll(duplicates);
    result.addAll(changes.added());
    result.sort(DimSymbolSnapshot.ORDER);
    return result;
  }

  private static boolean sameRows(List<SymbolVersion> a, List<SymbolVersion> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  // ---- read-modify-save with retries

  /**
   * How often and how patiently {@link #update} retries a lost race: at most {@code maxAttempts}
   * attempts, sleeping between them for an exponentially growing, jittered time from {@code
   * minBackoff} up to {@code maxBackoff}.
   *
   * @param maxAttempts attempts in all, at least 1
   * @param minBackoff sleep after the first conflict
   * @param maxBackoff longest sleep
   */
  public record Retry(int maxAttempts, Duration minBackoff, Duration maxBackoff) {
    /** 10 attempts, 20 ms to 1 s. */
    public static final Retry DEFAULT = new Retry(10, Duration.ofMillis(20), Duration.ofSeconds(1));

    /** One attempt, no retry. */
    public static final Retry NONE = new Retry(1, Duration.ZERO, Duration.ZERO);

    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      requireNonNull(minBackoff, "minBackoff is null");
      requireNonNull(maxBackoff, "maxBackoff is null");
    }

    long sleepMillis(int failedAttempts) {
      long base = minBackoff.toMillis() << Math.min(20, failedAttempts - 1);
      long capped = Math.min(maxBackoff.toMillis(), Math.max(0, base));
      return capped == 0 ? 0 : capped / 2 + ThreadLocalRandom.current().nextLong(capped);
    }
  }

  /**
   * The outcome of {@link #update}.
   *
   * @param base the version the successful attempt read
   * @param version the version after the save ({@code base} when nothing changed)
   * @param changes the changes the successful attempt saved
   * @param attempts how many attempts it took
   */
  public record Saved(DimVersion base, DimVersion version, SymbolChanges changes, int attempts) {
    /** True when the save changed nothing. */
    public boolean isNoop() {
      return base.equals(version);
    }
  }

  /**
   * Reads, lets {@code modify} compute changes from what it read, and saves them against the
   * version read; on a conflict does it all again, up to {@code retry.maxAttempts()} times. {@code
   * modify} must be a pure function of its argument: it runs once per attempt.
   *
   * @throws VersionConflictException when every attempt lost its race
   */
  public Saved update(Function<DimSymbolSnapshot, SymbolChanges> modify, Retry retry) {
    requireNonNull(modify, "modify is null");
    requireNonNull(retry, "retry is null");
    for (int attempt = 1; ; attempt++) {
      DimSymbolSnapshot snapshot = read();
      SymbolChanges changes = modify.apply(snapshot);
      try {
        DimVersion version =
            changes.isEmpty() ? snapshot.version() : save(changes, snapshot.version());
        return new Saved(snapshot.version(), version, changes, attempt);
      } catch (VersionConflictException e) {
        if (attempt >= retry.maxAttempts()) {
          throw e.afterAttempts(attempt);
        }
        sleep(retry.sleepMillis(attempt));
      }
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TicklakeException(Kind.FAILURE, "Interrupted while retrying a save of " + NAME, e);
    }
  }

  // ---- rows <-> records

  static Record toRecord(Schema schema, SymbolVersion v) {
    GenericRecord r = GenericRecord.create(schema);
    SymbolAttributes a = v.attributes();
    r.setField("symbol_id", v.symbolId());
    r.setField("exchange", v.exchange());
    r.setField("ticker", v.ticker());
    r.setField("canonical_id", v.canonicalId());
    r.setField("aliases", aliasesJson(a.aliasList()));
    r.setField("asset_class", a.assetClass());
    r.setField("currency", a.currency());
    r.setField("tick_size", a.tickSize());
    r.setField("lot_size", a.lotSize());
    r.setField("multiplier", a.multiplier());
    r.setField("valid_from", utc(v.validFrom()));
    r.setField("valid_until", v.validUntil().map(DimSymbolTable::utc).orElse(null));
    r.setField("is_current", v.current());
    r.setField("auto_registered", v.autoRegistered());
    r.setField("source", v.source());
    r.setField("updated_at", utc(v.updatedAt()));
    r.setField("exchange_code", v.exchangeCode());
    r.setField("base_currency", a.baseCurrency());
    return r;
  }

  static SymbolVersion fromRecord(Record r) {
    long id = (Long) r.getField("symbol_id");
    SymbolAttributes attributes;
    try {
      attributes =
          new SymbolAttributes(
              (String) r.getField("asset_class"),
              (String) r.getField("currency"),
              optionalString(r, "base_currency"),
              (BigDecimal) r.getField("tick_size"),
              (BigDecimal) r.getField("lot_size"),
              (BigDecimal) r.getField("multiplier"),
              parseAliases((String) r.getField("aliases")));
    } catch (IllegalArgumentException e) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot read %s: row of symbol_id %d: %s", NAME, id, e.getMessage());
    }
    return new SymbolVersion(
        id,
        (String) r.getField("exchange"),
        (String) r.getField("canonical_id"),
        (String) r.getField("ticker"),
        optionalString(r, "exchange_code"),
        attributes,
        ((OffsetDateTime) r.getField("valid_from")).toInstant(),
        Optional.ofNullable((OffsetDateTime) r.getField("valid_until"))
            .map(OffsetDateTime::toInstant),
        (Boolean) r.getField("is_current"),
        (Boolean) r.getField("auto_registered"),
        (String) r.getField("source"),
        ((OffsetDateTime) r.getField("updated_at")).toInstant());
  }

  private static String optionalString(Record r, String column) {
    // tables created before the column was added to the contract do not have it yet
    return r.struct().field(column) == null ? null : (String) r.getField(column);
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  /** The aliases column: a JSON array of strings. */
  static String aliasesJson(List<String> aliases) {
    try {
      return JSON.writeValueAsString(aliases);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> parseAliases(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      List<String> list = JSON.readValue(json, STRING_LIST);
      return list == null ? List.of() : list;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("aliases is not a JSON array of strings: " + json, e);
    }
  }
}

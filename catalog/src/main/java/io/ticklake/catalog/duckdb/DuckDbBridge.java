package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import io.ticklake.catalog.snapshot.UnfinishedCompactions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Exposes Iceberg tables, pinned to snapshots, to an in-process DuckDB connection as views.
 *
 * <p>DuckDB's Iceberg extension cannot be installed offline, so ticklake resolves the snapshot
 * itself, lists the live data files and hands DuckDB the file list with a schema that maps Parquet
 * field ids to column names and types (the table's current ones, or a snapshot's own when reading
 * back in time). Hence an added column reads as NULL in older files and a renamed column is found
 * by field id, not by name.
 *
 * <p>Not thread-safe: one bridge, one connection, one thread at a time.
 */
public final class DuckDbBridge implements AutoCloseable {
  private final Connection connection;

  private DuckDbBridge(Connection connection) {
    this.connection = connection;
  }

  private static final AtomicBoolean SWEPT = new AtomicBoolean();

  /** How old a native library copy must be before the sweep deletes it. */
  static final Duration STALE_LIBRARY_AGE = Duration.ofMinutes(1);

  /**
   * Deletes the copies of DuckDB's native library that killed JVMs left in {@code dir}. The JDBC
   * driver unpacks its library (about 70 MB) into {@code java.io.tmpdir} as {@code
   * libduckdb_java<random>.so} in every JVM and removes it only when that JVM exits normally, so a
   * process killed by SIGKILL or the OOM killer (a stopped writer, a crash test) leaves one behind
   * for good — hundreds of them filled a 250 GB disk here. Once per process, after its own copy is
   * loaded, copies older than {@link #STALE_LIBRARY_AGE} are deleted: on Linux and macOS a process
   * that loaded one keeps using it after the unlink, and a copy being unpacked right now is younger
   * than that. A file that cannot be deleted (another user's, or a library in use on Windows) is
   * left alone.
   *
   * @return the number of files deleted
   */
  static int sweepStaleNativeLibraries(Path dir, Instant now) {
    int deleted = 0;
    try (DirectoryStream<Path> libs = Files.newDirectoryStream(dir, "libduckdb_java*.so")) {
      for (Path lib : libs) {
        try {
          Instant modified = Files.getLastModifiedTime(lib).toInstant();
          if (modified.isBefore(now.minus(STALE_LIBRARY_AGE)) && Files.deleteIfExists(lib)) {
            deleted++;
          }
        } catch (IOException | SecurityException e) {
          // not ours to delete, or gone meanwhile
        }
      }
    } catch (IOException | SecurityException e) {
      // no temp directory listing: nothing to sweep
    }
    return deleted;
  }

  /**
   * Opens an in-memory DuckDB connection set up for ticklake: UTC session time zone, spill files in
   * {@code tempDir}, and the given number of threads.
   *
   * @param tempDir directory for DuckDB spill files (inside the warehouse)
   * @param threads engine threads, or 0 for DuckDB's default (one per core)
   * @param memoryLimit DuckDB memory limit such as {@code 1GB}, or null for DuckDB's default
   */
  public static DuckDbBridge open(Path tempDir, int threads, String memoryLimit) {
    try {
      Properties props = new Properties();
      Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
      if (SWEPT.compareAndSet(false, true)) {
        sweepStaleNativeLibraries(Path.of(System.getProperty("java.io.tmpdir")), Instant.now());
      }
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        if (tempDir != null) {
          s.execute("SET temp_directory = " + Sql.string(tempDir.toString()));
        }
        if (threads > 0) {
          s.execute("SET threads = " + threads);
        }
        if (memoryLimit != null) {
          s.execute("SET memory_limit = " + Sql.string(memoryLimit));
        }
      }
      return new DuckDbBridge(c);
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot start DuckDB: " + e.getMessage().strip(), e);
    }
  }

  /** The DuckDB connection; views registered by this bridge live in it. */
  public Connection connection() {
    return connection;
  }

  /**
   * The SQL expression that reads a pinned scan: a {@code read_parquet} over its files with the
   * field-id schema, filtered by {@code filter}, or a typed empty relation when there are no files.
   */
  public static String relationSql(PinnedScan scan, PartitionFilter filter) {
    return relationSql(scan, filter, false);
  }

  /**
   * As {@link #relationSql(PinnedScan, PartitionFilter)}; with {@code rowNumbers} the relation also
   * has a BIGINT column {@code file_row_number}, each row's position in its data file (a reader of
   * a sorted single-file partition gets the file's order without sorting again).
   */
  public static String relationSql(PinnedScan scan, PartitionFilter filter, boolean rowNumbers) {
    Schema schema = scan.schema();
    List<String> files = scan.localPaths();
    String select;
    if (files.isEmpty()) {
      select =
          "SELECT "
              + schema.columns().stream()
                  .map(f -> "CAST(NULL AS " + duckDbType(f) + ") AS " + Sql.ident(f.name()))
                  .collect(Collectors.joining(", "))
              + (rowNumbers ? ", CAST(NULL AS BIGINT) AS file_row_number" : "")
              + " WHERE false";
    } else {
      String fileList = files.stream().map(Sql::string).collect(Collectors.joining(", ", "[", "]"));
      String mapping =
          schema.columns().stream()
              .map(
                  f ->
                      f.fieldId()
                          + ": {name: "
                          + Sql.string(f.name())
                          + ", type: "
                          + Sql.string(duckDbType(f))
                          + ", default_value: NULL}")
              .collect(Collectors.joining(", ", "MAP {", "}"));
      select =
          "SELECT * FROM read_parquet("
              + fileList
              + ", schema = "
              + mapping
              + ", hive_partitioning = false, filename = false"
              + (rowNumbers ? ", file_row_number = true" : "")
              + ")";
    }
    if (!filter.equalities().isEmpty()) {
      select = "SELECT * FROM (" + select + ") WHERE " + filter.sqlPredicate();
    }
    return select;
  }

  /**
   * Creates (or replaces) a view over a table at a snapshot.
   *
   * @param viewName qualified view name, e.g. {@code silver.trades}; its schema must exist
   * @return the scan the view reads
   */
  public PinnedScan registerView(
      String viewName, Table table, Optional<Snapshot> snapshot, PartitionFilter filter) {
    PinnedScan scan = PinnedScan.plan(table, snapshot, filter.expression());
    execute("CREATE OR REPLACE VIEW " + qualified(viewName) + " AS " + relationSql(scan, filter));
    return scan;
  }

  /**
   * Registers every table of the catalog as {@code namespace.table} views, all pinned to one
   * consistent as-of (see {@link SnapshotResolver#resolveEach}). A view has the table's current
   * columns when it reads the latest snapshot (or a branch), and the snapshot's own columns when it
   * reads back in time, as Iceberg's time travel does: an as-of before a column was added or
   * renamed shows the columns of then.
   *
   * <p>A table whose snapshot of that time was expired gets a view that fails, with the reason,
   * when a query reads it; the other tables stay readable.
   *
   * @return the scans by table, in catalog order (not the tables whose snapshot was expired)
   */
  public Map<TableIdentifier, PinnedScan> registerAll(Catalog catalog, AsOf asOf) {
    return registerAll(catalog, asOf, note -> {});
  }

  /**
   * As {@link #registerAll(Catalog, AsOf)}, handing {@code notes} what the user should know about
   * the view of the lake (one sentence each).
   *
   * <p>{@code ops.quarantine} shows each partition's rows of a Silver table as the compaction that
   * the Silver table holds (at its own snapshot) left them. The compactor commits a partition's
   * quarantine rows and then its Silver rows, so a read between the two — a run still going, one
   * that died there, or an as-of time in that window — would otherwise find the new run's
   * quarantine rows next to the old run's Silver rows: rows rejected by both runs twice, rows
   * rejected only by the old run nowhere. Such a partition's quarantine rows are read from the
   * quarantine snapshot of the rebuild Silver holds (none before its first compaction), with a
   * note. A quarantine snapshot the as-of names itself (its id or a tag) is read as it is, with a
   * note naming the partitions that do not match.
   */
  public Map<TableIdentifier, PinnedScan> registerAll(
      Catalog catalog, AsOf asOf, java.util.function.Consumer<String> notes) {
    return register(catalog, asOf, notes, null);
  }

  /**
   * As {@link #registerAll(Catalog, AsOf, java.util.function.Consumer)}, but only the tables that
   * {@code query} reads get a view when DuckDB's parse of it tells them for certain (see {@link
   * QueryTables}); otherwise every table does. Planning a table lists every live data file from its
   * manifests, which on a long-lived lake is most of a short query's time: {@code select 1} or a
   * query of one Silver day then plans no Bronze file. The as-of is resolved over every table as
   * before (a snapshot id or tag is looked up in all of them), so the tables that are registered
   * are pinned exactly as {@code registerAll} pins them, and the query's result is the same.
   *
   * <p>A table's view then lists only the files that may hold rows its references can use by the
   * query's WHERE clauses ({@link QueryTables#analyze}, {@link RowPredicate#toIceberg}): a query of
   * one day and exchange makes DuckDB open one partition's files, not every file's footer. DuckDB
   * still applies the whole WHERE, and the analysis only keeps what it is sure of, so the result is
   * the same as over every file.
   *
   * @return the scans of the tables registered (not those whose snapshot was expired)
   */
  public Map<TableIdentifier, PinnedScan> registerFor(
      String query, Catalog catalog, AsOf asOf, java.util.function.Consumer<String> notes) {
    requireNonNull(query, "query is null");
    return register(catalog, asOf, notes, query);
  }

  /**
   * Registers the views, reading the lake again when a concurrent {@code ticklake expire} removed a
   * snapshot after it was loaded and before its files were planned (its manifest list or manifests
   * are then gone, a {@link NotFoundException}): the latest state is simply read again, and an
   * as-of whose snapshots were expired then gets the view that says so. A note is handed on once,
   * however many attempts make it.
   *
   * @throws TicklakeException of kind CONFLICT when snapshots kept expiring under every attempt
   */
  private Map<TableIdentifier, PinnedScan> register(
      Catalog catalog, AsOf asOf, java.util.function.Consumer<String> notes, String query) {
    java.util.Set<String> noted = new java.util.HashSet<>();
    java.util.function.Consumer<String> once =
        note -> {
          if (noted.add(note)) {
            notes.accept(note);
          }
        };
    return SnapshotExpiry.replanning(
        "the lake's views", () -> registerOnce(catalog, asOf, once, query));
  }

  private Map<TableIdentifier, PinnedScan> registerOnce(
      Catalog catalog, AsOf asOf, java.util.function.Consumer<String> notes, String query) {
    Map<TableIdentifier, Table> tables = loadConsistent(catalog);
    Map<TableIdentifier, SnapshotResolver.Resolution> snapshots =
        SnapshotResolver.resolveEach(tables, asOf);
    Map<TableIdentifier, RowPredicate> read =
        query == null
            ? everyRow(tables.keySet())
            : QueryTables.analyze(connection, query, tables.keySet())
                .orElseGet(() -> everyRow(tables.keySet()));
    Map<TableIdentifier, PinnedScan> scans = new LinkedHashMap<>();
    for (Map.Entry<TableIdentifier, Table> e : tables.entrySet()) {
      RowPredicate rows = read.get(e.getKey());
      if (rows == null) {
        continue;
      }
      String schemaName = e.getKey().namespace().toString();
      execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(schemaName));
      SnapshotResolver.Resolution r = snapshots.get(e.getKey());
      if (r.unreadable().isPresent()) {
        // its history of that time was expired: a query that reads it fails with the reason
        // (DuckDB evaluates error() per query, not when the view is made); others still work.
        // Every column is error() too, not a NULL constant: a filter on a constant column folds
        // to false and DuckDB then drops the whole view, error() included (an empty answer)
        String error = "error(" + Sql.string(r.unreadable().get()) + ")";
        execute(
            "CREATE OR REPLACE VIEW "
                + qualified(e.getKey().toString())
                + " AS SELECT "
                + e.getValue().schema().columns().stream()
                    .map(
                        f ->
                            "CAST("
                                + error
                                + " AS "
                                + duckDbType(f)
                                + ") AS "
                                + Sql.ident(f.name()))
                    .collect(Collectors.joining(", "))
                + " FROM range(1) WHERE "
                + error
                + " IS NOT NULL");
        continue;
      }
      PinnedScan scan = planFor(rows, e.getValue(), r.snapshot(), r.schema());
      if (e.getKey().equals(TableContracts.QUARANTINE.id()) && r.snapshot().isPresent()) {
        scan = withFinishedCompactions(scan, rows, tables, snapshots, asOf, notes);
      }
      execute(
          "CREATE OR REPLACE VIEW "
              + qualified(e.getKey().toString())
              + " AS "
              + relationSql(scan, PartitionFilter.all()));
      scans.put(e.getKey(), scan);
    }
    return scans;
  }

  /** The files of {@code table} at {@code snapshot} that may hold rows meeting {@code rows}. */
  private static PinnedScan planFor(
      RowPredicate rows, Table table, Optional<Snapshot> snapshot, Schema schema) {
    return planOrAll(
        table, snapshot, schema, filesFor(rows, table, schema, snapshot), Expressions.alwaysTrue());
  }

  /**
   * The scan planned with {@code filter}, or with {@code fallback} (a filter that prunes less) when
   * Iceberg cannot bind {@code filter} to a spec of the table: pruning is an optimisation, a view
   * with more files reads the same rows.
   */
  private static PinnedScan planOrAll(
      Table table,
      Optional<Snapshot> snapshot,
      Schema schema,
      Expression filter,
      Expression fallback) {
    try {
      return PinnedScan.plan(table, snapshot, schema, filter);
    } catch (org.apache.iceberg.exceptions.ValidationException e) {
      return PinnedScan.plan(table, snapshot, schema, fallback);
    }
  }

  private static Map<TableIdentifier, RowPredicate> everyRow(Set<TableIdentifier> ids) {
    Map<TableIdentifier, RowPredicate> all = new LinkedHashMap<>();
    ids.forEach(id -> all.put(id, RowPredicate.ALL));
    return all;
  }

  /**
   * The Iceberg filter of the files of {@code table} at {@code snapshot} that may hold rows meeting
   * {@code rows}, read with {@code viewSchema}; bound to the schema Iceberg plans that snapshot
   * with, which can name a column otherwise than the view does.
   */
  private static Expression filesFor(
      RowPredicate rows, Table table, Schema viewSchema, Optional<Snapshot> snapshot) {
    if (rows instanceof RowPredicate.All || snapshot.isEmpty()) {
      return Expressions.alwaysTrue();
    }
    Schema scanSchema = table.newScan().useSnapshot(snapshot.get().snapshotId()).schema();
    return rows.toIceberg(table, viewSchema, scanSchema);
  }

  /**
   * {@code quarantine}'s scan with the rows of every partition whose compaction the Silver table
   * does not hold replaced by those of the compaction it holds (see {@link #registerAll(Catalog,
   * AsOf, java.util.function.Consumer)}).
   */
  private static PinnedScan withFinishedCompactions(
      PinnedScan quarantine,
      RowPredicate rows,
      Map<TableIdentifier, Table> tables,
      Map<TableIdentifier, SnapshotResolver.Resolution> snapshots,
      AsOf asOf,
      java.util.function.Consumer<String> notes) {
    Map<String, UnfinishedCompactions.TableAt> silver = new LinkedHashMap<>();
    tables.forEach(
        (id, t) -> {
          SnapshotResolver.Resolution r = snapshots.get(id);
          if (!id.equals(TableContracts.QUARANTINE.id()) && r.unreadable().isEmpty()) {
            silver.put(id.toString(), new UnfinishedCompactions.TableAt(t, r.snapshot()));
          }
        });
    Table table = quarantine.table();
    Snapshot at = quarantine.snapshot().orElseThrow();
    List<UnfinishedCompactions.Unfinished> unfinished =
        UnfinishedCompactions.find(table, at, silver);
    if (unfinished.isEmpty()) {
      return quarantine;
    }
    String name = TableContracts.QUARANTINE.name();
    if (SnapshotResolver.pinsOwnSnapshot(table, asOf)) {
      UnfinishedCompactions.bySilverTable(unfinished)
          .forEach(
              (silverTable, list) ->
                  notes.accept(
                      String.format(
                          java.util.Locale.ROOT,
                          "%s is read at snapshot %d as asked: its rows of %s %s are from %s whose"
                              + " Silver rows %s did not have then",
                          name,
                          at.snapshotId(),
                          silverTable,
                          partitions(list),
                          list.size() == 1 ? "a compaction" : "compactions",
                          silverTable)));
      return quarantine;
    }
    Map<String, DataFile> files = new java.util.TreeMap<>();
    quarantine.dataFiles().forEach(f -> files.put(f.location(), f));
    List<UnfinishedCompactions.Unfinished> replaced = new ArrayList<>();
    for (UnfinishedCompactions.Unfinished u : unfinished) {
      if (!u.found()) {
        notes.accept(
            String.format(
                java.util.Locale.ROOT,
                "%s shows the rows of %s partition %s from a compaction whose Silver rows %s does"
                    + " not have (quarantine snapshot %d): the snapshots of the compaction it has"
                    + " were expired",
                name,
                u.silverTable(),
                u.partition(),
                u.silverTable(),
                u.unfinished().snapshotId()));
        continue;
      }
      PinnedScan.plan(table, Optional.of(at), quarantine.schema(), u.quarantineRows())
          .dataFiles()
          .forEach(f -> files.remove(f.location()));
      // the partition's files of the finished compaction that the query's WHERE can match
      Expression finished =
          Expressions.and(
              u.quarantineRows(), filesFor(rows, table, quarantine.schema(), u.finished()));
      planOrAll(table, u.finished(), quarantine.schema(), finished, u.quarantineRows())
          .dataFiles()
          .forEach(f -> files.put(f.location(), f));
      replaced.add(u);
    }
    // of the latest state a rerun of compact finishes them; back in time they may have finished
    boolean latest = asOf instanceof AsOf.Latest;
    UnfinishedCompactions.bySilverTable(replaced)
        .forEach(
            (silverTable, list) ->
                notes.accept(
                    list.size() == 1
                        ? String.format(
                            java.util.Locale.ROOT,
                            "%s shows %s partition %s as its last finished compaction left it: a"
                                + " later compaction %s its quarantine rows (snapshot %d) but not"
                                + " its Silver rows (%s)",
                            name,
                            silverTable,
                            list.get(0).partition(),
                            latest ? "committed" : "had committed",
                            list.get(0).unfinished().snapshotId(),
                            latest
                                ? "a run still going, or one that died: ticklake compact finishes"
                                    + " it"
                                : "a run going then, or one that died")
                        : String.format(
                            java.util.Locale.ROOT,
                            "%s shows %d partitions of %s (%s) as their last finished compactions"
                                + " left them: later compactions %s their quarantine rows but not"
                                + " their Silver rows (%s)",
                            name,
                            list.size(),
                            silverTable,
                            partitionList(list),
                            latest ? "committed" : "had committed",
                            latest
                                ? "runs still going, or that died: ticklake compact finishes them"
                                : "runs going then, or that died")));
    return new PinnedScan(
        table, quarantine.snapshot(), quarantine.schema(), new ArrayList<>(files.values()));
  }

  /** "partition P" or "partitions P1, P2, P3 and 7 more". */
  private static String partitions(List<UnfinishedCompactions.Unfinished> list) {
    return (list.size() == 1 ? "partition " : "partitions ") + partitionList(list);
  }

  private static String partitionList(List<UnfinishedCompactions.Unfinished> list) {
    int shown = Math.min(list.size(), 3);
    String text =
        list.subList(0, shown).stream()
            .map(u -> u.partition().toString())
            .collect(Collectors.joining(", "));
    return list.size() > shown ? text + " and " + (list.size() - shown) + " more" : text;
  }

  /** How many times {@link #loadConsistent} loads every table before it gives up. */
  static final int CONSISTENT_LOAD_ATTEMPTS = 10;

  /**
   * Every table of the catalog, as they all were at one moment. Tables load one after another, so a
   * job committing meanwhile (the compactor replaces a partition's quarantine rows, then its Silver
   * rows; Bronze is committed before Silver is built from it) could leave the tables loaded first
   * before its commits and the later ones after: a lake that never was, with Silver rows whose
   * Bronze rows are missing. The tables are loaded again until two rounds find the same metadata
   * file for every table; then each table was in that state from its first load to its second, so
   * all of them were between the two rounds. A later round refreshes the tables it already has,
   * which asks the catalog for the metadata file's name and reads the file only when it changed:
   * the metadata of a long-lived table (every snapshot's summary) is parsed once, not per round.
   *
   * @throws TicklakeException of kind CONFLICT when the tables changed between every two rounds
   */
  static Map<TableIdentifier, Table> loadConsistent(Catalog catalog) {
    Map<TableIdentifier, Table> tables = loadAll(catalog, Map.of());
    for (int round = 1; round < CONSISTENT_LOAD_ATTEMPTS; round++) {
      // taken before the refresh: the tables of this round are the same objects, refreshed
      Map<TableIdentifier, String> before = metadataFiles(tables);
      Map<TableIdentifier, Table> again = loadAll(catalog, tables);
      if (metadataFiles(again).equals(before)) {
        return again;
      }
      tables = again;
    }
    throw TicklakeException.of(
        Kind.CONFLICT,
        "Cannot read a consistent view of the lake: its tables changed between each of %d loads;"
            + " retry",
        CONSISTENT_LOAD_ATTEMPTS);
  }

  /** Every table of the catalog: those in {@code known} refreshed, the others loaded. */
  private static Map<TableIdentifier, Table> loadAll(
      Catalog catalog, Map<TableIdentifier, Table> known) {
    Map<TableIdentifier, Table> tables = new LinkedHashMap<>();
    for (TableIdentifier id : listTables(catalog)) {
      Table table = known.get(id);
      if (table == null) {
        table = catalog.loadTable(id);
      } else {
        table.refresh();
      }
      tables.put(id, table);
    }
    return tables;
  }

  private static Map<TableIdentifier, String> metadataFiles(Map<TableIdentifier, Table> tables) {
    Map<TableIdentifier, String> files = new LinkedHashMap<>();
    tables.forEach(
        (id, t) ->
            files.put(id, ((HasTableOperations) t).operations().current().metadataFileLocation()));
    return files;
  }

  /** Every table of every (top-level) namespace, sorted by name. */
  public static List<TableIdentifier> listTables(Catalog catalog) {
    List<TableIdentifier> ids = new ArrayList<>();
    if (catalog instanceof SupportsNamespaces ns) {
      for (Namespace namespace : ns.listNamespaces()) {
        ids.addAll(catalog.listTables(namespace));
      }
    }
    ids.sort(java.util.Comparator.comparing(TableIdentifier::toString));
    return ids;
  }

  /**
   * Whether to print every statement's wall time to stderr (system property {@code
   * ticklake.trace.sql}); for finding where a job's time goes.
   */
  private static final boolean TRACE = Boolean.getBoolean("ticklake.trace.sql");

  /** Prints {@code sql}'s wall time since {@code startNanos} when tracing is on. */
  public static void trace(String sql, long startNanos) {
    if (TRACE) {
      String oneLine = sql.replaceAll("\\s+", " ");
      System.err.printf(
          "[sql %8.1f ms] %s%n",
          (System.nanoTime() - startNanos) / 1e6,
          oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine);
    }
  }

  /** Runs a statement that returns no rows. */
  public void execute(String sql) {
    long start = System.nanoTime();
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
      trace(sql, start);
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot run DuckDB statement: " + e.getMessage().strip(), e);
    }
  }

  /** Runs a query whose first row's first column is a number (a count, a sum) and returns it. */
  public long queryLong(String sql) {
    long start = System.nanoTime();
    try (Statement s = connection.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw TicklakeException.of(Kind.FAILURE, "Cannot run DuckDB query: it returned no row");
      }
      long v = rs.getLong(1);
      trace(sql, start);
      return v;
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot run DuckDB query: " + e.getMessage().strip(), e);
    }
  }

  /** Runs a query and returns its first column as text, one element per row. */
  public List<String> queryStrings(String sql) {
    long start = System.nanoTime();
    List<String> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      trace(sql, start);
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot run DuckDB query: " + e.getMessage().strip(), e);
    }
    return out;
  }

  /** The DuckDB type a column is read as. */
  public static String duckDbType(NestedField field) {
    return duckDbType(field.name(), field.type());
  }

  private static String duckDbType(String column, Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return "BOOLEAN";
      case INTEGER:
        return "INTEGER";
      case LONG:
        return "BIGINT";
      case FLOAT:
        return "FLOAT";
      case DOUBLE:
        return "DOUBLE";
      case DECIMAL:
        Types.DecimalType d = (Types.DecimalType) type;
        return "DECIMAL(" + d.precision() + "," + d.scale() + ")";
      case DATE:
        return "DATE";
      case TIME:
        return "TIME";
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case TIMESTAMP_NANO:
        return ((Types.TimestampNanoType) type).shouldAdjustToUTC()
            ? "TIMESTAMPTZ"
            : "TIMESTAMP_NS";
      case STRING:
        return "VARCHAR";
      case UUID:
        return "UUID";
      case FIXED:
      case BINARY:
        return "BLOB";
      default:
        throw TicklakeException.of(
            Kind.UNSUPPORTED,
            "Cannot read column %s: type %s is not supported by the DuckDB bridge yet",
            column,
            type);
    }
  }

  private static String qualified(String name) {
    int dot = name.indexOf('.');
    if (dot < 0) {
      return Sql.ident(name);
    }
    return Sql.ident(name.substring(0, dot)) + "." + Sql.ident(name.substring(dot + 1));
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing useful to do: the in-memory database goes away with the connection
    }
  }
}

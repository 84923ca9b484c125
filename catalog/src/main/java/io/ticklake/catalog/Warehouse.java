package io.ticklake.catalog;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.TableContract;
import io.ticklake.catalog.contract.TableContracts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * An open ticklake warehouse: the directory plus its Iceberg {@link JdbcCatalog}.
 *
 * <p>Opening checks what a user can get wrong before Iceberg sees it (a warehouse path that is a
 * file or cannot be created or written, a catalog file that is unreadable or not an SQLite
 * database, an unreachable catalog server) and reports it as a one-sentence {@link
 * TicklakeException} of kind {@link Kind#CONFIGURATION}.
 *
 * <p>Thread-safe: the catalog and its connection pool may be shared by threads. Close it once.
 */
public final class Warehouse implements AutoCloseable {
  /** Name of the Iceberg catalog inside ticklake (other engines may name it as they like). */
  public static final String CATALOG_NAME = "ticklake";

  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private final WarehouseConfig config;
  private final JdbcCatalog catalog;
  private final Configuration hadoopConf;

  private Warehouse(WarehouseConfig config, JdbcCatalog catalog, Configuration hadoopConf) {
    this.config = config;
    this.catalog = catalog;
    this.hadoopConf = hadoopConf;
  }

  /**
   * Opens (creating if needed) the warehouse directory and its catalog.
   *
   * @throws TicklakeException of kind CONFIGURATION when the directory or catalog is unusable
   */
  public static Warehouse open(WarehouseConfig config) {
    requireNonNull(config, "config is null");
    if (!config.isSqlite()) {
      // a catalog server outside the warehouse: a wrong --warehouse is refused before it is
      // created (an SQLite catalog is inside it, checked below once the file is known good)
      checkTablesLiveHere(config);
    }
    prepareDirectory(config.warehouse());
    config.sqliteFile().ifPresent(Warehouse::checkSqliteFile);

    Configuration conf = hadoopConfiguration();
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, config.catalogUri());
    props.put(CatalogProperties.WAREHOUSE_LOCATION, config.warehouse().toString());
    props.put("jdbc.schema-version", "V1");
    config.catalogUser().ifPresent(u -> props.put("jdbc.user", u));
    config.catalogPassword().ifPresent(p -> props.put("jdbc.password", p));
    if (config.isSqlite()) {
      // Several processes (writer, compactor, CLI) share one catalog file: wait on locks rather
      // than fail at once, and let readers proceed while a commit holds the write lock.
      props.put("jdbc.busy_timeout", "30000");
      props.put("jdbc.journal_mode", "wal");
    }
    JdbcCatalog catalog;
    for (int attempt = 1; ; attempt++) {
      catalog = new JdbcCatalog();
      catalog.setConf(conf);
      try {
        catalog.initialize(CATALOG_NAME, props);
        // Touch the catalog tables so that a corrupt or foreign database fails here, not later.
        catalog.listNamespaces();
        break;
      } catch (RuntimeException e) {
        closeQuietly(catalog);
        if (attempt < CATALOG_SETUP_ATTEMPTS && createdConcurrently(e)) {
          // Iceberg creates (and upgrades) its catalog tables by "check, then CREATE / ALTER":
          // two processes opening a fresh catalog database at once both try, and one fails on
          // what the other made. Opening again finds them made.
          sleepQuietly(20L * attempt);
          continue;
        }
        throw openFailure(config, e);
      }
    }
    if (config.isSqlite()) {
      config.sqliteFile().ifPresent(f -> checkTablesLiveHere(config));
    }
    return new Warehouse(config, catalog, conf);
  }

  /** How often opening a catalog is tried when another process was creating its tables. */
  private static final int CATALOG_SETUP_ATTEMPTS = 5;

  private static TicklakeException openFailure(WarehouseConfig config, RuntimeException e) {
    return new TicklakeException(
        Kind.CONFIGURATION,
        String.format(
                java.util.Locale.ROOT,
                "Cannot open catalog %s: %s",
                config.displayUri(),
                rootMessage(e))
            + storageAdvice(config.warehouse(), e),
        e);
  }

  /**
   * Whether opening failed because another process created Iceberg's catalog tables or columns
   * between this one's check and its CREATE / ALTER: PostgreSQL's duplicate_table (42P07),
   * duplicate_column (42701), duplicate_object (42710) or a unique violation of its system catalog
   * (23505, two CREATE TABLEs at once); SQLite's "already exists" / "duplicate column name".
   */
  static boolean createdConcurrently(Throwable e) {
    java.util.Set<String> states = java.util.Set.of("42P07", "42701", "42710", "23505");
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && sql.getSQLState() != null
          && states.contains(sql.getSQLState())) {
        return true;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("already exists") || m.contains("duplicate column name")) {
        return true;
      }
    }
    return false;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Refuses a catalog whose tables live outside the warehouse directory: Iceberg records absolute
   * locations, so a warehouse copied with {@code cp -r} (a backup before an upgrade) still points
   * at the original's files — an {@code expire} or {@code init --recreate-silver} in the copy
   * deleted the original's — and a moved one points at files that are gone. A catalog server
   * (PostgreSQL) serves the one warehouse directory its tables were created in: another {@code
   * --warehouse} with the same catalog would read and write the first one's tables while keeping
   * its WAL, scratch and orphan scan in the other folder. One of ticklake's own tables is enough:
   * each is created under the warehouse (tables of other tools may live anywhere).
   */
  private static void checkTablesLiveHere(WarehouseConfig config) {
    String location;
    try {
      location = ownTableLocation(config).orElse(null);
    } catch (java.sql.SQLException e) {
      return; // no table yet (the catalog creates its tables on first use), or unreachable
    }
    if (location == null) {
      return;
    }
    Path root = config.warehouse();
    Path table = Path.of(io.ticklake.catalog.duckdb.PinnedScan.localPath(location)).normalize();
    if (table.startsWith(root)) {
      return;
    }
    try {
      if (Files.exists(table) && table.toRealPath().startsWith(root.toRealPath())) {
        return; // the same directory reached through a symbolic link
      }
    } catch (IOException e) {
      // judged below
    }
    // <warehouse>/<namespace>/<table>/metadata/<file>: the catalog's default table locations
    Path original = table;
    for (int up = 0; up < 4 && original.getParent() != null; up++) {
      original = original.getParent();
    }
    if (Files.exists(table) && !config.isSqlite()) {
      // one catalog database serves one warehouse directory
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot open warehouse %s: catalog %s holds the tables of the warehouse at %s (Iceberg"
              + " records absolute paths, and a catalog database serves one warehouse); give"
              + " --warehouse %s, or another catalog database for another warehouse",
          root,
          config.displayUri(),
          original,
          original);
    }
    if (Files.exists(table)) {
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot open warehouse %s: it is a copy of the warehouse at %s, whose files its catalog"
              + " still names (Iceberg records absolute paths), so working here would change that"
              + " warehouse's files. Work in %s, or restore a copy only to the path it was made"
              + " from",
          root,
          original,
          original);
    }
    throw TicklakeException.of(
        Kind.CONFIGURATION,
        "Cannot open warehouse %s: its catalog names tables under %s, which no longer exist: the"
            + " warehouse was moved, and Iceberg records absolute paths. Move it back to %s",
        root,
        original,
        original);
  }

  /**
   * Whether the warehouse of {@code config} exists: for an SQLite catalog, its file; for a catalog
   * server, one of ticklake's tables in the catalog database. Reads only (creates no file, no
   * catalog table); when the server cannot be asked, true, so that opening reports why.
   */
  public static boolean exists(WarehouseConfig config) {
    requireNonNull(config, "config is null");
    if (config.isSqlite()) {
      return config.sqliteFile().map(Files::exists).orElse(true);
    }
    try {
      return ownTableLocation(config).isPresent();
    } catch (java.sql.SQLException e) {
      // 42P01: PostgreSQL's undefined_table, a database Iceberg's catalog tables are not in yet
      return !"42P01".equals(e.getSQLState());
    }
  }

  /**
   * The metadata location of the first of ticklake's own tables (by name) that the catalog database
   * names, read with plain JDBC (Iceberg's catalog would create its tables on open).
   *
   * @throws java.sql.SQLException when the database cannot be reached or has no catalog tables
   */
  private static java.util.Optional<String> ownTableLocation(WarehouseConfig config)
      throws java.sql.SQLException {
    // only ticklake's own tables: a table the user keeps in the same catalog (Spark's CREATE
    // TABLE … LOCATION '/elsewhere') may live anywhere
    java.util.Set<String> own =
        TableContracts.all().stream()
            .map(TableContract::name)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    java.util.Properties props = new java.util.Properties();
    config.catalogUser().ifPresent(u -> props.setProperty("user", u));
    config.catalogPassword().ifPresent(p -> props.setProperty("password", p));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.catalogUri(), props);
        java.sql.PreparedStatement st =
            c.prepareStatement(
                "SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE"
                    + " catalog_name = ? AND metadata_location IS NOT NULL ORDER BY"
                    + " table_namespace, table_name")) {
      st.setString(1, CATALOG_NAME);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (own.contains(rs.getString(1) + "." + rs.getString(2))) {
            return java.util.Optional.of(rs.getString(3));
          }
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** The Hadoop configuration ticklake uses for local files: no .crc side files. */
  public static Configuration hadoopConfiguration() {
    Configuration conf = new Configuration(false);
    // Hadoop's RawLocalFileSystem, except that a failed write (a full disk) is an IOException
    conf.set("fs.file.impl", io.ticklake.catalog.write.WarehouseFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /** The configuration this warehouse was opened with. */
  public WarehouseConfig config() {
    return config;
  }

  /** The Iceberg catalog. */
  public Catalog catalog() {
    return catalog;
  }

  /** The Hadoop configuration used by the catalog's FileIO. */
  public Configuration hadoopConf() {
    return hadoopConf;
  }

  /** The warehouse directory. */
  public Path root() {
    return config.warehouse();
  }

  /** The scratch directory of the warehouse in {@code warehouse} (see {@link #tempDir()}). */
  public static Path tempDirOf(Path warehouse) {
    return warehouse.resolve(".tmp");
  }

  /**
   * A scratch directory inside the warehouse for engine spill files, created on demand. Keeping it
   * on the warehouse's disk means spills get the same space as the data.
   */
  public Path tempDir() {
    Path dir = tempDirOf(config.warehouse());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot create temp directory %s: %s", dir, e.getMessage());
    }
    return dir;
  }

  /**
   * Loads a table.
   *
   * @throws TicklakeException of kind INPUT when it does not exist
   */
  public Table table(TableIdentifier id) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      if (TableContracts.find(id.toString()).isPresent()) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot find table %s: run 'ticklake init' to create the tables", id);
      }
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot find table %s: ticklake's tables are %s",
          id,
          TableContracts.all().stream().map(TableContract::name).collect(Collectors.joining(", ")));
    }
  }

  /** Loads a table by name, e.g. {@code silver.trades}. */
  public Table table(String name) {
    return table(identifier(name));
  }

  /**
   * The identifier of a table name as a user gave it, e.g. {@code silver.trades}.
   *
   * @throws TicklakeException of kind INPUT naming ticklake's tables, when the name is empty or has
   *     an empty part ({@code silver.}), which Iceberg refuses with an IllegalArgumentException
   */
  public static TableIdentifier identifier(String name) {
    if (name == null
        || name.isBlank()
        || name.startsWith(".")
        || name.endsWith(".")
        || name.contains("..")) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot find table '%s': ticklake's tables are %s",
          name == null ? "" : name,
          TableContracts.all().stream().map(TableContract::name).collect(Collectors.joining(", ")));
    }
    // ticklake's own tables in any case (SILVER.TRADES), as quarantine --table takes them
    String lower = name.strip().toLowerCase(java.util.Locale.ROOT);
    if (TableContracts.all().stream().anyMatch(c -> c.name().equals(lower))) {
      return TableIdentifier.parse(lower);
    }
    return TableIdentifier.parse(name);
  }

  @Override
  public void close() {
    closeQuietly(catalog);
  }

  private static void prepareDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot use warehouse %s: it is a file, not a directory", dir);
    }
    try {
      Files.createDirectories(dir);
    } catch (FileSystemException e) {
      throw new TicklakeException(
          Kind.CONFIGURATION,
          String.format(
                  java.util.Locale.ROOT,
                  "Cannot create warehouse directory %s: %s",
                  dir,
                  describe(e))
              + storageAdvice(dir, e),
          e);
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot create warehouse directory %s: %s", dir, e.getMessage());
    }
    // Probe for real: permission bits lie for root and read-only mounts.
    Path probe = dir.resolve(".ticklake-write-probe-" + ProcessHandle.current().pid());
    try {
      Files.writeString(probe, "probe");
      Files.deleteIfExists(probe);
    } catch (IOException e) {
      throw new TicklakeException(
          Kind.CONFIGURATION,
          String.format(
                  java.util.Locale.ROOT,
                  "Cannot write to warehouse directory %s: %s",
                  dir,
                  e instanceof FileSystemException fse ? describe(fse) : e.getMessage())
              + storageAdvice(dir, e),
          e);
    }
  }

  /** Below this many free bytes, an SQLite I/O error is taken for a full disk. */
  private static final long LOW_SPACE = 1 << 20;

  /**
   * {@code "; "} and what to do when {@code e} is a storage problem of the warehouse {@code dir}
   * (see {@link StorageErrors}), else nothing. SQLite reports a full disk while it maps its shared
   * memory file as a plain I/O error ({@code SQLITE_IOERR_SHMSIZE}): such an error on a file system
   * with less than {@link #LOW_SPACE} bytes free is said to be one.
   */
  private static String storageAdvice(Path dir, Throwable e) {
    String then = "then run the command again";
    String advice = StorageErrors.advice(dir, e, then);
    if (advice != null) {
      return "; " + advice;
    }
    String message = rootMessage(e);
    if (message.contains("SQLITE_IOERR") || message.contains("disk I/O error")) {
      try {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < LOW_SPACE) {
          return String.format(
              java.util.Locale.ROOT,
              "; its file system has only %d KiB free: free space on the file system of %s, %s",
              free >> 10,
              dir,
              then);
        }
      } catch (IOException | RuntimeException ignored) {
        // no figure to give: the error stands as it is
      }
    }
    return "";
  }

  private static void checkSqliteFile(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot open catalog %s: it is a directory, not a file", file);
    }
    byte[] header = new byte[SQLITE_MAGIC.length];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(header, 0, header.length);
    } catch (AccessDeniedException e) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot read catalog %s: permission denied", file);
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot read catalog %s: %s", file, e.getMessage());
    }
    // An empty file is a valid, empty SQLite database; anything else must carry the magic.
    if (n > 0 && (n < header.length || !Arrays.equals(header, SQLITE_MAGIC))) {
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot open catalog %s: the file is not an SQLite database (corrupt or overwritten)",
          file);
    }
  }

  private static String describe(FileSystemException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file is in the way";
    }
    String reason = e.getReason();
    if (reason == null) {
      return e.getClass().getSimpleName();
    }
    return reason.toLowerCase(java.util.Locale.ROOT);
  }

  /** The innermost non-blank message of a cause chain, which is usually the useful one. */
  static String rootMessage(Throwable e) {
    String message = e.getMessage();
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message.strip().replaceAll("\\s+", " ");
  }

  private static void closeQuietly(JdbcCatalog catalog) {
    try {
      catalog.close();
    } catch (RuntimeException ignored) {
      // closing a half-initialised catalog can fail; the original error matters more
    }
  }
}

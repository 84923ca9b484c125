package io.ticklake.catalog;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the lake lives: a warehouse directory for data and metadata files, and the JDBC URL of the
 * Iceberg catalog that records each table's current metadata.
 *
 * <p>By default the catalog is an embedded SQLite file, {@code <warehouse>/catalog.db}. A {@code
 * jdbc:postgresql:} URL selects a PostgreSQL catalog through the same {@code JdbcCatalog} code
 * path; its user and password come from {@code TICKLAKE_CATALOG_USER} and {@code
 * TICKLAKE_CATALOG_PASSWORD}.
 *
 * @param warehouse absolute, normalized warehouse directory
 * @param catalogUri JDBC URL of the catalog database
 * @param catalogUser catalog database user, if any
 * @param catalogPassword catalog database password, if any
 */
public record WarehouseConfig(
    Path warehouse,
    String catalogUri,
    Optional<String> catalogUser,
    Optional<String> catalogPassword) {

  /** Environment variable that overrides the default warehouse directory. */
  public static final String ENV_WAREHOUSE = "TICKLAKE_WAREHOUSE";

  /** Environment variable that selects a catalog by JDBC URL. */
  public static final String ENV_CATALOG_URI = "TICKLAKE_CATALOG_URI";

  /** Environment variable with the catalog database user (PostgreSQL). */
  public static final String ENV_CATALOG_USER = "TICKLAKE_CATALOG_USER";

  /** Environment variable with the catalog database password (PostgreSQL). */
  public static final String ENV_CATALOG_PASSWORD = "TICKLAKE_CATALOG_PASSWORD";

  /** The default warehouse directory, relative to the working directory. */
  public static final String DEFAULT_WAREHOUSE = "warehouse";

  /** File name of the embedded SQLite catalog inside the warehouse. */
  public static final String SQLITE_CATALOG_FILE = "catalog.db";

  public WarehouseConfig {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(catalogUri, "catalogUri is null");
    requireNonNull(catalogUser, "catalogUser is null");
    requireNonNull(catalogPassword, "catalogPassword is null");
    warehouse = warehouse.toAbsolutePath().normalize();
    if (!catalogUri.startsWith("jdbc:")) {
      throw TicklakeException.of(
          TicklakeException.Kind.CONFIGURATION,
          "Cannot use catalog URI '%s': it must be a JDBC URL (jdbc:sqlite:… or jdbc:postgresql:…)",
          catalogUri);
    }
  }

  /** A warehouse with the embedded SQLite catalog at {@code <warehouse>/catalog.db}. */
  public static WarehouseConfig embedded(Path warehouse) {
    Path dir = warehouse.toAbsolutePath().normalize();
    return new WarehouseConfig(
        dir, sqliteUri(dir.resolve(SQLITE_CATALOG_FILE)), Optional.empty(), Optional.empty());
  }

  /**
   * The JDBC URL of an SQLite file: {@code jdbc:sqlite:<path>}, or for a path with {@code ?} —
   * which the driver reads as the start of its parameters — SQLite's URI form with the path
   * percent-encoded ({@code jdbc:sqlite:file:/tmp/a%3Fb/catalog.db}).
   */
  static String sqliteUri(Path file) {
    String path = file.toString();
    if (path.indexOf('?') < 0) {
      return "jdbc:sqlite:" + path;
    }
    return "jdbc:sqlite:file:" + path.replace("%", "%25").replace("?", "%3F").replace("#", "%23");
  }

  /**
   * Resolves the configuration from command-line options and the environment. Precedence: option,
   * then environment variable, then default ({@code ./warehouse}, embedded SQLite catalog).
   *
   * @param warehouseOption value of {@code --warehouse}, or null
   * @param catalogUriOption value of {@code --catalog-uri}, or null
   * @param env the process environment
   */
  public static WarehouseConfig resolve(
      String warehouseOption, String catalogUriOption, Map<String, String> env) {
    requireNonNull(env, "env is null");
    String warehouse = firstNonBlank(warehouseOption, env.get(ENV_WAREHOUSE), DEFAULT_WAREHOUSE);
    Path dir;
    try {
      dir = Path.of(warehouse);
    } catch (RuntimeException e) {
      throw TicklakeException.of(
          TicklakeException.Kind.CONFIGURATION,
          "Cannot use warehouse '%s': not a valid path (%s)",
          warehouse,
          e.getMessage());
    }
    String uri = firstNonBlank(catalogUriOption, env.get(ENV_CATALOG_URI), null);
    if (uri == null) {
      return embedded(dir);
    }
    return new WarehouseConfig(
        dir,
        uri,
        Optional.ofNullable(blankToNull(env.get(ENV_CATALOG_USER))),
        Optional.ofNullable(blankToNull(env.get(ENV_CATALOG_PASSWORD))));
  }

  /** True when the catalog is an SQLite database file. */
  public boolean isSqlite() {
    return catalogUri.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:");
  }

  /**
   * The SQLite catalog file, when the catalog is an SQLite file (not {@code :memory:}).
   *
   * @return the file path, or empty for other catalogs
   */
  public Optional<Path> sqliteFile() {
    if (!isSqlite()) {
      return Optional.empty();
    }
    String rest = catalogUri.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.startsWith("file:")) {
      rest = percentDecode(rest.substring("file:".length()));
    }
    if (rest.isEmpty() || rest.startsWith(":memory:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(rest).toAbsolutePath().normalize());
  }

  /** Decodes the {@code %XX} escapes of an SQLite URI's path (and nothing else: '+' stays). */
  private static String percentDecode(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int plain = 0;
    for (int i = 0; i + 2 < s.length(); i++) {
      int hi = Character.digit(s.charAt(i + 1), 16);
      int lo = Character.digit(s.charAt(i + 2), 16);
      if (s.charAt(i) == '%' && hi >= 0 && lo >= 0) {
        out.writeBytes(s.substring(plain, i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.write(hi * 16 + lo);
        i += 2;
        plain = i + 1;
      }
    }
    out.writeBytes(s.substring(plain).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The catalog URI with any password removed, for messages. */
  public String displayUri() {
    return catalogUri.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String firstNonBlank(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    if (b != null && !b.isBlank()) {
      return b;
    }
    return fallback;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

package io.ticklake.cli;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What every subcommand shares: output streams, the environment and the global options. Not
 * thread-safe; one per command-line run.
 */
final class CliContext {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> env;
  private String warehouseOption;
  private String catalogUriOption;

  CliContext(PrintWriter out, PrintWriter err, Map<String, String> env) {
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
    this.env = Map.copyOf(requireNonNull(env, "env is null"));
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  Map<String, String> env() {
    return env;
  }

  boolean debug() {
    return debug(env);
  }

  /** Whether {@code TICKLAKE_DEBUG} in {@code env} asks for stack traces and library warnings. */
  static boolean debug(Map<String, String> env) {
    String d = env.get("TICKLAKE_DEBUG");
    return d != null && !d.isBlank() && !d.equals("0");
  }

  void warehouseOption(String value) {
    this.warehouseOption = value;
  }

  void catalogUriOption(String value) {
    this.catalogUriOption = value;
  }

  boolean warehouseGiven() {
    return warehouseOption != null || env.get(WarehouseConfig.ENV_WAREHOUSE) != null;
  }

  /** The configuration from options and environment. */
  WarehouseConfig config() {
    return WarehouseConfig.resolve(warehouseOption, catalogUriOption, env);
  }

  /**
   * The configuration from options and environment, with {@code warehouse} and {@code catalogUri}
   * (either may be null) in place of the defaults when neither an option nor the environment names
   * one.
   */
  WarehouseConfig config(String warehouse, String catalogUri) {
    return WarehouseConfig.resolve(
        warehouseGiven() ? warehouseOption : warehouse,
        catalogGiven() ? catalogUriOption : catalogUri,
        env);
  }

  /** Whether an option or the environment names the catalog. */
  boolean catalogGiven() {
    return catalogUriOption != null || env.get(WarehouseConfig.ENV_CATALOG_URI) != null;
  }

  /**
   * Opens the configured warehouse, which must exist: a mistyped path is an error and leaves no
   * empty warehouse behind. {@code init} creates one with {@link #createWarehouse()}.
   */
  Warehouse openWarehouse() {
    return openExisting(config());
  }

  /** Opens the warehouse of {@code config}, which must exist (see {@link #openWarehouse()}). */
  Warehouse openExisting(WarehouseConfig config) {
    if (java.nio.file.Files.isRegularFile(config.warehouse())) {
      // a mistyped path: say so as 'init' does, rather than send the user to 'init'
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot use warehouse %s: it is a file, not a directory",
          config.warehouse());
    }
    if (!Warehouse.exists(config)) {
      if (!config.isSqlite()) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot open warehouse %s: catalog %s holds none of ticklake's tables; create it with"
                + " 'ticklake init'",
            config.warehouse(),
            config.displayUri());
      }
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot open warehouse %s: it has no catalog (%s); create it with 'ticklake"
              + " init' or try 'ticklake demo'",
          config.warehouse(),
          config.sqliteFile().map(java.nio.file.Path::getFileName).orElse(null));
    }
    return Warehouse.open(config);
  }

  /**
   * Whether the configured warehouse does not exist yet: its SQLite catalog file is missing, or its
   * catalog database (PostgreSQL) holds none of ticklake's tables.
   */
  boolean warehouseMissing() {
    return !Warehouse.exists(config());
  }

  /** Opens the configured warehouse, creating its folder and catalog when they do not exist. */
  Warehouse createWarehouse() {
    return Warehouse.open(config());
  }
}

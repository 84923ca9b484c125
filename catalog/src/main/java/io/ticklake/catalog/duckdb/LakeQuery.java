package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A user's query over the lake ({@code ticklake sql}): the tables it reads are planned as views
 * pinned to one as-of, then DuckDB runs it.
 *
 * <p>Planning and reading are two steps, and a concurrent {@code ticklake expire} may delete data
 * files in between: those of a snapshot that was current when the query was planned and that a
 * later commit replaced (a compaction, a bar build) before the expire. A query of the latest state
 * then simply runs again on a fresh DuckDB database over the lake as it is now; a query pinned to a
 * point in time says that its snapshot was expired. Whether a failure is this race is told by the
 * files themselves (a planned data file no longer exists), not by DuckDB's message.
 */
public final class LakeQuery {
  /** Reads a query's result. */
  @FunctionalInterface
  public interface Result {
    /**
     * Reads {@code rs}; called at most once per run, after the query succeeded. It reads every row
     * before it writes anything, so that a failed read can run again without output twice.
     */
    void read(ResultSet rs) throws SQLException;
  }

  /** Registers the views an attempt reads, in a fresh DuckDB. */
  @FunctionalInterface
  public interface Planner {
    /** Registers the views and returns the scans they read. */
    Map<TableIdentifier, PinnedScan> plan(DuckDbBridge bridge) throws SQLException;
  }

  /** One attempt's reads, after planning. */
  @FunctionalInterface
  public interface Reads<T> {
    /**
     * Reads the views; nothing is written out before every read succeeded, so that the attempt can
     * run again.
     */
    T read(DuckDbBridge bridge) throws SQLException;
  }

  /** How many times a query of the latest state runs when its files keep being expired. */
  static final int ATTEMPTS = 5;

  private LakeQuery() {}

  /**
   * Runs {@code query}.
   *
   * @param open opens a fresh DuckDB database for one attempt (closed after it)
   * @param notes hears each note of the planning once, however many attempts run
   * @param result reads the result of a query that returns rows
   * @return whether the query returned rows (false for a statement without result)
   * @throws TicklakeException of kind INPUT for a query DuckDB refuses or whose pinned snapshot was
   *     expired while it ran, CONFLICT when the latest files kept being expired under every attempt
   */
  public static boolean run(
      Supplier<DuckDbBridge> open,
      Catalog catalog,
      AsOf asOf,
      String query,
      Consumer<String> notes,
      Result result) {
    return run(open, catalog, asOf, query, notes, result, () -> {});
  }

  /** {@link #run}, calling {@code planned} between planning and reading (for tests). */
  static boolean run(
      Supplier<DuckDbBridge> open,
      Catalog catalog,
      AsOf asOf,
      String query,
      Consumer<String> notes,
      Result result,
      Runnable planned) {
    requireNonNull(query, "query is null");
    requireNonNull(result, "result is null");
    Set<String> noted = new HashSet<>();
    Consumer<String> once =
        note -> {
          if (noted.add(note)) {
            notes.accept(note);
          }
        };
    return read(
        open,
        asOf,
        bridge -> bridge.registerFor(query, catalog, asOf, once),
        bridge -> {
          try (Statement s = bridge.connection().createStatement()) {
            if (!s.execute(query)) {
              return false;
            }
            try (ResultSet rs = s.getResultSet()) {
              result.read(rs);
            }
            return true;
          }
        },
        e -> new TicklakeException(Kind.INPUT, queryError(e.getMessage().strip()), e),
        planned);
  }

  /** How DuckDB prefixes the text of an {@code error()} call. */
  private static final String DUCKDB_ERROR_PREFIX = "Invalid Input Error: ";

  /**
   * The sentence for a query DuckDB refused: a view of a table that cannot be read as asked raises
   * ticklake's own sentence through DuckDB's {@code error()}, given as it is, not inside DuckDB's
   * "Invalid Input Error: "; any other error is "Cannot run query: " and DuckDB's message.
   */
  static String queryError(String message) {
    return message.startsWith(DUCKDB_ERROR_PREFIX + "Cannot ")
        ? message.substring(DUCKDB_ERROR_PREFIX.length())
        : "Cannot run query: " + message;
  }

  /**
   * Plans and reads on a fresh DuckDB per attempt: when the reads fail and one of the planned data
   * files no longer exists, runs again (latest state) or says the snapshot expired (pinned); a
   * snapshot that expires while it is planned is read again too.
   *
   * @param asOf what {@code planner} pins: only {@link AsOf.Latest} runs again
   * @param failure the error for a DuckDB failure that is not this race
   * @throws TicklakeException of kind INPUT when a pinned snapshot was expired while it was read,
   *     CONFLICT when the latest files kept being expired under every attempt
   */
  public static <T> T read(
      Supplier<DuckDbBridge> open,
      AsOf asOf,
      Planner planner,
      Reads<T> reads,
      Function<SQLException, TicklakeException> failure) {
    return read(open, asOf, planner, reads, failure, () -> {});
  }

  /** {@link #read}, calling {@code planned} between planning and reading (for tests). */
  static <T> T read(
      Supplier<DuckDbBridge> open,
      AsOf asOf,
      Planner planner,
      Reads<T> reads,
      Function<SQLException, TicklakeException> failure,
      Runnable planned) {
    requireNonNull(open, "open is null");
    requireNonNull(asOf, "asOf is null");
    for (int attempt = 1; ; attempt++) {
      try (DuckDbBridge bridge = open.get()) {
        // a snapshot that expires after its table was loaded: its manifests are gone
        Map<TableIdentifier, PinnedScan> scans =
            SnapshotExpiry.replanning(
                "the query's tables",
                () -> {
                  try {
                    return planner.plan(bridge);
                  } catch (SQLException e) {
                    throw failure.apply(e);
                  }
                });
        planned.run();
        try {
          return reads.read(bridge);
        } catch (SQLException | RuntimeException e) {
          Optional<Gone> gone = gone(scans);
          if (gone.isEmpty()) {
            throw e instanceof SQLException sql ? failure.apply(sql) : (RuntimeException) e;
          }
          if (!(asOf instanceof AsOf.Latest)) {
            throw new TicklakeException(
                Kind.INPUT,
                String.format(
                    java.util.Locale.ROOT,
                    "Cannot run query: the snapshot of %s it reads was expired while it ran (its"
                        + " data file %s is gone); 'ticklake snapshots %s' lists those left",
                    gone.get().table(),
                    gone.get().file(),
                    gone.get().table()),
                e);
          }
          if (attempt >= ATTEMPTS) {
            throw new TicklakeException(
                Kind.CONFLICT,
                String.format(
                    java.util.Locale.ROOT,
                    "Cannot read %s: concurrent expires removed the files it read under each of %d"
                        + " attempts (last %s); retry",
                    gone.get().table(),
                    ATTEMPTS,
                    gone.get().file()),
                e);
          }
        }
      }
    }
  }

  /** A planned data file that no longer exists, and its table. */
  private record Gone(TableIdentifier table, String file) {}

  private static Optional<Gone> gone(Map<TableIdentifier, PinnedScan> scans) {
    for (Map.Entry<TableIdentifier, PinnedScan> e : scans.entrySet()) {
      for (String file : e.getValue().localPaths()) {
        if (!file.contains("://") && Files.notExists(Path.of(file))) {
          return Optional.of(new Gone(e.getKey(), file));
        }
      }
    }
    return Optional.empty();
  }
}

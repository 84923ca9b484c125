package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.LakeQuery;
import io.ticklake.catalog.snapshot.AsOf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake sql}: run DuckDB SQL over views of every table, pinned to one as-of. */
@Command(
    name = "sql",
    header = "Run SQL (DuckDB dialect) over every table.",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL (DuckDB dialect) over every table, exposed as views named namespace.table",
      "(bronze.trades, silver.quotes, gold.bars, ref.dim_symbol, ops.quarantine, ...).",
      "With --as-of all tables are pinned to one point in time. Without -c or -f the",
      "query is read from standard input. Several statements may be separated by ';'",
      "and the result of the last one is printed."
    })
final class SqlCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  static final class Source {
    @Option(
        names = {"-c", "--command"},
        paramLabel = "QUERY",
        description = "The SQL to run.")
    String command;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "A file with the SQL to run.")
    Path file;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @Option(
      names = "--as-of",
      paramLabel = "WHEN",
      description = {
        "Read tables as of a snapshot id, an ISO-8601 time with zone (2026-11-22T10:15:30Z) or"
            + " a tag/branch name. A snapshot id pins its table to that snapshot and every other"
            + " table to that snapshot's commit time."
      })
  String asOf;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Mixin DuckDbResources duckdb;

  @Override
  public Integer call() throws IOException {
    int threads = duckdb.threads();
    String memoryLimit = duckdb.memoryLimit().orElse(null);
    CliContext ctx = root.context();
    String query = query();
    AsOf when = AsOf.parse(asOf);
    try (Warehouse warehouse = ctx.openWarehouse()) {
      // only the tables the query reads are planned (all of them when that cannot be told); a
      // query of the latest state whose files a concurrent expire deleted runs again
      boolean rows =
          LakeQuery.run(
              () -> DuckDbBridge.open(warehouse.tempDir(), threads, memoryLimit),
              warehouse.catalog(),
              when,
              query,
              note -> ctx.err().println("ticklake: note: " + note),
              rs -> format.print(ctx.out(), rs));
      if (!rows) {
        ctx.out().println("OK");
      }
    }
    return ExitCodes.OK;
  }

  private String query() throws IOException {
    if (source != null && source.command != null) {
      return source.command;
    }
    if (source != null && source.file != null) {
      if (Files.isDirectory(source.file)) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot read SQL file %s: it is a folder", source.file);
      }
      try {
        return Files.readString(source.file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot read SQL file %s: no such file", source.file);
      } catch (java.nio.charset.CharacterCodingException e) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot read SQL file %s: it is not UTF-8 text (save it as UTF-8)",
            source.file);
      } catch (java.nio.file.AccessDeniedException e) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot read SQL file %s: permission denied (make it readable for this user)",
            source.file);
      }
    }
    if (System.console() != null) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot run sql: give a query with -c QUERY, -f FILE or on standard input");
    }
    String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw TicklakeException.of(Kind.INPUT, "Cannot run sql: standard input holds no query");
    }
    return text;
  }
}

package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.write.OrphanFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake orphans}: data files no snapshot references (left by crashed jobs). */
@Command(
    name = "orphans",
    header = "List (or delete) data files that no snapshot references.",
    mixinStandardHelpOptions = true,
    description = {
      "List data files in the warehouse that no snapshot references: what a job killed between",
      "writing its files and committing them leaves behind. They are invisible to readers.",
      "Only files older than --older-than minutes are listed (default 60, so the files of a",
      "job still running are neither listed nor touched; 0 lists all); --delete removes them."
    })
final class OrphansCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "TABLE", description = "Tables (default: all).")
  List<String> tables;

  @Option(
      names = "--older-than",
      defaultValue = "60",
      paramLabel = "MINUTES",
      description =
          "Only files last modified this many minutes ago or earlier, a whole number (default:"
              + " 60).")
  String olderThan;

  @Option(names = "--delete", description = "Delete the files listed.")
  boolean delete;

  /** The tables a maintenance command names, or every table of the warehouse. */
  static List<TableIdentifier> tablesOrAll(Warehouse warehouse, List<String> names) {
    return names == null || names.isEmpty()
        ? DuckDbBridge.listTables(warehouse.catalog())
        : names.stream().map(Warehouse::identifier).distinct().toList();
  }

  /** {@code --older-than} as a whole number of minutes; a usage error naming it otherwise. */
  private long minutes() {
    try {
      return Long.parseLong(olderThan.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --older-than '"
              + olderThan
              + "': give a whole number of minutes, e.g. 60 or 10080 for a week (0 lists all)");
    }
  }

  @Override
  public Integer call() throws IOException {
    CliContext ctx = root.context();
    long olderThanMinutes = minutes();
    if (olderThanMinutes < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot list files modified in the future: give --older-than 0 or more minutes");
    }
    long now = System.currentTimeMillis();
    // minutes beyond the epoch: nothing is that old (the product would overflow into the future)
    long cutoff = olderThanMinutes > now / 60_000L ? 0 : now - olderThanMinutes * 60_000L;
    try (Warehouse warehouse = ctx.openWarehouse()) {
      List<TableIdentifier> ids = tablesOrAll(warehouse, tables);
      List<List<Object>> rows = new ArrayList<>();
      long bytes = 0;
      for (TableIdentifier id : ids) {
        Table table = warehouse.table(id);
        for (Path p : OrphanFiles.list(table, cutoff)) {
          long size = Files.size(p);
          bytes += size;
          if (delete) {
            Files.deleteIfExists(p);
          }
          rows.add(List.of(id.toString(), size, p.toString()));
        }
      }
      ResultFormat.TABLE.print(ctx.out(), List.of("table", "bytes", "file"), rows);
      ctx.out()
          .printf(
              java.util.Locale.ROOT,
              "%d orphaned file%s, %,d bytes%s%n",
              rows.size(),
              rows.size() == 1 ? "" : "s",
              bytes,
              delete ? " deleted" : " (use --delete to remove them)");
    }
    return ExitCodes.OK;
  }
}

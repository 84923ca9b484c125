package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.write.OrphanFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      "Only files older than --older-than are listed (default 60 minutes, so the files of a",
      "job still running are neither listed nor touched; 0 lists all); --delete removes them."
    })
final class OrphansCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "clean up orphaned files";
  }

  @Override
  public String rerun() {
    return "then run the same orphans again";
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "TABLE", description = "Tables (default: all).")
  List<String> tables;

  @Option(
      names = "--older-than",
      defaultValue = "60",
      paramLabel = "AGE",
      description =
          "Only files last modified this long ago or earlier: a duration as for 'expire' (7d,"
              + " 12h, 30m, PT1H) or a whole number of minutes (default: 60; 0 lists all).")
  String olderThan;

  @Option(names = "--delete", description = "Delete the files listed.")
  boolean delete;

  /** The tables a maintenance command names, or every table of the warehouse. */
  static List<TableIdentifier> tablesOrAll(Warehouse warehouse, List<String> names) {
    return names == null || names.isEmpty()
        ? DuckDbBridge.listTables(warehouse.catalog())
        : names.stream().map(Warehouse::identifier).distinct().toList();
  }

  /**
   * {@code --older-than}: a whole number of minutes (0 for all), or a duration with a unit as
   * {@code expire} takes it; a usage error naming the option otherwise.
   */
  private Duration age() {
    String text = olderThan.strip();
    if (text.matches("[+-]?\\d+")) {
      long minutes;
      try {
        minutes = Long.parseLong(text);
      } catch (NumberFormatException tooLong) {
        minutes = text.startsWith("-") ? -1 : Long.MAX_VALUE;
      }
      if (minutes < 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Cannot list files modified in the future: give --older-than 0 or more minutes");
      }
      // Duration holds at most Long.MAX_VALUE seconds
      return Duration.ofMinutes(Math.min(minutes, Long.MAX_VALUE / 60));
    }
    try {
      return WriterCommand.duration(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --older-than '"
              + olderThan
              + "': give a duration such as 7d, 12h, 30m or PT1H, or a whole number of minutes"
              + " (0 lists all)");
    }
  }

  @Override
  public Integer call() throws IOException {
    CliContext ctx = root.context();
    long cutoff = OptionValues.cutoffMillis(age());
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

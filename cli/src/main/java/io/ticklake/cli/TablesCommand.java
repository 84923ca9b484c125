package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake tables}: every table with its size and current snapshot. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List tables: rows, data files, bytes, current snapshot and metadata file.")
final class TablesCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      print(warehouse, ctx, format);
    }
    return ExitCodes.OK;
  }

  static void print(Warehouse warehouse, CliContext ctx, ResultFormat format) {
    List<List<Object>> rows = new ArrayList<>();
    for (TableIdentifier id : DuckDbBridge.listTables(warehouse.catalog())) {
      Table table = warehouse.catalog().loadTable(id);
      Snapshot s = table.currentSnapshot();
      Map<String, String> summary = s == null ? Map.of() : s.summary();
      // an empty table has no snapshot: NULL in a table, empty in CSV, null in JSON
      rows.add(
          java.util.Arrays.asList(
              id.toString(),
              number(summary.get("total-records")),
              number(summary.get("total-data-files")),
              number(summary.get("total-files-size")),
              s == null ? null : Long.toString(s.snapshotId()),
              ((HasTableOperations) table).operations().current().metadataFileLocation()));
    }
    format.print(
        ctx.out(), List.of("table", "rows", "files", "bytes", "snapshot", "metadata"), rows);
  }

  private static Object number(String s) {
    return s == null ? 0L : Long.parseLong(s);
  }
}

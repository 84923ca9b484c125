package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake snapshots TABLE}: the table's snapshot history. */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = "List a table's snapshots: id, parent, commit time, operation and summary.")
final class SnapshotsCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name, e.g. bronze.trades.")
  String tableName;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      Table table = warehouse.table(tableName);
      List<List<Object>> rows = new ArrayList<>();
      for (Snapshot s : SnapshotResolver.snapshots(table)) {
        List<Object> row = new ArrayList<>();
        row.add(s.snapshotId());
        row.add(s.parentId());
        row.add(Instant.ofEpochMilli(s.timestampMillis()));
        row.add(s.operation());
        row.add(new java.util.LinkedHashMap<>(s.summary()));
        rows.add(row);
      }
      format.print(
          ctx.out(),
          List.of("snapshot_id", "parent_id", "committed_at", "operation", "summary"),
          rows);
    }
    return ExitCodes.OK;
  }
}

package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.manifests.IngestManifest;
import io.ticklake.manifests.ManifestEntry;
import io.ticklake.manifests.ManifestStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake manifest}: the current status of every ingested file. */
@Command(
    name = "manifest",
    mixinStandardHelpOptions = true,
    description = {
      "List vendor files known to the ingest manifest with their current status.",
      "The full status history is in the table ops.ingest_manifest (one row per change)."
    })
final class ManifestCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      description = "Only these statuses: ${COMPLETION-CANDIDATES}.")
  List<ManifestStatus> statuses;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      IngestManifest manifest =
          new IngestManifest(warehouse.table(TableContracts.INGEST_MANIFEST.id()));
      List<List<Object>> rows = new ArrayList<>();
      for (ManifestEntry e : manifest.current().values()) {
        if (statuses != null && !statuses.contains(e.status())) {
          continue;
        }
        rows.add(
            Arrays.asList(
                e.fileId(),
                e.status().label(),
                e.vendor(),
                e.dataType(),
                e.rowsTotal(),
                e.rowsWritten(),
                e.rowsQuarantined(),
                e.minTradingDate(),
                e.maxTradingDate(),
                e.bronzeSnapshotId(),
                e.revisionOf(),
                e.updatedAt(),
                e.reason(),
                e.path()));
      }
      format.print(
          ctx.out(),
          List.of(
              "file_id",
              "status",
              "vendor",
              "data_type",
              "rows",
              "written",
              "quarantined",
              "first_date",
              "last_date",
              "bronze_snapshot",
              "revision_of",
              "updated_at",
              "reason",
              "path"),
          rows);
    }
    return ExitCodes.OK;
  }
}

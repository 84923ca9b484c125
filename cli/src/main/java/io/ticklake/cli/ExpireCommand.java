package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake expire}: Iceberg snapshot expiry, the lake's routine maintenance. */
@Command(
    name = "expire",
    header = "Expire old snapshots and delete the files only they referenced.",
    mixinStandardHelpOptions = true,
    description = {
      "Expire the snapshots of each table (default: all) committed more than --older-than ago,",
      "keeping at least the last --retain-last of each, and delete the data and metadata files",
      "that only the expired snapshots referenced (the replaced Silver and Gold partitions,",
      "mostly). Time travel (--as-of) reaches back only to the snapshots that are left.",
      "Compaction does not depend on the expired snapshots: the Bronze files each partition",
      "was built from and ops.compaction_log carry what the planner needs, so nothing is",
      "rebuilt for it (gold.bars keeps its markers in snapshots: bars of days not rebuilt",
      "since are rebuilt once). An export pinned to an expired snapshot can no longer be",
      "re-read by 'export verify'. --dry-run lists what would go and changes nothing."
    })
final class ExpireCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "expire snapshots";
  }

  @Override
  public String rerun() {
    return "then run the same expire again";
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "TABLE", description = "Tables (default: all).")
  List<String> tables;

  @Option(
      names = "--older-than",
      defaultValue = "7d",
      paramLabel = "DURATION",
      description =
          "Expire snapshots committed longer ago than this: 7d, 12h, 30m, PT1H (default: 7d).")
  String olderThan;

  @Option(
      names = "--retain-last",
      defaultValue = "1",
      paramLabel = "N",
      description = "Keep at least the last N snapshots of each table, however old (default: 1).")
  int retainLast;

  @Option(names = "--dry-run", description = "List what would be expired; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    Duration age = WriterCommand.durationOption(spec, "--older-than", olderThan);
    if (retainLast < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot keep " + retainLast + " snapshots: give --retain-last 1 or more");
    }
    long cutoff = OptionValues.cutoffMillis(age);
    try (Warehouse warehouse = ctx.openWarehouse()) {
      List<TableIdentifier> ids = OrphansCommand.tablesOrAll(warehouse, tables);
      List<List<Object>> rows = new ArrayList<>();
      long expiredTotal = 0;
      long filesTotal = 0;
      for (TableIdentifier id : ids) {
        Table table = warehouse.table(id);
        int before = size(table.snapshots());
        AtomicLong deleted = new AtomicLong();
        ExpireSnapshots expire =
            table
                .expireSnapshots()
                .expireOlderThan(cutoff)
                .retainLast(retainLast)
                .deleteWith(
                    path -> {
                      table.io().deleteFile(path);
                      deleted.incrementAndGet();
                    });
        List<Snapshot> gone = expire.apply();
        if (!dryRun && !gone.isEmpty()) {
          expire.commit();
        }
        expiredTotal += gone.size();
        filesTotal += deleted.get();
        rows.add(
            List.of(
                id.toString(),
                gone.size(),
                before - gone.size(),
                dryRun ? "-" : Long.toString(deleted.get())));
      }
      ResultFormat.TABLE.print(
          ctx.out(), List.of("table", "expired", "kept", "files_deleted"), rows);
      ctx.out()
          .printf(
              Locale.ROOT,
              "%s %d snapshots older than %s (keeping the last %d of each)%s%n",
              dryRun ? "Would expire" : "Expired",
              expiredTotal,
              Instant.ofEpochMilli(cutoff),
              retainLast,
              dryRun ? "; nothing changed" : ", deleted " + filesTotal + " files");
    }
    return ExitCodes.OK;
  }

  private static int size(Iterable<Snapshot> snapshots) {
    int n = 0;
    for (Snapshot ignored : snapshots) {
      n++;
    }
    return n;
  }
}

package io.ticklake.cli;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.PartitionKey;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import io.ticklake.silver.ValidationSettings;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake compact}: rebuild the Silver partitions Bronze commits changed. */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild Silver partitions from Bronze: dedup, validate (rejects to ops.quarantine),",
      "resolve symbol ids and sort, one partition at a time, each replaced atomically.",
      "Only partitions with Bronze commits since their last compaction are rebuilt;",
      "a run with nothing new says so and writes nothing."
    })
final class CompactCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "trades or quotes (default: both).")
  String table;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "Only this exchange.")
  String exchange;

  @Option(names = "--date", paramLabel = "DATE", description = "Only this trading date.")
  LocalDate date;

  @Option(
      names = "--all",
      description = "Rebuild every selected partition, even those Bronze has not changed.")
  boolean all;

  @Option(names = "--dry-run", description = "List what would be rebuilt; write nothing.")
  boolean dryRun;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "DuckDB threads (default: one per core).")
  int threads;

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      description = "DuckDB memory limit, e.g. 2GB (default: DuckDB's).")
  String memoryLimit;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    List<SilverTable> kinds;
    try {
      kinds = table == null ? List.of(SilverTable.values()) : List.of(SilverTable.parse(table));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CompactOptions options =
        new CompactOptions(
            Optional.ofNullable(exchange),
            Optional.ofNullable(date),
            all,
            threads,
            Optional.ofNullable(memoryLimit),
            RegistrationPolicy.fromEnvironment(ctx.env()),
            ValidationSettings.defaults());
    try (Warehouse warehouse = ctx.openWarehouse()) {
      for (SilverTable kind : kinds) {
        String name = kind.silver().name();
        SilverCompactor compactor =
            new SilverCompactor(warehouse, kind, options, Clock.systemUTC());
        CompactionPlan plan = compactor.plan();
        if (plan.isEmpty()) {
          ctx.out()
              .printf(
                  Locale.ROOT,
                  "%s: nothing to compact (Bronze snapshot %d)%n",
                  name,
                  plan.bronzeSnapshotId());
          continue;
        }
        if (dryRun) {
          for (CompactionPlan.Task t : plan.partitions()) {
            ctx.out()
                .printf(
                    Locale.ROOT,
                    "%s %s: would rebuild (%s) from %,d Bronze rows in %d files%n",
                    name,
                    t.key(),
                    t.reason(),
                    t.bronzeRows(),
                    t.bronzeFiles());
          }
          continue;
        }
        SilverCompactor.Outcome outcome = compactor.runResolvingConflicts(3);
        for (PartitionKey skipped : outcome.skipped()) {
          ctx.out()
              .printf(
                  Locale.ROOT,
                  "%s %s: skipped, another compactor rebuilt it first%n",
                  name,
                  skipped);
        }
        for (PartitionResult r : outcome.committed()) {
          ctx.out()
              .printf(
                  Locale.ROOT,
                  "%s %s: %,d in, %,d duplicates, %,d quarantined, %,d flagged, %,d out"
                      + " (Bronze snapshot %d, Silver snapshot %d, %s)%n",
                  name,
                  r.key(),
                  r.rowsIn(),
                  r.duplicates(),
                  r.quarantined(),
                  r.warned(),
                  r.rowsOut(),
                  r.bronzeSnapshotId(),
                  r.silverSnapshotId(),
                  r.digest());
          ctx.out().flush();
        }
      }
    }
    return ExitCodes.OK;
  }
}

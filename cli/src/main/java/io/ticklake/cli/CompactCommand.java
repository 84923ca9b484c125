package io.ticklake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.CompactionPlan;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake compact}: rebuild the Silver partitions Bronze commits changed. */
@Command(
    name = "compact",
    header = "Rebuild changed Silver partitions from Bronze: dedup, validate, sort.",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild Silver partitions from Bronze: dedup, validate (rejects to ops.quarantine),",
      "resolve symbol ids and sort, one partition at a time, each replaced atomically.",
      "Only partitions whose Bronze files changed since their last compaction are rebuilt;",
      "a run with nothing new says so and rewrites nothing. --dry-run gives each partition's",
      "reason: new, changed (Bronze files added, or taken away by a rollback), removed (its",
      "Bronze files are all gone: the rebuild empties it),",
      "symbols (ref.dim_symbol now resolves some of its unknown_symbol rows), remapped",
      "(ref.dim_symbol now gives some of its Silver rows another symbol_id), rules (it was",
      "built under other validation rules: see 'ticklake rules'), calendar (ref.exchange now",
      "gives its trading date other sessions), unfinished (a run died",
      "between its quarantine and Silver commits) or forced (--all).",
      "--date and --from/--to exclude each other; either end of a range may be left open.",
      "Exit 5: another compactor kept winning a partition; rerun."
    })
final class CompactCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "compact";
  }

  @Override
  public String rerun() {
    return "then run the same compact again: it rebuilds only the partitions this run did not"
        + " commit (each partition is replaced whole or not at all)";
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Mixin PartitionSelection days;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "trades or quotes (default: both).")
  String table;

  @Option(
      names = "--all",
      description = "Rebuild every selected partition, even those Bronze has not changed.")
  boolean all;

  @Option(names = "--dry-run", description = "List what would be rebuilt; write nothing.")
  boolean dryRun;

  @Mixin DuckDbResources duckdb;

  @Option(names = "--json", description = "Print the outcome as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = root.context();
    OptionValues.notBlank(spec, "--table", table, "trades or quotes");
    List<SilverTable> kinds;
    try {
      kinds = table == null ? List.of(SilverTable.values()) : List.of(SilverTable.parse(table));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CompactOptions options;
    try {
      options =
          new CompactOptions(
              days.exchange(),
              days.first(),
              days.last(),
              all,
              duckdb.threads(),
              duckdb.memoryLimit(),
              RegistrationPolicy.fromEnvironment(ctx.env()),
              Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = ctx.out();
    List<Map<String, Object>> report = new ArrayList<>();
    // tables with nothing to compact: not partitions, so listed apart
    List<Map<String, Object>> unchanged = new ArrayList<>();
    long started = System.nanoTime();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      days.checkExchange(warehouse, "compact");
      if (!warehouse.catalog().tableExists(TableContracts.COMPACTION_LOG.id())) {
        ctx.err()
            .println(
                "note: "
                    + TableContracts.COMPACTION_LOG.name()
                    + " does not exist (a warehouse from before it): run 'ticklake init' once,"
                    + " or expiring Silver or quarantine snapshots will make their partitions"
                    + " rebuild");
      }
      List<CompactionPlan> plans = new ArrayList<>();
      // one compactor per table plans and commits: it reads the stored validation rules once, so
      // a 'rules set' during the run applies from the next run
      Map<SilverTable, SilverCompactor> compactors = new LinkedHashMap<>();
      for (SilverTable kind : kinds) {
        SilverCompactor c = new SilverCompactor(warehouse, kind, options, Clock.systemUTC());
        compactors.put(kind, c);
        plans.add(c.plan());
      }
      long totalRows = 0;
      int totalPartitions = 0;
      for (CompactionPlan plan : plans) {
        for (CompactionPlan.Task t : plan.partitions()) {
          totalRows += t.bronzeRows();
          totalPartitions++;
        }
      }
      try (ProgressBar bar =
          ProgressBar.forTerminal(out, ctx.err(), totalPartitions, totalRows, !dryRun && !json)) {
        for (CompactionPlan plan : plans) {
          SilverTable kind = plan.table();
          String name = kind.silver().name();
          if (plan.isEmpty()) {
            // partitions checked unmoved against a changed ref.dim_symbol: recorded, so later
            // runs need not check them again
            int checked = dryRun ? 0 : compactors.get(kind).recordChecks(plan);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("table", name);
            u.put(
                "bronze_snapshot_id", plan.bronzeSnapshotId() < 0 ? null : plan.bronzeSnapshotId());
            u.put("checked_partitions", checked);
            unchanged.add(u);
            if (!json) {
              if (plan.bronzeSnapshotId() < 0) {
                out.printf(
                    Locale.ROOT,
                    "%s: nothing to compact, %s is empty%n",
                    name,
                    kind.bronze().name());
              } else {
                out.printf(
                    Locale.ROOT,
                    "%s: nothing to compact (Bronze snapshot %d)%s%n",
                    name,
                    plan.bronzeSnapshotId(),
                    checked == 0
                        ? ""
                        : checked == 1
                            ? "; 1 partition checked against the changed ref.dim_symbol keeps its"
                                + " symbol ids"
                            : "; "
                                + checked
                                + " partitions checked against the changed ref.dim_symbol keep"
                                + " their symbol ids");
              }
            }
            continue;
          }
          if (dryRun) {
            for (CompactionPlan.Task t : plan.partitions()) {
              Map<String, Object> m =
                  entry(name, t.key(), "would rebuild", plan.bronzeSnapshotId());
              m.put("reason", t.reason());
              m.put("bronze_rows", t.bronzeRows());
              m.put("bronze_files", t.bronzeFiles());
              report.add(m);
              if (!json) {
                out.printf(
                    Locale.ROOT,
                    "%s %s: would rebuild (%s) from %,d Bronze rows in %d file%s%n",
                    name,
                    t.key(),
                    t.reason(),
                    t.bronzeRows(),
                    t.bronzeFiles(),
                    t.bronzeFiles() == 1 ? "" : "s");
              }
            }
            continue;
          }
          compactors
              .get(kind)
              .runResolvingConflicts(
                  plan,
                  3,
                  new SilverCompactor.Listener() {
                    @Override
                    public void starting(CompactionPlan.Task task) {
                      bar.starting(name + " " + task.key());
                    }

                    @Override
                    public void committed(PartitionResult r) {
                      bar.done(r.rowsIn());
                      report.add(result(name, r));
                      if (!json) {
                        bar.print(line(name, r));
                      }
                    }

                    @Override
                    public void skipped(ExchangeDate key) {
                      bar.done(0);
                      report.add(
                          entry(name, key, "skipped: another compactor rebuilt it first", -1));
                      if (!json) {
                        bar.print(
                            String.format(
                                Locale.ROOT,
                                "%s %s: skipped, another compactor rebuilt it first",
                                name,
                                key));
                      }
                    }

                    @Override
                    public void retrying(ExchangeDate key, TicklakeException conflict) {
                      if (!json) {
                        bar.print(
                            String.format(
                                Locale.ROOT,
                                "%s %s: lost a commit race (another commit changed it, or what"
                                    + " the run pinned expired); planning it again",
                                name,
                                key));
                      }
                    }

                    @Override
                    public void replanned(long expiredSnapshotId, long pinned, int remaining) {
                      if (!json) {
                        bar.print(
                            String.format(
                                Locale.ROOT,
                                "%s: Bronze snapshot %d of the plan expired during the run;"
                                    + " planned the %d partition%s left again at snapshot %d",
                                name,
                                expiredSnapshotId,
                                remaining,
                                remaining == 1 ? "" : "s",
                                pinned));
                      }
                    }
                  });
        }
      }
    }
    if (json) {
      Map<String, Object> obj = new LinkedHashMap<>();
      obj.put("dry_run", dryRun);
      obj.put("partitions", report);
      obj.put("unchanged_tables", unchanged);
      obj.put("rows_in", sum(report, "rows_in"));
      obj.put("duplicates", sum(report, "duplicates"));
      obj.put("quarantined", sum(report, "quarantined"));
      obj.put("flagged", sum(report, "flagged"));
      obj.put("rows_out", sum(report, "rows_out"));
      obj.put("seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
      ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
      out.println(mapper.writeValueAsString(obj));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The per-partition line: rows in, duplicates, quarantined, flagged, rows out, seconds. */
  static String line(String name, PartitionResult r) {
    return String.format(
        Locale.ROOT,
        "%s %s: %,d in, %,d duplicates, %,d quarantined, %,d flagged, %,d out in %.2f s"
            + " (Bronze snapshot %d, Silver snapshot %d, %s)",
        name,
        r.key(),
        r.rowsIn(),
        r.duplicates(),
        r.quarantined(),
        r.warned(),
        r.rowsOut(),
        r.seconds(),
        r.bronzeSnapshotId(),
        r.silverSnapshotId(),
        r.digest());
  }

  private static Map<String, Object> entry(
      String name, ExchangeDate key, String outcome, long bronzeSnapshotId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("table", name);
    m.put("exchange", key.exchange());
    m.put("trading_date", key.tradingDate().toString());
    m.put("outcome", outcome);
    if (bronzeSnapshotId >= 0) {
      m.put("bronze_snapshot_id", bronzeSnapshotId);
    }
    return m;
  }

  private static Map<String, Object> result(String name, PartitionResult r) {
    Map<String, Object> m = entry(name, r.key(), "rebuilt", r.bronzeSnapshotId());
    m.put("rows_in", r.rowsIn());
    m.put("duplicates", r.duplicates());
    m.put("quarantined", r.quarantined());
    m.put("flagged", r.warned());
    m.put("rows_out", r.rowsOut());
    m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
    m.put("silver_snapshot_id", r.silverSnapshotId());
    m.put("digest", r.digest());
    m.put("data_file", r.dataFile().orElse(null));
    return m;
  }

  private static long sum(List<Map<String, Object>> report, String key) {
    return report.stream()
        .map(m -> m.get(key))
        .filter(v -> v instanceof Long)
        .mapToLong(v -> (Long) v)
        .sum();
  }

  /**
   * A progress bar on standard error while partitions are rebuilt: partitions and Bronze rows done,
   * the partition in work, the rate. Silent when standard error is not a terminal (a pipe, a log).
   * Lines printed through {@link #print} appear above the bar.
   */
  static final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final PrintWriter err;
    private final int partitions;
    private final long rows;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private int partitionsDone;
    private long rowsDone;
    private String current = "";

    private ProgressBar(
        PrintWriter out, PrintWriter err, int partitions, long rows, boolean enabled) {
      this.out = out;
      this.err = err;
      this.partitions = partitions;
      this.rows = rows;
      this.enabled = enabled;
    }

    static ProgressBar forTerminal(
        PrintWriter out, PrintWriter err, int partitions, long rows, boolean wanted) {
      return new ProgressBar(out, err, partitions, rows, wanted && System.console() != null);
    }

    void starting(String what) {
      current = what;
      draw();
    }

    void done(long rowsIn) {
      partitionsDone++;
      rowsDone += rowsIn;
      current = "";
      draw();
    }

    /** Prints a line of output above the bar (the output itself goes to standard output). */
    void print(String line) {
      clear();
      out.println(line);
      out.flush();
      draw();
    }

    private void draw() {
      if (!enabled) {
        return;
      }
      double fraction = rows == 0 ? 1 : (double) rowsDone / rows;
      int filled = (int) Math.round(fraction * WIDTH);
      double secs = (System.nanoTime() - start) / 1e9;
      err.printf(
          Locale.ROOT,
          "\r[%s%s] %d/%d partitions  %,d/%,d rows  %,.0f rows/s  %s   ",
          "#".repeat(filled),
          ".".repeat(WIDTH - filled),
          partitionsDone,
          partitions,
          rowsDone,
          rows,
          secs > 0 ? rowsDone / secs : 0.0,
          current);
      err.flush();
    }

    private void clear() {
      if (enabled) {
        err.print("\r" + " ".repeat(120) + "\r");
        err.flush();
      }
    }

    @Override
    public void close() {
      clear();
    }
  }
}
